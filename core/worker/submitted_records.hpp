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
// record; records that share one partition value (data::SharedValue) are matched by identity.
//
// Owned by one source task and used only from its thread (delivery reports are served there too).

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data/value.hpp"

namespace sluice::worker {

class SubmittedRecords {
  struct Partition;

 public:
  class Record {
   public:
    const data::Value& partition() const;
    const data::Value& offset() const { return offset_; }
    bool acked() const { return acked_; }

   private:
    friend class SubmittedRecords;
    Partition* owner_ = nullptr;
    data::Value offset_;
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
  // Kafka has the record (or it was dropped and its offset may be committed). Invalidates the handle.
  void ack(Record* record);
  // ack() for a record submitted without its offset, moving the offset in.
  void ack(Record* record, data::Value&& offset);
  // Forgets an unacknowledged record whose send failed before it left (Kafka's removeLastOccurrence); false
  // when it is not an unacknowledged record of this instance. Invalidates the handle.
  bool remove(Record* record);
  // The latest committable offset per source partition (each returned once).
  Committable committable();

  // Records submitted and not yet counted by committable() (acknowledged or not).
  std::size_t pending() const { return pending_; }
  // Records submitted and not yet acknowledged.
  std::size_t unacked() const { return unacked_; }

 private:
  struct Partition {
    data::SharedValue partition;
    std::deque<Record> records;              // oldest first; the front is unacknowledged (or empty)
    std::optional<data::Value> committable;  // offset of the last popped record, until committable()
    std::size_t popped = 0;                  // records popped since the last committable()
    std::size_t removed = 0;                 // records in `records` marked removed
  };

  Partition& partition_for(const data::SharedValue& partition);
  static void pop_acknowledged(Partition& p);

  std::map<std::string, std::unique_ptr<Partition>>
      by_key_;  // by content key (storage::partition_content_key)
  Partition* last_ =
      nullptr;  // the partition of the previous submit(): records come in runs of one partition
  std::size_t pending_ = 0;
  std::size_t unacked_ = 0;
};

}  // namespace sluice::worker
