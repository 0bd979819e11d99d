#include "core/worker/worker_config.hpp"

#include "core/worker/config_validators.hpp"

namespace sluice::worker {
namespace {

using config::ConfigDef;
using config::Importance;
using config::Type;
namespace k = worker_keys;
namespace cv = config::validators;

config::RawConfig to_raw(const StringMap& properties) {
  config::RawConfig raw;
  for (const auto& [key, value] : properties) raw.emplace(key, value);
  return raw;
}

void define_common(ConfigDef& def) {
  def.define(k::kBootstrapServers, Type::List, std::nullopt, Importance::High,
             "The Kafka brokers (host1:port1,host2:port2,...) the worker's clients connect to first; the rest of the "
             "cluster is discovered from them. When absent, sluice starts an embedded development broker.");
  def.define("client.dns.lookup", Type::String, "use_all_dns_ips", Importance::Medium,
             "How clients use DNS lookups of the bootstrap servers.",
             cv::in({"use_all_dns_ips", "resolve_canonical_bootstrap_servers_only"}));
  def.define_required(k::kKeyConverter, Type::Class, Importance::High,
                      "Converter class for record keys written to or read from Kafka (e.g. "
                      "org.apache.kafka.connect.json.JsonConverter). Connectors may set their own.");
  def.define_required(k::kValueConverter, Type::Class, Importance::High,
                      "Converter class for record values written to or read from Kafka (e.g. "
                      "org.apache.kafka.connect.json.JsonConverter). Connectors may set their own.");
  def.define(k::kTaskShutdownTimeout, Type::Long, "5000", Importance::Low,
             "How long to wait for tasks to stop gracefully, in total for all tasks being stopped.");
  def.define(k::kOffsetFlushInterval, Type::Long, "60000", Importance::Low,
             "How often tasks try to commit their offsets, in milliseconds.");
  def.define(k::kOffsetFlushTimeout, Type::Long, "5000", Importance::Low,
             "How long to wait for records to be acknowledged and offsets to be stored before giving up on one "
             "offset commit (the offsets are committed again later).");
  def.define(k::kPluginPath, Type::List, std::nullopt, Importance::Low,
             "Comma-separated directories holding plugins: each .so directly inside and each subdirectory is a "
             "plugin location.");
  def.define("plugin.discovery", Type::String, "hybrid_warn", Importance::Low,
             "Accepted for compatibility with Kafka Connect; sluice always discovers plugins by scanning plugin.path.",
             cv::in_case_insensitive({"only_scan", "hybrid_warn", "hybrid_fail", "service_load"}));
  def.define("metrics.sample.window.ms", Type::Long, "30000", Importance::Low,
             "The window of time a metrics sample is computed over.", cv::at_least(0));
  def.define("metrics.num.samples", Type::Int, "2", Importance::Low,
             "The number of samples maintained to compute metrics.", cv::at_least(1));
  def.define("metrics.recording.level", Type::String, "INFO", Importance::Low,
             "The highest recording level for metrics.", cv::in({"INFO", "DEBUG"}));
  def.define("metric.reporters", Type::List, "org.apache.kafka.common.metrics.JmxReporter", Importance::Low,
             "Accepted for compatibility with Kafka Connect; sluice has no JMX.");
  def.define(k::kHeaderConverter, Type::Class, k::kHeaderConverterDefault, Importance::Low,
             "HeaderConverter class for record header values written to or read from Kafka. By default the "
             "SimpleHeaderConverter writes values as strings and infers schemas when reading.");
  def.define(k::kConfigProviders, Type::List, "", Importance::Low,
             "Comma-separated names of ConfigProviders used, in this order, to resolve ${provider:path:key} "
             "placeholders in connector configurations.");
  def.define(k::kOverridePolicy, Type::String, "All", Importance::Medium,
             "Which client properties connectors may override with producer.override.*, consumer.override.* and "
             "admin.override.*: All (any), None (none) or Principal (only security.protocol, sasl.jaas.config and "
             "sasl.mechanism). Kafka's class names of these policies are accepted too.");
  def.define("topic.creation.enable", Type::Boolean, "true", Importance::Low,
             "Whether source connectors may create the topics they write to with topic.creation.* settings.");
  def.define(k::kTopicTrackingEnable, Type::Boolean, "true", Importance::Low,
             "Track the set of topics each connector uses while it runs.");
  def.define(k::kTopicTrackingAllowReset, Type::Boolean, "true", Importance::Low,
             "Allow requests that reset the set of topics tracked for a connector.");
  // RestServerConfig's public keys.
  def.define(k::kListeners, Type::List, "http://:8083", Importance::Low,
             "Comma-separated URLs the REST API listens on, e.g. http://myhost:8083. An empty host binds the "
             "default interface; 0.0.0.0 binds all.",
             validators::listeners());
  def.define(k::kAdvertisedHostName, Type::String, std::nullopt, Importance::Low,
             "The host name given to other workers (and used in worker ids) when set.");
  def.define(k::kAdvertisedPort, Type::Int, std::nullopt, Importance::Low,
             "The port given to other workers (and used in worker ids) when set.");
  def.define(k::kAdvertisedListener, Type::String, std::nullopt, Importance::Low,
             "The listener protocol (HTTP or HTTPS) given to other workers.");
  def.define("access.control.allow.origin", Type::String, "", Importance::Low,
             "The Access-Control-Allow-Origin header value of REST responses; empty allows only the REST API's "
             "own origin.");
  def.define("access.control.allow.methods", Type::String, "", Importance::Low,
             "The Access-Control-Allow-Methods header value for cross-origin requests.");
  def.define("response.http.headers.config", Type::String, "", Importance::Low,
             "Rules for REST API HTTP response headers.");
  def.define("ssl.client.auth", Type::String, "none", Importance::Low,
             "Whether the REST server requests client certificates.", cv::in({"required", "requested", "none"}));
  def.define("rest.extension.classes", Type::List, "", Importance::Low,
             "Accepted for compatibility with Kafka Connect; sluice has no REST extensions.");
  def.define("admin.listeners", Type::List, std::nullopt, Importance::Low,
             "URLs for the admin endpoints; unset means the regular listeners, empty disables them.");
  def.define(k::kClientId, Type::String, "", Importance::Low,
             "An id passed to the brokers with requests of the worker's own clients.");
}

void define_standalone(ConfigDef& def) {
  def.define_required(k::kOffsetStorageFile, Type::String, Importance::High,
                      "The file source connector offsets are stored in.");
}

void define_distributed(ConfigDef& def) {
  def.define_required(k::kGroupId, Type::String, Importance::High,
                      "The unique id of the Connect cluster this worker belongs to.");
  def.define("session.timeout.ms", Type::Int, "10000", Importance::High,
             "How long the group coordinator waits for a worker's heartbeat before removing it from the group.");
  def.define("rebalance.timeout.ms", Type::Int, "60000", Importance::High,
             "How long each worker may take to rejoin the group during a rebalance.");
  def.define("heartbeat.interval.ms", Type::Int, "3000", Importance::High,
             "How often a worker sends heartbeats to the group coordinator; keep it under a third of "
             "session.timeout.ms.");
  def.define("metadata.max.age.ms", Type::Long, "300000", Importance::Low,
             "How often cluster metadata is refreshed even without errors.", cv::at_least(0));
  def.define("send.buffer.bytes", Type::Int, "131072", Importance::Medium,
             "The socket send buffer size (-1: the OS default).", cv::at_least(-1));
  def.define("receive.buffer.bytes", Type::Int, "32768", Importance::Medium,
             "The socket receive buffer size (-1: the OS default).", cv::at_least(-1));
  def.define("reconnect.backoff.ms", Type::Long, "50", Importance::Low,
             "The initial wait before reconnecting to a broker.", cv::at_least(0));
  def.define("reconnect.backoff.max.ms", Type::Long, "1000", Importance::Low,
             "The longest wait before reconnecting to a broker.", cv::at_least(0));
  def.define("retry.backoff.ms", Type::Long, "100", Importance::Low, "The wait before retrying a failed request.",
             cv::at_least(0));
  def.define("request.timeout.ms", Type::Int, "40000", Importance::Medium,
             "How long a client waits for a response to a request.", cv::at_least(0));
  def.define("connections.max.idle.ms", Type::Long, "540000", Importance::Medium,
             "Idle connections are closed after this long.");
  def.define("security.protocol", Type::String, "PLAINTEXT", Importance::Medium,
             "The protocol used to talk to brokers: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.");
  def.define("worker.sync.timeout.ms", Type::Int, "3000", Importance::Medium,
             "How long a worker that is behind other workers waits to catch up on configurations before leaving "
             "the group.");
  def.define("worker.unsync.backoff.ms", Type::Int, "300000", Importance::Medium,
             "How long a worker that could not catch up stays out of the group before rejoining.");
  def.define_required(k::kOffsetTopic, Type::String, Importance::High,
                      "The Kafka topic source connector offsets are stored in.");
  def.define("offset.storage.partitions", Type::Int, "25", Importance::Low,
             "The number of partitions of the offsets topic when the worker creates it.", validators::partitions());
  def.define("offset.storage.replication.factor", Type::Short, "3", Importance::Low,
             "The replication factor of the offsets topic when the worker creates it.",
             validators::replication_factor());
  def.define_required(k::kConfigTopic, Type::String, Importance::High,
                      "The Kafka topic connector configurations are stored in.");
  def.define("config.storage.replication.factor", Type::Short, "3", Importance::Low,
             "The replication factor of the configuration topic when the worker creates it.",
             validators::replication_factor());
  def.define_required(k::kStatusTopic, Type::String, Importance::High,
                      "The Kafka topic connector and task statuses are stored in.");
  def.define("status.storage.partitions", Type::Int, "5", Importance::Low,
             "The number of partitions of the status topic when the worker creates it.", validators::partitions());
  def.define("status.storage.replication.factor", Type::Short, "3", Importance::Low,
             "The replication factor of the status topic when the worker creates it.",
             validators::replication_factor());
  def.define("connect.protocol", Type::String, "sessioned", Importance::Low,
             "The Kafka Connect group protocol: eager, compatible or sessioned.", validators::connect_protocol());
  def.define("scheduled.rebalance.max.delay.ms", Type::Int, "300000", Importance::Low,
             "How long to wait for departed workers to return before their connectors and tasks are reassigned.",
             cv::between(0, 2147483647));
  def.define("inter.worker.key.ttl.ms", Type::Int, "3600000", Importance::Low,
             "How long a session key for signing requests between workers is used.", cv::between(0, 2147483647));
  def.define("inter.worker.key.generation.algorithm", Type::String, "HmacSHA256", Importance::Low,
             "The algorithm session keys are generated for.");
  def.define("inter.worker.key.size", Type::Int, std::nullopt, Importance::Low,
             "The size of session keys in bits; unset: the algorithm's default.");
  def.define("inter.worker.signature.algorithm", Type::String, "HmacSHA256", Importance::Low,
             "The algorithm requests between workers are signed with.");
  def.define("inter.worker.verification.algorithms", Type::List, "HmacSHA256", Importance::Low,
             "The algorithms accepted when verifying requests between workers.");
  def.define("exactly.once.source.support", Type::String, "disabled", Importance::High,
             "Whether source connectors may run with exactly-once delivery: disabled, preparing or enabled.",
             cv::in_case_insensitive({"disabled", "enabled", "preparing"}));
}

ConfigDef make_def(WorkerMode mode) {
  ConfigDef def;
  define_common(def);
  if (mode == WorkerMode::Standalone) {
    define_standalone(def);
  } else {
    define_distributed(def);
  }
  return def;
}

}  // namespace

const config::ConfigDef& worker_config_def(WorkerMode mode) {
  static const ConfigDef standalone = make_def(WorkerMode::Standalone);
  static const ConfigDef distributed = make_def(WorkerMode::Distributed);
  return mode == WorkerMode::Standalone ? standalone : distributed;
}

WorkerConfig::WorkerConfig(const StringMap& properties, WorkerMode mode)
    : mode_(mode), originals_(properties), config_(worker_config_def(mode), to_raw(properties)) {}

std::optional<std::string> WorkerConfig::bootstrap_servers() const {
  const auto& value = config_.get(k::kBootstrapServers);
  const auto* list = std::get_if<std::vector<std::string>>(&value);
  if (list == nullptr || list->empty()) return std::nullopt;
  std::string joined;
  for (const auto& item : *list) {
    if (!joined.empty()) joined += ",";
    joined += item;
  }
  return joined;
}

std::chrono::milliseconds WorkerConfig::offset_flush_interval() const {
  return std::chrono::milliseconds(config_.get_long(k::kOffsetFlushInterval));
}

std::chrono::milliseconds WorkerConfig::offset_flush_timeout() const {
  return std::chrono::milliseconds(config_.get_long(k::kOffsetFlushTimeout));
}

std::chrono::milliseconds WorkerConfig::task_shutdown_graceful_timeout() const {
  return std::chrono::milliseconds(config_.get_long(k::kTaskShutdownTimeout));
}

bool WorkerConfig::topic_tracking_enabled() const {
  return config_.get_bool(k::kTopicTrackingEnable);
}

bool WorkerConfig::topic_tracking_reset_allowed() const {
  return config_.get_bool(k::kTopicTrackingAllowReset);
}

const std::string& WorkerConfig::client_config_override_policy() const {
  return config_.get_string(k::kOverridePolicy);
}

std::optional<std::string> WorkerConfig::offset_storage_file() const {
  if (mode_ != WorkerMode::Standalone) return std::nullopt;
  return config_.get_optional_string(k::kOffsetStorageFile);
}

std::optional<std::string> WorkerConfig::group_id() const {
  if (mode_ != WorkerMode::Distributed) return std::nullopt;
  return config_.get_optional_string(k::kGroupId);
}

StringMap WorkerConfig::originals_with_prefix(std::string_view prefix) const {
  StringMap out;
  for (const auto& [key, value] : originals_) {
    if (key.size() > prefix.size() && std::string_view(key).starts_with(prefix)) out.emplace(key.substr(prefix.size()), value);
  }
  return out;
}

}  // namespace sluice::worker
