#pragma once
// RabbitMqSourceConnector / RabbitMqSourceTask: RabbitMQ queues -> one Kafka topic, acknowledging each
// message to the broker only after Kafka has its record.
//
// Delivery: manual acks with basic.qos. Each task opens one connection and one channel and consumes every
// listed queue (several tasks are competing consumers). commit_record (Kafka acknowledged a record, or a
// transformation dropped it) completes the record's delivery tag; the contiguous prefix of completed tags is
// acknowledged with one basic.ack(multiple). A task that dies before that leaves the messages unacknowledged,
// so the broker redelivers them: nothing acknowledged is ever unsent.
//
// Recovery: each connection is a "generation"; a record carries its generation in its consumer tag (header
// rabbitmq.consumer.tag), so a tag from an old channel is never acknowledged on a new one. A lost connection
// (socket error, missed heartbeats, broker shutdown, cancelled consumer) drops the buffered deliveries (the
// broker redelivers them) and reconnects with exponential backoff up to
// rabbitmq.network.recovery.interval.ms, re-creating the channel, basic.qos and consumers, while the task
// stays RUNNING with a WARN log. The task fails only when rabbitmq.automatic.recovery.enabled=false or a
// queue does not exist. The first connection is made in start(), so a wrong host, credentials or queue fails
// the task at once with a clear message.
//
// Threads: the host calls start/poll/stop from the task thread; commit_record may come from another thread;
// the task's own I/O thread owns the AMQP connection (rabbitmq-c connections are single-threaded), reads
// deliveries into a bounded buffer, sends acks and heartbeats. The buffer never holds more than the qos
// window (rabbitmq.prefetch.count per consumer; 1000 when that is 0, i.e. unlimited for the broker).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ack_window.hpp"
#include "amqp_connection.hpp"
#include "message_mapping.hpp"
#include "rabbitmq_config.hpp"
#include "sluice/sdk/sdk.hpp"

namespace sluice::rabbitmq {

class RabbitMqSourceConnector final : public sdk::SourceConnector {
 public:
  static sdk::ConfigDef config_def() { return source_config_def(); }

  void start(const sdk::ConfigMap& config) override;
  std::vector<sdk::ConfigMap> task_configs(std::int32_t max_tasks) override;
  void stop() override {}
  // Cross-key checks, then a bounded connection check: can we connect, log in, and do the queues exist?
  std::vector<sdk::ValidationIssue> validate(const sdk::ConfigMap& config) override;

 private:
  sdk::ConfigMap props_;
};

// An eventfd used to wake the I/O thread; owned here, closed on destruction.
class WakeFd {
 public:
  WakeFd();
  ~WakeFd();
  WakeFd(const WakeFd&) = delete;
  WakeFd& operator=(const WakeFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

class RabbitMqSourceTask final : public sdk::SourceTask {
 public:
  // When rabbitmq.prefetch.count is 0: the per-consumer window the task asks for instead of "unlimited".
  static constexpr std::uint16_t kDefaultPrefetch = 1000;
  static constexpr std::size_t kMaxPollRecords = 2000;

  RabbitMqSourceTask();
  ~RabbitMqSourceTask() override;

  void start(const sdk::ConfigMap& config) override;
  std::vector<sdk::SourceRecord> poll() override;
  void commit_record(const sdk::SourceRecord& record,
                     const std::optional<sdk::RecordMetadata>& metadata) override;
  void stop() override;

 protected:
  void on_stop_requested() override;

 private:
  struct Identity {
    std::uint64_t generation = 0;
    std::uint64_t tag = 0;
  };

  // ---- I/O thread ----
  void io_main();
  void io_step();
  void read_deliveries();
  void flush_acks();
  // New connection, channel, basic.qos and one consumer per queue; makes `generation` the live one. Throws
  // AmqpError. Also called by start() before the I/O thread exists.
  void connect(std::uint64_t generation);
  // Drops the connection and what it buffered; false when the task must fail instead of recovering.
  bool lose_connection(const AmqpError& error);
  // Reconnects with backoff; false when stopping or failed (a queue disappeared).
  bool recover();
  void fail(const std::string& message);
  // Waits up to `timeout` for a wake-up; true when woken.
  bool wait_for_wake(std::chrono::milliseconds timeout);
  void drain_wake();
  const std::string& queue_of(const amqp_bytes_t& consumer_tag) const;

  // ---- any thread ----
  void wake_io();
  std::string consumer_tag(std::uint64_t generation, std::size_t queue_index) const;
  std::optional<Identity> identify(const sdk::SourceRecord& record) const;

  SourceSettings settings_;
  std::unique_ptr<MessageMapper> mapper_;
  std::string instance_id_;  // distinguishes this task's consumer tags and connection name
  std::uint16_t prefetch_ = kDefaultPrefetch;
  std::size_t buffer_capacity_ = kDefaultPrefetch;

  // Owned by the I/O thread (by start() before the thread exists).
  std::unique_ptr<AmqpConnection> conn_;
  std::uint64_t io_generation_ = 0;  // generation of conn_
  std::uint64_t acked_ = 0;          // highest tag acknowledged on conn_
  std::thread io_thread_;

  WakeFd wake_;
  std::atomic<bool> wake_pending_{false};
  std::atomic<bool> io_stop_{false};
  std::atomic<bool> warned_unidentified_{false};

  std::mutex mu_;
  std::condition_variable cv_;            // poll() waits here for deliveries, a failure or a stop
  std::deque<sdk::SourceRecord> buffer_;  // guarded by mu_
  std::uint64_t generation_ = 0;          // guarded by mu_; the live connection's, 0 while there is none
  AckWindow window_;                      // guarded by mu_; tags of generation_
  std::uint64_t handed_out_ = 0;          // guarded by mu_; records of generation_ returned by poll()
  std::uint64_t completed_ = 0;           // guarded by mu_; of those, completed by commit_record
  std::uint64_t stale_commits_ = 0;       // guarded by mu_; commits for a generation that is gone
  std::optional<std::string> fatal_;      // guarded by mu_; poll() throws it
};

}  // namespace sluice::rabbitmq
