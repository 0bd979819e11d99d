#pragma once
// SubmittedRecords: which source offsets are safe to commit (Kafka's SubmittedRecords). Records are
// submitted in the order the task produced them; each is acknowledged when Kafka has it (or when it was
// dropped with errors.tolerance=all). Per source partition, only the offset of the last record of the
// longest acknowledged prefix is committable: a record acknowledged out of order (another partition of the
// Kafka topic, a retry) waits for every earlier record of its source partition. Source partitions compare
// by content (key order and integer width do not matter).
//
// Memory stays proportional to the records in flight, not to the records since the last offset commit: an
// acknowledgement pops the acknowledged prefix of its source partition at once and keeps only the latest
// committable offset (Kafka pops lazily when offsets are committed; what committable() returns is the same).
// A partition's content key is computed once per run of records with an equal partition value, not per
// record; records that share one partition value (data::SharedValue) are matched by identity. A record may
// leave its offset in its poll batch (submit(partition, batch, index)): the batch is kept while such records
// wait, and the offset is read from it only for the record that becomes its partition's committable one.
//
// Owned by one source task and used only from its thread (delivery reports are served there too).

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/api/connector.hpp"
#include "core/data/value.hpp"

namespace sluice::worker {

class SubmittedRecords {
  struct Partition;
  struct BatchRef;

 public:
  class Record {
   public:
    const data::Value& partition() const;
    const data::Value& offset() const;
    bool acked() const { return acked_; }

   private:
    friend class SubmittedRecords;
    // Small (24 bytes), since a delivery report touches the record of another thread: the offset lives
    // elsewhere, in its batch or in SubmittedRecords' offset slots.
    Partition* owner_ = nullptr;
    BatchRef* batch_ = nullptr;     // set when the offset stays in the batch (at index_)
    data::Value* offset_ = nullptr;  // otherwise its slot, once it has one
    std::uint32_t index_ = 0;
    bool acked_ = false;
    bool removed_ = false;  // removed while records submitted before it still wait: skipped when popped
  };

  struct Committable {
    // The latest committable offset of each source partition that has one: (partition, offset).
    std::vector<std::pair<data::Value, data::Value>> offsets;
    std::size_t committable_messages = 0;    // records that became committable since the last call
    std::size_t uncommittable_messages = 0;  // records still waiting (unacknowledged or behind one)
  };

  SubmittedRecords();
  ~SubmittedRecords();
  SubmittedRecords(const SubmittedRecords&) = delete;
  SubmittedRecords& operator=(const SubmittedRecords&) = delete;

  // Registers a record about to be sent. The handle is valid until it is passed to ack() or remove(), each of
  // which must be called at most once per handle.
  Record* submit(const data::SharedValue& partition, const data::Value& offset);
  Record* submit(const data::SharedValue& partition, data::Value&& offset);
  // The same for a record whose offset is handed over by ack(record, offset): nothing is copied while it
  // waits (its offset() is null until then).
  Record* submit(const data::SharedValue& partition);
  // The same for a record whose offset stays in its poll batch, at `index` (PolledSourceBatch::offset).
  Record* submit(const data::SharedValue& partition, const std::shared_ptr<api::PolledSourceBatch>& batch,
                 std::size_t index);
  // Kafka has the record (or it was dropped and its offset may be committed). Invalidates the handle.
  void ack(Record* record);
  // ack() for a record submitted without its offset, moving the offset in.
  void ack(Record* record, data::Value&& offset);
  // Forgets an unacknowledged record whose send failed before it left (Kafka's removeLastOccurrence); false
  // when it is not an unacknowledged record of this instance. Invalidates the handle.
  bool remove(Record* record);
  // The latest committable offset per source partition (each returned once).
  Committable committable();
  // Forgets every record and committable offset, and lets go of the batches kept for them.
  void clear();

  // Records submitted and not yet counted by committable() (acknowledged or not).
  std::size_t pending() const { return pending_; }
  // Records submitted and not yet acknowledged.
  std::size_t unacked() const { return unacked_; }

 private:
  // A poll batch kept for the offsets of the records (and committable offsets) that refer to it.
  struct BatchRef {
    std::shared_ptr<api::PolledSourceBatch> batch;
    std::size_t users = 0;
  };
  struct Partition {
    data::SharedValue partition;
    std::deque<Record> records;  // oldest first; the front is unacknowledged (or empty)
    // The offset of the last popped record, until committable(): its value, or where it stays in a batch.
    bool has_committable = false;
    data::Value committable;
    BatchRef* committable_batch = nullptr;
    std::size_t committable_index = 0;
    std::size_t popped = 0;   // records popped since the last committable()
    std::size_t removed = 0;  // records in `records` marked removed
  };

  Partition& partition_for(const data::SharedValue& partition);
  void pop_acknowledged(Partition& p);
  void unref(BatchRef* ref);
  void set_offset(Record& record, data::Value&& offset);
  void release_offset(Record& record);  // frees its slot (and the value in it)

  std::map<std::string, std::unique_ptr<Partition>>
      by_key_;  // by content key (storage::partition_content_key)
  Partition* last_ =
      nullptr;  // the partition of the previous submit(): records come in runs of one partition
  std::size_t pending_ = 0;
  std::size_t unacked_ = 0;
  // Objects at stable addresses, reused once released (the caller resets what a released one holds).
  template <class T>
  class Pool {
   public:
    T* acquire() {
      if (free_.empty()) return &items_.emplace_back();
      T* item = free_.back();
      free_.pop_back();
      return item;
    }
    void release(T* item) { free_.push_back(item); }
    void clear() {
      free_.clear();
      items_.clear();
    }

   private:
    std::deque<T> items_;
    std::vector<T*> free_;
  };

  Pool<data::Value> offsets_;  // the offsets records carry as values
  Pool<BatchRef> batches_;
  BatchRef* last_batch_ = nullptr;           // the batch of the previous submit(partition, batch, index)
};

}  // namespace sluice::worker
