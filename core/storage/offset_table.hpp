#pragma once
// OffsetTable: the in-memory content of an offset store, keyed by connector and by the partition's content
// key (see offset_codec.hpp). Not thread-safe: the stores of this module guard it with their mutex.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/storage/offset_store.hpp"

namespace sluice::storage {

struct StoredOffset {
  data::Value partition;
  data::Value offset;
  std::string key_json;    // Kafka's key bytes, as they would be written to an offsets topic
  std::string value_json;  // Kafka's value bytes
};

class OffsetTable {
 public:
  std::optional<data::Value> get(const std::string& connector, const data::Value& partition) const;
  // Stores the entries in order (a later entry for the same partition wins); nullopt offsets remove.
  void apply(const std::string& connector, const std::vector<OffsetEntry>& entries);
  // Adds one entry read back from storage (key and value already parsed).
  void load(const std::string& connector, StoredOffset entry);
  std::vector<std::pair<data::Value, data::Value>> all(const std::string& connector) const;
  // Every stored entry: connector, then partition content key order.
  std::vector<const StoredOffset*> entries() const;

 private:
  std::map<std::string, std::map<std::string, StoredOffset>> data_;
};

}  // namespace sluice::storage
