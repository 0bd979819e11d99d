#include "core/transforms/transforms.hpp"

#include "test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::transforms {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test builders

TEST(TopicNameMatchesTest, FullMatchOfTheTopic) {
  auto p = make_topic_name_matches();
  p->configure(cfg({{"pattern", "my-prefix-.*"}}));
  for (const std::string topic : {"my-prefix-", "my-prefix-foo"}) {
    EXPECT_TRUE(p->test(value_record(nullptr, Value(), topic))) << topic;
  }
  for (const std::string topic : {"x-my-prefix-", "x-my-prefix-foo", "your-prefix-", "your-prefix-foo", ""}) {
    EXPECT_FALSE(p->test(value_record(nullptr, Value(), topic))) << topic;
  }
}

TEST(TopicNameMatchesTest, ConfigValidation) {
  const auto& def = topic_name_matches_config_def();
  EXPECT_TRUE(def.validate(cfg({{"pattern", "my-prefix-.*"}}))[0].errors.empty());
  const auto results = def.validate(cfg({{"pattern", "*"}}));
  ASSERT_EQ(results[0].errors.size(), 1U);
  EXPECT_THAT(results[0].errors[0],
              ::testing::StartsWith("Invalid value * for configuration pattern: Invalid regex: "));
  expect_error<ConfigError>(
      [] {
        make_topic_name_matches()->configure(cfg({{"pattern", ""}}));
      },
      "Invalid value  for configuration pattern: String must be non-empty");
  expect_error<ConfigError>([] { make_topic_name_matches()->configure({}); },
                            "Missing required configuration \"pattern\" which has no default value.");
}

TEST(HasHeaderKeyTest, TrueWhenAnyHeaderHasTheName) {
  auto p = make_has_header_key();
  p->configure(cfg({{"name", "foo"}}));
  auto none = value_record(nullptr, Value());
  EXPECT_FALSE(p->test(none));
  auto other = value_record(nullptr, Value());
  other.headers.add("bar", nullptr, Value::string("x"));
  EXPECT_FALSE(p->test(other));
  auto both = value_record(nullptr, Value());
  both.headers.add("bar", nullptr, Value::string("x"));
  both.headers.add("foo", nullptr, Value());
  EXPECT_TRUE(p->test(both));
  expect_error<ConfigError>(
      [] {
        make_has_header_key()->configure(cfg({{"name", ""}}));
      },
      "Invalid value  for configuration name: String must be non-empty");
}

TEST(RecordIsTombstoneTest, TrueForNullValues) {
  auto p = make_record_is_tombstone();
  p->configure({});
  EXPECT_TRUE(p->test(value_record(nullptr, Value())));
  EXPECT_TRUE(p->test(value_record(Schema::optional_string(), Value())));
  EXPECT_FALSE(p->test(value_record(nullptr, Value::string(""))));
  EXPECT_TRUE(p->config_def().keys().empty());
}

}  // namespace
}  // namespace sluice::transforms
