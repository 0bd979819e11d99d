#pragma once
// Error handling for the records a task processes (Kafka's runtime.errors package):
//
// - RetryWithToleranceOperator runs one operation of one record (a converter, a transformation step) and
//   decides what a failure means: a RetriableError is retried with exponential backoff (300 ms doubling, then
//   a random delay below errors.retry.delay.max.ms once the doubling passes it) until errors.retry.timeout
//   has passed (0: no retries; -1: forever); any other failure, or retries running out, is reported to the
//   reporters and then either tolerated (errors.tolerance=all: the caller skips the record) or not
//   (errors.tolerance=none: ConnectError "Tolerance exceeded in error handler: ..." naming the stage, the
//   executing class and the record's topic/partition/offset, with the failure as its nested cause).
//   Only converter, header converter and transformation failures are tolerable, as in Kafka; other stages go
//   through execute_failed(), which reports and then applies the same tolerance rule.
// - LogReporter writes errors.log.enable lines in Kafka's LogReporter format (record coordinates, and with
//   errors.log.include.messages the record itself for source records).
// - DeadLetterQueueReporter (sink tasks with errors.deadletterqueue.topic.name) produces the original
//   consumed bytes, headers and timestamp to the DLQ topic, with Kafka's __connect.errors.* context headers
//   when errors.deadletterqueue.context.headers.enable=true.
//
// One operator per task, used from the task's thread only. Each record sets its context first
// (consumer_record / source_record); the pointers must stay valid while its operations run.

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/common/connect_ids.hpp"
#include "core/common/errors.hpp"
#include "core/data/record.hpp"
#include "core/kafka/consumer.hpp"
#include "core/kafka/producer.hpp"
#include "core/worker/connector_config.hpp"

namespace spdlog {
class logger;
}

namespace sluice::worker {

// Kafka's errors.Stage; stage_name() gives the enum constant's name (the DLQ stage header).
enum class Stage : std::uint8_t {
  TaskPoll,
  TaskPut,
  Transformation,
  KeyConverter,
  ValueConverter,
  HeaderConverter,
  KafkaProduce,
  KafkaConsume
};
const char* stage_name(Stage stage);
// Converter, header converter and transformation failures may be tolerated; others only when retriable.
bool stage_is_tolerable(Stage stage);

// An error that happened outside the runtime's own code and arrives as class name and message (a sink task's
// errant-record report): keeps the Java class the plugin gave.
class ReportedError final : public ConnectError {
 public:
  ReportedError(std::string java_class, const std::string& message)
      : ConnectError(message), java_class_(std::move(java_class)) {}
  const char* java_class() const noexcept override { return java_class_.c_str(); }

 private:
  std::string java_class_;
};

// Thrown by the operator when the task is asked to stop while it waits to retry an operation: the record is
// neither processed nor skipped. Not a ConnectError on purpose: task runners catch it and stop.
class OperationAborted final : public std::exception {
 public:
  const char* what() const noexcept override { return "The task is stopping; the operation was abandoned"; }
};

// What reporters are given about one failure.
struct ErrorReport {
  const ConnectorTaskId& task;
  Stage stage;
  std::string_view executing_class;
  const kafka::Message* consumed = nullptr;    // sink: the record as read from Kafka
  const data::SourceRecord* source = nullptr;  // source: the record as poll() returned it
  const std::exception& error;
  int attempts = 1;
};

class ErrorReporter {
 public:
  virtual ~ErrorReporter() = default;
  virtual void report(const ErrorReport& report) = 0;
  // Waits up to `timeout` for reports still in flight (the DLQ producer). False when some are left.
  virtual bool flush(std::chrono::milliseconds timeout) {
    (void)timeout;
    return true;
  }
};

// "<java class>: <message>\n\tat <executing class>.<operation>(<task>)" and the causes: the text of the
// exception.stacktrace DLQ header and of error log lines.
std::string error_stack_trace(const std::exception& error, Stage stage, std::string_view executing_class,
                              const ConnectorTaskId& task, bool sink);

// Kafka's LogReporter. Writes nothing unless errors.log.enable=true.
class LogReporter final : public ErrorReporter {
 public:
  LogReporter(bool enabled, bool include_messages, std::shared_ptr<spdlog::logger> log, std::string prefix);
  void report(const ErrorReport& report) override;
  // The line without the error (Kafka's LogReporter.message), e.g.
  //   Error encountered in task sink-0 while performing VALUE_CONVERTER operation with class
  //   'class org.apache.kafka.connect.json.JsonConverter', msg.topic='in', msg.partition=0, msg.offset=3,
  //   msg.timestamp=1700000000000, msg.timestampType=CreateTime.
  std::string message(const ErrorReport& report) const;

 private:
  bool enabled_;
  bool include_messages_;
  std::shared_ptr<spdlog::logger> log_;
  std::string prefix_;
};

// Kafka's DeadLetterQueueReporter: one producer per sink task (client.id connector-dlq-producer-<task>).
// Records are sent asynchronously; a failed delivery is logged ("Could not produce message to dead letter
// queue. topic=<t>") and counted. The task flushes before committing offsets, so a consumed record whose
// offset is committed is in the DLQ. Delivery reports are served on the task's thread.
class DeadLetterQueueReporter final : public ErrorReporter {
 public:
  // The DLQ header names (Kafka's ERROR_HEADER_* constants, prefixed "__connect.errors.").
  static constexpr const char* kTopic = "__connect.errors.topic";
  static constexpr const char* kPartition = "__connect.errors.partition";
  static constexpr const char* kOffset = "__connect.errors.offset";
  static constexpr const char* kConnectorName = "__connect.errors.connector.name";
  static constexpr const char* kTaskId = "__connect.errors.task.id";
  static constexpr const char* kStage = "__connect.errors.stage";
  static constexpr const char* kClassName = "__connect.errors.class.name";
  static constexpr const char* kExceptionClass = "__connect.errors.exception.class.name";
  static constexpr const char* kExceptionMessage = "__connect.errors.exception.message";
  static constexpr const char* kExceptionStackTrace = "__connect.errors.exception.stacktrace";

  // `producer_properties`: the task's producer client properties. Checks (with `admin_properties`) whether
  // the topic exists and logs what happens when it does not. Throws ConnectError when the producer cannot be
  // created.
  DeadLetterQueueReporter(const ConnectorTaskId& task, std::string topic, bool context_headers,
                          int replication_factor, const kafka::Properties& producer_properties,
                          const kafka::Properties& admin_properties, std::shared_ptr<spdlog::logger> log,
                          std::string prefix);
  ~DeadLetterQueueReporter() override;

  void report(const ErrorReport& report) override;
  bool flush(std::chrono::milliseconds timeout) override;

  const std::string& topic() const { return topic_; }
  std::uint64_t produced() const { return produced_; }
  std::uint64_t failed() const { return failed_; }

  // The context headers Kafka adds (without the original headers): topic, partition, offset, connector name,
  // task id, stage, class name, and for an error its class, message and stack trace.
  static std::vector<kafka::Header> context_headers(const ErrorReport& report);

 private:
  void on_delivery(const kafka::DeliveryReport& report);

  ConnectorTaskId task_;
  std::string topic_;
  bool context_headers_;
  std::shared_ptr<spdlog::logger> log_;
  std::string prefix_;
  std::uint64_t produced_ = 0;
  std::uint64_t failed_ = 0;
  std::unique_ptr<kafka::Producer> producer_;
};

class RetryWithToleranceOperator {
 public:
  // Sleeps up to the given time; returns false (early) when the task is asked to stop.
  using Sleeper = std::function<bool(std::chrono::milliseconds)>;
  static constexpr std::chrono::milliseconds kRetriesDelayMin{300};

  RetryWithToleranceOperator(const ConnectorTaskId& task, std::chrono::milliseconds retry_timeout,
                             std::chrono::milliseconds max_delay, ErrorTolerance tolerance, Sleeper sleeper,
                             bool sink);

  void add_reporter(std::unique_ptr<ErrorReporter> reporter);
  const std::vector<std::unique_ptr<ErrorReporter>>& reporters() const { return reporters_; }

  // The record whose operations follow (Kafka's consumerRecord / sourceRecord).
  void consumer_record(const kafka::Message* message) {
    consumed_ = message;
    source_ = nullptr;
  }
  void source_record(const data::SourceRecord* record) {
    source_ = record;
    consumed_ = nullptr;
  }

  // Runs `operation` (a callable returning a value) for the current record. Returns its result, or nullopt
  // when it failed and the failure was tolerated (already reported: skip the record). Throws ConnectError
  // when the failure is not tolerated, OperationAborted when the task stops during a retry backoff.
  template <typename Operation>
  auto execute(Stage stage, std::string_view executing_class, Operation&& operation)
      -> std::optional<std::invoke_result_t<Operation&>> {
    std::optional<std::chrono::steady_clock::time_point> start;
    for (int attempt = 1;; ++attempt) {
      try {
        return std::optional<std::invoke_result_t<Operation&>>(operation());
      } catch (const RetriableError& e) {
        if (!start) start = std::chrono::steady_clock::now();
        if (!backoff_before_retry(attempt, *start, stage, executing_class)) {
          failed(stage, executing_class, e, attempt);
          return std::nullopt;
        }
      } catch (const std::exception& e) {
        failed(stage, executing_class, e, attempt);
        return std::nullopt;
      }
    }
  }

  // Kafka's executeFailed: reports an error raised elsewhere (an errant record a sink task reported) for
  // `consumed`; throws ConnectError "Tolerance exceeded in error handler: ..." (with `error` nested) when it
  // is not tolerated. `error` holds a std::exception.
  void execute_failed(Stage stage, std::string_view executing_class, const kafka::Message& consumed,
                      std::exception_ptr error);

  ErrorTolerance tolerance() const { return tolerance_; }
  std::uint64_t total_failures() const { return total_failures_; }
  std::uint64_t total_retries() const { return total_retries_; }
  // Waits for every reporter's records in flight; false when some remain after `timeout`.
  bool flush_reporters(std::chrono::milliseconds timeout);

  // Kafka's backoff for retry `attempt` (1-based): 300 ms << (attempt-1), a random delay below `max_delay`
  // once that exceeds it, never past `left`.
  static std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds max_delay,
                                                 std::chrono::milliseconds left);

 private:
  // Inside a catch handler: reports the current failure; rethrows it nested in the tolerance error when it
  // is not tolerated.
  void failed(Stage stage, std::string_view executing_class, const std::exception& error, int attempts);
  // Sleeps before retry `attempt`+1; false when errors.retry.timeout has passed. Throws OperationAborted.
  bool backoff_before_retry(int attempt, std::chrono::steady_clock::time_point start, Stage stage,
                            std::string_view executing_class);
  std::string describe_failure(Stage stage, std::string_view executing_class) const;
  void report(Stage stage, std::string_view executing_class, const std::exception& error, int attempts);

  ConnectorTaskId task_;
  std::chrono::milliseconds retry_timeout_;
  std::chrono::milliseconds max_delay_;
  ErrorTolerance tolerance_;
  Sleeper sleeper_;
  bool sink_;
  const kafka::Message* consumed_ = nullptr;
  const data::SourceRecord* source_ = nullptr;
  std::uint64_t total_failures_ = 0;
  std::uint64_t total_retries_ = 0;
  std::vector<std::unique_ptr<ErrorReporter>> reporters_;
};

// Java's SourceRecord.toString (errors.log.include.messages for source records).
std::string source_record_to_string(const data::SourceRecord& record);

}  // namespace sluice::worker
