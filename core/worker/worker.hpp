#pragma once
// The Worker runs connector and task instances on this process (Kafka's Worker). Herders decide what runs
// where; the worker starts, stops and pauses instances and reports every state change to a StatusListener.
// Owned by a herder; every public method is thread-safe and blocks at most for the graceful timeouts.
// Each task runs on its own thread (WorkerSourceTask / WorkerSinkTask); connector instances run their
// calls on a connector thread so a slow connector cannot block the herder.

#include "core/common/connect_ids.hpp"
#include "core/data/value.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sluice::api {
class PluginCatalog;
}
namespace sluice::storage {
class OffsetStore;
}

namespace sluice::worker {

using StringMap = std::map<std::string, std::string>;

class WorkerConfig;

// Status changes, called from worker threads (Kafka's ConnectorStatus.Listener and TaskStatus.Listener).
class StatusListener {
 public:
  virtual ~StatusListener() = default;
  // trace: the failure text for FAILED (error class, message and the chain of causes), else nullopt.
  virtual void on_connector_state(const std::string& connector, State state, const std::optional<std::string>& trace) = 0;
  virtual void on_task_state(const ConnectorTaskId& id, State state, const std::optional<std::string>& trace) = 0;
  // Topic tracking (KIP-558): a task of `id.connector` used `topic` for the first time since the connector's
  // active topics were last reset on this worker. The distributed herder records it in the status topic.
  virtual void on_topic_active(const ConnectorTaskId& id, const std::string& topic) {
    (void)id;
    (void)topic;
  }
};

struct SourceOffset {
  data::Value partition;
  data::Value offset;  // null: reset
};

class Worker {
 public:
  // `plugins`, `offsets` and `listener` must outlive the worker.
  Worker(std::string worker_id, const WorkerConfig& config, api::PluginCatalog& plugins,
         storage::OffsetStore& offsets, StatusListener& listener);
  ~Worker();  // stops every task and connector
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  const std::string& worker_id() const;
  const WorkerConfig& config() const;

  // Connectors. `config` is the connector's config with ${...} placeholders already resolved.
  // Failures do not throw: the connector goes FAILED through the listener. `on_reconfigure` is called (from a
  // connector thread) when the connector asks for task reconfiguration.
  void start_connector(const std::string& name, const StringMap& config, TargetState initial,
                       std::function<void()> on_reconfigure);
  bool is_connector_running(const std::string& name) const;
  // Task configs from the running connector (tasks.max and tasks.max.enforce applied). Throws ConnectError.
  std::vector<StringMap> connector_task_configs(const std::string& name);
  void stop_connector(const std::string& name);  // blocks until stopped (bounded)
  void set_target_state(const std::string& name, TargetState state);  // connector and its tasks

  // Tasks. Failures go FAILED through the listener.
  void start_task(const ConnectorTaskId& id, const StringMap& connector_config, const StringMap& task_config,
                  TargetState initial);
  // Stops the tasks and waits up to task.shutdown.graceful.timeout.ms for them (then abandons them).
  void stop_tasks(const std::vector<ConnectorTaskId>& ids);
  std::set<ConnectorTaskId> running_tasks() const;

  // Offsets API (connector must be stopped; the herder checks). Source: from the offset store; sink: the
  // consumer group connect-<name> (or consumer.override.group.id). Return Kafka's success message.
  std::vector<SourceOffset> connector_offsets(const std::string& name, const StringMap& connector_config);
  std::string alter_connector_offsets(const std::string& name, const StringMap& connector_config,
                                      const std::vector<SourceOffset>& offsets);
  std::string reset_connector_offsets(const std::string& name, const StringMap& connector_config);

  // Topics a connector's tasks produced to or consumed from (topic tracking).
  std::set<std::string> active_topics(const std::string& name) const;
  void reset_active_topics(const std::string& name);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::worker
