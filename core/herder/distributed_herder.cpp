#include "core/herder/distributed_herder.hpp"

#include "core/api/plugin_catalog.hpp"
#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/herder/assignor.hpp"
#include "core/herder/config_transformer.hpp"
#include "core/herder/connector_validator.hpp"
#include "core/herder/herder_support.hpp"
#include "core/herder/request_signature.hpp"
#include "core/kafka/protocol/sasl.hpp"
#include "core/storage/status_store.hpp"
#include "core/worker/worker_config.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace sluice::herder {
namespace {

using storage::ClusterConfigState;
using storage::StatusRecord;

std::shared_ptr<spdlog::logger> logger() {
  static const auto instance = log::get("sluice.herder");
  return instance;
}

constexpr std::chrono::milliseconds kReconfigureBackoff{250};  // Kafka's RECONFIGURE_CONNECTOR_TASKS_BACKOFF
constexpr std::chrono::milliseconds kReconfigureBackoffMax{10000};
constexpr std::chrono::milliseconds kStatusFlushTimeout{5000};
constexpr std::chrono::milliseconds kTopicSyncInterval{2000};

// Task configs of a connector as the config topic has them committed, by task id.
std::vector<StringMap> committed_task_configs(const ClusterConfigState& snapshot, const std::string& name) {
  std::vector<StringMap> out;
  for (const auto& id : snapshot.tasks(name)) {
    auto it = snapshot.task_configs.find(id);
    out.push_back(it == snapshot.task_configs.end() ? StringMap{} : it->second);
  }
  return out;
}

// The config topic position in Kafka's terms (ClusterConfigState.offset: the offset after the last record read,
// -1 before any), which workers exchange in JoinGroup metadata and assignments; the store counts the last
// record read. Java and sluice workers in one group must agree on it.
std::int64_t config_position(const ClusterConfigState& state) { return state.offset < 0 ? -1 : state.offset + 1; }

// What the assignors need: every connector with its number of runnable (committed, consistent) tasks.
ClusterConfigSnapshot assignment_snapshot(const ClusterConfigState& state) {
  ClusterConfigSnapshot out;
  out.offset = config_position(state);
  for (const auto& [name, config] : state.connector_configs) {
    out.task_counts[name] = state.inconsistent.count(name) > 0 ? 0 : static_cast<int>(state.tasks(name).size());
  }
  return out;
}

std::size_t key_size_bytes(const worker::WorkerConfig& config) {
  auto it = config.originals().find("inter.worker.key.size");
  if (it == config.originals().end() || it->second.empty()) return 32;  // HmacSHA256's default key size
  return static_cast<std::size_t>(std::max(8, std::stoi(it->second) / 8));
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_restart_target(bool only_failed, const std::optional<StatusRecord>& status) {
  return !only_failed || (status && status->state == State::Failed);
}

}  // namespace

struct DistributedHerder::TopicResetRelay {
  std::mutex mu;
  worker::Worker* worker = nullptr;  // guarded by mu; null once the herder is going away
  void reset(const std::string& connector) {
    std::lock_guard lock(mu);
    if (worker != nullptr) worker->reset_active_topics(connector);
  }
};

DistributedHerder::DistributedHerder(std::string worker_id, const worker::WorkerConfig& config,
                                     api::PluginCatalog& plugins, storage::OffsetStore& offsets,
                                     storage::ConfigStore& configs, storage::StatusStore& statuses,
                                     kafka::ConnectCoordinatorConfig coordinator, DistributedHerderOptions options)
    : worker_id_(std::move(worker_id)),
      config_(config),
      plugins_(plugins),
      configs_(configs),
      statuses_(statuses),
      options_(std::move(options)),
      protocol_(coordinator.protocol),
      rest_url_(coordinator.rest_url),
      topic_tracking_(config.topic_tracking_enabled()),
      topic_tracking_reset_(config.topic_tracking_reset_allowed()),
      sync_timeout_(config.config().get_int("worker.sync.timeout.ms")),
      unsync_backoff_(config.config().get_int("worker.unsync.backoff.ms")),
      key_ttl_(config.config().get_int("inter.worker.key.ttl.ms")),
      key_algorithm_(config.config().get_string("inter.worker.key.generation.algorithm")),
      key_bytes_(key_size_bytes(config)),
      signature_algorithm_(config.config().get_string("inter.worker.signature.algorithm")),
      verification_algorithms_(config.config().get_list("inter.worker.verification.algorithms")),
      validator_(std::make_unique<ConnectorValidator>(plugins, config.client_config_override_policy())),
      transformer_(std::make_unique<ConfigTransformer>(plugins, config.originals())),
      assignor_(std::make_unique<IncrementalCooperativeAssignor>(
          std::chrono::milliseconds(config.config().get_int("scheduled.rebalance.max.delay.ms")))) {
  worker::StatusListener& status_listener = *this;
  worker_ = std::make_unique<worker::Worker>(worker_id_, config, plugins, offsets, status_listener);
  storage::ConfigUpdateListener& config_listener = *this;
  configs_.set_listener(&config_listener);
  if (topic_tracking_) {
    // A reset written by any worker clears this worker's record of the topics its tasks reported as soon as the
    // tombstones are read, so the next record of a task here reports its topic again (Kafka's tasks check
    // their worker's status cache per record). sync_topic_tracking() stays as the backstop.
    topic_reset_relay_ = std::make_shared<TopicResetRelay>();
    topic_reset_relay_->worker = worker_.get();
    statuses_.on_topic_deleted(
        [relay = topic_reset_relay_](const std::string& connector) { relay->reset(connector); });
  }
  kafka::ConnectRebalanceListener& rebalance_listener = *this;
  coordinator_ = std::make_unique<kafka::ConnectCoordinator>(std::move(coordinator), rebalance_listener);
}

DistributedHerder::~DistributedHerder() {
  stop();
  if (topic_reset_relay_) {
    std::lock_guard lock(topic_reset_relay_->mu);
    topic_reset_relay_->worker = nullptr;
  }
  configs_.set_listener(nullptr);
  coordinator_.reset();
  worker_.reset();
}

void DistributedHerder::start() {
  logger()->info("Herder starting (worker {}, {} protocol)", worker_id_, kafka::connect_protocol_config_name(protocol_));
  {
    std::lock_guard lock(queue_mu_);
    if (thread_.joinable() || queue_stopping_) return;
    thread_ = std::thread([this] { run(); });
  }
  coordinator_->start();
  if (topic_tracking_) schedule(kTopicSyncInterval, [this] { sync_topic_tracking(); });
  logger()->info("Herder started; joining the group");
}

void DistributedHerder::stop() {
  {
    MutexLock lock(work_mu_);
    if (stopping_) return;
    stopping_ = true;
    ready_ = false;
    logger()->info("Herder stopping");
    // Stop every task first (they flush and commit offsets), while still a member, so whoever takes the work
    // over starts from the committed offsets; then connectors; then leave the group so it rebalances at once.
    std::vector<ConnectorTaskId> tasks(running_tasks_.begin(), running_tasks_.end());
    if (!tasks.empty()) worker_->stop_tasks(tasks);
    running_tasks_.clear();
    running_task_configs_.clear();
    for (const auto& name : running_connectors_) worker_->stop_connector(name);
    running_connectors_.clear();
    running_connector_configs_.clear();
    target_ = Target{};
  }
  coordinator_->stop(true);
  {
    std::lock_guard lock(queue_mu_);
    queue_stopping_ = true;
    queue_.clear();
    scheduled_.clear();
  }
  queue_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  statuses_.flush(kStatusFlushTimeout);
  logger()->info("Herder stopped");
}

bool DistributedHerder::is_leader() const {
  MutexLock lock(state_mu_);
  return leader_;
}

std::string DistributedHerder::leader_url() const {
  MutexLock lock(state_mu_);
  return leader_url_;
}

std::int32_t DistributedHerder::generation() const {
  MutexLock lock(state_mu_);
  return generation_;
}

// ---- the herder thread ---------------------------------------------------------------------------------------

void DistributedHerder::enqueue(std::function<void()> event) {
  {
    std::lock_guard lock(queue_mu_);
    if (queue_stopping_) return;
    queue_.push_back(std::move(event));
  }
  queue_cv_.notify_one();
}

void DistributedHerder::schedule(std::chrono::milliseconds delay, std::function<void()> event) {
  {
    std::lock_guard lock(queue_mu_);
    if (queue_stopping_) return;
    scheduled_.emplace(std::chrono::steady_clock::now() + delay, std::move(event));
  }
  queue_cv_.notify_one();
}

void DistributedHerder::run() {
  for (;;) {
    std::function<void()> event;
    {
      std::unique_lock lock(queue_mu_);
      for (;;) {
        if (queue_stopping_) return;
        const auto now = std::chrono::steady_clock::now();
        if (!scheduled_.empty() && scheduled_.begin()->first <= now) {
          event = std::move(scheduled_.begin()->second);
          scheduled_.erase(scheduled_.begin());
          break;
        }
        if (!queue_.empty()) {
          event = std::move(queue_.front());
          queue_.pop_front();
          break;
        }
        if (scheduled_.empty()) {
          queue_cv_.wait(lock);
        } else {
          queue_cv_.wait_until(lock, scheduled_.begin()->first);
        }
      }
    }
    try {
      event();
    } catch (const std::exception& e) {
      logger()->error("Herder event failed: {}", e.what());
    }
  }
}

// ---- rebalance callbacks (rebalance thread) ------------------------------------------------------------------

std::int64_t DistributedHerder::config_offset() { return config_position(configs_.snapshot()); }

std::map<std::string, kafka::ConnectAssignment> DistributedHerder::on_leader_elected(
    const kafka::ConnectLeaderContext& context) {
  const ClusterConfigState state = configs_.snapshot();
  const ClusterConfigSnapshot snap = assignment_snapshot(state);
  ClusterConfigSnapshot used = snap;
  auto fresh = [this, &used] {
    configs_.refresh(sync_timeout_);
    used = assignment_snapshot(configs_.snapshot());
    return used;
  };
  AssignmentResult result = context.protocol == kafka::ConnectProtocol::Eager
                                ? eager_assignment(context, snap, fresh)
                                : assignor_->perform_assignment(context, snap, fresh);
  logger()->info("Leader {} assigned {} connector(s) over {} worker(s) in generation {}", context.leader_id,
                 used.task_counts.size(), context.members.size(), context.generation);
  MutexLock lock(state_mu_);
  elected_ = true;
  member_urls_.clear();
  for (const auto& [member, state_of] : context.members) member_urls_[member] = state_of.url;
  connector_owner_.clear();
  task_owner_.clear();
  for (const auto& [member, owned] : result.owned) {
    for (const auto& c : owned.connectors) connector_owner_[c] = member;
    for (const auto& t : owned.tasks) task_owner_[t] = member;
  }
  assigned_task_counts_ = used.task_counts;
  return std::move(result.assignments);
}

void DistributedHerder::on_revoked(const std::string& /*leader*/, const std::vector<std::string>& connectors,
                                   const std::vector<ConnectorTaskId>& tasks) {
  logger()->info("Revoking {} connector(s) and {} task(s)", connectors.size(), tasks.size());
  MutexLock lock(work_mu_);
  for (const auto& c : connectors) target_.connectors.erase(c);
  for (const auto& t : tasks) target_.tasks.erase(t);
  std::vector<ConnectorTaskId> to_stop;
  for (const auto& t : tasks) {
    if (running_tasks_.count(t) > 0) to_stop.push_back(t);
  }
  stop_tasks_locally(to_stop);
  for (const auto& c : connectors) {
    if (running_connectors_.count(c) > 0) stop_connector_locally(c);
  }
  MutexLock state(state_mu_);
  owned_connectors_ = target_.connectors;
  owned_tasks_ = target_.tasks;
}

void DistributedHerder::on_assigned(const kafka::ConnectAssignment& assignment, std::int32_t generation) {
  {
    MutexLock lock(state_mu_);
    // on_leader_elected ran earlier in this same rebalance only if this member is the leader.
    leader_ = elected_;
    elected_ = false;
    leader_id_ = assignment.leader;
    leader_url_ = assignment.leader_url;
    generation_ = generation;
    if (assignment.failed()) return;
  }
  logger()->info(
      "Joined group at generation {} with leader {} ({}): {} connector(s), {} task(s){}", generation,
      assignment.leader, assignment.leader_url, assignment.connectors.size(), assignment.tasks.size(),
      assignment.delay_ms > 0 ? ", next rebalance in " + std::to_string(assignment.delay_ms) + " ms" : "");
  {
    MutexLock lock(work_mu_);
    target_.connectors = std::set<std::string>(assignment.connectors.begin(), assignment.connectors.end());
    target_.tasks = std::set<ConnectorTaskId>(assignment.tasks.begin(), assignment.tasks.end());
    target_.config_offset = assignment.config_offset;
  }
  enqueue([this] { apply_assignment(); });
  // KIP-415: a member that had work revoked rejoins at once, so the next rebalance hands that work to others.
  if (!assignment.revoked_connectors.empty() || !assignment.revoked_tasks.empty()) {
    coordinator_->request_rejoin("connectors or tasks were revoked");
  }
}

void DistributedHerder::on_fatal_error(const std::string& message) {
  logger()->error("The worker left the group for good: {}", message);
  MutexLock lock(state_mu_);
  fatal_error_ = message;
}

// ---- applying assignments and config changes (herder thread) -------------------------------------------------

void DistributedHerder::apply_assignment() {
  std::int64_t wanted = -1;
  {
    MutexLock lock(work_mu_);
    wanted = target_.config_offset;
  }
  if (config_position(configs_.snapshot()) < wanted &&
      (!configs_.refresh(sync_timeout_) || config_position(configs_.snapshot()) < wanted)) {
    // Kafka leaves the group and backs off for worker.unsync.backoff.ms; rejoining after a short backoff lets a
    // member that is merely slow catch up without idling for minutes.
    logger()->warn("Could not read the config topic to offset {} within worker.sync.timeout.ms ({} ms); rejoining",
                   wanted, sync_timeout_.count());
    coordinator_->request_rejoin("config topic behind the assignment");
    return;
  }
  {
    MutexLock lock(work_mu_);
    reconcile();
  }
  {
    const auto counts = assignment_snapshot(configs_.snapshot()).task_counts;
    MutexLock lock(state_mu_);
    assigned_once_ = true;
    applied_task_counts_ = counts;
  }
  ready_ = true;
  check_rebalance_needed();
  maybe_rotate_session_key();
}

bool DistributedHerder::request_validation_enabled() const {
  return coordinator_->current_protocol() == kafka::ConnectProtocol::Sessioned;
}

void DistributedHerder::maybe_rotate_session_key() {
  {
    MutexLock lock(state_mu_);
    if (!leader_ || !request_validation_enabled()) return;
  }
  const auto key = configs_.snapshot().session_key;
  const std::int64_t now = now_ms();
  std::int64_t expires = key ? key->creation_timestamp + key_ttl_.count() : 0;
  if (!key || expires <= now) {
    try {
      storage::SessionKeyRecord fresh{kafka::protocol::base64_encode(random_key(key_bytes_)), key_algorithm_, now};
      configs_.put_session_key(fresh);
      logger()->info("Wrote a new session key for signing inter-worker requests ({}, valid for {} ms)", key_algorithm_,
                     key_ttl_.count());
      expires = now + key_ttl_.count();
    } catch (const std::exception& e) {
      logger()->error("Could not write a new session key: {}; retrying in 1 s", e.what());
      expires = now + 1000;
    }
  }
  MutexLock lock(state_mu_);
  if (key_check_scheduled_) return;
  key_check_scheduled_ = true;
  schedule(std::chrono::milliseconds(std::max<std::int64_t>(expires - now, 1000)), [this] {
    {
      MutexLock relock(state_mu_);
      key_check_scheduled_ = false;
    }
    maybe_rotate_session_key();
  });
}

void DistributedHerder::reconcile() {
  if (stopping_) return;
  const ClusterConfigState snap = configs_.snapshot();
  auto runnable_task = [&](const ConnectorTaskId& id) {
    return snap.contains(id.connector) && snap.inconsistent.count(id.connector) == 0 &&
           snap.task_configs.count(id) > 0 && snap.target_state(id.connector) != TargetState::Stopped &&
           static_cast<std::size_t>(id.task) < snap.tasks(id.connector).size();
  };

  // Stop what is no longer ours, no longer configured, or whose task config changed.
  std::vector<ConnectorTaskId> stop;
  for (const auto& id : running_tasks_) {
    const bool changed = runnable_task(id) && running_task_configs_[id] != snap.task_configs.at(id);
    if (target_.tasks.count(id) == 0 || !runnable_task(id) || changed) stop.push_back(id);
  }
  stop_tasks_locally(stop);
  std::vector<std::string> stop_connectors;
  for (const auto& name : running_connectors_) {
    if (target_.connectors.count(name) == 0 || !snap.contains(name)) stop_connectors.push_back(name);
  }
  for (const auto& name : stop_connectors) stop_connector_locally(name);

  // Start what is ours and not running.
  for (const auto& name : target_.connectors) {
    if (running_connectors_.count(name) == 0 && snap.contains(name)) start_connector(name, snap);
  }
  for (const auto& id : target_.tasks) {
    if (running_tasks_.count(id) == 0 && runnable_task(id)) start_task(id, snap);
  }
  MutexLock lock(state_mu_);
  owned_connectors_ = target_.connectors;
  owned_tasks_ = target_.tasks;
}

void DistributedHerder::start_connector(const std::string& name, const ClusterConfigState& snapshot) {
  const StringMap& raw = snapshot.connector_configs.at(name);
  const TargetState state = snapshot.target_state(name);
  running_connectors_.insert(name);
  running_connector_configs_[name] = raw;
  StringMap config;
  try {
    config = resolved(raw);
  } catch (const ConnectError& e) {
    on_connector_state(name, State::Failed, std::string(e.what()));
    return;
  }
  worker_->start_connector(name, config, state, [this, name] {
    enqueue([this, name] { reconfigure_connector(name, 0); });
  });
  if (state == TargetState::Started) enqueue([this, name] { reconfigure_connector(name, 0); });
}

void DistributedHerder::start_task(const ConnectorTaskId& id, const ClusterConfigState& snapshot) {
  const StringMap& raw_task = snapshot.task_configs.at(id);
  running_tasks_.insert(id);
  running_task_configs_[id] = raw_task;
  try {
    worker_->start_task(id, resolved(snapshot.connector_configs.at(id.connector)), resolved(raw_task),
                        snapshot.target_state(id.connector));
  } catch (const ConnectError& e) {
    on_task_state(id, State::Failed, std::string(e.what()));
  }
}

void DistributedHerder::stop_connector_locally(const std::string& name) {
  worker_->stop_connector(name);
  running_connectors_.erase(name);
  running_connector_configs_.erase(name);
}

void DistributedHerder::stop_tasks_locally(const std::vector<ConnectorTaskId>& ids) {
  if (ids.empty()) return;
  worker_->stop_tasks(ids);
  for (const auto& id : ids) {
    running_tasks_.erase(id);
    running_task_configs_.erase(id);
  }
}

void DistributedHerder::reconfigure_connector(const std::string& name, int attempt) {
  std::vector<StringMap> generated;
  {
    MutexLock lock(work_mu_);
    if (stopping_ || running_connectors_.count(name) == 0) return;
    const ClusterConfigState snap = configs_.snapshot();
    if (!snap.contains(name) || snap.target_state(name) != TargetState::Started) return;
    try {
      generated = reverse_transform(snap.connector_configs.at(name), worker_->connector_task_configs(name));
    } catch (const ConnectError& e) {
      logger()->info("Skipping update of tasks for connector {}: {}", name, e.what());
      return;
    }
    if (snap.inconsistent.count(name) == 0 && generated == committed_task_configs(snap, name)) {
      logger()->debug("Skipping reconfiguration of connector {} as generated configs appear unchanged", name);
      return;
    }
  }
  std::string leader;
  bool is_leader = false;
  {
    MutexLock lock(state_mu_);
    leader = leader_url_;
    is_leader = leader_;
  }
  try {
    if (is_leader) {
      std::lock_guard write(leader_write_mu_);
      if (configs_.snapshot().target_state(name) != TargetState::Started) return;  // paused or stopped meanwhile
      configs_.put_task_configs(name, generated);
    } else if (leader.empty()) {
      throw ConnectError("no leader is known yet");
    } else if (options_.forward_task_configs) {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& config : generated) array.push_back(config);
      const std::string body = array.dump();
      std::vector<std::pair<std::string, std::string>> headers;
      if (request_validation_enabled()) {
        const auto key = configs_.snapshot().session_key;
        if (!key) throw ConnectError("no session key has been distributed yet to sign the request");
        const auto raw = kafka::protocol::base64_decode(key->key_base64);
        if (!raw) throw ConnectError("the session key in the config topic is not valid base64");
        headers.emplace_back(kSignatureHeader, sign_request(signature_algorithm_, *raw, body));
        headers.emplace_back(kSignatureAlgorithmHeader, signature_algorithm_);
      }
      options_.forward_task_configs(leader, name, body, headers);
    } else {
      throw ConnectError("this worker cannot reach the leader's REST API");
    }
    logger()->info("Wrote {} task config(s) for connector {}{}", generated.size(), name,
                   is_leader ? "" : " through the leader at " + leader);
  } catch (const std::exception& e) {
    auto delay = std::min(kReconfigureBackoffMax, kReconfigureBackoff * (1 << std::min(attempt, 6)));
    logger()->warn("Failed to reconfigure the tasks of connector {} ({}); retrying in {} ms", name, e.what(),
                   delay.count());
    schedule(delay, [this, name, attempt] { reconfigure_connector(name, attempt + 1); });
  }
}

void DistributedHerder::check_rebalance_needed() {
  std::map<std::string, int> covered;
  {
    MutexLock lock(state_mu_);
    if (!leader_ || !assigned_once_) return;
    covered = assigned_task_counts_;
  }
  const ClusterConfigSnapshot now = assignment_snapshot(configs_.snapshot());
  if (now.task_counts != covered) {
    logger()->info("Connectors or task counts changed since the last assignment; requesting a rebalance");
    {
      MutexLock lock(state_mu_);
      assigned_task_counts_ = now.task_counts;  // one request per change; the rebalance sets the real value
    }
    coordinator_->request_rejoin("connector or task configs changed");
  }
}

void DistributedHerder::handle_connector_config_update(const std::string& name) {
  {
    MutexLock lock(work_mu_);
    const ClusterConfigState snap = configs_.snapshot();
    auto running = running_connector_configs_.find(name);
    if (running != running_connector_configs_.end() && snap.contains(name) &&
        running->second != snap.connector_configs.at(name)) {
      logger()->info("Connector {} config updated; restarting it", name);
      stop_connector_locally(name);
      start_connector(name, snap);
    }
  }
  check_rebalance_needed();
}

void DistributedHerder::handle_connector_removed(const std::string& name) {
  {
    MutexLock lock(work_mu_);
    const bool owned_connector = running_connectors_.count(name) > 0;
    std::vector<ConnectorTaskId> tasks;
    for (const auto& id : running_tasks_) {
      if (id.connector == name) tasks.push_back(id);
    }
    stop_tasks_locally(tasks);
    if (owned_connector) stop_connector_locally(name);
    // Kafka's onDeletion: the connector's owner removes its statuses (tombstones).
    if (owned_connector) {
      std::int32_t generation = this->generation();
      for (const auto& [task, status] : statuses_.tasks(name)) {
        statuses_.put_task(ConnectorTaskId{name, task}, StatusRecord{State::Destroyed, std::nullopt, worker_id_, generation});
      }
      statuses_.put_connector(name, StatusRecord{State::Destroyed, std::nullopt, worker_id_, generation});
      for (const auto& topic : statuses_.topics(name)) statuses_.delete_topic(name, topic);
      logger()->info("Connector {} deleted", name);
    }
  }
  check_rebalance_needed();
}

void DistributedHerder::handle_task_config_update(const std::vector<ConnectorTaskId>& tasks) {
  logger()->info("Task configs updated for {} task(s)", tasks.size());
  {
    MutexLock lock(work_mu_);
    reconcile();
  }
  check_rebalance_needed();
}

void DistributedHerder::handle_target_state_change(const std::string& name) {
  MutexLock lock(work_mu_);
  const ClusterConfigState snap = configs_.snapshot();
  if (!snap.contains(name)) return;
  const TargetState state = snap.target_state(name);
  if (running_connectors_.count(name) > 0) {
    logger()->info("Setting target state of connector {} to {}", name, target_state_name(state));
    worker_->set_target_state(name, state);
    if (state == TargetState::Started) enqueue([this, name] { reconfigure_connector(name, 0); });
  } else {
    // Tasks here whose connector runs elsewhere follow the target state too.
    bool any = false;
    for (const auto& id : running_tasks_) any = any || id.connector == name;
    if (any) worker_->set_target_state(name, state);
  }
  reconcile();
}

void DistributedHerder::handle_restart_request(const storage::RestartRequestRecord& request) {
  MutexLock lock(work_mu_);
  const ClusterConfigState snap = configs_.snapshot();
  const std::string& name = request.connector;
  if (!snap.contains(name)) return;
  const std::int32_t generation = this->generation();
  if (running_connectors_.count(name) > 0 && is_restart_target(request.only_failed, statuses_.connector(name))) {
    logger()->info("Restarting connector {} (restart request)", name);
    stop_connector_locally(name);
    statuses_.put_connector(name, StatusRecord{State::Restarting, std::nullopt, worker_id_, generation});
    start_connector(name, snap);
  }
  if (!request.include_tasks) return;
  std::vector<ConnectorTaskId> tasks;
  for (const auto& id : running_tasks_) {
    if (id.connector == name && is_restart_target(request.only_failed, statuses_.task(id))) tasks.push_back(id);
  }
  if (tasks.empty()) return;
  logger()->info("Restarting {} task(s) of connector {} (restart request)", tasks.size(), name);
  stop_tasks_locally(tasks);
  for (const auto& id : tasks) {
    statuses_.put_task(id, StatusRecord{State::Restarting, std::nullopt, worker_id_, generation});
    if (target_.tasks.count(id) > 0 && snap.task_configs.count(id) > 0) start_task(id, snap);
  }
}

// ---- config store callbacks (reader thread): enqueue -------------------------------------------------------

void DistributedHerder::on_connector_config_update(const std::string& connector) {
  enqueue([this, connector] { handle_connector_config_update(connector); });
}

void DistributedHerder::on_connector_config_remove(const std::string& connector) {
  enqueue([this, connector] { handle_connector_removed(connector); });
}

void DistributedHerder::on_task_config_update(const std::vector<ConnectorTaskId>& tasks) {
  enqueue([this, tasks] { handle_task_config_update(tasks); });
}

void DistributedHerder::on_connector_target_state_change(const std::string& connector) {
  enqueue([this, connector] { handle_target_state_change(connector); });
}

void DistributedHerder::on_restart_request(const storage::RestartRequestRecord& request) {
  enqueue([this, request] { handle_restart_request(request); });
}

void DistributedHerder::on_logger_level(const std::string& logger_namespace, const std::string& level) {
  try {
    apply_logger_level(logger_namespace, level);
  } catch (const std::exception& e) {
    logger()->warn("Ignoring cluster-wide level {} for logger {}: {}", level, logger_namespace, e.what());
  }
}

// ---- worker status callbacks (worker threads) ------------------------------------------------------------------

void DistributedHerder::on_connector_state(const std::string& connector, State state,
                                           const std::optional<std::string>& trace) {
  const StatusRecord record{state, trace, worker_id_, generation()};
  if (state == State::Destroyed) {
    statuses_.put_connector(connector, record);
    return;
  }
  // A connector deleted meanwhile keeps no status (its owner tombstoned it).
  if (!configs_.snapshot().contains(connector)) return;
  if (state == State::Unassigned) {
    statuses_.put_connector_safe(connector, record);  // Kafka's onShutdown: never over a newer owner's status
  } else {
    statuses_.put_connector(connector, record);
  }
}

void DistributedHerder::on_task_state(const ConnectorTaskId& id, State state, const std::optional<std::string>& trace) {
  const StatusRecord record{state, trace, worker_id_, generation()};
  if (state == State::Destroyed) {
    statuses_.put_task(id, record);
    return;
  }
  if (!configs_.snapshot().contains(id.connector)) return;
  if (state == State::Unassigned) {
    statuses_.put_task_safe(id, record);
  } else {
    statuses_.put_task(id, record);
  }
}

void DistributedHerder::sync_topic_tracking() {
  std::set<std::string> connectors;
  {
    MutexLock lock(state_mu_);
    for (const auto& id : owned_tasks_) connectors.insert(id.connector);
  }
  for (const auto& name : connectors) {
    const std::set<std::string> shared = statuses_.topics(name);
    for (const auto& topic : worker_->active_topics(name)) {
      if (shared.count(topic) == 0) {
        worker_->reset_active_topics(name);
        break;
      }
    }
  }
  schedule(kTopicSyncInterval, [this] { sync_topic_tracking(); });
}

void DistributedHerder::on_topic_active(const ConnectorTaskId& id, const std::string& topic) {
  if (!topic_tracking_ || !configs_.snapshot().contains(id.connector)) return;
  statuses_.put_topic(storage::TopicStatusRecord{topic, id.connector, id.task, now_ms()});
}

// ---- REST: helpers ----------------------------------------------------------------------------------------------

ClusterConfigState DistributedHerder::snapshot() const { return configs_.snapshot(); }

void DistributedHerder::require_leader(const std::string& message) const {
  MutexLock lock(state_mu_);
  if (!assigned_once_ || !leader_) throw NotLeaderError(message, assigned_once_ ? leader_url_ : std::string());
}

void DistributedHerder::check_rebalance_not_needed(const ClusterConfigState& snapshot) const {
  const auto counts = assignment_snapshot(snapshot).task_counts;
  MutexLock lock(state_mu_);
  if (counts != applied_task_counts_) {
    throw ConflictError(
        "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config "
        "change)");
  }
}

const StringMap& DistributedHerder::require_connector(const ClusterConfigState& snapshot, const std::string& name,
                                                      const std::string& message) const {
  auto it = snapshot.connector_configs.find(name);
  if (it == snapshot.connector_configs.end()) throw NotFoundError(message);
  return it->second;
}

void DistributedHerder::check_valid(const StringMap& config) {
  const ConfigInfos infos = validator_->validate(config);
  if (std::string message = ConnectorValidator::error_message(infos); !message.empty()) {
    throw BadRequestError(message);
  }
}

StringMap DistributedHerder::resolved(const StringMap& raw) const { return transformer_->transform(raw); }

std::string DistributedHerder::type_of(const StringMap& config) const { return connector_type(plugins_, config); }

bool DistributedHerder::owns_connector(const std::string& name) const {
  MutexLock lock(state_mu_);
  return owned_connectors_.count(name) > 0;
}

bool DistributedHerder::owns_task(const ConnectorTaskId& id) const {
  MutexLock lock(state_mu_);
  return owned_tasks_.count(id) > 0;
}

std::optional<std::string> DistributedHerder::owner_url_of_connector(const std::string& name) const {
  MutexLock lock(state_mu_);
  auto owner = connector_owner_.find(name);
  if (owner == connector_owner_.end()) return std::nullopt;
  auto url = member_urls_.find(owner->second);
  return url == member_urls_.end() ? std::nullopt : std::optional(url->second);
}

std::optional<std::string> DistributedHerder::owner_url_of_task(const ConnectorTaskId& id) const {
  MutexLock lock(state_mu_);
  auto owner = task_owner_.find(id);
  if (owner == task_owner_.end()) return std::nullopt;
  auto url = member_urls_.find(owner->second);
  return url == member_urls_.end() ? std::nullopt : std::optional(url->second);
}

std::optional<ConnectorStateInfo> DistributedHerder::status_of(const std::string& name,
                                                               const ClusterConfigState& snapshot) {
  auto config = snapshot.connector_configs.find(name);
  if (config == snapshot.connector_configs.end()) return std::nullopt;
  auto connector = statuses_.connector(name);
  if (!connector) return std::nullopt;
  ConnectorStateInfo out;
  out.name = name;
  out.connector = StateInfo{state_name(connector->state), connector->worker_id, connector->trace};
  out.type = type_of(config->second);
  // Only tasks the config topic still has (a status left behind by a smaller task set is not shown).
  const std::size_t count = snapshot.inconsistent.count(name) > 0 ? 0 : snapshot.tasks(name).size();
  for (const auto& [id, status] : statuses_.tasks(name)) {
    if (id < 0 || static_cast<std::size_t>(id) >= count) continue;
    TaskStateInfo task;
    task.id = id;
    task.state = state_name(status.state);
    task.worker_id = status.worker_id;
    task.trace = status.trace;
    out.tasks.push_back(std::move(task));
  }
  return out;
}

// ---- Herder: info ---------------------------------------------------------------------------------------------

ServerInfo DistributedHerder::server_info() {
  return ServerInfo{options_.version, options_.commit, options_.kafka_cluster_id};
}

HealthInfo DistributedHerder::health() {
  {
    MutexLock lock(state_mu_);
    if (fatal_error_) {
      return HealthInfo{500, "unhealthy",
                        "Worker was unable to handle this request and may be unable to handle other requests. " +
                            *fatal_error_};
    }
  }
  if (!ready_) return HealthInfo{503, "starting", "Worker is still starting up."};
  return HealthInfo{200, "healthy", "Worker has completed startup and is ready to handle requests."};
}

std::vector<std::string> DistributedHerder::connectors() {
  std::vector<std::string> names;
  for (const auto& [name, config] : snapshot().connector_configs) names.push_back(name);
  return names;
}

ConnectorInfo DistributedHerder::connector_info(const std::string& name) {
  const ClusterConfigState snap = snapshot();
  const StringMap& config = require_connector(snap, name, "Connector " + name + " not found");
  const auto tasks = snap.inconsistent.count(name) > 0 ? std::vector<ConnectorTaskId>{} : snap.tasks(name);
  return ConnectorInfo{name, config, tasks, type_of(config)};
}

StringMap DistributedHerder::connector_config(const std::string& name) {
  const ClusterConfigState snap = snapshot();
  return require_connector(snap, name, "Connector " + name + " not found");
}

std::vector<TaskInfo> DistributedHerder::task_configs(const std::string& name) {
  const ClusterConfigState snap = snapshot();
  require_connector(snap, name, "Connector " + name + " not found");
  std::vector<TaskInfo> out;
  if (snap.inconsistent.count(name) > 0) return out;
  for (const auto& id : snap.tasks(name)) {
    auto it = snap.task_configs.find(id);
    if (it != snap.task_configs.end()) out.push_back(TaskInfo{id, it->second});
  }
  return out;
}

ConnectorStateInfo DistributedHerder::connector_status(const std::string& name) {
  auto status = status_of(name, snapshot());
  if (!status) throw NotFoundError("No status found for connector " + name);
  return *status;
}

TaskStateInfo DistributedHerder::task_status(const ConnectorTaskId& id) {
  const ClusterConfigState snap = snapshot();
  auto status = statuses_.task(id);
  const bool exists = snap.contains(id.connector) && id.task >= 0 &&
                      static_cast<std::size_t>(id.task) < snap.tasks(id.connector).size();
  if (!status || !exists) throw NotFoundError("No status found for task " + id.to_string());
  TaskStateInfo out;
  out.id = id.task;
  out.state = state_name(status->state);
  out.worker_id = status->worker_id;
  out.trace = status->trace;
  return out;
}

// ---- Herder: config changes -------------------------------------------------------------------------------------

CreateResult DistributedHerder::put_connector_config(const std::string& name, const StringMap& config,
                                                     bool allow_replace, std::optional<TargetState> initial_state) {
  check_valid(config);
  require_leader("Only the leader can set connector configs.");
  ClusterConfigState snap = snapshot();
  const bool exists = snap.contains(name);
  if (exists && !allow_replace) throw AlreadyExistsError("Connector " + name + " already exists");
  logger()->info("{} connector {}", exists ? "Reconfiguring" : "Creating", name);
  configs_.put_connector_config(name, config, exists ? std::nullopt : initial_state);
  // Distributed: a new connector has no tasks yet; an updated one shows the tasks it had.
  std::vector<ConnectorTaskId> tasks;
  if (exists && snap.inconsistent.count(name) == 0) tasks = snap.tasks(name);
  return CreateResult{!exists, ConnectorInfo{name, config, tasks, type_of(config)}};
}

ConnectorInfo DistributedHerder::patch_connector_config(const std::string& name, const PatchMap& patch) {
  require_leader("Only the leader can set connector configs.");
  StringMap patched = require_connector(snapshot(), name, "Connector " + name + " not found");
  for (const auto& [key, value] : patch) {
    if (value) {
      patched[key] = *value;
    } else {
      patched.erase(key);
    }
  }
  return put_connector_config(name, patched, true, std::nullopt).info;
}

void DistributedHerder::delete_connector(const std::string& name) {
  require_leader("Only the leader can delete connector configs.");
  require_connector(snapshot(), name, "Connector " + name + " not found");
  logger()->info("Deleting connector {}", name);
  configs_.remove_connector_config(name);
  if (topic_tracking_) worker_->reset_active_topics(name);
}

void DistributedHerder::put_task_configs(const std::string& name, const std::vector<StringMap>& configs,
                                         const std::optional<InternalRequestSignature>& signature) {
  // Kafka checks the signature first (connect.protocol=sessioned), then leadership.
  if (request_validation_enabled()) {
    if (!signature) throw BadRequestError("Internal request missing required signature");
    if (std::find(verification_algorithms_.begin(), verification_algorithms_.end(), signature->algorithm) ==
        verification_algorithms_.end()) {
      std::string permitted;
      for (const auto& a : verification_algorithms_) permitted += (permitted.empty() ? "" : ", ") + a;
      throw BadRequestError("This worker does not support the '" + signature->algorithm +
                            "' key signing algorithm used by other workers. This worker is currently configured to "
                            "use: [" +
                            permitted +
                            "]. Check that all workers' configuration files permit the same set of signature "
                            "algorithms, and correct any misconfigured worker and restart it.");
    }
    const auto key = configs_.snapshot().session_key;
    const auto raw = key ? kafka::protocol::base64_decode(key->key_base64) : std::nullopt;
    if (!raw || !signature_valid(signature->algorithm, *raw, signature->body, signature->signature)) {
      throw RestError(403, "Internal request contained invalid signature.");
    }
  }
  require_leader("Only the leader may write task configurations.");
  std::lock_guard write(leader_write_mu_);
  const ClusterConfigState snap = snapshot();
  require_connector(snap, name, "Connector " + name + " not found");
  // Task configs generated just before a pause or stop must not bring the tasks back.
  if (snap.target_state(name) != TargetState::Started) {
    throw ConflictError("Connector " + name + " is " + target_state_name(snap.target_state(name)) +
                        "; task configs are written only for started connectors");
  }
  configs_.put_task_configs(name, configs);
}

// ---- Herder: target states -------------------------------------------------------------------------------------

void DistributedHerder::pause_connector(const std::string& name) {
  require_connector(snapshot(), name, "Unknown connector " + name);
  configs_.put_target_state(name, TargetState::Paused);
}

void DistributedHerder::resume_connector(const std::string& name) {
  require_connector(snapshot(), name, "Unknown connector " + name);
  configs_.put_target_state(name, TargetState::Started);
}

void DistributedHerder::stop_connector(const std::string& name) {
  require_connector(snapshot(), name, "Unknown connector " + name);
  require_leader("Only the leader can transition connectors to the STOPPED state.");
  // Kafka's order: task configs first, so a failure between the two writes leaves a healthy cluster.
  std::lock_guard write(leader_write_mu_);
  configs_.put_task_configs(name, {});
  configs_.put_target_state(name, TargetState::Stopped);
}

// ---- Herder: restarts -------------------------------------------------------------------------------------------

void DistributedHerder::restart_task(const ConnectorTaskId& id) {
  const ClusterConfigState snap = snapshot();
  check_rebalance_not_needed(snap);
  require_connector(snap, id.connector, "Unknown connector: " + id.connector);
  if (snap.task_configs.count(id) == 0 || id.task < 0 ||
      static_cast<std::size_t>(id.task) >= snap.tasks(id.connector).size()) {
    throw NotFoundError("Unknown task: " + id.to_string());
  }
  if (owns_task(id)) {
    MutexLock lock(work_mu_);
    if (stopping_) throw ConnectError("The worker is shutting down");
    logger()->info("Restarting task {}", id.to_string());
    stop_tasks_locally({id});
    start_task(id, snap);
    return;
  }
  const std::string message = "Cannot restart task since it is not assigned to this member";
  if (is_leader()) throw NotLeaderError(message, owner_url_of_task(id).value_or(""));
  throw NotLeaderError(message, leader_url());
}

std::optional<ConnectorStateInfo> DistributedHerder::restart_connector(const RestartRequest& request) {
  const std::string& name = request.connector;
  const ClusterConfigState snap = snapshot();
  if (!request.only_failed && !request.include_tasks) {
    check_rebalance_not_needed(snap);
    require_connector(snap, name, "Unknown connector: " + name);
    if (owns_connector(name)) {
      MutexLock lock(work_mu_);
      if (stopping_) throw ConnectError("The worker is shutting down");
      logger()->info("Restarting connector {}", name);
      stop_connector_locally(name);
      start_connector(name, snap);
      return std::nullopt;
    }
    const std::string message = "Cannot restart connector since it is not assigned to this member";
    if (is_leader()) throw NotLeaderError(message, owner_url_of_connector(name).value_or(""));
    throw NotLeaderError(message, leader_url());
  }

  require_leader("Only the leader can process restart requests.");
  require_connector(snap, name, "Unknown connector: " + name);
  std::optional<ConnectorStateInfo> plan = status_of(name, snap);
  if (!plan) throw NotFoundError("Status for connector " + name + " not found");
  // Kafka's RestartPlan, answered with RESTARTING for everything that will restart; every worker then restarts
  // what it runs when it reads the request from the config topic.
  if (!request.only_failed || plan->connector.state == state_name(State::Failed)) {
    plan->connector.state = state_name(State::Restarting);
  }
  for (auto& task : plan->tasks) {
    if (!request.include_tasks || (request.only_failed && task.state != state_name(State::Failed))) continue;
    task.state = state_name(State::Restarting);
  }
  configs_.put_restart_request(storage::RestartRequestRecord{name, request.only_failed, request.include_tasks});
  return plan;
}

// ---- Herder: offsets ----------------------------------------------------------------------------------------------

std::vector<ConnectorOffset> DistributedHerder::connector_offsets(const std::string& name) {
  const StringMap config = require_connector(snapshot(), name, "Connector " + name + " not found");
  std::vector<ConnectorOffset> out;
  for (auto& entry : worker_->connector_offsets(name, resolved(config))) {
    out.push_back(ConnectorOffset{std::move(entry.partition), std::move(entry.offset)});
  }
  return out;
}

std::string DistributedHerder::alter_connector_offsets(const std::string& name,
                                                       const std::vector<ConnectorOffset>& offsets) {
  if (offsets.empty()) throw ConnectError("The offsets to be altered may not be null or empty");
  const StringMap config = stopped_connector_config(name);
  std::vector<worker::SourceOffset> entries;
  for (const auto& o : offsets) entries.push_back(worker::SourceOffset{o.partition, o.offset});
  return worker_->alter_connector_offsets(name, resolved(config), entries);
}

std::string DistributedHerder::reset_connector_offsets(const std::string& name) {
  return worker_->reset_connector_offsets(name, resolved(stopped_connector_config(name)));
}

StringMap DistributedHerder::stopped_connector_config(const std::string& name) {
  require_leader("Only the leader can process external offsets modification requests");
  if (!configs_.refresh(sync_timeout_)) {
    throw ConnectError("Failed to read to end of config topic before modifying connector offsets");
  }
  const ClusterConfigState snap = snapshot();
  StringMap config = require_connector(snap, name, "Connector " + name + " not found");
  require_stopped_for_offset_changes(name, snap.target_state(name) == TargetState::Stopped && snap.tasks(name).empty());
  return config;
}

// ---- Herder: topics, plugins, loggers ---------------------------------------------------------------------------

std::set<std::string> DistributedHerder::active_topics(const std::string& name) {
  if (!topic_tracking_) throw RestError(403, "Topic tracking is disabled.");
  // The status topic is the cluster's record (every worker's tasks write to it).
  return statuses_.topics(name);
}

void DistributedHerder::reset_active_topics(const std::string& name) {
  if (!topic_tracking_) throw RestError(403, "Topic tracking is disabled.");
  if (!topic_tracking_reset_) throw RestError(403, "Topic tracking reset is disabled.");
  for (const auto& topic : statuses_.topics(name)) statuses_.delete_topic(name, topic);
  worker_->reset_active_topics(name);
}

ConfigInfos DistributedHerder::validate_connector_config(const StringMap& config) {
  return validator_->validate(config);
}

std::vector<PluginDesc> DistributedHerder::connector_plugins(bool connectors_only) {
  return list_connector_plugins(plugins_, connectors_only);
}

std::vector<ConfigKeyInfo> DistributedHerder::plugin_config(const std::string& plugin) {
  return validator_->plugin_config(plugin);
}

std::map<std::string, LoggerLevel> DistributedHerder::logger_levels() { return current_logger_levels(); }

LoggerLevel DistributedHerder::logger_level(const std::string& logger) { return current_logger_level(logger); }

std::vector<std::string> DistributedHerder::set_logger_level(const std::string& name, const std::string& level,
                                                             bool cluster_scope) {
  if (!cluster_scope) return apply_logger_level(name, level);
  if (!valid_logger_level(level)) throw NotFoundError("invalid log level '" + level + "'.");
  // Kafka: written to the config topic; every worker (this one included) applies it when it reads the record.
  configs_.put_logger_level(name, level);
  return {};
}

}  // namespace sluice::herder
