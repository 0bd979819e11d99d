#include "core/worker/worker.hpp"

#include <spdlog/spdlog.h>

#include <map>

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/worker/connector_offsets.hpp"
#include "core/worker/worker_connector.hpp"
#include "core/worker/worker_sink_task.hpp"
#include "core/worker/worker_source_task.hpp"

namespace sluice::worker {

using Clock = std::chrono::steady_clock;

namespace {

// Kafka's Worker.CONNECTOR_GRACEFUL_SHUTDOWN_TIMEOUT_MS.
constexpr std::chrono::milliseconds kConnectorShutdownTimeout{5000};
// How long the herder waits for a connector to generate its task configs (the REST request timeout).
constexpr std::chrono::milliseconds kConnectorCallTimeout{90'000};

std::string require_bootstrap(const WorkerConfig& config) {
  auto bootstrap = config.bootstrap_servers();
  if (!bootstrap) {
    throw ConfigError(
        "The worker config has no bootstrap.servers: set it to the Kafka brokers to use (the sluice app starts an "
        "embedded dev broker and sets it when the worker config leaves it out)");
  }
  return *bootstrap;
}

}  // namespace

class Worker::Impl {
 public:
  Impl(std::string worker_id, const WorkerConfig& config, api::PluginCatalog& plugins, storage::OffsetStore& offsets,
       StatusListener& listener)
      : config_(config),
        topics_(config_.topic_tracking_enabled()),
        ctx_{std::move(worker_id),
             config_,
             plugins,
             offsets,
             listener,
             require_bootstrap(config_),
             parse_override_policy(config_.client_config_override_policy()),
             topics_,
             log::get("sluice.worker")} {}

  ~Impl() {
    std::vector<ConnectorTaskId> ids;
    std::vector<std::string> names;
    {
      MutexLock lock(mu_);
      for (const auto& [id, task] : tasks_) ids.push_back(id);
      for (const auto& [name, connector] : connectors_) names.push_back(name);
    }
    stop_tasks(ids);
    for (const auto& name : names) stop_connector(name);
    // Abandoned tasks and connectors get one more graceful period; if they still run, their objects are
    // leaked on purpose: their threads use them, and destroying them would crash the process.
    const auto deadline = Clock::now() + config_.task_shutdown_graceful_timeout();
    MutexLock lock(mu_);
    for (auto& task : abandoned_tasks_) {
      if (!task->await_stop(deadline)) {
        ctx_.log->error("Task {} is still running at worker shutdown; leaving it behind", task->id().to_string());
        (void)task.release();
      }
    }
    for (auto& connector : abandoned_connectors_) {
      if (!connector->await_shutdown(deadline)) {
        ctx_.log->error("Connector {} is still running at worker shutdown; leaving it behind", connector->name());
        // Its thread still uses it: keep one reference forever.
        (void)std::make_unique<std::shared_ptr<WorkerConnector>>(std::move(connector)).release();
      }
    }
  }

  WorkerConfig config_;
  TopicTracker topics_;
  WorkerContext ctx_;
  mutable Mutex mu_;
  // shared: connector_task_configs() waits on a connector outside the lock while another thread may stop it.
  std::map<std::string, std::shared_ptr<WorkerConnector>> connectors_ SLUICE_GUARDED_BY(mu_);
  std::map<ConnectorTaskId, std::unique_ptr<WorkerTask>> tasks_ SLUICE_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<WorkerTask>> abandoned_tasks_ SLUICE_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<WorkerConnector>> abandoned_connectors_ SLUICE_GUARDED_BY(mu_);

  void stop_tasks(const std::vector<ConnectorTaskId>& ids);
  void stop_connector(const std::string& name);
};

void Worker::Impl::stop_tasks(const std::vector<ConnectorTaskId>& ids) {
  std::vector<std::unique_ptr<WorkerTask>> stopping;
  {
    MutexLock lock(mu_);
    for (const auto& id : ids) {
      auto it = tasks_.find(id);
      if (it == tasks_.end()) {
        ctx_.log->warn("Ignoring stop request for unowned task {}", id.to_string());
        continue;
      }
      stopping.push_back(std::move(it->second));
      tasks_.erase(it);
    }
  }
  for (auto& task : stopping) {
    ctx_.log->info("Stopping task {}", task->id().to_string());
    task->stop();
  }
  // As Kafka: one graceful timeout for all of them, waited for in turn.
  const auto deadline = Clock::now() + config_.task_shutdown_graceful_timeout();
  for (auto& task : stopping) {
    if (task->await_stop(deadline)) continue;
    ctx_.log->error("Graceful stop of task {} failed.", task->id().to_string());
    task->cancel();
    MutexLock lock(mu_);
    abandoned_tasks_.push_back(std::move(task));
  }
}

void Worker::Impl::stop_connector(const std::string& name) {
  std::shared_ptr<WorkerConnector> connector;
  {
    MutexLock lock(mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) {
      ctx_.log->warn("Ignoring stop request for unowned connector {}", name);
      return;
    }
    connector = std::move(it->second);
    connectors_.erase(it);
  }
  ctx_.log->info("Stopping connector {}", name);
  connector->shutdown();
  if (!connector->await_shutdown(Clock::now() + kConnectorShutdownTimeout)) {
    ctx_.log->error(
        "Connector '{}' failed to properly shut down, has become unresponsive, and may be consuming external "
        "resources. Correct the configuration for this connector or remove the connector. After fixing the "
        "connector, it may be necessary to restart this worker to release any consumed resources.",
        name);
    MutexLock lock(mu_);
    abandoned_connectors_.push_back(std::move(connector));
  }
}

Worker::Worker(std::string worker_id, const WorkerConfig& config, api::PluginCatalog& plugins,
               storage::OffsetStore& offsets, StatusListener& listener)
    : impl_(std::make_unique<Impl>(std::move(worker_id), config, plugins, offsets, listener)) {}

Worker::~Worker() = default;

const std::string& Worker::worker_id() const {
  return impl_->ctx_.worker_id;
}

const WorkerConfig& Worker::config() const {
  return impl_->config_;
}

void Worker::start_connector(const std::string& name, const StringMap& config, TargetState initial,
                             std::function<void()> on_reconfigure) {
  auto connector = std::make_shared<WorkerConnector>(name, config, impl_->ctx_, std::move(on_reconfigure));
  WorkerConnector* raw = connector.get();
  {
    MutexLock lock(impl_->mu_);
    if (impl_->connectors_.contains(name)) {
      impl_->ctx_.log->error("Connector with name {} already exists in this worker; not starting it again", name);
      return;
    }
    impl_->connectors_.emplace(name, std::move(connector));
  }
  impl_->ctx_.log->info("Creating connector {} of type {}", name,
                        config.contains("connector.class") ? config.at("connector.class") : std::string("(none)"));
  raw->start(initial);
}

bool Worker::is_connector_running(const std::string& name) const {
  MutexLock lock(impl_->mu_);
  const auto it = impl_->connectors_.find(name);
  return it != impl_->connectors_.end() && it->second->is_running();
}

std::vector<StringMap> Worker::connector_task_configs(const std::string& name) {
  std::shared_ptr<WorkerConnector> connector;
  {
    MutexLock lock(impl_->mu_);
    const auto it = impl_->connectors_.find(name);
    if (it == impl_->connectors_.end()) throw ConnectError("Connector " + name + " not found in this worker.");
    connector = it->second;
  }
  return connector->task_configs(kConnectorCallTimeout);
}

void Worker::stop_connector(const std::string& name) {
  impl_->stop_connector(name);
}

void Worker::set_target_state(const std::string& name, TargetState state) {
  impl_->ctx_.log->info("Setting connector {} state to {}", name, target_state_name(state));
  MutexLock lock(impl_->mu_);
  if (const auto it = impl_->connectors_.find(name); it != impl_->connectors_.end()) {
    try {
      it->second->transition_to(state);
    } catch (const std::exception& e) {
      impl_->ctx_.log->error("Could not change the state of connector {}: {}", name, e.what());
    }
  }
  for (auto& [id, task] : impl_->tasks_) {
    if (id.connector == name) task->transition_to(state);
  }
}

void Worker::start_task(const ConnectorTaskId& id, const StringMap& connector_config, const StringMap& task_config,
                        TargetState initial) {
  auto& ctx = impl_->ctx_;
  ctx.log->info("Creating task {}", id.to_string());
  bool sink = false;
  if (const auto cls = connector_config.find("connector.class"); cls != connector_config.end()) {
    const api::PluginInfo* info = ctx.plugins.find(cls->second);
    sink = info != nullptr && info->kind == api::PluginKind::SinkConnector;
  }
  // An unknown class is reported by the task's thread (as FAILED, with the catalog's message).
  std::unique_ptr<WorkerTask> task;
  if (sink) {
    task = std::make_unique<WorkerSinkTask>(id, ctx, connector_config, task_config, initial);
  } else {
    task = std::make_unique<WorkerSourceTask>(id, ctx, connector_config, task_config, initial);
  }
  WorkerTask* raw = task.get();
  {
    MutexLock lock(impl_->mu_);
    if (impl_->tasks_.contains(id)) {
      ctx.log->error("Task already exists in this worker: {}", id.to_string());
      return;
    }
    impl_->tasks_.emplace(id, std::move(task));
    raw->start();
  }
}

void Worker::stop_tasks(const std::vector<ConnectorTaskId>& ids) {
  impl_->stop_tasks(ids);
}

std::set<ConnectorTaskId> Worker::running_tasks() const {
  std::set<ConnectorTaskId> out;
  MutexLock lock(impl_->mu_);
  for (const auto& [id, task] : impl_->tasks_) out.insert(id);
  return out;
}

std::vector<SourceOffset> Worker::connector_offsets(const std::string& name, const StringMap& connector_config) {
  return read_connector_offsets(impl_->ctx_, name, connector_config);
}

std::string Worker::alter_connector_offsets(const std::string& name, const StringMap& connector_config,
                                            const std::vector<SourceOffset>& offsets) {
  return worker::alter_connector_offsets(impl_->ctx_, name, connector_config, offsets);
}

std::string Worker::reset_connector_offsets(const std::string& name, const StringMap& connector_config) {
  return worker::reset_connector_offsets(impl_->ctx_, name, connector_config);
}

std::set<std::string> Worker::active_topics(const std::string& name) const {
  return impl_->topics_.topics(name);
}

void Worker::reset_active_topics(const std::string& name) {
  impl_->topics_.reset(name);
}

}  // namespace sluice::worker
