#include "rest-api/tests/fake_herder.hpp"

#include "core/common/errors.hpp"

namespace sluice::rest::testing {

FakeHerder::FakeHerder() {
  validation.name = "";
  plugins = {
      {"org.apache.kafka.connect.file.FileStreamSourceConnector", "source", "3.9.0"},
      {"org.apache.kafka.connect.file.FileStreamSinkConnector", "sink", "3.9.0"},
      {"org.apache.kafka.connect.transforms.InsertField$Value", "transformation", ""},
      {"org.apache.kafka.connect.json.JsonConverter", "converter", "3.9.0"},
  };
  loggers = {{"root", {"INFO", std::nullopt}}, {"org.apache.kafka", {"WARN", 1729800000000}}};
}

void FakeHerder::fail(const std::string& method, std::function<void()> thrower) {
  std::lock_guard lock(mu_);
  failures_[method] = std::move(thrower);
}

void FakeHerder::clear_failures() {
  std::lock_guard lock(mu_);
  failures_.clear();
}

void FakeHerder::block() {
  std::lock_guard lock(mu_);
  blocked_ = true;
}

void FakeHerder::release() {
  {
    std::lock_guard lock(mu_);
    blocked_ = false;
  }
  released_.notify_all();
}

std::vector<Call> FakeHerder::calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

std::optional<Call> FakeHerder::last_call(const std::string& method) const {
  std::lock_guard lock(mu_);
  for (auto it = calls_.rbegin(); it != calls_.rend(); ++it) {
    if (it->method == method) return *it;
  }
  return std::nullopt;
}

void FakeHerder::enter(Call call) {
  std::function<void()> failure;
  {
    std::unique_lock lock(mu_);
    std::string method = call.method;
    calls_.push_back(std::move(call));
    released_.wait(lock, [this] { return !blocked_; });
    if (auto it = failures_.find(method); it != failures_.end()) failure = it->second;
  }
  if (failure) failure();
}

void FakeHerder::require_connector(const std::string& name, const std::string& message) {
  std::lock_guard lock(mu_);
  if (!connectors_by_name.count(name)) throw NotFoundError(message);
}

herder::ServerInfo FakeHerder::server_info() {
  enter({"server_info"});
  return server;
}

herder::HealthInfo FakeHerder::health() {
  enter({"health"});
  return health_info;
}

std::vector<std::string> FakeHerder::connectors() {
  enter({"connectors"});
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, info] : connectors_by_name) names.push_back(name);
  return names;
}

herder::ConnectorInfo FakeHerder::connector_info(const std::string& name) {
  enter({"connector_info", name});
  require_connector(name, "Connector " + name + " not found");
  std::lock_guard lock(mu_);
  return connectors_by_name.at(name);
}

herder::StringMap FakeHerder::connector_config(const std::string& name) {
  enter({"connector_config", name});
  require_connector(name, "Connector " + name + " not found");
  std::lock_guard lock(mu_);
  return connectors_by_name.at(name).config;
}

herder::CreateResult FakeHerder::put_connector_config(const std::string& name,
                                                      const herder::StringMap& config, bool allow_replace,
                                                      std::optional<TargetState> initial_state) {
  Call call{"put_connector_config", name, config};
  call.allow_replace = allow_replace;
  call.initial_state = initial_state;
  enter(std::move(call));
  std::lock_guard lock(mu_);
  auto it = connectors_by_name.find(name);
  bool exists = it != connectors_by_name.end();
  if (exists && !allow_replace) throw AlreadyExistsError("Connector " + name + " already exists");
  herder::ConnectorInfo info{name, config, exists ? it->second.tasks : std::vector<ConnectorTaskId>{},
                             "source"};
  connectors_by_name[name] = info;
  return herder::CreateResult{!exists, info};
}

herder::ConnectorInfo FakeHerder::patch_connector_config(const std::string& name,
                                                         const herder::PatchMap& patch) {
  Call call{"patch_connector_config", name};
  call.patch = patch;
  enter(std::move(call));
  require_connector(name, "Connector " + name + " not found");
  std::lock_guard lock(mu_);
  auto& info = connectors_by_name.at(name);
  for (const auto& [key, value] : patch) {
    if (value) {
      info.config[key] = *value;
    } else {
      info.config.erase(key);
    }
  }
  return info;
}

void FakeHerder::delete_connector(const std::string& name) {
  enter({"delete_connector", name});
  require_connector(name, "Connector " + name + " not found");
  std::lock_guard lock(mu_);
  connectors_by_name.erase(name);
}

herder::ConnectorStateInfo FakeHerder::connector_status(const std::string& name) {
  enter({"connector_status", name});
  std::lock_guard lock(mu_);
  auto it = statuses.find(name);
  if (it == statuses.end()) throw NotFoundError("No status found for connector " + name);
  return it->second;
}

herder::TaskStateInfo FakeHerder::task_status(const ConnectorTaskId& id) {
  Call call{"task_status", id.connector};
  call.task = id;
  enter(std::move(call));
  std::lock_guard lock(mu_);
  if (auto it = statuses.find(id.connector); it != statuses.end()) {
    for (const auto& task : it->second.tasks) {
      if (task.id == id.task) return task;
    }
  }
  throw NotFoundError("No status found for task " + id.to_string());
}

std::vector<herder::TaskInfo> FakeHerder::task_configs(const std::string& name) {
  enter({"task_configs", name});
  require_connector(name, "Connector " + name + " not found");
  std::lock_guard lock(mu_);
  auto it = tasks.find(name);
  return it == tasks.end() ? std::vector<herder::TaskInfo>{} : it->second;
}

void FakeHerder::restart_task(const ConnectorTaskId& id) {
  Call call{"restart_task", id.connector};
  call.task = id;
  enter(std::move(call));
  require_connector(id.connector, "Unknown connector: " + id.connector);
}

std::optional<herder::ConnectorStateInfo> FakeHerder::restart_connector(
    const herder::RestartRequest& request) {
  Call call{"restart_connector", request.connector};
  call.restart = request;
  enter(std::move(call));
  require_connector(request.connector, "Unknown connector: " + request.connector);
  if (!request.only_failed && !request.include_tasks) return std::nullopt;
  std::lock_guard lock(mu_);
  auto plan = statuses.at(request.connector);
  if (!request.only_failed || plan.connector.state == "FAILED") plan.connector.state = "RESTARTING";
  for (auto& task : plan.tasks) {
    if (request.include_tasks && (!request.only_failed || task.state == "FAILED")) task.state = "RESTARTING";
  }
  return plan;
}

void FakeHerder::pause_connector(const std::string& name) {
  enter({"pause_connector", name});
  require_connector(name, "Unknown connector " + name);
}

void FakeHerder::resume_connector(const std::string& name) {
  enter({"resume_connector", name});
  require_connector(name, "Unknown connector " + name);
}

void FakeHerder::stop_connector(const std::string& name) {
  enter({"stop_connector", name});
  require_connector(name, "Unknown connector " + name);
}

std::vector<herder::ConnectorOffset> FakeHerder::connector_offsets(const std::string& name) {
  enter({"connector_offsets", name});
  require_connector(name, "Connector " + name + " not found");
  std::lock_guard lock(mu_);
  auto it = offsets.find(name);
  return it == offsets.end() ? std::vector<herder::ConnectorOffset>{} : it->second;
}

std::string FakeHerder::alter_connector_offsets(const std::string& name,
                                                const std::vector<herder::ConnectorOffset>& new_offsets) {
  Call call{"alter_connector_offsets", name};
  call.offsets = new_offsets;
  enter(std::move(call));
  require_connector(name, "Connector " + name + " not found");
  return "The offsets for this connector have been altered successfully";
}

std::string FakeHerder::reset_connector_offsets(const std::string& name) {
  enter({"reset_connector_offsets", name});
  require_connector(name, "Connector " + name + " not found");
  return "The offsets for this connector have been reset successfully";
}

std::set<std::string> FakeHerder::active_topics(const std::string& name) {
  enter({"active_topics", name});
  std::lock_guard lock(mu_);
  return connectors_by_name.count(name) ? topics : std::set<std::string>{};
}

void FakeHerder::reset_active_topics(const std::string& name) {
  enter({"reset_active_topics", name});
}

herder::ConfigInfos FakeHerder::validate_connector_config(const herder::StringMap& config) {
  enter({"validate_connector_config", "", config});
  std::lock_guard lock(mu_);
  auto result = validation;
  if (auto it = config.find("connector.class"); it != config.end()) result.name = it->second;
  return result;
}

std::vector<herder::PluginDesc> FakeHerder::connector_plugins(bool connectors_only) {
  Call call{"connector_plugins"};
  call.flag = connectors_only;
  enter(std::move(call));
  std::lock_guard lock(mu_);
  std::vector<herder::PluginDesc> out;
  for (const auto& p : plugins) {
    if (!connectors_only || p.type == "source" || p.type == "sink") out.push_back(p);
  }
  return out;
}

std::vector<herder::ConfigKeyInfo> FakeHerder::plugin_config(const std::string& plugin) {
  enter({"plugin_config", plugin});
  std::lock_guard lock(mu_);
  auto it = plugin_configs.find(plugin);
  if (it == plugin_configs.end()) throw NotFoundError("Unknown plugin " + plugin + ".");
  return it->second;
}

std::map<std::string, herder::LoggerLevel> FakeHerder::logger_levels() {
  enter({"logger_levels"});
  std::lock_guard lock(mu_);
  return loggers;
}

herder::LoggerLevel FakeHerder::logger_level(const std::string& logger) {
  enter({"logger_level", logger});
  std::lock_guard lock(mu_);
  auto it = loggers.find(logger);
  if (it == loggers.end()) throw NotFoundError("Logger " + logger + " not found.");
  return it->second;
}

std::vector<std::string> FakeHerder::set_logger_level(const std::string& logger, const std::string& level,
                                                      bool cluster_scope) {
  Call call{"set_logger_level", logger};
  call.level = level;
  call.flag = cluster_scope;
  enter(std::move(call));
  return {logger, logger + ".child"};
}

}  // namespace sluice::rest::testing
