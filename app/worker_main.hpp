#pragma once
// What `sluice standalone` and `sluice distributed` do alike (Kafka's AbstractConnectCli): block the stop
// signals before any thread starts, read the worker properties, load the plugins (built-ins and plugin.path),
// look up the Kafka cluster id, and wait for SIGTERM/SIGINT. Called from main()'s thread only.

#include <csignal>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/fwd.h>

namespace sluice::host {
class PluginRegistry;
}
namespace sluice::worker {
class WorkerConfig;
}

namespace sluice::app {

using StringMap = std::map<std::string, std::string>;

// Exit codes of the worker commands: a bad command line or worker config, and a failure while running.
inline constexpr int kUsageError = 2;
inline constexpr int kRuntimeError = 1;

// Blocks SIGTERM and SIGINT in this thread (every thread started later inherits the mask, so the signals stay
// pending for wait_for_stop_signal) and ignores SIGPIPE.
sigset_t block_stop_signals();

// Waits for SIGTERM or SIGINT and logs which one arrived.
void wait_for_stop_signal(const sigset_t& signals, spdlog::logger& log, const StringMap& props);

// Java properties file as a map. Throws ConfigError.
StringMap load_properties(const std::string& path);

// Built-in converters, transformations and config providers, then plugin.path; logs what was loaded and
// "Kafka version: ..." (harnesses wait for it).
std::unique_ptr<host::PluginRegistry> load_plugins(const StringMap& props, spdlog::logger& log);

// The cluster id from the brokers (through the worker's admin client settings); logs and returns nullopt when no
// broker answers in time.
std::optional<std::string> lookup_cluster_id(const worker::WorkerConfig& config, const std::string& bootstrap,
                                             const std::string& client_id, spdlog::logger& log);

// "http://host:8083/" -> "host:8083" (Kafka's worker id).
std::string worker_id_from_url(const std::string& url);

// A numeric property, or `fallback` when absent or unparsable.
std::int64_t get_long(const StringMap& props, const std::string& key, std::int64_t fallback);

}  // namespace sluice::app
