#pragma once
// WorkerSourceTask: runs one source task (Kafka's WorkerSourceTask) on its own thread:
//
//   poll() -> SourceRecordProcessor (transformation chain -> header, key, value converters) -> producer
//   (topic, partition when set, key, value, headers, timestamp)
//
// - In place: the task is polled for a batch (api::PolledSourceBatch). A record that nothing would change
//   (no transformation; no headers; a key and value the converters pass through unchanged, as StringConverter
//   does text and ByteArrayConverter bytes) is produced from the batch's own bytes, without building a
//   data::SourceRecord, and its offset stays in the batch, which SubmittedRecords keeps while such records
//   wait; the offset is read only for the record whose offset is committed. Every other record is imported
//   and goes through SourceRecordProcessor. Both give Kafka the same bytes.
//
// - Conversion and transformation failures go through the task's RetryWithToleranceOperator
//   (errors.retry.timeout, errors.tolerance, errors.log.enable / include.messages; source connectors have no
//   dead letter queue, as in Kafka).
// - Each delivery report calls the plugin's commit_record(original record, metadata); a record the chain
//   dropped gets commit_record(record, nullptr) at once; a record that failed conversion or delivery with
//   errors.tolerance=all too.
// - Offsets: per source partition, the offset of the longest acknowledged prefix (SubmittedRecords) is
//   written to the offset store every offset.flush.interval.ms, then the plugin's commit() is called. The
//   write runs on the helper thread, without the lock (as Kafka's offset committer thread does it): a file
//   store's fsync or a Kafka store's round trip never holds up the records; at shutdown it runs on the task
//   thread, after the last acknowledgements.
// - Backpressure: at most kMaxInFlight records wait for Kafka; beyond that the task is not polled and the
//   thread serves delivery reports instead. librdkafka's queue is the only buffer (Producer waits on it).
// - Memory follows the records in flight (and the poll batches they came from), not the offset flush interval: a record whose commit_record has
//   work to do (moved, not copied, from the poll batch) is kept in a reused slot until its delivery report has
//   called commit_record; any other record is not kept at all, only its offset (in SubmittedRecords, which
//   forgets acknowledged records at once, keeping one committable offset per partition).
// - Pause: the plugin is not polled; records in flight are still delivered and their offsets committed.
// - Stop: the plugin's request_stop() interrupts poll(); then records in flight get up to
//   offset.flush.timeout.ms to be delivered, acknowledged offsets are committed, and the plugin's stop()
//   runs.
// - A record Kafka refuses (errors.tolerance=none) fails the task: "Unrecoverable exception from producer
//   send callback", caused by the producer's error.
//
// Delivery reports are served on this task's thread, and the state they touch (slots, SubmittedRecords,
// offsets to store) is guarded by delivery_mu_, which the task thread holds except while the plugin's poll()
// runs. While poll() runs, a helper thread takes the lock: it serves the reports already queued at once (on
// another core, while the plugin reads), then, as long as poll() waits for data, serves reports every
// kPollingDeliveryInterval and flushes offsets on schedule (Kafka does both on other threads than poll's):
// acknowledgements (commit_record) and offset commits do not wait for a source that is waiting for data,
// and a busy source's task thread does not serve them between its polls. Offsets collected for a write
// (task thread or helper, on schedule) are written by the helper as soon as it gets the lock (a task thread
// that is not polling, paused or waiting for acknowledgements, lets it in), with the lock released during the
// write; only offsets still equal to the written ones are forgotten afterwards. The plugin's commit() never
// runs during its poll(): after a write by the helper, the task thread calls it. on_stop_requested() runs on
// other threads.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/api/connector.hpp"
#include "core/kafka/producer.hpp"
#include "core/worker/connector_config.hpp"
#include "core/worker/converters.hpp"
#include "core/transforms/chain.hpp"
#include "core/worker/error_handling.hpp"
#include "core/worker/record_processor.hpp"
#include "core/worker/submitted_records.hpp"
#include "core/worker/worker_task.hpp"

namespace sluice::worker {

class WorkerSourceTask final : public WorkerTask {
 public:
  // Records waiting for Kafka before the task is polled again: librdkafka's default
  // queue.buffering.max.messages. The cap also caps the producer's batches (librdkafka sends one batch per
  // partition per request): at 10,000 a 64-partition topic got ~150 records per request, 6,100
  // ProduceRequests per 1M records against kcat -P's 4,600; at 100,000, 3,100-4,000 (each source task holds
  // up to ~25 MB more while Kafka is slower than it).
  static constexpr std::size_t kMaxInFlight = 100000;
  // How often the helper thread serves delivery reports while a poll() waits for data.
  static constexpr std::chrono::milliseconds kPollingDeliveryInterval{5};

  WorkerSourceTask(const ConnectorTaskId& id, WorkerContext& ctx, StringMap connector_config, StringMap task_config,
                   TargetState initial);
  ~WorkerSourceTask() override;

 protected:
  void execute() override;
  void on_stop_requested() override;

 private:
  class Context;
  // A record waiting for its delivery report; its address is the producer's per-record context. Slots are
  // reused, so the steady state allocates nothing per record here.
  struct InFlight {
    data::SourceRecord original;  // as poll() returned it, for commit_record; released after it
    SubmittedRecords::Record* submitted = nullptr;
  };

  void run_loop();
  void shutdown();
  // Sends record i of a batch: in place when nothing changes it (no transformation; converters that pass its
  // key and value through), otherwise imported and sent by send(SourceRecord&&). False as send's.
  bool send(const std::shared_ptr<api::PolledSourceBatch>& batch, std::size_t i);
  // Sends one record; false when the task is stopping and the record was not sent.
  bool send(data::SourceRecord&& original);
  // Hands a converted record to the producer, waiting while its queue is full; false when the task stopped
  // meanwhile (the record is then forgotten: submitted removed, slot released).
  bool produce(const kafka::OutgoingView& out, void* context, SubmittedRecords::Record* submitted, InFlight* slot);
  InFlight& acquire_slot();
  void release_slot(InFlight& slot);
  void on_delivery(const kafka::DeliveryReport& report);
  void throw_if_producer_failed();
  // producer_->poll(), then apply_acks(): reports of records without commit_record are gathered in acks_
  // by on_delivery() and applied to SubmittedRecords together.
  int serve_reports(std::chrono::milliseconds timeout);
  void apply_acks();
  void maybe_commit();          // request_offset_write() every offset.flush.interval.ms
  void request_offset_write();  // collect_offsets(), then the helper thread writes them (write_offsets)
  void write_offsets(std::unique_lock<std::mutex>& lock);  // the helper: stores uncommitted_ without the lock
  void let_helper_write_offsets(std::unique_lock<std::mutex>& lock);  // the task thread, when it does not poll
  void commit_offsets();  // flush_offsets(), then the plugin's commit() when the flush worked (at shutdown)
  bool flush_offsets();   // stores the committable offsets here and now; false when the store failed
  void collect_offsets();  // moves SubmittedRecords' committable offsets into uncommitted_
  bool store_offsets(const std::map<std::string, std::pair<data::Value, data::Value>>& offsets);
  void call_task_commit();
  void deliver_while_polling();  // the helper thread
  void commit_record(const data::SourceRecord& record, const api::RecordMetadata* metadata);

  std::unique_ptr<ConnectorConfig> config_;
  std::unique_ptr<Context> context_;
  std::mutex task_mu_;  // guards task_ for on_stop_requested() from other threads
  std::unique_ptr<api::SourceTask> task_;
  Converters converters_;
  transforms::TransformationChain chain_;
  std::unique_ptr<RetryWithToleranceOperator> errors_;
  std::unique_ptr<SourceRecordProcessor> processor_;
  bool consume_values_ = false;  // commit_record does not read the record's value: the converter may take it
  SubmittedRecords submitted_;
  std::vector<SubmittedRecords::Record*> acks_;  // acknowledged, not yet applied to submitted_ (delivery_mu_)
  std::deque<InFlight> slots_;         // every slot ever used (a deque: addresses stay valid)
  std::vector<InFlight*> free_slots_;  // slots not waiting for Kafka
  // Acknowledged offsets not yet stored (kept when a store write fails), by partition content key.
  std::map<std::string, std::pair<data::Value, data::Value>> uncommitted_;
  std::exception_ptr producer_error_;
  std::chrono::steady_clock::time_point next_commit_;
  std::mutex delivery_mu_;  // see above; also guards in_poll_, delivery_stop_, task_commit_pending_, next_commit_
  std::condition_variable delivery_cv_;
  bool in_poll_ = false;
  std::uint64_t poll_seq_ = 0;  // counts the plugin's poll() calls
  bool delivery_stop_ = false;
  bool task_commit_pending_ = false;  // the helper flushed offsets: call the plugin's commit() after poll()
  bool write_requested_ = false;      // offsets were collected for the helper to write
  std::atomic<std::size_t> committable_messages_{0};  // acknowledged since the last write (a debug log line)
  std::unique_ptr<kafka::Producer> producer_;  // destroyed first: purges without calling back
};

}  // namespace sluice::worker
