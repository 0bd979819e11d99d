#pragma once
// The keys every connector has (Kafka's ConnectorConfig, SourceConnectorConfig, SinkConnectorConfig), with
// Kafka's groups, orders, widths, display names and defaults:
//   Common: name, connector.class, tasks.max, tasks.max.enforce, key.converter, value.converter,
//           header.converter, config.action.reload (sink: topics, topics.regex)
//   Transforms: transforms;  Predicates: predicates
//   Error Handling: errors.retry.timeout, errors.retry.delay.max.ms, errors.tolerance, errors.log.enable,
//                   errors.log.include.messages (sink: errors.deadletterqueue.*)
//   source only: Topic Creation (topic.creation.groups), Exactly Once Support (exactly.once.support,
//                transaction.boundary, transaction.boundary.interval.ms), offsets.topic (offsets.storage.topic)
// The plugin's own keys come from its ConfigDef; the herder merges both for validation.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/api/connector.hpp"
#include "core/config/config_def.hpp"

namespace sluice::worker {

using StringMap = std::map<std::string, std::string>;

namespace connector_keys {
inline constexpr const char* kName = "name";
inline constexpr const char* kConnectorClass = "connector.class";
inline constexpr const char* kTasksMax = "tasks.max";
inline constexpr const char* kTasksMaxEnforce = "tasks.max.enforce";
inline constexpr const char* kKeyConverter = "key.converter";
inline constexpr const char* kValueConverter = "value.converter";
inline constexpr const char* kHeaderConverter = "header.converter";
inline constexpr const char* kTransforms = "transforms";
inline constexpr const char* kPredicates = "predicates";
inline constexpr const char* kErrorsRetryTimeout = "errors.retry.timeout";
inline constexpr const char* kErrorsRetryDelayMax = "errors.retry.delay.max.ms";
inline constexpr const char* kErrorsTolerance = "errors.tolerance";
inline constexpr const char* kErrorsLogEnable = "errors.log.enable";
inline constexpr const char* kErrorsLogIncludeMessages = "errors.log.include.messages";
inline constexpr const char* kTaskClass = "task.class";  // in task configs (Kafka's TaskConfig)
inline constexpr const char* kTopics = "topics";
inline constexpr const char* kTopicsRegex = "topics.regex";
inline constexpr const char* kDlqTopic = "errors.deadletterqueue.topic.name";
inline constexpr const char* kDlqReplicationFactor = "errors.deadletterqueue.topic.replication.factor";
inline constexpr const char* kDlqContextHeadersEnable = "errors.deadletterqueue.context.headers.enable";
inline constexpr const char* kProducerOverridePrefix = "producer.override.";
inline constexpr const char* kConsumerOverridePrefix = "consumer.override.";
inline constexpr const char* kAdminOverridePrefix = "admin.override.";
}  // namespace connector_keys

// The common keys of a source or sink connector (static storage).
const config::ConfigDef& connector_config_def(api::ConnectorType type);

// Kafka's SinkConnectorConfig.validate: the topics / topics.regex / DLQ rules, one issue per key and message:
//   "Must configure one of topics or topics.regex" (on both keys)
//   "topics and topics.regex are mutually exclusive options, but both are set." (on both keys)
//   "The DLQ topic '<t>' may not be included in the list of topics ('topics=[<t1>, <t2>]') consumed by the connector"
//   "The DLQ topic '<t>' may not be matched by the regex for the topics ('topics.regex=<r>') consumed by the connector"
std::vector<api::ValidationIssue> validate_sink_topics(const StringMap& config);

// Kafka's SinkConnectorConfig.parseTopicsList: the non-empty, distinct topics of `topics`, in order.
std::vector<std::string> parse_topics_list(const StringMap& config);

// The task class Kafka's Worker.connectorTaskConfigs puts into every task config as task.class. The plugin
// ABI has no task class name, so it is derived from the connector's class name: a trailing "Connector"
// becomes "Task" (org.apache.kafka.connect.file.FileStreamSourceConnector -> ...FileStreamSourceTask),
// anything else gets "Task" appended.
std::string task_class_name(std::string_view connector_class);

enum class ErrorTolerance { None, All };

// Parsed common keys of one connector (Kafka's ConnectorConfig). Throws ConfigError for invalid values.
class ConnectorConfig {
 public:
  ConnectorConfig(api::ConnectorType type, const StringMap& config);

  api::ConnectorType type() const { return type_; }
  const std::string& name() const;
  const std::string& connector_class() const;
  int tasks_max() const;
  bool tasks_max_enforce() const;
  ErrorTolerance errors_tolerance() const;
  std::chrono::milliseconds errors_retry_timeout() const;  // -1 ms: retry forever
  std::chrono::milliseconds errors_retry_delay_max() const;
  bool errors_log_enable() const;
  bool errors_log_include_messages() const;
  // Sink only (empty for sources).
  std::vector<std::string> topics() const;
  std::optional<std::string> topics_regex() const;  // nullopt: unset or blank
  std::string dlq_topic() const;  // trimmed; empty: no dead letter queue
  int dlq_replication_factor() const;
  bool dlq_context_headers_enable() const;

  const config::Config& parsed() const { return parsed_; }
  const StringMap& originals() const { return originals_; }
  // Original keys starting with `prefix`, prefix removed.
  StringMap originals_with_prefix(std::string_view prefix) const;

 private:
  api::ConnectorType type_;
  StringMap originals_;
  config::Config parsed_;
};

}  // namespace sluice::worker
