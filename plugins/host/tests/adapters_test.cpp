// Round trips through the good fixture: every adapter, the data conversion both ways, the host API
// (logging prefix, contexts, errant reporter) and the failure mapping.

#include "plugins/host/registry.hpp"

#include "core/common/errors.hpp"
#include "core/data/schema.hpp"
#include "plugins/host/host_api.hpp"
#include "plugins/host/tests/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace sluice::host {
namespace {

using data::Value;
using testing::fixture_dir;

class HostAdapters : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto report = registry_.load_plugin_path(fixture_dir("good"));
    ASSERT_EQ(report.loaded, 1u);
  }

  testing::LogCapture logs_;
  PluginRegistry registry_;
};

Value string_map(std::vector<std::pair<std::string, Value>> entries) {
  Value::Map map;
  for (auto& [k, v] : entries) map.emplace_back(Value::string(k), std::move(v));
  return Value::map(std::move(map));
}

// ---- converters ----------------------------------------------------------------------------------------

TEST_F(HostAdapters, ConverterRoundTripsValues) {
  auto converter = registry_.create_converter("GoodConverter");
  converter->configure({{"some.key", "x"}, {"null.key", std::nullopt}}, false);

  EXPECT_EQ(converter->from_connect("t", nullptr, data::Schema::optional_string(), Value::string("hello")),
            "s:hello");
  EXPECT_EQ(converter->from_connect("t", nullptr, data::Schema::int64(), Value::int64(-42)), "i:-42");
  EXPECT_EQ(converter->from_connect("t", nullptr, data::Schema::int8(), Value::int8(7)), "i:7");
  EXPECT_EQ(converter->from_connect("t", nullptr, nullptr, Value::boolean(true)), "b:true");
  EXPECT_EQ(converter->from_connect("t", nullptr, nullptr, Value::bytes(std::string("a\0b", 3))),
            std::string("x:a\0b", 5));
  EXPECT_EQ(converter->from_connect("t", nullptr, data::Schema::optional_string(), Value()), std::nullopt);

  const auto text = converter->to_connect("t", nullptr, std::string_view("s:hello"));
  ASSERT_NE(text.schema, nullptr);
  EXPECT_EQ(*text.schema, *data::Schema::optional_string());
  EXPECT_EQ(text.value, Value::string("hello"));

  const auto number = converter->to_connect("t", nullptr, std::string_view("i:-42"));
  EXPECT_EQ(*number.schema, *data::Schema::optional_int64());
  EXPECT_EQ(number.value, Value::int64(-42));

  const auto bytes = converter->to_connect("t", nullptr, std::string_view("x:a\0b", 5));
  EXPECT_EQ(*bytes.schema, *data::Schema::optional_bytes());
  EXPECT_EQ(bytes.value, Value::bytes(std::string("a\0b", 3)));

  const auto null = converter->to_connect("t", nullptr, std::nullopt);
  EXPECT_EQ(null.schema, nullptr);
  EXPECT_TRUE(null.value.is_null());
}

TEST_F(HostAdapters, ConverterFailuresBecomeDataErrorsWithThePluginsMessageAndClass) {
  auto converter = registry_.create_converter("GoodConverter");
  converter->configure({}, true);
  auto schema = data::SchemaBuilder::structure().field("a", data::Schema::int32()).build();
  data::Struct value(schema);
  value.put("a", Value::int32(1));
  try {
    converter->from_connect("t", nullptr, schema, Value::structure(value));
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(), "GoodConverter cannot serialize values of type 12");
    EXPECT_STREQ(e.java_class(), "org.apache.kafka.connect.errors.DataException");
  }
  try {
    converter->to_connect("t", nullptr, std::string_view("garbage"));
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(), "Unrecognized encoding: garbage");
  }
}

TEST_F(HostAdapters, HeaderConverterUsesTheSameClassName) {
  auto converter = registry_.create_header_converter("GoodConverter");
  converter->configure({});
  EXPECT_EQ(converter->from_connect("t", "h", data::Schema::int32(), Value::int32(5)), "i:5");
  const auto back = converter->to_connect("t", "h", std::string_view("b:false"));
  EXPECT_EQ(*back.schema, *data::Schema::optional_boolean());
  EXPECT_EQ(back.value, Value::boolean(false));
}

// ---- transformation, predicate, config provider --------------------------------------------------------

data::ConnectRecord sample_record(const std::string& value) {
  data::ConnectRecord r;
  r.topic = "orders";
  r.partition = 3;
  r.key_schema = data::Schema::string();
  r.key = Value::string("k1");
  r.value_schema = data::Schema::string();
  r.value = Value::string(value);
  r.timestamp = 1234;
  r.headers.add("h", data::Schema::int32(), Value::int32(9));
  return r;
}

TEST_F(HostAdapters, TransformationRewritesTheRecordInPlace) {
  auto transform = registry_.create_transformation("GoodTransform");
  transform->configure({{"suffix", "-x"}});
  auto record = sample_record("v1");
  ASSERT_TRUE(transform->apply(record));
  EXPECT_EQ(record.topic, "orders-x");
  EXPECT_EQ(record.partition, 3);
  EXPECT_EQ(record.key, Value::string("k1"));
  EXPECT_EQ(*record.key_schema, *data::Schema::string());
  EXPECT_EQ(record.value, Value::string("v1"));
  EXPECT_EQ(record.timestamp, 1234);
  ASSERT_EQ(record.headers.size(), 2u);
  EXPECT_EQ(record.headers.items()[0].key, "h");
  EXPECT_EQ(*record.headers.items()[0].schema, *data::Schema::int32());
  EXPECT_EQ(record.headers.items()[0].value, Value::int32(9));
  // The header comes from the plugin's private helper library, loaded through RUNPATH $ORIGIN.
  const auto* helper = record.headers.last_with_name("helper");
  ASSERT_NE(helper, nullptr);
  EXPECT_EQ(helper->value, Value::string("hello from helper"));
  EXPECT_EQ(helper->schema, nullptr);

  auto dropped = sample_record("drop");
  EXPECT_FALSE(transform->apply(dropped));
  EXPECT_EQ(dropped.topic, "orders");
}

TEST_F(HostAdapters, TransformationKeepsSourceFieldsOfASourceRecord) {
  auto transform = registry_.create_transformation("org.sluice.fixture.GoodTransform");
  transform->configure({});
  data::SourceRecord record;
  static_cast<data::ConnectRecord&>(record) = sample_record("v");
  record.source_partition = string_map({{"file", Value::string("f")}});
  record.source_offset = string_map({{"position", Value::int64(4)}});
  ASSERT_TRUE(transform->apply(record));
  EXPECT_EQ(record.topic, "orders-good");
  EXPECT_EQ(record.source_offset, string_map({{"position", Value::int64(4)}}));
}

TEST_F(HostAdapters, PredicateTestsRecords) {
  auto predicate = registry_.create_predicate("GoodPredicate");
  predicate->configure({{"prefix", "ord"}});
  EXPECT_TRUE(predicate->test(sample_record("v")));
  auto other = sample_record("v");
  other.topic = "users";
  EXPECT_FALSE(predicate->test(other));
  // The ABI config table became a ConfigDef with the declared validators.
  const auto results = predicate->config_def().validate({{"prefix", ""}});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].errors,
            std::vector<std::string>{"Invalid value  for configuration prefix: String must be "
                                     "non-empty"});
}

TEST_F(HostAdapters, ConfigProviderReturnsValuesAndTtl) {
  auto provider = registry_.create_config_provider("good");
  provider->configure({});
  const auto some = provider->get("secrets", {"user", "password"});
  EXPECT_EQ(some.values,
            (std::map<std::string, std::string>{{"password", "secrets/password"}, {"user", "secrets/user"}}));
  EXPECT_EQ(some.ttl_ms, std::nullopt);
  const auto all = provider->get("ttl", {});
  EXPECT_EQ(all.values, (std::map<std::string, std::string>{{"all", "ttl"}}));
  EXPECT_EQ(all.ttl_ms, 1000);
}

// ---- connectors ----------------------------------------------------------------------------------------

TEST_F(HostAdapters, SourceConnectorLifecycleAndTaskConfigs) {
  testing::TestConnectorContext ctx;
  auto connector = registry_.create_connector("GoodSource", ctx);
  EXPECT_EQ(connector->type(), api::ConnectorType::Source);
  EXPECT_EQ(connector->version(), "2.1.0");
  connector->start({{"topic", "events"}, {"reconfigure", "true"}, {"raise", "true"}});
  EXPECT_TRUE(logs_.contains("[good-connector|worker] source connector started for topic events"));
  EXPECT_EQ(ctx.reconfigurations, 1);
  EXPECT_EQ(ctx.errors, std::vector<std::string>{"connector raised an error"});
  EXPECT_EQ(connector->task_configs(5),
            (std::vector<api::StringMap>{{{"task.id", "0"}, {"topic", "events"}},
                                         {{"task.id", "1"}, {"topic", "events"}}}));
  EXPECT_EQ(connector->task_configs(1).size(), 1u);
  connector->stop();
}

TEST_F(HostAdapters, ConnectorValidateAndAlterOffsets) {
  testing::TestConnectorContext ctx;
  auto connector = registry_.create_connector("org.sluice.fixture.GoodSourceConnector", ctx);
  const auto issues = connector->validate({{"topic", "a b"}});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].key, "topic");
  EXPECT_EQ(issues[0].message, "Topic names cannot contain spaces");
  EXPECT_TRUE(connector->validate({{"topic", "ab"}}).empty());

  const Value partition = string_map({{"file", Value::string("f")}});
  EXPECT_TRUE(connector->alter_offsets(
      {}, {{partition, string_map({{"position", Value::int64(3)}})}, {partition, Value()}}));
  try {
    connector->alter_offsets({}, {{partition, string_map({{"pos", Value::int64(3)}})}});
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(e.what(), "Offset objects should either be null or contain the key 'position'");
  }
  // Without alter_offsets in the vtable, Kafka's default answer: the framework handles it.
  testing::TestConnectorContext sink_ctx;
  auto sink = registry_.create_connector("GoodSink", sink_ctx);
  EXPECT_EQ(sink->type(), api::ConnectorType::Sink);
  EXPECT_FALSE(sink->alter_offsets({}, {}));
  EXPECT_TRUE(sink->validate({}).empty());
}

TEST_F(HostAdapters, ConnectorConfigDefComesFromTheAbiTable) {
  testing::TestConnectorContext ctx;
  auto connector = registry_.create_connector("GoodSource", ctx);
  const auto& def = connector->config_def();
  ASSERT_EQ(def.keys().size(), 5u);
  const auto* topic = def.find("topic");
  ASSERT_NE(topic, nullptr);
  EXPECT_EQ(topic->type, config::Type::String);
  EXPECT_FALSE(topic->has_default);
  EXPECT_EQ(topic->importance, config::Importance::High);
  EXPECT_EQ(topic->documentation, "The topic to publish data to");
  const auto* batch = def.find("batch.size");
  ASSERT_NE(batch, nullptr);
  EXPECT_EQ(batch->type, config::Type::Int);
  EXPECT_EQ(batch->default_value, "3");
  EXPECT_EQ(batch->group, "Tuning");
  EXPECT_EQ(batch->order_in_group, 1);
  EXPECT_EQ(batch->width, config::Width::Short);
  EXPECT_EQ(batch->display_name, "Batch size");
  EXPECT_EQ(def.find("mode")->dependents, std::vector<std::string>{"batch.size"});
  EXPECT_EQ(def.find("secret")->type, config::Type::Password);

  std::map<std::string, std::vector<std::string>> errors;
  for (const auto& r : def.validate({{"batch.size", "0"}, {"mode", "medium"}, {"host", "localhost"}})) {
    errors[r.name] = r.errors;
  }
  EXPECT_EQ(errors["topic"],
            std::vector<std::string>{"Missing required configuration \"topic\" which has no default value."});
  EXPECT_EQ(
      errors["batch.size"],
      std::vector<std::string>{"Invalid value 0 for configuration batch.size: Value must be at least 1"});
  EXPECT_EQ(errors["mode"],
            std::vector<std::string>{
                "Invalid value medium for configuration mode: String must be one of: fast, slow"});
  EXPECT_EQ(errors["host"], std::vector<std::string>{
                                "Invalid value localhost for configuration host: localhost is not allowed"});
  EXPECT_TRUE(def.validate({{"topic", "t"}, {"batch.size", "100"}})[1].errors.empty());
  EXPECT_EQ(def.validate({{"topic", "t"}, {"batch.size", "101"}})[1].errors,
            std::vector<std::string>{
                "Invalid value 101 for configuration batch.size: Value must be no more than 100"});
}

TEST_F(HostAdapters, FailedCallsMapToTheErrorKindThePluginSet) {
  testing::TestConnectorContext ctx;
  auto connector = registry_.create_connector("GoodSource", ctx);
  try {
    connector->start({{"fail", "data"}});
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(), "start failed as requested");
    EXPECT_STREQ(e.java_class(), "org.apache.kafka.connect.errors.DataException");
  }
  try {
    connector->start({{"fail", "retriable"}});
    FAIL() << "expected RetriableError";
  } catch (const RetriableError& e) {
    EXPECT_STREQ(e.what(), "source system is busy");
    EXPECT_STREQ(e.java_class(), "org.apache.kafka.connect.errors.RetriableException");
  }
  try {
    connector->start({{"fail", "silent"}});
    FAIL() << "expected ConnectError";
  } catch (const RetriableError&) {
    FAIL() << "a FATAL status without a kind is not retriable";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(
        e.what(),
        "start() of plugin class org.sluice.fixture.GoodSourceConnector failed with status FATAL and no "
        "error message");
    EXPECT_STREQ(e.java_class(), "org.apache.kafka.connect.errors.ConnectException");
  }
}

// ---- source task ---------------------------------------------------------------------------------------

TEST_F(HostAdapters, SourceTaskPollsCommitsRecordsAndReleasesTheBatch) {
  testing::TestSourceTaskContext ctx;
  const Value partition = string_map({{"file", Value::string("fixture")}});
  ctx.offsets.emplace_back(partition, string_map({{"position", Value::int64(10)}}));
  auto task = registry_.create_source_task("GoodSource", ctx);
  task->start({{"topic", "events"}, {"batch.size", "3"}});
  EXPECT_TRUE(logs_.contains("[good-source|task-0] source task starting at position 10 (stored)"));

  auto records = task->poll();
  ASSERT_EQ(records.size(), 3u);
  const auto& first = records[0];
  EXPECT_EQ(first.topic, "events");
  EXPECT_EQ(first.partition, std::nullopt);
  EXPECT_EQ(*first.key_schema, *data::Schema::string());
  EXPECT_EQ(first.key, Value::string("key-10"));
  ASSERT_NE(first.value_schema, nullptr);
  const auto expected_schema = data::SchemaBuilder::structure()
                                   .name("org.sluice.fixture.Row")
                                   .version(2)
                                   .doc("A row of the fixture")
                                   .parameter("origin", "good-fixture")
                                   .field("id", data::Schema::int64())
                                   .field("name", data::Schema::optional_string())
                                   .build();
  EXPECT_EQ(*first.value_schema, *expected_schema);
  data::Struct row(expected_schema);
  row.put("id", Value::int64(10));
  row.put("name", Value::string("name-10"));
  EXPECT_EQ(first.value, Value::structure(row));
  EXPECT_EQ(first.timestamp, 1700000000010);
  ASSERT_EQ(first.headers.size(), 1u);
  EXPECT_EQ(first.headers.items()[0].key, "source");
  EXPECT_EQ(first.headers.items()[0].value, Value::string("good"));
  EXPECT_EQ(first.source_partition, partition);
  EXPECT_EQ(first.source_offset, string_map({{"position", Value::int64(11)}}));
  EXPECT_EQ(records[2].key, Value::string("key-12"));
  // Records of one batch share one imported schema.
  EXPECT_EQ(records[0].value_schema, records[2].value_schema);

  api::RecordMetadata md{"events", 0, 100, 5};
  task->commit_record(records[0], &md);
  // A copy (as a transform chain makes) maps back to the same plugin record.
  data::SourceRecord copy = records[1];
  copy.topic = "renamed";
  task->commit_record(copy, nullptr);
  EXPECT_TRUE(logs_.contains("[good-source|task-0] committed key-10 events-0@100"));
  EXPECT_TRUE(logs_.contains("[good-source|task-0] committed key-11 dropped"));
  EXPECT_FALSE(logs_.contains("[good-source|task-0] released batch 0 after 2 commits"));
  // A second commit of the same record is not passed on again.
  task->commit_record(records[0], &md);
  EXPECT_FALSE(logs_.contains("[good-source|task-0] released batch 0 after 3 commits"));

  md.offset = 102;
  task->commit_record(records[2], &md);
  EXPECT_TRUE(logs_.contains("[good-source|task-0] committed key-12 events-0@102"));
  EXPECT_TRUE(logs_.contains("[good-source|task-0] released batch 0 after 3 commits"));

  // Offsets keep counting from where the first batch ended.
  auto second = task->poll();
  ASSERT_EQ(second.size(), 3u);
  EXPECT_EQ(second[0].key, Value::string("key-13"));
  // Records dropped by the runtime without commit: the batch goes back when the last one is gone.
  second.clear();
  EXPECT_TRUE(logs_.contains("[good-source|task-0] released batch 1 after 3 commits"));

  // Outstanding batches go back before the instance is destroyed, even if records outlive the task.
  auto third = task->poll();
  ASSERT_EQ(third.size(), 3u);
  task->stop();
  task.reset();
  EXPECT_TRUE(logs_.contains("[good-source|task-0] released batch 2 after 3 commits"));
  third.clear();
}

TEST_F(HostAdapters, SourceTaskBatchFlaggedNoCommitRecordGoesBackOnceRead) {
  testing::TestSourceTaskContext ctx;
  auto task = registry_.create_source_task("GoodSource", ctx);
  task->start({{"topic", "events"}, {"batch.size", "3"}, {"batch.flags", "1"}});  // SLUICE_BATCH_NO_COMMIT_RECORD
  auto records = task->poll();
  ASSERT_EQ(records.size(), 3u);
  // Handed back to the plugin before any acknowledgement; the imported records keep their content.
  EXPECT_TRUE(logs_.contains("[good-source|task-0] released batch 0 after 0 commits"));
  for (const auto& r : records) {
    EXPECT_FALSE(task->needs_commit_record(r));
    EXPECT_EQ(r.origin, nullptr);
  }
  EXPECT_EQ(records[2].key, Value::string("key-2"));
  EXPECT_EQ(records[2].source_offset, string_map({{"position", Value::int64(3)}}));
  const Value partition = string_map({{"file", Value::string("fixture")}});
  EXPECT_EQ(records[0].source_partition, partition);
  // Records of one source partition share one imported partition value, across batches too.
  EXPECT_TRUE(records[0].source_partition.same(records[2].source_partition));
  auto second = task->poll();
  ASSERT_EQ(second.size(), 3u);
  EXPECT_TRUE(logs_.contains("[good-source|task-0] released batch 1 after 0 commits"));
  EXPECT_TRUE(second[0].source_partition.same(records[0].source_partition));
  task->stop();
}

TEST_F(HostAdapters, SourceTaskBatchFlagsOfAnAbi10PluginAreNotRead) {
  testing::TestSourceTaskContext ctx;
  auto task = registry_.create_source_task("GoodSource", ctx);
  // The flag bit is set, but the batch's struct_size ends before the field: the batch is kept as in ABI 1.0.
  task->start({{"topic", "events"}, {"batch.size", "2"}, {"batch.flags", "1"}, {"batch.abi", "1.0"}});
  auto records = task->poll();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_FALSE(logs_.contains("[good-source|task-0] released batch 0 after 0 commits"));
  api::RecordMetadata md{"events", 0, 7, 5};
  for (const auto& r : records) {
    EXPECT_TRUE(task->needs_commit_record(r));
    task->commit_record(r, &md);
  }
  EXPECT_TRUE(logs_.contains("[good-source|task-0] released batch 0 after 2 commits"));
  task->stop();
}

TEST_F(HostAdapters, SourceTaskRecordsCommittedOnAnotherThreadWhilePolling) {
  testing::TestSourceTaskContext ctx;
  auto task = registry_.create_source_task("GoodSource", ctx);
  task->start({{"topic", "events"}, {"batch.size", "4"}});
  constexpr int kBatches = 20;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<data::SourceRecord> queue;
  bool done = false;
  // Plays the producer's delivery thread: acknowledges records in the order they were handed over.
  std::thread acker([&] {
    int acked = 0;
    while (true) {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return done || !queue.empty(); });
      if (queue.empty()) return;
      auto record = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      api::RecordMetadata md{"events", 0, acked++, 0};
      task->commit_record(record, &md);
    }
  });
  for (int i = 0; i < kBatches; ++i) {
    auto records = task->poll();
    ASSERT_EQ(records.size(), 4u);
    std::lock_guard lock(mu);
    for (auto& r : records) queue.push_back(std::move(r));
    cv.notify_one();
  }
  {
    std::lock_guard lock(mu);
    done = true;
  }
  cv.notify_one();
  acker.join();
  for (int i = 0; i < kBatches; ++i) {
    const auto lines = logs_.lines();
    const std::string prefix = "[good-source|task-0] released batch " + std::to_string(i) + " after ";
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                            [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }),
              1)
        << "batch " << i;
  }
  EXPECT_TRUE(logs_.contains("[good-source|task-0] committed key-79 events-0@79"));
}

TEST_F(HostAdapters, SourceTaskRequestStopMakesPollReturnNothing) {
  testing::TestSourceTaskContext ctx;
  auto task = registry_.create_source_task("GoodSource", ctx);
  task->start({{"topic", "events"}, {"batch.size", "2"}});
  EXPECT_TRUE(logs_.contains("[good-source|task-0] source task starting at position 0 (new)"));
  EXPECT_EQ(task->poll().size(), 2u);
  task->request_stop();
  EXPECT_TRUE(task->poll().empty());
  task->commit();  // no commit callback: nothing to do
}

TEST_F(HostAdapters, SourceTaskStopFlagFromTheRuntimeContext) {
  testing::TestSourceTaskContext ctx;
  auto task = registry_.create_source_task("GoodSource", ctx);
  task->start({{"topic", "events"}});
  ctx.stopping = true;
  EXPECT_TRUE(task->poll().empty());
}

TEST_F(HostAdapters, SourceTaskStartFailureIsAConfigError) {
  testing::TestSourceTaskContext ctx;
  auto task = registry_.create_source_task("GoodSource", ctx);
  EXPECT_THROW(
      {
        try {
          task->start({});
        } catch (const ConfigError& e) {
          EXPECT_STREQ(e.what(), "Missing required configuration \"topic\"");
          throw;
        }
      },
      ConfigError);
}

// ---- sink task -----------------------------------------------------------------------------------------

data::SinkRecord sink_record(const std::string& topic, int32_t partition, int64_t offset, Value value) {
  data::SinkRecord r;
  r.topic = topic;
  r.partition = partition;
  r.key_schema = data::Schema::optional_string();
  r.key = Value::string("k" + std::to_string(offset));
  r.value = std::move(value);
  r.timestamp = 1000 + offset;
  r.timestamp_type = data::TimestampType::LogAppendTime;
  r.kafka_offset = offset;
  r.original_topic = topic;
  r.original_partition = partition;
  r.original_kafka_offset = offset;
  return r;
}

TEST_F(HostAdapters, SinkTaskPutsRecordsAndPreCommitsWhatItWrote) {
  testing::TestSinkTaskContext ctx;
  ctx.assigned = {{"t", 0}, {"t", 1}};
  auto task = registry_.create_sink_task("GoodSink", ctx);
  task->start({{"topics", "t"}});
  task->open({{"t", 0}, {"t", 1}});
  EXPECT_TRUE(logs_.contains("[good-sink|task-1] open t-0,t-1"));

  auto first = sink_record("t", 0, 5, Value::int32(5));
  first.headers.add("h", nullptr, Value::string("x"));
  auto schema = data::SchemaBuilder::structure().field("n", data::Schema::int64()).build();
  data::Struct s(schema);
  s.put("n", Value::int64(6));
  task->put({first, sink_record("t", 0, 6, Value::structure(s))});
  EXPECT_TRUE(logs_.contains("[good-sink|task-1] put t-0@5 key=\"k5\" value=5 ts=1005/2 headers=h=\"x\""));
  EXPECT_TRUE(logs_.contains("[good-sink|task-1] put t-0@6 key=\"k6\" value={n=6} ts=1006/2 headers="));
  EXPECT_TRUE(logs_.contains("[good-sink|task-1] assignment t-0,t-1"));

  const auto committable = task->pre_commit({{{"t", 0}, 7}, {{"t", 1}, 3}});
  EXPECT_EQ(committable, (std::map<api::TopicPartition, std::int64_t>{{{"t", 0}, 7}}));

  task->put({sink_record("t", 1, 9, Value::string("pause"))});
  EXPECT_EQ(ctx.paused, (std::vector<api::TopicPartition>{{"t", 1}}));
  task->put({sink_record("t", 1, 10, Value::string("context"))});
  EXPECT_EQ(ctx.seeks, (std::vector<std::pair<api::TopicPartition, std::int64_t>>{{{"t", 1}, 9}}));
  EXPECT_EQ(ctx.timeout, 250);
  EXPECT_EQ(ctx.resumed, (std::vector<api::TopicPartition>{{"t", 1}}));
  EXPECT_EQ(ctx.commit_requests, 1);
  task->close({{"t", 1}});
  EXPECT_TRUE(logs_.contains("[good-sink|task-1] close t-1"));
  task->stop();
}

TEST_F(HostAdapters, SinkTaskWithoutPreCommitFlushesAndCommitsCurrentOffsets) {
  testing::TestSinkTaskContext ctx;
  auto task = registry_.create_sink_task("FlushingSink", ctx);
  task->start({});
  task->open({{"t", 0}});  // no open callback: nothing happens
  const std::map<api::TopicPartition, std::int64_t> current{{{"t", 0}, 7}, {{"u", 2}, 1}};
  EXPECT_EQ(task->pre_commit(current), current);
  EXPECT_TRUE(logs_.contains("[good-sink|task-1] flush t-0@7,u-2@1"));
}

TEST_F(HostAdapters, SinkTaskErrantRecordsMapBackToTheRuntimesRecord) {
  testing::TestSinkTaskContext ctx;
  auto task = registry_.create_sink_task("GoodSink", ctx);
  task->start({});
  auto errant = sink_record("renamed", 2, 41, Value::string("errant"));
  errant.original_topic = "source-topic";
  errant.original_partition = 7;
  errant.original_kafka_offset = 40;
  task->put({sink_record("t", 0, 1, Value::string("fine")), errant});
  ASSERT_EQ(ctx.errant.size(), 1u);
  EXPECT_EQ(ctx.errant[0].error_class, "org.sluice.fixture.BadRecord");
  EXPECT_EQ(ctx.errant[0].message, "record is errant");
  EXPECT_EQ(ctx.errant[0].record.original_topic, "source-topic");
  EXPECT_EQ(ctx.errant[0].record.original_partition, 7);
  EXPECT_EQ(ctx.errant[0].record.original_kafka_offset, 40);
  EXPECT_EQ(ctx.errant[0].record.value, Value::string("errant"));

  ctx.tolerate = false;
  try {
    task->put({errant});
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(e.what(), "errant record was not tolerated");
  }
}

TEST_F(HostAdapters, SinkTaskRetriableAndSilentFailures) {
  testing::TestSinkTaskContext ctx;
  auto task = registry_.create_sink_task("GoodSink", ctx);
  task->start({});
  try {
    task->put({sink_record("t", 0, 1, Value::string("retry"))});
    FAIL() << "expected RetriableError";
  } catch (const RetriableError& e) {
    EXPECT_STREQ(e.what(), "target temporarily unavailable");
  }
  try {
    task->put({sink_record("t", 0, 1, Value::string("fail-silently"))});
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(
        e.what(),
        "put() of plugin class org.sluice.fixture.GoodSinkConnector failed with status FATAL and no error "
        "message");
  }
}

// ---- a plugin built with the C++ SDK ----------------------------------------------------------------

TEST(HostSdkPlugin, ExceptionsThrownInStartComeBackWithTheirMessage) {
  PluginRegistry registry;
  ASSERT_EQ(registry.load_plugin_path(fixture_dir("throwing")).loaded, 1u);
  testing::TestConnectorContext ctx;
  auto connector = registry.create_connector("ThrowingSource", ctx);
  try {
    connector->start({});
    FAIL() << "expected ConnectError";
  } catch (const RetriableError&) {
    FAIL() << "a plain exception is not retriable";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(e.what(), "cannot reach upstream at 127.0.0.1:9: connection refused");
    // The SDK names a non-Connect exception by its C++ type.
    EXPECT_STREQ(e.java_class(), "std::runtime_error");
  }
  testing::TestSourceTaskContext task_ctx;
  auto task = registry.create_source_task("org.sluice.fixture.ThrowingSourceConnector", task_ctx);
  try {
    task->start({});
    FAIL() << "expected RetriableError";
  } catch (const RetriableError& e) {
    EXPECT_STREQ(e.what(), "upstream is busy");
    EXPECT_STREQ(e.java_class(), "org.apache.kafka.connect.errors.RetriableException");
  }
}

// ---- host API details ----------------------------------------------------------------------------------

TEST(HostApi, DescribesTheHostAndIgnoresCallsOnTheWrongContext) {
  const sluice_host_api* api = host_api();
  EXPECT_EQ(api->struct_size, sizeof(sluice_host_api));
  EXPECT_EQ(api->abi_major, SLUICE_ABI_VERSION_MAJOR);
  EXPECT_EQ(api->abi_minor, SLUICE_ABI_VERSION_MINOR);
  sluice_context ctx;
  ctx.class_name = "org.example.Converter";
  // Sink and connector functions on a converter's context are ignored, not crashes.
  api->sink_pause(&ctx, "t", 0);
  api->request_task_reconfiguration(&ctx);
  EXPECT_EQ(api->sink_assignment(&ctx, nullptr, 0), 0u);
  EXPECT_EQ(api->errant_record_report(&ctx, nullptr, nullptr, nullptr), SLUICE_FATAL);
  EXPECT_EQ(api->is_stopping(&ctx), 0);
  ctx.stop_requested = true;
  EXPECT_EQ(api->is_stopping(&ctx), 1);
}

TEST(HostApi, CallErrorKeepsTheLastSetAndMapsKinds) {
  CallError err;
  err.get()->set(err.get(), SLUICE_ERROR_DATA, "x.Y", "first", nullptr);
  err.get()->set(err.get(), SLUICE_ERROR_CONFIG, nullptr, "second", "trace text");
  try {
    err.raise(SLUICE_FATAL, "configure", "org.example.C");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "second");
    EXPECT_STREQ(e.java_class(), "org.apache.kafka.common.config.ConfigException");
    const auto* plugin_error = dynamic_cast<const PluginError<ConfigError>*>(&e);
    ASSERT_NE(plugin_error, nullptr);
    EXPECT_EQ(plugin_error->trace(), "trace text");
  }
  CallError silent;
  try {
    silent.raise(7, "poll", "org.example.Source");
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(e.what(),
                 "poll() of plugin class org.example.Source failed with status 7 and no error message");
  }
}

}  // namespace
}  // namespace sluice::host
