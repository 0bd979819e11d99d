#include "core/worker/client_overrides.hpp"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include "core/common/errors.hpp"

namespace sluice::worker {
namespace {

WorkerConfig worker(StringMap extra = {}) {
  StringMap props = {{"key.converter", "JsonConverter"},
                     {"value.converter", "JsonConverter"},
                     {"offset.storage.file.filename", "/tmp/o"}};
  for (auto& [k, v] : extra) props[k] = v;
  return WorkerConfig(props, WorkerMode::Standalone);
}

TEST(OverridePolicy, AcceptsNamesAndKafkaClassNames) {
  EXPECT_EQ(parse_override_policy("All"), OverridePolicy::All);
  EXPECT_EQ(parse_override_policy("None"), OverridePolicy::None);
  EXPECT_EQ(parse_override_policy("Principal"), OverridePolicy::Principal);
  EXPECT_EQ(parse_override_policy("org.apache.kafka.connect.connector.policy.NoneConnectorClientConfigOverridePolicy"),
            OverridePolicy::None);
  EXPECT_EQ(parse_override_policy("PrincipalConnectorClientConfigOverridePolicy"), OverridePolicy::Principal);
  try {
    parse_override_policy("Some");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "Invalid value Some for configuration connector.client.config.override.policy: expected All, None or "
                 "Principal (or Kafka's class name of one of these policies, e.g. "
                 "org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy)");
  }
}

TEST(OverridePolicy, ReportsRefusedKeysWithKafkasMessage) {
  const StringMap connector = {{"producer.override.acks", "1"},
                               {"consumer.override.security.protocol", "SSL"},
                               {"admin.override.sasl.mechanism", "PLAIN"},
                               {"tasks.max", "1"}};
  EXPECT_TRUE(check_client_overrides(OverridePolicy::All, connector).empty());
  const auto none = check_client_overrides(OverridePolicy::None, connector);
  ASSERT_EQ(none.size(), 3u);
  EXPECT_EQ(none[0].key, "producer.override.acks");
  EXPECT_EQ(none[0].message,
            "The 'None' policy does not allow 'acks' to be overridden in the connector configuration.");
  const auto principal = check_client_overrides(OverridePolicy::Principal, connector);
  ASSERT_EQ(principal.size(), 1u);
  EXPECT_EQ(principal[0].key, "producer.override.acks");
  EXPECT_EQ(principal[0].message,
            "The 'Principal' policy does not allow 'acks' to be overridden in the connector configuration.");
}

TEST(ClientProperties, ProducerLayersDefaultsWorkerKeysAndOverrides) {
  const auto w = worker({{"producer.linger.ms", "5"}, {"producer.acks", "1"}, {"consumer.fetch.min.bytes", "9"}});
  const auto props = producer_properties(w, "b:9092", OverridePolicy::All,
                                         {{"producer.override.linger.ms", "7"}}, "connector-producer-s-0");
  EXPECT_EQ(props.at("bootstrap.servers"), "b:9092");
  EXPECT_EQ(props.at("client.id"), "connector-producer-s-0");
  EXPECT_EQ(props.at("enable.idempotence"), "true");
  EXPECT_EQ(props.at("delivery.timeout.ms"), "2147483647");
  EXPECT_EQ(props.at("acks"), "1");
  EXPECT_EQ(props.at("linger.ms"), "7");
  EXPECT_FALSE(props.contains("fetch.min.bytes"));
}

TEST(ClientProperties, ConsumerDefaultsAsKafkaConnect) {
  const auto w = worker({{"consumer.max.poll.records", "10"}});
  const auto props = consumer_properties(w, "b:9092", OverridePolicy::All, "my-sink",
                                         {{"consumer.override.auto.offset.reset", "latest"}}, "connector-consumer-my-sink-0");
  EXPECT_EQ(props.at("group.id"), "connect-my-sink");
  EXPECT_EQ(props.at("enable.auto.commit"), "false");
  EXPECT_EQ(props.at("auto.offset.reset"), "latest");
  // librdkafka #4312: before 2.3.0 a cooperative-sticky consumer closed before its first assignment aborts.
  EXPECT_EQ(props.at("partition.assignment.strategy"),
            rd_kafka_version() >= 0x020300ff ? "cooperative-sticky" : "range");
  EXPECT_EQ(props.at("max.poll.records"), "10");
  EXPECT_EQ(props.at("queued.min.messages"), "1000000");
}

TEST(ClientProperties, AssignmentStrategyCanBeChosen) {
  const auto w = worker({{"consumer.partition.assignment.strategy", "roundrobin"}});
  EXPECT_EQ(
      consumer_properties(w, "b:9092", OverridePolicy::All, "s", {}, "c").at("partition.assignment.strategy"),
      "roundrobin");
  const auto o =
      consumer_properties(worker(), "b:9092", OverridePolicy::All, "s",
                          {{"consumer.override.partition.assignment.strategy", "cooperative-sticky"}}, "c");
  EXPECT_EQ(o.at("partition.assignment.strategy"), "cooperative-sticky");
}

TEST(ClientProperties, RefusedOverridesFailWithKafkasMessages) {
  try {
    producer_properties(worker(), "b:9092", OverridePolicy::None, {{"producer.override.acks", "1"}}, "p");
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(e.what(), "Client Config Overrides not allowed: The 'None' policy does not allow 'acks' to be "
                           "overridden in the connector configuration.");
  }
}

TEST(ClientProperties, AdminGetsSecuritySettingsOnly) {
  const auto w = worker({{"security.protocol", "SSL"}, {"ssl.ca.location", "/ca"}, {"admin.request.timeout.ms", "9"}});
  const auto props = admin_properties(w, "b:9092", OverridePolicy::All, {}, "admin");
  EXPECT_EQ(props.at("security.protocol"), "SSL");
  EXPECT_EQ(props.at("ssl.ca.location"), "/ca");
  EXPECT_EQ(props.at("request.timeout.ms"), "9");
  EXPECT_FALSE(props.contains("key.converter"));
}

TEST(SinkGroupId, OverrideThenWorkerThenDefault) {
  EXPECT_EQ(sink_group_id(worker(), "s", {}), "connect-s");
  EXPECT_EQ(sink_group_id(worker({{"consumer.group.id", "w"}}), "s", {}), "w");
  EXPECT_EQ(sink_group_id(worker({{"consumer.group.id", "w"}}), "s", {{"consumer.override.group.id", "c"}}), "c");
}

}  // namespace
}  // namespace sluice::worker
