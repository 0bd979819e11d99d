#include "core/storage/offset_table.hpp"

#include "core/storage/offset_codec.hpp"

namespace sluice::storage {

std::optional<data::Value> OffsetTable::get(const std::string& connector, const data::Value& partition) const {
  const auto c = data_.find(connector);
  if (c == data_.end()) return std::nullopt;
  const auto p = c->second.find(partition_content_key(partition));
  if (p == c->second.end()) return std::nullopt;
  return p->second.offset;
}

void OffsetTable::apply(const std::string& connector, const std::vector<OffsetEntry>& entries) {
  for (const OffsetEntry& entry : entries) {
    std::string content = partition_content_key(entry.partition);
    if (!entry.offset || entry.offset->is_null()) {
      if (auto c = data_.find(connector); c != data_.end()) {
        c->second.erase(content);
        if (c->second.empty()) data_.erase(c);
      }
      continue;
    }
    StoredOffset stored{entry.partition, *entry.offset, offset_key_json(connector, entry.partition),
                        offset_value_json(*entry.offset)};
    data_[connector].insert_or_assign(std::move(content), std::move(stored));
  }
}

void OffsetTable::load(const std::string& connector, StoredOffset entry) {
  std::string content = partition_content_key(entry.partition);
  data_[connector].insert_or_assign(std::move(content), std::move(entry));
}

std::vector<std::pair<data::Value, data::Value>> OffsetTable::all(const std::string& connector) const {
  std::vector<std::pair<data::Value, data::Value>> out;
  if (const auto c = data_.find(connector); c != data_.end()) {
    for (const auto& [content, stored] : c->second) out.emplace_back(stored.partition, stored.offset);
  }
  return out;
}

std::vector<const StoredOffset*> OffsetTable::entries() const {
  std::vector<const StoredOffset*> out;
  for (const auto& [connector, partitions] : data_) {
    for (const auto& [content, stored] : partitions) out.push_back(&stored);
  }
  return out;
}

}  // namespace sluice::storage
