#pragma once
// Kafka's org.apache.kafka.connect.data.Values text forms, used by SimpleHeaderConverter, and Java's
// Object.toString() of Connect values, used by StringConverter (and wherever Kafka prints String.valueOf).

#include "core/data/schema.hpp"

#include <string>
#include <string_view>

namespace sluice::data::values {

// Values.convertToString: strings as they are, numbers and booleans as Java prints them, bytes as base64,
// arrays "[1,2]", maps {"a":1}, structs {"field":value} (embedded strings quoted with \ and " escaped),
// Date/Time/Timestamp as ISO-8601 (yyyy-MM-dd, HH:mm:ss.SSS'Z', yyyy-MM-dd'T'HH:mm:ss.SSS'Z', in UTC),
// Decimal as BigDecimal.toString. The schema is needed to recognise logical types; may be null.
std::string convert_to_string(const data::SchemaPtr& schema, const data::Value& value);

// Values.parseString: "" -> STRING ""; "null" -> null; true/false -> BOOLEAN; integers -> the smallest of
// INT8/INT16/INT32/INT64 that holds them; other numbers -> FLOAT32 when finite as a float, else FLOAT64,
// else Decimal; ISO-8601 date/time/timestamp literals -> Date/Time/Timestamp; [..] -> ARRAY and {..} -> MAP
// with a common element type (elements must be quoted strings, numbers, booleans, null or nested
// arrays/maps, e.g. [1,2,3] or {"a":1}); anything else -> the whole text as STRING. Arrays and maps whose
// elements share no common type, or whose elements are all null, get a null schema (Kafka gives them
// schemas with a null element schema, which sluice's Schema cannot hold).
data::SchemaAndValue parse_string(std::string_view text);

// Java's String.valueOf(value) as Kafka's StringConverter and FileStreamSink write it: "null", strings as
// they are, numbers as Java prints them, lists "[a, b]", maps "{a=1, b=2}", structs "Struct{a=1,b=x}"
// (set fields only), Decimal as BigDecimal.toString, Date/Time/Timestamp as java.util.Date.toString in UTC
// ("Thu Jan 01 00:00:00 UTC 1970"). Bytes are written as the raw bytes (Java would print "[B@1b6d3586").
std::string java_to_string(const data::SchemaPtr& schema, const data::Value& value);

}  // namespace sluice::data::values
