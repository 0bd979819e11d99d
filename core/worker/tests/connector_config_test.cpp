#include "core/worker/connector_config.hpp"

#include <gtest/gtest.h>

#include "core/common/errors.hpp"

namespace sluice::worker {
namespace {

using api::ConnectorType;

std::vector<std::string> errors_of(ConnectorType type, const StringMap& props, const std::string& key) {
  config::RawConfig raw;
  for (const auto& [k, v] : props) raw.emplace(k, v);
  for (const auto& result : connector_config_def(type).validate(raw)) {
    if (result.name == key) return result.errors;
  }
  return {"<no such key>"};
}

std::string issues_text(const std::vector<api::ValidationIssue>& issues) {
  std::string out;
  for (const auto& i : issues) out += i.key + ": " + i.message + "\n";
  return out;
}

TEST(ConnectorConfig, GroupsAreKafkas) {
  EXPECT_EQ(connector_config_def(ConnectorType::Source).groups(),
            (std::vector<std::string>{"Common", "Transforms", "Predicates", "Error Handling", "Topic Creation",
                                      "Exactly Once Support", "offsets.topic"}));
  EXPECT_EQ(connector_config_def(ConnectorType::Sink).groups(),
            (std::vector<std::string>{"Common", "Transforms", "Predicates", "Error Handling"}));
}

TEST(ConnectorConfig, KeyOrderAndDisplayMatchKafka) {
  const auto& def = connector_config_def(ConnectorType::Sink);
  const config::ConfigKey* tasks_max = def.find("tasks.max");
  ASSERT_NE(tasks_max, nullptr);
  EXPECT_EQ(tasks_max->order_in_group, 3);
  EXPECT_EQ(tasks_max->display_name, "Tasks max");
  EXPECT_EQ(tasks_max->group, std::optional<std::string>("Common"));
  EXPECT_EQ(def.find("config.action.reload")->order_in_group, 10);
  EXPECT_EQ(def.find("errors.tolerance")->order_in_group, 3);
  EXPECT_EQ(def.find("topics")->order_in_group, 4);
  EXPECT_EQ(def.find("errors.deadletterqueue.context.headers.enable")->order_in_group, 8);
  EXPECT_EQ(def.find("name")->has_default, false);
  EXPECT_EQ(def.find("connector.class")->has_default, false);
}

TEST(ConnectorConfig, Defaults) {
  ConnectorConfig sink(ConnectorType::Sink, {{"name", "s"}, {"connector.class", "FileStreamSink"}, {"topics", "a, b,a"}});
  EXPECT_EQ(sink.tasks_max(), 1);
  EXPECT_TRUE(sink.tasks_max_enforce());
  EXPECT_EQ(sink.errors_tolerance(), ErrorTolerance::None);
  EXPECT_EQ(sink.errors_retry_timeout().count(), 0);
  EXPECT_EQ(sink.errors_retry_delay_max().count(), 60000);
  EXPECT_FALSE(sink.errors_log_enable());
  EXPECT_FALSE(sink.errors_log_include_messages());
  EXPECT_EQ(sink.topics(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(sink.topics_regex(), std::nullopt);
  EXPECT_EQ(sink.dlq_topic(), "");
  EXPECT_EQ(sink.parsed().get_int("errors.deadletterqueue.topic.replication.factor"), 3);
  ConnectorConfig source(ConnectorType::Source, {{"name", "s"}, {"connector.class", "FileStreamSource"}});
  EXPECT_EQ(source.parsed().get_string("exactly.once.support"), "requested");
  EXPECT_EQ(source.parsed().get_string("transaction.boundary"), "poll");
  EXPECT_EQ(source.parsed().get_list("transforms"), std::vector<std::string>{});
  EXPECT_EQ(source.parsed().get_string("config.action.reload"), "restart");
}

TEST(ConnectorConfig, KafkaMessagesForBadValues) {
  EXPECT_EQ(errors_of(ConnectorType::Source, {{"tasks.max", "0"}}, "tasks.max"),
            (std::vector<std::string>{"Invalid value 0 for configuration tasks.max: Value must be at least 1"}));
  EXPECT_EQ(errors_of(ConnectorType::Source, {{"tasks.max", "abc"}}, "tasks.max"),
            // As Kafka: the unparseable value is null for the validator, which adds its own error.
            (std::vector<std::string>{"Invalid value abc for configuration tasks.max: Not a number of type INT",
                                      "Invalid value null for configuration tasks.max: Value must be non-null"}));
  EXPECT_EQ(errors_of(ConnectorType::Source, {{"name", ""}}, "name"),
            (std::vector<std::string>{"Invalid value  for configuration name: String may not be empty"}));
  EXPECT_EQ(errors_of(ConnectorType::Source, {{"name", "a\nb\tc"}}, "name"),
            (std::vector<std::string>{"Invalid value a\nb\tc for configuration name: String may not contain control "
                                      "sequences but had the following ASCII chars: 10, 9"}));
  EXPECT_EQ(errors_of(ConnectorType::Source, {}, "name"),
            (std::vector<std::string>{"Missing required configuration \"name\" which has no default value."}));
  EXPECT_EQ(errors_of(ConnectorType::Sink, {{"errors.tolerance", "some"}}, "errors.tolerance"),
            (std::vector<std::string>{"Invalid value some for configuration errors.tolerance: String must be one of: none, all"}));
  EXPECT_EQ(errors_of(ConnectorType::Sink, {{"tasks.max.enforce", "maybe"}}, "tasks.max.enforce"),
            (std::vector<std::string>{
                "Invalid value maybe for configuration tasks.max.enforce: Expected value to be either true or false"}));
  EXPECT_EQ(errors_of(ConnectorType::Sink, {{"transforms", "a, b, a"}}, "transforms"),
            (std::vector<std::string>{"Invalid value [a, b, a] for configuration transforms: Duplicate alias provided."}));
  EXPECT_EQ(errors_of(ConnectorType::Source, {{"exactly.once.support", "REQUIRED"}}, "exactly.once.support"),
            std::vector<std::string>{});
}

TEST(SinkTopics, NeitherTopicsNorRegex) {
  EXPECT_EQ(issues_text(validate_sink_topics({{"topics", " "}})),
            "topics: Must configure one of topics or topics.regex\n"
            "topics.regex: Must configure one of topics or topics.regex\n");
}

TEST(SinkTopics, BothTopicsAndRegex) {
  EXPECT_EQ(issues_text(validate_sink_topics({{"topics", "a"}, {"topics.regex", "b.*"}})),
            "topics: topics and topics.regex are mutually exclusive options, but both are set.\n"
            "topics.regex: topics and topics.regex are mutually exclusive options, but both are set.\n");
}

TEST(SinkTopics, DlqTopicMayNotBeConsumed) {
  EXPECT_EQ(issues_text(validate_sink_topics(
                {{"topics", "orders, dlq,orders"}, {"errors.deadletterqueue.topic.name", " dlq "}})),
            "topics: The DLQ topic 'dlq' may not be included in the list of topics ('topics=[orders, dlq]') consumed "
            "by the connector\n");
  EXPECT_EQ(issues_text(validate_sink_topics({{"topics.regex", "d.*"}, {"errors.deadletterqueue.topic.name", "dlq"}})),
            "topics.regex: The DLQ topic 'dlq' may not be matched by the regex for the topics ('topics.regex=d.*') "
            "consumed by the connector\n");
  EXPECT_EQ(issues_text(validate_sink_topics({{"topics.regex", "x.*"}, {"errors.deadletterqueue.topic.name", "dlq"}})),
            "");
  EXPECT_EQ(issues_text(validate_sink_topics({{"topics", "a"}})), "");
}

}  // namespace
}  // namespace sluice::worker
