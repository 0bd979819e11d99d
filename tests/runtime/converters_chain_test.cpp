#include <gtest/gtest.h>

#include "core/common/errors.hpp"
#include "core/convert/builtins.hpp"
#include "core/worker/converters.hpp"
#include "plugins/host/registry.hpp"

namespace sluice::worker {
namespace {

using data::Schema;
using data::Value;

class ConvertersAndChain : public ::testing::Test {
 protected:
  ConvertersAndChain() {
    for (auto& plugin : convert::builtin_converters()) registry_.register_builtin(std::move(plugin));
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

TEST_F(ConvertersAndChain, ClassNamesAreResolvedFromAliases) {
  Converters c = make_converters(registry_, worker(), {{"key.converter", "JsonConverter"}});
  EXPECT_EQ(c.key_class, "org.apache.kafka.connect.json.JsonConverter");
  EXPECT_EQ(c.value_class, "org.apache.kafka.connect.json.JsonConverter");
  EXPECT_EQ(c.header_class, "org.apache.kafka.connect.storage.SimpleHeaderConverter");
}

}  // namespace
}  // namespace sluice::worker
