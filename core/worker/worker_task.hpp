#pragma once
// WorkerTask: what source and sink task runners share (Kafka's WorkerTask). One thread per task; the thread
// owns the plugin's task instance, its converters, its transformation chain and its Kafka client. Other
// threads talk to it only through transition_to(), stop() and cancel(), which set flags the thread checks.
//
// Status reports (through the worker's StatusListener), as Kafka's WorkerTask makes them:
//   PAUSED   when it starts paused or is paused;  RUNNING once the plugin task started, and on resume;
//   FAILED   with a trace when anything throws;   UNASSIGNED when it stopped normally.
// After cancel() (the worker gave up waiting for a graceful stop) it reports nothing more.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>

#include "core/api/plugin_catalog.hpp"
#include "core/common/connect_ids.hpp"
#include "core/common/thread_annotations.hpp"
#include "core/storage/offset_store.hpp"
#include "core/worker/client_overrides.hpp"
#include "core/worker/worker.hpp"
#include "core/worker/worker_config.hpp"

namespace spdlog {
class logger;
}

namespace sluice::worker {

// Topics each connector used (topic tracking). Thread-safe. Tasks keep a local cache (TopicCache) so the
// lock is taken only the first time a task sees a topic after a reset.
class TopicTracker {
 public:
  explicit TopicTracker(bool enabled) : enabled_(enabled) {}
  bool enabled() const { return enabled_; }
  // True when the topic is new for the connector (since the last reset).
  bool record(const std::string& connector, const std::string& topic);
  std::set<std::string> topics(const std::string& connector) const;
  void reset(const std::string& connector);
  std::uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }

 private:
  const bool enabled_;
  std::atomic<std::uint64_t> epoch_{0};
  mutable Mutex mu_;
  std::map<std::string, std::set<std::string>> topics_ SLUICE_GUARDED_BY(mu_);
};

// What connectors and tasks need from the worker. Outlives every connector and task.
struct WorkerContext {
  std::string worker_id;
  const WorkerConfig& config;
  api::PluginCatalog& plugins;
  storage::OffsetStore& offsets;
  StatusListener& listener;
  std::string bootstrap;
  OverridePolicy policy;
  TopicTracker& topics;
  std::shared_ptr<spdlog::logger> log;
};

class WorkerTask {
 public:
  WorkerTask(const ConnectorTaskId& id, WorkerContext& ctx, StringMap connector_config, StringMap task_config,
             TargetState initial, const char* runner_name);
  virtual ~WorkerTask();
  WorkerTask(const WorkerTask&) = delete;
  WorkerTask& operator=(const WorkerTask&) = delete;

  void start();                          // launches the thread
  void transition_to(TargetState state);  // any thread
  void stop();                           // any thread; returns at once
  // Waits until the thread finished or `deadline` passed; true when finished (the thread is then joined).
  bool await_stop(std::chrono::steady_clock::time_point deadline);
  void cancel();                         // any thread: no more status reports
  bool finished() const;
  const ConnectorTaskId& id() const { return id_; }

 protected:
  // The task's work, on its thread. Reports RUNNING / PAUSED itself; throws on failure.
  virtual void execute() = 0;
  // Any thread, once, when stop() is first called (e.g. interrupt the plugin's poll()).
  virtual void on_stop_requested() {}
  // Any thread, after transition_to() changed the target state (e.g. wake a poll that waits for data).
  virtual void on_target_changed() {}

  bool stopping() const { return stop_requested_.load(std::memory_order_acquire); }
  TargetState target_state() const;
  // Blocks up to `max` or until the target state changes or stop() is called.
  void wait_for_signal(std::chrono::milliseconds max);
  // Sleeps for `duration` unless stop() is called first; false when stopping.
  bool sleep_unless_stopping(std::chrono::milliseconds duration);
  void report(State state, const std::optional<std::string>& trace = std::nullopt);
  // Notes the topic for topic tracking (cheap after the first time).
  void note_topic(std::string_view topic);
  // Runs `loop`, then `shutdown` even when the loop threw (as Kafka, a task is committed, closed and stopped after a
  // failure too), then rethrows the loop's failure with the stage it came from.
  template <typename Loop, typename Shutdown>
  void run_loop_then_shutdown(Loop&& loop, Shutdown&& shutdown) {
    std::exception_ptr failure;
    const char* failed_stage = nullptr;
    try {
      loop();
    } catch (...) {
      failure = std::current_exception();
      failed_stage = current_stage();
    }
    shutdown();
    if (failure) {
      stage(failed_stage);
      std::rethrow_exception(failure);
    }
  }
  // Sets what the thread is doing, for the "at" line of a failure trace.
  void stage(const char* name) { stage_ = name; }
  const char* current_stage() const { return stage_; }

  const ConnectorTaskId id_;
  WorkerContext& ctx_;
  const StringMap connector_config_;
  const StringMap task_config_;
  const std::string prefix_;  // "[name|task-0] "

 private:
  void run();

  const char* runner_name_;
  const char* stage_ = "start";
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  TargetState target_;              // guarded by mu_
  std::uint64_t target_version_ = 0;  // guarded by mu_
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> finished_{false};
  std::uint64_t topic_epoch_ = 0;
  std::unordered_set<std::string> seen_topics_;
  std::string last_topic_;  // the topic note_topic() saw last, in topic_epoch_
};

}  // namespace sluice::worker
