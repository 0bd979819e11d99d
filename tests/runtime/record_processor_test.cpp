#include "core/worker/record_processor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "core/common/errors.hpp"
#include "core/convert/builtins.hpp"
#include "core/transforms/builtins.hpp"
#include "core/worker/failure_trace.hpp"
#include "plugins/host/registry.hpp"

namespace sluice::worker {
namespace {

using namespace std::chrono_literals;
using data::Schema;
using data::Value;

const config::ConfigDef& empty_def() {
  static const config::ConfigDef def;
  return def;
}

// Upper-cases a string value; "drop=true" drops every record.
class Upper final : public api::Transformation {
 public:
  void configure(const config::RawConfig& config) override {
    const auto it = config.find("drop");
    drop_ = it != config.end() && it->second == "true";
  }
  bool apply(data::ConnectRecord& record) override {
    if (drop_) return false;
    std::string s = record.value.as_string();
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    record.value = Value::string(s);
    return true;
  }
  const config::ConfigDef& config_def() const override { return empty_def(); }

 private:
  bool drop_ = false;
};

// The record's topic equals "pattern".
class TopicIs final : public api::Predicate {
 public:
  void configure(const config::RawConfig& config) override { topic_ = config.at("pattern").value_or(""); }
  bool test(const data::ConnectRecord& record) override { return record.topic == topic_; }
  const config::ConfigDef& config_def() const override { return empty_def(); }

 private:
  std::string topic_;
};

// Throws RetriableError on its first `failures` calls (shared count), then passes records through.
int flaky_calls = 0;
class Flaky final : public api::Transformation {
 public:
  void configure(const config::RawConfig& config) override {
    failures_ = std::stoi(config.at("failures").value());
  }
  bool apply(data::ConnectRecord&) override {
    if (++flaky_calls <= failures_) throw RetriableError("flaky " + std::to_string(flaky_calls));
    return true;
  }
  const config::ConfigDef& config_def() const override { return empty_def(); }

 private:
  int failures_ = 0;
};

class Boom final : public api::Transformation {
 public:
  void configure(const config::RawConfig&) override {}
  bool apply(data::ConnectRecord&) override { throw DataError("boom"); }
  const config::ConfigDef& config_def() const override { return empty_def(); }
};

template <typename T>
api::BuiltinPlugin test_plugin(std::string name, api::PluginKind kind) {
  api::BuiltinPlugin plugin;
  plugin.info = {"test." + name, {name}, kind, "", "builtin", "", &empty_def()};
  if constexpr (std::is_base_of_v<api::Transformation, T>) {
    plugin.make_transformation = [] { return std::unique_ptr<api::Transformation>(std::make_unique<T>()); };
  } else {
    plugin.make_predicate = [] { return std::unique_ptr<api::Predicate>(std::make_unique<T>()); };
  }
  return plugin;
}

config::RawConfig raw(const StringMap& config) {
  config::RawConfig out;
  for (const auto& [k, v] : config) out.emplace(k, v);
  return out;
}

class RecordProcessing : public ::testing::Test {
 protected:
  RecordProcessing() {
    for (auto& plugin : convert::builtin_converters()) registry_.register_builtin(std::move(plugin));
    for (auto& plugin : transforms::builtin_transformations()) registry_.register_builtin(std::move(plugin));
    registry_.register_builtin(test_plugin<Upper>("Upper", api::PluginKind::Transformation));
    registry_.register_builtin(test_plugin<Flaky>("Flaky", api::PluginKind::Transformation));
    registry_.register_builtin(test_plugin<Boom>("Boom", api::PluginKind::Transformation));
    registry_.register_builtin(test_plugin<TopicIs>("TopicIs", api::PluginKind::Predicate));
    flaky_calls = 0;
  }

  // Converters and chain for `connector`, with JSON (schemas disabled) as the worker's converters.
  void setup(const StringMap& connector, ErrorTolerance tolerance,
             std::chrono::milliseconds retry_timeout = 0ms) {
    const WorkerConfig worker({{"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
                               {"key.converter.schemas.enable", "false"},
                               {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                               {"value.converter.schemas.enable", "false"},
                               {"offset.storage.file.filename", "/tmp/unused.offsets"}},
                              WorkerMode::Standalone);
    converters_ = make_converters(registry_, worker, connector);
    chain_ = transforms::build_transformation_chain(raw(connector), registry_);
    errors_ = std::make_unique<RetryWithToleranceOperator>(
        ConnectorTaskId{"c", 0}, retry_timeout, 1000ms, tolerance,
        [this](std::chrono::milliseconds d) {
          sleeps_.push_back(d);
          return true;
        },
        true);
    errors_->add_reporter(std::make_unique<Reporter>(reports_));
    sink_ = std::make_unique<SinkRecordProcessor>(converters_, chain_, *errors_);
    source_ = std::make_unique<SourceRecordProcessor>(converters_, chain_, *errors_);
  }

  static kafka::Message message(std::string topic, std::int64_t offset, std::string value) {
    kafka::Message m;
    m.topic = std::move(topic);
    m.partition = 1;
    m.offset = offset;
    m.value = std::move(value);
    m.timestamp = 1700000000000;
    m.timestamp_type = kafka::TimestampType::CreateTime;
    return m;
  }

  struct Reporter final : ErrorReporter {
    explicit Reporter(std::vector<std::string>& out) : out(out) {}
    void report(const ErrorReport& r) override {
      out.push_back(std::string(stage_name(r.stage)) + " " + std::string(r.executing_class) + ": " +
                    r.error.what());
    }
    std::vector<std::string>& out;
  };

  host::PluginRegistry registry_;
  Converters converters_;
  transforms::TransformationChain chain_;
  std::unique_ptr<RetryWithToleranceOperator> errors_;
  std::unique_ptr<SinkRecordProcessor> sink_;
  std::unique_ptr<SourceRecordProcessor> source_;
  std::vector<std::string> reports_;
  std::vector<std::chrono::milliseconds> sleeps_;
};

TEST_F(RecordProcessing, SinkRecordsKeepTheirOriginalCoordinatesThroughATopicRenamingChain) {
  setup({{"transforms", "route,offset"},
         {"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"},
         {"transforms.route.regex", "(.*)"},
         {"transforms.route.replacement", "renamed-$1"},
         {"transforms.offset.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
         {"transforms.offset.offset.field", "kafka_offset"}},
        ErrorTolerance::None);
  const auto record = sink_->process(message("orders", 41, R"({"id":7})"));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->topic, "renamed-orders");
  EXPECT_EQ(record->original_topic, "orders");
  EXPECT_EQ(record->original_partition, 1);
  EXPECT_EQ(record->original_kafka_offset, 41);
  EXPECT_EQ(record->kafka_offset, 41);
  EXPECT_EQ(record->timestamp, std::optional<std::int64_t>(1700000000000));
  // InsertField saw the sink record's Kafka offset.
  EXPECT_EQ(converters_.value->from_connect("t", nullptr, record->value_schema, record->value),
            std::optional<std::string>(R"({"id":7,"kafka_offset":41})"));
}

TEST_F(RecordProcessing, StepsRunInOrderWithPredicatesAndNegation) {
  setup({{"transforms", "up, drop"},
         {"transforms.up.type", "Upper"},
         {"transforms.up.predicate", "isA"},
         {"transforms.drop.type", "Upper"},
         {"transforms.drop.drop", "true"},
         {"transforms.drop.predicate", "isA"},
         {"transforms.drop.negate", "true"},
         {"predicates", "isA"},
         {"predicates.isA.type", "TopicIs"},
         {"predicates.isA.pattern", "a"}},
        ErrorTolerance::None);
  const auto on_a = sink_->process(message("a", 0, R"("x")"));
  ASSERT_TRUE(on_a.has_value());
  EXPECT_EQ(on_a->value, Value::string("X"));  // upper-cased, not dropped (the negated predicate is false)
  EXPECT_FALSE(sink_->process(message("b", 0, R"("x")")).has_value());  // dropped by the negated step
  EXPECT_TRUE(reports_.empty());
}

TEST_F(RecordProcessing, EachStageReportsItsOwnClass) {
  setup({{"header.converter", "org.apache.kafka.connect.json.JsonConverter"},
         {"transforms", "boom"},
         {"transforms.boom.type", "Boom"}},
        ErrorTolerance::All);
  auto bad_header = message("t", 0, "1");
  bad_header.headers = {{"h", std::string("{nope")}};
  EXPECT_FALSE(sink_->process(bad_header).has_value());
  auto bad_key = message("t", 1, "1");
  bad_key.key = "[1,";
  EXPECT_FALSE(sink_->process(bad_key).has_value());
  EXPECT_FALSE(sink_->process(message("t", 2, "{\"a\":")).has_value());
  EXPECT_FALSE(sink_->process(message("t", 3, "1")).has_value());
  ASSERT_EQ(reports_.size(), 4u);
  EXPECT_TRUE(reports_[0].starts_with("HEADER_CONVERTER org.apache.kafka.connect.json.JsonConverter: "))
      << reports_[0];
  EXPECT_TRUE(reports_[1].starts_with("KEY_CONVERTER org.apache.kafka.connect.json.JsonConverter: "))
      << reports_[1];
  EXPECT_TRUE(reports_[2].starts_with("VALUE_CONVERTER org.apache.kafka.connect.json.JsonConverter: "))
      << reports_[2];
  EXPECT_EQ(reports_[3], "TRANSFORMATION test.Boom: boom");
}

TEST_F(RecordProcessing, RetriableTransformationFailuresAreRetriedWithinTheRetryTimeout) {
  setup({{"transforms", "flaky"}, {"transforms.flaky.type", "Flaky"}, {"transforms.flaky.failures", "2"}},
        ErrorTolerance::None, 60s);
  const auto record = sink_->process(message("t", 0, R"("v")"));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->value, Value::string("v"));
  EXPECT_EQ(sleeps_, (std::vector<std::chrono::milliseconds>{300ms, 600ms}));
  EXPECT_TRUE(reports_.empty());
}

TEST_F(RecordProcessing, ToleranceNoneFailsOnTheFirstBadRecordNamingIt) {
  setup({}, ErrorTolerance::None);
  try {
    sink_->process(message("orders", 9, "{not json"));
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_TRUE(failure_trace(e, "x").starts_with(
        "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler: "
        "VALUE_CONVERTER with "
        "class org.apache.kafka.connect.json.JsonConverter failed for the record at topic 'orders', "
        "partition 1, "
        "offset 9\n\tat x\nCaused by: org.apache.kafka.connect.errors.DataException: Converting byte[] to "
        "Kafka "
        "Connect data failed due to serialization error"))
        << failure_trace(e, "x");
  }
  EXPECT_EQ(reports_.size(), 1u);
}

TEST_F(RecordProcessing, SourceRecordsAreTransformedOnACopyThenConverted) {
  setup({{"transforms", "up,skip"},
         {"transforms.up.type", "Upper"},
         {"transforms.skip.type", "org.apache.kafka.connect.transforms.Filter"},
         {"transforms.skip.predicate", "isSkip"},
         {"predicates", "isSkip"},
         {"predicates.isSkip.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"},
         {"predicates.isSkip.pattern", "skip.*"}},
        ErrorTolerance::None);
  data::SourceRecord original;
  original.topic = "out";
  original.value_schema = Schema::string();
  original.value = Value::string("hello");
  original.timestamp = 1234;
  original.headers.add("h", Schema::int32(), Value::int32(5));
  const auto out = source_->process(original);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->topic, "out");
  EXPECT_EQ(out->value, std::optional<std::string>(R"("HELLO")"));
  EXPECT_EQ(out->key, std::nullopt);
  EXPECT_EQ(out->timestamp, std::optional<std::int64_t>(1234));
  ASSERT_EQ(out->headers.size(), 1u);
  EXPECT_EQ(out->headers[0].key, "h");
  EXPECT_EQ(out->headers[0].value, std::optional<std::string>("5"));
  EXPECT_EQ(original.value, Value::string("hello"));  // commit_record gets what poll() returned

  original.topic = "skip-me";
  EXPECT_FALSE(source_->process(original).has_value());
}

TEST_F(RecordProcessing, ConsumingSourceRecordsHandsTheValueToAStringConverter) {
  const StringMap strings = {{"value.converter", "org.apache.kafka.connect.storage.StringConverter"}};
  setup(strings, ErrorTolerance::None);
  data::SourceRecord original;
  original.topic = "out";
  original.value = Value::string(std::string(64, 'a'));
  const char* data = original.value.as_string().data();
  auto out = source_->process_consuming(original);
  ASSERT_TRUE(out.has_value() && out->value.has_value());
  EXPECT_EQ(*out->value, std::string(64, 'a'));
  EXPECT_EQ(out->value->data(), data) << "the value's text moved into the Kafka record";

  // With a chain, the transformed copy is what is consumed: the polled record keeps its value.
  StringMap chained = strings;
  chained.insert({{"transforms", "up"}, {"transforms.up.type", "Upper"}});
  setup(chained, ErrorTolerance::None);
  original.value = Value::string("hello");
  out = source_->process_consuming(original);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->value, std::optional<std::string>("HELLO"));
  EXPECT_EQ(original.value, Value::string("hello"));
}

}  // namespace
}  // namespace sluice::worker
