#pragma once
// Base classes for connectors and tasks, and the contexts through which they reach the host.
//
// Lifecycle: the SDK creates one object per instance the host asks for (default constructor), attaches it
// to the host, then calls start / poll / put / ... / stop, from one thread at a time. Exceptions thrown from
// any override become a status for the host (see errors.hpp): throw RetriableError for a transient problem.
// Do not use log() or context() from a constructor: the instance is attached right after construction.
//
// Threads: SourceTask::request_stop and SourceTask::commit_record may run on another thread while poll runs.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/plugin_abi.h"
#include "sluice/sdk/abi_data.hpp"
#include "sluice/sdk/data.hpp"
#include "sluice/sdk/errors.hpp"
#include "sluice/sdk/logging.hpp"
#include "sluice/sdk/records.hpp"

namespace sluice::sdk {

namespace detail {
struct Access;

// What every plugin instance has: the host API, its context and a logger.
class Instance {
 public:
  Instance() = default;
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  virtual ~Instance() = default;

  const Logger& log() const { return logger_; }

 protected:
  const sluice_host_api* host() const { return host_; }
  sluice_context* host_context() const { return ctx_; }
  bool host_is_stopping() const {
    return host_ != nullptr && host_->is_stopping != nullptr && host_->is_stopping(ctx_) != 0;
  }

 private:
  friend struct Access;
  void attach(const sluice_host_api* host, sluice_context* ctx) {
    host_ = host;
    ctx_ = ctx;
    logger_ = Logger(host, ctx);
  }

  const sluice_host_api* host_ = nullptr;
  sluice_context* ctx_ = nullptr;
  Logger logger_;
};
}  // namespace detail

// ---- connectors ------------------------------------------------------------------------------------------

// One problem found by Connector::validate, reported against a config key.
struct ValidationIssue {
  std::string key;
  std::string message;
};

// A source offset change requested through the REST API; a null `offset` resets the partition.
struct OffsetEntry {
  Value partition;
  Value offset;
};

class ConnectorContext {
 public:
  ConnectorContext(const sluice_host_api* host, sluice_context* ctx) : host_(host), ctx_(ctx) {}
  // Asks the runtime to call task_configs again (the set of tasks changed).
  void request_task_reconfiguration() const {
    if (host_ && host_->request_task_reconfiguration) host_->request_task_reconfiguration(ctx_);
  }
  // Fails the connector from a background thread of the connector.
  void raise_error(const std::string& message) const {
    if (host_ && host_->raise_error) host_->raise_error(ctx_, message.c_str());
  }

 private:
  const sluice_host_api* host_;
  sluice_context* ctx_;
};

class Connector : public detail::Instance {
 public:
  virtual void start(const ConfigMap& config) = 0;
  // One config per task to run; should be at most max_tasks (the worker enforces tasks.max).
  virtual std::vector<ConfigMap> task_configs(std::int32_t max_tasks) = 0;
  virtual void stop() = 0;
  // Checks beyond the per-key definitions (runs on an unstarted instance).
  virtual std::vector<ValidationIssue> validate(const ConfigMap& config) {
    (void)config;
    return {};
  }

  ConnectorContext context() const { return ConnectorContext(host(), host_context()); }
};

class SourceConnector : public Connector {
 public:
  // Kafka's SourceConnector.alterOffsets: return true when the connector handled the change itself.
  virtual bool alter_offsets(const ConfigMap& config, const std::vector<OffsetEntry>& offsets) {
    (void)config;
    (void)offsets;
    return false;
  }
};

class SinkConnector : public Connector {
 public:
  // Kafka's SinkConnector.alterOffsets: next offsets per partition, nullopt to reset.
  virtual bool alter_offsets(const ConfigMap& config,
                             const std::map<TopicPartition, std::optional<std::int64_t>>& offsets) {
    (void)config;
    (void)offsets;
    return false;
  }
};

// ---- source tasks ----------------------------------------------------------------------------------------

class SourceTaskContext {
 public:
  SourceTaskContext(const sluice_host_api* host, sluice_context* ctx) : host_(host), ctx_(ctx) {}

  // The last committed offset (a map) for a source partition, nullopt when none is stored.
  std::optional<Value> offset(const Value& partition) const {
    if (host_ == nullptr || host_->offset_read == nullptr) return std::nullopt;
    Arena arena;
    sluice_value p = arena.value(partition);
    struct Out {
      std::optional<Value> value;
      std::exception_ptr error;
    } out;
    auto visit = [](void* user, const sluice_value* v) {
      auto* o = static_cast<Out*>(user);
      try {
        AbiReader reader;
        o->value = v != nullptr ? reader.value(*v) : Value();
      } catch (...) {
        o->error = std::current_exception();
      }
    };
    std::int32_t found = host_->offset_read(ctx_, &p, visit, &out);
    if (out.error) std::rethrow_exception(out.error);
    if (found == 0) return std::nullopt;
    return out.value;
  }

 private:
  const sluice_host_api* host_;
  sluice_context* ctx_;
};

// The records of one poll(SourceBatch&), written straight into the C structures the host reads: add() copies
// a record (its strings and bytes too), so a task can keep one SourceRecord and change only what differs from
// line to line (its value's string, its offset), and no record object is kept or destroyed per record.
// Consecutive records with an equal source partition share one copy of it.
class SourceBatch {
 public:
  void add(const SourceRecord& record) {
    sluice_record& out = abi_.emplace_back();
    if (abi_.size() > 1 && record.source_partition == last_partition_) {
      arena_.fill(out, record, last_partition_abi_);
      return;
    }
    arena_.fill(out, record);
    last_partition_ = record.source_partition;
    last_partition_abi_ = out.source_partition;
  }
  void reserve(std::size_t records) { abi_.reserve(records); }
  std::size_t size() const { return abi_.size(); }
  bool empty() const { return abi_.empty(); }
  // The records added so far, read back (equal to what was added; for tests and SourceTask::poll()).
  std::vector<SourceRecord> records() const {
    AbiReader reader;
    std::vector<SourceRecord> out;
    out.reserve(abi_.size());
    for (const sluice_record& r : abi_) out.push_back(reader.source_record(r));
    return out;
  }

 private:
  friend struct detail::Access;

  Arena arena_{Arena::Strings::Copy};
  std::vector<sluice_record> abi_;
  Value last_partition_;
  sluice_value last_partition_abi_{};
};

namespace detail {
// The records of one poll() as the host sees them: C structures in `arena`, pointing into `records` when the
// task's poll() returned a vector, or copies made by SourceBatch::add (`records` empty).
struct PolledBatch;
struct BatchRegistry {
  std::mutex mutex;
  // shared: commit_record may still use a batch on the producer's thread while the host releases it.
  std::map<const sluice_record*, std::shared_ptr<PolledBatch>> live;
};
struct PolledBatch {
  std::vector<SourceRecord> records;
  Arena arena{Arena::Strings::Borrow};
  std::vector<sluice_record> abi;
  std::shared_ptr<BatchRegistry> registry;  // shared: the host may release a batch after the task is gone
};
}  // namespace detail

class SourceTask : public detail::Instance {
 public:
  virtual void start(const ConfigMap& config) = 0;
  // The next records; an empty vector when there are none right now. Should not block for more than about a
  // second (use wait_for_stop to wait). A task overrides this or poll(SourceBatch&) (then add
  // `using sdk::SourceTask::poll;` to keep this one callable on it, e.g. from tests).
  virtual std::vector<SourceRecord> poll() {
    DefaultPoll guard(in_default_poll_);
    SourceBatch batch;
    poll(batch);
    return batch.records();
  }
  // The same, adding the records to `batch` (none when there are none right now): the host reads them without
  // a SourceRecord object per record, which matters to a task that reads many small records.
  virtual void poll(SourceBatch& batch) {
    DefaultPoll guard(in_default_poll_);
    for (const SourceRecord& r : poll()) batch.add(r);
  }
  // Offsets up to now were flushed.
  virtual void commit() {}
  // Kafka acknowledged `record` (metadata set) or a transformation dropped it (nullopt). May run on another
  // thread than poll(). `record` is the object poll() returned (a copy equal to what was added, for records
  // added to a SourceBatch).
  virtual void commit_record(const SourceRecord& record, const std::optional<RecordMetadata>& metadata) {
    (void)record;
    (void)metadata;
  }
  virtual void stop() = 0;

  // Any thread: makes is_stopping() true and wakes wait_for_stop.
  void request_stop() {
    {
      std::lock_guard lock(stop_mutex_);
      stop_requested_.store(true);
    }
    stop_cv_.notify_all();
    on_stop_requested();
  }
  bool is_stopping() const { return stop_requested_.load() || host_is_stopping(); }
  // Waits up to `timeout`; returns early (true) once the task is stopping.
  bool wait_for_stop(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(stop_mutex_);
    while (!is_stopping()) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      // Wake at least every 100 ms: the host's own stop flag has no way to notify us.
      const auto slice =
          std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(100));
      stop_cv_.wait_for(lock, slice);
    }
    return true;
  }

  SourceTaskContext context() const { return SourceTaskContext(host(), host_context()); }

 protected:
  // Any thread, after is_stopping() became true: interrupt blocking work here (close a socket, ...).
  virtual void on_stop_requested() {}

 private:
  friend struct detail::Access;

  // The two default polls call each other: entering one while in the other means neither is overridden.
  class DefaultPoll {
   public:
    explicit DefaultPoll(bool& active) : active_(active) {
      if (active_) throw ConnectError("A SourceTask must override poll() or poll(SourceBatch&)");
      active_ = true;
    }
    ~DefaultPoll() { active_ = false; }
    DefaultPoll(const DefaultPoll&) = delete;
    DefaultPoll& operator=(const DefaultPoll&) = delete;

   private:
    bool& active_;
  };

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  std::atomic<bool> stop_requested_{false};
  bool in_default_poll_ = false;  // poll() and poll(SourceBatch&) default to each other: one must be overridden
  std::shared_ptr<detail::BatchRegistry> batches_ = std::make_shared<detail::BatchRegistry>();
};

// ---- sink tasks ------------------------------------------------------------------------------------------

class SinkTaskContext {
 public:
  SinkTaskContext(const sluice_host_api* host, sluice_context* ctx) : host_(host), ctx_(ctx) {}

  // Rewind or skip: the next record consumed from `tp` is at `offset`.
  void seek(const TopicPartition& tp, std::int64_t offset) const {
    if (host_ && host_->sink_seek) host_->sink_seek(ctx_, tp.topic.c_str(), tp.partition, offset);
  }
  void seek(const OffsetMap& offsets) const {
    for (const auto& [tp, off] : offsets) seek(tp, off);
  }
  // After a RetriableError from put(), wait this long before redelivering.
  void timeout(std::int64_t timeout_ms) const {
    if (host_ && host_->sink_set_timeout) host_->sink_set_timeout(ctx_, timeout_ms);
  }
  void pause(const std::vector<TopicPartition>& partitions) const {
    for (const auto& tp : partitions)
      if (host_ && host_->sink_pause) host_->sink_pause(ctx_, tp.topic.c_str(), tp.partition);
  }
  void resume(const std::vector<TopicPartition>& partitions) const {
    for (const auto& tp : partitions)
      if (host_ && host_->sink_resume) host_->sink_resume(ctx_, tp.topic.c_str(), tp.partition);
  }
  void request_commit() const {
    if (host_ && host_->sink_request_commit) host_->sink_request_commit(ctx_);
  }
  std::vector<TopicPartition> assignment() const {
    if (!host_ || !host_->sink_assignment) return {};
    std::vector<sluice_topic_partition> buf(16);
    std::size_t total = host_->sink_assignment(ctx_, buf.data(), buf.size());
    if (total > buf.size()) {
      buf.resize(total);
      total = std::min(host_->sink_assignment(ctx_, buf.data(), buf.size()), buf.size());
    }
    std::vector<TopicPartition> out;
    out.reserve(total);
    for (std::size_t i = 0; i < total; ++i)
      out.push_back(TopicPartition{buf[i].topic ? buf[i].topic : "", buf[i].partition});
    return out;
  }
  // Hands a record the task cannot write to errors.tolerance / the dead letter queue. Throws ConnectError
  // ("Tolerance exceeded in error handler") when the runtime does not tolerate it (errors.tolerance=none).
  void report_errant(const SinkRecord& record, const std::string& error_class,
                     const std::string& message) const {
    if (!host_ || !host_->errant_record_report)
      throw ConnectError("The runtime offers no errant record reporter; cannot report: " + message);
    Arena arena;
    sluice_record r{};
    arena.fill(r, record);
    if (host_->errant_record_report(ctx_, &r, error_class.c_str(), message.c_str()) != SLUICE_OK)
      throw ConnectError("Tolerance exceeded in error handler");
  }
  void report_errant(const SinkRecord& record, const std::exception& error) const {
    const auto* ce = dynamic_cast<const ConnectError*>(&error);
    report_errant(record, ce ? ce->error_class() : detail::demangle(typeid(error).name()), error.what());
  }

 private:
  const sluice_host_api* host_;
  sluice_context* ctx_;
};

class SinkTask : public detail::Instance {
 public:
  virtual void start(const ConfigMap& config) = 0;
  virtual void open(const std::vector<TopicPartition>& partitions) { (void)partitions; }
  virtual void close(const std::vector<TopicPartition>& partitions) { (void)partitions; }
  // Throw RetriableError to have the same batch delivered again.
  virtual void put(std::vector<SinkRecord> records) = 0;
  // Make everything put so far durable.
  virtual void flush(const OffsetMap& current) { (void)current; }
  // The offsets safe to commit; by default flush() then everything consumed so far.
  virtual OffsetMap pre_commit(const OffsetMap& current) {
    flush(current);
    return current;
  }
  virtual void stop() = 0;

  SinkTaskContext context() const { return SinkTaskContext(host(), host_context()); }
  bool is_stopping() const { return host_is_stopping(); }
};

}  // namespace sluice::sdk
