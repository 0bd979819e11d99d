#include "core/worker/error_handling.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <random>

#include "core/data/values.hpp"
#include "core/kafka/admin.hpp"
#include "core/worker/failure_trace.hpp"

namespace sluice::worker {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

const char* timestamp_type_name(kafka::TimestampType type) {
  switch (type) {
    case kafka::TimestampType::CreateTime: return "CreateTime";
    case kafka::TimestampType::LogAppendTime: return "LogAppendTime";
    case kafka::TimestampType::None: break;
  }
  return "NoTimestampType";
}

// The method of the executing class a stage calls, for the "at" line of traces.
const char* operation_name(Stage stage, bool sink) {
  switch (stage) {
    case Stage::KeyConverter:
    case Stage::ValueConverter: return sink ? "toConnectData" : "fromConnectData";
    case Stage::HeaderConverter: return sink ? "toConnectHeader" : "fromConnectHeader";
    case Stage::Transformation: return "apply";
    case Stage::TaskPut: return "put";
    case Stage::TaskPoll: return "poll";
    case Stage::KafkaProduce: return "send";
    case Stage::KafkaConsume: return "poll";
  }
  return "apply";
}

std::string schema_to_string(const data::SchemaPtr& schema) {
  if (!schema) return "null";
  const std::string type = data::type_upper_name(schema->type());
  if (schema->name()) return "Schema{" + *schema->name() + ":" + type + "}";
  return "Schema{" + type + "}";
}

// The record of a failure, as messages name it: coordinates only, never its content.
std::string describe_record(const kafka::Message* consumed, const data::SourceRecord* source) {
  if (consumed != nullptr) {
    return "the record at topic '" + consumed->topic + "', partition " + std::to_string(consumed->partition) +
           ", offset " + std::to_string(consumed->offset);
  }
  if (source != nullptr) {
    return "a record for topic '" + source->topic + "' (source partition " +
           data::values::java_to_string(nullptr, *source->source_partition) + ", source offset " +
           data::values::java_to_string(nullptr, source->source_offset) + ")";
  }
  return "a record";
}

std::mt19937_64& random_engine() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

}  // namespace

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::TaskPoll: return "TASK_POLL";
    case Stage::TaskPut: return "TASK_PUT";
    case Stage::Transformation: return "TRANSFORMATION";
    case Stage::KeyConverter: return "KEY_CONVERTER";
    case Stage::ValueConverter: return "VALUE_CONVERTER";
    case Stage::HeaderConverter: return "HEADER_CONVERTER";
    case Stage::KafkaProduce: return "KAFKA_PRODUCE";
    case Stage::KafkaConsume: return "KAFKA_CONSUME";
  }
  return "TRANSFORMATION";
}

bool stage_is_tolerable(Stage stage) {
  switch (stage) {
    case Stage::Transformation:
    case Stage::KeyConverter:
    case Stage::ValueConverter:
    case Stage::HeaderConverter: return true;
    default: return false;
  }
}

std::string error_stack_trace(const std::exception& error, Stage stage, std::string_view executing_class,
                              const ConnectorTaskId& task, bool sink) {
  std::string where(executing_class);
  where += '.';
  where += operation_name(stage, sink);
  where += '(' + task.to_string() + ')';
  return failure_trace(error, where);
}

std::string source_record_to_string(const data::SourceRecord& record) {
  std::string out =
      "SourceRecord{sourcePartition=" + data::values::java_to_string(nullptr, *record.source_partition) +
      ", sourceOffset=" + data::values::java_to_string(nullptr, record.source_offset) + "} ";
  out += "ConnectRecord{topic='" + record.topic +
         "', kafkaPartition=" + (record.partition ? std::to_string(*record.partition) : std::string("null")) +
         ", key=" + data::values::java_to_string(record.key_schema, record.key) +
         ", keySchema=" + schema_to_string(record.key_schema) +
         ", value=" + data::values::java_to_string(record.value_schema, record.value) +
         ", valueSchema=" + schema_to_string(record.value_schema) +
         ", timestamp=" + (record.timestamp ? std::to_string(*record.timestamp) : std::string("null")) +
         ", headers=ConnectHeaders(headers=";
  if (!record.headers.empty()) {
    out += '[';
    bool first = true;
    for (const data::Header& header : record.headers) {
      if (!first) out += ", ";
      first = false;
      out += "ConnectHeader(key=" + header.key +
             ", value=" + data::values::java_to_string(header.schema, header.value) +
             ", schema=" + schema_to_string(header.schema) + ")";
    }
    out += ']';
  }
  out += ")}";
  return out;
}

// ---- LogReporter ----------------------------------------------------------------------------------------

LogReporter::LogReporter(bool enabled, bool include_messages, std::shared_ptr<spdlog::logger> log,
                         std::string prefix)
    : enabled_(enabled),
      include_messages_(include_messages),
      log_(std::move(log)),
      prefix_(std::move(prefix)) {}

std::string LogReporter::message(const ErrorReport& report) const {
  std::string out = "Error encountered in task " + report.task.to_string() + " while performing " +
                    stage_name(report.stage) + " operation with class 'class " +
                    std::string(report.executing_class) + "'";
  if (include_messages_ && report.source != nullptr) {
    out += ", with record = " + source_record_to_string(*report.source);
  } else if (include_messages_ && report.consumed != nullptr) {
    const kafka::Message& msg = *report.consumed;
    out += ", msg.topic='" + msg.topic + "', msg.partition=" + std::to_string(msg.partition) +
           ", msg.offset=" + std::to_string(msg.offset) + ", msg.timestamp=" + std::to_string(msg.timestamp) +
           ", msg.timestampType=" + timestamp_type_name(msg.timestamp_type);
  }
  out += '.';
  return out;
}

void LogReporter::report(const ErrorReport& report) {
  if (!enabled_) return;
  log_->error("{}{}\n{}", prefix_, message(report),
              error_stack_trace(report.error, report.stage, report.executing_class, report.task,
                                report.consumed != nullptr));
}

// ---- DeadLetterQueueReporter ----------------------------------------------------------------------------

DeadLetterQueueReporter::DeadLetterQueueReporter(const ConnectorTaskId& task, std::string topic,
                                                 bool context_headers, int replication_factor,
                                                 const kafka::Properties& producer_properties,
                                                 const kafka::Properties& admin_properties,
                                                 std::shared_ptr<spdlog::logger> log, std::string prefix)
    : task_(task),
      topic_(std::move(topic)),
      context_headers_(context_headers),
      log_(std::move(log)),
      prefix_(std::move(prefix)) {
  try {
    kafka::Admin admin(admin_properties, "admin for the dead letter queue of task " + task_.to_string());
    const auto topics = admin.partition_counts(10s);
    if (!topics.contains(topic_)) {
      // Kafka's DeadLetterQueueReporter logs this at ERROR, then creates the topic with one partition and the
      // configured replication factor. The dev broker has no CreateTopics, and sluice's admin client does not
      // create topics: the broker creates it on the first record (auto.create.topics.enable).
      log_->error("{}Topic {} doesn't exist. Will attempt to create topic.", prefix_, topic_);
      log_->warn(
          "{}The dead letter queue topic {} is created by the broker when the first record is produced to it "
          "(auto.create.topics.enable), with the broker's default partitions and replication; "
          "errors.deadletterqueue.topic.replication.factor={} is not applied",
          prefix_, topic_, replication_factor);
    }
  } catch (const ConnectError& e) {
    log_->warn("{}Could not check whether the dead letter queue topic {} exists: {}", prefix_, topic_,
               e.what());
  }
  producer_ = std::make_unique<kafka::Producer>(producer_properties,
                                                "dead letter queue producer for task " + task_.to_string(),
                                                [this](const kafka::DeliveryReport& r) { on_delivery(r); });
  log_->info("{}Errant records go to the dead letter queue topic {}{}", prefix_, topic_,
             context_headers_ ? " with error context headers" : "");
}

DeadLetterQueueReporter::~DeadLetterQueueReporter() {
  if (producer_ && producer_->in_flight() > 0 && !producer_->flush(5s)) {
    log_->error("{}{} records were not delivered to the dead letter queue topic {} before the task closed",
                prefix_, producer_->in_flight(), topic_);
  }
}

std::vector<kafka::Header> DeadLetterQueueReporter::context_headers(const ErrorReport& report) {
  std::string topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  if (report.consumed != nullptr) {
    topic = report.consumed->topic;
    partition = report.consumed->partition;
    offset = report.consumed->offset;
  }
  std::vector<kafka::Header> out;
  out.reserve(10);
  out.push_back({kTopic, topic});
  out.push_back({kPartition, std::to_string(partition)});
  out.push_back({kOffset, std::to_string(offset)});
  out.push_back({kConnectorName, report.task.connector});
  out.push_back({kTaskId, std::to_string(report.task.task)});
  out.push_back({kStage, stage_name(report.stage)});
  out.push_back({kClassName, std::string(report.executing_class)});
  out.push_back({kExceptionClass, java_class_of(report.error)});
  out.push_back({kExceptionMessage, std::string(report.error.what())});
  out.push_back({kExceptionStackTrace,
                 error_stack_trace(report.error, report.stage, report.executing_class, report.task, true)});
  return out;
}

void DeadLetterQueueReporter::report(const ErrorReport& report) {
  // As Kafka: only records consumed from Kafka go to the dead letter queue.
  if (report.consumed == nullptr) return;
  const kafka::Message& original = *report.consumed;
  kafka::OutgoingRecord record;
  record.topic = topic_;
  record.key = original.key;
  record.value = original.value;
  record.headers = original.headers;
  if (original.timestamp_type != kafka::TimestampType::None) record.timestamp = original.timestamp;
  if (context_headers_) {
    for (kafka::Header& header : context_headers(report)) {
      const bool present = std::any_of(record.headers.begin(), record.headers.end(),
                                       [&](const kafka::Header& h) { return h.key == header.key; });
      if (present) {
        log_->error("{}Header already contains the '{}' key.", prefix_, header.key);
        continue;
      }
      record.headers.push_back(std::move(header));
    }
  }
  try {
    // The queue is bounded; a full queue for this long means the DLQ cannot keep up at all.
    if (!producer_->send(record, nullptr, 30s)) {
      ++failed_;
      log_->error(
          "{}Could not produce message to dead letter queue. topic={}: the producer queue stayed full",
          prefix_, topic_);
      return;
    }
  } catch (const ConnectError& e) {
    ++failed_;
    log_->error("{}Could not produce message to dead letter queue. topic={}: {}", prefix_, topic_, e.what());
    return;
  }
  producer_->poll(0ms);
}

bool DeadLetterQueueReporter::flush(std::chrono::milliseconds timeout) {
  if (producer_->in_flight() == 0) return true;
  return producer_->flush(timeout);
}

void DeadLetterQueueReporter::on_delivery(const kafka::DeliveryReport& report) {
  if (report.ok()) {
    ++produced_;
    return;
  }
  ++failed_;
  log_->error("{}Could not produce message to dead letter queue. topic={}: {} ({})", prefix_, topic_,
              report.error, kafka::error_name(report.error_code));
}

// ---- RetryWithToleranceOperator -------------------------------------------------------------------------

RetryWithToleranceOperator::RetryWithToleranceOperator(const ConnectorTaskId& task,
                                                       std::chrono::milliseconds retry_timeout,
                                                       std::chrono::milliseconds max_delay,
                                                       ErrorTolerance tolerance, Sleeper sleeper, bool sink)
    : task_(task),
      retry_timeout_(retry_timeout),
      max_delay_(max_delay),
      tolerance_(tolerance),
      sleeper_(std::move(sleeper)),
      sink_(sink) {}

void RetryWithToleranceOperator::add_reporter(std::unique_ptr<ErrorReporter> reporter) {
  reporters_.push_back(std::move(reporter));
}

std::chrono::milliseconds RetryWithToleranceOperator::backoff_delay(int attempt,
                                                                    std::chrono::milliseconds max_delay,
                                                                    std::chrono::milliseconds left) {
  const int shift = std::max(0, attempt - 1);
  std::int64_t delay =
      shift < 40 ? kRetriesDelayMin.count() << shift : std::numeric_limits<std::int64_t>::max();
  if (delay > max_delay.count()) {
    // Jitter once the doubling passes the cap, so that many tasks do not retry in lock step.
    delay = max_delay.count() > 0
                ? std::uniform_int_distribution<std::int64_t>(0, max_delay.count() - 1)(random_engine())
                : 0;
  }
  return std::chrono::milliseconds(
      std::clamp<std::int64_t>(delay, 0, std::max<std::int64_t>(0, left.count())));
}

bool RetryWithToleranceOperator::backoff_before_retry(int attempt, Clock::time_point start, Stage,
                                                      std::string_view) {
  if (retry_timeout_.count() == 0) return false;
  std::chrono::milliseconds left = std::chrono::milliseconds::max();
  if (retry_timeout_.count() > 0) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    if (elapsed >= retry_timeout_) return false;
    left = retry_timeout_ - elapsed;
  }
  const auto delay = backoff_delay(attempt, max_delay_, left);
  ++total_retries_;
  if (!sleeper_(delay)) throw OperationAborted();
  return true;
}

std::string RetryWithToleranceOperator::describe_failure(Stage stage,
                                                         std::string_view executing_class) const {
  return "Tolerance exceeded in error handler: " + std::string(stage_name(stage)) + " with class " +
         std::string(executing_class) + " failed for " + describe_record(consumed_, source_);
}

void RetryWithToleranceOperator::report(Stage stage, std::string_view executing_class,
                                        const std::exception& error, int attempts) {
  const ErrorReport report{task_, stage, executing_class, consumed_, source_, error, attempts};
  for (const auto& reporter : reporters_) {
    try {
      reporter->report(report);
    } catch (const std::exception& e) {
      // A reporter that fails must not hide the error it was reporting.
      spdlog::error("[{}] Error reporter failed: {}", task_.to_string(), e.what());
    }
  }
}

void RetryWithToleranceOperator::failed(Stage stage, std::string_view executing_class,
                                        const std::exception& error, int attempts) {
  ++total_failures_;
  report(stage, executing_class, error, attempts);
  const bool retriable = dynamic_cast<const RetriableError*>(&error) != nullptr;
  if (!stage_is_tolerable(stage) && !retriable) {
    std::throw_with_nested(ConnectError(
        "Unhandled exception in error handler: " + std::string(stage_name(stage)) + " with class " +
        std::string(executing_class) + " failed for " + describe_record(consumed_, source_)));
  }
  if (tolerance_ == ErrorTolerance::None)
    std::throw_with_nested(ConnectError(describe_failure(stage, executing_class)));
}

void RetryWithToleranceOperator::execute_failed(Stage stage, std::string_view executing_class,
                                                const kafka::Message& consumed, std::exception_ptr error) {
  const kafka::Message* previous_consumed = consumed_;
  const data::SourceRecord* previous_source = source_;
  consumed_ = &consumed;
  source_ = nullptr;
  std::string description = describe_failure(stage, executing_class);
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    ++total_failures_;
    report(stage, executing_class, e, 1);
    consumed_ = previous_consumed;
    source_ = previous_source;
    if (tolerance_ == ErrorTolerance::None) std::throw_with_nested(ConnectError(description));
  }
}

bool RetryWithToleranceOperator::flush_reporters(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  bool all = true;
  for (const auto& reporter : reporters_) {
    const auto left =
        std::max(0ms, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    all = reporter->flush(left) && all;
  }
  return all;
}

}  // namespace sluice::worker
