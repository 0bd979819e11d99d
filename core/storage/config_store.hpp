#pragma once
// The distributed worker's connector configurations, kept in Kafka Connect's config topic
// (config.storage.topic, exactly one partition) in Kafka Connect's record formats (KafkaConfigBackingStore):
//   connector-<name>          {"properties":{...raw config...}}                tombstone: connector deleted
//   target-state-<name>       {"state":"STARTED|PAUSED","state.v2":"STARTED|PAUSED|STOPPED"}
//   task-<name>-<n>           {"properties":{...task config...}}               staged until the commit record
//   commit-<name>             {"tasks":<count>}                                makes the staged task configs visible
//   restart-connector-<name>  {"include-tasks":<bool>,"only-failed":<bool>}
//   session-key               {"key":"<base64>","algorithm":"HmacSHA256","creation-timestamp":<ms>}
//   logger-cluster-<ns>       {"level":"<LEVEL>"}
// Values are JsonConverter with schemas.enable=false, compact, fields in Kafka's struct order.
//
// Every worker reads the whole topic and keeps a snapshot; writes go to Kafka and become visible in the
// snapshot only when read back (so every worker, writer included, sees the same order). Thread-safe.

#include "core/common/connect_ids.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sluice::storage {

using StringMap = std::map<std::string, std::string>;

struct RestartRequestRecord {
  std::string connector;
  bool only_failed = false;
  bool include_tasks = false;
  bool operator==(const RestartRequestRecord&) const = default;
};

struct SessionKeyRecord {
  std::string key_base64;
  std::string algorithm;  // "HmacSHA256"
  std::int64_t creation_timestamp = 0;
};

// Kafka's ClusterConfigState: what the config topic says, as of `offset`.
struct ClusterConfigState {
  std::int64_t offset = -1;  // offset of the last record applied (-1: topic empty)
  std::map<std::string, StringMap> connector_configs;     // raw configs of existing connectors
  std::map<std::string, TargetState> target_states;       // absent: STARTED
  std::map<std::string, int> task_counts;                 // from the last commit record of each connector
  std::map<ConnectorTaskId, StringMap> task_configs;      // committed task configs only
  // Connectors whose last commit record did not match the task records read (Kafka's inconsistent set):
  // their tasks must not run until the next consistent commit.
  std::set<std::string> inconsistent;
  std::optional<SessionKeyRecord> session_key;

  bool contains(const std::string& connector) const { return connector_configs.count(connector) > 0; }
  TargetState target_state(const std::string& connector) const;  // STARTED when absent
  std::vector<ConnectorTaskId> tasks(const std::string& connector) const;  // committed, by id
};

// Called on the store's reader thread, in topic order, after the snapshot has been updated. Implementations
// must not block for long or call back into the store's write methods (queue work instead).
class ConfigUpdateListener {
 public:
  virtual ~ConfigUpdateListener() = default;
  virtual void on_connector_config_update(const std::string& connector) = 0;
  virtual void on_connector_config_remove(const std::string& connector) = 0;
  virtual void on_task_config_update(const std::vector<ConnectorTaskId>& tasks) = 0;
  virtual void on_connector_target_state_change(const std::string& connector) = 0;
  virtual void on_restart_request(const RestartRequestRecord& request) = 0;
  virtual void on_session_key_update(const SessionKeyRecord& key) { (void)key; }
  virtual void on_logger_level(const std::string& logger_namespace, const std::string& level) {
    (void)logger_namespace;
    (void)level;
  }
};

class ConfigStore {
 public:
  virtual ~ConfigStore() = default;
  // Reads the topic to its end before returning (creating it first where it is missing and the broker can).
  // Throws ConnectError with a clear message (e.g. the topic has more than one partition).
  virtual void start() = 0;
  virtual void stop() = 0;
  // Only one listener; set before start().
  virtual void set_listener(ConfigUpdateListener* listener) = 0;

  virtual ClusterConfigState snapshot() const = 0;
  // Reads to the end of the topic (as of now) and applies everything; false on timeout.
  virtual bool refresh(std::chrono::milliseconds timeout) = 0;

  // Writes return once Kafka acknowledged the record(s) AND this store has read them back (so snapshot()
  // reflects them). Throw ConnectError on failure or timeout.
  // `target`, when set, is written first as the target-state record (Kafka's order on create).
  virtual void put_connector_config(const std::string& connector, const StringMap& config,
                                    std::optional<TargetState> target) = 0;
  // Tombstones connector-<name> and target-state-<name>.
  virtual void remove_connector_config(const std::string& connector) = 0;
  // task-<name>-<n> for each, then commit-<name> {"tasks":N}. An empty list writes {"tasks":0}.
  virtual void put_task_configs(const std::string& connector, const std::vector<StringMap>& configs) = 0;
  virtual void put_target_state(const std::string& connector, TargetState state) = 0;
  virtual void put_restart_request(const RestartRequestRecord& request) = 0;
  virtual void put_session_key(const SessionKeyRecord& key) = 0;
  virtual void put_logger_level(const std::string& logger_namespace, const std::string& level) = 0;
};

}  // namespace sluice::storage
