#include "core/storage/kafka_config_store.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "core/common/errors.hpp"
#include "core/kafka/dev_broker.hpp"
#include "core/storage/tests/kafka_test_util.hpp"
#include "tests/support/wait.hpp"

namespace sluice::storage {
namespace {

using namespace std::chrono_literals;
using test_util::key_values;
using KV = std::vector<std::pair<std::string, std::optional<std::string>>>;

constexpr const char* kTopic = kafka::DevBroker::kConfigTopic;

// Records listener calls as text, in order.
class RecordingListener final : public ConfigUpdateListener {
 public:
  void on_connector_config_update(const std::string& c) override { add("update " + c); }
  void on_connector_config_remove(const std::string& c) override { add("remove " + c); }
  void on_task_config_update(const std::vector<ConnectorTaskId>& tasks) override {
    std::string text = "tasks";
    for (const auto& t : tasks) text += " " + t.to_string();
    add(text);
  }
  void on_connector_target_state_change(const std::string& c) override { add("target " + c); }
  void on_restart_request(const RestartRequestRecord& r) override {
    add("restart " + r.connector + (r.include_tasks ? " include-tasks" : "") +
        (r.only_failed ? " only-failed" : ""));
  }
  void on_session_key_update(const SessionKeyRecord& k) override { add("session-key " + k.key_base64); }
  void on_logger_level(const std::string& ns, const std::string& level) override {
    add("logger " + ns + " " + level);
  }

  std::vector<std::string> events() {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  void add(std::string e) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(e));
  }
  std::mutex mu_;
  std::vector<std::string> events_;
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConnectError& e) {
    return e.what();
  }
  return "no error";
}

const StringMap kSourceConfig = {
    {"connector.class", "FileStreamSource"}, {"file", "/tmp/in.txt"}, {"topic", "t"}};

TEST(KafkaConfigStore, WritesEveryRecordTypeInKafkasBytesAndSeesItInTheSnapshot) {
  kafka::DevBroker broker;
  KafkaConfigStore store(test_util::store_options(broker));
  store.start();
  EXPECT_EQ(store.snapshot().offset, -1);

  store.put_connector_config("local-file-source", kSourceConfig, TargetState::Paused);
  auto s = store.snapshot();
  EXPECT_EQ(s.connector_configs.at("local-file-source"), kSourceConfig);
  EXPECT_EQ(s.target_state("local-file-source"), TargetState::Paused);
  EXPECT_TRUE(s.tasks("local-file-source").empty());

  store.put_task_configs("local-file-source",
                         {{{"task.class", "FileStreamSourceTask"}, {"note", "a\"b\n\x01"}},
                          {{"task.class", "FileStreamSourceTask"}}});
  store.put_target_state("local-file-source", TargetState::Stopped);
  store.put_restart_request({"local-file-source", false, true});
  store.put_session_key({"c2VjcmV0", "HmacSHA256", 1700000000000});
  store.put_logger_level("org.apache.kafka", "DEBUG");
  s = store.snapshot();
  EXPECT_EQ(s.offset, 8);
  EXPECT_EQ(s.tasks("local-file-source"),
            (std::vector<ConnectorTaskId>{{"local-file-source", 0}, {"local-file-source", 1}}));
  EXPECT_EQ(s.task_configs.at({"local-file-source", 0}).at("note"), "a\"b\n\x01");
  EXPECT_EQ(s.task_counts.at("local-file-source"), 2);
  EXPECT_EQ(s.target_state("local-file-source"), TargetState::Stopped);
  ASSERT_TRUE(s.session_key);
  EXPECT_EQ(s.session_key->key_base64, "c2VjcmV0");
  EXPECT_EQ(s.session_key->creation_timestamp, 1700000000000);

  store.remove_connector_config("local-file-source");
  s = store.snapshot();
  EXPECT_FALSE(s.contains("local-file-source"));
  EXPECT_TRUE(s.task_configs.empty());
  EXPECT_EQ(s.task_counts.count("local-file-source"), 0u);
  EXPECT_EQ(s.target_states.count("local-file-source"), 0u);
  EXPECT_EQ(s.offset, 10);

  EXPECT_EQ(key_values(test_util::read_all(broker, kTopic, 1)),
            (KV{{"target-state-local-file-source", R"({"state":"PAUSED","state.v2":"PAUSED"})"},
                {"connector-local-file-source",
                 R"({"properties":{"connector.class":"FileStreamSource","file":"/tmp/in.txt","topic":"t"}})"},
                {"task-local-file-source-0",
                 R"({"properties":{"note":"a\"b\n\u0001","task.class":"FileStreamSourceTask"}})"},
                {"task-local-file-source-1", R"({"properties":{"task.class":"FileStreamSourceTask"}})"},
                {"commit-local-file-source", R"({"tasks":2})"},
                {"target-state-local-file-source", R"({"state":"PAUSED","state.v2":"STOPPED"})"},
                {"restart-connector-local-file-source", R"({"include-tasks":true,"only-failed":false})"},
                {"session-key",
                 R"({"key":"c2VjcmV0","algorithm":"HmacSHA256","creation-timestamp":1700000000000})"},
                {"logger-cluster-org.apache.kafka", R"({"level":"DEBUG"})"},
                {"connector-local-file-source", std::nullopt},
                {"target-state-local-file-source", std::nullopt}}));
}

TEST(KafkaConfigStore, StartedTargetStateAndEmptyTaskSetBytes) {
  kafka::DevBroker broker;
  KafkaConfigStore store(test_util::store_options(broker));
  store.start();
  store.put_connector_config("c", {}, std::nullopt);
  store.put_target_state("c", TargetState::Started);
  store.put_task_configs("c", {});
  EXPECT_EQ(key_values(test_util::read_all(broker, kTopic, 1)),
            (KV{{"connector-c", R"({"properties":{}})"},
                {"target-state-c", R"({"state":"STARTED","state.v2":"STARTED"})"},
                {"commit-c", R"({"tasks":0})"}}));
  EXPECT_EQ(store.snapshot().task_counts.at("c"), 0);
  EXPECT_TRUE(store.snapshot().tasks("c").empty());
}

TEST(KafkaConfigStore, ASecondWorkerSeesTheWritesAndItsListenerIsCalledAfterStartOnly) {
  kafka::DevBroker broker;
  KafkaConfigStore leader(test_util::store_options(broker));
  leader.start();
  // History: read by the second worker at start, never replayed to its listener.
  leader.put_connector_config("old", kSourceConfig, std::nullopt);
  leader.put_restart_request({"old", true, true});

  KafkaConfigStore follower(test_util::store_options(broker));
  RecordingListener listener;
  follower.set_listener(&listener);
  follower.start();
  EXPECT_TRUE(follower.snapshot().contains("old"));
  EXPECT_TRUE(listener.events().empty());

  leader.put_connector_config("c", kSourceConfig, TargetState::Paused);
  leader.put_task_configs("c", {{{"k", "v"}}});
  leader.put_target_state("c", TargetState::Started);
  leader.put_target_state("c", TargetState::Started);  // unchanged: no event
  leader.put_restart_request({"c", true, false});
  leader.put_session_key({"a2V5", "HmacSHA256", 5});
  leader.put_logger_level("sluice.storage", "TRACE");
  leader.remove_connector_config("c");
  ASSERT_TRUE(follower.refresh(20s));
  EXPECT_EQ(follower.snapshot().offset, leader.snapshot().offset);
  EXPECT_FALSE(follower.snapshot().contains("c"));
  EXPECT_EQ(listener.events(),
            (std::vector<std::string>{"update c", "tasks c-0", "target c", "restart c only-failed",
                                      "session-key a2V5", "logger sluice.storage TRACE", "remove c"}));
}

TEST(KafkaConfigStore, TaskConfigsBecomeVisibleOnlyWithACommitThatCoversThem) {
  kafka::DevBroker broker;
  test_util::produce(broker, kTopic,
                     {{"connector-c", R"({"properties":{"name":"c"}})"},
                      {"task-c-0", R"({"properties":{"v":"1"}})"},
                      {"task-c-1", R"({"properties":{"v":"1"}})"}});
  KafkaConfigStore store(test_util::store_options(broker));
  RecordingListener listener;
  store.set_listener(&listener);
  store.start();
  // Staged, not committed.
  EXPECT_TRUE(store.snapshot().task_configs.empty());
  EXPECT_TRUE(store.snapshot().tasks("c").empty());

  test_util::produce(broker, kTopic, {{"commit-c", R"({"tasks":2})"}});
  ASSERT_TRUE(store.refresh(20s));
  auto s = store.snapshot();
  EXPECT_EQ(s.tasks("c"), (std::vector<ConnectorTaskId>{{"c", 0}, {"c", 1}}));
  EXPECT_EQ(s.task_configs.at({"c", 1}).at("v"), "1");
  EXPECT_TRUE(s.inconsistent.empty());

  // A commit whose task records are missing (compaction, a leader that died mid-write): inconsistent, no
  // tasks, the previously committed configs stay as they were.
  test_util::produce(broker, kTopic,
                     {{"task-c-0", R"({"properties":{"v":"2"}})"}, {"commit-c", R"({"tasks":2})"}});
  ASSERT_TRUE(store.refresh(20s));
  s = store.snapshot();
  EXPECT_EQ(s.inconsistent, std::set<std::string>{"c"});
  EXPECT_TRUE(s.tasks("c").empty());
  EXPECT_EQ(s.task_configs.at({"c", 0}).at("v"), "1");

  // The staged record before that commit was dropped with it: a later commit needs a fresh complete set.
  test_util::produce(broker, kTopic,
                     {{"task-c-1", R"({"properties":{"v":"3"}})"}, {"commit-c", R"({"tasks":2})"}});
  ASSERT_TRUE(store.refresh(20s));
  EXPECT_EQ(store.snapshot().inconsistent, std::set<std::string>{"c"});

  // A complete set (plus a leftover id above the count, as compaction can leave) makes it consistent again
  // and shrinks the connector to one task.
  test_util::produce(broker, kTopic,
                     {{"task-c-1", R"({"properties":{"v":"old"}})"},
                      {"task-c-0", R"({"properties":{"v":"4"}})"},
                      {"commit-c", R"({"tasks":1})"}});
  ASSERT_TRUE(store.refresh(20s));
  s = store.snapshot();
  EXPECT_TRUE(s.inconsistent.empty());
  EXPECT_EQ(s.tasks("c"), (std::vector<ConnectorTaskId>{{"c", 0}}));
  EXPECT_EQ(s.task_configs.size(), 1u);
  EXPECT_EQ(s.task_configs.at({"c", 0}).at("v"), "4");
  EXPECT_EQ(listener.events(), (std::vector<std::string>{"tasks c-0 c-1", "tasks", "tasks", "tasks c-0"}));
}

TEST(KafkaConfigStore, TombstonesAndRecordsItCannotUse) {
  kafka::DevBroker broker;
  test_util::produce(broker, kTopic,
                     {{"connector-a", R"({"properties":{"x":"1","nothing":null,"n":5}})"},
                      {"target-state-a", R"({"state":"PAUSED"})"},
                      {"target-state-a", std::nullopt},  // a lone target-state tombstone: back to STARTED
                      {"connector-b", "{not json"},
                      {"connector-c", R"({"properties":"nope"})"},
                      {"commit-a", R"({"tasks":"two"})"},
                      {"target-state-a", R"({"state":"SLEEPING"})"},
                      {"task-a-x", R"({"properties":{}})"},
                      {"something-else", "{}"},
                      {"tasks-fencing-a", R"({"task-count":3})"},
                      {"connector-d", R"({"properties":{"y":"2"}})"}});
  KafkaConfigStore store(test_util::store_options(broker));
  store.start();
  const auto s = store.snapshot();
  EXPECT_EQ(s.connector_configs,
            (std::map<std::string, StringMap>{{"a", {{"x", "1"}, {"n", "5"}}}, {"d", {{"y", "2"}}}}));
  EXPECT_EQ(s.target_state("a"), TargetState::Started);
  EXPECT_TRUE(s.task_counts.empty());
  EXPECT_EQ(s.offset, 10);
}

TEST(KafkaConfigStore, RefusesAConfigTopicWithMoreThanOnePartition) {
  kafka::DevBroker broker;
  broker.create_topic("configs-2", 2);
  KafkaConfigStore store(test_util::store_options(broker, {{"config.storage.topic", "configs-2"}}));
  try {
    store.start();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(
        e.what(),
        "Topic 'configs-2' supplied via the 'config.storage.topic' property is required to have a single "
        "partition in order to guarantee consistency of connector configurations, but found 2 partitions.");
  }
}

TEST(KafkaConfigStore, WritesBeforeStartFailWithAClearMessage) {
  kafka::DevBroker broker;
  KafkaConfigStore store(test_util::store_options(broker));
  EXPECT_EQ(
      error_of([&] { store.put_connector_config("c", kSourceConfig, std::nullopt); }),
      "Error writing the configuration of connector c to Kafka: Cannot write to topic 'connect-configs' "
      "(config.storage.topic): the store is not running");
  EXPECT_EQ(error_of([&] { store.put_task_configs("c", {}); }),
            "Error writing the task configurations of connector c to Kafka: Cannot write to topic "
            "'connect-configs' "
            "(config.storage.topic): the store is not running");
}

}  // namespace
}  // namespace sluice::storage
