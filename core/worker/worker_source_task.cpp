#include "core/worker/worker_source_task.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <thread>

#include "core/common/errors.hpp"
#include "core/storage/offset_codec.hpp"
#include "core/worker/failure_trace.hpp"

namespace sluice::worker {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

config::RawConfig raw_of(const StringMap& config) {
  config::RawConfig raw;
  for (const auto& [key, value] : config) raw.emplace(key, value);
  return raw;
}

}  // namespace

// What the plugin's task sees of the runtime.
class WorkerSourceTask::Context final : public api::SourceTaskContext {
 public:
  explicit Context(WorkerSourceTask& owner) : owner_(owner) {}
  const std::string& log_prefix() const override { return owner_.prefix_; }
  bool is_stopping() const override { return owner_.stopping(); }
  std::optional<data::Value> offset(const data::Value& partition) override {
    return owner_.ctx_.offsets.get(owner_.id_.connector, partition);
  }

 private:
  WorkerSourceTask& owner_;
};

WorkerSourceTask::WorkerSourceTask(const ConnectorTaskId& id, WorkerContext& ctx, StringMap connector_config,
                                   StringMap task_config, TargetState initial)
    : WorkerTask(id, ctx, std::move(connector_config), std::move(task_config), initial, "WorkerSourceTask") {}

WorkerSourceTask::~WorkerSourceTask() = default;

void WorkerSourceTask::on_stop_requested() {
  std::lock_guard lock(task_mu_);
  if (task_) task_->request_stop();
}

void WorkerSourceTask::execute() {
  stage("initialize");
  config_ = std::make_unique<ConnectorConfig>(api::ConnectorType::Source, connector_config_);
  converters_ = make_converters(ctx_.plugins, ctx_.config, connector_config_);
  ctx_.log->info("{}Using {}", prefix_, converters_.description);
  chain_ = transforms::build_transformation_chain(raw_of(connector_config_), ctx_.plugins);
  errors_ = std::make_unique<RetryWithToleranceOperator>(
      id_, config_->errors_retry_timeout(), config_->errors_retry_delay_max(), config_->errors_tolerance(),
      [this](std::chrono::milliseconds delay) { return sleep_unless_stopping(delay); }, /*sink=*/false);
  errors_->add_reporter(std::make_unique<LogReporter>(config_->errors_log_enable(),
                                                      config_->errors_log_include_messages(), ctx_.log, prefix_));
  processor_ = std::make_unique<SourceRecordProcessor>(converters_, chain_, *errors_);
  producer_ = std::make_unique<kafka::Producer>(
      producer_properties(ctx_.config, ctx_.bootstrap, ctx_.policy, connector_config_,
                          "connector-producer-" + id_.to_string()),
      "producer for task " + id_.to_string(), [this](const kafka::DeliveryReport& r) { on_delivery(r); });
  context_ = std::make_unique<Context>(*this);
  {
    auto task = ctx_.plugins.create_source_task(config_->connector_class(), *context_);
    std::lock_guard lock(task_mu_);
    task_ = std::move(task);
  }

  // As Kafka: a task that starts paused is not started until it is resumed.
  if (target_state() != TargetState::Started) {
    report(State::Paused);
    while (!stopping() && target_state() != TargetState::Started) wait_for_signal(1s);
    if (stopping()) {
      std::lock_guard lock(task_mu_);
      task_.reset();
      return;
    }
  }
  consume_values_ = !task_->commit_record_reads_content();
  stage("start");
  task_->start(task_config_);
  if (stopping()) task_->request_stop();  // stop() came while start() ran
  ctx_.log->info("{}Source task finished initialization and start", prefix_);
  report(State::Running);

  // Acknowledged offsets are committed and the task is stopped even after a failure.
  run_loop_then_shutdown([this] { run_loop(); }, [this] { shutdown(); });
}

namespace {

// The producer's per-record context is the record's in-flight slot when commit_record needs the record after
// its acknowledgement, and otherwise its SubmittedRecords entry with the low bit set (nothing else is kept).
void* tagged(SubmittedRecords::Record* record) {
  return reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(record) | 1U);
}
SubmittedRecords::Record* untagged(void* context) {
  const auto bits = reinterpret_cast<std::uintptr_t>(context);
  return (bits & 1U) != 0 ? reinterpret_cast<SubmittedRecords::Record*>(bits & ~std::uintptr_t{1}) : nullptr;
}

}  // namespace

void WorkerSourceTask::run_loop() {
  std::unique_lock lock(delivery_mu_);
  next_commit_ = Clock::now() + ctx_.config.offset_flush_interval();
  delivery_stop_ = false;
  std::thread helper([this] { deliver_while_polling(); });
  struct StopHelper {
    WorkerSourceTask& task;
    std::unique_lock<std::mutex>& lock;
    std::thread& helper;
    ~StopHelper() {
      if (!lock.owns_lock()) lock.lock();
      task.delivery_stop_ = true;
      lock.unlock();
      task.delivery_cv_.notify_all();
      helper.join();
      lock.lock();
    }
  } stop_helper{*this, lock, helper};
  bool paused = false;
  while (!stopping()) {
    throw_if_producer_failed();
    maybe_commit();
    if (task_commit_pending_) call_task_commit();
    if (target_state() != TargetState::Started) {
      if (!paused) {
        paused = true;
        ctx_.log->info("{}Paused", prefix_);
        report(State::Paused);
      }
      // Keep delivering what is in flight; otherwise just wait for a change.
      let_helper_write_offsets(lock);
      if (submitted_.unacked() > 0) {
        serve_reports(100ms);
      } else {
        wait_for_signal(100ms);
      }
      continue;
    }
    if (paused) {
      paused = false;
      ctx_.log->info("{}Resumed", prefix_);
      report(State::Running);
    }
    if (submitted_.unacked() >= kMaxInFlight) {
      let_helper_write_offsets(lock);
      serve_reports(100ms);
      continue;
    }
    stage("poll");
    std::shared_ptr<api::PolledSourceBatch> batch;
    {
      // While the plugin's poll() runs (it may wait up to about a second for data), the helper thread serves
      // delivery reports and flushes offsets on schedule, as Kafka's producer and offset committer threads do.
      in_poll_ = true;
      ++poll_seq_;
      lock.unlock();
      delivery_cv_.notify_one();
      struct Relock {
        std::unique_lock<std::mutex>& lock;
        bool& in_poll;
        ~Relock() {
          lock.lock();
          in_poll = false;
        }
      } relock{lock, in_poll_};
      batch = task_->poll_batch();
    }
    if (task_commit_pending_) call_task_commit();
    serve_reports(0ms);
    const std::size_t count = batch->size();
    for (std::size_t i = 0; i < count; ++i) {
      if (!send(batch, i)) break;  // stopping: the rest is not sent and its offsets not committed
    }
  }
}

bool WorkerSourceTask::send(const std::shared_ptr<api::PolledSourceBatch>& batch, std::size_t i) {
  // A record no transformation and no converter changes is sent from where the task put it.
  api::RawSourceRecord raw;
  if (chain_.empty() && batch->view(i, raw) && converters_.key->passes_through(raw.key.kind, raw.key.schema_type) &&
      converters_.value->passes_through(raw.value.kind, raw.value.schema_type)) {
    stage("send");
    kafka::OutgoingView out;
    out.topic = raw.topic;
    out.partition = raw.partition;
    if (raw.key.kind != data::Value::Kind::Null) out.key = raw.key.bytes;
    if (raw.value.kind != data::Value::Kind::Null) out.value = raw.value.bytes;
    if (raw.timestamp && *raw.timestamp >= 0) out.timestamp = raw.timestamp;
    // The offset stays in the batch (kept while its records wait) until it is the one to commit.
    SubmittedRecords::Record* submitted = submitted_.submit(batch->partition(i), batch, i);
    return produce(out, tagged(submitted), submitted, nullptr);
  }
  data::SourceRecord record;
  batch->import(i, record);
  return send(std::move(record));
}

WorkerSourceTask::InFlight& WorkerSourceTask::acquire_slot() {
  if (free_slots_.empty()) return slots_.emplace_back();
  InFlight* slot = free_slots_.back();
  free_slots_.pop_back();
  return *slot;
}

void WorkerSourceTask::release_slot(InFlight& slot) {
  // Drops the record now (its bytes, and the plugin's poll batch once all of it is done), not when reused.
  slot.original = data::SourceRecord();
  slot.submitted = nullptr;
  free_slots_.push_back(&slot);
}

bool WorkerSourceTask::send(data::SourceRecord&& original) {
  stage("convert");
  std::optional<kafka::OutgoingRecord> out;
  try {
    out = consume_values_ ? processor_->process_consuming(original) : processor_->process(original);
  } catch (const OperationAborted&) {
    return false;  // stopping during a retry: this record is not sent and its offset not committed
  }
  const bool keep = task_->needs_commit_record(original);
  if (!out) {
    // Dropped by a transformation or skipped after a tolerated failure: nothing waits for Kafka, and its offset
    // counts as acknowledged (Kafka's recordDropped), so a source whose records are all filtered still advances.
    SubmittedRecords::Record* submitted = submitted_.submit(original.source_partition);
    if (keep) commit_record(original, nullptr);
    submitted_.ack(submitted, std::move(original.source_offset));
    return true;
  }
  InFlight* slot = nullptr;
  SubmittedRecords::Record* submitted = nullptr;
  void* context = nullptr;
  if (keep) {
    // The offset stays in the record until its acknowledgement moves it into submitted_ (after commit_record).
    slot = &acquire_slot();
    submitted = slot->submitted = submitted_.submit(original.source_partition);
    slot->original = std::move(original);
    context = slot;
  } else {
    submitted = submitted_.submit(original.source_partition, std::move(original.source_offset));
    context = tagged(submitted);
  }
  stage("send");
  return produce(kafka::view_of(*out), context, submitted, slot);
}

bool WorkerSourceTask::produce(const kafka::OutgoingView& out, void* context, SubmittedRecords::Record* submitted,
                               InFlight* slot) {
  const auto abandon = [&] {
    submitted_.remove(submitted);
    if (slot != nullptr) release_slot(*slot);
  };
  try {
    while (!producer_->send_view(out, context, 100ms)) {
      throw_if_producer_failed();
      if (stopping()) {
        abandon();
        return false;
      }
    }
  } catch (const kafka::KafkaError&) {
    abandon();
    std::throw_with_nested(ConnectError("Unrecoverable exception trying to send"));
  } catch (...) {
    abandon();
    throw;
  }
  return true;
}

void WorkerSourceTask::on_delivery(const kafka::DeliveryReport& report) {
  // Every message this task's producer sends carries its slot or its tagged SubmittedRecords entry.
  SubmittedRecords::Record* bare = untagged(report.context);
  InFlight* slot = bare == nullptr ? static_cast<InFlight*>(report.context) : nullptr;
  const bool tolerated = !report.ok() && config_->errors_tolerance() == ErrorTolerance::All;
  if (report.ok() || tolerated) {
    if (report.ok()) {
      note_topic(report.topic);
    } else {
      ctx_.log->warn("{}Could not deliver a record to topic {} ({}); skipping it (errors.tolerance=all)", prefix_,
                     report.topic, report.error);
    }
    if (slot == nullptr) {
      acks_.push_back(bare);  // applied by apply_acks(), many at a time
      return;
    }
    if (report.ok()) {
      const api::RecordMetadata metadata{std::string(report.topic), report.partition, report.offset,
                                         report.timestamp};
      commit_record(slot->original, &metadata);
    } else {
      commit_record(slot->original, nullptr);
    }
    submitted_.ack(slot->submitted, std::move(slot->original.source_offset));
    release_slot(*slot);
    return;
  }
  if (!producer_error_) {
    producer_error_ = std::make_exception_ptr(
        kafka::KafkaError("The producer for task " + id_.to_string() +
                              " could not deliver a record to topic " + std::string(report.topic) + ": " +
                              report.error + " (" + kafka::error_name(report.error_code) + ")",
                          report.error_code, false));
  }
  // The record stays unacknowledged (its offset and every later one of its source partition are not
  // committed) and the task fails; its slot is released with the others at shutdown.
}

int WorkerSourceTask::serve_reports(std::chrono::milliseconds timeout) {
  const int served = producer_->poll(timeout);
  apply_acks();
  return served;
}

void WorkerSourceTask::apply_acks() {
  // A report's record was written by another thread, often on the other core: fetching the next records
  // while one is applied hides most of those cache misses.
  constexpr std::size_t kAhead = 8;
  const std::size_t n = acks_.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) __builtin_prefetch(acks_[i + kAhead]);
    submitted_.ack(acks_[i]);
  }
  acks_.clear();
}

void WorkerSourceTask::throw_if_producer_failed() {
  if (!producer_error_) return;
  try {
    std::rethrow_exception(producer_error_);
  } catch (...) {
    std::throw_with_nested(ConnectError("Unrecoverable exception from producer send callback"));
  }
}

void WorkerSourceTask::maybe_commit() {
  const auto now = Clock::now();
  if (now < next_commit_) return;
  request_offset_write();
  next_commit_ = now + ctx_.config.offset_flush_interval();
}

void WorkerSourceTask::request_offset_write() {
  collect_offsets();
  write_requested_ = true;
  delivery_cv_.notify_all();
}

void WorkerSourceTask::let_helper_write_offsets(std::unique_lock<std::mutex>& lock) {
  // The task thread holds the lock except during poll(): a task that does not poll (paused, or waiting for
  // acknowledgements) lets the helper take a requested write (the wait releases the lock).
  if (write_requested_) delivery_cv_.wait_for(lock, 1s, [&] { return !write_requested_ || stopping(); });
}

void WorkerSourceTask::write_offsets(std::unique_lock<std::mutex>& lock) {
  write_requested_ = false;
  delivery_cv_.notify_all();  // a task thread waiting in let_helper_write_offsets()
  // What is written is a copy: acknowledgements go on meanwhile, and only offsets still equal to the written
  // ones are forgotten afterwards.
  const auto written = uncommitted_;
  if (!written.empty()) {
    lock.unlock();
    const bool stored = store_offsets(written);
    lock.lock();
    if (!stored) return;  // kept in uncommitted_ for the next attempt
    for (const auto& [key, entry] : written) {
      const auto it = uncommitted_.find(key);
      if (it != uncommitted_.end() && it->second.second == entry.second) uncommitted_.erase(it);
    }
  }
  // The plugin's commit() may not run during its poll(): the task thread calls it.
  task_commit_pending_ = true;
}

void WorkerSourceTask::commit_offsets() {
  stage("commit");
  if (flush_offsets()) call_task_commit();
}

void WorkerSourceTask::deliver_while_polling() {
  std::unique_lock lock(delivery_mu_);
  std::uint64_t served = 0;  // the poll() this thread last served
  while (!delivery_stop_) {
    delivery_cv_.wait(lock, [&] { return (in_poll_ && poll_seq_ != served) || write_requested_ || delivery_stop_; });
    if (write_requested_) {
      // Offsets are written here, never on the task thread: a store that syncs a file (standalone) or waits
      // for Kafka (distributed) does not hold up the records.
      try {
        write_offsets(lock);
      } catch (const std::exception& e) {
        ctx_.log->error("{}Could not write offsets: {}", prefix_, e.what());
      }
      served = 0;  // a poll() that is still running gets its reports served again
      continue;
    }
    if (delivery_stop_) break;
    served = poll_seq_;
    // Reports already queued are served at once: acknowledgements run on another core while the plugin reads
    // its next batch (a busy source polls every millisecond or so, and its task thread is its bottleneck).
    // While a poll() waits: reports every kPollingDeliveryInterval as long as records are in flight, offsets
    // when due, otherwise nothing.
    auto next = Clock::now();
    while (!delivery_cv_.wait_until(lock, next, [&] {
      return !in_poll_ || poll_seq_ != served || write_requested_ || delivery_stop_;
    })) {
      try {
        serve_reports(0ms);
        maybe_commit();  // requests a write, which the outer loop does
      } catch (const std::exception& e) {
        ctx_.log->error("{}Could not serve delivery reports while the task polled: {}", prefix_, e.what());
      }
      const auto now = Clock::now();
      if (submitted_.unacked() > 0) {
        next = now + kPollingDeliveryInterval;
      } else if (submitted_.pending() > 0 || !uncommitted_.empty()) {
        next = std::max(next_commit_, now + kPollingDeliveryInterval);
      } else {
        next = now + std::chrono::hours(1);  // nothing to do until this poll() returns
      }
    }
  }
}

bool WorkerSourceTask::flush_offsets() {
  collect_offsets();
  if (!uncommitted_.empty()) {
    if (!store_offsets(uncommitted_)) return false;  // kept for the next attempt
    uncommitted_.clear();
  }
  return true;
}

void WorkerSourceTask::collect_offsets() {
  apply_acks();
  SubmittedRecords::Committable committable = submitted_.committable();
  committable_messages_ += committable.committable_messages;
  for (auto& [partition, offset] : committable.offsets) {
    // Kafka writes a null partition with a null offset nowhere useful: a task that tracks no position.
    if (partition.is_null() && offset.is_null()) continue;
    try {
      storage::validate_offset_format(partition);
      storage::validate_offset_format(offset);
    } catch (const std::exception& e) {
      ctx_.log->error("{}Not committing an offset with an invalid format: {}", prefix_, e.what());
      continue;
    }
    uncommitted_.insert_or_assign(storage::partition_content_key(partition), std::make_pair(partition, offset));
  }
}

bool WorkerSourceTask::store_offsets(const std::map<std::string, std::pair<data::Value, data::Value>>& offsets) {
  std::vector<storage::OffsetEntry> entries;
  entries.reserve(offsets.size());
  for (const auto& [key, entry] : offsets) {
    storage::OffsetEntry e;
    e.partition = entry.first;
    if (!entry.second.is_null()) e.offset = entry.second;
    entries.push_back(std::move(e));
  }
  try {
    ctx_.offsets.put(id_.connector, entries);
    ctx_.log->debug("{}Committed offsets for {} acknowledged messages", prefix_, committable_messages_.exchange(0));
    return true;
  } catch (const std::exception& e) {
    // Kept for the next attempt, as Kafka's OffsetStorageWriter does.
    ctx_.log->error("{}Failed to flush offsets to storage: {}", prefix_, e.what());
    return false;
  }
}

void WorkerSourceTask::call_task_commit() {
  task_commit_pending_ = false;
  try {
    task_->commit();
  } catch (const std::exception& e) {
    ctx_.log->error("{}Exception thrown while calling task.commit(): {}", prefix_, e.what());
  }
}

void WorkerSourceTask::commit_record(const data::SourceRecord& record, const api::RecordMetadata* metadata) {
  try {
    task_->commit_record(record, metadata);
  } catch (const std::exception& e) {
    ctx_.log->error("{}Exception thrown while calling task.commitRecord(): {}", prefix_, e.what());
  }
}

void WorkerSourceTask::shutdown() {
  stage("flush");
  if (producer_ && task_) {
    const auto deadline = Clock::now() + ctx_.config.offset_flush_timeout();
    while (submitted_.unacked() > 0 && Clock::now() < deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      serve_reports(std::clamp(left, 1ms, 100ms));
    }
    if (submitted_.unacked() > 0) {
      ctx_.log->warn("{}{} records were not acknowledged within {} ms; their offsets are not committed", prefix_,
                     submitted_.unacked(), ctx_.config.offset_flush_timeout().count());
    }
    commit_offsets();
  }
  acks_.clear();
  submitted_.clear();  // the poll batches it kept go back to the task before it stops
  stage("stop");
  if (task_) {
    try {
      task_->stop();
    } catch (const std::exception& e) {
      ctx_.log->warn("{}Could not stop task: {}", prefix_, e.what());
    }
  }
  producer_.reset();
  free_slots_.clear();
  slots_.clear();
  std::lock_guard lock(task_mu_);
  task_.reset();
}

}  // namespace sluice::worker
