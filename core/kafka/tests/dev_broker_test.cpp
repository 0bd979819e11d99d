#include "core/kafka/dev_broker.hpp"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include "core/common/errors.hpp"
#include "core/kafka/client.hpp"

namespace sluice::kafka {
namespace {

using namespace std::chrono_literals;

KafkaHandle producer_for(const DevBroker& broker) {
  return make_client(ClientType::Producer, {{"bootstrap.servers", broker.bootstrap()}});
}

std::map<std::string, int> partition_counts(const DevBroker& broker) {
  KafkaHandle producer = producer_for(broker);
  return fetch_partition_counts(*producer, 10s);
}

TEST(DevBroker, BootstrapListsEveryBrokerOnLoopback) {
  DevBroker broker(3);
  EXPECT_EQ(broker.broker_count(), 3);
  EXPECT_TRUE(std::regex_match(broker.bootstrap(),
                               std::regex(R"(127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+)")))
      << broker.bootstrap();
}

TEST(DevBroker, CreatesKafkaConnectInternalTopicsWithDefaultPartitionCounts) {
  DevBroker broker;
  const auto counts = partition_counts(broker);
  EXPECT_EQ(counts.at("connect-configs"), 1);
  EXPECT_EQ(counts.at("connect-offsets"), 25);
  EXPECT_EQ(counts.at("connect-status"), 5);
  EXPECT_EQ(counts.size(), 3u);
}

TEST(DevBroker, CreateTopicUsesTheGivenPartitionCount) {
  DevBroker broker(2);
  broker.create_topic("orders", 3);
  broker.create_topic("single", 1);
  const auto counts = partition_counts(broker);
  EXPECT_EQ(counts.at("orders"), 3);
  EXPECT_EQ(counts.at("single"), 1);
}

TEST(DevBroker, RejectsExistingTopicsWithKafkasMessage) {
  DevBroker broker;
  broker.create_topic("orders", 3);
  try {
    broker.create_topic("orders", 2);
    FAIL() << "expected AlreadyExistsError";
  } catch (const AlreadyExistsError& e) {
    EXPECT_STREQ(e.what(), "Topic 'orders' already exists.");
  }
  EXPECT_THROW(broker.create_topic("connect-offsets", 25), AlreadyExistsError);
}

TEST(DevBroker, RejectsInvalidTopicsWithKafkasMessages) {
  DevBroker broker;
  try {
    broker.create_topic("bad/name", 1);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "Topic name is invalid: 'bad/name' contains one or more characters other than ASCII "
                 "alphanumerics, '.', '_' and '-'");
  }
  try {
    broker.create_topic("zero", 0);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "Number of partitions must be larger than 0.");
  }
}

TEST(DevBroker, RejectsLessThanOneBroker) {
  try {
    DevBroker broker(0);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "A dev broker needs at least 1 broker, got 0");
  }
}

// Delivery reports land here through the producer's opaque.
struct Deliveries {
  int delivered = 0;
  std::vector<std::string> errors;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* deliveries = static_cast<Deliveries*>(opaque);
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    deliveries->errors.push_back(rd_kafka_err2str(message->err));
  } else {
    ++deliveries->delivered;
  }
}

KafkaHandle reporting_producer(const DevBroker& broker, Deliveries& deliveries) {
  ConfHandle conf = make_conf({{"bootstrap.servers", broker.bootstrap()}, {"enable.idempotence", "true"}});
  rd_kafka_conf_set_opaque(conf.get(), &deliveries);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &on_delivery);
  return make_client(ClientType::Producer, std::move(conf));
}

TEST(DevBroker, AutoCreatesUnknownTopicsWithFourPartitionsOnProduce) {
  DevBroker broker;
  Deliveries deliveries;
  KafkaHandle producer = reporting_producer(broker, deliveries);
  const std::string value = "v";
  ASSERT_EQ(rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC("fresh"),
                              RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(rd_kafka_flush(producer.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(deliveries.delivered, 1) << (deliveries.errors.empty() ? "" : deliveries.errors.front());
  EXPECT_EQ(partition_counts(broker).at("fresh"), DevBroker::kAutoCreatedTopicPartitions);
}

TEST(DevBroker, ProducedMessageComesBackWithKeyHeadersAndTimestamp) {
  DevBroker broker;
  broker.create_topic("events", 1);

  Deliveries deliveries;
  KafkaHandle producer = reporting_producer(broker, deliveries);
  HeadersHandle headers{rd_kafka_headers_new(2)};
  rd_kafka_header_add(headers.get(), "trace", -1, "abc", -1);
  rd_kafka_header_add(headers.get(), "empty", -1, nullptr, 0);
  const std::string key = "k1";
  const std::string value = "hello, dev broker";
  const int64_t timestamp_ms = 1700000000123;
  ASSERT_EQ(rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC("events"), RD_KAFKA_V_PARTITION(0),
                              RD_KAFKA_V_KEY(key.data(), key.size()),
                              RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_TIMESTAMP(timestamp_ms),
                              RD_KAFKA_V_HEADERS(headers.get()), RD_KAFKA_V_END),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  (void)headers.release();  // librdkafka owns the headers once producev succeeded
  ASSERT_EQ(rd_kafka_flush(producer.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(deliveries.delivered, 1) << (deliveries.errors.empty() ? "" : deliveries.errors.front());

  KafkaHandle consumer = make_client(ClientType::Consumer, {{"bootstrap.servers", broker.bootstrap()},
                                                            {"group.id", "dev-broker-test"},
                                                            {"enable.auto.commit", "false"}});
  PartitionListHandle assignment{rd_kafka_topic_partition_list_new(1)};
  rd_kafka_topic_partition_list_add(assignment.get(), "events", 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  ASSERT_EQ(rd_kafka_assign(consumer.get(), assignment.get()), RD_KAFKA_RESP_ERR_NO_ERROR);

  MessageHandle message;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (!message && std::chrono::steady_clock::now() < deadline) {
    MessageHandle polled{rd_kafka_consumer_poll(consumer.get(), 200)};
    if (!polled) continue;
    ASSERT_EQ(polled->err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_message_errstr(polled.get());
    message = std::move(polled);
  }
  ASSERT_TRUE(message) << "no message consumed from events[0] within 15 s";

  EXPECT_EQ(std::string(static_cast<const char*>(message->key), message->key_len), key);
  EXPECT_EQ(std::string(static_cast<const char*>(message->payload), message->len), value);
  EXPECT_EQ(message->offset, 0);
  rd_kafka_timestamp_type_t type;
  EXPECT_EQ(rd_kafka_message_timestamp(message.get(), &type), timestamp_ms);
  EXPECT_EQ(type, RD_KAFKA_TIMESTAMP_CREATE_TIME);

  rd_kafka_headers_t* received = nullptr;  // owned by the message
  ASSERT_EQ(rd_kafka_message_headers(message.get(), &received), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(rd_kafka_header_cnt(received), 2u);
  const char* name = nullptr;
  const void* header_value = nullptr;
  size_t size = 0;
  ASSERT_EQ(rd_kafka_header_get_all(received, 0, &name, &header_value, &size), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_STREQ(name, "trace");
  EXPECT_EQ(std::string(static_cast<const char*>(header_value), size), "abc");
  ASSERT_EQ(rd_kafka_header_get_all(received, 1, &name, &header_value, &size), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_STREQ(name, "empty");
  EXPECT_EQ(header_value, nullptr);
  EXPECT_EQ(size, 0u);

  rd_kafka_consumer_close(consumer.get());
}

}  // namespace
}  // namespace sluice::kafka
