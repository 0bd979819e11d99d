#include "core/worker/worker_config.hpp"

#include <gtest/gtest.h>

#include "core/common/errors.hpp"

namespace sluice::worker {
namespace {

using namespace std::chrono_literals;

StringMap standalone_props() {
  return {{"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
          {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
          {"offset.storage.file.filename", "/tmp/connect.offsets"}};
}

std::string config_error(const StringMap& props, WorkerMode mode) {
  try {
    WorkerConfig config(props, mode);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(WorkerConfig, KafkaDefaults) {
  WorkerConfig config(standalone_props(), WorkerMode::Standalone);
  EXPECT_EQ(config.offset_flush_interval(), 60000ms);
  EXPECT_EQ(config.offset_flush_timeout(), 5000ms);
  EXPECT_EQ(config.task_shutdown_graceful_timeout(), 5000ms);
  EXPECT_TRUE(config.topic_tracking_enabled());
  EXPECT_TRUE(config.topic_tracking_reset_allowed());
  EXPECT_EQ(config.client_config_override_policy(), "All");
  EXPECT_EQ(config.config().get_string("header.converter"), "org.apache.kafka.connect.storage.SimpleHeaderConverter");
  EXPECT_EQ(config.config().get_list("listeners"), (std::vector<std::string>{"http://:8083"}));
  EXPECT_EQ(config.config().get_optional_string("rest.advertised.host.name"), std::nullopt);
  EXPECT_EQ(config.offset_storage_file(), std::optional<std::string>("/tmp/connect.offsets"));
  EXPECT_EQ(config.group_id(), std::nullopt);
}

TEST(WorkerConfig, AbsentBootstrapServersMeansTheEmbeddedDevBroker) {
  WorkerConfig absent(standalone_props(), WorkerMode::Standalone);
  EXPECT_EQ(absent.bootstrap_servers(), std::nullopt);
  auto props = standalone_props();
  props["bootstrap.servers"] = "a:9092, b:9093";
  WorkerConfig set(props, WorkerMode::Standalone);
  EXPECT_EQ(set.bootstrap_servers(), std::optional<std::string>("a:9092,b:9093"));
}

TEST(WorkerConfig, ConvertersAreRequiredAsInKafka) {
  auto props = standalone_props();
  props.erase("value.converter");
  EXPECT_EQ(config_error(props, WorkerMode::Standalone),
            "Missing required configuration \"value.converter\" which has no default value.");
}

TEST(WorkerConfig, StandaloneRequiresTheOffsetsFile) {
  auto props = standalone_props();
  props.erase("offset.storage.file.filename");
  EXPECT_EQ(config_error(props, WorkerMode::Standalone),
            "Missing required configuration \"offset.storage.file.filename\" which has no default value.");
}

TEST(WorkerConfig, DistributedRequiresGroupAndInternalTopics) {
  StringMap props = {{"key.converter", "JsonConverter"}, {"value.converter", "JsonConverter"}};
  EXPECT_EQ(config_error(props, WorkerMode::Distributed),
            "Missing required configuration \"group.id\" which has no default value.");
  props["group.id"] = "connect-cluster";
  props["offset.storage.topic"] = "connect-offsets";
  props["config.storage.topic"] = "connect-configs";
  props["status.storage.topic"] = "connect-status";
  WorkerConfig config(props, WorkerMode::Distributed);
  EXPECT_EQ(config.group_id(), std::optional<std::string>("connect-cluster"));
  EXPECT_EQ(config.config().get_int("session.timeout.ms"), 10000);
  EXPECT_EQ(config.config().get_int("heartbeat.interval.ms"), 3000);
  EXPECT_EQ(config.config().get_int("rebalance.timeout.ms"), 60000);
  EXPECT_EQ(config.config().get_int("scheduled.rebalance.max.delay.ms"), 300000);
  EXPECT_EQ(config.config().get_int("offset.storage.partitions"), 25);
  EXPECT_EQ(config.config().get_int("status.storage.partitions"), 5);
  EXPECT_EQ(config.config().get_int("config.storage.replication.factor"), 3);
  EXPECT_EQ(config.config().get_string("connect.protocol"), "sessioned");
  EXPECT_EQ(config.offset_storage_file(), std::nullopt);
}

TEST(WorkerConfig, KafkaValidationMessages) {
  auto props = standalone_props();
  props["listeners"] = "";
  EXPECT_EQ(config_error(props, WorkerMode::Standalone),
            "Invalid value for listeners, at least one URL is expected, ex: http://localhost:8080,https://localhost:8443.");
  props = standalone_props();
  props["offset.flush.interval.ms"] = "soon";
  EXPECT_EQ(config_error(props, WorkerMode::Standalone),
            "Invalid value soon for configuration offset.flush.interval.ms: Not a number of type LONG");
  StringMap dist = {{"key.converter", "J"},          {"value.converter", "J"},
                    {"group.id", "g"},               {"offset.storage.topic", "o"},
                    {"config.storage.topic", "c"},   {"status.storage.topic", "s"},
                    {"offset.storage.partitions", "0"}};
  EXPECT_EQ(config_error(dist, WorkerMode::Distributed),
            "Invalid value 0 for configuration offset.storage.partitions: Number of partitions must be positive, or -1 "
            "to use the broker's default");
  dist["offset.storage.partitions"] = "-1";
  dist["connect.protocol"] = "fancy";
  EXPECT_EQ(config_error(dist, WorkerMode::Distributed),
            "Invalid value fancy for configuration connect.protocol: Invalid Connect protocol compatibility");
}

TEST(WorkerConfig, ClientPrefixesPassThrough) {
  auto props = standalone_props();
  props["producer.linger.ms"] = "5";
  props["consumer.max.poll.records"] = "10";
  props["admin.request.timeout.ms"] = "100";
  props["producer."] = "ignored";
  WorkerConfig config(props, WorkerMode::Standalone);
  EXPECT_EQ(config.originals_with_prefix("producer."), (StringMap{{"linger.ms", "5"}}));
  EXPECT_EQ(config.originals_with_prefix("consumer."), (StringMap{{"max.poll.records", "10"}}));
  EXPECT_EQ(config.originals_with_prefix("admin."), (StringMap{{"request.timeout.ms", "100"}}));
}

TEST(WorkerConfig, ModeDefinitionsDifferOnlyInTheirOwnKeys) {
  const auto& standalone = worker_config_def(WorkerMode::Standalone);
  const auto& distributed = worker_config_def(WorkerMode::Distributed);
  EXPECT_NE(standalone.find("offset.storage.file.filename"), nullptr);
  EXPECT_EQ(distributed.find("offset.storage.file.filename"), nullptr);
  EXPECT_NE(distributed.find("group.id"), nullptr);
  EXPECT_EQ(standalone.find("group.id"), nullptr);
  for (const char* key : {"bootstrap.servers", "key.converter", "plugin.path", "listeners", "rest.advertised.port",
                          "rest.advertised.listener", "connector.client.config.override.policy",
                          "topic.tracking.enable", "config.providers", "client.id"}) {
    EXPECT_NE(standalone.find(key), nullptr) << key;
    EXPECT_NE(distributed.find(key), nullptr) << key;
  }
}

}  // namespace
}  // namespace sluice::worker
