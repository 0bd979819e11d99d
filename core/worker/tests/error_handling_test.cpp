#include "core/worker/error_handling.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "core/common/logging.hpp"
#include "core/worker/failure_trace.hpp"

namespace sluice::worker {
namespace {

using namespace std::chrono_literals;
using data::Value;

constexpr const char* kJson = "org.apache.kafka.connect.json.JsonConverter";

// Keeps what it was given, as text (the report's references do not outlive the call).
class RecordingReporter final : public ErrorReporter {
 public:
  struct Entry {
    Stage stage;
    std::string executing_class;
    std::string error_class;
    std::string message;
    std::string topic;
    std::int64_t offset = -1;
    int attempts = 0;
  };
  explicit RecordingReporter(std::vector<Entry>& out) : out_(out) {}
  void report(const ErrorReport& r) override {
    out_.push_back({r.stage, std::string(r.executing_class), java_class_of(r.error), r.error.what(),
                    r.consumed ? r.consumed->topic : (r.source ? r.source->topic : ""),
                    r.consumed ? r.consumed->offset : -1, r.attempts});
  }

 private:
  std::vector<Entry>& out_;
};

class ErrorHandling : public ::testing::Test {
 protected:
  std::unique_ptr<RetryWithToleranceOperator> make(std::chrono::milliseconds retry_timeout,
                                                   ErrorTolerance tolerance,
                                                   std::chrono::milliseconds max_delay = 60000ms) {
    auto op = std::make_unique<RetryWithToleranceOperator>(
        task_, retry_timeout, max_delay, tolerance,
        [this](std::chrono::milliseconds delay) {
          delays_.push_back(delay);
          return static_cast<int>(delays_.size()) < stop_after_sleeps_;
        },
        /*sink=*/true);
    op->add_reporter(std::make_unique<RecordingReporter>(reports_));
    return op;
  }

  kafka::Message message() const {
    kafka::Message m;
    m.topic = "in";
    m.partition = 2;
    m.offset = 7;
    m.key = "k";
    m.value = "{not json";
    m.headers = {{"h", std::string("v")}};
    m.timestamp = 1700000000123;
    m.timestamp_type = kafka::TimestampType::CreateTime;
    return m;
  }

  ConnectorTaskId task_{"my-sink", 3};
  std::vector<std::chrono::milliseconds> delays_;
  int stop_after_sleeps_ = 1000;
  std::vector<RecordingReporter::Entry> reports_;
};

TEST_F(ErrorHandling, BackoffDoublesFrom300MsThenJittersBelowTheMaximumDelay) {
  EXPECT_EQ(RetryWithToleranceOperator::backoff_delay(1, 60000ms, 1h), 300ms);
  EXPECT_EQ(RetryWithToleranceOperator::backoff_delay(2, 60000ms, 1h), 600ms);
  EXPECT_EQ(RetryWithToleranceOperator::backoff_delay(3, 60000ms, 1h), 1200ms);
  EXPECT_EQ(RetryWithToleranceOperator::backoff_delay(8, 60000ms, 1h), 38400ms);
  for (int attempt : {3, 9, 60}) {
    const auto jittered = RetryWithToleranceOperator::backoff_delay(attempt, 1000ms, 1h);
    EXPECT_GE(jittered, 0ms);
    EXPECT_LT(jittered, 1000ms);
  }
  // Never past the retry deadline.
  EXPECT_EQ(RetryWithToleranceOperator::backoff_delay(5, 60000ms, 100ms), 100ms);
}

TEST_F(ErrorHandling, RetriableFailuresAreRetriedWithBackoffUntilTheOperationSucceeds) {
  auto op = make(10s, ErrorTolerance::None);
  const auto m = message();
  op->consumer_record(&m);
  int calls = 0;
  const auto result = op->execute(Stage::ValueConverter, kJson, [&] {
    if (++calls < 3) throw RetriableError("not yet");
    return 42;
  });
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, 42);
  EXPECT_EQ(delays_, (std::vector<std::chrono::milliseconds>{300ms, 600ms}));
  EXPECT_EQ(op->total_retries(), 2u);
  EXPECT_EQ(op->total_failures(), 0u);
  EXPECT_TRUE(reports_.empty());
}

TEST_F(ErrorHandling, WithoutRetryTimeoutARetriableFailureIsReportedAndToleratedWithAll) {
  auto op = make(0ms, ErrorTolerance::All);
  const auto m = message();
  op->consumer_record(&m);
  const auto result = op->execute(Stage::Transformation, "org.apache.kafka.connect.transforms.Cast$Value",
                                  [&]() -> bool { throw RetriableError("still down"); });
  EXPECT_FALSE(result.has_value());
  EXPECT_TRUE(delays_.empty());
  ASSERT_EQ(reports_.size(), 1u);
  EXPECT_EQ(reports_[0].stage, Stage::Transformation);
  EXPECT_EQ(reports_[0].executing_class, "org.apache.kafka.connect.transforms.Cast$Value");
  EXPECT_EQ(reports_[0].error_class, "org.apache.kafka.connect.errors.RetriableException");
  EXPECT_EQ(reports_[0].message, "still down");
  EXPECT_EQ(reports_[0].topic, "in");
  EXPECT_EQ(reports_[0].offset, 7);
  EXPECT_EQ(op->total_failures(), 1u);
}

TEST_F(ErrorHandling, ToleranceNoneReportsThenFailsNamingStageClassAndRecord) {
  auto op = make(0ms, ErrorTolerance::None);
  const auto m = message();
  op->consumer_record(&m);
  try {
    op->execute(Stage::ValueConverter, kJson, [&]() -> int { throw DataError("bad bytes"); });
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(
        e.what(),
        "Tolerance exceeded in error handler: VALUE_CONVERTER with class "
        "org.apache.kafka.connect.json.JsonConverter failed for the record at topic 'in', partition 2, "
        "offset 7");
    EXPECT_EQ(failure_trace(e, "x"),
              "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler: "
              "VALUE_CONVERTER "
              "with class org.apache.kafka.connect.json.JsonConverter failed for the record at topic 'in', "
              "partition "
              "2, offset 7\n\tat x\nCaused by: org.apache.kafka.connect.errors.DataException: bad bytes");
  }
  ASSERT_EQ(reports_.size(), 1u);  // reported (log, DLQ) before the task fails
  EXPECT_EQ(reports_[0].stage, Stage::ValueConverter);
}

TEST_F(ErrorHandling, ASourceRecordIsNamedByTopicAndSourcePartitionAndOffset) {
  auto op = make(0ms, ErrorTolerance::None);
  data::SourceRecord record;
  record.topic = "out";
  record.source_partition = Value::map({{Value::string("filename"), Value::string("/in.txt")}});
  record.source_offset = Value::map({{Value::string("position"), Value::int64(12)}});
  op->source_record(&record);
  try {
    op->execute(Stage::Transformation, "org.apache.kafka.connect.transforms.Cast$Value",
                [&]() -> bool { throw DataError("no"); });
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(e.what(),
                 "Tolerance exceeded in error handler: TRANSFORMATION with class "
                 "org.apache.kafka.connect.transforms.Cast$Value failed for a record for topic 'out' (source "
                 "partition "
                 "{filename=/in.txt}, source offset {position=12})");
  }
}

TEST_F(ErrorHandling, InfiniteRetriesEndWhenTheTaskStops) {
  stop_after_sleeps_ = 3;
  auto op = make(-1ms, ErrorTolerance::All, 1000ms);
  const auto m = message();
  op->consumer_record(&m);
  EXPECT_THROW(op->execute(Stage::KeyConverter, kJson, [&]() -> int { throw RetriableError("down"); }),
               OperationAborted);
  EXPECT_EQ(delays_.size(), 3u);
  EXPECT_TRUE(reports_.empty());  // abandoned, not failed
}

TEST_F(ErrorHandling, OnlyConverterAndTransformationFailuresAreTolerable) {
  auto op = make(0ms, ErrorTolerance::All);
  const auto m = message();
  op->consumer_record(&m);
  try {
    op->execute(Stage::TaskPut, "org.apache.kafka.connect.sink.SinkTask",
                [&]() -> int { throw ConnectError("x"); });
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(
        e.what(),
        "Unhandled exception in error handler: TASK_PUT with class org.apache.kafka.connect.sink.SinkTask "
        "failed for the record at topic 'in', partition 2, offset 7");
  }
}

TEST_F(ErrorHandling, ExecuteFailedReportsAndAppliesTolerance) {
  const auto m = message();
  auto all = make(0ms, ErrorTolerance::All);
  all->execute_failed(Stage::TaskPut, "org.apache.kafka.connect.sink.SinkTask", m,
                      std::make_exception_ptr(ReportedError("com.example.WriteFailed", "row rejected")));
  ASSERT_EQ(reports_.size(), 1u);
  EXPECT_EQ(reports_[0].stage, Stage::TaskPut);
  EXPECT_EQ(reports_[0].error_class, "com.example.WriteFailed");
  EXPECT_EQ(reports_[0].message, "row rejected");

  auto none = make(0ms, ErrorTolerance::None);
  try {
    none->execute_failed(Stage::TaskPut, "org.apache.kafka.connect.sink.SinkTask", m,
                         std::make_exception_ptr(ReportedError("com.example.WriteFailed", "row rejected")));
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_EQ(failure_trace(e, "x"),
              "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler: "
              "TASK_PUT with "
              "class org.apache.kafka.connect.sink.SinkTask failed for the record at topic 'in', partition "
              "2, offset "
              "7\n\tat x\nCaused by: com.example.WriteFailed: row rejected");
  }
  EXPECT_EQ(reports_.size(), 2u);
}

TEST_F(ErrorHandling, DeadLetterQueueContextHeadersAreKafkas) {
  const auto m = message();
  const DataError error("Converting byte[] to Kafka Connect data failed due to serialization error: ");
  const ErrorReport report{task_, Stage::ValueConverter, kJson, &m, nullptr, error, 1};
  const auto headers = DeadLetterQueueReporter::context_headers(report);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"__connect.errors.topic", "in"},
      {"__connect.errors.partition", "2"},
      {"__connect.errors.offset", "7"},
      {"__connect.errors.connector.name", "my-sink"},
      {"__connect.errors.task.id", "3"},
      {"__connect.errors.stage", "VALUE_CONVERTER"},
      {"__connect.errors.class.name", "org.apache.kafka.connect.json.JsonConverter"},
      {"__connect.errors.exception.class.name", "org.apache.kafka.connect.errors.DataException"},
      {"__connect.errors.exception.message",
       "Converting byte[] to Kafka Connect data failed due to serialization error: "},
      {"__connect.errors.exception.stacktrace",
       "org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data failed due to "
       "serialization error: \n\tat org.apache.kafka.connect.json.JsonConverter.toConnectData(my-sink-3)"}};
  ASSERT_EQ(headers.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(headers[i].key, expected[i].first);
    EXPECT_EQ(headers[i].value, std::optional<std::string>(expected[i].second)) << expected[i].first;
  }
}

TEST_F(ErrorHandling, LogReporterMessagesAreKafkas) {
  const auto m = message();
  const DataError error("bad");
  const ErrorReport sink_report{task_, Stage::ValueConverter, kJson, &m, nullptr, error, 1};
  LogReporter plain(true, false, log::get("sluice.worker"), "");
  EXPECT_EQ(plain.message(sink_report),
            "Error encountered in task my-sink-3 while performing VALUE_CONVERTER operation with class "
            "'class org.apache.kafka.connect.json.JsonConverter'.");
  LogReporter detailed(true, true, log::get("sluice.worker"), "");
  EXPECT_EQ(
      detailed.message(sink_report),
      "Error encountered in task my-sink-3 while performing VALUE_CONVERTER operation with class "
      "'class org.apache.kafka.connect.json.JsonConverter', msg.topic='in', msg.partition=2, msg.offset=7, "
      "msg.timestamp=1700000000123, msg.timestampType=CreateTime.");

  data::SourceRecord record;
  record.topic = "t";
  record.source_partition = Value::map({{Value::string("f"), Value::string("a")}});
  record.source_offset = Value::map({{Value::string("p"), Value::int64(1)}});
  record.value_schema = data::Schema::string();
  record.value = Value::string("foo");
  const ErrorReport source_report{
      task_, Stage::Transformation, "org.apache.kafka.connect.transforms.Cast$Value", nullptr, &record, error,
      1};
  EXPECT_EQ(detailed.message(source_report),
            "Error encountered in task my-sink-3 while performing TRANSFORMATION operation with class "
            "'class org.apache.kafka.connect.transforms.Cast$Value', with record = "
            "SourceRecord{sourcePartition={f=a}, "
            "sourceOffset={p=1}} ConnectRecord{topic='t', kafkaPartition=null, key=null, keySchema=null, "
            "value=foo, "
            "valueSchema=Schema{STRING}, timestamp=null, headers=ConnectHeaders(headers=)}.");
}

}  // namespace
}  // namespace sluice::worker
