#include "core/kafka/client.hpp"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <string>

#include "core/common/errors.hpp"

namespace sluice::kafka {
namespace {

std::string conf_error(const Properties& properties) {
  try {
    make_conf(properties);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(MakeConf, SetsEveryProperty) {
  ConfHandle conf = make_conf({{"client.id", "abc"}, {"acks", "all"}});
  char value[64];
  size_t size = sizeof value;
  ASSERT_EQ(rd_kafka_conf_get(conf.get(), "client.id", value, &size), RD_KAFKA_CONF_OK);
  EXPECT_STREQ(value, "abc");
}

TEST(MakeConf, UnknownPropertyNamesKeyValueAndLibrdkafkasMessage) {
  EXPECT_EQ(
      conf_error({{"no.such.property", "1"}}),
      "Invalid librdkafka property no.such.property=1: No such configuration property: \"no.such.property\"");
}

TEST(MakeConf, BadValueNamesKeyValueAndLibrdkafkasMessage) {
  EXPECT_EQ(
      conf_error({{"queue.buffering.max.ms", "soon"}}),
      "Invalid librdkafka property queue.buffering.max.ms=soon: Invalid value for configuration property "
      "\"queue.buffering.max.ms\"");
}

TEST(MakeConf, SecretValuesAreHidden) {
  EXPECT_EQ(
      conf_error({{"my.password", "s3cret"}}),
      "Invalid librdkafka property my.password=[hidden]: No such configuration property: \"my.password\"");
}

TEST(MakeClient, RejectedCombinationIsAConfigError) {
  try {
    make_client(ClientType::Producer, {{"enable.idempotence", "true"}, {"acks", "1"}});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "Invalid librdkafka configuration for a producer: `acks` must be set to `all` when "
                 "`enable.idempotence` is true");
  }
}

TEST(TopicNameError, AcceptsKafkaLegalNames) {
  EXPECT_EQ(topic_name_error("orders.v1_A-2"), std::nullopt);
  EXPECT_EQ(topic_name_error(std::string(249, 'a')), std::nullopt);
}

TEST(TopicNameError, UsesKafkasMessages) {
  EXPECT_EQ(topic_name_error(""), "Topic name is invalid: the empty string is not allowed");
  EXPECT_EQ(topic_name_error("."), "Topic name is invalid: '.' is not allowed");
  EXPECT_EQ(topic_name_error(".."), "Topic name is invalid: '..' is not allowed");
  EXPECT_EQ(
      topic_name_error("a b"),
      "Topic name is invalid: 'a b' contains one or more characters other than ASCII alphanumerics, '.', '_' "
      "and '-'");
  const std::string long_name(250, 'x');
  EXPECT_EQ(topic_name_error(long_name), "Topic name is invalid: the length of '" + long_name +
                                             "' is longer than the max allowed length 249");
}

}  // namespace
}  // namespace sluice::kafka
