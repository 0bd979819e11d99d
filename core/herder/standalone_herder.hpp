#pragma once
// StandaloneHerder: one process, configs in memory (Kafka's StandaloneHerder + AbstractHerder). It keeps each
// connector's raw config exactly as submitted, its target state and its generated task configs, the statuses
// reported by the Worker, and drives the Worker it owns.
//
// Ownership: the herder owns the Worker (it is the Worker's StatusListener). The catalog, offset store and
// WorkerConfig passed in must outlive the herder.
//
// Threads and locks:
//   - mu_ serialises every operation that reads or changes connector state, and is held while the herder calls
//     into the Worker (as Kafka's synchronized StandaloneHerder does). Herder methods are called from REST
//     threads and from the herder's own request thread.
//   - status_mu_ guards the statuses only. Worker status callbacks (any worker thread) take nothing else, and
//     the herder never calls the Worker while holding it, so a callback that fires while the herder waits on
//     the Worker (holding mu_) cannot deadlock.
//   - A connector asking for task reconfiguration (from its connector thread) only queues the request; the
//     request thread then takes mu_ and regenerates the task configs. The queue holds at most one entry per
//     connector.
// Lifecycle: construct, start() (health turns "healthy"), use, stop() (stops all tasks, which flush and commit
// offsets, then connectors). The destructor calls stop().

#include "core/common/thread_annotations.hpp"
#include "core/herder/herder.hpp"
#include "core/worker/worker.hpp"

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace sluice::api {
class PluginCatalog;
}
namespace sluice::storage {
class OffsetStore;
}
namespace sluice::worker {
class WorkerConfig;
}

namespace sluice::herder {

class ConnectorValidator;
class ConfigTransformer;

struct StandaloneHerderOptions {
  std::string version;           // GET / "version"
  std::string commit;            // GET / "commit"
  std::string kafka_cluster_id;  // GET / "kafka_cluster_id" (looked up by the caller, as Kafka's Connect main does)
};

class StandaloneHerder final : public Herder, private worker::StatusListener {
 public:
  // `worker_id` is the advertised host:port (Kafka's workerId), shown in every status.
  StandaloneHerder(std::string worker_id, const worker::WorkerConfig& config, api::PluginCatalog& plugins,
                   storage::OffsetStore& offsets, StandaloneHerderOptions options);
  ~StandaloneHerder() override;
  StandaloneHerder(const StandaloneHerder&) = delete;
  StandaloneHerder& operator=(const StandaloneHerder&) = delete;

  // Starts the request thread and marks the herder ready (GET /health turns 200).
  void start();
  // Stops every connector's tasks (they flush and commit offsets) and connectors, then the request thread.
  // Idempotent; bounded by the worker's graceful timeouts.
  void stop();

  worker::Worker& worker() { return *worker_; }
  const std::string& worker_id() const { return worker_id_; }

  // Herder
  ServerInfo server_info() override;
  HealthInfo health() override;
  std::vector<std::string> connectors() override;
  ConnectorInfo connector_info(const std::string& name) override;
  StringMap connector_config(const std::string& name) override;
  CreateResult put_connector_config(const std::string& name, const StringMap& config, bool allow_replace,
                                    std::optional<TargetState> initial_state) override;
  ConnectorInfo patch_connector_config(const std::string& name, const PatchMap& patch) override;
  void delete_connector(const std::string& name) override;
  ConnectorStateInfo connector_status(const std::string& name) override;
  TaskStateInfo task_status(const ConnectorTaskId& id) override;
  std::vector<TaskInfo> task_configs(const std::string& name) override;
  void restart_task(const ConnectorTaskId& id) override;
  std::optional<ConnectorStateInfo> restart_connector(const RestartRequest& request) override;
  void pause_connector(const std::string& name) override;
  void resume_connector(const std::string& name) override;
  void stop_connector(const std::string& name) override;
  std::vector<ConnectorOffset> connector_offsets(const std::string& name) override;
  std::string alter_connector_offsets(const std::string& name, const std::vector<ConnectorOffset>& offsets) override;
  std::string reset_connector_offsets(const std::string& name) override;
  std::set<std::string> active_topics(const std::string& name) override;
  void reset_active_topics(const std::string& name) override;
  ConfigInfos validate_connector_config(const StringMap& config) override;
  std::vector<PluginDesc> connector_plugins(bool connectors_only) override;
  std::vector<ConfigKeyInfo> plugin_config(const std::string& plugin) override;
  std::map<std::string, LoggerLevel> logger_levels() override;
  LoggerLevel logger_level(const std::string& logger) override;
  std::vector<std::string> set_logger_level(const std::string& logger, const std::string& level,
                                            bool cluster_scope) override;

 private:
  struct Connector {
    StringMap config;  // raw, exactly as submitted
    TargetState target = TargetState::Started;
    std::vector<StringMap> tasks;          // raw task configs (placeholders restored); index = task id
    std::optional<StringMap> applied;      // the connector config the current task configs were generated from
  };
  struct Status {
    State state = State::Unassigned;
    std::optional<std::string> trace;
  };

  // worker::StatusListener (worker threads; status_mu_ only).
  void on_connector_state(const std::string& connector, State state, const std::optional<std::string>& trace) override;
  void on_task_state(const ConnectorTaskId& id, State state, const std::optional<std::string>& trace) override;

  const Connector* find(const std::string& name) const SLUICE_REQUIRES(mu_);
  Connector& require(const std::string& name, const std::string& message) SLUICE_REQUIRES(mu_);
  ConnectorInfo info_of(const std::string& name, const Connector& c) const SLUICE_REQUIRES(mu_);
  std::string type_of(const StringMap& config) const;
  // The config the Worker gets: ${provider:path:key} placeholders resolved.
  StringMap resolved(const StringMap& raw) const;

  void start_connector(const std::string& name) SLUICE_REQUIRES(mu_);
  void start_tasks(const std::string& name, const std::vector<ConnectorTaskId>& ids) SLUICE_REQUIRES(mu_);
  // Stops the tasks, forgets their configs and statuses (Kafka's removeConnectorTasks).
  void remove_tasks(const std::string& name) SLUICE_REQUIRES(mu_);
  // Regenerates task configs from the running connector; replaces and restarts the tasks when they changed.
  void update_tasks(const std::string& name) SLUICE_REQUIRES(mu_);
  void apply_target_state(const std::string& name, TargetState state) SLUICE_REQUIRES(mu_);
  CreateResult put_config_locked(const std::string& name, const StringMap& config, bool allow_replace,
                                 std::optional<TargetState> initial_state) SLUICE_REQUIRES(mu_);
  void check_offsets_modifiable(const std::string& name) SLUICE_REQUIRES(mu_);
  void check_valid(const StringMap& config);  // BadRequestError listing every validation error

  // Status bookkeeping (status_mu_).
  void track(const std::string& connector, const std::string& type);
  void forget(const std::string& connector);
  void track_tasks(const std::vector<ConnectorTaskId>& ids);
  void forget_tasks(const std::vector<ConnectorTaskId>& ids);
  void set_connector_status(const std::string& connector, State state);
  void set_task_status(const ConnectorTaskId& id, State state);
  std::optional<ConnectorStateInfo> status_snapshot(const std::string& name);

  void request_reconfiguration(const std::string& name);
  void run_requests();

  const std::string worker_id_;
  const worker::WorkerConfig& config_;
  api::PluginCatalog& plugins_;
  const StandaloneHerderOptions options_;
  const bool topic_tracking_;
  const bool topic_tracking_reset_;
  const std::unique_ptr<ConnectorValidator> validator_;
  const std::unique_ptr<ConfigTransformer> transformer_;

  mutable Mutex mu_;
  std::map<std::string, Connector> connectors_ SLUICE_GUARDED_BY(mu_);
  bool stopped_ SLUICE_GUARDED_BY(mu_) = false;

  Mutex status_mu_;
  std::map<std::string, Status> connector_status_ SLUICE_GUARDED_BY(status_mu_);
  std::map<ConnectorTaskId, Status> task_status_ SLUICE_GUARDED_BY(status_mu_);
  std::map<std::string, std::string> connector_types_ SLUICE_GUARDED_BY(status_mu_);  // "source" / "sink"
  // Status updates are accepted only for these, so a late callback cannot resurrect a deleted connector or task.
  std::set<std::string> tracked_connectors_ SLUICE_GUARDED_BY(status_mu_);
  std::set<ConnectorTaskId> tracked_tasks_ SLUICE_GUARDED_BY(status_mu_);

  std::atomic<bool> ready_{false};

  // The request queue: plain std::mutex, as it pairs with a condition variable.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::set<std::string> pending_reconfigurations_;  // guarded by queue_mu_
  bool queue_stopping_ = false;                     // guarded by queue_mu_
  std::thread request_thread_;

  // Declared last: destroyed first, so worker threads never call back into freed herder state.
  std::unique_ptr<worker::Worker> worker_;
};

}  // namespace sluice::herder
