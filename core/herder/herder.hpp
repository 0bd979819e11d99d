#pragma once
// The Herder: the one interface between the REST layer and the runtime (Kafka's Herder). The standalone
// herder implements it now; the distributed herder implements the same interface later, so rest-api never
// changes. Calls are synchronous and may block (bounded by the worker's request timeout); they throw the
// errors of core/common/errors.hpp, which rest-api/error_mapper turns into Kafka's statuses and bodies:
// NotFoundError 404, AlreadyExistsError 409, BadRequestError 400, ConflictError 409, ConnectError 500.
// A distributed follower throws NotLeaderError for leader-only writes; the REST layer forwards them.
// Thread-safe: the REST server calls it from its own threads.

#include "core/common/connect_ids.hpp"
#include "core/common/errors.hpp"
#include "core/data/value.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sluice::herder {

using StringMap = std::map<std::string, std::string>;
using PatchMap = std::map<std::string, std::optional<std::string>>;  // nullopt: remove the key

using sluice::ConnectorTaskId;
using sluice::TargetState;

// HTTP 409 with Kafka's text, e.g. rebalance in progress.
class ConflictError : public ConnectError {
 public:
  using ConnectError::ConnectError;
};

// A distributed follower cannot serve this write; the REST layer forwards to `leader_url`.
class NotLeaderError : public ConnectError {
 public:
  NotLeaderError(const std::string& message, std::string leader_url)
      : ConnectError(message), leader_url_(std::move(leader_url)) {}
  const std::string& leader_url() const { return leader_url_; }

 private:
  std::string leader_url_;
};

// An error carrying an explicit HTTP status (Kafka's ConnectRestException), e.g. 403 topic tracking.
class RestError : public ConnectError {
 public:
  RestError(int status, const std::string& message) : ConnectError(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

struct ConnectorInfo {
  std::string name;
  StringMap config;
  std::vector<ConnectorTaskId> tasks;
  std::string type;  // "source" | "sink" | "unknown"
};

struct StateInfo {
  std::string state;  // UNASSIGNED RUNNING PAUSED STOPPED FAILED RESTARTING
  std::string worker_id;
  std::optional<std::string> trace;
};

struct TaskStateInfo : StateInfo {
  int id = 0;
};

struct ConnectorStateInfo {
  std::string name;
  StateInfo connector;
  std::vector<TaskStateInfo> tasks;
  std::string type;
};

struct TaskInfo {
  ConnectorTaskId id;
  StringMap config;
};

struct CreateResult {
  bool created = false;  // false: an existing config was replaced (PUT 200)
  ConnectorInfo info;
};

struct RestartRequest {
  std::string connector;
  bool only_failed = false;
  bool include_tasks = false;
};

// GET/PATCH /connectors/{name}/offsets entries: partition and offset maps (offset null = reset).
struct ConnectorOffset {
  data::Value partition;
  data::Value offset;
};

// Kafka's ConfigKeyInfo.
struct ConfigKeyInfo {
  std::string name;
  std::string type;
  bool required = false;
  std::optional<std::string> default_value;
  std::string importance;
  std::string documentation;
  std::optional<std::string> group;
  int order = -1;
  std::string width;
  std::string display_name;
  std::vector<std::string> dependents;
};

// Kafka's ConfigValueInfo.
struct ConfigValueInfo {
  std::string name;
  std::optional<std::string> value;
  std::vector<std::string> recommended_values;
  std::vector<std::string> errors;
  bool visible = true;
};

struct ConfigInfo {
  std::optional<ConfigKeyInfo> definition;
  ConfigValueInfo value;
};

// Kafka's ConfigInfos (PUT /connector-plugins/{p}/config/validate).
struct ConfigInfos {
  std::string name;
  int error_count = 0;
  std::vector<std::string> groups;
  std::vector<ConfigInfo> configs;
};

struct PluginDesc {
  std::string class_name;
  std::string type;     // "source", "sink", "converter", "header_converter", "transformation", "predicate"
  std::string version;  // empty: omitted
};

struct ServerInfo {
  std::string version;
  std::string commit;
  std::string kafka_cluster_id;
};

// GET /health body (Kafka's WorkerStatus) and its HTTP status (200, 503 or 500).
struct HealthInfo {
  int http_status = 200;
  std::string status;  // "healthy" | "starting" | "unhealthy"
  std::string message;
};

// A worker-to-worker request's signature headers (Kafka's InternalRequestSignature): X-Connect-Authorization and
// X-Connect-Request-Signature-Algorithm, with the exact body bytes they sign.
struct InternalRequestSignature {
  std::string algorithm;
  std::string signature;  // base64
  std::string body;
};

struct LoggerLevel {
  std::string level;
  std::optional<std::int64_t> last_modified;
};

class Herder {
 public:
  virtual ~Herder() = default;

  virtual ServerInfo server_info() = 0;
  virtual HealthInfo health() = 0;

  virtual std::vector<std::string> connectors() = 0;
  virtual ConnectorInfo connector_info(const std::string& name) = 0;
  virtual StringMap connector_config(const std::string& name) = 0;
  // POST /connectors (allow_replace=false: AlreadyExistsError) and PUT /connectors/{n}/config (true).
  // Validates first: BadRequestError with Kafka's "Connector configuration is invalid ..." message.
  virtual CreateResult put_connector_config(const std::string& name, const StringMap& config, bool allow_replace,
                                            std::optional<TargetState> initial_state) = 0;
  virtual ConnectorInfo patch_connector_config(const std::string& name, const PatchMap& patch) = 0;
  virtual void delete_connector(const std::string& name) = 0;

  virtual ConnectorStateInfo connector_status(const std::string& name) = 0;
  virtual TaskStateInfo task_status(const ConnectorTaskId& id) = 0;
  virtual std::vector<TaskInfo> task_configs(const std::string& name) = 0;

  virtual void restart_task(const ConnectorTaskId& id) = 0;
  // nullopt: plain restart (204); otherwise the restart plan (202).
  virtual std::optional<ConnectorStateInfo> restart_connector(const RestartRequest& request) = 0;
  virtual void pause_connector(const std::string& name) = 0;
  virtual void resume_connector(const std::string& name) = 0;
  virtual void stop_connector(const std::string& name) = 0;

  virtual std::vector<ConnectorOffset> connector_offsets(const std::string& name) = 0;
  // Return Kafka's success message; BadRequestError when the connector is not STOPPED.
  virtual std::string alter_connector_offsets(const std::string& name, const std::vector<ConnectorOffset>& offsets) = 0;
  virtual std::string reset_connector_offsets(const std::string& name) = 0;

  virtual std::set<std::string> active_topics(const std::string& name) = 0;  // RestError 403 when disabled
  virtual void reset_active_topics(const std::string& name) = 0;

  virtual ConfigInfos validate_connector_config(const StringMap& config) = 0;
  virtual std::vector<PluginDesc> connector_plugins(bool connectors_only) = 0;
  virtual std::vector<ConfigKeyInfo> plugin_config(const std::string& plugin) = 0;

  // Internal (POST /connectors/{name}/tasks, worker to leader): the task configs a connector generated, to be
  // written to the config topic by the leader; signed when the cluster uses connect.protocol=sessioned. Kafka's
  // standalone herder does not support it (500).
  virtual void put_task_configs(const std::string& name, const std::vector<StringMap>& configs,
                                const std::optional<InternalRequestSignature>& signature) {
    (void)name;
    (void)configs;
    (void)signature;
    throw ConnectError("Kafka Connect in standalone mode does not support externally setting task configurations.");
  }

  virtual std::map<std::string, LoggerLevel> logger_levels() = 0;
  virtual LoggerLevel logger_level(const std::string& logger) = 0;  // NotFoundError "Logger <l> not found."
  // Returns the affected logger names (worker scope). cluster scope applies everywhere.
  virtual std::vector<std::string> set_logger_level(const std::string& logger, const std::string& level,
                                                    bool cluster_scope) = 0;
};

}  // namespace sluice::herder
