// Transformation chains end to end: a Worker against `sluice dev-kafka` with the real FileStream connectors
// and the built-in SMTs and predicates, Kafka class names in the configs, and the exact bytes read back with
// kcat.

#include <gtest/gtest.h>

#include <fstream>

#include "tests/integration/transforms_fixture.hpp"

namespace sluice::test {
namespace {

using data::Value;

class TransformsIntegration : public WorkerFixture {
 protected:
  TransformsIntegration() : WorkerFixture({"events:1", "audit-log:1", "orders:1"}) {}

  // HoistField -> InsertField -> ReplaceField, then a Filter that only applies to audit-* topics.
  static StringMap chain(StringMap config) {
    const StringMap transforms = {
        {"transforms", "hoist, insert, rename, dropAudit"},
        {"transforms.hoist.type", "org.apache.kafka.connect.transforms.HoistField$Value"},
        {"transforms.hoist.field", "line"},
        {"transforms.insert.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
        {"transforms.insert.static.field", "source"},
        {"transforms.insert.static.value", "file-source"},
        {"transforms.insert.topic.field", "topic"},
        {"transforms.rename.type", "org.apache.kafka.connect.transforms.ReplaceField$Value"},
        {"transforms.rename.renames", "line:text,topic:kafka_topic"},
        {"transforms.dropAudit.type", "org.apache.kafka.connect.transforms.Filter"},
        {"transforms.dropAudit.predicate", "isAudit"},
        {"predicates", "isAudit"},
        {"predicates.isAudit.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"},
        {"predicates.isAudit.pattern", "audit-.*"}};
    config.insert(transforms.begin(), transforms.end());
    return config;
  }

  static StringMap file_source(const std::string& name, const std::string& file, const std::string& topic) {
    return {{"name", name},
            {"connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector"},
            {"tasks.max", "1"},
            {"file", file},
            {"topic", topic}};
  }
};

TEST_F(TransformsIntegration, SourceChainWithInsertReplaceAndAPredicatedFilterProducesExactJson) {
  const auto input = dir_.write("in.txt", "foo\nbar baz\n");
  start_worker({{"value.converter", "org.apache.kafka.connect.json.JsonConverter"}});
  run_connector("events-src", chain(file_source("events-src", input.string(), "events")));
  run_connector("audit-src", chain(file_source("audit-src", input.string(), "audit-log")));

  const std::string schema =
      R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"text"},)"
      R"({"type":"string","optional":true,"field":"kafka_topic"},)"
      R"({"type":"string","optional":true,"field":"source"}],"optional":false})";
  const std::vector<std::string> expected = {
      R"({"schema":)" + schema +
          R"(,"payload":{"text":"foo","kafka_topic":"events","source":"file-source"}})",
      R"({"schema":)" + schema +
          R"(,"payload":{"text":"bar baz","kafka_topic":"events","source":"file-source"}})"};
  ASSERT_TRUE(wait_until([&] { return payloads("events").size() == 2; }, kWait, "2 records in topic events"))
      << ::testing::PrintToString(payloads("events"));
  EXPECT_EQ(payloads("events"), expected);
  for (const auto& record : records("events")) EXPECT_TRUE(record["key"].is_null());

  // The audit connector read (and committed) both lines; the Filter dropped every record.
  const Value partition = Value::map({{Value::string("filename"), Value::string(input.string())}});
  ASSERT_TRUE(wait_until(
      [&] {
        return offsets_.get("audit-src", partition) ==
               Value::map({{Value::string("position"), Value::int64(12)}});
      },
      kWait, "the audit source's offset at the end of the file"));
  EXPECT_TRUE(records("audit-log").empty());
}

TEST_F(TransformsIntegration, SinkOffsetsStayWithTheOriginalTopicWhenATransformRenamesIt) {
  produce("orders", {{std::nullopt, "a", {}, std::nullopt},
                     {std::nullopt, "b", {}, std::nullopt},
                     {std::nullopt, "c", {}, std::nullopt}});
  start_worker();
  const auto out = dir_ / "out.txt";
  const StringMap sink = {{"name", "route-sink"},
                          {"connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector"},
                          {"topics", "orders"},
                          {"file", out.string()},
                          {"transforms", "route"},
                          {"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"},
                          {"transforms.route.regex", "(.*)"},
                          {"transforms.route.replacement", "archive-$1"}};
  const auto tasks = run_connector("route-sink", sink);
  ASSERT_TRUE(wait_until([&] { return read_file(out) == "a\nb\nc\n"; }, kWait, "the records in the file"));
  stop_connector("route-sink", tasks);
  // Committed against orders-0 (where the records were read), not archive-orders.
  const auto committed = worker_->connector_offsets("route-sink", sink);
  ASSERT_EQ(committed.size(), 1u);
  EXPECT_EQ(committed[0].partition, Value::map({{Value::string("kafka_topic"), Value::string("orders")},
                                                {Value::string("kafka_partition"), Value::int32(0)}}));
  EXPECT_EQ(committed[0].offset, Value::map({{Value::string("kafka_offset"), Value::int64(3)}}));
  EXPECT_EQ(worker_->active_topics("route-sink"), (std::set<std::string>{"orders"}));
}

TEST_F(TransformsIntegration, ABadTransformationConfigFailsTheTaskNamingTheKey) {
  const auto input = dir_.write("in.txt", "x\n");
  start_worker();
  StringMap config = file_source("bad-src", input.string(), "events");
  config["transforms"] = "hoist";
  config["transforms.hoist.type"] = "org.apache.kafka.connect.transforms.HoistField";
  const auto tasks = run_connector("bad-src", config, /*wait_running=*/false);
  ASSERT_TRUE(
      wait_until([&] { return listener_.task_state(tasks[0]) == State::Failed; }, kWait, "task FAILED"));
  EXPECT_EQ(
      listener_.task_trace(tasks[0]),
      "org.apache.kafka.common.config.ConfigException: Invalid value class "
      "org.apache.kafka.connect.transforms.HoistField for configuration transforms.hoist.type: "
      "Transformation is "
      "abstract and cannot be created. Did you mean org.apache.kafka.connect.transforms.HoistField$Key, "
      "org.apache.kafka.connect.transforms.HoistField$Value?\n\tat "
      "sluice.worker.WorkerSourceTask.initialize(bad-src-0)");
}

}  // namespace
}  // namespace sluice::test
