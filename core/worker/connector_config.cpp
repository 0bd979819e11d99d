#include "core/worker/connector_config.hpp"

#include <algorithm>
#include <regex>

#include "core/worker/config_validators.hpp"

namespace sluice::worker {
namespace {

using config::ConfigDef;
using config::ConfigKey;
using config::Importance;
using config::Type;
using config::Width;
namespace k = connector_keys;
namespace cv = config::validators;

constexpr const char* kCommon = "Common";
constexpr const char* kTransformsGroup = "Transforms";
constexpr const char* kPredicatesGroup = "Predicates";
constexpr const char* kErrorGroup = "Error Handling";
constexpr const char* kTopicCreationGroup = "Topic Creation";
constexpr const char* kExactlyOnceGroup = "Exactly Once Support";
constexpr const char* kOffsetsTopicGroup = "offsets.topic";

ConfigKey key(const char* name, Type type, std::optional<std::string> default_value, bool has_default,
              config::ValidatorPtr validator, Importance importance, std::string doc, const char* group, int order,
              Width width, const char* display) {
  ConfigKey k;
  k.name = name;
  k.type = type;
  k.has_default = has_default;
  k.default_value = std::move(default_value);
  k.validator = std::move(validator);
  k.importance = importance;
  k.documentation = std::move(doc);
  k.group = group;
  k.order_in_group = order;
  k.width = width;
  k.display_name = display;
  return k;
}

// ConnectorConfig.configDef(): the keys of every connector.
ConfigDef base_def() {
  ConfigDef def;
  int order = 0;
  int error_order = 0;
  def.define(key(k::kName, Type::String, std::nullopt, false, validators::non_empty_string_without_control_chars(),
                 Importance::High, "Globally unique name to use for this connector.", kCommon, ++order, Width::Medium,
                 "Connector name"));
  def.define(key(k::kConnectorClass, Type::String, std::nullopt, false, nullptr, Importance::High,
                 "Name or alias of the class for this connector. For "
                 "org.apache.kafka.connect.file.FileStreamSinkConnector the full name, \"FileStreamSink\" and "
                 "\"FileStreamSinkConnector\" all work.",
                 kCommon, ++order, Width::Long, "Connector class"));
  def.define(key(k::kTasksMax, Type::Int, "1", true, cv::at_least(1), Importance::High,
                 "Maximum number of tasks to use for this connector.", kCommon, ++order, Width::Short, "Tasks max"));
  def.define(key(k::kTasksMaxEnforce, Type::Boolean, "true", true, nullptr, Importance::Low,
                 "(Deprecated) Whether a connector that generates more tasks than tasks.max fails (true) or may run "
                 "them anyway (false).",
                 kCommon, ++order, Width::Short, "Enforce tasks max"));
  def.define(key(k::kKeyConverter, Type::Class, std::nullopt, true, nullptr, Importance::Low,
                 "Converter class for this connector's record keys; overrides the worker's key.converter. Only then do "
                 "this connector's key.converter.* settings apply.",
                 kCommon, ++order, Width::Short, "Key converter class"));
  def.define(key(k::kValueConverter, Type::Class, std::nullopt, true, nullptr, Importance::Low,
                 "Converter class for this connector's record values; overrides the worker's value.converter. Only "
                 "then do this connector's value.converter.* settings apply.",
                 kCommon, ++order, Width::Short, "Value converter class"));
  def.define(key(k::kHeaderConverter, Type::Class, std::nullopt, true, nullptr, Importance::Low,
                 "HeaderConverter class for this connector's record headers; overrides the worker's header.converter.",
                 kCommon, ++order, Width::Short, "Header converter class"));
  def.define(key(k::kTransforms, Type::List, "", true, validators::unique_aliases("transformation"), Importance::Low,
                 "Aliases for the transformations to be applied to records.", kTransformsGroup, ++order, Width::Long,
                 "Transforms"));
  def.define(key(k::kPredicates, Type::List, "", true, validators::unique_aliases("predicate"), Importance::Low,
                 "Aliases for the predicates used by transformations.", kPredicatesGroup, ++order, Width::Long,
                 "Predicates"));
  def.define(key("config.action.reload", Type::String, "restart", true, cv::in({"none", "restart"}), Importance::Low,
                 "What to do when values from config providers change: 'none' does nothing, 'restart' restarts the "
                 "connector with the new values (possibly later, when the provider says the values expire).",
                 kCommon, ++order, Width::Medium, "Reload Action"));
  def.define(key(k::kErrorsRetryTimeout, Type::Long, "0", true, nullptr, Importance::Medium,
                 "How long, in milliseconds, a failed operation is retried. 0 (the default) means no retries; -1 "
                 "retries forever.",
                 kErrorGroup, ++error_order, Width::Medium, "Retry Timeout for Errors"));
  def.define(key(k::kErrorsRetryDelayMax, Type::Long, "60000", true, nullptr, Importance::Medium,
                 "The longest wait between two retries, in milliseconds.", kErrorGroup, ++error_order, Width::Medium,
                 "Maximum Delay Between Retries for Errors"));
  def.define(key(k::kErrorsTolerance, Type::String, "none", true, cv::in({"none", "all"}), Importance::Medium,
                 "What to do with records that fail in conversion or transformation: 'none' (the default) fails the "
                 "task, 'all' skips the record.",
                 kErrorGroup, ++error_order, Width::Short, "Error Tolerance"));
  def.define(key(k::kErrorsLogEnable, Type::Boolean, "false", true, nullptr, Importance::Medium,
                 "Log each error with the failed operation and record; by default only errors that are not "
                 "tolerated are reported.",
                 kErrorGroup, ++error_order, Width::Short, "Log Errors"));
  def.define(key(k::kErrorsLogIncludeMessages, Type::Boolean, "false", true, nullptr, Importance::Medium,
                 "Include the record in error logs (sink records: topic, partition, offset and timestamp; source "
                 "records: key, value, headers and more). Off by default so record data stays out of logs.",
                 kErrorGroup, ++error_order, Width::Short, "Log Error Details"));
  return def;
}

ConfigDef source_def() {
  ConfigDef def = base_def();
  int order = 0;
  def.define(key("topic.creation.groups", Type::List, "", true, validators::unique_aliases("topic creation group"),
                 Importance::Low, "Groups of settings for the topics source connectors create.", kTopicCreationGroup,
                 ++order, Width::Long, "Topic Creation Groups"));
  def.define(key("exactly.once.support", Type::String, "requested", true,
                 cv::in_case_insensitive({"requested", "required"}), Importance::Medium,
                 "Permitted values are requested, required. \"required\" checks before the connector is created that "
                 "it can provide exactly-once delivery with its configuration; creating or validating it then fails "
                 "on a worker without exactly-once source support.",
                 kExactlyOnceGroup, ++order, Width::Short, "Exactly once support"));
  def.define(key("transaction.boundary", Type::String, "poll", true,
                 cv::in_case_insensitive({"poll", "interval", "connector"}), Importance::Medium,
                 "Permitted values are: poll, interval, connector. 'poll' commits a transaction per batch a task "
                 "returns, 'interval' after transaction.boundary.interval.ms, 'connector' where the connector says.",
                 kExactlyOnceGroup, ++order, Width::Short, "Transaction Boundary"));
  def.define(key("transaction.boundary.interval.ms", Type::Long, std::nullopt, true,
                 validators::null_or_at_least(0), Importance::Low,
                 "With transaction.boundary=interval, how often transactions are committed; unset means the worker's "
                 "offset.flush.interval.ms.",
                 kExactlyOnceGroup, ++order, Width::Short, "Transaction boundary interval"));
  def.define(key("offsets.storage.topic", Type::String, std::nullopt, true, cv::non_empty_string(), Importance::Low,
                 "A separate offsets topic for this connector (distributed mode only); unset means the worker's "
                 "offsets topic.",
                 kOffsetsTopicGroup, 1, Width::Long, "Offsets topic"));
  return def;
}

ConfigDef sink_def() {
  ConfigDef def = base_def();
  def.define(key(k::kTopics, Type::List, "", true, nullptr, Importance::High,
                 "List of topics to consume, separated by commas", kCommon, 4, Width::Long, "Topics"));
  def.define(key(k::kTopicsRegex, Type::String, "", true, validators::regex(), Importance::High,
                 "Regular expression giving topics to consume. Only one of topics or topics.regex should be set.",
                 kCommon, 4, Width::Long, "Topics regex"));
  def.define(key(k::kDlqTopic, Type::String, "", true, nullptr, Importance::Medium,
                 "The dead letter queue topic for records this sink connector, its transformations or converters "
                 "fail on. Empty (the default): no dead letter queue.",
                 kErrorGroup, 6, Width::Medium, "Dead Letter Queue Topic Name"));
  def.define(key(k::kDlqReplicationFactor, Type::Short, "3", true, nullptr,
                 Importance::Medium, "Replication factor of the dead letter queue topic when it is created.",
                 kErrorGroup, 7, Width::Medium, "Dead Letter Queue Topic Replication Factor"));
  def.define(key(k::kDlqContextHeadersEnable, Type::Boolean, "false", true, nullptr,
                 Importance::Medium,
                 "Add headers with the error context to dead letter queue records; their keys start with "
                 "__connect.errors.",
                 kErrorGroup, 8, Width::Medium, "Enable Error Context Headers"));
  return def;
}

bool is_blank(const std::optional<std::string>& s) {
  return !s || s->find_first_not_of(" \t\r\n\f\v") == std::string::npos;
}

std::optional<std::string> get(const StringMap& config, const char* name) {
  const auto it = config.find(name);
  if (it == config.end()) return std::nullopt;
  return it->second;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n\f\v");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n\f\v");
  return s.substr(b, e - b + 1);
}

config::RawConfig to_raw(const StringMap& properties) {
  config::RawConfig raw;
  for (const auto& [k, v] : properties) raw.emplace(k, v);
  return raw;
}

}  // namespace

const config::ConfigDef& connector_config_def(api::ConnectorType type) {
  static const ConfigDef source = source_def();
  static const ConfigDef sink = sink_def();
  return type == api::ConnectorType::Source ? source : sink;
}

std::string task_class_name(std::string_view connector_class) {
  constexpr std::string_view kSuffix = "Connector";
  if (connector_class.ends_with(kSuffix)) connector_class.remove_suffix(kSuffix.size());
  return std::string(connector_class) + "Task";
}

std::vector<std::string> parse_topics_list(const StringMap& config) {
  std::vector<std::string> out;
  const auto raw = get(config, k::kTopics);
  if (!raw) return out;
  std::size_t start = 0;
  while (start <= raw->size()) {
    const std::size_t comma = raw->find(',', start);
    std::string item = trim(raw->substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) out.push_back(std::move(item));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<api::ValidationIssue> validate_sink_topics(const StringMap& config) {
  std::vector<api::ValidationIssue> issues;
  const auto topics = get(config, k::kTopics);
  const auto regex = get(config, k::kTopicsRegex);
  const std::string dlq = trim(get(config, k::kDlqTopic).value_or(""));
  const bool has_topics = !is_blank(topics);
  const bool has_regex = !is_blank(regex);
  if (has_topics && has_regex) {
    const std::string message = "topics and topics.regex are mutually exclusive options, but both are set.";
    issues.push_back({k::kTopics, message});
    issues.push_back({k::kTopicsRegex, message});
  }
  if (!has_topics && !has_regex) {
    const std::string message = "Must configure one of topics or topics.regex";
    issues.push_back({k::kTopics, message});
    issues.push_back({k::kTopicsRegex, message});
  }
  if (!dlq.empty()) {
    if (has_topics) {
      const auto list = parse_topics_list(config);
      if (std::find(list.begin(), list.end(), dlq) != list.end()) {
        issues.push_back({k::kTopics, "The DLQ topic '" + dlq + "' may not be included in the list of topics ('topics=" +
                                          validators::java_list(list) + "') consumed by the connector"});
      }
    }
    if (has_regex) {
      bool matches = false;
      try {
        matches = std::regex_match(dlq, std::regex(*regex, std::regex::ECMAScript));
      } catch (const std::regex_error&) {
        // The regex's own validator reports it.
      }
      if (matches) {
        issues.push_back({k::kTopicsRegex, "The DLQ topic '" + dlq +
                                               "' may not be matched by the regex for the topics ('topics.regex=" +
                                               *regex + "') consumed by the connector"});
      }
    }
  }
  return issues;
}

ConnectorConfig::ConnectorConfig(api::ConnectorType type, const StringMap& config)
    : type_(type), originals_(config), parsed_(connector_config_def(type), to_raw(config)) {}

const std::string& ConnectorConfig::name() const {
  return parsed_.get_string(k::kName);
}

const std::string& ConnectorConfig::connector_class() const {
  return parsed_.get_string(k::kConnectorClass);
}

int ConnectorConfig::tasks_max() const {
  return parsed_.get_int(k::kTasksMax);
}

bool ConnectorConfig::tasks_max_enforce() const {
  return parsed_.get_bool(k::kTasksMaxEnforce);
}

ErrorTolerance ConnectorConfig::errors_tolerance() const {
  return parsed_.get_string(k::kErrorsTolerance) == "all" ? ErrorTolerance::All : ErrorTolerance::None;
}

std::chrono::milliseconds ConnectorConfig::errors_retry_timeout() const {
  return std::chrono::milliseconds(parsed_.get_long(k::kErrorsRetryTimeout));
}

std::chrono::milliseconds ConnectorConfig::errors_retry_delay_max() const {
  return std::chrono::milliseconds(parsed_.get_long(k::kErrorsRetryDelayMax));
}

bool ConnectorConfig::errors_log_enable() const {
  return parsed_.get_bool(k::kErrorsLogEnable);
}

bool ConnectorConfig::errors_log_include_messages() const {
  return parsed_.get_bool(k::kErrorsLogIncludeMessages);
}

std::vector<std::string> ConnectorConfig::topics() const {
  if (type_ != api::ConnectorType::Sink) return {};
  return parse_topics_list(originals_);
}

std::optional<std::string> ConnectorConfig::topics_regex() const {
  if (type_ != api::ConnectorType::Sink) return std::nullopt;
  const auto regex = get(originals_, k::kTopicsRegex);
  if (is_blank(regex)) return std::nullopt;
  return trim(*regex);
}

std::string ConnectorConfig::dlq_topic() const {
  if (type_ != api::ConnectorType::Sink) return "";
  return trim(parsed_.get_string(k::kDlqTopic));
}

int ConnectorConfig::dlq_replication_factor() const {
  if (type_ != api::ConnectorType::Sink) return 3;
  return parsed_.get_int(k::kDlqReplicationFactor);
}

bool ConnectorConfig::dlq_context_headers_enable() const {
  if (type_ != api::ConnectorType::Sink) return false;
  return parsed_.get_bool(k::kDlqContextHeadersEnable);
}

StringMap ConnectorConfig::originals_with_prefix(std::string_view prefix) const {
  StringMap out;
  for (const auto& [key, value] : originals_) {
    if (key.size() > prefix.size() && std::string_view(key).starts_with(prefix)) out.emplace(key.substr(prefix.size()), value);
  }
  return out;
}

}  // namespace sluice::worker
