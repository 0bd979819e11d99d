#pragma once
// Connect records inside the runtime (Kafka's ConnectRecord / SourceRecord / SinkRecord).

#include "core/data/headers.hpp"
#include "core/data/schema.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace sluice::data {

enum class TimestampType : std::uint8_t { None, CreateTime, LogAppendTime };

struct ConnectRecord {
  std::string topic;
  std::optional<std::int32_t> partition;  // unset: the producer chooses
  SchemaPtr key_schema;
  Value key;
  SchemaPtr value_schema;
  Value value;
  std::optional<std::int64_t> timestamp;  // ms since epoch
  Headers headers;
};

// A record produced by a source task. source_partition / source_offset are maps with string keys and
// primitive values (Value::Kind::Map), or null. The partition is shared: consecutive records of one source
// partition usually carry the same one (the plugin importer reuses it), so copies and comparisons are cheap.
struct SourceRecord : ConnectRecord {
  SharedValue source_partition;
  Value source_offset;
  // The plugin-side record this one came from; keeps the plugin's poll batch alive until every record of
  // it was committed. Shared because records of one batch are acknowledged on other threads, in any order.
  std::shared_ptr<const void> origin;
};

// A record consumed for a sink task. original_* keep where it was read even after a transform renamed the
// topic or changed the partition, so offsets are committed against the right partition.
struct SinkRecord : ConnectRecord {
  std::int64_t kafka_offset = -1;
  TimestampType timestamp_type = TimestampType::None;
  std::string original_topic;
  std::int32_t original_partition = -1;
  std::int64_t original_kafka_offset = -1;
};

}  // namespace sluice::data
