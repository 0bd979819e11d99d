// `sluice distributed WORKER.properties`: Kafka's connect-distributed.
//
// Start-up order (Kafka's ConnectDistributed): worker config, plugins, Kafka cluster id, the REST server
// listening (every path 404 until the herder is wired, as Kafka's), the three Kafka-backed stores (configs,
// offsets, statuses; each read to its end), the herder, which joins the group named by group.id; then REST
// resources. SIGTERM/SIGINT stop it gracefully: REST first, then every task (flushing producers and committing
// offsets) and connector, then the worker leaves the group so the others take its work over at once, then the
// stores.

#include "app/commands.hpp"
#include "app/worker_main.hpp"
#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/herder/distributed_herder.hpp"
#include "core/kafka/connect_coordinator.hpp"
#include "core/storage/kafka_config_store.hpp"
#include "core/storage/kafka_offset_store.hpp"
#include "core/storage/kafka_status_store.hpp"
#include "core/storage/kafka_store_config.hpp"
#include "core/worker/worker_config.hpp"
#include "plugins/host/registry.hpp"
#include "rest-api/forwarder.hpp"
#include "rest-api/rest_server.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#ifndef SLUICE_GIT_COMMIT
#define SLUICE_GIT_COMMIT "unknown"
#endif

namespace sluice::app {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  static const auto instance = log::get("sluice.distributed");
  return instance;
}

// POST <leader>/connectors/<name>/tasks?forward=true with the task configs and the signature headers (Kafka's
// internal request).
void forward_task_configs(rest::Forwarder& forwarder, const std::string& leader_url, const std::string& connector,
                          const std::string& body, const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string url = leader_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  std::string encoded;
  for (unsigned char c : connector) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  url += "/connectors/" + encoded + "/tasks?forward=true";
  const rest::ForwardResponse response = forwarder.forward(rest::ForwardRequest{url, "POST", body, "", headers});
  if (response.status < 200 || response.status >= 300) {
    std::string message = response.body;
    try {
      auto json = nlohmann::json::parse(response.body);
      if (json.is_object() && json.contains("message") && json["message"].is_string()) message = json["message"];
    } catch (const nlohmann::json::exception&) {
    }
    throw ConnectError("the leader answered " + std::to_string(response.status) + ": " + message);
  }
}

int run_distributed(const std::string& worker_file) {
  const sigset_t stop_signals = block_stop_signals();
  auto log = logger();
  log->info("Kafka Connect distributed worker initializing ...");

  StringMap props;
  try {
    props = load_properties(worker_file);
  } catch (const ConnectError& e) {
    log->error("{}", e.what());
    return kUsageError;
  }
  std::unique_ptr<host::PluginRegistry> plugins = load_plugins(props, *log);

  std::unique_ptr<worker::WorkerConfig> worker_config;
  rest::RestServerConfig rest_config;
  try {
    worker_config = std::make_unique<worker::WorkerConfig>(props, worker::WorkerMode::Distributed);
    rest_config = rest::RestServerConfig::from_worker_properties(props);
  } catch (const ConnectError& e) {
    log->error("Invalid worker configuration in {}: {}", worker_file, e.what());
    return kUsageError;
  }
  // Kafka's default; distributed workers always talk to a real cluster.
  const std::string bootstrap = props.count("bootstrap.servers") ? props["bootstrap.servers"] : "localhost:9092";
  props["bootstrap.servers"] = bootstrap;

  const auto cluster_id = lookup_cluster_id(*worker_config, bootstrap, "sluice-distributed-cluster-id", *log);
  if (!cluster_id) return kRuntimeError;

  std::unique_ptr<rest::RestServer> rest;
  try {
    rest = std::make_unique<rest::RestServer>(rest_config);
    rest->start();
  } catch (const ConnectError& e) {
    log->error("Kafka Connect could not start: {}", e.what());
    return kRuntimeError;
  }
  const std::string advertised = rest->advertised_url();
  const std::string worker_id = worker_id_from_url(advertised);
  log->info("Advertised URI: {}", advertised);

  std::unique_ptr<storage::KafkaOffsetStore> offsets;
  std::unique_ptr<storage::KafkaStatusStore> statuses;
  std::unique_ptr<storage::KafkaConfigStore> configs;
  std::unique_ptr<herder::DistributedHerder> herder;
  rest::HttpForwarder forwarder(rest_config.request_timeout);
  auto stop_stores = [&] {
    if (configs) configs->stop();
    if (statuses) statuses->stop();
    if (offsets) offsets->stop();
  };
  try {
    const storage::KafkaStoreOptions store_options = storage::kafka_store_options(props, worker_id);
    offsets = std::make_unique<storage::KafkaOffsetStore>(store_options);
    statuses = std::make_unique<storage::KafkaStatusStore>(store_options);
    configs = std::make_unique<storage::KafkaConfigStore>(store_options);
    kafka::ConnectCoordinatorConfig coordinator = kafka::connect_coordinator_config(props, advertised);
    herder::DistributedHerderOptions options{version_string(), SLUICE_GIT_COMMIT, *cluster_id,
                                             [&forwarder](const std::string& leader, const std::string& connector,
                                                          const std::string& body, const auto& headers) {
                                               forward_task_configs(forwarder, leader, connector, body, headers);
                                             }};
    // The herder registers itself as the config store's listener, so it must exist before the store reads.
    herder = std::make_unique<herder::DistributedHerder>(worker_id, *worker_config, *plugins, *offsets, *configs,
                                                         *statuses, std::move(coordinator), std::move(options));
    offsets->start();
    statuses->start();
    configs->start();
  } catch (const ConnectError& e) {
    log->error("Kafka Connect could not start: {}", e.what());
    stop_stores();
    herder.reset();
    rest->stop();
    return kRuntimeError;
  }
  herder->start();
  rest->set_herder(herder.get());
  log->info("Kafka Connect started");

  wait_for_stop_signal(stop_signals, *log, props);
  log->info("Kafka Connect stopping");
  rest->stop();
  rest->set_herder(nullptr);
  herder->stop();
  // The stores stop reading before the herder (their listener) goes away.
  stop_stores();
  herder.reset();
  log->info("Kafka Connect stopped");
  return 0;
}

}  // namespace

void add_distributed_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "distributed",
      "Run a distributed Kafka Connect worker (Kafka's connect-distributed): workers with the same group.id share "
      "connectors and tasks; configs, offsets and statuses live in Kafka topics. Stops on SIGTERM or SIGINT.");
  auto worker_file = std::make_shared<std::string>();
  cmd->add_option("worker", *worker_file, "Worker properties file")->required();
  cmd->callback([&exit_code, worker_file] { exit_code = run_distributed(*worker_file); });
}

}  // namespace sluice::app
