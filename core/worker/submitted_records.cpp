#include "core/worker/submitted_records.hpp"

#include <algorithm>

#include "core/storage/offset_codec.hpp"

namespace sluice::worker {

const data::Value& SubmittedRecords::Record::partition() const {
  return owner_->partition.get();
}

SubmittedRecords::SubmittedRecords() = default;
SubmittedRecords::~SubmittedRecords() = default;

SubmittedRecords::Partition& SubmittedRecords::partition_for(const data::SharedValue& partition) {
  // Equal values have equal content keys: the JSON encoding is needed only when the partition changes.
  if (last_ != nullptr && last_->partition == partition) return *last_;
  auto& slot = by_key_[storage::partition_content_key(*partition)];
  if (!slot) {
    slot = std::make_unique<Partition>();
    slot->partition = partition;
  }
  last_ = slot.get();
  return *slot;
}

SubmittedRecords::Record* SubmittedRecords::submit(const data::SharedValue& partition, const data::Value& offset) {
  Record* record = submit(partition);
  record->offset_ = offset;
  return record;
}

SubmittedRecords::Record* SubmittedRecords::submit(const data::SharedValue& partition, data::Value&& offset) {
  Record* record = submit(partition);
  record->offset_ = std::move(offset);
  return record;
}

SubmittedRecords::Record* SubmittedRecords::submit(const data::SharedValue& partition) {
  Partition& p = partition_for(partition);
  Record& record = p.records.emplace_back();  // a deque: references to the other records stay valid
  record.owner_ = &p;
  ++pending_;
  ++unacked_;
  return &record;
}

void SubmittedRecords::pop_acknowledged(Partition& p) {
  while (!p.records.empty() && p.records.front().acked_) {
    Record& front = p.records.front();
    if (front.removed_) {
      --p.removed;
    } else {
      p.committable = std::move(front.offset_);
      ++p.popped;
    }
    p.records.pop_front();
  }
}

void SubmittedRecords::ack(Record* record) {
  if (record == nullptr || record->acked_) return;
  record->acked_ = true;
  --unacked_;
  pop_acknowledged(*record->owner_);
}

void SubmittedRecords::ack(Record* record, data::Value&& offset) {
  if (record == nullptr || record->acked_) return;
  record->offset_ = std::move(offset);
  ack(record);
}

bool SubmittedRecords::remove(Record* record) {
  if (record == nullptr || record->acked_) return false;
  Partition& p = *record->owner_;
  // The failed record is almost always the last one submitted.
  if (!p.records.empty() && &p.records.back() == record) {
    p.records.pop_back();
  } else {
    const auto found =
        std::find_if(p.records.begin(), p.records.end(), [&](const Record& r) { return &r == record; });
    if (found == p.records.end()) return false;
    // Erasing from the middle would move other records: mark it, and let it leave with the prefix.
    found->removed_ = true;
    found->acked_ = true;
    ++p.removed;
  }
  --unacked_;
  --pending_;
  pop_acknowledged(p);
  return true;
}

SubmittedRecords::Committable SubmittedRecords::committable() {
  Committable out;
  for (auto it = by_key_.begin(); it != by_key_.end();) {
    Partition& p = *it->second;
    if (p.committable) {
      out.offsets.emplace_back(p.partition.get(), std::move(*p.committable));
      p.committable.reset();
    }
    out.committable_messages += p.popped;
    pending_ -= p.popped;
    p.popped = 0;
    out.uncommittable_messages += p.records.size() - p.removed;
    if (p.records.empty()) {
      if (last_ == &p) last_ = nullptr;
      it = by_key_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

}  // namespace sluice::worker
