#pragma once
// What the runtime drives: connectors and their tasks (Kafka's Connector, SourceTask, SinkTask), and the
// contexts the runtime gives them. Plugin .so components are adapted to these by plugins/host.
// A connector instance lives in the herder; a task instance is owned by its task thread, which makes every
// call except where noted (request_stop, commit_record).

#include "core/config/config_def.hpp"
#include "core/data/record.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

namespace sluice::api {

using StringMap = std::map<std::string, std::string>;

enum class ConnectorType : std::uint8_t { Source, Sink };
const char* connector_type_name(ConnectorType type);  // "source" / "sink"

// Log prefix and identity shared by every context: "[name|task-0] ".
class InstanceContext {
 public:
  virtual ~InstanceContext() = default;
  virtual const std::string& log_prefix() const = 0;
  // True once the runtime asked the instance to stop.
  virtual bool is_stopping() const = 0;
};

class ConnectorContext : public InstanceContext {
 public:
  virtual void request_task_reconfiguration() = 0;
  virtual void raise_error(const std::string& message) = 0;
};

class SourceTaskContext : public InstanceContext {
 public:
  // The last committed offset of a source partition (a map value), or nullopt.
  virtual std::optional<data::Value> offset(const data::Value& partition) = 0;
};

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

class SinkTaskContext : public InstanceContext {
 public:
  virtual void seek(const TopicPartition& tp, std::int64_t offset) = 0;
  virtual void set_timeout(std::int64_t timeout_ms) = 0;
  virtual void pause(const TopicPartition& tp) = 0;
  virtual void resume(const TopicPartition& tp) = 0;
  virtual void request_commit() = 0;
  virtual std::vector<TopicPartition> assignment() const = 0;
  // Errant-record reporter; returns true when tolerated, false when the task must fail.
  virtual bool report_errant(const data::SinkRecord& record, const std::string& error_class,
                             const std::string& message) = 0;
};

// Per-key problems a connector's validate() adds to the ConfigDef checks.
struct ValidationIssue {
  std::string key;
  std::string message;
};

// One entry of an offsets change through the REST API: partition map and offset map (null: reset).
struct OffsetEntry {
  data::Value partition;
  data::Value offset;
};

class Connector {
 public:
  virtual ~Connector() = default;
  virtual ConnectorType type() const = 0;
  virtual void start(const StringMap& config) = 0;
  virtual std::vector<StringMap> task_configs(int max_tasks) = 0;
  virtual void stop() = 0;
  virtual std::vector<ValidationIssue> validate(const StringMap& config) = 0;
  // Kafka's alterOffsets: true when the connector handled the change itself. Throws ConnectError to refuse.
  virtual bool alter_offsets(const StringMap& config, const std::vector<OffsetEntry>& offsets) = 0;
  virtual const config::ConfigDef& config_def() const = 0;
  virtual const std::string& version() const = 0;
};

struct RecordMetadata {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = -1;
  std::int64_t timestamp = -1;
};

// A key or value seen in place: null, text or bytes (the kinds a converter may send unchanged), and the type
// of its schema (nullopt: schemaless).
struct RawValue {
  data::Value::Kind kind = data::Value::Kind::Null;
  std::string_view bytes;  // String or Bytes
  std::optional<data::Type> schema_type;
};

// A polled record seen in place, without building a data::SourceRecord: one without headers whose key and
// value are null, text or bytes, and whose task needs no commit_record for it. The views are valid while its
// batch is.
struct RawSourceRecord {
  std::string_view topic;
  std::optional<std::int32_t> partition;  // unset: the producer chooses
  RawValue key;
  RawValue value;
  std::optional<std::int64_t> timestamp;  // ms since epoch
};

// What one poll() returned. The runtime takes each record once, in order, through view() or import(), before it
// polls again.
class PolledSourceBatch {
 public:
  virtual ~PolledSourceBatch() = default;
  virtual std::size_t size() const = 0;
  // Record i in place when it has RawSourceRecord's shape; false when it must be imported. Throws DataError
  // for a malformed record, as import() would.
  virtual bool view(std::size_t i, RawSourceRecord& out) = 0;
  // The source partition of a record taken through view() (partitions of a run of records from one source
  // partition are shared, as import()'s are). From the thread that reads the batch.
  virtual data::SharedValue partition(std::size_t i) = 0;
  // The source offset of a record taken through view(), read at any time while the batch is held, from any
  // thread (one at a time): the runtime keeps the batch instead of the offsets of the records in flight.
  virtual data::Value offset(std::size_t i) const = 0;
  // Record i as a Connect record (moved out of the batch).
  virtual void import(std::size_t i, data::SourceRecord& out) = 0;
};

class SourceTask {
 public:
  virtual ~SourceTask() = default;
  virtual void start(const StringMap& config) = 0;
  // The next records; empty when there are none right now (returns within about a second).
  virtual std::vector<data::SourceRecord> poll() = 0;
  // The same as a batch the runtime may read in place; the default imports poll()'s records one by one.
  virtual std::unique_ptr<PolledSourceBatch> poll_batch();
  virtual void commit() = 0;
  // After Kafka acknowledged `record` (metadata set) or a transform dropped it (nullptr). `record` is the
  // one poll() returned, before transforms. May run on the producer's delivery thread.
  virtual void commit_record(const data::SourceRecord& record, const RecordMetadata* metadata) = 0;
  // Whether commit_record reads the record's key, value or headers. A task that finds its record another way
  // (a plugin's task, through SourceRecord::origin) answers false, and the runtime then hands the value to
  // the converter instead of copying it (commit_record sees the record with its value moved out).
  virtual bool commit_record_reads_content() const { return true; }
  // Whether commit_record has anything to do for `record` (poll() returned it). When not, the runtime neither
  // calls it nor keeps the record until Kafka acknowledges it.
  virtual bool needs_commit_record(const data::SourceRecord& record) const {
    (void)record;
    return true;
  }
  // From any thread: make a running poll() return soon.
  virtual void request_stop() = 0;
  virtual void stop() = 0;
};

class SinkTask {
 public:
  virtual ~SinkTask() = default;
  virtual void start(const StringMap& config) = 0;
  virtual void open(const std::vector<TopicPartition>& partitions) = 0;
  virtual void close(const std::vector<TopicPartition>& partitions) = 0;
  // Throws RetriableError to have the same batch retried.
  virtual void put(const std::vector<data::SinkRecord>& records) = 0;
  // Kafka's preCommit: given the offsets consumed so far (next offset to read), returns what is safe to
  // commit. The default behaviour of a plugin without pre_commit is flush(current) then return current.
  virtual std::map<TopicPartition, std::int64_t> pre_commit(const std::map<TopicPartition, std::int64_t>& current) = 0;
  virtual void stop() = 0;
};

}  // namespace sluice::api
