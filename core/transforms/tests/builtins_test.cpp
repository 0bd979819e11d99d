#include "core/transforms/builtins.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace sluice::transforms {
namespace {

TEST(BuiltinsTest, ClassNamesKindsAndAliases) {
  using V = std::vector<std::string>;
  std::set<std::tuple<std::string, std::string, V>> seen;
  for (const auto& p : builtin_transformations()) {
    seen.emplace(p.info.class_name, api::plugin_kind_name(p.info.kind), p.info.aliases);
    EXPECT_EQ(p.info.location, "builtin");
    EXPECT_TRUE(p.info.version.empty());
    ASSERT_NE(p.info.config_def, nullptr);
    EXPECT_FALSE(p.info.documentation.empty());
    EXPECT_FALSE(p.make_converter);
    EXPECT_FALSE(p.make_header_converter);
    EXPECT_FALSE(p.make_config_provider);
    if (p.info.kind == api::PluginKind::Transformation) {
      ASSERT_TRUE(p.make_transformation);
      EXPECT_FALSE(p.make_predicate);
      auto instance = p.make_transformation();
      ASSERT_NE(instance, nullptr);
      EXPECT_EQ(&instance->config_def(), p.info.config_def);
    } else {
      ASSERT_EQ(p.info.kind, api::PluginKind::Predicate);
      ASSERT_TRUE(p.make_predicate);
      EXPECT_FALSE(p.make_transformation);
      auto instance = p.make_predicate();
      ASSERT_NE(instance, nullptr);
      EXPECT_EQ(&instance->config_def(), p.info.config_def);
    }
  }

  const std::string t = "org.apache.kafka.connect.transforms.";
  std::set<std::tuple<std::string, std::string, V>> expected;
  for (const std::string name : {"Cast", "ExtractField", "Flatten", "HeaderFrom", "HoistField", "InsertField",
                                 "MaskField", "ReplaceField", "SetSchemaMetadata", "TimestampConverter"}) {
    expected.emplace(t + name + "$Key", "transformation", V{name + "$Key"});
    expected.emplace(t + name + "$Value", "transformation", V{name + "$Value"});
  }
  for (const std::string name :
       {"DropHeaders", "Filter", "InsertHeader", "RegexRouter", "TimestampRouter", "ValueToKey"}) {
    expected.emplace(t + name, "transformation", V{name});
  }
  for (const std::string name : {"TopicNameMatches", "HasHeaderKey", "RecordIsTombstone"}) {
    expected.emplace(t + "predicates." + name, "predicate", V{name});
  }
  EXPECT_EQ(seen, expected);
}

TEST(BuiltinsTest, VariantDocsNameBothClasses) {
  for (const auto& p : builtin_transformations()) {
    if (p.info.class_name != "org.apache.kafka.connect.transforms.Cast$Value") continue;
    EXPECT_NE(p.info.documentation.find("<code>org.apache.kafka.connect.transforms.Cast$Key</code>"),
              std::string::npos);
    EXPECT_NE(p.info.documentation.find("<code>org.apache.kafka.connect.transforms.Cast$Value</code>"),
              std::string::npos);
    const auto* spec = p.info.config_def->find("spec");
    ASSERT_NE(spec, nullptr);
    EXPECT_FALSE(spec->has_default);
    ASSERT_NE(spec->validator, nullptr);
    EXPECT_EQ(spec->validator->describe(),
              "list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>");
    const auto* replace = p.info.config_def->find("replace.null.with.default");
    ASSERT_NE(replace, nullptr);
    EXPECT_EQ(replace->default_value, std::optional<std::string>("true"));
  }
}

}  // namespace
}  // namespace sluice::transforms
