// `sluice standalone WORKER.properties [CONNECTOR.properties|CONNECTOR.json]...`: Kafka's connect-standalone.
//
// Start-up order (Kafka's ConnectStandalone): worker config, plugins, Kafka cluster id, offset store, REST
// server listening (every path 404 until the herder is wired), herder, REST resources, then the connectors
// named on the command line. SIGTERM/SIGINT stop it gracefully: REST first, then every task (flushing its
// producer and committing offsets), connectors, the offset store, and the embedded broker if one runs.

#include "app/commands.hpp"
#include "app/worker_main.hpp"
#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/config/config_def.hpp"
#include "core/herder/standalone_herder.hpp"
#include "core/kafka/dev_broker.hpp"
#include "core/storage/file_offset_store.hpp"
#include "core/worker/worker_config.hpp"
#include "plugins/host/registry.hpp"
#include "rest-api/rest_server.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <utility>
#include <string>
#include <vector>

#ifndef SLUICE_GIT_COMMIT
#define SLUICE_GIT_COMMIT "unknown"
#endif

namespace sluice::app {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  static const auto instance = log::get("sluice.standalone");
  return instance;
}

struct ConnectorRequest {
  std::string name;
  StringMap config;
  std::optional<TargetState> initial_state;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("Could not read connector configuration file " + path + ": " + std::strerror(errno));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Jackson's Map<String, String> coercion: strings as they are, numbers and booleans as their text.
std::optional<std::string> scalar_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) return value.dump();
  return std::nullopt;
}

std::optional<StringMap> string_map(const nlohmann::json& object) {
  if (!object.is_object()) return std::nullopt;
  StringMap out;
  for (const auto& [key, value] : object.items()) {
    auto text = scalar_text(value);
    if (!text) return std::nullopt;
    out.emplace(key, std::move(*text));
  }
  return out;
}

std::string missing_name(const std::string& path) {
  return "Connector configuration at '" + path + "' is missing the mandatory 'name' configuration";
}

// Kafka's ConnectStandalone.parseConnectorConfigurationFile: a flat JSON map of strings, else a JSON
// CreateConnectorRequest ({"name", "config", "initial_state"}), else a Java properties file.
ConnectorRequest parse_connector_file(const std::string& path) {
  const std::string text = read_text(path);
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_object()) {
    if (auto flat = string_map(json)) {
      auto name = flat->find("name");
      if (name == flat->end()) throw ConfigError(missing_name(path));
      return ConnectorRequest{name->second, std::move(*flat), std::nullopt};
    }
    auto config = json.find("config");
    if (config != json.end()) {
      auto map = string_map(*config);
      if (!map) {
        throw ConfigError("Connector configuration at '" + path +
                          "' has a 'config' that is not an object of string values");
      }
      auto name = json.find("name");
      if (name == json.end() || !name->is_string()) throw ConfigError(missing_name(path));
      ConnectorRequest request{name->get<std::string>(), std::move(*map), std::nullopt};
      if (auto it = request.config.find("name"); it != request.config.end()) {
        if (it->second != request.name) {
          throw ConfigError("Connector name configuration in 'config' doesn't match the one specified in 'name' at '" +
                            path + "'");
        }
      } else {
        request.config["name"] = request.name;
      }
      if (auto state = json.find("initial_state"); state != json.end() && !state->is_null()) {
        std::string value = state->is_string() ? state->get<std::string>() : state->dump();
        for (auto& c : value) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (value == "RUNNING") {
          request.initial_state = TargetState::Started;
        } else if (value == "PAUSED") {
          request.initial_state = TargetState::Paused;
        } else if (value == "STOPPED") {
          request.initial_state = TargetState::Stopped;
        } else {
          throw ConfigError("Connector configuration at '" + path + "' has an invalid initial_state '" +
                            state->dump() + "'; expected RUNNING, PAUSED or STOPPED");
        }
      }
      return request;
    }
  }
  StringMap props = load_properties(path);
  auto name = props.find("name");
  if (name == props.end()) throw ConfigError(missing_name(path));
  return ConnectorRequest{name->second, std::move(props), std::nullopt};
}

// The topics a connector config names (`topic` of a source, `topics` of a sink), created with one partition.
void create_single_partition_topics(kafka::DevBroker& broker, const StringMap& config) {
  std::vector<std::string> names;
  if (auto topic = config.find("topic"); topic != config.end()) names.push_back(topic->second);
  if (auto topics = config.find("topics"); topics != config.end()) {
    std::string item;
    std::istringstream in(topics->second);
    while (std::getline(in, item, ',')) names.push_back(item);
  }
  for (auto name : names) {
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name.empty()) continue;
    try {
      broker.create_topic(name, 1);
      logger()->info("Created topic {} with 1 partition on the embedded broker", name);
    } catch (const ConnectError& e) {
      logger()->debug("Topic {} not created on the embedded broker: {}", name, e.what());
    }
  }
}

int run_standalone(const std::string& worker_file, const std::vector<std::string>& connector_files) {
  // Block the stop signals before any thread starts: every thread inherits the mask.
  const sigset_t stop_signals = block_stop_signals();

  auto log = logger();
  log->info("Kafka Connect standalone worker initializing ...");

  StringMap props;
  try {
    props = load_properties(worker_file);
  } catch (const ConnectError& e) {
    log->error("{}", e.what());
    return kUsageError;
  }

  // Kafka's plugin scanning happens first; "Kafka version" marks that plugins are loaded (harnesses wait for it).
  std::unique_ptr<host::PluginRegistry> plugins = load_plugins(props, *log);
  host::PluginRegistry& registry = *plugins;

  // Connector files are read up front, so a broken one stops us before anything starts.
  std::vector<std::pair<std::string, ConnectorRequest>> requests;
  for (const auto& file : connector_files) {
    try {
      requests.emplace_back(file, parse_connector_file(file));
    } catch (const std::exception& e) {
      log->error("Failed to create connector from {}: {}", file, e.what());
      return kRuntimeError;
    }
  }

  // Without bootstrap.servers, an in-process dev broker keeps the quickstart a single command.
  std::optional<kafka::DevBroker> embedded;
  if (props.find("bootstrap.servers") == props.end()) {
    try {
      embedded.emplace(1);
    } catch (const ConnectError& e) {
      log->error("Could not start the embedded Kafka broker: {}", e.what());
      return kRuntimeError;
    }
    // The dev broker auto-creates topics with 4 partitions; a real broker's default (num.partitions) is 1, which
    // is what keeps the quickstart's lines in order end to end. Create the command-line connectors' topics so.
    for (const auto& [file, request] : requests) create_single_partition_topics(*embedded, request.config);
    props["bootstrap.servers"] = embedded->bootstrap();
    log->warn(
        "bootstrap.servers is not set in {}: started an EMBEDDED IN-MEMORY Kafka broker at {}. ALL DATA LIVES IN "
        "MEMORY ONLY AND IS LOST WHEN THIS PROCESS EXITS. Set bootstrap.servers to use a real Kafka cluster.",
        worker_file, embedded->bootstrap());
  }

  std::unique_ptr<worker::WorkerConfig> worker_config;
  try {
    worker_config = std::make_unique<worker::WorkerConfig>(props, worker::WorkerMode::Standalone);
  } catch (const ConnectError& e) {
    log->error("Invalid worker configuration in {}: {}", worker_file, e.what());
    return kUsageError;
  }

  const auto found_cluster_id =
      lookup_cluster_id(*worker_config, props["bootstrap.servers"], "sluice-standalone-cluster-id", *log);
  if (!found_cluster_id) return kRuntimeError;
  const std::string cluster_id = *found_cluster_id;

  std::unique_ptr<storage::FileOffsetStore> offsets;
  std::unique_ptr<rest::RestServer> rest;
  try {
    offsets = std::make_unique<storage::FileOffsetStore>(worker_config->offset_storage_file().value_or(""));
    offsets->start();
    rest = std::make_unique<rest::RestServer>(rest::RestServerConfig::from_worker_properties(props));
    rest->start();
  } catch (const ConnectError& e) {
    log->error("Kafka Connect could not start: {}", e.what());
    return kRuntimeError;
  }
  const std::string advertised = rest->advertised_url();
  log->info("Advertised URI: {}", advertised);

  std::unique_ptr<herder::StandaloneHerder> herder;
  try {
    herder = std::make_unique<herder::StandaloneHerder>(
        worker_id_from_url(advertised), *worker_config, registry, *offsets,
        herder::StandaloneHerderOptions{version_string(), SLUICE_GIT_COMMIT, cluster_id});
  } catch (const ConnectError& e) {
    log->error("Kafka Connect could not start: {}", e.what());
    rest->stop();
    offsets->stop();
    return kRuntimeError;
  }
  herder->start();
  rest->set_herder(herder.get());

  auto shutdown = [&] {
    log->info("Kafka Connect stopping");
    rest->stop();
    rest->set_herder(nullptr);
    herder->stop();
    herder.reset();
    offsets->stop();
    embedded.reset();
    log->info("Kafka Connect stopped");
  };

  for (const auto& [file, request] : requests) {
    try {
      auto result = herder->put_connector_config(request.name, request.config, false, request.initial_state);
      log->info("Created connector {}", result.info.name);
    } catch (const std::exception& e) {
      log->error("Failed to create connector from {}: {}", file, e.what());
      log->error("Stopping after connector error");
      shutdown();
      return kRuntimeError;
    }
  }
  log->info("Kafka Connect started");

  wait_for_stop_signal(stop_signals, *log, props);
  shutdown();
  return 0;
}

}  // namespace

void add_standalone_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "standalone",
      "Run a standalone Kafka Connect worker (Kafka's connect-standalone): WORKER.properties, then connector "
      "configs as .properties files, flat JSON maps or {\"name\",\"config\",\"initial_state\"} JSON. Without "
      "bootstrap.servers an embedded in-memory Kafka broker is started. Stops on SIGTERM or SIGINT.");
  // Shared with the callback, which CLI11 runs after this function returned.
  auto worker_file = std::make_shared<std::string>();
  auto connector_files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("worker", *worker_file, "Worker properties file")->required();
  cmd->add_option("connectors", *connector_files, "Connector configuration files (.properties or .json)");
  cmd->callback([&exit_code, worker_file, connector_files] {
    exit_code = run_standalone(*worker_file, *connector_files);
  });
}

}  // namespace sluice::app
