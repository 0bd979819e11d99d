#include "core/kafka/client_config.hpp"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <string>

#include "core/common/errors.hpp"

namespace sluice::kafka {
namespace {

std::string get(rd_kafka_conf_t& conf, const char* key) {
  char value[512];
  size_t size = sizeof value;
  if (rd_kafka_conf_get(&conf, key, value, &size) != RD_KAFKA_CONF_OK) return "<unset>";
  return value;
}

TEST(ClientConfig, LibrdkafkaKnownKeysPassThrough) {
  ClientConf c = make_client_conf({{"linger.ms", "7"}, {"client.id", "x"}, {"acks", "all"}}, "producer for test");
  EXPECT_EQ(get(*c.conf, "linger.ms"), "7");
  EXPECT_EQ(get(*c.conf, "client.id"), "x");
  EXPECT_TRUE(c.skipped.empty());
}

TEST(ClientConfig, JavaOnlyKeysAreSkippedAndReported) {
  ClientConf c = make_client_conf(
      {{"max.poll.records", "500"}, {"buffer.memory", "1000"}, {"interceptor.classes", "a.B"}, {"linger.ms", "5"}},
      "consumer for test");
  EXPECT_EQ(c.skipped, (std::vector<std::string>{"buffer.memory", "interceptor.classes", "max.poll.records"}));
  EXPECT_EQ(get(*c.conf, "linger.ms"), "5");
}

TEST(ClientConfig, SerializerClassesAreSkipped) {
  ClientConf c = make_client_conf(
      {{"key.serializer", "org.apache.kafka.common.serialization.StringSerializer"}}, "producer for test");
  EXPECT_EQ(c.skipped, (std::vector<std::string>{"key.serializer"}));
}

TEST(ClientConfig, JavaAssignorClassNamesBecomeLibrdkafkaNames) {
  ClientConf c = make_client_conf(
      {{"partition.assignment.strategy",
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor, org.apache.kafka.clients.consumer.RangeAssignor"}},
      "consumer for test");
  EXPECT_EQ(get(*c.conf, "partition.assignment.strategy"), "cooperative-sticky,range");
  EXPECT_TRUE(c.skipped.empty());
}

TEST(ClientConfig, UnknownAssignorIsSkipped) {
  ClientConf c = make_client_conf({{"partition.assignment.strategy", "com.example.MyAssignor"}}, "consumer for test");
  EXPECT_EQ(c.skipped, (std::vector<std::string>{"partition.assignment.strategy"}));
}

TEST(ClientConfig, PlainJaasConfigBecomesSaslUsernameAndPassword) {
  ClientConf c = make_client_conf(
      {{"sasl.jaas.config",
        R"(org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="al\"ice-secret";)"}},
      "producer for test");
  EXPECT_EQ(get(*c.conf, "sasl.username"), "alice");
  EXPECT_EQ(get(*c.conf, "sasl.password"), "al\"ice-secret");
  EXPECT_TRUE(c.skipped.empty());
}

TEST(ClientConfig, OtherLoginModulesAreSkipped) {
  ClientConf c = make_client_conf(
      {{"sasl.jaas.config", "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;"}},
      "producer for test");
  EXPECT_EQ(c.skipped, (std::vector<std::string>{"sasl.jaas.config"}));
}

TEST(ClientConfig, AutoOffsetResetNoneIsLibrdkafkasError) {
  ClientConf c = make_client_conf({{"auto.offset.reset", "none"}}, "consumer for test");
  EXPECT_EQ(get(*c.conf, "auto.offset.reset"), "error");
}

TEST(ClientConfig, BadValueForAKnownKeyIsAnErrorNamingKeyValueAndClient) {
  try {
    make_client_conf({{"linger.ms", "soon"}}, "producer for task s-0");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "Invalid value soon for Kafka client property linger.ms of the producer for task s-0: Invalid value "
                 "for configuration property \"queue.buffering.max.ms\"");
  }
}

TEST(ClientConfig, SecretKeysAreRecognised) {
  EXPECT_TRUE(is_secret_property("sasl.jaas.config"));
  EXPECT_TRUE(is_secret_property("ssl.keystore.password"));
  EXPECT_TRUE(is_secret_property("sasl.password"));
  EXPECT_FALSE(is_secret_property("linger.ms"));
}

}  // namespace
}  // namespace sluice::kafka
