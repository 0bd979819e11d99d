#include "core/storage/kafka_based_log.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/kafka/dev_broker.hpp"
#include "core/storage/tests/kafka_test_util.hpp"
#include "tests/support/wait.hpp"

namespace sluice::storage {
namespace {

using namespace std::chrono_literals;
using test_util::RawRecord;

// Collects what the reader thread applies.
struct Applied {
  std::mutex mu;
  std::vector<RawRecord> records;
  KafkaBasedLog::ConsumeCallback callback() {
    return [this](const LogRecord& r) {
      std::lock_guard lock(mu);
      records.push_back({r.key, r.value, r.partition, r.offset});
    };
  }
  std::vector<RawRecord> get() {
    std::lock_guard lock(mu);
    return records;
  }
};

KafkaBasedLog::Options log_options(const kafka::DevBroker& broker, const std::string& topic, int partitions) {
  return {.topic = {.topic = topic,
                    .config_key = "offset.storage.topic",
                    .purpose = "source connector offsets",
                    .partitions = partitions,
                    .replication_factor = 1},
          .client = {{"bootstrap.servers", broker.bootstrap()}},
          .client_id = "connect-cluster-offsets"};
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConnectError& e) {
    return e.what();
  }
  return "no error";
}

TEST(KafkaBasedLog, StartAppliesEverythingAlreadyInTheTopicThenFollowsIt) {
  kafka::DevBroker broker;
  broker.create_topic("log3", 3);
  test_util::produce(broker, "log3", {{"a", "1"}, {"b", "2"}, {"c", std::nullopt}});
  Applied applied;
  KafkaBasedLog log(log_options(broker, "log3", 3), applied.callback());
  log.start(20s);
  EXPECT_EQ(log.partition_count(), 3);
  auto records = applied.get();
  ASSERT_EQ(records.size(), 3u);  // start() returns only once they were applied
  std::sort(records.begin(), records.end(), [](const auto& x, const auto& y) { return x.key < y.key; });
  EXPECT_EQ(records[0].value, "1");
  EXPECT_EQ(records[2].value, std::nullopt);  // the tombstone reaches the callback as such

  test_util::produce(broker, "log3", {{"d", "4"}});
  ASSERT_TRUE(log.read_to_end(20s));
  EXPECT_EQ(applied.get().size(), 4u);
}

TEST(KafkaBasedLog, SendsToThePartitionAJavaWorkerWouldPickAndReadsItsOwnWrites) {
  kafka::DevBroker broker;
  broker.create_topic("log5", 5);
  Applied applied;
  KafkaBasedLog log(log_options(broker, "log5", 5), applied.callback());
  log.start(20s);
  std::vector<LogEntry> records;
  for (const char* key : {"status-connector-a", "status-task-a-0", "status-task-a-1", "x", ""}) {
    records.emplace_back(key, std::string("v"));
  }
  records.emplace_back("gone", std::nullopt);
  const auto written = log.send_all(records, 20s, "test write");
  ASSERT_TRUE(log.wait_applied(written, 20s));
  for (const RawRecord& r : applied.get()) {
    EXPECT_EQ(r.partition, test_util::java_partition(r.key, 5)) << r.key;
  }
  EXPECT_EQ(applied.get().size(), records.size());
  EXPECT_EQ(test_util::read_all(broker, "log5", 5).size(), records.size());
  EXPECT_TRUE(log.flush(1s));
}

TEST(KafkaBasedLog, AsyncSendReportsTheOffset) {
  kafka::DevBroker broker;
  Applied applied;
  KafkaBasedLog log(log_options(broker, kafka::DevBroker::kConfigTopic, 1), applied.callback());
  log.start(20s);
  std::mutex mu;
  std::vector<SendResult> results;
  for (int i = 0; i < 3; ++i) {
    log.send("k", std::to_string(i), [&](const SendResult& r) {
      std::lock_guard lock(mu);
      results.push_back(r);
    });
  }
  ASSERT_TRUE(log.flush(20s));
  std::lock_guard lock(mu);
  ASSERT_EQ(results.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(results[i].ok());
    EXPECT_EQ(results[i].offset, i);  // in send order
  }
}

TEST(KafkaBasedLog, RefusesAMultiPartitionTopicWhereOneIsRequired) {
  kafka::DevBroker broker;
  broker.create_topic("configs-3", 3);
  auto options = log_options(broker, "configs-3", 1);
  options.topic.config_key = "config.storage.topic";
  options.topic.purpose = "connector configurations";
  options.topic.require_single_partition = true;
  KafkaBasedLog log(options, [](const LogRecord&) {});
  try {
    log.start(20s);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(
        e.what(),
        "Topic 'configs-3' supplied via the 'config.storage.topic' property is required to have a single "
        "partition in order to guarantee consistency of connector configurations, but found 3 partitions.");
  }
}

TEST(KafkaBasedLog, UsesTheTopicTheDevBrokerCreatesOnFirstUseAndSaysSo) {
  kafka::DevBroker broker;
  // Captures this module's log lines (added before any of its threads run, removed after they stopped).
  auto logger = log::get("sluice.storage");
  auto lines = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(50);
  lines->set_pattern("%v");
  logger->sinks().push_back(lines);
  {
    KafkaBasedLog log(log_options(broker, "fresh-offsets", 25), [](const LogRecord&) {});
    log.start(20s);
    // The dev broker has no CreateTopics: the requested 25 partitions cannot be had, its default 4 are used.
    EXPECT_EQ(log.partition_count(), kafka::DevBroker::kAutoCreatedTopicPartitions);
  }
  logger->sinks().pop_back();
  const auto text = lines->last_formatted();
  EXPECT_NE(
      std::find(
          text.begin(), text.end(),
          "Unable to create topic 'fresh-offsets' (offset.storage.topic) with 25 partition(s), replication "
          "factor 1 and cleanup.policy=compact: the dev broker has no CreateTopics API. Falling back to the "
          "topic the broker creates on first use (4 partitions, not compacted)\n"),
      text.end());
}

TEST(KafkaBasedLog, WritingWhenNotRunningFailsClearly) {
  kafka::DevBroker broker;
  KafkaBasedLog log(log_options(broker, kafka::DevBroker::kOffsetTopic, 25), [](const LogRecord&) {});
  EXPECT_EQ(error_of([&] {
              log.send_all({{"k", "v"}}, 1s, "Failed to write source offsets of connector c");
            }),
            "Failed to write source offsets of connector c: Cannot write to topic 'connect-offsets' "
            "(offset.storage.topic): the store is not running");
  log.start(20s);
  log.stop();
  EXPECT_EQ(error_of([&] { log.send("k", "v", [](const SendResult&) {}); }),
            "Cannot write to topic 'connect-offsets' (offset.storage.topic): the store is not running");
  EXPECT_EQ(
      error_of([&] { log.start(1s); }),
      "The log of topic 'connect-offsets' (offset.storage.topic) was stopped and cannot be started again");
}

TEST(KafkaBasedLog, UnreachableBrokersEndStartWithinTheTimeout) {
  const std::string bootstrap = "127.0.0.1:" + std::to_string(test::free_port());
  KafkaBasedLog::Options options{.topic = {.topic = "t", .config_key = "offset.storage.topic"},
                                 .client = {{"bootstrap.servers", bootstrap}},
                                 .client_id = "connect-cluster-offsets"};
  KafkaBasedLog log(options, [](const LogRecord&) {});
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(
      error_of([&] { log.start(1500ms); }),
      "Could not reach Kafka at " + bootstrap +
          " within 1500 ms to set up topic 't' (offset.storage.topic); check bootstrap.servers and that the "
          "brokers are reachable");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

}  // namespace
}  // namespace sluice::storage
