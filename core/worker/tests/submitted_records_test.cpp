#include "core/worker/submitted_records.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace sluice::worker {
namespace {

using data::Value;

Value partition(const std::string& name) {
  return Value::map({{Value::string("p"), Value::string(name)}});
}
Value offset(std::int64_t n) {
  return Value::map({{Value::string("n"), Value::int64(n)}});
}

std::map<std::string, std::int64_t> committed(SubmittedRecords& records) {
  std::map<std::string, std::int64_t> out;
  for (const auto& [p, o] : records.committable().offsets) {
    out[p.as_map()[0].second.as_string()] = o.as_map()[0].second.as_int64();
  }
  return out;
}

TEST(SubmittedRecords, OnlyTheAcknowledgedPrefixIsCommittable) {
  SubmittedRecords records;
  auto* r1 = records.submit(partition("a"), offset(1));
  auto* r2 = records.submit(partition("a"), offset(2));
  auto* r3 = records.submit(partition("a"), offset(3));
  EXPECT_EQ(records.unacked(), 3u);
  records.ack(r2);
  records.ack(r3);
  EXPECT_TRUE(committed(records).empty());  // r1 holds back r2 and r3
  EXPECT_EQ(records.pending(), 3u);
  records.ack(r1);
  EXPECT_EQ(committed(records), (std::map<std::string, std::int64_t>{{"a", 3}}));
  EXPECT_EQ(records.pending(), 0u);
  EXPECT_EQ(records.unacked(), 0u);
  EXPECT_TRUE(committed(records).empty());  // nothing new
}

TEST(SubmittedRecords, PartitionsAreIndependent) {
  SubmittedRecords records;
  auto* a1 = records.submit(partition("a"), offset(1));
  auto* b1 = records.submit(partition("b"), offset(10));
  auto* a2 = records.submit(partition("a"), offset(2));
  auto* b2 = records.submit(partition("b"), offset(11));
  records.ack(a1);
  records.ack(b2);
  const auto c = records.committable();
  EXPECT_EQ(c.committable_messages, 1u);
  EXPECT_EQ(c.uncommittable_messages, 3u);
  ASSERT_EQ(c.offsets.size(), 1u);
  EXPECT_EQ(c.offsets[0].second, offset(1));
  records.ack(b1);
  records.ack(a2);
  EXPECT_EQ(committed(records), (std::map<std::string, std::int64_t>{{"a", 2}, {"b", 11}}));
}

TEST(SubmittedRecords, PartitionsCompareByContent) {
  SubmittedRecords records;
  const Value ab = Value::map({{Value::string("x"), Value::int32(1)}, {Value::string("y"), Value::string("z")}});
  const Value ba = Value::map({{Value::string("y"), Value::string("z")}, {Value::string("x"), Value::int64(1)}});
  auto* first = records.submit(ab, offset(1));
  auto* second = records.submit(ba, offset(2));
  records.ack(second);
  EXPECT_TRUE(records.committable().offsets.empty());  // same partition: waits for the first
  records.ack(first);
  const auto c = records.committable();
  ASSERT_EQ(c.offsets.size(), 1u);
  EXPECT_EQ(c.offsets[0].second, offset(2));
}

TEST(SubmittedRecords, RemovedRecordNoLongerBlocksThePrefix) {
  SubmittedRecords records;
  auto* r1 = records.submit(partition("a"), offset(1));
  auto* r2 = records.submit(partition("a"), offset(2));
  records.ack(r1);
  EXPECT_TRUE(records.remove(r2));
  EXPECT_EQ(records.unacked(), 0u);
  EXPECT_EQ(committed(records), (std::map<std::string, std::int64_t>{{"a", 1}}));
  EXPECT_EQ(records.pending(), 0u);
}

TEST(SubmittedRecords, NullPartitionsAreTrackedToo) {
  SubmittedRecords records;
  auto* r = records.submit(Value(), Value());
  EXPECT_EQ(records.unacked(), 1u);
  records.ack(r);
  const auto c = records.committable();
  ASSERT_EQ(c.offsets.size(), 1u);
  EXPECT_TRUE(c.offsets[0].first.is_null());
}

TEST(SubmittedRecords, RemovingARecordInTheMiddleKeepsTheOthersInOrder) {
  SubmittedRecords records;
  auto* r1 = records.submit(partition("a"), offset(1));
  auto* r2 = records.submit(partition("a"), offset(2));
  auto* r3 = records.submit(partition("a"), offset(3));
  EXPECT_TRUE(records.remove(r2));
  EXPECT_EQ(records.pending(), 2u);
  records.ack(r3);
  EXPECT_TRUE(committed(records).empty());  // r1 still holds back r3
  records.ack(r1);
  const auto c = records.committable();
  EXPECT_EQ(c.committable_messages, 2u);
  EXPECT_EQ(c.uncommittable_messages, 0u);
  ASSERT_EQ(c.offsets.size(), 1u);
  EXPECT_EQ(c.offsets[0].second, offset(3));
  EXPECT_EQ(records.pending(), 0u);
}

TEST(SubmittedRecords, AcknowledgedRecordsAreNotKeptUntilTheNextCommit) {
  // A source that is never committed (offset.flush.interval.ms far away) keeps only the latest offset of each
  // partition, and handles of records submitted later stay valid while earlier ones leave.
  SubmittedRecords records;
  std::vector<SubmittedRecords::Record*> waiting;
  for (int i = 1; i <= 100000; ++i) {
    waiting.push_back(records.submit(partition(i % 2 == 0 ? "even" : "odd"), offset(i)));
    if (waiting.size() == 64) {
      for (auto it = waiting.rbegin(); it != waiting.rend(); ++it) records.ack(*it);  // out of order
      waiting.clear();
    }
  }
  for (auto* r : waiting) records.ack(r);
  EXPECT_EQ(records.unacked(), 0u);
  const auto c = records.committable();
  EXPECT_EQ(c.committable_messages, 100000u);
  EXPECT_EQ(c.uncommittable_messages, 0u);
  std::map<std::string, std::int64_t> latest;
  for (const auto& [p, o] : c.offsets)
    latest[p.as_map()[0].second.as_string()] = o.as_map()[0].second.as_int64();
  EXPECT_EQ(latest, (std::map<std::string, std::int64_t>{{"even", 100000}, {"odd", 99999}}));
  EXPECT_EQ(records.pending(), 0u);
}

TEST(SubmittedRecords, EqualPartitionsInARowAndApartAreOnePartition) {
  SubmittedRecords records;
  auto* a1 = records.submit(partition("a"), offset(1));
  auto* b1 = records.submit(partition("b"), offset(1));
  auto* a2 = records.submit(partition("a"), offset(2));  // back to "a" after another partition
  auto* a3 = records.submit(partition("a"), offset(3));
  records.ack(a3);
  records.ack(a2);
  records.ack(b1);
  EXPECT_EQ(committed(records), (std::map<std::string, std::int64_t>{{"b", 1}}));
  records.ack(a1);
  EXPECT_EQ(committed(records), (std::map<std::string, std::int64_t>{{"a", 3}}));
  EXPECT_EQ(records.submit(partition("a"), offset(4))->partition(), partition("a"));
}

TEST(SubmittedRecords, OffsetHandedOverAtAckIsCommittedInOrder) {
  SubmittedRecords records;
  auto* r1 = records.submit(partition("a"));
  auto* r2 = records.submit(partition("a"));
  EXPECT_TRUE(r1->offset().is_null());  // nothing copied while the record waits
  records.ack(r2, offset(2));
  EXPECT_TRUE(committed(records).empty());  // r1 holds back r2
  records.ack(r1, offset(1));
  EXPECT_EQ(committed(records), (std::map<std::string, std::int64_t>{{"a", 2}}));
  EXPECT_EQ(records.unacked(), 0u);
  EXPECT_EQ(records.pending(), 0u);
}

Value offset_value(std::int64_t n) { return offset(n); }
Value partition_value(const std::string& name) { return partition(name); }

// A poll batch whose offsets are read in place: counts the reads.
class OffsetsBatch final : public api::PolledSourceBatch {
 public:
  explicit OffsetsBatch(std::int64_t first) : first_(first) {}
  std::size_t size() const override { return 100; }
  bool view(std::size_t, api::RawSourceRecord&) override { return false; }
  data::SharedValue partition(std::size_t) override { return partition_; }
  data::Value offset(std::size_t i) const override {
    ++reads;
    return offset_value(first_ + static_cast<std::int64_t>(i));
  }
  void import(std::size_t, data::SourceRecord&) override {}
  mutable int reads = 0;

 private:
  std::int64_t first_;
  data::SharedValue partition_ = partition_value("a");
};

TEST(SubmittedRecords, OffsetsLeftInTheirBatchAreReadOnlyForTheCommittableRecord) {
  SubmittedRecords records;
  auto first = std::make_shared<OffsetsBatch>(100);
  auto second = std::make_shared<OffsetsBatch>(200);
  std::weak_ptr<OffsetsBatch> first_alive = first, second_alive = second;
  const data::SharedValue a = partition("a");
  std::vector<SubmittedRecords::Record*> r;
  for (std::size_t i = 0; i < 3; ++i) r.push_back(records.submit(a, std::shared_ptr<api::PolledSourceBatch>(first), i));
  for (std::size_t i = 0; i < 2; ++i) r.push_back(records.submit(a, std::shared_ptr<api::PolledSourceBatch>(second), i));
  auto* owned = records.submit(a, offset(300));  // mixed with an offset given as a value
  first.reset();
  second.reset();
  EXPECT_FALSE(first_alive.expired()) << "kept while its records wait";
  records.ack(r[1]);
  records.ack(r[0]);
  EXPECT_EQ(committed(records), (std::map<std::string, std::int64_t>{{"a", 101}}));
  EXPECT_EQ(first_alive.lock()->reads, 1) << "only the committable record's offset is read";
  records.ack(r[3]);
  records.ack(r[2]);
  EXPECT_TRUE(first_alive.expired()) << "every record of the first batch is done";
  records.ack(owned);
  EXPECT_FALSE(second_alive.expired()) << "r[4] still waits";
  EXPECT_EQ(committed(records), (std::map<std::string, std::int64_t>{{"a", 200}}));  // r[4] holds back 300
  EXPECT_EQ(second_alive.lock()->reads, 1);
  // A removed record lets go of its batch too.
  EXPECT_TRUE(records.remove(r[4]));
  EXPECT_EQ(committed(records), (std::map<std::string, std::int64_t>{{"a", 300}}));
  EXPECT_TRUE(second_alive.expired());
  EXPECT_EQ(records.pending(), 0u);

  // clear() lets go of batches that records still wait for.
  auto third = std::make_shared<OffsetsBatch>(400);
  std::weak_ptr<OffsetsBatch> third_alive = third;
  records.submit(a, std::shared_ptr<api::PolledSourceBatch>(third), 0);
  third.reset();
  EXPECT_FALSE(third_alive.expired());
  records.clear();
  EXPECT_TRUE(third_alive.expired());
  EXPECT_EQ(records.unacked(), 0u);
}

}  // namespace
}  // namespace sluice::worker
