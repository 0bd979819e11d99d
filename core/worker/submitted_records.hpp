#pragma once
// SubmittedRecords: which source offsets are safe to commit (Kafka's SubmittedRecords). Records are
// submitted in the order the task produced them; each is acknowledged when Kafka has it (or when it was
// dropped with errors.tolerance=all). Per source partition, only the offset of the last record of the
// longest acknowledged prefix is committable: a record acknowledged out of order (another partition of the
// Kafka topic, a retry) waits for every earlier record of its source partition. Source partitions compare
// by content (key order and integer width do not matter).
//
// Owned by one source task and used only from its thread (delivery reports are served there too).

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/data/value.hpp"

namespace sluice::worker {

class SubmittedRecords {
 public:
  class Record {
   public:
    const data::Value& partition() const { return partition_; }
    const data::Value& offset() const { return offset_; }
    bool acked() const { return acked_; }

   private:
    friend class SubmittedRecords;
    Record(std::string key, data::Value partition, data::Value offset)
        : key_(std::move(key)), partition_(std::move(partition)), offset_(std::move(offset)) {}
    std::string key_;
    data::Value partition_;
    data::Value offset_;
    bool acked_ = false;
  };

  struct Committable {
    // The latest committable offset of each source partition that has one: (partition, offset).
    std::vector<std::pair<data::Value, data::Value>> offsets;
    std::size_t committable_messages = 0;    // records removed by this call
    std::size_t uncommittable_messages = 0;  // records still waiting (unacknowledged or behind one)
  };

  // Registers a record about to be sent. The handle stays valid until the record leaves through
  // committable() or remove().
  Record* submit(const data::Value& partition, const data::Value& offset);
  // Kafka has the record (or it was dropped and its offset may be committed).
  void ack(Record* record);
  // Forgets a record whose send failed before it left (Kafka's removeLastOccurrence); false when unknown.
  bool remove(Record* record);
  // Pops every acknowledged prefix and returns the latest offset per source partition.
  Committable committable();

  // Records submitted and not yet popped by committable() (acknowledged or not).
  std::size_t pending() const { return pending_; }
  // Records submitted and not yet acknowledged.
  std::size_t unacked() const { return unacked_; }

 private:
  std::map<std::string, std::deque<std::unique_ptr<Record>>> by_partition_;
  std::size_t pending_ = 0;
  std::size_t unacked_ = 0;
};

}  // namespace sluice::worker
