#pragma once
// WorkerConnector: one connector instance and the thread its calls run on (Kafka's WorkerConnector), so a
// slow start(), stop() or task_configs() never blocks the herder. Other threads post commands to a bounded
// queue; task_configs() waits for its answer.
//
// States and reports, as Kafka: created -> start() -> RUNNING; target PAUSED stops the instance (PAUSED) and
// STOPPED too (STOPPED); resuming starts it again (RUNNING); any failure -> FAILED with a trace (later
// transitions are ignored); shutdown stops a started instance and reports UNASSIGNED. A connector created
// paused or stopped is not started until it is resumed.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/api/connector.hpp"
#include "core/worker/worker_task.hpp"

namespace sluice::worker {

class WorkerConnector {
 public:
  // Bound of the command queue: commands are rare (start, state changes, task configs, reconfiguration).
  static constexpr std::size_t kMaxQueued = 64;

  WorkerConnector(std::string name, StringMap config, WorkerContext& ctx, std::function<void()> on_reconfigure);
  ~WorkerConnector();
  WorkerConnector(const WorkerConnector&) = delete;
  WorkerConnector& operator=(const WorkerConnector&) = delete;

  // Starts the thread, which creates the instance and moves it to `initial`.
  void start(TargetState initial);
  void transition_to(TargetState state);
  // The task configs of a running connector, tasks.max and tasks.max.enforce applied; waits up to `timeout`.
  // Throws ConnectError (not running, failed, too many tasks, or the plugin's error).
  std::vector<StringMap> task_configs(std::chrono::milliseconds timeout);
  bool is_running() const;
  // Asks the thread to stop the instance and end; returns at once.
  void shutdown();
  // True once the thread ended (it is then joined).
  bool await_shutdown(std::chrono::steady_clock::time_point deadline);

  const std::string& name() const { return name_; }

 private:
  class Context;
  enum class Phase { Init, Started, Paused, Stopped, Failed, Shutdown };

  void post(std::function<void()> command);
  void run();
  void initialize();
  void do_transition(TargetState state);
  void do_start();
  void do_suspend(bool paused);
  void do_shutdown();
  void fail(const std::exception& error, const char* stage);
  void report(State state, const std::optional<std::string>& trace = std::nullopt);
  std::vector<StringMap> do_task_configs();

  const std::string name_;
  const StringMap config_;
  WorkerContext& ctx_;
  const std::function<void()> on_reconfigure_;
  const std::string prefix_;
  std::unique_ptr<Context> context_;
  std::unique_ptr<api::Connector> connector_;  // used on the connector thread only

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_, at most kMaxQueued
  bool stop_requested_ = false;              // guarded by mu_
  bool finished_ = false;                    // guarded by mu_
  Phase phase_ = Phase::Init;                // guarded by mu_ (written on the connector thread)
  std::thread thread_;
};

}  // namespace sluice::worker
