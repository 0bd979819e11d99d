#pragma once
// Connector and task statuses, shared by the cluster through Kafka Connect's status topic
// (status.storage.topic) in Kafka's formats (KafkaStatusBackingStore):
//   status-connector-<name>   {"state":"RUNNING","trace":null,"worker_id":"<host>:<port>","generation":<int>}
//   status-task-<name>-<n>    same shape (trace = failure text when FAILED)
//   status-topic-<topic>:connector-<name>  {"topic":{"name":..,"connector":..,"task":..,"discoverTimestamp":..}}
// DESTROYED is written as a tombstone. Task keys split on the last '-' (connector names may contain '-').
// A worker keeps the latest status of everything it has read; a status from an older generation does not
// overwrite a newer one written by another worker (Kafka's putSafe), so a worker that lost a task in a
// rebalance cannot clobber the new owner's status. Thread-safe.

#include "core/common/connect_ids.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sluice::storage {

struct StatusRecord {
  State state = State::Unassigned;
  std::optional<std::string> trace;
  std::string worker_id;
  std::int32_t generation = 0;
  bool operator==(const StatusRecord&) const = default;
};

struct TopicStatusRecord {
  std::string topic;
  std::string connector;
  int task = 0;
  std::int64_t discover_timestamp = 0;
};

class StatusStore {
 public:
  virtual ~StatusStore() = default;
  virtual void start() = 0;  // creates the topic where possible, reads it to its end
  virtual void stop() = 0;   // flushes pending writes (bounded)

  // Asynchronous writes (Kafka's put): sent in order, retried on retriable errors, visible locally at once.
  // State::Destroyed writes a tombstone and forgets the entry.
  virtual void put_connector(const std::string& connector, const StatusRecord& status) = 0;
  virtual void put_task(const ConnectorTaskId& task, const StatusRecord& status) = 0;
  // Kafka's putSafe: written only if no newer generation of this entry is known (by this worker's view).
  virtual void put_connector_safe(const std::string& connector, const StatusRecord& status) = 0;
  virtual void put_task_safe(const ConnectorTaskId& task, const StatusRecord& status) = 0;

  virtual std::optional<StatusRecord> connector(const std::string& connector) const = 0;
  virtual std::optional<StatusRecord> task(const ConnectorTaskId& task) const = 0;
  virtual std::map<int, StatusRecord> tasks(const std::string& connector) const = 0;  // by task id
  virtual std::set<std::string> connectors() const = 0;

  // Topic tracking (KIP-558).
  virtual void put_topic(const TopicStatusRecord& status) = 0;
  virtual void delete_topic(const std::string& connector, const std::string& topic) = 0;
  virtual std::set<std::string> topics(const std::string& connector) const = 0;
  // Called (on the store's reader thread, no lock held) when a topic's status was deleted by any worker, with
  // the connector's name: a topic reset reaches the tasks' workers as soon as it is read. Set before start().
  using TopicDeletedListener = std::function<void(const std::string& connector)>;
  virtual void on_topic_deleted(TopicDeletedListener listener) { (void)listener; }

  // Reads the topic to its end (other workers' writes become visible); false on timeout.
  virtual bool refresh(std::chrono::milliseconds timeout) = 0;
  // Waits for this worker's writes to be acknowledged; false on timeout.
  virtual bool flush(std::chrono::milliseconds timeout) = 0;
};

}  // namespace sluice::storage
