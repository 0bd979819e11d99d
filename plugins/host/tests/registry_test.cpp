#include "plugins/host/registry.hpp"

#include "core/common/errors.hpp"
#include "plugins/host/tests/test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::host {
namespace {

using testing::fixture_dir;
using testing::fixture_file;
using testing::good_plugin_file;

// Stands in for a built-in converter (core/convert's StringConverter).
class FakeStringConverter final : public api::Converter {
 public:
  void configure(const config::RawConfig&, bool) override {}
  std::optional<std::string> from_connect(std::string_view, const data::Headers*, const data::SchemaPtr&,
                                          const data::Value& value) override {
    return value.is_null() ? std::nullopt : std::optional<std::string>(value.as_string());
  }
  data::SchemaAndValue to_connect(std::string_view, const data::Headers*,
                                  std::optional<std::string_view> bytes) override {
    return {nullptr, bytes ? data::Value::string(std::string(*bytes)) : data::Value()};
  }
  const config::ConfigDef& config_def() const override { return def_; }

 private:
  config::ConfigDef def_;
};

api::BuiltinPlugin string_converter_builtin() {
  static const config::ConfigDef def;
  api::BuiltinPlugin plugin;
  plugin.info.class_name = "org.apache.kafka.connect.storage.StringConverter";
  plugin.info.aliases = {"StringConverter"};
  plugin.info.kind = api::PluginKind::Converter;
  plugin.info.version = "0.1.0";
  plugin.info.location = "builtin";
  plugin.info.config_def = &def;
  plugin.make_converter = [] { return std::make_unique<FakeStringConverter>(); };
  return plugin;
}

struct Listed {
  std::string class_name;
  std::vector<std::string> aliases;
  std::string kind;
  std::string version;
  std::string location;
  bool operator==(const Listed&) const = default;
};

void PrintTo(const Listed& l, std::ostream* os) {
  *os << l.class_name << " " << l.kind << " " << l.version << " " << l.location;
}

TEST(HostRegistry, ListsEveryComponentOfTheGoodPlugin) {
  testing::LogCapture logs;
  PluginRegistry registry;
  const auto report = registry.load_plugin_path(fixture_dir("good"));
  EXPECT_EQ(report.loaded, 1u);
  EXPECT_EQ(report.rejected, 0u);
  EXPECT_TRUE(registry.rejected().empty());
  // init ran, and logged through the host without an instance prefix.
  EXPECT_TRUE(logs.contains("good fixture initialised"));

  const std::string so = good_plugin_file();
  std::vector<Listed> listed;
  for (const auto& p : registry.plugins()) {
    listed.push_back({p.class_name, p.aliases, api::plugin_kind_name(p.kind), p.version, p.location});
    EXPECT_NE(p.config_def, nullptr) << p.class_name;
    EXPECT_EQ(p.documentation, "Good fixture component");
  }
  EXPECT_EQ(
      listed,
      (std::vector<Listed>{
          {"org.sluice.fixture.FlushingSinkConnector", {"FlushingSink"}, "sink", "1.2.3", so},
          {"org.sluice.fixture.GoodConfigProvider", {"good"}, "config_provider", "1.2.3", so},
          {"org.sluice.fixture.GoodConverter", {"GoodConverter"}, "converter", "1.2.3", so},
          {"org.sluice.fixture.GoodConverter", {"GoodConverter"}, "header_converter", "1.2.3", so},
          {"org.sluice.fixture.GoodPredicate", {"GoodPredicate"}, "predicate", "1.2.3", so},
          {"org.sluice.fixture.GoodSinkConnector", {"GoodSink", "GoodSinkConnector"}, "sink", "1.2.3", so},
          {"org.sluice.fixture.GoodSourceConnector",
           {"GoodSource", "GoodSourceConnector"},
           "source",
           "2.1.0",
           so},
          {"org.sluice.fixture.GoodTransform", {"GoodTransform"}, "transformation", "1.2.3", so},
      }));
}

TEST(HostRegistry, FindsByClassNameOrAlias) {
  PluginRegistry registry;
  registry.load_plugin_path(fixture_dir("good"));
  const auto* by_alias = registry.find("GoodSource");
  ASSERT_NE(by_alias, nullptr);
  EXPECT_EQ(by_alias->class_name, "org.sluice.fixture.GoodSourceConnector");
  EXPECT_EQ(by_alias->kind, api::PluginKind::SourceConnector);
  EXPECT_EQ(registry.find("org.sluice.fixture.GoodSourceConnector"), by_alias);
  // A class that is both converter and header converter: find() answers with the converter.
  const auto* converter = registry.find("GoodConverter");
  ASSERT_NE(converter, nullptr);
  EXPECT_EQ(converter->kind, api::PluginKind::Converter);
  EXPECT_EQ(registry.find("Unknown"), nullptr);
  EXPECT_EQ(registry.rejection_for("Unknown"), std::nullopt);
  // Both kinds can be created under the one name.
  EXPECT_NE(registry.create_converter("GoodConverter"), nullptr);
  EXPECT_NE(registry.create_header_converter("org.sluice.fixture.GoodConverter"), nullptr);
}

TEST(HostRegistry, UnknownClassesThrowNotFoundListingWhatIsAvailable) {
  PluginRegistry registry;
  registry.load_plugin_path(fixture_dir("good"));
  testing::TestConnectorContext ctx;
  try {
    registry.create_connector("NoSuchConnector", ctx);
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_STREQ(e.what(),
                 "Failed to find any class that implements Connector and which name matches NoSuchConnector, "
                 "available connectors are: org.sluice.fixture.FlushingSinkConnector, "
                 "org.sluice.fixture.GoodSinkConnector, org.sluice.fixture.GoodSourceConnector");
  }
  try {
    registry.create_transformation("GoodPredicate");
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_STREQ(
        e.what(),
        "Failed to find any class that implements Transformation and which name matches GoodPredicate, "
        "available transformations are: org.sluice.fixture.GoodTransform");
  }
  PluginRegistry empty;
  EXPECT_THROW(
      {
        try {
          empty.create_config_provider("file");
        } catch (const NotFoundError& e) {
          EXPECT_STREQ(e.what(),
                       "Failed to find any class that implements ConfigProvider and which name matches file, "
                       "available config providers are: none");
          throw;
        }
      },
      NotFoundError);
}

TEST(HostRegistry, ConnectorOfTheWrongTypeForATask) {
  PluginRegistry registry;
  registry.load_plugin_path(fixture_dir("good"));
  testing::TestSinkTaskContext ctx;
  try {
    registry.create_sink_task("GoodSource", ctx);
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(e.what(),
                 "Connector org.sluice.fixture.GoodSourceConnector is a source connector and has no sink "
                 "task; use it with a source task");
  }
}

TEST(HostRegistry, RejectionForReturnsTheReasonOfTheRejectedPluginThatDeclaredTheClass) {
  PluginRegistry registry;
  registry.load_plugin_path(fixture_dir("init_fails") + "," + fixture_dir("abi_minor_99") + "," +
                            fixture_dir("abi_major_2"));
  const auto rejected = registry.rejected();
  ASSERT_EQ(rejected.size(), 3u);
  const std::string init_reason = rejected[0].reason;
  EXPECT_EQ(registry.rejection_for("org.sluice.fixture.LicensedConverter"), init_reason);
  EXPECT_EQ(registry.rejection_for("LicensedConverter"), init_reason);
  // ABI minor too new: the layout is known, so its class names are read.
  EXPECT_EQ(registry.rejection_for("org.sluice.fixture.BrokenConverter"), rejected[1].reason);
  // ABI major 2 is never read beyond its version fields, so its names stay unknown.
  EXPECT_EQ(rejected[2].location, fixture_file("abi_major_2"));

  try {
    registry.create_converter("LicensedConverter");
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "Failed to find any class that implements Converter and which name matches LicensedConverter: " +
            init_reason);
  }
}

TEST(HostRegistry, APluginCannotTakeABuiltinsName) {
  PluginRegistry registry;
  registry.register_builtin(string_converter_builtin());
  const auto report = registry.load_plugin_path(fixture_dir("builtin_clash"));
  EXPECT_EQ(report.rejected, 1u);
  const std::string file = fixture_file("builtin_clash");
  ASSERT_EQ(registry.rejected().size(), 1u);
  EXPECT_EQ(
      registry.rejected()[0].reason,
      "Plugin " + file +
          " was rejected: expected class name org.apache.kafka.connect.storage.StringConverter (converter) "
          "to "
          "be unique but found it already provided by sluice's built-in plugins; remove the plugin from "
          "plugin.path or rename its class.");
  // The built-in is still the one created.
  auto converter = registry.create_converter("StringConverter");
  ASSERT_NE(converter, nullptr);
  EXPECT_EQ(converter->from_connect("t", nullptr, nullptr, data::Value::string("x")), "x");
  // And a name a built-in owns is not "rejected".
  EXPECT_EQ(registry.rejection_for("StringConverter"), std::nullopt);
}

TEST(HostRegistry, BuiltinsAreListedWithPlugins) {
  PluginRegistry registry;
  registry.register_builtin(string_converter_builtin());
  registry.load_plugin_path(fixture_dir("good"));
  const auto* info = registry.find("StringConverter");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->location, "builtin");
  EXPECT_EQ(registry.plugins().size(), 9u);
  try {
    registry.register_builtin(string_converter_builtin());
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(
        e.what(),
        "Built-in plugin org.apache.kafka.connect.storage.StringConverter (converter) cannot be registered: "
        "the name org.apache.kafka.connect.storage.StringConverter is already used by "
        "org.apache.kafka.connect.storage.StringConverter from sluice's built-in plugins");
  }
}

TEST(HostRegistry, LoadingTheSamePluginTwiceRejectsTheSecondCopy) {
  PluginRegistry registry;
  EXPECT_TRUE(registry.load_library(good_plugin_file()));
  EXPECT_FALSE(registry.load_library(good_plugin_file()));
  ASSERT_EQ(registry.rejected().size(), 1u);
  EXPECT_THAT(
      registry.rejected()[0].reason,
      ::testing::HasSubstr("expected class name org.sluice.fixture.GoodSourceConnector (source connector) "
                           "to be unique but found it already provided by " +
                           good_plugin_file()));
  EXPECT_EQ(registry.plugins().size(), 8u);
}

TEST(HostRegistry, InstancesKeepTheirLibraryLoadedAfterTheRegistryIsGone) {
  std::unique_ptr<api::Converter> converter;
  {
    PluginRegistry registry;
    registry.load_plugin_path(fixture_dir("good"));
    converter = registry.create_converter("GoodConverter");
  }
  EXPECT_EQ(converter->from_connect("t", nullptr, nullptr, data::Value::string("still here")),
            "s:still here");
}

}  // namespace
}  // namespace sluice::host
