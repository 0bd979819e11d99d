#pragma once
// KafkaConfigStore: ConfigStore over Kafka Connect's config topic (config.storage.topic), reading and writing
// exactly the records a Java worker reads and writes (KafkaConfigBackingStore; formats in config_store.hpp).
// Semantics kept from Kafka:
//   - task-<name>-<n> records are staged per connector and become visible only when a commit-<name> record
//     arrives whose task count they cover completely (ids 0..count-1); a commit they do not cover marks the
//     connector inconsistent (no tasks until the next complete commit). Staged records are dropped at every
//     commit, complete or not.
//   - target-state records: "state.v2" when present and valid, otherwise "state" (records of older workers).
//   - a connector tombstone removes the connector, its task count, tasks, staged tasks and target state.
//   - listener callbacks only after start() has read the topic to its end; restart requests and logger
//     levels read during that first read are history and are not replayed.
// snapshot().offset is the offset of the last record applied (-1: nothing read yet).
//
// Ownership and threads: created and started by the distributed herder's owner. The reader thread of the
// underlying KafkaBasedLog applies records and calls the listener; every other method may be called from any
// thread (writes block up to KafkaStoreOptions::timeout).

#include <atomic>
#include <memory>

#include "core/common/thread_annotations.hpp"
#include "core/storage/config_store.hpp"
#include "core/storage/kafka_based_log.hpp"
#include "core/storage/kafka_store_config.hpp"

namespace sluice::storage {

class KafkaConfigStore final : public ConfigStore {
 public:
  explicit KafkaConfigStore(const KafkaStoreOptions& options);
  ~KafkaConfigStore() override;

  void start() override;
  void stop() override;
  void set_listener(ConfigUpdateListener* listener) override { listener_ = listener; }

  ClusterConfigState snapshot() const override;
  bool refresh(std::chrono::milliseconds timeout) override;

  void put_connector_config(const std::string& connector, const StringMap& config,
                            std::optional<TargetState> target) override;
  void remove_connector_config(const std::string& connector) override;
  void put_task_configs(const std::string& connector, const std::vector<StringMap>& configs) override;
  void put_target_state(const std::string& connector, TargetState state) override;
  void put_restart_request(const RestartRequestRecord& request) override;
  void put_session_key(const SessionKeyRecord& key) override;
  void put_logger_level(const std::string& logger_namespace, const std::string& level) override;

 private:
  void apply(const LogRecord& record);
  using Clock = std::chrono::steady_clock;
  // Sends the records in order, waits for the acknowledgements, then reads the topic to its end, all before
  // `deadline` (default: the store timeout from now). Throws ConnectError "<what>: <reason>".
  void write(const std::vector<LogEntry>& records, const std::string& what,
             std::optional<Clock::time_point> deadline = std::nullopt);
  void read_back(const std::string& what, Clock::time_point deadline, bool after_write);

  std::chrono::milliseconds timeout_;
  ConfigUpdateListener* listener_ = nullptr;
  std::atomic<bool> started_{false};
  mutable Mutex mu_;
  ClusterConfigState state_ SLUICE_GUARDED_BY(mu_);
  std::map<std::string, std::map<int, StringMap>> staged_
      SLUICE_GUARDED_BY(mu_);           // task records awaiting a commit
  std::unique_ptr<KafkaBasedLog> log_;  // last: its reader thread stops before the state above goes
};

}  // namespace sluice::storage
