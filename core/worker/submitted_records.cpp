#include "core/worker/submitted_records.hpp"

#include <algorithm>

#include "core/storage/offset_codec.hpp"

namespace sluice::worker {

SubmittedRecords::Record* SubmittedRecords::submit(const data::Value& partition, const data::Value& offset) {
  std::string key = storage::partition_content_key(partition);
  auto record = std::unique_ptr<Record>(new Record(key, partition, offset));
  Record* handle = record.get();
  by_partition_[key].push_back(std::move(record));
  ++pending_;
  ++unacked_;
  return handle;
}

void SubmittedRecords::ack(Record* record) {
  if (record == nullptr || record->acked_) return;
  record->acked_ = true;
  --unacked_;
}

bool SubmittedRecords::remove(Record* record) {
  const auto it = by_partition_.find(record->key_);
  if (it == by_partition_.end()) return false;
  auto& deque = it->second;
  // The failed record is almost always the last one submitted: search from the back.
  const auto found = std::find_if(deque.rbegin(), deque.rend(), [&](const auto& r) { return r.get() == record; });
  if (found == deque.rend()) return false;
  if (!record->acked_) --unacked_;
  --pending_;
  deque.erase(std::next(found).base());
  if (deque.empty()) by_partition_.erase(it);
  return true;
}

SubmittedRecords::Committable SubmittedRecords::committable() {
  Committable out;
  for (auto it = by_partition_.begin(); it != by_partition_.end();) {
    auto& deque = it->second;
    const Record* last = nullptr;
    std::unique_ptr<Record> keep_alive;  // the last popped record, whose values are copied below
    std::size_t popped = 0;
    while (!deque.empty() && deque.front()->acked_) {
      keep_alive = std::move(deque.front());
      last = keep_alive.get();
      deque.pop_front();
      ++popped;
    }
    if (last != nullptr) out.offsets.emplace_back(last->partition_, last->offset_);
    out.committable_messages += popped;
    out.uncommittable_messages += deque.size();
    pending_ -= popped;
    it = deque.empty() ? by_partition_.erase(it) : std::next(it);
  }
  return out;
}

}  // namespace sluice::worker
