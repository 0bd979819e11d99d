#pragma once
// WorkerSinkTask: runs one sink task (Kafka's WorkerSinkTask) on its own thread.
//
// - A consumer in group connect-<connector> (or consumer.override.group.id), cooperative-sticky (range with
//   librdkafka < 2.3.0: client_overrides.hpp),
//   enable.auto.commit=false, auto.offset.reset=earliest, subscribed to topics or topics.regex.
// - Rebalances: assigned partitions -> open(); revoked -> offsets committed, then close(); lost -> close().
// - Each poll: SinkRecordProcessor (header, key, value converters -> transformation chain; original
//   topic/partition/offset kept) -> put(batch). put() is called after every poll, with an empty batch too, as
//   Kafka does. Conversion and transformation failures go through the task's RetryWithToleranceOperator
//   (errors.retry.timeout, errors.tolerance, errors.log.*, the dead letter queue); with errors.tolerance=none
//   the first one fails the task after it was reported (so it is in the DLQ too).
// - Errant records the plugin reports (SinkTaskContext::report_errant) are reported at stage TASK_PUT with
//   class org.apache.kafka.connect.sink.SinkTask: the DLQ gets the record's original bytes (kept for the
//   batch being put while a DLQ is configured). Kafka does the same for records a task reports; with
//   errors.tolerance=none the report returns false and the put() that follows fails the task.
// - Before offsets are committed, the dead letter queue producer is flushed: a committed offset never hides
//   a record that is not in the DLQ yet.
// - RetriableError from put(): every assigned partition is paused and the SAME batch is delivered again after
//   a backoff (the task's context timeout if it set one, otherwise 300 ms doubling up to
//   min(errors.retry.delay.max.ms, offset.flush.interval.ms)); nothing is lost or reordered. Any other error
//   fails the task ("Exiting WorkerSinkTask due to unrecoverable exception.").
// - Every offset.flush.interval.ms (or on request): pre_commit(consumed offsets) -> the offsets it returns
//   are committed (synchronously; only assigned partitions).
// - The sink context: seek, pause/resume, timeout, request_commit, assignment, errant-record reports.
//   Requests may come from any thread; they are applied on the task's thread before the next poll (seeks
//   made in open() are applied before open() returns to the consumer).
// - Target state PAUSED pauses every assigned partition; RUNNING resumes those the task did not pause.
//
// Everything runs on the task's thread: rebalance callbacks run inside the consumer's poll().

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "core/api/connector.hpp"
#include "core/kafka/consumer.hpp"
#include "core/worker/connector_config.hpp"
#include "core/transforms/chain.hpp"
#include "core/worker/converters.hpp"
#include "core/worker/error_handling.hpp"
#include "core/worker/record_processor.hpp"
#include "core/worker/worker_task.hpp"

namespace sluice::worker {

class WorkerSinkTask final : public WorkerTask, private kafka::RebalanceListener {
 public:
  // Kafka's max.poll.records default; consumer.max.poll.records (or the override) changes it.
  static constexpr std::size_t kDefaultMaxPollRecords = 500;
  static constexpr std::chrono::milliseconds kInitialRetryBackoff{300};
  // The longest a poll() waits for records when nothing is due sooner (wakeups end it earlier).
  static constexpr std::chrono::milliseconds kMaxPollWait{30000};

  WorkerSinkTask(const ConnectorTaskId& id, WorkerContext& ctx, StringMap connector_config, StringMap task_config,
                 TargetState initial);
  ~WorkerSinkTask() override;

 protected:
  void execute() override;
  // Kafka's WorkerSinkTask wakes its consumer on a state change and on stop: a paused task resumes, and a task
  // stops, without waiting out a poll.
  void on_target_changed() override { wake_consumer(); }
  void on_stop_requested() override { wake_consumer(); }

 private:
  class Context;
  using TP = api::TopicPartition;

  void run_loop();
  void shutdown();
  void poll_and_convert(std::chrono::milliseconds timeout);
  // An errant record reported by the task: the message it was read as (kept for DLQ tasks, otherwise rebuilt
  // from the record), then reported at stage TASK_PUT. False when not tolerated.
  bool report_errant(const data::SinkRecord& record, const std::string& error_class, const std::string& message);
  void deliver();
  void commit(bool closing, const std::set<TP>* only);
  void apply_requests();
  void apply_seeks();
  void update_pauses();
  void forget(const std::vector<kafka::TopicPartition>& partitions);
  void wake_consumer();
  // Sets consumer_ (null: destroys it); wake_consumer() sees the change.
  void replace_consumer(std::unique_ptr<kafka::Consumer> consumer);

  void on_assigned(const std::vector<kafka::TopicPartition>& partitions) override;
  void on_revoked(const std::vector<kafka::TopicPartition>& partitions) override;
  void on_lost(const std::vector<kafka::TopicPartition>& partitions) override;

  std::unique_ptr<ConnectorConfig> config_;
  std::unique_ptr<Context> context_;
  std::unique_ptr<api::SinkTask> task_;
  bool started_ = false;
  Converters converters_;
  transforms::TransformationChain chain_;
  std::unique_ptr<RetryWithToleranceOperator> errors_;
  std::unique_ptr<SinkRecordProcessor> processor_;
  bool keep_originals_ = false;  // a DLQ is configured: keep the consumed messages of the batch being put
  std::size_t max_poll_records_ = kDefaultMaxPollRecords;

  std::vector<data::SinkRecord> batch_;  // the batch for put(); kept as it is for redelivery
  using Coordinates = std::tuple<std::string, std::int32_t, std::int64_t>;  // topic, partition, offset
  std::map<Coordinates, kafka::Message> batch_originals_;  // the messages of batch_ (DLQ tasks only)
  std::exception_ptr errant_failure_;  // an errant-record report during put() that was not tolerated
  std::map<TP, std::int64_t> batch_offsets_;  // next offset behind every message of the batch (dropped ones too)
  std::map<TP, std::int64_t> current_offsets_;  // next offsets of everything put so far
  std::map<TP, std::int64_t> last_committed_;
  std::set<TP> assigned_;
  std::set<TP> paused_by_task_;
  std::set<TP> paused_now_;  // what the consumer has paused
  bool retrying_ = false;
  std::chrono::steady_clock::time_point retry_at_;
  std::chrono::milliseconds backoff_ = kInitialRetryBackoff;
  std::chrono::steady_clock::time_point next_commit_;

  // Requests from the plugin through its context (any thread), applied on the task thread.
  std::mutex requests_mu_;
  std::map<TP, std::int64_t> seek_requests_;
  std::vector<std::pair<TP, bool>> pause_requests_;  // true: pause, false: resume
  std::atomic<bool> commit_requested_{false};
  std::atomic<std::int64_t> timeout_request_{-1};
  mutable std::mutex assignment_mu_;
  std::vector<TP> assignment_copy_;

  std::mutex wake_mu_;  // guards consumer_'s creation and destruction against wake_consumer()
  std::unique_ptr<kafka::Consumer> consumer_;  // destroyed first
};

}  // namespace sluice::worker
