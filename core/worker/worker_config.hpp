#pragma once
// WorkerConfig: the worker properties file, with Kafka Connect's keys and defaults (Kafka's WorkerConfig,
// RestServerConfig, StandaloneConfig and DistributedConfig). One ConfigDef per mode:
//   - common keys: bootstrap.servers, key.converter / value.converter (required, as in Kafka),
//     header.converter, offset.flush.*, task.shutdown.graceful.timeout.ms, plugin.path, listeners,
//     rest.advertised.*, connector.client.config.override.policy, topic.tracking.*, config.providers, ...
//   - standalone: offset.storage.file.filename (required, as in Kafka);
//   - distributed: group.id and the internal topics (required), group timeouts, connect.protocol, ...
// Differences from Kafka, on purpose: bootstrap.servers has no default (absent means "start an embedded dev
// broker"), and client.id is defined in both modes.
//
// `producer.*`, `consumer.*` and `admin.*` keys are not declared; they pass through to the worker's clients
// (see client_overrides.hpp). Unknown keys are kept in originals() as Kafka keeps them.
//
// Immutable after construction; safe to share between threads.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config_def.hpp"

namespace sluice::worker {

using StringMap = std::map<std::string, std::string>;

enum class WorkerMode { Standalone, Distributed };

// Key names (Kafka's constants).
namespace worker_keys {
inline constexpr const char* kBootstrapServers = "bootstrap.servers";
inline constexpr const char* kKeyConverter = "key.converter";
inline constexpr const char* kValueConverter = "value.converter";
inline constexpr const char* kHeaderConverter = "header.converter";
inline constexpr const char* kOffsetFlushInterval = "offset.flush.interval.ms";
inline constexpr const char* kOffsetFlushTimeout = "offset.flush.timeout.ms";
inline constexpr const char* kTaskShutdownTimeout = "task.shutdown.graceful.timeout.ms";
inline constexpr const char* kPluginPath = "plugin.path";
inline constexpr const char* kListeners = "listeners";
inline constexpr const char* kAdvertisedHostName = "rest.advertised.host.name";
inline constexpr const char* kAdvertisedPort = "rest.advertised.port";
inline constexpr const char* kAdvertisedListener = "rest.advertised.listener";
inline constexpr const char* kOverridePolicy = "connector.client.config.override.policy";
inline constexpr const char* kTopicTrackingEnable = "topic.tracking.enable";
inline constexpr const char* kTopicTrackingAllowReset = "topic.tracking.allow.reset";
inline constexpr const char* kClientId = "client.id";
inline constexpr const char* kConfigProviders = "config.providers";
inline constexpr const char* kOffsetStorageFile = "offset.storage.file.filename";
inline constexpr const char* kGroupId = "group.id";
inline constexpr const char* kConfigTopic = "config.storage.topic";
inline constexpr const char* kOffsetTopic = "offset.storage.topic";
inline constexpr const char* kStatusTopic = "status.storage.topic";
inline constexpr const char* kHeaderConverterDefault = "org.apache.kafka.connect.storage.SimpleHeaderConverter";
}  // namespace worker_keys

// The ConfigDef of a mode (static storage).
const config::ConfigDef& worker_config_def(WorkerMode mode);

class WorkerConfig {
 public:
  // Parses and validates; throws ConfigError with Kafka's message for the first problem.
  WorkerConfig(const StringMap& properties, WorkerMode mode);

  WorkerMode mode() const { return mode_; }
  const config::Config& config() const { return config_; }
  const StringMap& originals() const { return originals_; }

  // nullopt when bootstrap.servers is absent (the app then starts an embedded dev broker).
  std::optional<std::string> bootstrap_servers() const;
  std::chrono::milliseconds offset_flush_interval() const;
  std::chrono::milliseconds offset_flush_timeout() const;
  std::chrono::milliseconds task_shutdown_graceful_timeout() const;
  bool topic_tracking_enabled() const;
  bool topic_tracking_reset_allowed() const;
  // The override policy as given: a class name or alias (All, None, Principal).
  const std::string& client_config_override_policy() const;
  std::optional<std::string> offset_storage_file() const;  // standalone only
  std::optional<std::string> group_id() const;             // distributed only

  // Original keys starting with `prefix`, with the prefix removed (Kafka's originalsWithPrefix).
  StringMap originals_with_prefix(std::string_view prefix) const;

 private:
  WorkerMode mode_;
  StringMap originals_;
  config::Config config_;
};

}  // namespace sluice::worker
