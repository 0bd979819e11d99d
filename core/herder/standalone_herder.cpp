#include "core/herder/standalone_herder.hpp"

#include "core/api/plugin_catalog.hpp"
#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/herder/config_transformer.hpp"
#include "core/herder/connector_validator.hpp"
#include "core/herder/herder_support.hpp"
#include "core/worker/worker_config.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace sluice::herder {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  static const auto instance = log::get("sluice.herder");
  return instance;
}

}  // namespace

StandaloneHerder::StandaloneHerder(std::string worker_id, const worker::WorkerConfig& config,
                                   api::PluginCatalog& plugins, storage::OffsetStore& offsets,
                                   StandaloneHerderOptions options)
    : worker_id_(std::move(worker_id)),
      config_(config),
      plugins_(plugins),
      options_(std::move(options)),
      topic_tracking_(config.topic_tracking_enabled()),
      topic_tracking_reset_(config.topic_tracking_reset_allowed()),
      validator_(std::make_unique<ConnectorValidator>(plugins, config.client_config_override_policy())),
      transformer_(std::make_unique<ConfigTransformer>(plugins, config.originals())) {
  // The herder is the worker's status listener (a private base: nobody else should call it).
  worker::StatusListener& listener = *this;
  worker_ = std::make_unique<worker::Worker>(worker_id_, config, plugins, offsets, listener);
}

StandaloneHerder::~StandaloneHerder() {
  stop();
  worker_.reset();
}

void StandaloneHerder::start() {
  logger()->info("Herder starting");
  {
    std::lock_guard lock(queue_mu_);
    if (request_thread_.joinable() || queue_stopping_) return;
    request_thread_ = std::thread([this] { run_requests(); });
  }
  ready_ = true;
  logger()->info("Herder started");
}

void StandaloneHerder::stop() {
  {
    std::lock_guard lock(queue_mu_);
    queue_stopping_ = true;
    pending_reconfigurations_.clear();
  }
  queue_cv_.notify_all();
  if (request_thread_.joinable()) request_thread_.join();

  MutexLock lock(mu_);
  if (stopped_) return;
  stopped_ = true;
  ready_ = false;
  logger()->info("Herder stopping");
  // Every task at once, so shutdown takes one graceful timeout rather than one per task. Tasks flush their
  // producers and commit offsets as they stop.
  std::vector<ConnectorTaskId> all_tasks;
  for (const auto& [name, c] : connectors_) {
    auto ids = task_ids(name, c.tasks.size());
    all_tasks.insert(all_tasks.end(), ids.begin(), ids.end());
  }
  if (!all_tasks.empty()) worker_->stop_tasks(all_tasks);
  for (const auto& [name, c] : connectors_) worker_->stop_connector(name);
  logger()->info("Herder stopped");
}

// ---- lookups ----------------------------------------------------------------------------------------------

const StandaloneHerder::Connector* StandaloneHerder::find(const std::string& name) const {
  auto it = connectors_.find(name);
  return it == connectors_.end() ? nullptr : &it->second;
}

StandaloneHerder::Connector& StandaloneHerder::require(const std::string& name, const std::string& message) {
  auto it = connectors_.find(name);
  if (it == connectors_.end()) throw NotFoundError(message);
  return it->second;
}

std::string StandaloneHerder::type_of(const StringMap& config) const { return connector_type(plugins_, config); }

ConnectorInfo StandaloneHerder::info_of(const std::string& name, const Connector& c) const {
  return ConnectorInfo{name, c.config, task_ids(name, c.tasks.size()), type_of(c.config)};
}

StringMap StandaloneHerder::resolved(const StringMap& raw) const { return transformer_->transform(raw); }

// ---- Herder: info ----------------------------------------------------------------------------------------

ServerInfo StandaloneHerder::server_info() {
  return ServerInfo{options_.version, options_.commit, options_.kafka_cluster_id};
}

HealthInfo StandaloneHerder::health() {
  if (!ready_) return HealthInfo{503, "starting", "Worker is still starting up."};
  return HealthInfo{200, "healthy", "Worker has completed startup and is ready to handle requests."};
}

std::vector<std::string> StandaloneHerder::connectors() {
  MutexLock lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, c] : connectors_) names.push_back(name);
  return names;
}

ConnectorInfo StandaloneHerder::connector_info(const std::string& name) {
  MutexLock lock(mu_);
  return info_of(name, require(name, "Connector " + name + " not found"));
}

StringMap StandaloneHerder::connector_config(const std::string& name) {
  MutexLock lock(mu_);
  return require(name, "Connector " + name + " not found").config;
}

std::vector<TaskInfo> StandaloneHerder::task_configs(const std::string& name) {
  MutexLock lock(mu_);
  const Connector& c = require(name, "Connector " + name + " not found");
  std::vector<TaskInfo> out;
  for (std::size_t i = 0; i < c.tasks.size(); ++i) out.push_back(TaskInfo{{name, static_cast<int>(i)}, c.tasks[i]});
  return out;
}

// ---- Herder: config changes --------------------------------------------------------------------------------

void StandaloneHerder::check_valid(const StringMap& config) {
  const ConfigInfos infos = validator_->validate(config);
  if (std::string message = ConnectorValidator::error_message(infos); !message.empty()) {
    throw BadRequestError(message);
  }
}

CreateResult StandaloneHerder::put_connector_config(const std::string& name, const StringMap& config,
                                                    bool allow_replace, std::optional<TargetState> initial_state) {
  // Validation runs plugin code; it needs no herder state, so it runs before taking the lock.
  check_valid(config);
  MutexLock lock(mu_);
  return put_config_locked(name, config, allow_replace, initial_state);
}

ConnectorInfo StandaloneHerder::patch_connector_config(const std::string& name, const PatchMap& patch) {
  StringMap patched;
  {
    MutexLock lock(mu_);
    patched = require(name, "Connector " + name + " not found").config;
  }
  for (const auto& [key, value] : patch) {
    if (value) {
      patched[key] = *value;
    } else {
      patched.erase(key);
    }
  }
  check_valid(patched);
  MutexLock lock(mu_);
  // Deleted while we validated: PATCH never creates a connector.
  require(name, "Connector " + name + " not found");
  return put_config_locked(name, patched, true, std::nullopt).info;
}

CreateResult StandaloneHerder::put_config_locked(const std::string& name, const StringMap& config, bool allow_replace,
                                                 std::optional<TargetState> initial_state) {
  if (stopped_) throw ConnectError("The worker is shutting down; connector " + name + " was not changed");
  const bool exists = connectors_.count(name) > 0;
  if (exists && !allow_replace) throw AlreadyExistsError("Connector " + name + " already exists");
  if (exists) {
    logger()->info("Reconfiguring connector {}", name);
    worker_->stop_connector(name);
  }
  Connector& c = connectors_[name];
  c.config = config;
  if (!exists) {
    c.target = initial_state.value_or(TargetState::Started);
  } else if (initial_state) {
    c.target = *initial_state;
  }
  track(name, type_of(config));
  start_connector(name);
  update_tasks(name);
  return CreateResult{!exists, info_of(name, c)};
}

void StandaloneHerder::delete_connector(const std::string& name) {
  MutexLock lock(mu_);
  require(name, "Connector " + name + " not found");
  remove_tasks(name);
  worker_->stop_connector(name);
  connectors_.erase(name);
  forget(name);
  // KIP-558: a deleted connector's active topics are forgotten.
  if (topic_tracking_) worker_->reset_active_topics(name);
  logger()->info("Deleted connector {}", name);
}

// ---- Herder: target states ---------------------------------------------------------------------------------

void StandaloneHerder::pause_connector(const std::string& name) {
  MutexLock lock(mu_);
  require(name, "Unknown connector " + name);
  apply_target_state(name, TargetState::Paused);
}

void StandaloneHerder::resume_connector(const std::string& name) {
  MutexLock lock(mu_);
  require(name, "Unknown connector " + name);
  apply_target_state(name, TargetState::Started);
}

void StandaloneHerder::stop_connector(const std::string& name) {
  MutexLock lock(mu_);
  // Kafka's standalone herder fails here with a 500 from its config store; the distributed 404 is the useful
  // answer and is what the reference documents.
  require(name, "Unknown connector " + name);
  remove_tasks(name);
  apply_target_state(name, TargetState::Stopped);
}

void StandaloneHerder::apply_target_state(const std::string& name, TargetState state) {
  Connector& c = connectors_.at(name);
  if (c.target == state) return;  // idempotent, as Kafka's config store only notifies on a change
  logger()->info("Setting target state of connector {} to {}", name, target_state_name(state));
  c.target = state;
  worker_->set_target_state(name, state);
  if (state == TargetState::Started) update_tasks(name);
}

// ---- Herder: restarts -----------------------------------------------------------------------------------

void StandaloneHerder::restart_task(const ConnectorTaskId& id) {
  MutexLock lock(mu_);
  const Connector& c = require(id.connector, "Connector " + id.connector + " not found");
  if (id.task < 0 || static_cast<std::size_t>(id.task) >= c.tasks.size())
    throw NotFoundError("Task " + id.to_string() + " not found");
  worker_->stop_tasks({id});
  start_tasks(id.connector, {id});
}

std::optional<ConnectorStateInfo> StandaloneHerder::restart_connector(const RestartRequest& request) {
  const std::string& name = request.connector;
  MutexLock lock(mu_);
  if (!request.only_failed && !request.include_tasks) {
    // Kafka's plain restart: the connector instance only; tasks follow if their configs changed.
    const Connector& c = require(name, "Connector " + name + " not found");
    worker_->stop_connector(name);
    start_connector(name);
    if (c.target == TargetState::Started) update_tasks(name);
    return std::nullopt;
  }

  const Connector& c = require(name, "Unknown connector: " + name);
  std::optional<ConnectorStateInfo> plan = status_snapshot(name);
  if (!plan) throw NotFoundError("Status for connector " + name + " not found");

  // Kafka's RestartPlan: the connector when !onlyFailed or FAILED; tasks when includeTasks and (!onlyFailed or
  // FAILED). The answer shows RESTARTING for each one that will restart.
  const bool restart_connector = !request.only_failed || plan->connector.state == state_name(State::Failed);
  if (restart_connector) plan->connector.state = state_name(State::Restarting);
  std::vector<ConnectorTaskId> tasks;
  for (auto& task : plan->tasks) {
    if (!request.include_tasks || (request.only_failed && task.state != state_name(State::Failed))) continue;
    task.state = state_name(State::Restarting);
    if (static_cast<std::size_t>(task.id) < c.tasks.size()) tasks.push_back(ConnectorTaskId{name, task.id});
  }
  logger()->info("Received restart request for connector {} (onlyFailed={}, includeTasks={}): connector {}, {} task(s)",
                 name, request.only_failed, request.include_tasks, restart_connector ? "restarts" : "keeps running",
                 tasks.size());

  if (restart_connector) {
    worker_->stop_connector(name);
    set_connector_status(name, State::Restarting);
  }
  if (!tasks.empty()) {
    worker_->stop_tasks(tasks);
    for (const auto& id : tasks) set_task_status(id, State::Restarting);
  }
  if (restart_connector) start_connector(name);
  if (!tasks.empty()) start_tasks(name, tasks);
  return plan;
}

// ---- Herder: statuses ------------------------------------------------------------------------------------

ConnectorStateInfo StandaloneHerder::connector_status(const std::string& name) {
  auto status = status_snapshot(name);
  if (!status) throw NotFoundError("No status found for connector " + name);
  return *status;
}

TaskStateInfo StandaloneHerder::task_status(const ConnectorTaskId& id) {
  MutexLock lock(status_mu_);
  auto it = task_status_.find(id);
  if (it == task_status_.end()) throw NotFoundError("No status found for task " + id.to_string());
  TaskStateInfo out;
  out.id = id.task;
  out.state = state_name(it->second.state);
  out.worker_id = worker_id_;
  out.trace = it->second.trace;
  return out;
}

std::optional<ConnectorStateInfo> StandaloneHerder::status_snapshot(const std::string& name) {
  MutexLock lock(status_mu_);
  auto it = connector_status_.find(name);
  if (it == connector_status_.end()) return std::nullopt;
  ConnectorStateInfo out;
  out.name = name;
  out.connector = StateInfo{state_name(it->second.state), worker_id_, it->second.trace};
  auto type = connector_types_.find(name);
  out.type = type == connector_types_.end() ? "unknown" : type->second;
  for (auto t = task_status_.lower_bound(ConnectorTaskId{name, 0});
       t != task_status_.end() && t->first.connector == name; ++t) {
    TaskStateInfo task;
    task.id = t->first.task;
    task.state = state_name(t->second.state);
    task.worker_id = worker_id_;
    task.trace = t->second.trace;
    out.tasks.push_back(std::move(task));
  }
  return out;
}

void StandaloneHerder::on_connector_state(const std::string& connector, State state,
                                          const std::optional<std::string>& trace) {
  MutexLock lock(status_mu_);
  if (tracked_connectors_.count(connector) == 0) return;
  if (state == State::Destroyed) {
    connector_status_.erase(connector);
  } else {
    connector_status_[connector] = Status{state, trace};
  }
}

void StandaloneHerder::on_task_state(const ConnectorTaskId& id, State state, const std::optional<std::string>& trace) {
  MutexLock lock(status_mu_);
  if (tracked_tasks_.count(id) == 0) return;
  if (state == State::Destroyed) {
    task_status_.erase(id);
  } else {
    task_status_[id] = Status{state, trace};
  }
}

void StandaloneHerder::track(const std::string& connector, const std::string& type) {
  MutexLock lock(status_mu_);
  tracked_connectors_.insert(connector);
  connector_types_[connector] = type;
}

void StandaloneHerder::forget(const std::string& connector) {
  MutexLock lock(status_mu_);
  tracked_connectors_.erase(connector);
  connector_types_.erase(connector);
  connector_status_.erase(connector);
  for (auto it = tracked_tasks_.begin(); it != tracked_tasks_.end();) {
    it = it->connector == connector ? tracked_tasks_.erase(it) : std::next(it);
  }
  for (auto it = task_status_.begin(); it != task_status_.end();) {
    it = it->first.connector == connector ? task_status_.erase(it) : std::next(it);
  }
}

void StandaloneHerder::track_tasks(const std::vector<ConnectorTaskId>& ids) {
  MutexLock lock(status_mu_);
  tracked_tasks_.insert(ids.begin(), ids.end());
}

void StandaloneHerder::forget_tasks(const std::vector<ConnectorTaskId>& ids) {
  MutexLock lock(status_mu_);
  for (const auto& id : ids) {
    tracked_tasks_.erase(id);
    task_status_.erase(id);
  }
}

void StandaloneHerder::set_connector_status(const std::string& connector, State state) {
  MutexLock lock(status_mu_);
  if (tracked_connectors_.count(connector) > 0) connector_status_[connector] = Status{state, std::nullopt};
}

void StandaloneHerder::set_task_status(const ConnectorTaskId& id, State state) {
  MutexLock lock(status_mu_);
  if (tracked_tasks_.count(id) > 0) task_status_[id] = Status{state, std::nullopt};
}

// ---- worker driving ------------------------------------------------------------------------------------------

void StandaloneHerder::start_connector(const std::string& name) {
  const Connector& c = connectors_.at(name);
  worker_->start_connector(name, resolved(c.config), c.target, [this, name] { request_reconfiguration(name); });
}

void StandaloneHerder::start_tasks(const std::string& name, const std::vector<ConnectorTaskId>& ids) {
  const Connector& c = connectors_.at(name);
  const StringMap connector_config = resolved(c.config);
  for (const auto& id : ids) worker_->start_task(id, connector_config, resolved(c.tasks.at(id.task)), c.target);
}

void StandaloneHerder::remove_tasks(const std::string& name) {
  Connector& c = connectors_.at(name);
  if (c.tasks.empty()) return;
  const auto ids = task_ids(name, c.tasks.size());
  worker_->stop_tasks(ids);
  c.tasks.clear();
  forget_tasks(ids);
}

void StandaloneHerder::update_tasks(const std::string& name) {
  Connector& c = connectors_.at(name);
  if (c.target != TargetState::Started) {
    logger()->info("Skipping update of tasks for connector {} since its target state is {}", name,
                   target_state_name(c.target));
    return;
  }
  // The worker runs connector calls in order on the connector's thread, so this waits for a start or resume
  // queued just before; a connector that is not running (it failed) answers with an error.
  std::vector<StringMap> generated;
  try {
    generated = worker_->connector_task_configs(name);
  } catch (const ConnectError& e) {
    logger()->info("Skipping update of tasks for connector {}: {}", name, e.what());
    return;
  }
  std::vector<StringMap> raw = reverse_transform(c.config, std::move(generated));
  // Tasks restart when their configs changed, or when the connector config changed since they were generated
  // (a connector may generate identical task configs for a new connector config).
  const bool changed = raw != c.tasks || !c.applied || *c.applied != c.config;
  if (!changed) {
    logger()->debug("Skipping reconfiguration of connector {} as generated configs appear unchanged", name);
    return;
  }
  remove_tasks(name);
  c.tasks = std::move(raw);
  c.applied = c.config;
  const auto ids = task_ids(name, c.tasks.size());
  track_tasks(ids);
  start_tasks(name, ids);
}

void StandaloneHerder::request_reconfiguration(const std::string& name) {
  {
    std::lock_guard lock(queue_mu_);
    if (queue_stopping_) return;
    pending_reconfigurations_.insert(name);
  }
  queue_cv_.notify_one();
}

void StandaloneHerder::run_requests() {
  for (;;) {
    std::string name;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return queue_stopping_ || !pending_reconfigurations_.empty(); });
      if (queue_stopping_) return;
      name = *pending_reconfigurations_.begin();
      pending_reconfigurations_.erase(pending_reconfigurations_.begin());
    }
    try {
      MutexLock lock(mu_);
      if (stopped_ || connectors_.count(name) == 0) {
        logger()->error("Task that requested reconfiguration does not exist: {}", name);
        continue;
      }
      update_tasks(name);
    } catch (const std::exception& e) {
      logger()->error("Task reconfiguration of connector {} failed: {}", name, e.what());
    }
  }
}

// ---- Herder: offsets ---------------------------------------------------------------------------------------

std::vector<ConnectorOffset> StandaloneHerder::connector_offsets(const std::string& name) {
  StringMap config;
  {
    MutexLock lock(mu_);
    config = require(name, "Connector " + name + " not found").config;
  }
  std::vector<ConnectorOffset> out;
  for (auto& entry : worker_->connector_offsets(name, resolved(config))) {
    out.push_back(ConnectorOffset{std::move(entry.partition), std::move(entry.offset)});
  }
  return out;
}

void StandaloneHerder::check_offsets_modifiable(const std::string& name) {
  const Connector& c = require(name, "Connector " + name + " not found");
  require_stopped_for_offset_changes(name, c.target == TargetState::Stopped && c.tasks.empty());
}

std::string StandaloneHerder::alter_connector_offsets(const std::string& name,
                                                      const std::vector<ConnectorOffset>& offsets) {
  if (offsets.empty()) throw ConnectError("The offsets to be altered may not be null or empty");
  MutexLock lock(mu_);
  check_offsets_modifiable(name);
  std::vector<worker::SourceOffset> entries;
  for (const auto& o : offsets) entries.push_back(worker::SourceOffset{o.partition, o.offset});
  return worker_->alter_connector_offsets(name, resolved(connectors_.at(name).config), entries);
}

std::string StandaloneHerder::reset_connector_offsets(const std::string& name) {
  MutexLock lock(mu_);
  check_offsets_modifiable(name);
  return worker_->reset_connector_offsets(name, resolved(connectors_.at(name).config));
}

// ---- Herder: topics ------------------------------------------------------------------------------------------

std::set<std::string> StandaloneHerder::active_topics(const std::string& name) {
  if (!topic_tracking_) throw RestError(403, "Topic tracking is disabled.");
  return worker_->active_topics(name);
}

void StandaloneHerder::reset_active_topics(const std::string& name) {
  if (!topic_tracking_) throw RestError(403, "Topic tracking is disabled.");
  if (!topic_tracking_reset_) throw RestError(403, "Topic tracking reset is disabled.");
  worker_->reset_active_topics(name);
}

// ---- Herder: plugins ---------------------------------------------------------------------------------------

ConfigInfos StandaloneHerder::validate_connector_config(const StringMap& config) { return validator_->validate(config); }

std::vector<PluginDesc> StandaloneHerder::connector_plugins(bool connectors_only) {
  return list_connector_plugins(plugins_, connectors_only);
}

std::vector<ConfigKeyInfo> StandaloneHerder::plugin_config(const std::string& plugin) {
  return validator_->plugin_config(plugin);
}

// ---- Herder: loggers ---------------------------------------------------------------------------------------

std::map<std::string, LoggerLevel> StandaloneHerder::logger_levels() { return current_logger_levels(); }

LoggerLevel StandaloneHerder::logger_level(const std::string& name) { return current_logger_level(name); }

std::vector<std::string> StandaloneHerder::set_logger_level(const std::string& name, const std::string& level,
                                                            bool /*cluster_scope*/) {
  // Standalone: this worker is the whole cluster, so cluster scope is applied locally too.
  return apply_logger_level(name, level);
}

}  // namespace sluice::herder
