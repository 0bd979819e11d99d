#pragma once
// DistributedHerder: one worker of a cluster (Kafka's DistributedHerder). Workers with the same group.id join
// one group through kafka::ConnectCoordinator; the group leader assigns connectors and tasks
// (IncrementalCooperativeAssignor, or eager_assignment for connect.protocol=eager); configs live in the config
// topic (storage::ConfigStore), statuses in the status topic (storage::StatusStore), source offsets in the
// offsets topic (the OffsetStore handed to the Worker).
//
// Who does what:
//   - Any worker answers reads from its config snapshot and the status store, and writes target states
//     (pause/resume) and cluster-scope logger levels itself, as Kafka does.
//   - Leader-only writes (create/update/delete configs, stop, restart plans, offsets changes, task configs)
//     throw NotLeaderError(leader URL) on followers; rest-api forwards them. With no leader known the URL is
//     empty and rest-api answers Kafka's 409.
//   - The worker running a connector generates its task configs; the leader writes them (followers send them
//     to POST /connectors/{name}/tasks on the leader through `forward_task_configs`). Every task config commit
//     and every added or removed connector makes the leader rebalance so the new work is assigned.
//
// Threads and locks:
//   - The herder thread applies assignments and config-topic events, in order, from a queue (Kafka's tick
//     loop). Config store callbacks, rebalance callbacks and connector reconfiguration requests only enqueue.
//   - on_revoked (the coordinator's rebalance thread) stops the revoked work synchronously before the member
//     rejoins, as Kafka requires; it and the herder thread change what runs only under work_mu_.
//   - state_mu_ guards the small membership state (leader, generation, ownership); never held while blocking.
//   - REST threads never take work_mu_: they read snapshots and write to the stores.
// Lifecycle: construct (stores already started), start() (joins the group), stop() (stops all work so offsets
// are committed, then leaves the group). The destructor calls stop().

#include "core/common/thread_annotations.hpp"
#include "core/herder/herder.hpp"
#include "core/kafka/connect_coordinator.hpp"
#include "core/storage/config_store.hpp"
#include "core/worker/worker.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace sluice::api {
class PluginCatalog;
}
namespace sluice::storage {
class OffsetStore;
class StatusStore;
}  // namespace sluice::storage
namespace sluice::worker {
class WorkerConfig;
}

namespace sluice::herder {

class ConnectorValidator;
class ConfigTransformer;
class IncrementalCooperativeAssignor;

struct DistributedHerderOptions {
  std::string version;           // GET / "version"
  std::string commit;            // GET / "commit"
  std::string kafka_cluster_id;  // GET / "kafka_cluster_id"
  // Sends a connector's generated task configs to the leader: POST <leader>/connectors/<name>/tasks with `body`
  // (a JSON array of the configs) and `headers` (the request signature, when the cluster signs requests).
  // Throws ConnectError when the leader does not accept them; the herder retries.
  std::function<void(const std::string& leader_url, const std::string& connector, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& headers)>
      forward_task_configs;
};

class DistributedHerder final : public Herder,
                                private worker::StatusListener,
                                private storage::ConfigUpdateListener,
                                private kafka::ConnectRebalanceListener {
 public:
  // `worker_id` is the advertised host:port; `coordinator` carries the advertised REST URL and group settings.
  // Everything passed by reference must outlive the herder; the stores must be started.
  DistributedHerder(std::string worker_id, const worker::WorkerConfig& config, api::PluginCatalog& plugins,
                    storage::OffsetStore& offsets, storage::ConfigStore& configs, storage::StatusStore& statuses,
                    kafka::ConnectCoordinatorConfig coordinator, DistributedHerderOptions options);
  ~DistributedHerder() override;
  DistributedHerder(const DistributedHerder&) = delete;
  DistributedHerder& operator=(const DistributedHerder&) = delete;

  void start();
  void stop();

  // For tests and logs.
  bool is_leader() const;
  std::string leader_url() const;
  std::int32_t generation() const;

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
  void put_task_configs(const std::string& name, const std::vector<StringMap>& configs,
                        const std::optional<InternalRequestSignature>& signature) override;
  std::map<std::string, LoggerLevel> logger_levels() override;
  LoggerLevel logger_level(const std::string& logger) override;
  std::vector<std::string> set_logger_level(const std::string& logger, const std::string& level,
                                            bool cluster_scope) override;

 private:
  // What this worker should run (the coordinator's assignment minus what was revoked since).
  struct Target {
    std::set<std::string> connectors;
    std::set<ConnectorTaskId> tasks;
    std::int64_t config_offset = -1;
  };

  // worker::StatusListener (worker threads).
  void on_connector_state(const std::string& connector, State state, const std::optional<std::string>& trace) override;
  void on_task_state(const ConnectorTaskId& id, State state, const std::optional<std::string>& trace) override;
  void on_topic_active(const ConnectorTaskId& id, const std::string& topic) override;

  // storage::ConfigUpdateListener (config store reader thread): enqueue only.
  void on_connector_config_update(const std::string& connector) override;
  void on_connector_config_remove(const std::string& connector) override;
  void on_task_config_update(const std::vector<ConnectorTaskId>& tasks) override;
  void on_connector_target_state_change(const std::string& connector) override;
  void on_restart_request(const storage::RestartRequestRecord& request) override;
  void on_logger_level(const std::string& logger_namespace, const std::string& level) override;

  // kafka::ConnectRebalanceListener (rebalance thread).
  std::int64_t config_offset() override;
  std::map<std::string, kafka::ConnectAssignment> on_leader_elected(const kafka::ConnectLeaderContext& context) override;
  void on_revoked(const std::string& leader, const std::vector<std::string>& connectors,
                  const std::vector<ConnectorTaskId>& tasks) override;
  void on_assigned(const kafka::ConnectAssignment& assignment, std::int32_t generation) override;
  void on_fatal_error(const std::string& message) override;

  // Herder thread.
  void enqueue(std::function<void()> event);
  void schedule(std::chrono::milliseconds delay, std::function<void()> event);
  void run();
  void apply_assignment();
  void reconcile() SLUICE_REQUIRES(work_mu_);
  void start_connector(const std::string& name, const storage::ClusterConfigState& snapshot) SLUICE_REQUIRES(work_mu_);
  void start_task(const ConnectorTaskId& id, const storage::ClusterConfigState& snapshot) SLUICE_REQUIRES(work_mu_);
  void stop_connector_locally(const std::string& name) SLUICE_REQUIRES(work_mu_);
  void stop_tasks_locally(const std::vector<ConnectorTaskId>& ids) SLUICE_REQUIRES(work_mu_);
  void reconfigure_connector(const std::string& name, int attempt);
  void handle_connector_config_update(const std::string& name);
  void handle_connector_removed(const std::string& name);
  void handle_task_config_update(const std::vector<ConnectorTaskId>& tasks);
  void handle_target_state_change(const std::string& name);
  void handle_restart_request(const storage::RestartRequestRecord& request);
  // Leader: rebalance when the configured work differs from what the last assignment covered.
  void check_rebalance_needed();
  // Leader with connect.protocol=sessioned: writes a new session key when there is none or it expired
  // (inter.worker.key.ttl.ms), and schedules the next check.
  void maybe_rotate_session_key();
  bool request_validation_enabled() const;  // the group runs the sessioned protocol
  // Topic tracking: topics this worker remembers but the status topic no longer has (another worker reset them)
  // are forgotten locally, so the tasks report them again. Reschedules itself.
  void sync_topic_tracking();

  // Helpers for REST threads.
  storage::ClusterConfigState snapshot() const;
  void require_leader(const std::string& message) const;
  void check_rebalance_not_needed(const storage::ClusterConfigState& snapshot) const;  // ConflictError
  const StringMap& require_connector(const storage::ClusterConfigState& snapshot, const std::string& name,
                                     const std::string& message) const;
  void check_valid(const StringMap& config);
  // The raw config of a connector whose offsets may change now (leader, config topic read, STOPPED, no tasks).
  StringMap stopped_connector_config(const std::string& name);
  StringMap resolved(const StringMap& raw) const;
  std::string type_of(const StringMap& config) const;
  std::optional<ConnectorStateInfo> status_of(const std::string& name, const storage::ClusterConfigState& snapshot);
  std::optional<std::string> owner_url_of_connector(const std::string& name) const;
  std::optional<std::string> owner_url_of_task(const ConnectorTaskId& id) const;
  bool owns_connector(const std::string& name) const;
  bool owns_task(const ConnectorTaskId& id) const;

  const std::string worker_id_;
  const worker::WorkerConfig& config_;
  api::PluginCatalog& plugins_;
  storage::ConfigStore& configs_;
  storage::StatusStore& statuses_;
  const DistributedHerderOptions options_;
  const kafka::ConnectProtocol protocol_;
  const std::string rest_url_;
  const bool topic_tracking_;
  const bool topic_tracking_reset_;
  const std::chrono::milliseconds sync_timeout_;    // worker.sync.timeout.ms
  const std::chrono::milliseconds unsync_backoff_;  // worker.unsync.backoff.ms
  const std::chrono::milliseconds key_ttl_;         // inter.worker.key.ttl.ms
  const std::string key_algorithm_;                 // inter.worker.key.generation.algorithm
  const std::size_t key_bytes_;                     // inter.worker.key.size / 8 (default 32)
  const std::string signature_algorithm_;           // inter.worker.signature.algorithm
  const std::vector<std::string> verification_algorithms_;  // inter.worker.verification.algorithms
  const std::unique_ptr<ConnectorValidator> validator_;
  const std::unique_ptr<ConfigTransformer> transformer_;
  const std::unique_ptr<IncrementalCooperativeAssignor> assignor_;  // leader's; used on the rebalance thread only

  // Serialises the leader's task-config writes with stop's two writes (empty task configs, then STOPPED), so a
  // worker's task configs for a connector being stopped cannot land between them.
  std::mutex leader_write_mu_;

  // Membership (state_mu_).
  mutable Mutex state_mu_;
  std::string leader_id_ SLUICE_GUARDED_BY(state_mu_);
  std::string leader_url_ SLUICE_GUARDED_BY(state_mu_);
  std::int32_t generation_ SLUICE_GUARDED_BY(state_mu_) = -1;
  bool assigned_once_ SLUICE_GUARDED_BY(state_mu_) = false;
  std::optional<std::string> fatal_error_ SLUICE_GUARDED_BY(state_mu_);
  // Leader only: who owns what after the last assignment, and each member's URL.
  std::map<std::string, std::string> member_urls_ SLUICE_GUARDED_BY(state_mu_);
  std::map<std::string, std::string> connector_owner_ SLUICE_GUARDED_BY(state_mu_);      // -> member id
  std::map<ConnectorTaskId, std::string> task_owner_ SLUICE_GUARDED_BY(state_mu_);       // -> member id
  std::map<std::string, int> assigned_task_counts_ SLUICE_GUARDED_BY(state_mu_);         // what it covered
  bool leader_ SLUICE_GUARDED_BY(state_mu_) = false;
  bool elected_ SLUICE_GUARDED_BY(state_mu_) = false;  // on_leader_elected ran in the current rebalance
  bool key_check_scheduled_ SLUICE_GUARDED_BY(state_mu_) = false;
  // Connectors and task counts as of the last applied assignment: when the config topic says otherwise, a
  // rebalance is due and ownership-dependent requests answer Kafka's "stale configuration" 409.
  std::map<std::string, int> applied_task_counts_ SLUICE_GUARDED_BY(state_mu_);
  // This worker's own work (copy for REST reads; the truth is target_ under work_mu_).
  std::set<std::string> owned_connectors_ SLUICE_GUARDED_BY(state_mu_);
  std::set<ConnectorTaskId> owned_tasks_ SLUICE_GUARDED_BY(state_mu_);

  // What runs here (work_mu_).
  Mutex work_mu_;
  Target target_ SLUICE_GUARDED_BY(work_mu_);
  std::set<std::string> running_connectors_ SLUICE_GUARDED_BY(work_mu_);
  std::set<ConnectorTaskId> running_tasks_ SLUICE_GUARDED_BY(work_mu_);
  std::map<ConnectorTaskId, StringMap> running_task_configs_ SLUICE_GUARDED_BY(work_mu_);
  std::map<std::string, StringMap> running_connector_configs_ SLUICE_GUARDED_BY(work_mu_);
  bool stopping_ SLUICE_GUARDED_BY(work_mu_) = false;

  // The herder thread's queue (plain std::mutex: pairs with the condition variable).
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<std::function<void()>> queue_;                                                    // queue_mu_
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> scheduled_;      // queue_mu_
  bool queue_stopping_ = false;                                                                 // queue_mu_
  std::thread thread_;

  std::atomic<bool> ready_{false};

  std::unique_ptr<worker::Worker> worker_;
  // Hands topic resets read from the status topic to this worker's tasks while the herder lives (the status
  // store's reader thread may outlive it).
  struct TopicResetRelay;
  std::shared_ptr<TopicResetRelay> topic_reset_relay_;
  // Declared last: destroyed first, so no rebalance callback runs into freed state.
  std::unique_ptr<kafka::ConnectCoordinator> coordinator_;
};

}  // namespace sluice::herder
