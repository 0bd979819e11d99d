#include "core/transforms/chain.hpp"

#include "builtin_catalog.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace sluice::transforms {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test builders

TransformationChain build(const config::RawConfig& config) {
  BuiltinCatalog catalog;
  return build_transformation_chain(config, catalog);
}

void expect_build_error(const config::RawConfig& config, const std::string& message) {
  expect_error<ConfigError>([&] { build(config); }, message);
}

TEST(TransformationChainTest, EmptyConfigGivesAnEmptyChain) {
  auto chain = build(cfg({{"connector.class", "FileStreamSource"}}));
  EXPECT_TRUE(chain.empty());
  auto r = value_record(nullptr, Value::string("x"));
  EXPECT_TRUE(chain.apply(r));
  EXPECT_EQ(r.value, Value::string("x"));
  EXPECT_TRUE(build(cfg({{"transforms", ""}})).empty());
}

TEST(TransformationChainTest, AppliesStepsInOrderWithPrefixedKeys) {
  auto chain = build(cfg({{"transforms", "insert, route"},
                          {"transforms.insert.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
                          {"transforms.insert.static.field", "origin"},
                          {"transforms.insert.static.value", "sluice"},
                          {"transforms.route.type", "RegexRouter"},
                          {"transforms.route.regex", "(.*)"},
                          {"transforms.route.replacement", "copy-$1"},
                          {"transforms.unused.type", "Nope"}}));
  ASSERT_EQ(chain.size(), 2U);
  EXPECT_EQ(chain.steps()[0].alias, "insert");
  EXPECT_EQ(chain.steps()[1].alias, "route");
  // The class behind each step (aliases resolved), which error reports and DLQ headers name.
  EXPECT_EQ(chain.steps()[0].class_name, "org.apache.kafka.connect.transforms.InsertField$Value");
  EXPECT_EQ(chain.steps()[1].class_name, "org.apache.kafka.connect.transforms.RegexRouter");
  auto r = value_record(nullptr, map_of({{"a", Value::int32(1)}}), "orders");
  ASSERT_TRUE(chain.apply(r));
  EXPECT_EQ(r.topic, "copy-orders");
  EXPECT_EQ(entry(r.value, "origin"), Value::string("sluice"));
}

TEST(TransformationChainTest, ResolveTypeNamesTheKeyAsTheChainDoes) {
  BuiltinCatalog catalog;
  EXPECT_EQ(resolve_type(cfg({{"predicates.p.type", "TopicNameMatches"}}), "predicates.p.", api::PluginKind::Predicate,
                         catalog),
            "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
  expect_error<ConfigError>(
      [&] { resolve_type(cfg({{"transforms.t.type", "Nope"}}), "transforms.t.", api::PluginKind::Transformation, catalog); },
      "Invalid value Nope for configuration transforms.t.type: Class Nope could not be found.");
  expect_error<ConfigError>(
      [&] { resolve_type(cfg({}), "transforms.t.", api::PluginKind::Transformation, catalog); },
      "Missing required configuration \"transforms.t.type\" which has no default value.");
}

TEST(TransformationChainTest, PredicatesAndNegation) {
  const config::RawConfig base = cfg({{"transforms", "dropTombstones"},
                                      {"transforms.dropTombstones.type", "Filter"},
                                      {"transforms.dropTombstones.predicate", "isTombstone"},
                                      {"predicates", "isTombstone"},
                                      {"predicates.isTombstone.type", "RecordIsTombstone"}});
  auto chain = build(base);
  ASSERT_EQ(chain.size(), 1U);
  EXPECT_EQ(chain.steps()[0].predicate_alias, "isTombstone");
  auto tombstone = value_record(nullptr, Value());
  auto live = value_record(nullptr, Value::string("x"));
  EXPECT_FALSE(chain.apply(tombstone));
  EXPECT_TRUE(chain.apply(live));

  config::RawConfig negated = base;
  negated.emplace("transforms.dropTombstones.negate", "true");
  auto keep_tombstones = build(negated);
  EXPECT_TRUE(keep_tombstones.apply(tombstone));
  EXPECT_FALSE(keep_tombstones.apply(live));
}

TEST(TransformationChainTest, PredicateConfigIsStrippedAndTopicBased) {
  auto chain = build(
      cfg({{"transforms", "route"},
           {"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"},
           {"transforms.route.regex", ".*"},
           {"transforms.route.replacement", "audit"},
           {"transforms.route.predicate", "isOrders"},
           {"predicates", "isOrders"},
           {"predicates.isOrders.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"},
           {"predicates.isOrders.pattern", "orders-.*"}}));
  auto orders = value_record(nullptr, Value(), "orders-eu");
  auto users = value_record(nullptr, Value(), "users");
  ASSERT_TRUE(chain.apply(orders));
  ASSERT_TRUE(chain.apply(users));
  EXPECT_EQ(orders.topic, "audit");
  EXPECT_EQ(users.topic, "users");
}

TEST(TransformationChainTest, DropStopsTheChain) {
  auto chain = build(cfg({{"transforms", "drop,boom"},
                          {"transforms.drop.type", "Filter"},
                          {"transforms.boom.type", "org.apache.kafka.connect.transforms.Cast$Value"},
                          {"transforms.boom.spec", "int8"}}));
  auto r = value_record(nullptr, Value::array({}));
  EXPECT_FALSE(chain.apply(r));  // Cast would have thrown on an array
}

TEST(TransformationChainTest, StepErrorsPropagate) {
  auto chain = build(cfg({{"transforms", "cast"},
                          {"transforms.cast.type", "org.apache.kafka.connect.transforms.Cast$Value"},
                          {"transforms.cast.spec", "int8"}}));
  auto r = value_record(nullptr, Value::string("x"));
  expect_error<DataError>([&] { chain.apply(r); }, "Value (x) was out of range for requested data type");
}

TEST(TransformationChainTest, TypeErrors) {
  expect_build_error(cfg({{"transforms", "a"}}),
                     "Missing required configuration \"transforms.a.type\" which has no "
                     "default value.");
  expect_build_error(
      cfg({{"transforms", "a"}, {"transforms.a.type", "com.example.Nope"}}),
      "Invalid value com.example.Nope for configuration transforms.a.type: Class com.example.Nope could "
      "not be found.");
  expect_build_error(
      cfg({{"transforms", "a"}, {"transforms.a.type", "com.example.BrokenTransform"}}),
      "Invalid value com.example.BrokenTransform for configuration transforms.a.type: Class "
      "com.example.BrokenTransform could not be found. broken.so was built for ABI 2; rebuild it "
      "against ABI 1.");
  expect_build_error(
      cfg({{"transforms", "a"}, {"transforms.a.type", "org.apache.kafka.connect.transforms.InsertField"}}),
      "Invalid value class org.apache.kafka.connect.transforms.InsertField for configuration "
      "transforms.a.type: Transformation is abstract and cannot be created. Did you mean "
      "org.apache.kafka.connect.transforms.InsertField$Key, "
      "org.apache.kafka.connect.transforms.InsertField$Value?");
  expect_build_error(cfg({{"transforms", "a"}, {"transforms.a.type", "HasHeaderKey"}}),
                     "Invalid value class org.apache.kafka.connect.transforms.predicates.HasHeaderKey for "
                     "configuration transforms.a.type: Not a Transformation");
  expect_build_error(cfg({{"transforms", "a"},
                          {"transforms.a.type", "Filter"},
                          {"transforms.a.predicate", "p"},
                          {"predicates", "p"},
                          {"predicates.p.type", "Filter"}}),
                     "Invalid value class org.apache.kafka.connect.transforms.Filter for configuration "
                     "predicates.p.type: Not a Predicate");
  expect_build_error(cfg({{"predicates", "p"}}),
                     "Missing required configuration \"predicates.p.type\" which has no default value.");
}

TEST(TransformationChainTest, AliasAndPredicateErrors) {
  expect_build_error(cfg({{"transforms", "a,b,a"}}),
                     "Invalid value [a, b, a] for configuration transforms: Duplicate alias provided.");
  expect_build_error(cfg({{"predicates", "p,p"}}),
                     "Invalid value [p, p] for configuration predicates: Duplicate alias provided.");
  expect_build_error(
      cfg({{"transforms", "a"}, {"transforms.a.type", "Filter"}, {"transforms.a.predicate", "missing"}}),
      "Invalid value missing for configuration transforms.a.predicate: Transformation 'a' refers to "
      "predicate 'missing', which is not defined; add it to 'predicates' and set "
      "'predicates.missing.type'");
  expect_build_error(
      cfg({{"transforms", "a"}, {"transforms.a.type", "Filter"}, {"transforms.a.negate", "true"}}),
      "Config 'transforms.a.negate' was provided but there is no config 'transforms.a.predicate' "
      "defining a predicate to be negated.");
  expect_build_error(
      cfg({{"transforms", "a"},
           {"transforms.a.type", "Filter"},
           {"transforms.a.predicate", "p"},
           {"transforms.a.negate", "maybe"},
           {"predicates", "p"},
           {"predicates.p.type", "RecordIsTombstone"}}),
      "Invalid value maybe for configuration transforms.a.negate: Expected value to be either true or "
      "false");
}

TEST(TransformationChainTest, PluginConfigErrorsNameTheKeyOrThePlugin) {
  expect_build_error(
      cfg({{"transforms", "a"}, {"transforms.a.type", "org.apache.kafka.connect.transforms.Cast$Value"}}),
      "Missing required configuration \"transforms.a.spec\" which has no default value.");
  expect_build_error(
      cfg({{"transforms", "a"},
           {"transforms.a.type", "org.apache.kafka.connect.transforms.TimestampConverter$Value"},
           {"transforms.a.target.type", "weekday"}}),
      "Invalid value weekday for configuration transforms.a.target.type: String must be one of: "
      "string, unix, Date, Time, Timestamp");
  expect_build_error(
      cfg({{"transforms", "a"},
           {"transforms.a.type", "org.apache.kafka.connect.transforms.HeaderFrom$Value"},
           {"transforms.a.fields", "x,y"},
           {"transforms.a.headers", "h"},
           {"transforms.a.operation", "copy"}}),
      "Invalid configuration for transforms.a (org.apache.kafka.connect.transforms.HeaderFrom$Value): "
      "'fields' config must have the same number of elements as 'headers' config.");
  expect_build_error(
      cfg({{"transforms", "a"},
           {"transforms.a.type", "org.apache.kafka.connect.transforms.Cast$Key"},
           {"transforms.a.spec", "a:int8,int32"}}),
      "Invalid configuration for transforms.a (org.apache.kafka.connect.transforms.Cast$Key): Cast "
      "transformations that specify a type to cast the entire value to may ony specify a single cast "
      "in their spec");
  expect_build_error(cfg({{"predicates", "p"}, {"predicates.p.type", "TopicNameMatches"}}),
                     "Missing required configuration \"predicates.p.pattern\" which has no default value.");
}

TEST(TransformationChainTest, EachStepGetsItsOwnPredicateInstance) {
  BuiltinCatalog catalog;
  auto chain = build_transformation_chain(cfg({{"transforms", "a,b"},
                                               {"transforms.a.type", "DropHeaders"},
                                               {"transforms.a.names", "x"},
                                               {"transforms.a.predicate", "p"},
                                               {"transforms.b.type", "DropHeaders"},
                                               {"transforms.b.names", "y"},
                                               {"transforms.b.predicate", "p"},
                                               {"transforms.b.negate", "true"},
                                               {"predicates", "p"},
                                               {"predicates.p.type", "HasHeaderKey"},
                                               {"predicates.p.name", "x"}}),
                                          catalog);
  ASSERT_EQ(chain.size(), 2U);
  EXPECT_NE(chain.steps()[0].predicate.get(), chain.steps()[1].predicate.get());
  EXPECT_EQ(catalog.created(), 5);  // one probe predicate, then two transformations and two predicates

  auto r = value_record(nullptr, Value());
  r.headers.add("x", nullptr, Value::int32(1));
  r.headers.add("y", nullptr, Value::int32(2));
  ASSERT_TRUE(chain.apply(r));
  // a dropped x (the record had x); b then ran only if x was absent, which it was, so y is gone too.
  EXPECT_TRUE(r.headers.empty());
}

}  // namespace
}  // namespace sluice::transforms
