#pragma once
// KafkaBasedLog: a Kafka topic used as a replicated log (Kafka Connect's KafkaBasedLog). Every store of the
// distributed worker sits on one:
//   - start() finds the topic, or creates it (compacted, with the configured partitions and replication
//   factor)
//     where the broker has CreateTopics; the dev broker has none, which is logged, and its topic is used as
//     it is (created on first use with 4 partitions when missing). A topic that must have one partition and
//     has more is refused with Kafka's message. Then every partition is assigned (no consumer group, nothing
//     committed) from the beginning, a reader thread starts, and start() returns once everything up to the
//     end offsets of that moment has been applied.
//   - The reader thread hands each record (key, value or tombstone, partition, offset) to the callback, in
//     topic order per partition.
//   - read_to_end() fetches the end offsets now and waits until the reader has applied everything before
//   them.
//   - send() is asynchronous (the result comes to a callback); send_all() sends records in order and waits
//   for
//     every acknowledgement. The producer uses acks=all, Kafka's murmur2 partitioner (so a key lands on the
//     partition a Java worker would pick) and, unless the owner turns it off, idempotence.
// Every wait is bounded; errors are ConnectError naming the topic and the worker key behind it.
//
// Ownership and threads: the owning store creates, starts and stops it. Two threads of its own: the reader
// (runs the consume callback) and the producer's delivery thread (runs send callbacks). Public methods may be
// called from any thread except that read_to_end()/send_all()/wait_applied() must not be called from the
// callbacks (they would wait for the thread they run on). Callbacks must not throw (what they throw is
// logged).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/storage/kafka_store_config.hpp"

namespace sluice::storage {

struct LogRecord {
  std::string key;                   // internal topics always carry keys; a null key reads as ""
  std::optional<std::string> value;  // nullopt: tombstone
  std::int32_t partition = 0;
  std::int64_t offset = -1;
};

struct SendResult {
  int error_code = 0;  // 0: written (rd_kafka_resp_err_t otherwise)
  std::string error;   // librdkafka's text when error_code != 0
  bool retriable = false;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  bool ok() const { return error_code == 0; }
};

using LogEntry = std::pair<std::string, std::optional<std::string>>;  // key, value (nullopt: tombstone)

class KafkaBasedLog {
 public:
  using ConsumeCallback = std::function<void(const LogRecord&)>;
  using SendCallback = std::function<void(const SendResult&)>;

  struct Options {
    KafkaTopicSettings topic;
    std::map<std::string, std::string>
        client;             // connection properties shared by producer, consumer and admin
    std::string client_id;  // e.g. "connect-cluster-configs"
    // group.id of the reader's consumer. librdkafka's assign() needs one; the reader never joins the group
    // and never commits. Kafka's stores pass the worker's group.id, so the ACLs a Java worker needs suffice.
    std::string group_id;
    bool idempotent = true;  // false: Kafka's status-store producer (no retries, see below)
    // Producer retries left to librdkafka (idempotent logs) or to the owner (false:
    // message.send.max.retries=0, a failed record is reported once and the owner decides, as Kafka's status
    // store does).
    bool producer_retries = true;
    std::map<std::string, std::string> producer_overrides;  // applied last
    std::string worker_id;                                  // for log lines

    // One store's log: `topic` of `store`, client id "<client_id_base><suffix>" (Kafka's "-configs", "-offsets",
    // "-statuses"), the store's connection settings; idempotent with client retries unless `owner_retries`.
    static Options for_store(const KafkaStoreOptions& store, const KafkaTopicSettings& topic, const char* suffix,
                             bool owner_retries = false) {
      return Options{.topic = topic,
                     .client = store.client,
                     .client_id = store.client_id_base + suffix,
                     .group_id = store.group_id,
                     .idempotent = !owner_retries,
                     .producer_retries = !owner_retries,
                     .producer_overrides = store.producer_overrides,
                     .worker_id = store.worker_id};
    }
  };

  KafkaBasedLog(Options options, ConsumeCallback on_record);
  ~KafkaBasedLog();  // stop()
  KafkaBasedLog(const KafkaBasedLog&) = delete;
  KafkaBasedLog& operator=(const KafkaBasedLog&) = delete;

  // Topic setup, reader start, read to end, all within `timeout`. Throws ConfigError (a multi-partition topic
  // where one is required) or ConnectError (no broker, topic not available, creation refused, timeout).
  void start(std::chrono::milliseconds timeout);
  // Waits up to `timeout` for outstanding sends, stops the reader and closes the clients; unsent records are
  // reported to their callbacks as failed. Idempotent.
  void stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  const std::string& topic() const;
  int partition_count() const;  // after start()
  bool running() const;         // started and not stopped

  // False on timeout (or when the end offsets could not be read in time).
  bool read_to_end(std::chrono::milliseconds timeout);
  // True once the reader applied the records at these (partition -> offset) positions.
  bool wait_applied(const std::map<std::int32_t, std::int64_t>& offsets, std::chrono::milliseconds timeout);

  // Enqueues one record; `on_done` runs on the delivery thread. When librdkafka's queue is full this waits up
  // to the store timeout for room (on the delivery thread it does not wait). Throws ConnectError when the
  // record cannot be enqueued (not started, stopped, queue full, message too large).
  void send(const std::string& key, const std::optional<std::string>& value, SendCallback on_done);
  // Enqueues the records in order and waits for every acknowledgement. Returns partition -> highest offset
  // written. Throws ConnectError "<what>: <reason>" naming the topic on the first failure or on timeout.
  std::map<std::int32_t, std::int64_t> send_all(const std::vector<LogEntry>& records,
                                                std::chrono::milliseconds timeout, const std::string& what);
  // Waits until every send so far has been reported. False on timeout.
  bool flush(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for produce errors that may succeed when the record is sent again (timeouts, leader moves, too few
// in-sync replicas, broken connections).
bool is_retriable_send_error(int error_code);

}  // namespace sluice::storage
