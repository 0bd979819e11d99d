#pragma once
// Records as plugin code sees them. Plain aggregates, so they can be built with designated initializers:
//
//   sdk::SourceRecord{.source_partition = Value::string_map({{"filename", Value::string(path)}}),
//                     .source_offset = Value::string_map({{"position", Value::int64(pos)}}),
//                     .topic = topic, .value_schema = Schema::string(), .value = Value::string(line),
//                     .timestamp = now_ms};

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sluice/plugin_abi.h"
#include "sluice/sdk/data.hpp"

namespace sluice::sdk {

enum class TimestampType : std::int32_t {
  None = SLUICE_TIMESTAMP_NONE,
  CreateTime = SLUICE_TIMESTAMP_CREATE_TIME,
  LogAppendTime = SLUICE_TIMESTAMP_LOG_APPEND_TIME,
};

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

// Next offsets to consume per partition (Kafka's Map<TopicPartition, OffsetAndMetadata>).
using OffsetMap = std::map<TopicPartition, std::int64_t>;

// A record a source task produces (Kafka's SourceRecord). source_partition and source_offset are maps with
// string keys and primitive values (Value::string_map), or null when the source tracks no position.
struct SourceRecord {
  Value source_partition;
  Value source_offset;
  std::string topic;
  std::optional<std::int32_t> partition;  // nullopt: the producer's partitioner chooses
  Schema key_schema;
  Value key;
  Schema value_schema;
  Value value;
  std::optional<std::int64_t> timestamp;  // ms since epoch
  Headers headers;
};

// A record a sink task receives (Kafka's SinkRecord).
struct SinkRecord {
  std::string topic;
  std::int32_t kafka_partition = 0;
  Schema key_schema;
  Value key;
  Schema value_schema;
  Value value;
  std::int64_t kafka_offset = -1;
  std::optional<std::int64_t> timestamp;
  TimestampType timestamp_type = TimestampType::None;
  Headers headers;
};

// What transformations and predicates see: every field a record can carry, source or sink.
struct Record {
  std::string topic;
  std::optional<std::int32_t> partition;
  Schema key_schema;
  Value key;
  Schema value_schema;
  Value value;
  std::optional<std::int64_t> timestamp;
  TimestampType timestamp_type = TimestampType::None;
  Headers headers;
  Value source_partition;                    // source records only
  Value source_offset;                       // source records only
  std::optional<std::int64_t> kafka_offset;  // sink records only
};

// What Kafka said about a delivered source record.
struct RecordMetadata {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = -1;
  std::optional<std::int64_t> timestamp;
};

}  // namespace sluice::sdk
