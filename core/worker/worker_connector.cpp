#include "core/worker/worker_connector.hpp"

#include <spdlog/spdlog.h>

#include <future>

#include "core/common/errors.hpp"
#include "core/worker/connector_config.hpp"
#include "core/worker/failure_trace.hpp"

namespace sluice::worker {

class WorkerConnector::Context final : public api::ConnectorContext {
 public:
  explicit Context(WorkerConnector& owner) : owner_(owner) {}
  const std::string& log_prefix() const override { return owner_.prefix_; }
  bool is_stopping() const override {
    std::lock_guard lock(owner_.mu_);
    return owner_.stop_requested_;
  }
  void request_task_reconfiguration() override {
    if (!owner_.on_reconfigure_) return;
    // Many requests in a row need one reconfiguration.
    if (reconfigure_queued_.exchange(true)) return;
    try {
      owner_.post([this] {
        reconfigure_queued_.store(false);
        owner_.on_reconfigure_();
      });
    } catch (const std::exception& e) {
      reconfigure_queued_.store(false);
      owner_.ctx_.log->error("{}Could not queue the task reconfiguration request: {}", owner_.prefix_, e.what());
    }
  }
  void raise_error(const std::string& message) override {
    try {
      owner_.post([this, message] { owner_.fail(ConnectError(message), "raiseError"); });
    } catch (const std::exception& e) {
      owner_.ctx_.log->error("{}Could not record the error the connector raised ({}): {}", owner_.prefix_, message,
                             e.what());
    }
  }

 private:
  WorkerConnector& owner_;
  std::atomic<bool> reconfigure_queued_{false};
};

WorkerConnector::WorkerConnector(std::string name, StringMap config, WorkerContext& ctx,
                                 std::function<void()> on_reconfigure)
    : name_(std::move(name)),
      config_(std::move(config)),
      ctx_(ctx),
      on_reconfigure_(std::move(on_reconfigure)),
      prefix_("[" + name_ + "|worker] ") {
  context_ = std::make_unique<Context>(*this);
}

WorkerConnector::~WorkerConnector() {
  if (!thread_.joinable()) return;
  bool finished = false;
  {
    std::lock_guard lock(mu_);
    finished = finished_;
  }
  if (finished) {
    thread_.join();
  } else {
    // The worker keeps unresponsive connectors alive instead of destroying them; last resort only.
    thread_.detach();
  }
}

void WorkerConnector::start(TargetState initial) {
  thread_ = std::thread([this] { run(); });
  transition_to(initial);
}

void WorkerConnector::post(std::function<void()> command) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= kMaxQueued) {
      throw ConnectError("Connector " + name_ + " has " + std::to_string(kMaxQueued) +
                         " requests waiting; it is not responding (is a start(), stop() or task_configs() call stuck?)");
    }
    queue_.push_back(std::move(command));
  }
  cv_.notify_all();
}

void WorkerConnector::transition_to(TargetState state) {
  post([this, state] { do_transition(state); });
}

std::vector<StringMap> WorkerConnector::task_configs(std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<std::vector<StringMap>>>();
  std::future<std::vector<StringMap>> result = promise->get_future();
  post([this, promise] {
    try {
      promise->set_value(do_task_configs());
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  });
  if (result.wait_for(timeout) != std::future_status::ready) {
    throw ConnectError("Timed out after " + std::to_string(timeout.count()) + " ms waiting for connector " + name_ +
                       " to generate its task configurations");
  }
  try {
    return result.get();
  } catch (const std::future_error&) {
    throw ConnectError("Connector " + name_ + " stopped before it generated its task configurations");
  }
}

bool WorkerConnector::is_running() const {
  std::lock_guard lock(mu_);
  return phase_ == Phase::Started;
}

void WorkerConnector::shutdown() {
  {
    std::lock_guard lock(mu_);
    stop_requested_ = true;
  }
  cv_.notify_all();
}

bool WorkerConnector::await_shutdown(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  const bool done = cv_.wait_until(lock, deadline, [this] { return finished_; });
  lock.unlock();
  if (done && thread_.joinable()) thread_.join();
  return done;
}

void WorkerConnector::run() {
  initialize();
  for (;;) {
    std::function<void()> command;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return !queue_.empty() || stop_requested_; });
      if (queue_.empty()) break;  // stop requested and nothing left to do
      command = std::move(queue_.front());
      queue_.pop_front();
    }
    command();
  }
  do_shutdown();
  {
    std::lock_guard lock(mu_);
    finished_ = true;
  }
  cv_.notify_all();
}

void WorkerConnector::initialize() {
  try {
    const auto class_name = config_.find(connector_keys::kConnectorClass);
    if (class_name == config_.end()) {
      throw ConfigError(std::string("Missing required configuration \"") + connector_keys::kConnectorClass +
                        "\" which has no default value.");
    }
    connector_ = ctx_.plugins.create_connector(class_name->second, *context_);
    ctx_.log->info("{}Instantiated connector {} with version {} of type {}", prefix_, name_, connector_->version(),
                   class_name->second);
  } catch (const std::exception& e) {
    fail(e, "initialize");
  }
}

void WorkerConnector::do_transition(TargetState state) {
  Phase phase;
  {
    std::lock_guard lock(mu_);
    phase = phase_;
  }
  if (phase == Phase::Failed) {
    ctx_.log->warn("{}Cannot transition connector to {} since it has failed", prefix_, target_state_name(state));
    return;
  }
  switch (state) {
    case TargetState::Started:
      if (phase != Phase::Started) do_start();
      break;
    case TargetState::Paused:
      do_suspend(true);
      break;
    case TargetState::Stopped:
      do_suspend(false);
      break;
  }
}

void WorkerConnector::do_start() {
  try {
    ConnectorConfig parsed(connector_->type(), config_);  // the common keys must parse before start
    (void)parsed;
    connector_->start(config_);
    {
      std::lock_guard lock(mu_);
      phase_ = Phase::Started;
    }
    ctx_.log->info("{}Finished creating connector {}", prefix_, name_);
    report(State::Running);
  } catch (const std::exception& e) {
    fail(e, "start");
  }
}

void WorkerConnector::do_suspend(bool paused) {
  Phase phase;
  {
    std::lock_guard lock(mu_);
    phase = phase_;
  }
  const Phase next = paused ? Phase::Paused : Phase::Stopped;
  if (phase == next) return;
  try {
    if (phase == Phase::Started) connector_->stop();
    {
      std::lock_guard lock(mu_);
      phase_ = next;
    }
    ctx_.log->info("{}Connector {}", prefix_, paused ? "paused" : "stopped");
    report(paused ? State::Paused : State::Stopped);
  } catch (const std::exception& e) {
    fail(e, "stop");
  }
}

void WorkerConnector::do_shutdown() {
  Phase phase;
  {
    std::lock_guard lock(mu_);
    phase = phase_;
  }
  try {
    if (phase == Phase::Started) connector_->stop();
    {
      std::lock_guard lock(mu_);
      phase_ = Phase::Shutdown;
    }
    ctx_.log->info("{}Completed shutdown for connector {}", prefix_, name_);
    report(State::Unassigned);
  } catch (const std::exception& e) {
    fail(e, "stop");
  }
  connector_.reset();
}

void WorkerConnector::fail(const std::exception& error, const char* stage) {
  {
    std::lock_guard lock(mu_);
    phase_ = Phase::Failed;
  }
  ctx_.log->error("{}Error in connector {} during {}: {}", prefix_, name_, stage, error.what());
  report(State::Failed, failure_trace(error, std::string("sluice.worker.WorkerConnector.") + stage + "(" + name_ + ")"));
}

void WorkerConnector::report(State state, const std::optional<std::string>& trace) {
  try {
    ctx_.listener.on_connector_state(name_, state, trace);
  } catch (const std::exception& e) {
    ctx_.log->error("{}The status listener failed to record {}: {}", prefix_, state_name(state), e.what());
  }
}

std::vector<StringMap> WorkerConnector::do_task_configs() {
  Phase phase;
  {
    std::lock_guard lock(mu_);
    phase = phase_;
  }
  if (phase != Phase::Started || !connector_) {
    throw ConnectError("Connector " + name_ + " is not running in this worker, so it cannot generate task configurations");
  }
  const ConnectorConfig parsed(connector_->type(), config_);
  const int max_tasks = parsed.tasks_max();
  std::vector<StringMap> configs = connector_->task_configs(max_tasks);
  if (static_cast<int>(configs.size()) > max_tasks) {
    const std::string message =
        "The connector " + name_ + " has generated " + std::to_string(configs.size()) + " tasks, which is greater than " +
        std::to_string(max_tasks) +
        ", the maximum number of tasks it is configured to create. This behaviour should be considered a bug and is "
        "disallowed. If necessary, it can be permitted by reconfiguring the connector with 'tasks.max.enforce' set "
        "to false; however, this option will be removed in a future release of Kafka Connect.";
    if (parsed.tasks_max_enforce()) {
      const ConnectError error(message);
      fail(error, "taskConfigs");
      throw error;
    }
    ctx_.log->warn(
        "{}The connector {} has generated {} tasks, which is greater than {}, the maximum number of tasks it is "
        "configured to create. This behavior should be considered a bug and will be disallowed in future releases of "
        "Kafka Connect. Please report this to the maintainers of the connector and request that they adjust their "
        "connector's taskConfigs() method to respect the maxTasks parameter.",
        prefix_, name_, configs.size(), max_tasks);
  }
  // As Kafka's Worker.connectorTaskConfigs: every task config names the task class, and the connector's
  // topics settings (which only sinks have) are copied into it. The connector's class is resolved through the
  // catalog, so an alias (FileStreamSink) still gives Kafka's full name.
  std::string connector_class = parsed.connector_class();
  if (const api::PluginInfo* info = ctx_.plugins.find(connector_class); info != nullptr)
    connector_class = info->class_name;
  const std::string task_class = task_class_name(connector_class);
  for (StringMap& task : configs) {
    task.try_emplace(connector_keys::kTaskClass, task_class);  // a plugin may name its task class itself
    for (const char* key : {connector_keys::kTopics, connector_keys::kTopicsRegex}) {
      if (const auto it = config_.find(key); it != config_.end()) task[key] = it->second;
    }
  }
  return configs;
}

}  // namespace sluice::worker
