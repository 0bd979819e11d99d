#include "core/storage/memory_offset_store.hpp"

namespace sluice::storage {

std::optional<data::Value> MemoryOffsetStore::get(const std::string& connector, const data::Value& partition) {
  MutexLock lock(mu_);
  return table_.get(connector, partition);
}

void MemoryOffsetStore::put(const std::string& connector, const std::vector<OffsetEntry>& entries) {
  // Build the new state first so a bad entry leaves the store unchanged (all or nothing).
  MutexLock lock(mu_);
  OffsetTable next = table_;
  next.apply(connector, entries);
  table_ = std::move(next);
}

std::vector<std::pair<data::Value, data::Value>> MemoryOffsetStore::all(const std::string& connector) {
  MutexLock lock(mu_);
  return table_.all(connector);
}

}  // namespace sluice::storage
