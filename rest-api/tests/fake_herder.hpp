#pragma once
// A scripted in-memory Herder for the REST tests: it keeps connectors in a map, records every call, and
// can be told to throw any exception from a given method or to block until released. This is the
// interface seam the REST layer talks through, not a runtime.

#include "core/herder/herder.hpp"

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sluice::rest::testing {

struct Call {
  std::string method;
  std::string name;  // connector, plugin or logger the call was about
  herder::StringMap config;
  herder::PatchMap patch;
  bool allow_replace = false;
  std::optional<TargetState> initial_state;
  herder::RestartRequest restart;
  ConnectorTaskId task;
  std::vector<herder::ConnectorOffset> offsets;
  std::string level;
  bool flag = false;  // cluster scope / connectors_only
};

class FakeHerder final : public herder::Herder {
 public:
  FakeHerder();

  // Makes `method` throw whatever `thrower` throws, until cleared.
  void fail(const std::string& method, std::function<void()> thrower);
  void clear_failures();
  // Blocks every call until release() (for timeout and shutdown tests).
  void block();
  void release();
  std::vector<Call> calls() const;
  std::optional<Call> last_call(const std::string& method) const;

  // Canned state; tests may edit it before sending requests.
  herder::ServerInfo server{"3.9.0", "c0ffee", "cluster-1"};
  herder::HealthInfo health_info{200, "healthy",
                                 "Worker has completed startup and is ready to handle requests."};
  std::map<std::string, herder::ConnectorInfo> connectors_by_name;
  std::map<std::string, herder::ConnectorStateInfo> statuses;
  std::map<std::string, std::vector<herder::TaskInfo>> tasks;
  std::map<std::string, std::vector<herder::ConnectorOffset>> offsets;
  std::set<std::string> topics;
  herder::ConfigInfos validation;
  std::vector<herder::PluginDesc> plugins;
  std::map<std::string, std::vector<herder::ConfigKeyInfo>> plugin_configs;
  std::map<std::string, herder::LoggerLevel> loggers;

  herder::ServerInfo server_info() override;
  herder::HealthInfo health() override;
  std::vector<std::string> connectors() override;
  herder::ConnectorInfo connector_info(const std::string& name) override;
  herder::StringMap connector_config(const std::string& name) override;
  herder::CreateResult put_connector_config(const std::string& name, const herder::StringMap& config,
                                            bool allow_replace,
                                            std::optional<TargetState> initial_state) override;
  herder::ConnectorInfo patch_connector_config(const std::string& name,
                                               const herder::PatchMap& patch) override;
  void delete_connector(const std::string& name) override;
  herder::ConnectorStateInfo connector_status(const std::string& name) override;
  herder::TaskStateInfo task_status(const ConnectorTaskId& id) override;
  std::vector<herder::TaskInfo> task_configs(const std::string& name) override;
  void restart_task(const ConnectorTaskId& id) override;
  std::optional<herder::ConnectorStateInfo> restart_connector(const herder::RestartRequest& request) override;
  void pause_connector(const std::string& name) override;
  void resume_connector(const std::string& name) override;
  void stop_connector(const std::string& name) override;
  std::vector<herder::ConnectorOffset> connector_offsets(const std::string& name) override;
  std::string alter_connector_offsets(const std::string& name,
                                      const std::vector<herder::ConnectorOffset>& offsets) override;
  std::string reset_connector_offsets(const std::string& name) override;
  std::set<std::string> active_topics(const std::string& name) override;
  void reset_active_topics(const std::string& name) override;
  herder::ConfigInfos validate_connector_config(const herder::StringMap& config) override;
  std::vector<herder::PluginDesc> connector_plugins(bool connectors_only) override;
  std::vector<herder::ConfigKeyInfo> plugin_config(const std::string& plugin) override;
  std::map<std::string, herder::LoggerLevel> logger_levels() override;
  herder::LoggerLevel logger_level(const std::string& logger) override;
  std::vector<std::string> set_logger_level(const std::string& logger, const std::string& level,
                                            bool cluster_scope) override;

 private:
  // Records the call, waits while blocked, then throws an injected failure if any.
  void enter(Call call);
  void require_connector(const std::string& name, const std::string& message);

  mutable std::mutex mu_;
  std::condition_variable released_;
  bool blocked_ = false;
  std::vector<Call> calls_;
  std::map<std::string, std::function<void()>> failures_;
};

}  // namespace sluice::rest::testing
