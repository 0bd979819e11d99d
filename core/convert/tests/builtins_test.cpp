#include "core/convert/builtins.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace sluice::convert {
namespace {

TEST(BuiltinsTest, ClassNamesAliasesAndKinds) {
  auto plugins = builtin_converters();
  std::set<std::tuple<std::string, std::string, std::vector<std::string>>> seen;
  for (const auto& p : plugins) {
    seen.emplace(p.info.class_name, api::plugin_kind_name(p.info.kind), p.info.aliases);
    EXPECT_EQ(p.info.location, "builtin");
    EXPECT_NE(p.info.config_def, nullptr);
    EXPECT_FALSE(p.info.documentation.empty());
    EXPECT_FALSE(p.make_transformation);
    EXPECT_FALSE(p.make_predicate);
    EXPECT_FALSE(p.make_config_provider);
    if (p.info.kind == api::PluginKind::Converter) {
      ASSERT_TRUE(p.make_converter);
      EXPECT_FALSE(p.make_header_converter);
      auto instance = p.make_converter();
      ASSERT_NE(instance, nullptr);
      EXPECT_EQ(&instance->config_def(), p.info.config_def);
    } else {
      ASSERT_EQ(p.info.kind, api::PluginKind::HeaderConverter);
      ASSERT_TRUE(p.make_header_converter);
      EXPECT_FALSE(p.make_converter);
      auto instance = p.make_header_converter();
      ASSERT_NE(instance, nullptr);
      EXPECT_EQ(&instance->config_def(), p.info.config_def);
    }
  }
  using V = std::vector<std::string>;
  const std::set<std::tuple<std::string, std::string, V>> expected = {
      {"org.apache.kafka.connect.storage.StringConverter", "converter", V{"StringConverter", "String"}},
      {"org.apache.kafka.connect.storage.StringConverter", "header_converter",
       V{"StringConverter", "String"}},
      {"org.apache.kafka.connect.converters.ByteArrayConverter", "converter",
       V{"ByteArrayConverter", "ByteArray"}},
      {"org.apache.kafka.connect.converters.ByteArrayConverter", "header_converter",
       V{"ByteArrayConverter", "ByteArray"}},
      {"org.apache.kafka.connect.json.JsonConverter", "converter", V{"JsonConverter", "Json"}},
      {"org.apache.kafka.connect.json.JsonConverter", "header_converter", V{"JsonConverter", "Json"}},
      {"org.apache.kafka.connect.storage.SimpleHeaderConverter", "header_converter",
       V{"SimpleHeaderConverter"}},
  };
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(plugins.size(), expected.size());
}

TEST(BuiltinsTest, FactoriesCreateWorkingInstances) {
  for (const auto& p : builtin_converters()) {
    if (p.info.class_name != "org.apache.kafka.connect.json.JsonConverter") continue;
    if (p.info.kind == api::PluginKind::Converter) {
      auto c = p.make_converter();
      c->configure({{"schemas.enable", "false"}}, false);
      EXPECT_EQ(c->from_connect("t", nullptr, nullptr, data::Value::string("x")), "\"x\"");
    }
  }
}

}  // namespace
}  // namespace sluice::convert
