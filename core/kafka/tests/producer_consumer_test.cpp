#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/kafka/consumer.hpp"
#include "core/kafka/dev_broker.hpp"
#include "core/kafka/producer.hpp"

namespace sluice::kafka {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class RecordingListener final : public RebalanceListener {
 public:
  void on_assigned(const std::vector<TopicPartition>& partitions) override {
    for (const auto& tp : partitions) assigned.insert(tp);
    ++assign_calls;
  }
  void on_revoked(const std::vector<TopicPartition>& partitions) override {
    for (const auto& tp : partitions) {
      assigned.erase(tp);
      revoked.insert(tp);
    }
  }
  std::set<TopicPartition> assigned;
  std::set<TopicPartition> revoked;
  int assign_calls = 0;
};

Properties consumer_props(const DevBroker& broker, const std::string& group) {
  return {{"bootstrap.servers", broker.bootstrap()},
          {"group.id", group},
          {"enable.auto.commit", "false"},
          {"auto.offset.reset", "earliest"},
          {"partition.assignment.strategy", "cooperative-sticky"},
          {"session.timeout.ms", "6000"},
          {"heartbeat.interval.ms", "500"}};
}

// Polls until `count` messages arrived or `timeout` passed.
std::vector<Message> poll_for(Consumer& consumer, std::size_t count, std::chrono::milliseconds timeout) {
  std::vector<Message> out;
  const auto deadline = Clock::now() + timeout;
  while (out.size() < count && Clock::now() < deadline) {
    for (auto& m : consumer.poll(100ms, count - out.size())) out.push_back(std::move(m));
  }
  return out;
}

void produce_values(const DevBroker& broker, const std::string& topic, int count, int partition = 0) {
  int delivered = 0;
  Producer producer({{"bootstrap.servers", broker.bootstrap()}}, "producer for test",
                    [&](const DeliveryReport& r) { delivered += r.ok() ? 1 : 0; });
  for (int i = 0; i < count; ++i) {
    ASSERT_TRUE(producer.send({.topic = topic, .partition = partition, .value = "v" + std::to_string(i)}, nullptr, 5s));
  }
  ASSERT_TRUE(producer.flush(10s));
  ASSERT_EQ(delivered, count);
}

TEST(Producer, DeliversEachRecordWithItsContextAndExactBytes) {
  DevBroker broker;
  broker.create_topic("t", 1);
  std::vector<DeliveryReport> reports;
  std::vector<std::string> topics;  // a report's topic is valid during the callback only
  Producer producer({{"bootstrap.servers", broker.bootstrap()}}, "producer for test",
                    [&](const DeliveryReport& r) {
                      reports.push_back(r);
                      topics.emplace_back(r.topic);
                    });
  int contexts[3] = {0, 1, 2};
  ASSERT_TRUE(producer.send({.topic = "t", .value = "a"}, &contexts[0], 1s));
  ASSERT_TRUE(producer.send({.topic = "t", .key = "k", .value = ""}, &contexts[1], 1s));
  ASSERT_TRUE(producer.send({.topic = "t",
                             .key = "",
                             .headers = {{"h1", "v"}, {"h2", std::nullopt}},
                             .timestamp = 1234567},
                            &contexts[2], 1s));
  ASSERT_TRUE(producer.flush(10s));
  ASSERT_EQ(reports.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(reports[i].ok()) << reports[i].error;
    EXPECT_EQ(reports[i].context, &contexts[i]);
    EXPECT_EQ(topics[i], "t");
    EXPECT_EQ(reports[i].partition, 0);
    EXPECT_EQ(reports[i].offset, i);
  }
  EXPECT_EQ(producer.in_flight(), 0u);

  RecordingListener listener;
  Consumer consumer(consumer_props(broker, "g-exact"), "consumer for test", listener);
  consumer.subscribe({"t"});
  const auto messages = poll_for(consumer, 3, 30s);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].key, std::nullopt);
  EXPECT_EQ(messages[0].value, std::optional<std::string>("a"));
  EXPECT_EQ(messages[1].key, std::optional<std::string>("k"));
  EXPECT_EQ(messages[1].value, std::optional<std::string>(""));
  EXPECT_EQ(messages[2].key, std::optional<std::string>(""));
  EXPECT_EQ(messages[2].value, std::nullopt);
  ASSERT_EQ(messages[2].headers.size(), 2u);
  EXPECT_EQ(messages[2].headers[0].key, "h1");
  EXPECT_EQ(messages[2].headers[0].value, std::optional<std::string>("v"));
  EXPECT_EQ(messages[2].headers[1].key, "h2");
  EXPECT_EQ(messages[2].headers[1].value, std::nullopt);
  EXPECT_EQ(messages[2].timestamp, 1234567);
  EXPECT_EQ(messages[2].timestamp_type, TimestampType::CreateTime);
}

TEST(Producer, InterleavedTopicsEachGetTheirOwnRecords) {
  // The producer keeps one topic handle per topic: records alternating between topics must not cross over.
  DevBroker broker;
  broker.create_topic("left", 1);
  broker.create_topic("right", 1);
  std::vector<DeliveryReport> reports;
  std::vector<std::string> topics;  // a report's topic is valid during the callback only
  Producer producer({{"bootstrap.servers", broker.bootstrap()}}, "producer for test",
                    [&](const DeliveryReport& r) {
                      reports.push_back(r);
                      topics.emplace_back(r.topic);
                    });
  int contexts[6] = {0, 1, 2, 3, 4, 5};
  for (int i = 0; i < 6; ++i) {
    const std::string topic = i % 2 == 0 ? "left" : "right";
    ASSERT_TRUE(producer.send({.topic = topic, .value = topic + std::to_string(i)}, &contexts[i], 1s));
  }
  ASSERT_TRUE(producer.flush(10s));
  ASSERT_EQ(reports.size(), 6u);
  for (std::size_t n = 0; n < reports.size(); ++n) {
    const DeliveryReport& r = reports[n];
    ASSERT_TRUE(r.ok()) << r.error;
    const int i = *static_cast<int*>(r.context);
    EXPECT_EQ(topics[n], i % 2 == 0 ? "left" : "right");
    EXPECT_EQ(r.offset, i / 2);
  }
  RecordingListener listener;
  Consumer consumer(consumer_props(broker, "g-interleaved"), "consumer for test", listener);
  consumer.subscribe({"right"});
  const auto messages = poll_for(consumer, 3, 30s);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].value, std::optional<std::string>("right1"));
  EXPECT_EQ(messages[2].value, std::optional<std::string>("right5"));
}

TEST(Producer, FullQueueMakesSendWaitThenGiveUpWithoutBuffering) {
  DevBroker broker;
  broker.create_topic("q", 1);
  int delivered = 0;
  // Two messages fit; they sit in librdkafka's queue for the linger time.
  Producer producer({{"bootstrap.servers", broker.bootstrap()},
                     {"queue.buffering.max.messages", "2"},
                     {"linger.ms", "2000"}},
                    "producer for test", [&](const DeliveryReport& r) { delivered += r.ok() ? 1 : 0; });
  ASSERT_TRUE(producer.send({.topic = "q", .value = "1"}, nullptr, 0ms));
  ASSERT_TRUE(producer.send({.topic = "q", .value = "2"}, nullptr, 0ms));
  EXPECT_FALSE(producer.send({.topic = "q", .value = "3"}, nullptr, 0ms));
  EXPECT_EQ(producer.in_flight(), 2u);
  // Waiting serves delivery reports, which makes room.
  EXPECT_TRUE(producer.send({.topic = "q", .value = "3"}, nullptr, 20s));
  EXPECT_GE(delivered, 2);
  ASSERT_TRUE(producer.flush(10s));
  EXPECT_EQ(delivered, 3);
}

TEST(Producer, UnknownPartitionOfAKnownTopicFailsTheSend) {
  DevBroker broker;
  broker.create_topic("one", 1);
  produce_values(broker, "one", 1);
  Producer producer({{"bootstrap.servers", broker.bootstrap()}}, "producer for test", [](const DeliveryReport&) {});
  ASSERT_TRUE(producer.send({.topic = "one", .value = "x"}, nullptr, 1s));
  ASSERT_TRUE(producer.flush(10s));
  try {
    producer.send({.topic = "one", .partition = 5, .value = "x"}, nullptr, 1s);
    FAIL() << "expected KafkaError";
  } catch (const KafkaError& e) {
    EXPECT_EQ(e.code(), RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION);
    EXPECT_STREQ(e.what(), "The producer for test could not send a record to topic one: Local: Unknown partition");
    EXPECT_FALSE(e.retriable());
  }
}

TEST(Producer, UndeliverableRecordIsReportedWithTheError) {
  DevBroker broker;
  broker.create_topic("down", 1);
  std::vector<DeliveryReport> reports;
  Producer producer({{"bootstrap.servers", broker.bootstrap()}, {"message.timeout.ms", "500"}}, "producer for test",
                    [&](const DeliveryReport& r) { reports.push_back(r); });
  rd_kafka_mock_broker_set_down(&broker.mock_cluster(), 1);
  int context = 7;
  ASSERT_TRUE(producer.send({.topic = "down", .value = "x"}, &context, 1s));
  producer.flush(10s);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_FALSE(reports[0].ok());
  EXPECT_EQ(reports[0].context, &context);
  EXPECT_EQ(error_name(reports[0].error_code), "_MSG_TIMED_OUT");
  rd_kafka_mock_broker_set_up(&broker.mock_cluster(), 1);
}

TEST(Consumer, CooperativeGroupCommitSeekPauseResumeAndRevokeOnClose) {
  DevBroker broker;
  broker.create_topic("c", 1);
  produce_values(broker, "c", 10);

  RecordingListener listener;
  {
    Consumer consumer(consumer_props(broker, "g-c"), "consumer for test", listener);
    consumer.subscribe({"c"});
    auto messages = poll_for(consumer, 10, 30s);
    ASSERT_EQ(messages.size(), 10u);
    EXPECT_EQ(messages.front().offset, 0);
    EXPECT_EQ(messages.back().value, std::optional<std::string>("v9"));
    EXPECT_EQ(listener.assigned, (std::set<TopicPartition>{{"c", 0}}));
    EXPECT_EQ(consumer.rebalance_protocol(), "COOPERATIVE");
    EXPECT_EQ(consumer.assignment(), (std::vector<TopicPartition>{{"c", 0}}));

    consumer.commit_sync({{{"c", 0}, 10}});
    EXPECT_EQ(consumer.committed({{"c", 0}}, 10s), (std::map<TopicPartition, std::int64_t>{{{"c", 0}, 10}}));

    consumer.seek({"c", 0}, 5, 10s);
    messages = poll_for(consumer, 1, 10s);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].offset, 5);

    consumer.pause({{"c", 0}});
    // Paused: nothing comes even though offsets 6..9 are there.
    EXPECT_TRUE(poll_for(consumer, 1, 500ms).empty());
    consumer.resume({{"c", 0}});
    messages = poll_for(consumer, 4, 10s);
    ASSERT_EQ(messages.size(), 4u);
    EXPECT_EQ(messages[0].offset, 6);
    consumer.close();
    EXPECT_EQ(listener.revoked, (std::set<TopicPartition>{{"c", 0}}));
  }
  // A new member of the group resumes from the committed offset.
  RecordingListener second_listener;
  Consumer second(consumer_props(broker, "g-c"), "second consumer", second_listener);
  second.subscribe({"c"});
  produce_values(broker, "c", 1);
  const auto after = poll_for(second, 1, 30s);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].offset, 10);
}

TEST(Consumer, RegexSubscriptionMatchesWholeTopicNames) {
  DevBroker broker;
  broker.create_topic("rx-a", 1);
  broker.create_topic("rx-b", 1);
  broker.create_topic("xrx-c", 1);
  produce_values(broker, "rx-a", 1);
  produce_values(broker, "rx-b", 1);
  produce_values(broker, "xrx-c", 1);
  RecordingListener listener;
  Consumer consumer(consumer_props(broker, "g-rx"), "consumer for test", listener);
  consumer.subscribe_regex("rx-.*");
  const auto messages = poll_for(consumer, 2, 30s);
  std::set<std::string> topics;
  for (const auto& m : messages) topics.insert(m.topic);
  EXPECT_EQ(topics, (std::set<std::string>{"rx-a", "rx-b"}));
  EXPECT_TRUE(poll_for(consumer, 1, 500ms).empty());
}

TEST(Consumer, WakeupFromAnotherThreadEndsAPollThatWaitsForMessages) {
  DevBroker broker;
  broker.create_topic("quiet", 1);
  RecordingListener listener;
  Consumer consumer(consumer_props(broker, "g-wake"), "consumer for test", listener);
  consumer.subscribe({"quiet"});
  // Nothing will arrive: without wakeup() this poll waits its whole minute. The wake is repeated because it
  // may come before the poll waits (librdkafka keeps it for the next poll then, as Kafka does).
  auto poll = std::async(std::launch::async, [&] { return consumer.poll(60s, 10).size(); });
  const auto deadline = Clock::now() + 15s;
  while (poll.wait_for(10ms) != std::future_status::ready && Clock::now() < deadline) consumer.wakeup();
  ASSERT_EQ(poll.wait_for(0s), std::future_status::ready) << "poll() did not return after wakeup()";
  EXPECT_EQ(poll.get(), 0u);
  // The consumer stays usable: a message produced now is polled as usual.
  produce_values(broker, "quiet", 1);
  EXPECT_EQ(poll_for(consumer, 1, 20s).size(), 1u);
}

}  // namespace
}  // namespace sluice::kafka
