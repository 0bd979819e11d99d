#pragma once
// Source-connector offsets in Kafka Connect's logical format: key ["<connector>",{<source partition>}],
// value {<source offset>} (both compact JSON as Kafka's JsonConverter with schemas.enable=false writes
// them). Implementations: memory (tests), file (standalone: offset.storage.file.filename, replaced
// atomically with fsync), Kafka topic (distributed, later). Thread-safe.

#include "core/data/value.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sluice::storage {

struct OffsetEntry {
  data::Value partition;              // a map
  std::optional<data::Value> offset;  // a map; nullopt = tombstone (reset)
};

class OffsetStore {
 public:
  virtual ~OffsetStore() = default;
  // Loads existing offsets (file) or reads the topic to its end (Kafka). Throws ConnectError.
  virtual void start() = 0;
  virtual void stop() = 0;
  // The stored offset of a connector's source partition. Partition maps compare by content, not key order.
  virtual std::optional<data::Value> get(const std::string& connector, const data::Value& partition) = 0;
  // Stores a batch durably before returning (all or nothing). Throws ConnectError.
  virtual void put(const std::string& connector, const std::vector<OffsetEntry>& entries) = 0;
  // Every (partition, offset) stored for a connector.
  virtual std::vector<std::pair<data::Value, data::Value>> all(const std::string& connector) = 0;
};

// Kafka's key and value bytes for one entry: ["<connector>",{partition}] and {offset}.
std::string offset_key_json(const std::string& connector, const data::Value& partition);
std::string offset_value_json(const data::Value& offset);

}  // namespace sluice::storage
