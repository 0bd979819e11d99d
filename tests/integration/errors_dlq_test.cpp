// errors.tolerance, errors.retry.timeout, errors.log.* and the dead letter queue, end to end: a Worker
// against `sluice dev-kafka` with the real FileStream sink and the worker's fixture plugin (ErrantSink,
// FlakyTransform). Records are produced with librdkafka and the DLQ is read back with kcat -J, so bytes,
// headers and timestamps are checked exactly as Kafka holds them.

#include <gtest/gtest.h>

#include "core/common/errors.hpp"
#include "tests/integration/transforms_fixture.hpp"

namespace sluice::test {
namespace {

using data::Value;

constexpr const char* kJsonConverter = "org.apache.kafka.connect.json.JsonConverter";

// The message our JsonConverter gives for `bytes` (the DLQ and the trace carry it verbatim).
std::string json_error(host::PluginRegistry& registry, const std::string& bytes, bool header = false) {
  try {
    if (header) {
      auto converter = registry.create_header_converter(kJsonConverter);
      converter->configure({{"schemas.enable", "false"}});
      converter->to_connect("t", "h", bytes);
    } else {
      auto converter = registry.create_converter(kJsonConverter);
      converter->configure({{"schemas.enable", "false"}}, false);
      converter->to_connect("t", nullptr, bytes);
    }
  } catch (const DataError& e) {
    return e.what();
  }
  return "<no error>";
}

// kcat -J headers ["k1","v1","k2","v2",...] as pairs.
std::vector<std::pair<std::string, std::string>> header_pairs(const nlohmann::json& record) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!record.contains("headers")) return out;  // kcat leaves the field out when there are none
  const auto& headers = record.at("headers");
  for (std::size_t i = 0; i + 1 < headers.size(); i += 2) {
    out.emplace_back(headers[i].get<std::string>(),
                     headers[i + 1].is_null() ? "<null>" : headers[i + 1].get<std::string>());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> context_headers(
    const std::string& topic, int partition, std::int64_t offset, const std::string& connector,
    const std::string& stage, const std::string& klass, const std::string& exception_class,
    const std::string& message, const std::string& stacktrace) {
  return {{"__connect.errors.topic", topic},
          {"__connect.errors.partition", std::to_string(partition)},
          {"__connect.errors.offset", std::to_string(offset)},
          {"__connect.errors.connector.name", connector},
          {"__connect.errors.task.id", "0"},
          {"__connect.errors.stage", stage},
          {"__connect.errors.class.name", klass},
          {"__connect.errors.exception.class.name", exception_class},
          {"__connect.errors.exception.message", message},
          {"__connect.errors.exception.stacktrace", stacktrace}};
}

class ErrorsIntegration : public WorkerFixture {
 protected:
  ErrorsIntegration()
      : WorkerFixture({"dlq-in:1", "strict-in:1", "errant-in:1", "errant-strict-in:1", "stages-in:1"}) {}

  StringMap json_file_sink(const std::string& name, const std::string& topic, const std::string& file,
                           StringMap extra) {
    StringMap config = {{"name", name},
                        {"connector.class", "FileStreamSink"},
                        {"tasks.max", "1"},
                        {"file", file},
                        {"topics", topic},
                        {"value.converter", kJsonConverter},
                        {"value.converter.schemas.enable", "false"}};
    for (auto& [k, v] : extra) config[k] = v;
    return config;
  }

  Value sink_partition(const std::string& topic) {
    return Value::map({{Value::string("kafka_topic"), Value::string(topic)},
                       {Value::string("kafka_partition"), Value::int32(0)}});
  }
  std::optional<Value> committed(const std::string& name, const StringMap& config, const std::string& topic) {
    for (const auto& entry : worker_->connector_offsets(name, config)) {
      if (entry.partition == sink_partition(topic)) return entry.offset;
    }
    return std::nullopt;
  }
  static Value kafka_offset(std::int64_t offset) {
    return Value::map({{Value::string("kafka_offset"), Value::int64(offset)}});
  }
};

TEST_F(ErrorsIntegration, ToleranceAllSendsThePoisonRecordToTheDlqWithEveryContextHeader) {
  produce("dlq-in", {{"k1", R"("one")", {}, 1700000000001},
                     {"k2", "{not json", {{"trace-id", std::string("abc")}}, 1700000000002},
                     {"k3", R"("three")", {}, 1700000000003}});
  start_worker();
  const auto out = dir_ / "out.txt";
  const StringMap config = json_file_sink("dlq-sink", "dlq-in", out.string(),
                                          {{"errors.tolerance", "all"},
                                           {"errors.log.enable", "true"},
                                           {"errors.log.include.messages", "true"},
                                           {"errors.deadletterqueue.topic.name", "dlq-out"},
                                           {"errors.deadletterqueue.context.headers.enable", "true"}});
  const auto tasks = run_connector("dlq-sink", config);
  ASSERT_TRUE(
      wait_until([&] { return read_file(out) == "one\nthree\n"; }, kWait, "the good records in the file"))
      << read_file(out);
  ASSERT_TRUE(wait_until([&] { return records("dlq-out").size() == 1; }, kWait, "one record in the DLQ"));
  const auto dlq = records("dlq-out");
  EXPECT_EQ(dlq[0]["key"], "k2");
  EXPECT_EQ(dlq[0]["payload"], "{not json");
  EXPECT_EQ(dlq[0]["ts"], 1700000000002);  // the original timestamp is kept
  const std::string message = json_error(registry_, "{not json");
  auto expected =
      context_headers("dlq-in", 0, 1, "dlq-sink", "VALUE_CONVERTER", kJsonConverter,
                      "org.apache.kafka.connect.errors.DataException", message,
                      "org.apache.kafka.connect.errors.DataException: " + message +
                          "\n\tat org.apache.kafka.connect.json.JsonConverter.toConnectData(dlq-sink-0)");
  expected.insert(expected.begin(), {"trace-id", "abc"});  // the original headers come first
  EXPECT_EQ(header_pairs(dlq[0]), expected);
  EXPECT_EQ(listener_.task_state(tasks[0]), State::Running);

  // The poison record's offset is committed with the others: a restart does not see it again.
  stop_connector("dlq-sink", tasks);
  EXPECT_EQ(committed("dlq-sink", config, "dlq-in"), kafka_offset(3));
}

TEST_F(ErrorsIntegration,
       ToleranceNoneFailsTheTaskAndARestartAfterFixingTheConfigResumesFromThePoisonRecord) {
  produce("strict-in",
          {{std::nullopt, R"("a")", {}, std::nullopt}, {std::nullopt, R"("b")", {}, std::nullopt}});
  start_worker();
  const auto out = dir_ / "out.txt";
  StringMap strict = json_file_sink("strict-sink", "strict-in", out.string(),
                                    {{"errors.deadletterqueue.topic.name", "strict-dlq"},
                                     {"errors.deadletterqueue.context.headers.enable", "true"}});
  const auto tasks = run_connector("strict-sink", strict);
  ASSERT_TRUE(wait_until([&] { return read_file(out) == "a\nb\n"; }, kWait, "the first records in the file"));
  produce("strict-in",
          {{std::nullopt, "{oops", {}, std::nullopt}, {std::nullopt, R"("c")", {}, std::nullopt}});
  ASSERT_TRUE(
      wait_until([&] { return listener_.task_state(tasks[0]) == State::Failed; }, kWait, "task FAILED"));
  const std::string message = json_error(registry_, "{oops");
  EXPECT_EQ(
      listener_.task_trace(tasks[0]),
      "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler: "
      "VALUE_CONVERTER "
      "with class org.apache.kafka.connect.json.JsonConverter failed for the record at topic 'strict-in', "
      "partition 0, offset 2\n\tat sluice.worker.WorkerSinkTask.convert(strict-sink-0)\nCaused by: "
      "org.apache.kafka.connect.errors.DataException: " +
          message);
  // As Kafka: the record that failed the task is in the DLQ too; nothing after it was written.
  ASSERT_TRUE(
      wait_until([&] { return records("strict-dlq").size() == 1; }, kWait, "the poison record in the DLQ"));
  EXPECT_EQ(records("strict-dlq")[0]["payload"], "{oops");
  EXPECT_EQ(read_file(out), "a\nb\n");

  stop_connector("strict-sink", tasks);
  EXPECT_EQ(committed("strict-sink", strict, "strict-in"), kafka_offset(2));

  // Fixed config: the poison record is skipped (and sent to the DLQ again); nothing is written twice.
  StringMap fixed = strict;
  fixed["errors.tolerance"] = "all";
  const auto restarted = run_connector("strict-sink", fixed);
  ASSERT_TRUE(wait_until([&] { return read_file(out) == "a\nb\nc\n"; }, kWait, "the rest of the records"))
      << read_file(out);
  ASSERT_TRUE(
      wait_until([&] { return records("strict-dlq").size() == 2; }, kWait, "the poison record again"));
  stop_connector("strict-sink", restarted);
  EXPECT_EQ(committed("strict-sink", fixed, "strict-in"), kafka_offset(4));
  EXPECT_EQ(read_file(out), "a\nb\nc\n");
}

TEST_F(ErrorsIntegration, RecordsTheSinkReportsAsErrantGoToTheDlqAtStageTaskPut) {
  produce("errant-in", {{std::nullopt, "ok1", {}, std::nullopt},
                        {std::nullopt, "bad2", {}, std::nullopt},
                        {std::nullopt, "ok3", {}, std::nullopt}});
  start_worker();
  const auto out = dir_ / "out.txt";
  const StringMap config = {{"name", "errant"},
                            {"connector.class", "ErrantSink"},
                            {"topics", "errant-in"},
                            {"file", out.string()},
                            {"errors.tolerance", "all"},
                            {"errors.deadletterqueue.topic.name", "errant-dlq"},
                            {"errors.deadletterqueue.context.headers.enable", "true"}};
  const auto tasks = run_connector("errant", config);
  ASSERT_TRUE(wait_until([&] { return read_file(out) == "ok1\nok3\n"; }, kWait, "the writable records"));
  ASSERT_TRUE(
      wait_until([&] { return records("errant-dlq").size() == 1; }, kWait, "the errant record in the DLQ"));
  const auto dlq = records("errant-dlq");
  EXPECT_EQ(dlq[0]["payload"], "bad2");
  EXPECT_EQ(header_pairs(dlq[0]),
            context_headers("errant-in", 0, 1, "errant", "TASK_PUT", "org.apache.kafka.connect.sink.SinkTask",
                            "com.example.WriteRejected", "cannot write bad2",
                            "com.example.WriteRejected: cannot write bad2\n\tat "
                            "org.apache.kafka.connect.sink.SinkTask.put(errant-0)"));
  EXPECT_EQ(listener_.task_state(tasks[0]), State::Running);
}

TEST_F(ErrorsIntegration, AnErrantRecordFailsTheTaskWithToleranceNoneNamingTheRecord) {
  produce("errant-strict-in",
          {{std::nullopt, "ok1", {}, std::nullopt}, {std::nullopt, "bad2", {}, std::nullopt}});
  start_worker();
  const StringMap config = {{"name", "errant-strict"},
                            {"connector.class", "ErrantSink"},
                            {"topics", "errant-strict-in"},
                            {"file", (dir_ / "out.txt").string()},
                            {"errors.deadletterqueue.topic.name", "errant-strict-dlq"}};
  const auto tasks = run_connector("errant-strict", config);
  ASSERT_TRUE(
      wait_until([&] { return listener_.task_state(tasks[0]) == State::Failed; }, kWait, "task FAILED"));
  EXPECT_EQ(listener_.task_trace(tasks[0]),
            "org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable "
            "exception.\n\tat sluice.worker.WorkerSinkTask.put(errant-strict-0)\nCaused by: "
            "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler: TASK_PUT "
            "with class "
            "org.apache.kafka.connect.sink.SinkTask failed for the record at topic 'errant-strict-in', "
            "partition 0, "
            "offset 1\nCaused by: com.example.WriteRejected: cannot write bad2");
  ASSERT_TRUE(
      wait_until([&] { return records("errant-strict-dlq").size() == 1; }, kWait, "the record in the DLQ"));
  EXPECT_EQ(records("errant-strict-dlq")[0]["payload"], "bad2");
  // Without context headers only the original headers are sent (none here).
  EXPECT_TRUE(header_pairs(records("errant-strict-dlq")[0]).empty());
}

TEST_F(ErrorsIntegration, HeaderConverterAndPluginTransformationFailuresAreRetriedOrSentToTheDlq) {
  produce("stages-in", {{std::nullopt, "first", {{"h", std::string("1")}}, std::nullopt},
                        {std::nullopt, "second", {{"h", std::string("{bad")}}, std::nullopt},
                        {std::nullopt, "poison", {}, std::nullopt},
                        {std::nullopt, "last", {}, std::nullopt}});
  start_worker();
  const auto out = dir_ / "out.txt";
  const StringMap config = {{"name", "stages"},
                            {"connector.class", "FileStreamSink"},
                            {"topics", "stages-in"},
                            {"file", out.string()},
                            {"header.converter", kJsonConverter},
                            {"header.converter.schemas.enable", "false"},
                            {"transforms", "flaky"},
                            {"transforms.flaky.type", "FlakyTransform"},
                            {"transforms.flaky.failures", "2"},
                            {"transforms.flaky.reject", "poison"},
                            {"errors.retry.timeout", "30000"},
                            {"errors.retry.delay.max.ms", "1000"},
                            {"errors.tolerance", "all"},
                            {"errors.deadletterqueue.topic.name", "stages-dlq"},
                            {"errors.deadletterqueue.context.headers.enable", "true"}};
  const auto tasks = run_connector("stages", config);
  // The flaky transformation's two RetriableErrors were retried (errors.retry.timeout): "first" got through.
  ASSERT_TRUE(
      wait_until([&] { return read_file(out) == "first\nlast\n"; }, kWait, "first and last in the file"))
      << read_file(out);
  ASSERT_TRUE(wait_until([&] { return records("stages-dlq").size() == 2; }, kWait, "two records in the DLQ"));
  auto dlq = records("stages-dlq");
  std::sort(dlq.begin(), dlq.end(), [](const auto& a, const auto& b) { return a["payload"] < b["payload"]; });
  ASSERT_EQ(dlq[0]["payload"], "poison");
  ASSERT_EQ(dlq[1]["payload"], "second");

  const auto poison = header_pairs(dlq[0]);
  ASSERT_EQ(poison.size(), 10u);
  const auto poison_expected =
      context_headers("stages-in", 0, 2, "stages", "TRANSFORMATION", "sluice.test.FlakyTransform",
                      "org.apache.kafka.connect.errors.DataException", "rejected poison", "");
  for (std::size_t i = 0; i + 1 < poison.size(); ++i) EXPECT_EQ(poison[i], poison_expected[i]);
  // A plugin's trace follows the head and "at" line the runtime writes.
  EXPECT_TRUE(
      poison[9].second.starts_with("org.apache.kafka.connect.errors.DataException: rejected poison\n\tat "
                                   "sluice.test.FlakyTransform.apply(stages-0)"))
      << poison[9].second;

  const std::string message = json_error(registry_, "{bad", /*header=*/true);
  auto second_expected =
      context_headers("stages-in", 0, 1, "stages", "HEADER_CONVERTER", kJsonConverter,
                      "org.apache.kafka.connect.errors.DataException", message,
                      "org.apache.kafka.connect.errors.DataException: " + message +
                          "\n\tat org.apache.kafka.connect.json.JsonConverter.toConnectHeader(stages-0)");
  second_expected.insert(second_expected.begin(), {"h", "{bad"});
  EXPECT_EQ(header_pairs(dlq[1]), second_expected);
  EXPECT_EQ(listener_.task_state(tasks[0]), State::Running);
}

}  // namespace
}  // namespace sluice::test
