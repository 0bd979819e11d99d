#pragma once
// MemoryOffsetStore: offsets in memory only, lost when the object goes (tests, and workers that need no
// durability). Thread-safe.

#include "core/common/thread_annotations.hpp"
#include "core/storage/offset_store.hpp"
#include "core/storage/offset_table.hpp"

namespace sluice::storage {

class MemoryOffsetStore final : public OffsetStore {
 public:
  void start() override {}
  void stop() override {}
  std::optional<data::Value> get(const std::string& connector, const data::Value& partition) override;
  void put(const std::string& connector, const std::vector<OffsetEntry>& entries) override;
  std::vector<std::pair<data::Value, data::Value>> all(const std::string& connector) override;

 private:
  Mutex mu_;
  OffsetTable table_ SLUICE_GUARDED_BY(mu_);
};

}  // namespace sluice::storage
