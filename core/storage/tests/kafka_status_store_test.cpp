#include "core/storage/kafka_status_store.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "core/kafka/dev_broker.hpp"
#include "core/storage/tests/kafka_test_util.hpp"

namespace sluice::storage {
namespace {

using namespace std::chrono_literals;
using test_util::key_values;
using KV = std::vector<std::pair<std::string, std::optional<std::string>>>;

constexpr const char* kTopic = kafka::DevBroker::kStatusTopic;
constexpr int kPartitions = kafka::DevBroker::kStatusTopicPartitions;
constexpr std::int16_t kProduceApi = 0;  // Kafka's ApiKey for Produce

StatusRecord status(State state, const std::string& worker, std::int32_t generation,
                    std::optional<std::string> trace = std::nullopt) {
  return {state, std::move(trace), worker, generation};
}

// The records of one key, in topic order.
KV records_of(const kafka::DevBroker& broker, const std::string& key) {
  KV out;
  for (const auto& r : test_util::read_all(broker, kTopic, kPartitions)) {
    if (r.key == key) {
      EXPECT_EQ(r.partition, test_util::java_partition(key, kPartitions)) << key;
      out.emplace_back(r.key, r.value);
    }
  }
  return out;
}

TEST(KafkaStatusStore, WritesKafkasStatusFormatAndShowsItAtOnce) {
  kafka::DevBroker broker;
  KafkaStatusStore store(test_util::store_options(broker));
  store.start();
  store.put_connector("local-file-source", status(State::Running, "10.0.0.5:8083", 5));
  EXPECT_EQ(store.connector("local-file-source"),
            status(State::Running, "10.0.0.5:8083", 5));  // before Kafka has it
  store.put_task({"local-file-source", 0},
                 status(State::Failed, "10.0.0.5:8083", 5,
                        "org.apache.kafka.connect.errors.ConnectException: boom\n\tat X"));
  store.put_task({"my-connector-with-dashes", 12}, status(State::Unassigned, "h:1", 0));
  ASSERT_TRUE(store.flush(20s));

  EXPECT_EQ(records_of(broker, "status-connector-local-file-source"),
            (KV{{"status-connector-local-file-source",
                 R"({"state":"RUNNING","trace":null,"worker_id":"10.0.0.5:8083","generation":5})"}}));
  EXPECT_EQ(
      records_of(broker, "status-task-local-file-source-0"),
      (KV{{"status-task-local-file-source-0",
           R"({"state":"FAILED","trace":"org.apache.kafka.connect.errors.ConnectException: boom\n\tat X",)"
           R"("worker_id":"10.0.0.5:8083","generation":5})"}}));
  ASSERT_TRUE(store.refresh(20s));
  EXPECT_EQ(store.tasks("my-connector-with-dashes").at(12).state, State::Unassigned);
  EXPECT_EQ(store.connectors(), std::set<std::string>{"local-file-source"});

  // DESTROYED is a tombstone and forgets the entry.
  store.put_task({"local-file-source", 0}, status(State::Destroyed, "10.0.0.5:8083", 6));
  EXPECT_EQ(store.task({"local-file-source", 0}), std::nullopt);
  ASSERT_TRUE(store.flush(20s));
  ASSERT_TRUE(store.refresh(20s));
  EXPECT_EQ(store.task({"local-file-source", 0}), std::nullopt);
  EXPECT_EQ(records_of(broker, "status-task-local-file-source-0").back().second, std::nullopt);
}

TEST(KafkaStatusStore, TopicStatusRecords) {
  kafka::DevBroker broker;
  KafkaStatusStore store(test_util::store_options(broker));
  store.start();
  store.put_topic({"connect-test", "local-file-source", 0, 1700000000000});
  store.put_topic({"other", "local-file-source", 1, 1700000000001});
  EXPECT_EQ(store.topics("local-file-source"), (std::set<std::string>{"connect-test", "other"}));
  store.delete_topic("local-file-source", "other");
  EXPECT_EQ(store.topics("local-file-source"), std::set<std::string>{"connect-test"});
  ASSERT_TRUE(store.flush(20s));
  EXPECT_EQ(records_of(broker, "status-topic-connect-test:connector-local-file-source"),
            (KV{{"status-topic-connect-test:connector-local-file-source",
                 R"({"topic":{"name":"connect-test","connector":"local-file-source","task":0,)"
                 R"("discoverTimestamp":1700000000000}})"}}));
  EXPECT_EQ(records_of(broker, "status-topic-other:connector-local-file-source").back().second, std::nullopt);

  KafkaStatusStore other(test_util::store_options(broker));
  other.start();
  EXPECT_EQ(other.topics("local-file-source"), std::set<std::string>{"connect-test"});
}

TEST(KafkaStatusStore, AnotherWorkersTopicResetIsAnnouncedWhenItsTombstoneIsRead) {
  kafka::DevBroker broker;
  KafkaStatusStore writer(test_util::store_options(broker));
  KafkaStatusStore reader(test_util::store_options(broker));
  std::mutex mu;
  std::vector<std::string> deleted;
  reader.on_topic_deleted([&](const std::string& connector) {
    std::lock_guard lock(mu);
    deleted.push_back(connector);
  });
  writer.start();
  reader.start();
  writer.put_topic({"t", "c", 0, 1700000000000});
  ASSERT_TRUE(writer.flush(20s));
  ASSERT_TRUE(reader.refresh(20s));
  {
    std::lock_guard lock(mu);
    EXPECT_TRUE(deleted.empty()) << "a topic put announces nothing";
  }
  writer.delete_topic("c", "t");
  ASSERT_TRUE(writer.flush(20s));
  ASSERT_TRUE(reader.refresh(20s));
  EXPECT_EQ(reader.topics("c"), std::set<std::string>{});
  std::lock_guard lock(mu);
  EXPECT_EQ(deleted, std::vector<std::string>{"c"});
}

TEST(KafkaStatusStore, ASecondWorkerSeesStatusesAndAConnectorTombstoneForgetsItsTasks) {
  kafka::DevBroker broker;
  KafkaStatusStore a(test_util::store_options(broker));
  KafkaStatusStore b(test_util::store_options(broker));
  a.start();
  b.start();
  a.put_connector("c", status(State::Running, "a:1", 1));
  a.put_task({"c", 0}, status(State::Running, "a:1", 1));
  a.put_task({"c", 1}, status(State::Paused, "a:1", 1));
  ASSERT_TRUE(a.flush(20s));
  // Both have read the task records before the tombstone comes: records of different keys live in different
  // partitions, so only what was read before a connector's tombstone is forgotten with it (as in Kafka).
  ASSERT_TRUE(a.refresh(20s));
  ASSERT_TRUE(b.refresh(20s));
  EXPECT_EQ(b.connector("c"), status(State::Running, "a:1", 1));
  EXPECT_EQ(b.tasks("c").size(), 2u);
  EXPECT_EQ(b.tasks("c").at(1).state, State::Paused);

  a.put_connector("c", status(State::Destroyed, "a:1", 2));
  ASSERT_TRUE(a.flush(20s));
  ASSERT_TRUE(b.refresh(20s));
  ASSERT_TRUE(a.refresh(20s));
  for (KafkaStatusStore* store : {&a, &b}) {
    EXPECT_EQ(store->connector("c"), std::nullopt);
    EXPECT_TRUE(store->tasks("c").empty());
    EXPECT_TRUE(store->connectors().empty());
  }
}

TEST(KafkaStatusStore, PutSafeDoesNotOverwriteANewerGenerationOfAnotherWorker) {
  kafka::DevBroker broker;
  KafkaStatusStore old_owner(test_util::store_options(broker));
  KafkaStatusStore new_owner(test_util::store_options(broker));
  old_owner.start();
  new_owner.start();
  new_owner.put_task({"c", 0}, status(State::Running, "b:1", 7));
  ASSERT_TRUE(new_owner.flush(20s));
  ASSERT_TRUE(old_owner.refresh(20s));

  old_owner.put_task_safe({"c", 0}, status(State::Unassigned, "a:1", 6));  // stale generation: dropped
  EXPECT_EQ(old_owner.task({"c", 0}), status(State::Running, "b:1", 7));
  old_owner.put_task_safe({"c", 0}, status(State::Unassigned, "a:1", 7));  // same generation: written
  EXPECT_EQ(old_owner.task({"c", 0}), status(State::Unassigned, "a:1", 7));
  new_owner.put_task_safe({"c", 0}, status(State::Running, "b:1", 3));  // its own entry: written
  new_owner.put_connector_safe("c", status(State::Running, "b:1", 7));  // nothing known: written
  ASSERT_TRUE(old_owner.flush(20s));
  ASSERT_TRUE(new_owner.flush(20s));
  EXPECT_EQ(key_values(test_util::read_all(broker, kTopic, kPartitions)).size(), 4u);
  EXPECT_EQ(records_of(broker, "status-task-c-0").size(), 3u);
}

TEST(KafkaStatusStore, RetriesARetriableFailureUnlessANewerStatusWasWritten) {
  kafka::DevBroker broker;
  KafkaStatusStore store(test_util::store_options(broker));
  store.start();
  // The next two produce requests fail with a retriable error; the status producer does not retry by itself.
  rd_kafka_mock_push_request_errors(&broker.mock_cluster(), kProduceApi, 2,
                                    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                                    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  store.put_connector("c", status(State::Running, "a:1", 1));
  ASSERT_TRUE(store.flush(20s));
  EXPECT_EQ(
      records_of(broker, "status-connector-c"),
      (KV{{"status-connector-c", R"({"state":"RUNNING","trace":null,"worker_id":"a:1","generation":1})"}}));

  // A failed RUNNING is not sent again once PAUSED was written after it: only PAUSED reaches the topic.
  rd_kafka_mock_push_request_errors(&broker.mock_cluster(), kProduceApi, 1,
                                    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  store.put_task({"c", 0}, status(State::Running, "a:1", 1));
  store.put_task({"c", 0}, status(State::Paused, "a:1", 1));
  ASSERT_TRUE(store.flush(20s));
  const KV task = records_of(broker, "status-task-c-0");
  ASSERT_FALSE(task.empty());
  EXPECT_EQ(task.back().second, R"({"state":"PAUSED","trace":null,"worker_id":"a:1","generation":1})");
  ASSERT_TRUE(store.refresh(20s));
  EXPECT_EQ(store.task({"c", 0})->state, State::Paused);

  // A failure that retrying cannot fix is logged and dropped.
  rd_kafka_mock_push_request_errors(&broker.mock_cluster(), kProduceApi, 1, RD_KAFKA_RESP_ERR_INVALID_RECORD);
  store.put_connector("d", status(State::Running, "a:1", 1));
  ASSERT_TRUE(store.flush(20s));
  EXPECT_TRUE(records_of(broker, "status-connector-d").empty());
}

TEST(KafkaStatusStore, SkipsRecordsItCannotRead) {
  kafka::DevBroker broker;
  test_util::produce(
      broker, kTopic,
      {{"status-connector-a", R"({"state":"DANCING","trace":null,"worker_id":"w","generation":1})"},
       {"status-connector-b", "{oops"},
       {"status-task-b", R"({"state":"RUNNING","trace":null,"worker_id":"w","generation":1})"},
       {"status-topic-nosep", R"({"topic":{}})"},
       {"status-unknown-x", "{}"},
       {"status-connector-ok", R"({"state":"RUNNING","worker_id":"w","generation":2})"}});
  KafkaStatusStore store(test_util::store_options(broker));
  store.start();
  EXPECT_EQ(store.connectors(), std::set<std::string>{"ok"});
  EXPECT_EQ(store.connector("ok"), status(State::Running, "w", 2));
}

}  // namespace
}  // namespace sluice::storage
