#include "core/storage/kafka_store_config.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "core/common/errors.hpp"
#include "core/storage/config_store.hpp"

namespace sluice::storage {
namespace {

using Worker = std::map<std::string, std::string>;

Worker minimal() {
  return {{"bootstrap.servers", "k1:9092,k2:9092"},
          {"group.id", "connect-cluster"},
          {"config.storage.topic", "connect-configs"},
          {"offset.storage.topic", "connect-offsets"},
          {"status.storage.topic", "connect-status"}};
}

std::string config_error(const Worker& worker) {
  try {
    kafka_store_options(worker, "w:8083");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(KafkaStoreOptions, KafkasDefaultsTopicsAndClientIds) {
  const KafkaStoreOptions o = kafka_store_options(minimal(), "10.0.0.1:8083");
  EXPECT_EQ(o.worker_id, "10.0.0.1:8083");
  EXPECT_EQ(o.client_id_base, "connect-cluster-");
  EXPECT_EQ(o.group_id, "connect-cluster");
  EXPECT_EQ(o.config_topic.topic, "connect-configs");
  EXPECT_EQ(o.config_topic.partitions, 1);
  EXPECT_EQ(o.config_topic.replication_factor, 3);
  EXPECT_TRUE(o.config_topic.require_single_partition);
  EXPECT_EQ(o.config_topic.config_key, "config.storage.topic");
  EXPECT_EQ(o.offset_topic.partitions, 25);
  EXPECT_EQ(o.offset_topic.replication_factor, 3);
  EXPECT_FALSE(o.offset_topic.require_single_partition);
  EXPECT_EQ(o.status_topic.partitions, 5);
  EXPECT_EQ(o.status_topic.replication_factor, 3);
  EXPECT_EQ(o.timeout, std::chrono::milliseconds(30000));
}

TEST(KafkaStoreOptions, ReadsSizesAndTheUsersClientId) {
  Worker w = minimal();
  w["offset.storage.partitions"] = "-1";
  w["offset.storage.replication.factor"] = "1";
  w["status.storage.partitions"] = " 2 ";
  w["status.storage.replication.factor"] = "-1";
  w["config.storage.replication.factor"] = "2";
  w["client.id"] = "east";
  const KafkaStoreOptions o = kafka_store_options(w, "w:8083");
  EXPECT_EQ(o.offset_topic.partitions, -1);
  EXPECT_EQ(o.offset_topic.replication_factor, 1);
  EXPECT_EQ(o.status_topic.partitions, 2);
  EXPECT_EQ(o.status_topic.replication_factor, -1);
  EXPECT_EQ(o.config_topic.replication_factor, 2);
  EXPECT_EQ(o.client_id_base, "connect-cluster-east-");
}

TEST(KafkaStoreOptions, InternalClientsGetTheConnectionSettingsOnly) {
  Worker w = minimal();
  w["security.protocol"] = "SASL_SSL";
  w["sasl.mechanism"] = "PLAIN";
  w["ssl.ca.location"] = "/etc/ca.pem";
  w["metadata.max.age.ms"] = "1000";
  w["producer.linger.ms"] = "50";
  w["consumer.max.poll.records"] = "10";
  w["key.converter"] = "org.apache.kafka.connect.json.JsonConverter";
  w["listeners"] = "http://:8083";
  const KafkaStoreOptions o = kafka_store_options(w, "w:8083");
  EXPECT_EQ(o.client, (std::map<std::string, std::string>{{"bootstrap.servers", "k1:9092,k2:9092"},
                                                          {"metadata.max.age.ms", "1000"},
                                                          {"sasl.mechanism", "PLAIN"},
                                                          {"security.protocol", "SASL_SSL"},
                                                          {"ssl.ca.location", "/etc/ca.pem"}}));
}

TEST(KafkaStoreOptions, KafkasMessagesForMissingOrInvalidSettings) {
  for (const char* key :
       {"group.id", "config.storage.topic", "offset.storage.topic", "status.storage.topic"}) {
    Worker w = minimal();
    w.erase(key);
    EXPECT_EQ(config_error(w),
              std::string("Missing required configuration \"") + key + "\" which has no default value.");
  }
  Worker w = minimal();
  w["config.storage.topic"] = " ";
  EXPECT_EQ(config_error(w), "Must specify topic for connector configuration.");
  w = minimal();
  w["offset.storage.topic"] = "";
  EXPECT_EQ(config_error(w), "Offset storage topic must be specified");
  w = minimal();
  w["status.storage.topic"] = "";
  EXPECT_EQ(config_error(w), "Must specify topic for connector status.");
  w = minimal();
  w["offset.storage.partitions"] = "0";
  EXPECT_EQ(config_error(w),
            "Invalid value 0 for configuration offset.storage.partitions: Number of partitions must be "
            "positive, or -1 "
            "to use the broker's default");
  w = minimal();
  w["status.storage.replication.factor"] = "-2";
  EXPECT_EQ(
      config_error(w),
      "Invalid value -2 for configuration status.storage.replication.factor: Replication factor must be "
      "positive "
      "and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default");
  w = minimal();
  w["config.storage.replication.factor"] = "40000";
  EXPECT_EQ(
      config_error(w),
      "Invalid value 40000 for configuration config.storage.replication.factor: Not a number of type SHORT");
  w = minimal();
  w["status.storage.partitions"] = "five";
  EXPECT_EQ(config_error(w),
            "Invalid value five for configuration status.storage.partitions: Not a number of type INT");
}

TEST(ClusterConfigState, TargetStateDefaultsToStartedAndTasksFollowTheCommit) {
  ClusterConfigState state;
  EXPECT_EQ(state.target_state("a"), TargetState::Started);
  state.target_states["a"] = TargetState::Stopped;
  EXPECT_EQ(state.target_state("a"), TargetState::Stopped);
  EXPECT_TRUE(state.tasks("a").empty());
  state.task_counts["a"] = 2;
  EXPECT_EQ(state.tasks("a"), (std::vector<ConnectorTaskId>{{"a", 0}, {"a", 1}}));
  state.inconsistent.insert("a");
  EXPECT_TRUE(state.tasks("a").empty());
}

}  // namespace
}  // namespace sluice::storage
