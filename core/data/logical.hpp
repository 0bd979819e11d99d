#pragma once
// Kafka Connect's logical types over their base types (see value.hpp for the representation).

#include "core/data/schema.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::data::logical {

inline constexpr std::string_view kDecimalName = "org.apache.kafka.connect.data.Decimal";
inline constexpr std::string_view kDateName = "org.apache.kafka.connect.data.Date";
inline constexpr std::string_view kTimeName = "org.apache.kafka.connect.data.Time";
inline constexpr std::string_view kTimestampName = "org.apache.kafka.connect.data.Timestamp";
inline constexpr std::string_view kDecimalScaleParameter = "scale";

// Builders with name, version 1 and (Decimal) the scale parameter, as Kafka's Decimal.builder(scale) etc.
SchemaBuilder decimal_builder(std::int32_t scale);
SchemaBuilder date_builder();
SchemaBuilder time_builder();
SchemaBuilder timestamp_builder();
SchemaPtr decimal_schema(std::int32_t scale);
SchemaPtr date_schema();
SchemaPtr time_schema();
SchemaPtr timestamp_schema();

bool is_decimal(const Schema& schema);
bool is_date(const Schema& schema);
bool is_time(const Schema& schema);
bool is_timestamp(const Schema& schema);
// The scale parameter of a Decimal schema; DataError when missing or not an integer.
std::int32_t decimal_scale(const Schema& schema);

// Decimal unscaled bytes (two's-complement big-endian, minimal length as Java's BigInteger.toByteArray)
// <-> plain decimal text. to_string(unscaled of 12345, scale 2) == "123.45"; negative scales give
// "1.2E+3"-free plain forms ("12300" for unscaled 123 scale -2), as BigDecimal.toPlainString.
std::string decimal_to_string(std::string_view unscaled_be, std::int32_t scale);
// Parses "-12.345" with the given scale (rescaling; DataError when digits would be lost).
std::string decimal_from_string(std::string_view text, std::int32_t scale);
// Unscaled value from a 64-bit integer (convenience for tests and transforms).
std::string decimal_from_int64(std::int64_t unscaled);

}  // namespace sluice::data::logical
