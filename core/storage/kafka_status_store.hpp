#pragma once
// KafkaStatusStore: StatusStore over Kafka Connect's status topic (status.storage.topic), in Kafka's exact
// record formats (KafkaStatusBackingStore; see status_store.hpp):
//   - put_*() are asynchronous: the record is queued for Kafka in call order and the new status is visible in
//     this store at once; what other workers wrote becomes visible as the reader applies it (refresh() waits
//     for that).
//   - DESTROYED is written as a tombstone and forgets the entry (a connector's tombstone forgets its tasks
//   too,
//     on this worker and on every worker that reads it).
//   - put_*_safe() writes only when the known status is absent, written by the same worker, or of an older or
//     equal generation (Kafka's putSafe), so a worker that lost a task in a rebalance cannot clobber the
//     status of its new owner.
//   - A write that fails with a retriable error (timeouts, leader moves, too few replicas) is sent again, as
//   long
//     as no newer write for that entry was made since, the entry was not deleted and the worker's generation
//     did not change (Kafka's rules); other failures are logged. Topic records are retried until they
//     succeed.
// A record that does not parse is logged and skipped.
//
// Ownership and threads: created by the worker's owner; thread-safe. The reader thread of the underlying
// KafkaBasedLog applies records; its delivery thread runs retries.

#include <functional>
#include <memory>
#include <utility>

#include "core/common/thread_annotations.hpp"
#include "core/storage/kafka_based_log.hpp"
#include "core/storage/kafka_store_config.hpp"
#include "core/storage/status_store.hpp"

namespace sluice::storage {

class KafkaStatusStore final : public StatusStore {
 public:
  explicit KafkaStatusStore(const KafkaStoreOptions& options);
  ~KafkaStatusStore() override;

  void start() override;
  void stop() override;

  void put_connector(const std::string& connector, const StatusRecord& status) override;
  void put_task(const ConnectorTaskId& task, const StatusRecord& status) override;
  void put_connector_safe(const std::string& connector, const StatusRecord& status) override;
  void put_task_safe(const ConnectorTaskId& task, const StatusRecord& status) override;

  std::optional<StatusRecord> connector(const std::string& connector) const override;
  std::optional<StatusRecord> task(const ConnectorTaskId& task) const override;
  std::map<int, StatusRecord> tasks(const std::string& connector) const override;
  std::set<std::string> connectors() const override;

  void put_topic(const TopicStatusRecord& status) override;
  void delete_topic(const std::string& connector, const std::string& topic) override;
  std::set<std::string> topics(const std::string& connector) const override;
  void on_topic_deleted(TopicDeletedListener listener) override { topic_deleted_ = std::move(listener); }

  bool refresh(std::chrono::milliseconds timeout) override;
  bool flush(std::chrono::milliseconds timeout) override;

 private:
  // One connector's or task's status. What this worker wrote is shown until the topic confirms it (the record
  // read back, or the write given up); then the topic's view is shown. Shared with the send callbacks of
  // pending writes.
  struct Entry {
    std::optional<StatusRecord> read;   // last value read from the topic
    std::optional<StatusRecord> local;  // this worker's last write (nullopt: DESTROYED)
    int unconfirmed = 0;                // this worker's writes neither read back nor given up
    int sequence = 0;                   // this worker's writes so far
    std::set<std::pair<std::int32_t, std::int64_t>> awaiting;  // acknowledged writes not read back yet
    const std::optional<StatusRecord>& visible() const { return unconfirmed > 0 ? local : read; }
  };
  using EntryPtr = std::shared_ptr<Entry>;

  void write(const std::string& key, const StatusRecord& status, const EntryPtr& entry, bool safe)
      SLUICE_EXCLUDES(mu_);
  void send_status(const std::string& key, const std::optional<std::string>& value,
                   const StatusRecord& status, const EntryPtr& entry, bool safe, int sequence);
  void on_status_sent(const SendResult& result, const std::string& key,
                      const std::optional<std::string>& value, const StatusRecord& status,
                      const EntryPtr& entry, bool safe, int sequence);
  void send_topic(const std::string& key, const std::optional<std::string>& value);
  void apply(const LogRecord& record) SLUICE_EXCLUDES(mu_);
  // Returns the connector whose topic status a tombstone deleted (empty otherwise).
  std::string apply_locked(const LogRecord& record) SLUICE_REQUIRES(mu_);
  void read_status(const EntryPtr& entry, const LogRecord& record, std::optional<StatusRecord> status)
      SLUICE_REQUIRES(mu_);
  EntryPtr connector_entry(const std::string& connector) SLUICE_REQUIRES(mu_);
  EntryPtr task_entry(const ConnectorTaskId& task) SLUICE_REQUIRES(mu_);
  void prune(const std::string& connector) SLUICE_REQUIRES(mu_);

  std::chrono::milliseconds timeout_;
  mutable Mutex mu_;
  TopicDeletedListener topic_deleted_;  // set before start(), then only read
  std::map<std::string, EntryPtr> connectors_ SLUICE_GUARDED_BY(mu_);
  std::map<std::string, std::map<int, EntryPtr>> tasks_ SLUICE_GUARDED_BY(mu_);
  std::map<std::string, std::map<std::string, TopicStatusRecord>> topics_
      SLUICE_GUARDED_BY(mu_);                            // by connector
  std::int32_t generation_ SLUICE_GUARDED_BY(mu_) = -1;  // of this worker's last write
  std::map<std::int32_t, std::int64_t> read_through_
      SLUICE_GUARDED_BY(mu_);           // per partition: next offset to read
  std::unique_ptr<KafkaBasedLog> log_;  // last: its threads stop before the state above goes
};

}  // namespace sluice::storage
