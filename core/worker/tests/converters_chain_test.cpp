#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "core/common/errors.hpp"
#include "core/convert/builtins.hpp"
#include "core/worker/converters.hpp"
#include "core/worker/transformation_chain.hpp"
#include "plugins/host/registry.hpp"

namespace sluice::worker {
namespace {

using data::Schema;
using data::Value;

// Test transformation: upper-cases a string value; "drop=true" drops every record.
class Upper final : public api::Transformation {
 public:
  void configure(const config::RawConfig& config) override {
    const auto it = config.find("drop");
    drop_ = it != config.end() && it->second == "true";
    seen_type_ = config.contains("type");
  }
  bool apply(data::ConnectRecord& record) override {
    if (drop_) return false;
    std::string s = record.value.as_string();
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    record.value = Value::string(s + (seen_type_ ? "" : "(no type)"));
    return true;
  }
  const config::ConfigDef& config_def() const override { return def_; }

 private:
  bool drop_ = false;
  bool seen_type_ = false;
  config::ConfigDef def_;
};

// Test predicate: the record's topic equals "pattern".
class TopicIs final : public api::Predicate {
 public:
  void configure(const config::RawConfig& config) override { topic_ = config.at("pattern").value_or(""); }
  bool test(const data::ConnectRecord& record) override { return record.topic == topic_; }
  const config::ConfigDef& config_def() const override { return def_; }

 private:
  std::string topic_;
  config::ConfigDef def_;
};

const config::ConfigDef& empty_def() {
  static const config::ConfigDef def;
  return def;
}

class ConvertersAndChain : public ::testing::Test {
 protected:
  ConvertersAndChain() {
    for (auto& plugin : convert::builtin_converters()) registry_.register_builtin(std::move(plugin));
    api::BuiltinPlugin upper;
    upper.info = {"test.Upper", {"Upper"}, api::PluginKind::Transformation, "", "builtin", "", &empty_def()};
    upper.make_transformation = [] { return std::unique_ptr<api::Transformation>(std::make_unique<Upper>()); };
    registry_.register_builtin(std::move(upper));
    api::BuiltinPlugin topic_is;
    topic_is.info = {"test.TopicIs", {"TopicIs"}, api::PluginKind::Predicate, "", "builtin", "", &empty_def()};
    topic_is.make_predicate = [] { return std::unique_ptr<api::Predicate>(std::make_unique<TopicIs>()); };
    registry_.register_builtin(std::move(topic_is));
  }

  WorkerConfig worker(StringMap extra = {}) {
    StringMap props = {{"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
                       {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                       {"value.converter.schemas.enable", "false"},
                       {"offset.storage.file.filename", "/tmp/o"}};
    for (auto& [k, v] : extra) props[k] = v;
    return WorkerConfig(props, WorkerMode::Standalone);
  }

  static std::string value_bytes(Converters& c) {
    return c.value->from_connect("t", nullptr, Schema::string(), Value::string("foo")).value_or("<null>");
  }

  host::PluginRegistry registry_;
};

TEST_F(ConvertersAndChain, WorkerConvertersWithTheWorkersPrefixedKeys) {
  Converters c = make_converters(registry_, worker(), {});
  EXPECT_EQ(value_bytes(c), "\"foo\"");
  EXPECT_EQ(c.key->from_connect("t", nullptr, Schema::string(), Value::string("k")), std::optional<std::string>("k"));
  EXPECT_EQ(c.header->from_connect("t", "h", Schema::int32(), Value::int32(5)), std::optional<std::string>("5"));
}

TEST_F(ConvertersAndChain, ConnectorPrefixedKeysApplyOnlyWithTheConnectorsOwnConverter) {
  // Kafka's gotcha: value.converter.schemas.enable in a connector config is ignored without value.converter.
  Converters ignored = make_converters(registry_, worker(), {{"value.converter.schemas.enable", "true"}});
  EXPECT_EQ(value_bytes(ignored), "\"foo\"");
  Converters own = make_converters(registry_, worker(),
                                   {{"value.converter", "JsonConverter"}, {"value.converter.schemas.enable", "true"}});
  EXPECT_EQ(value_bytes(own), R"({"schema":{"type":"string","optional":false},"payload":"foo"})");
  // The connector's converter does not inherit the worker's settings (schemas.enable defaults to true).
  Converters defaults = make_converters(registry_, worker(), {{"value.converter", "JsonConverter"}});
  EXPECT_EQ(value_bytes(defaults), R"({"schema":{"type":"string","optional":false},"payload":"foo"})");
}

TEST_F(ConvertersAndChain, UnknownConverterNamesTheClass) {
  try {
    make_converters(registry_, worker(), {{"key.converter", "com.example.Nope"}});
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with(
        "Failed to find any class that implements Converter and which name matches com.example.Nope"))
        << e.what();
  }
}

TEST_F(ConvertersAndChain, EmptyChainIsTheIdentity) {
  TransformationChain chain = make_transformation_chain({}, registry_);
  EXPECT_TRUE(chain.empty());
  data::SourceRecord record;
  record.topic = "t";
  record.value = Value::string("x");
  EXPECT_TRUE(chain.apply(record));
  EXPECT_EQ(record.value, Value::string("x"));
}

TEST_F(ConvertersAndChain, StagesRunInOrderWithPredicatesAndNegation) {
  TransformationChain chain = make_transformation_chain({{"transforms", "up, drop"},
                                                         {"transforms.up.type", "Upper"},
                                                         {"transforms.up.predicate", "isA"},
                                                         {"transforms.drop.type", "Upper"},
                                                         {"transforms.drop.drop", "true"},
                                                         {"transforms.drop.predicate", "isA"},
                                                         {"transforms.drop.negate", "true"},
                                                         {"predicates", "isA"},
                                                         {"predicates.isA.type", "TopicIs"},
                                                         {"predicates.isA.pattern", "a"}},
                                                        registry_);
  EXPECT_EQ(chain.size(), 2u);
  data::SinkRecord on_a;
  on_a.topic = "a";
  on_a.value = Value::string("x");
  on_a.kafka_offset = 7;
  EXPECT_TRUE(chain.apply(on_a));  // upper-cased; not dropped (negated predicate is false)
  EXPECT_EQ(on_a.value, Value::string("X"));
  EXPECT_EQ(on_a.kafka_offset, 7);
  data::SinkRecord on_b;
  on_b.topic = "b";
  on_b.value = Value::string("x");
  EXPECT_FALSE(chain.apply(on_b));  // dropped by the negated stage
}

TEST_F(ConvertersAndChain, MissingTransformationTypeNamesTheKey) {
  try {
    make_transformation_chain({{"transforms", "x"}}, registry_);
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(e.what(),
                 "Missing required configuration \"transforms.x.type\" which has no default value. (transformation x)");
  }
}

}  // namespace
}  // namespace sluice::worker
