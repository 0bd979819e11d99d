// SchemaCache and the transformations that use it (InsertField, ReplaceField, SetSchemaMetadata): derived
// schemas are built once per input schema, records with the same schema share the derived one, and the
// transformations that now move values out of the record's own struct (or change it in place, MaskField)
// leave the record untouched when they fail.

#include "core/transforms/schema_cache.hpp"
#include "core/transforms/transforms.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::transforms {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test builders

SchemaPtr order_schema(const std::string& name = "shop.Order") {
  return SchemaBuilder::structure()
      .name(name)
      .field("id", Schema::int64())
      .field("customer", Schema::string())
      .field("note", SchemaBuilder::string().optional().default_value(Value::string("none")).build())
      .build();
}

Value order(const SchemaPtr& schema, std::int64_t id) {
  Struct s(schema);
  s.put("id", Value::int64(id)).put("customer", Value::string("a customer name longer than SSO"));
  return Value::structure(std::move(s));
}

std::unique_ptr<api::Transformation> configured(std::unique_ptr<api::Transformation> t,
                                                const config::RawConfig& config) {
  t->configure(config);
  return t;
}

TEST(SchemaCacheTest, FindsBySchemaObjectThenByEquality) {
  SchemaCache<int> cache;
  const SchemaPtr a = order_schema();
  const SchemaPtr a_again = order_schema();  // equal, another object
  const SchemaPtr b = order_schema("other");
  EXPECT_EQ(cache.find(a), nullptr);
  EXPECT_EQ(cache.put(a, 1), 1);
  ASSERT_NE(cache.find(a), nullptr);
  EXPECT_EQ(*cache.find(a), 1);
  ASSERT_NE(cache.find(a_again), nullptr);
  EXPECT_EQ(*cache.find(a_again), 1);
  EXPECT_EQ(cache.size(), 1U);  // the equal schema took the entry over
  EXPECT_EQ(cache.find(b), nullptr);
  cache.put(b, 2);
  EXPECT_EQ(*cache.find(b), 2);
  EXPECT_EQ(*cache.find(a), 1);
  EXPECT_EQ(cache.size(), 2U);
}

TEST(SchemaCacheTest, DropsTheLeastRecentlyUsedEntry) {
  SchemaCache<int> cache(2);
  const SchemaPtr a = order_schema("a");
  const SchemaPtr b = order_schema("b");
  const SchemaPtr c = order_schema("c");
  cache.put(a, 1);
  cache.put(b, 2);
  ASSERT_NE(cache.find(a), nullptr);  // a is now the most recently used
  cache.put(c, 3);
  EXPECT_EQ(cache.size(), 2U);
  EXPECT_EQ(cache.find(b), nullptr);
  EXPECT_EQ(*cache.find(a), 1);
  EXPECT_EQ(*cache.find(c), 3);
  // Kafka's SMTs keep 16 schemas.
  SchemaCache<int> kafka_sized;
  for (int i = 0; i < 20; ++i) kafka_sized.put(order_schema(std::to_string(i)), i);
  EXPECT_EQ(kafka_sized.size(), 16U);
}

TEST(SchemaCacheTest, TransformationsDeriveOneSchemaPerInputSchema) {
  const SchemaPtr schema = order_schema();
  const config::RawConfig insert_config =
      cfg({{"topic.field", "topic"}, {"static.field", "source"}, {"static.value", "test"}});
  const config::RawConfig replace_config = cfg({{"renames", "customer:customer_name"}, {"exclude", "note"}});
  const config::RawConfig metadata_config = cfg({{"schema.name", "renamed"}, {"schema.version", "3"}});
  for (auto* make :
       {+[] { return make_insert_field(Side::Value); }, +[] { return make_replace_field(Side::Value); },
        +[] { return make_set_schema_metadata(Side::Value); }}) {
    auto t = make();
    const config::RawConfig& config = t->config_def().find("topic.field") ? insert_config
                                      : t->config_def().find("renames")   ? replace_config
                                                                          : metadata_config;
    t->configure(config);
    auto first = value_record(schema, order(schema, 1));
    auto second = value_record(schema, order(schema, 2));
    auto equal = value_record(order_schema(), order(order_schema(), 3));  // an equal schema, another object
    auto other = value_record(order_schema("other"), order(order_schema("other"), 4));
    ASSERT_TRUE(t->apply(first));
    ASSERT_TRUE(t->apply(second));
    ASSERT_TRUE(t->apply(equal));
    ASSERT_TRUE(t->apply(other));
    EXPECT_NE(first.value_schema.get(), schema.get());
    EXPECT_EQ(first.value_schema.get(), second.value_schema.get());
    EXPECT_EQ(first.value_schema.get(), equal.value_schema.get());
    EXPECT_NE(first.value_schema.get(), other.value_schema.get());
    EXPECT_EQ(second.value.as_struct().schema().get(), first.value_schema.get());
    EXPECT_EQ(second.value.as_struct().get("id"), Value::int64(2));
    EXPECT_EQ(equal.value.as_struct().get("id"), Value::int64(3));
  }
}

TEST(SchemaCacheTest, HoistFieldAndValueToKeyShareDerivedSchemas) {
  const SchemaPtr schema = order_schema();
  auto hoist = configured(make_hoist_field(Side::Value), cfg({{"field", "order"}}));
  auto to_key = configured(make_value_to_key(), cfg({{"fields", "customer,id"}}));
  auto a = value_record(schema, order(schema, 1));
  auto b = value_record(order_schema(), order(order_schema(), 2));
  for (auto* r : {&a, &b}) ASSERT_TRUE(to_key->apply(*r));
  EXPECT_EQ(a.key_schema.get(), b.key_schema.get());
  EXPECT_EQ(b.key.as_struct().get("id"), Value::int64(2));
  EXPECT_EQ(b.key_schema->fields()[0].name, "customer");
  for (auto* r : {&a, &b}) ASSERT_TRUE(hoist->apply(*r));
  EXPECT_EQ(a.value_schema.get(), b.value_schema.get());
  EXPECT_EQ(b.value.as_struct().get("order").as_struct().get("id"), Value::int64(2));
  auto missing = configured(make_value_to_key(), cfg({{"fields", "nope"}}));
  for (int i = 0; i < 2; ++i) {
    auto r = value_record(schema, order(schema, 3));
    expect_error<DataError>([&] { missing->apply(r); }, "Field does not exist: nope");
  }
  // HoistField checks the value before moving it into the new struct.
  auto null_value = value_record(Schema::string(), Value());
  expect_error<DataError>([&] { hoist->apply(null_value); },
                          "Invalid value: null used for required field: \"order\", schema type: STRING");
  EXPECT_EQ(null_value.value_schema, Schema::string());
}

TEST(SchemaCacheTest, MovedValuesAreComplete) {
  const SchemaPtr schema = order_schema();
  auto r = value_record(schema, order(schema, 7), "orders");
  auto insert = configured(make_insert_field(Side::Value), cfg({{"topic.field", "topic"}}));
  auto replace = configured(make_replace_field(Side::Value), cfg({{"renames", "customer:name"}}));
  auto metadata = configured(make_set_schema_metadata(Side::Value), cfg({{"schema.name", "n"}}));
  auto mask = configured(make_mask_field(Side::Value), cfg({{"fields", "id"}}));
  for (auto* t : {insert.get(), replace.get(), metadata.get(), mask.get()}) ASSERT_TRUE(t->apply(r));
  const Struct& out = r.value.as_struct();
  EXPECT_EQ(out.get("id"), Value::int64(0));
  EXPECT_EQ(out.get("name"), Value::string("a customer name longer than SSO"));
  EXPECT_EQ(out.values()[2], Value::string("none"));  // the default, made explicit as Kafka's copies do
  EXPECT_EQ(out.get("topic"), Value::string("orders"));
  EXPECT_EQ(*r.value_schema->name(), "n");
  EXPECT_NO_THROW(out.validate());
}

TEST(SchemaCacheTest, FailuresLeaveTheRecordAsItWas) {
  const SchemaPtr schema = order_schema();
  // InsertField's offset.field needs a sink record; the check comes before any value is moved.
  auto insert = configured(make_insert_field(Side::Value), cfg({{"offset.field", "offset"}}));
  auto r = value_record(schema, order(schema, 1));
  const Value before = r.value;
  expect_error<DataError>([&] { insert->apply(r); },
                          "Only SinkRecord supported for [field insertion], found: "
                          "org.apache.kafka.connect.source.SourceRecord");
  EXPECT_EQ(r.value, before);
  EXPECT_EQ(r.value_schema, schema);
  auto schemaless = value_record(nullptr, map_of({{"a", Value::string("x")}}));
  expect_error<DataError>([&] { insert->apply(schemaless); },
                          "Only SinkRecord supported for [field insertion], found: "
                          "org.apache.kafka.connect.source.SourceRecord");
  EXPECT_EQ(schemaless.value, map_of({{"a", Value::string("x")}}));

  // A struct missing a required value fails Struct.put's check with Kafka's message, untouched.
  Struct incomplete(schema);
  incomplete.put("customer", Value::string("a customer name longer than SSO"));
  for (auto* make :
       {+[] { return make_insert_field(Side::Value); }, +[] { return make_replace_field(Side::Value); },
        +[] { return make_set_schema_metadata(Side::Value); }}) {
    auto t = make();
    t->configure(t->config_def().find("topic.field") ? cfg({{"topic.field", "topic"}})
                 : t->config_def().find("renames")   ? cfg({{"renames", "note:remark"}})
                                                     : cfg({{"schema.name", "x"}}));
    auto bad = value_record(schema, Value::structure(incomplete));
    expect_error<DataError>([&] { t->apply(bad); },
                            "Invalid value: null used for required field: \"id\", schema type: INT64");
    EXPECT_EQ(bad.value, Value::structure(incomplete));
    EXPECT_EQ(bad.value_schema, schema);
  }

  // MaskField computes every masked value before changing the struct in place.
  auto mask =
      configured(make_mask_field(Side::Value), cfg({{"fields", "customer,id"}, {"replacement", "x1"}}));
  auto m = value_record(schema, order(schema, 5));
  const Value unmasked = m.value;
  expect_error<DataError>([&] { mask->apply(m); }, "Unable to convert x1 (class java.lang.String) to number");
  EXPECT_EQ(m.value, unmasked);
  auto mask_map = value_record(nullptr, map_of({{"customer", Value::string("c")}, {"id", Value::int64(5)}}));
  const Value unmasked_map = mask_map.value;
  expect_error<DataError>([&] { mask->apply(mask_map); },
                          "Unable to convert x1 (class java.lang.String) to number");
  EXPECT_EQ(mask_map.value, unmasked_map);

  // ReplaceField checks every schemaless key before moving any value.
  auto replace = configured(make_replace_field(Side::Value), cfg({{"renames", "a:b"}}));
  Value::Map entries;
  entries.emplace_back(Value::string("a"), Value::string("kept"));
  entries.emplace_back(Value::array({}), Value::int32(1));
  auto odd_keys = value_record(nullptr, Value::map(entries));
  expect_error<DataError>(
      [&] { replace->apply(odd_keys); },
      "Only String keys are supported in maps of schemaless records, found: java.util.ArrayList");
  EXPECT_EQ(odd_keys.value, Value::map(entries));
}

TEST(SchemaCacheTest, MaskFieldKeepsNullsWithoutReplaceNullWithDefault) {
  const SchemaPtr schema = order_schema();
  auto keep = configured(make_mask_field(Side::Value),
                         cfg({{"fields", "id"}, {"replace.null.with.default", "false"}}));
  auto r = value_record(schema, order(schema, 5));
  ASSERT_TRUE(keep->apply(r));
  EXPECT_TRUE(r.value.as_struct().values()[2].is_null());
  EXPECT_EQ(r.value.as_struct().get("id"), Value::int64(0));
}

TEST(SchemaCacheTest, SetSchemaMetadataRefusesAStructOfAnotherShape) {
  auto metadata = configured(make_set_schema_metadata(Side::Value), cfg({{"schema.name", "x"}}));
  const SchemaPtr two =
      SchemaBuilder::structure().field("a", Schema::int32()).field("b", Schema::int32()).build();
  const SchemaPtr one = SchemaBuilder::structure().field("a", Schema::int32()).build();
  Struct s(one);
  s.put("a", Value::int32(1));
  auto r = value_record(two, Value::structure(s));
  expect_error<DataError>([&] { metadata->apply(r); },
                          "Struct value does not match its schema: the schema has 2 fields, the struct 1");
}

TEST(TopicNameMatchesTest, RemembersOnlyTheLastTopic) {
  auto p = make_topic_name_matches();
  p->configure(cfg({{"pattern", "orders.*"}}));
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(p->test(value_record(nullptr, Value(), "orders")));
    EXPECT_TRUE(p->test(value_record(nullptr, Value(), "orders")));
    EXPECT_FALSE(p->test(value_record(nullptr, Value(), "refunds")));
    EXPECT_FALSE(p->test(value_record(nullptr, Value(), "")));
    EXPECT_TRUE(p->test(value_record(nullptr, Value(), "orders-eu")));
  }
  p->configure(cfg({{"pattern", "refunds"}}));
  EXPECT_FALSE(p->test(value_record(nullptr, Value(), "orders-eu")));
  EXPECT_TRUE(p->test(value_record(nullptr, Value(), "refunds")));
}

}  // namespace
}  // namespace sluice::transforms
