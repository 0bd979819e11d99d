#include "core/kafka/admin.hpp"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>

#include "core/kafka/dev_broker.hpp"

namespace sluice::kafka {
namespace {

using namespace std::chrono_literals;

TEST(Admin, RecognisesTheDevBrokerAndCountsPartitions) {
  DevBroker broker;
  broker.create_topic("p3", 3);
  Admin admin({{"bootstrap.servers", broker.bootstrap()}}, "admin for test");
  EXPECT_TRUE(admin.cluster_id(10s).starts_with("mockCluster"));
  EXPECT_TRUE(admin.is_dev_broker(10s));
  const auto counts = admin.partition_counts(10s);
  EXPECT_EQ(counts.at("p3"), 3);
  EXPECT_EQ(counts.at("connect-offsets"), 25);
}

TEST(Admin, AltersAndListsGroupOffsets) {
  DevBroker broker;
  broker.create_topic("o", 2);
  Admin admin({{"bootstrap.servers", broker.bootstrap()}}, "admin for test");
  admin.alter_group_offsets("connect-x", {{{"o", 0}, 4}, {{"o", 1}, 9}}, 10s);
  EXPECT_EQ(admin.list_group_offsets("connect-x", std::vector<TopicPartition>{{"o", 0}, {"o", 1}}, 10s),
            (std::map<TopicPartition, std::int64_t>{{{"o", 0}, 4}, {{"o", 1}, 9}}));
  // Partitions without a committed offset are left out, as Kafka's Admin does.
  EXPECT_TRUE(admin.list_group_offsets("connect-none", std::vector<TopicPartition>{{"o", 0}}, 10s).empty());
}

TEST(Admin, DeletingGroupsOrOffsetsIsRefusedOnTheDevBrokerWithoutSendingTheRequest) {
  DevBroker broker;
  Admin admin({{"bootstrap.servers", broker.bootstrap()}}, "admin for test");
  try {
    admin.delete_group("connect-x", 10s);
    FAIL() << "expected KafkaError";
  } catch (const KafkaError& e) {
    EXPECT_EQ(e.code(), RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE);
    EXPECT_STREQ(e.what(),
                 "The admin for test could not delete consumer group connect-x: the dev broker has no DeleteGroups API");
  }
  try {
    admin.delete_group_offsets("connect-x", {{"o", 0}}, 10s);
    FAIL() << "expected KafkaError";
  } catch (const KafkaError& e) {
    EXPECT_EQ(e.code(), RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE);
  }
}

TEST(Admin, ReadsOneTopicsPartitionCount) {
  DevBroker broker;
  broker.create_topic("p3", 3);
  Admin admin({{"bootstrap.servers", broker.bootstrap()}}, "admin for test");
  EXPECT_EQ(admin.partition_count("p3", 10s), 3);
  EXPECT_EQ(admin.partition_count(DevBroker::kConfigTopic, 10s), 1);
  // The dev broker creates a topic on the first metadata request that names it (4 partitions), as Kafka does
  // with auto.create.topics.enable=true; the all-topics request never does.
  EXPECT_EQ(admin.partition_counts(10s).count("fresh"), 0u);
  EXPECT_EQ(admin.partition_count("fresh", 10s), DevBroker::kAutoCreatedTopicPartitions);
}

TEST(Admin, CreatingTopicsIsRefusedOnTheDevBrokerWithoutSendingTheRequest) {
  DevBroker broker;
  Admin admin({{"bootstrap.servers", broker.bootstrap()}}, "admin for test");
  try {
    admin.create_topic({.name = "t", .partitions = 1, .replication_factor = 1, .configs = {{"cleanup.policy", "compact"}}},
                       10s);
    FAIL() << "expected KafkaError";
  } catch (const KafkaError& e) {
    EXPECT_EQ(e.code(), RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE);
    EXPECT_STREQ(e.what(), "The admin for test could not create topic t: the dev broker has no CreateTopics API");
  }
}

TEST(Admin, ReadsWatermarks) {
  DevBroker broker;
  broker.create_topic("w", 1);
  Producer producer({{"bootstrap.servers", broker.bootstrap()}}, "producer for test", [](const DeliveryReport&) {});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(producer.send({.topic = "w", .value = "x"}, nullptr, 1s));
  ASSERT_TRUE(producer.flush(10s));
  Admin admin({{"bootstrap.servers", broker.bootstrap()}}, "admin for test");
  EXPECT_EQ(admin.watermarks({"w", 0}, 10s), (std::pair<std::int64_t, std::int64_t>{0, 3}));
}

}  // namespace
}  // namespace sluice::kafka
