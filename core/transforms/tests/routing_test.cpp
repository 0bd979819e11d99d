// RegexRouter, TimestampRouter and Filter.

#include "core/transforms/transforms.hpp"

#include "test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::transforms {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test builders

std::string route(const std::string& regex, const std::string& replacement, const std::string& topic) {
  auto t = make_regex_router();
  t->configure(cfg({{"regex", regex}, {"replacement", replacement}}));
  auto r = value_record(nullptr, Value(), topic);
  EXPECT_TRUE(t->apply(r));
  return r.topic;
}

TEST(RegexRouterTest, RewritesMatchingTopics) {
  EXPECT_EQ(route("foo", "bar", "foo"), "bar");
  EXPECT_EQ(route("foo", "bar", "sometopic"), "sometopic");
  EXPECT_EQ(route("foo", "bar", "foobar"), "foobar");  // the whole topic must match
  EXPECT_EQ(route("(.*)", "$1", "orig"), "orig");
  EXPECT_EQ(route("(.*)", "prefix-$1", "orig"), "prefix-orig");
  EXPECT_EQ(route("(.*)", "$1-suffix", "orig"), "orig-suffix");
  EXPECT_EQ(route("(.*)-(\\d\\d\\d\\d\\d\\d\\d\\d)", "$1", "index-20160117"), "index");
  EXPECT_EQ(route("(.*)", "\\$1-$1", "orig"), "$1-orig");
  // $12 with only one group reads as group 1 followed by "2", as Java does.
  EXPECT_EQ(route("(.*)", "$12", "orig"), "orig2");
}

TEST(RegexRouterTest, InvalidReplacementsAndConfigs) {
  auto t = make_regex_router();
  t->configure(cfg({{"regex", "(.*)"}, {"replacement", "$2"}}));
  auto r = value_record(nullptr, Value(), "orig");
  expect_error<ConnectError>([&] { t->apply(r); }, "No group 2");

  auto trailing = make_regex_router();
  trailing->configure(cfg({{"regex", "(.*)"}, {"replacement", "x\\"}}));
  expect_error<ConnectError>([&] { trailing->apply(r); }, "character to be escaped is missing");

  try {
    make_regex_router()->configure(cfg({{"regex", "("}, {"replacement", "x"}}));
    ADD_FAILURE() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), ::testing::StartsWith("Invalid value ( for configuration regex: Invalid regex: "));
  }
  expect_error<ConfigError>(
      [] {
        make_regex_router()->configure(cfg({{"regex", "x"}}));
      },
      "Missing required configuration \"replacement\" which has no default value.");
}

TEST(TimestampRouterTest, DefaultAndCustomFormats) {
  auto t = make_timestamp_router();
  t->configure({});
  auto r = value_record(nullptr, Value(), "test");
  r.timestamp = 1483425001864;
  ASSERT_TRUE(t->apply(r));
  EXPECT_EQ(r.topic, "test-20170103");

  auto custom = make_timestamp_router();
  custom->configure(
      cfg({{"topic.format", "${timestamp}/${topic}/${topic}"}, {"timestamp.format", "yyyy-MM-dd'T'HH"}}));
  auto c = value_record(nullptr, Value(), "orders");
  c.timestamp = 1483425001864;
  ASSERT_TRUE(custom->apply(c));
  EXPECT_EQ(c.topic, "2017-01-03T06/orders/orders");

  // As in Kafka, ${timestamp} is replaced after the topic went in, so a topic holding it is affected too.
  auto literal = value_record(nullptr, Value(), "${timestamp}");
  literal.timestamp = 0;
  ASSERT_TRUE(t->apply(literal));
  EXPECT_EQ(literal.topic, "19700101-19700101");
}

TEST(TimestampRouterTest, Errors) {
  auto t = make_timestamp_router();
  t->configure({});
  auto r = value_record(nullptr, Value(), "test");
  expect_error<DataError>(
      [&] { t->apply(r); },
      "Timestamp missing on record: ConnectRecord{topic='test', kafkaPartition=0, timestamp=null}");
  expect_error<ConfigError>(
      [] {
        make_timestamp_router()->configure(cfg({{"timestamp.format", "yyyyqq"}}));
      },
      "Invalid value yyyyqq for configuration timestamp.format: Illegal pattern character 'q'");
}

TEST(FilterTest, DropsEveryRecord) {
  auto t = make_filter();
  t->configure({});
  auto r = value_record(nullptr, Value::string("x"));
  EXPECT_FALSE(t->apply(r));
  EXPECT_TRUE(t->config_def().keys().empty());
}

}  // namespace
}  // namespace sluice::transforms
