#include "core/worker/worker_task.hpp"

#include <spdlog/spdlog.h>

#include "core/worker/failure_trace.hpp"

namespace sluice::worker {

bool TopicTracker::record(const std::string& connector, const std::string& topic) {
  if (!enabled_) return false;
  MutexLock lock(mu_);
  return topics_[connector].insert(topic).second;
}

std::set<std::string> TopicTracker::topics(const std::string& connector) const {
  MutexLock lock(mu_);
  const auto it = topics_.find(connector);
  return it == topics_.end() ? std::set<std::string>{} : it->second;
}

void TopicTracker::reset(const std::string& connector) {
  {
    MutexLock lock(mu_);
    topics_.erase(connector);
  }
  // Tasks see the new epoch and report their topics again.
  epoch_.fetch_add(1, std::memory_order_acq_rel);
}

WorkerTask::WorkerTask(const ConnectorTaskId& id, WorkerContext& ctx, StringMap connector_config,
                       StringMap task_config, TargetState initial, const char* runner_name)
    : id_(id),
      ctx_(ctx),
      connector_config_(std::move(connector_config)),
      task_config_(std::move(task_config)),
      prefix_("[" + id.connector + "|task-" + std::to_string(id.task) + "] "),
      runner_name_(runner_name),
      target_(initial) {}

WorkerTask::~WorkerTask() {
  if (!thread_.joinable()) return;
  if (finished_.load()) {
    thread_.join();
  } else {
    // The worker never destroys a task whose thread still runs (it keeps abandoned tasks alive); this is a
    // last resort so a joinable thread does not terminate the process.
    thread_.detach();
  }
}

void WorkerTask::start() {
  thread_ = std::thread([this] { run(); });
}

void WorkerTask::transition_to(TargetState state) {
  {
    std::lock_guard lock(mu_);
    if (target_ == state) return;
    target_ = state;
    ++target_version_;
  }
  cv_.notify_all();
  on_target_changed();
}

void WorkerTask::stop() {
  if (stop_requested_.exchange(true, std::memory_order_acq_rel)) return;
  {
    std::lock_guard lock(mu_);  // pairs with wait_for_signal's predicate check
  }
  cv_.notify_all();
  try {
    on_stop_requested();
  } catch (const std::exception& e) {
    ctx_.log->warn("{}Error while asking the task to stop: {}", prefix_, e.what());
  }
}

bool WorkerTask::await_stop(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  const bool done = cv_.wait_until(lock, deadline, [this] { return finished_.load(); });
  lock.unlock();
  if (done && thread_.joinable()) thread_.join();
  return done;
}

void WorkerTask::cancel() {
  cancelled_.store(true, std::memory_order_release);
}

bool WorkerTask::finished() const {
  return finished_.load(std::memory_order_acquire);
}

TargetState WorkerTask::target_state() const {
  std::lock_guard lock(mu_);
  return target_;
}

void WorkerTask::wait_for_signal(std::chrono::milliseconds max) {
  std::unique_lock lock(mu_);
  const std::uint64_t seen = target_version_;
  cv_.wait_for(lock, max, [&] { return stopping() || target_version_ != seen; });
}

bool WorkerTask::sleep_unless_stopping(std::chrono::milliseconds duration) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, deadline, [this] { return stopping(); });
  return !stopping();
}

void WorkerTask::report(State state, const std::optional<std::string>& trace) {
  if (cancelled_.load(std::memory_order_acquire)) return;
  try {
    ctx_.listener.on_task_state(id_, state, trace);
  } catch (const std::exception& e) {
    ctx_.log->error("{}The status listener failed to record {}: {}", prefix_, state_name(state), e.what());
  }
}

void WorkerTask::note_topic(std::string_view topic) {
  if (!ctx_.topics.enabled()) return;
  const std::uint64_t epoch = ctx_.topics.epoch();
  // Records mostly go to the topic of the record before: no set lookup for those.
  if (epoch == topic_epoch_ && !last_topic_.empty() && topic == last_topic_) return;
  if (epoch != topic_epoch_) {
    seen_topics_.clear();
    topic_epoch_ = epoch;
  }
  last_topic_ = topic;
  if (seen_topics_.insert(last_topic_).second && ctx_.topics.record(id_.connector, last_topic_)) {
    ctx_.listener.on_topic_active(id_, last_topic_);
  }
}

void WorkerTask::run() {
  try {
    execute();
    if (!cancelled_.load()) ctx_.log->info("{}Task stopped", prefix_);
    report(State::Unassigned);
  } catch (const std::exception& e) {
    const std::string where =
        std::string("sluice.worker.") + runner_name_ + "." + stage_ + "(" + id_.to_string() + ")";
    if (cancelled_.load()) {
      ctx_.log->warn("{}After being cancelled, the task threw: {}", prefix_, e.what());
    } else {
      ctx_.log->error(
          "{}Task threw an uncaught and unrecoverable exception. Task is being killed and will not recover until "
          "manually restarted: {}",
          prefix_, e.what());
    }
    report(State::Failed, failure_trace(e, where));
  }
  {
    std::lock_guard lock(mu_);
    finished_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

}  // namespace sluice::worker
