// A Kafka Connect cluster's internal topics, written byte for byte as Java workers write them (Apache
// Kafka 3.x/4.0, JsonConverter with schemas.enable=false for the values, keys as Kafka's stores build them,
// Java's murmur2 partitioner), are read by sluice's stores: a Java cluster can be replaced by sluice workers
// in place.

#include <gtest/gtest.h>

#include "core/kafka/dev_broker.hpp"
#include "core/storage/kafka_config_store.hpp"
#include "core/storage/kafka_offset_store.hpp"
#include "core/storage/kafka_status_store.hpp"
#include "core/storage/tests/kafka_test_util.hpp"

namespace sluice::storage {
namespace {

using namespace std::chrono_literals;
using data::Value;

Value smap(std::vector<std::pair<std::string, Value>> entries) {
  Value::Map m;
  for (auto& [k, v] : entries) m.emplace_back(Value::string(k), std::move(v));
  return Value::map(std::move(m));
}

// What a Java worker leaves in the config topic after: creating local-file-source (FileStreamSource, 1 task),
// a connector created paused by a pre-3.5 worker (v1 target state), a stopped connector (v2), a restart
// request, a session key and a cluster-wide logger level.
void write_java_config_topic(const kafka::DevBroker& broker) {
  test_util::produce(
      broker, kafka::DevBroker::kConfigTopic,
      {{"connector-local-file-source",
        R"({"properties":{"connector.class":"FileStreamSource","file":"/tmp/in.txt","tasks.max":"1",)"
        R"("name":"local-file-source","topic":"connect-test"}})"},
       {"task-local-file-source-0",
        R"({"properties":{"connector.class":"FileStreamSource","batch.size":"2000",)"
        R"("task.class":"org.apache.kafka.connect.file.FileStreamSourceTask","file":"/tmp/in.txt",)"
        R"("tasks.max":"1","name":"local-file-source","topic":"connect-test"}})"},
       {"commit-local-file-source", R"({"tasks":1})"},
       {"target-state-paused-v1", R"({"state":"PAUSED"})"},
       {"connector-paused-v1",
        R"({"properties":{"connector.class":"FileStreamSink","topics":"t","name":"paused-v1"}})"},
       {"target-state-stopped-v2", R"({"state":"PAUSED","state.v2":"STOPPED"})"},
       {"connector-stopped-v2",
        R"({"properties":{"connector.class":"FileStreamSink","topics":"t","name":"stopped-v2"}})"},
       {"commit-stopped-v2", R"({"tasks":0})"},
       {"restart-connector-local-file-source", R"({"include-tasks":true,"only-failed":true})"},
       {"session-key",
        R"({"key":"AAECAwQFBgcICQoLDA0ODw==","algorithm":"HmacSHA256","creation-timestamp":1714000000000})"},
       {"logger-cluster-org.apache.kafka.connect", R"({"level":"DEBUG"})"}});
}

TEST(KafkaStoreMigration, ConfigStoreReadsAJavaClustersConfigTopic) {
  kafka::DevBroker broker;
  write_java_config_topic(broker);
  KafkaConfigStore store(test_util::store_options(broker));
  store.start();
  const ClusterConfigState s = store.snapshot();
  EXPECT_EQ(s.offset, 10);
  EXPECT_EQ(s.connector_configs.size(), 3u);
  EXPECT_EQ(s.connector_configs.at("local-file-source").at("file"), "/tmp/in.txt");
  EXPECT_EQ(s.tasks("local-file-source"), (std::vector<ConnectorTaskId>{{"local-file-source", 0}}));
  EXPECT_EQ(s.task_configs.at({"local-file-source", 0}).at("task.class"),
            "org.apache.kafka.connect.file.FileStreamSourceTask");
  EXPECT_EQ(s.target_state("local-file-source"), TargetState::Started);
  EXPECT_EQ(s.target_state("paused-v1"), TargetState::Paused);
  EXPECT_EQ(s.target_state("stopped-v2"), TargetState::Stopped);
  EXPECT_TRUE(s.tasks("stopped-v2").empty());
  EXPECT_EQ(s.task_counts.at("stopped-v2"), 0);
  EXPECT_TRUE(s.inconsistent.empty());
  ASSERT_TRUE(s.session_key);
  EXPECT_EQ(s.session_key->key_base64, "AAECAwQFBgcICQoLDA0ODw==");
  EXPECT_EQ(s.session_key->algorithm, "HmacSHA256");
  EXPECT_EQ(s.session_key->creation_timestamp, 1714000000000);

  // sluice carries on in the same topic, in the same formats.
  store.put_target_state("local-file-source", TargetState::Paused);
  EXPECT_EQ(store.snapshot().target_state("local-file-source"), TargetState::Paused);
  const auto raw = test_util::read_all(broker, kafka::DevBroker::kConfigTopic, 1);
  EXPECT_EQ(raw.back().key, "target-state-local-file-source");
  EXPECT_EQ(raw.back().value, R"({"state":"PAUSED","state.v2":"PAUSED"})");
}

TEST(KafkaStoreMigration, OffsetStoreResumesAJavaFileStreamSourceFromItsSourceOffset) {
  kafka::DevBroker broker;
  const std::string key = R"(["local-file-source",{"filename":"/tmp/in.txt"}])";
  test_util::produce(broker, kafka::DevBroker::kOffsetTopic,
                     {{key, R"({"position":12})"},
                      {key, R"({"position":42})"},
                      {R"(["reset-source",{"filename":"/tmp/r.txt"}])", R"({"position":5})"},
                      {R"(["reset-source",{"filename":"/tmp/r.txt"}])", std::nullopt}});
  KafkaOffsetStore store(test_util::store_options(broker));
  store.start();
  EXPECT_EQ(store.get("local-file-source", smap({{"filename", Value::string("/tmp/in.txt")}})),
            smap({{"position", Value::int64(42)}}));
  EXPECT_TRUE(store.all("reset-source").empty());

  // The next commit lands on the key (and so the partition) the Java worker used: compaction keeps only it.
  store.put("local-file-source",
            {{smap({{"filename", Value::string("/tmp/in.txt")}}), smap({{"position", Value::int64(50)}})}});
  std::vector<test_util::RawRecord> same_key;
  for (const auto& r : test_util::read_all(broker, kafka::DevBroker::kOffsetTopic,
                                           kafka::DevBroker::kOffsetTopicPartitions)) {
    if (r.key == key) same_key.push_back(r);
  }
  ASSERT_EQ(same_key.size(), 3u);
  EXPECT_EQ(same_key.back().value, R"({"position":50})");
  EXPECT_EQ(same_key.back().partition, same_key.front().partition);
}

TEST(KafkaStoreMigration, StatusStoreReadsAJavaClustersStatuses) {
  kafka::DevBroker broker;
  test_util::produce(
      broker, kafka::DevBroker::kStatusTopic,
      {{"status-connector-local-file-source",
        R"({"state":"RUNNING","trace":null,"worker_id":"10.0.0.5:8083","generation":3})"},
       {"status-task-local-file-source-0",
        R"({"state":"FAILED","trace":"org.apache.kafka.connect.errors.ConnectException: java.io.FileNotFoundException\n\tat org.apache.kafka.connect.file.FileStreamSourceTask.poll(FileStreamSourceTask.java:120)\n","worker_id":"10.0.0.6:8083","generation":3})"},
       {"status-connector-deleted",
        R"({"state":"RUNNING","trace":null,"worker_id":"10.0.0.5:8083","generation":2})"},
       {"status-task-deleted-0",
        R"({"state":"RUNNING","trace":null,"worker_id":"10.0.0.5:8083","generation":2})"},
       // A deleted connector: Java's herder writes DESTROYED (a tombstone) for the connector and each task.
       {"status-task-deleted-0", std::nullopt},
       {"status-connector-deleted", std::nullopt},
       {"status-topic-connect-test:connector-local-file-source",
        R"({"topic":{"name":"connect-test","connector":"local-file-source","task":0,"discoverTimestamp":1714000000123}})"}});
  KafkaStatusStore store(test_util::store_options(broker));
  store.start();
  EXPECT_EQ(store.connectors(), std::set<std::string>{"local-file-source"});
  EXPECT_EQ(store.connector("local-file-source"),
            (StatusRecord{State::Running, std::nullopt, "10.0.0.5:8083", 3}));
  const auto task = store.task({"local-file-source", 0});
  ASSERT_TRUE(task);
  EXPECT_EQ(task->state, State::Failed);
  EXPECT_EQ(task->worker_id, "10.0.0.6:8083");
  ASSERT_TRUE(task->trace);
  EXPECT_TRUE(task->trace->starts_with(
      "org.apache.kafka.connect.errors.ConnectException: java.io.FileNotFoundException\n\tat "));
  EXPECT_TRUE(store.tasks("deleted").empty());
  EXPECT_EQ(store.connector("deleted"), std::nullopt);
  EXPECT_EQ(store.topics("local-file-source"), std::set<std::string>{"connect-test"});
}

}  // namespace
}  // namespace sluice::storage
