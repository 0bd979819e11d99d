#pragma once
// Kafka Connect's offset key/value JSON (internal converter: JsonConverter with schemas.enable=false), both
// ways, plus the content key that makes partitions compare by content: {"a":1,"b":"x"} and {"b":"x","a":1}
// (or the same numbers as int32 vs int64) are one partition, as they are one key once Kafka serialised them.
//
// Used by the offset stores of this module; thread-safe (no shared state).

#include <string>
#include <utility>

#include "core/data/value.hpp"

namespace sluice::storage {

// The partition's content key: compact JSON with map keys sorted at every level and integers widened.
std::string partition_content_key(const data::Value& partition);

// Parses Kafka's key bytes ["<connector>",{partition}]; throws DataError saying what was wrong.
std::pair<std::string, data::Value> parse_offset_key(const std::string& key_json);
// Parses Kafka's value bytes {offset}; throws DataError saying what was wrong.
data::Value parse_offset_value(const std::string& value_json);

// Throws DataError unless `value` is null or a map with string keys and primitive (or null) values, with
// Kafka's messages (OffsetUtils.validateFormat): "Offsets must be specified as a Map", "Offsets may only use
// String keys", "Offsets may only contain primitive types as values, but field <k> contains <TYPE>".
void validate_offset_format(const data::Value& value);

}  // namespace sluice::storage
