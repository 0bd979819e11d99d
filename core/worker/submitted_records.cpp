#include "core/worker/submitted_records.hpp"

#include <algorithm>

#include "core/storage/offset_codec.hpp"

namespace sluice::worker {

const data::Value& SubmittedRecords::Record::partition() const {
  return owner_->partition.get();
}

const data::Value& SubmittedRecords::Record::offset() const {
  static const data::Value null;
  return offset_ != nullptr ? *offset_ : null;
}

void SubmittedRecords::set_offset(Record& record, data::Value&& offset) {
  if (record.offset_ == nullptr) record.offset_ = offsets_.acquire();
  *record.offset_ = std::move(offset);
}

void SubmittedRecords::release_offset(Record& record) {
  if (record.offset_ == nullptr) return;
  *record.offset_ = data::Value();
  offsets_.release(record.offset_);
  record.offset_ = nullptr;
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
  set_offset(*record, data::Value(offset));
  return record;
}

SubmittedRecords::Record* SubmittedRecords::submit(const data::SharedValue& partition, data::Value&& offset) {
  Record* record = submit(partition);
  set_offset(*record, std::move(offset));
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

SubmittedRecords::Record* SubmittedRecords::submit(const data::SharedValue& partition,
                                                   const std::shared_ptr<api::PolledSourceBatch>& batch,
                                                   std::size_t index) {
  if (last_batch_ == nullptr || last_batch_->batch != batch) {
    last_batch_ = batches_.acquire();
    last_batch_->batch = batch;
  }
  Record* record = submit(partition);
  record->batch_ = last_batch_;
  record->index_ = static_cast<std::uint32_t>(index);
  ++last_batch_->users;
  return record;
}

void SubmittedRecords::unref(BatchRef* ref) {
  if (ref == nullptr || --ref->users > 0) return;
  ref->batch.reset();
  if (last_batch_ == ref) last_batch_ = nullptr;
  batches_.release(ref);
}

void SubmittedRecords::pop_acknowledged(Partition& p) {
  while (!p.records.empty() && p.records.front().acked_) {
    Record& front = p.records.front();
    if (front.removed_) {
      --p.removed;
      unref(front.batch_);
    } else {
      // Its offset is the partition's committable one now; a batch reference moves along with it.
      unref(p.committable_batch);
      p.has_committable = true;
      p.committable = front.offset_ != nullptr ? std::move(*front.offset_) : data::Value();
      p.committable_batch = front.batch_;
      p.committable_index = front.index_;
      ++p.popped;
    }
    release_offset(front);
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
  set_offset(*record, std::move(offset));
  ack(record);
}

bool SubmittedRecords::remove(Record* record) {
  if (record == nullptr || record->acked_) return false;
  Partition& p = *record->owner_;
  // The failed record is almost always the last one submitted.
  if (!p.records.empty() && &p.records.back() == record) {
    unref(record->batch_);
    release_offset(*record);
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
    if (p.has_committable) {
      data::Value offset = p.committable_batch != nullptr
                               ? p.committable_batch->batch->offset(p.committable_index)
                               : std::move(p.committable);
      out.offsets.emplace_back(p.partition.get(), std::move(offset));
      unref(p.committable_batch);
      p.has_committable = false;
      p.committable = data::Value();
      p.committable_batch = nullptr;
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

void SubmittedRecords::clear() {
  by_key_.clear();
  last_ = nullptr;
  pending_ = 0;
  unacked_ = 0;
  last_batch_ = nullptr;
  batches_.clear();
  offsets_.clear();
}

}  // namespace sluice::worker
