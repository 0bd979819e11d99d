#include "core/storage/kafka_offset_store.hpp"

#include <gtest/gtest.h>

#include "core/common/errors.hpp"
#include "core/kafka/dev_broker.hpp"
#include "core/storage/tests/kafka_test_util.hpp"

namespace sluice::storage {
namespace {

using namespace std::chrono_literals;
using data::Value;
using test_util::RawRecord;

constexpr const char* kTopic = kafka::DevBroker::kOffsetTopic;
constexpr int kPartitions = kafka::DevBroker::kOffsetTopicPartitions;

Value smap(std::vector<std::pair<std::string, Value>> entries) {
  Value::Map m;
  for (auto& [k, v] : entries) m.emplace_back(Value::string(k), std::move(v));
  return Value::map(std::move(m));
}

Value file(const std::string& name) {
  return smap({{"filename", Value::string(name)}});
}

Value position(std::int64_t p) {
  return smap({{"position", Value::int64(p)}});
}

TEST(KafkaOffsetStore, WritesKafkasKeyAndValueBytesToJavasPartitionAndReadsThemBack) {
  kafka::DevBroker broker;
  KafkaOffsetStore store(test_util::store_options(broker));
  store.start();
  store.put("local-file-source",
            {{file("/tmp/in.txt"), position(42)}, {file("/tmp/other.txt"), position(7)}});
  EXPECT_EQ(store.get("local-file-source", file("/tmp/in.txt")), position(42));
  EXPECT_EQ(store.all("local-file-source").size(), 2u);

  const std::string key = R"(["local-file-source",{"filename":"/tmp/in.txt"}])";
  const std::string other = R"(["local-file-source",{"filename":"/tmp/other.txt"}])";
  auto records = test_util::read_all(broker, kTopic, kPartitions);
  ASSERT_EQ(records.size(), 2u);
  const auto find = [&](const std::string& k) {
    for (const auto& r : records) {
      if (r.key == k) return r;
    }
    return RawRecord{};
  };
  EXPECT_EQ(find(key).value, R"({"position":42})");
  EXPECT_EQ(find(key).partition, test_util::java_partition(key, kPartitions));
  EXPECT_EQ(find(other).value, R"({"position":7})");
  EXPECT_EQ(find(other).partition, test_util::java_partition(other, kPartitions));

  // A reset is a tombstone.
  store.put("local-file-source", {{file("/tmp/in.txt"), std::nullopt}});
  EXPECT_EQ(store.get("local-file-source", file("/tmp/in.txt")), std::nullopt);
  records = test_util::read_all(broker, kTopic, kPartitions);
  ASSERT_EQ(records.size(), 3u);
  std::optional<RawRecord> tombstone;
  for (const auto& r : records) {
    if (r.key == key && !r.value) tombstone = r;
  }
  ASSERT_TRUE(tombstone);
  EXPECT_EQ(tombstone->partition, test_util::java_partition(key, kPartitions));
}

TEST(KafkaOffsetStore, GetReadsOffsetsOtherWorkersWroteWithoutARefresh) {
  kafka::DevBroker broker;
  KafkaOffsetStore a(test_util::store_options(broker));
  KafkaOffsetStore b(test_util::store_options(broker));
  a.start();
  b.start();
  const Value partition = smap({{"db", Value::string("d")}, {"table", Value::int32(7)}});
  a.put("jdbc", {{partition, smap({{"ts", Value::int64(1)}})}});
  // Same partition content, other key order and integer width: the same source partition.
  EXPECT_EQ(b.get("jdbc", smap({{"table", Value::int64(7)}, {"db", Value::string("d")}})),
            smap({{"ts", Value::int64(1)}}));
  a.put("jdbc", {{partition, smap({{"ts", Value::int64(2)}})}});
  EXPECT_EQ(b.all("jdbc").at(0).second, smap({{"ts", Value::int64(2)}}));
  b.put("jdbc", {{partition, std::nullopt}});
  EXPECT_TRUE(a.all("jdbc").empty());
}

TEST(KafkaOffsetStore, SkipsRecordsThatAreNotKafkasOffsetFormat) {
  kafka::DevBroker broker;
  test_util::produce(broker, kTopic,
                     {{"not json", "{}"},
                      {R"({"not":"an array"})", R"({"position":1})"},
                      {R"(["c",{"f":"a"}])", "[1,2]"},
                      {R"(["c",{"f":"b"}])", R"({"position":3})"}});
  KafkaOffsetStore store(test_util::store_options(broker));
  store.start();
  EXPECT_EQ(store.get("c", smap({{"f", Value::string("a")}})), std::nullopt);
  EXPECT_EQ(store.get("c", smap({{"f", Value::string("b")}})), position(3));
}

TEST(KafkaOffsetStore, ReadsAndWritesFailClearlyWhenNotStarted) {
  kafka::DevBroker broker;
  KafkaOffsetStore store(test_util::store_options(broker));
  try {
    store.put("c", {{file("/x"), position(1)}});
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(
        e.what(),
        "Failed to write source offsets of connector c to Kafka: Cannot write to topic 'connect-offsets' "
        "(offset.storage.topic): the store is not running");
  }
  try {
    store.get("c", file("/x"));
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(
        e.what(),
        "Failed to fetch offsets of connector c: topic 'connect-offsets' (offset.storage.topic) is not being "
        "read (the store is not running)");
  }
}

}  // namespace
}  // namespace sluice::storage
