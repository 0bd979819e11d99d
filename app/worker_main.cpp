#include "app/worker_main.hpp"

#include "app/commands.hpp"
#include "core/common/errors.hpp"
#include "core/config/properties.hpp"
#include "core/convert/builtins.hpp"
#include "core/kafka/admin.hpp"
#include "core/transforms/builtins.hpp"
#include "core/worker/client_overrides.hpp"
#include "core/worker/config_providers.hpp"
#include "core/worker/worker_config.hpp"
#include "plugins/host/registry.hpp"

#include <pthread.h>
#include <signal.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>

#ifndef SLUICE_GIT_COMMIT
#define SLUICE_GIT_COMMIT "unknown"
#endif

namespace sluice::app {

namespace {
constexpr std::chrono::seconds kClusterIdTimeout{30};
}

sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return signals;
}

void wait_for_stop_signal(const sigset_t& signals, spdlog::logger& log, const StringMap& props) {
  int signal_number = 0;
  if (const int error = sigwait(&signals, &signal_number); error != 0) {
    log.error("Cannot wait for SIGTERM/SIGINT ({}); stopping", std::strerror(error));
    return;
  }
  log.info("Received {}, shutting down (task.shutdown.graceful.timeout.ms={})",
           signal_number == SIGINT ? "SIGINT" : "SIGTERM", get_long(props, "task.shutdown.graceful.timeout.ms", 5000));
}

StringMap load_properties(const std::string& path) {
  StringMap out;
  for (auto& [key, value] : config::load_properties_file(path)) out[key] = std::move(value);
  return out;
}

std::unique_ptr<host::PluginRegistry> load_plugins(const StringMap& props, spdlog::logger& log) {
  auto registry = std::make_unique<host::PluginRegistry>();
  for (auto& builtin : convert::builtin_converters()) registry->register_builtin(std::move(builtin));
  for (auto& builtin : transforms::builtin_transformations()) registry->register_builtin(std::move(builtin));
  for (auto& builtin : worker::builtin_config_providers()) registry->register_builtin(std::move(builtin));
  if (auto path = props.find("plugin.path"); path != props.end() && !path->second.empty()) {
    log.info("Loading plugins from plugin.path={}", path->second);
    const auto report = registry->load_plugin_path(path->second);
    log.info("Loaded {} plugin librar{}, rejected {}", report.loaded, report.loaded == 1 ? "y" : "ies",
             report.rejected);
    for (const auto& rejected : registry->rejected()) log.warn("Plugin rejected: {}", rejected.reason);
  } else {
    log.info("No plugin.path set: only built-in plugins are available");
  }
  log.info("Kafka version: {}", version_string());
  log.info("Kafka commitId: {}", SLUICE_GIT_COMMIT);
  return registry;
}

std::optional<std::string> lookup_cluster_id(const worker::WorkerConfig& config, const std::string& bootstrap,
                                             const std::string& client_id, spdlog::logger& log) {
  try {
    const auto admin_props = worker::admin_properties(
        config, bootstrap, worker::parse_override_policy(config.client_config_override_policy()), {}, client_id);
    kafka::Admin admin(admin_props, client_id);
    std::string id = admin.cluster_id(kClusterIdTimeout);
    log.info("Kafka cluster ID: {}", id);
    return id;
  } catch (const ConnectError& e) {
    log.error(
        "Failed to connect to and describe Kafka cluster at {}: {}. Check the worker's broker connection and "
        "security properties.",
        bootstrap, e.what());
    return std::nullopt;
  }
}

std::string worker_id_from_url(const std::string& url) {
  std::string rest = url;
  if (auto scheme = rest.find("://"); scheme != std::string::npos) rest = rest.substr(scheme + 3);
  if (auto slash = rest.find('/'); slash != std::string::npos) rest = rest.substr(0, slash);
  return rest;
}

std::int64_t get_long(const StringMap& props, const std::string& key, std::int64_t fallback) {
  auto it = props.find(key);
  if (it == props.end()) return fallback;
  try {
    return std::stoll(it->second);
  } catch (const std::exception&) {
    return fallback;
  }
}

}  // namespace sluice::app
