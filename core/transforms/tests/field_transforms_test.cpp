// ExtractField, HoistField, Flatten, ReplaceField, ValueToKey, MaskField and SetSchemaMetadata.

#include "core/transforms/transforms.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

namespace sluice::transforms {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test builders

template <typename Make>
std::unique_ptr<api::Transformation> configured(Make make, const config::RawConfig& config) {
  auto t = make();
  t->configure(config);
  return t;
}

// ---- ExtractField -----------------------------------------------------------------------------------------

std::unique_ptr<api::Transformation> extract(Side side, const std::string& field,
                                             const std::string& version = "V1", bool replace_null = true) {
  return configured([side] { return make_extract_field(side); },
                    cfg({{"field", field},
                         {"field.syntax.version", version},
                         {"replace.null.with.default", replace_null ? "true" : "false"}}));
}

TEST(ExtractFieldTest, Schemaless) {
  auto r = key_record(nullptr, map_of({{"magic", Value::int32(42)}}));
  ASSERT_TRUE(extract(Side::Key, "magic")->apply(r));
  EXPECT_EQ(r.key_schema, nullptr);
  EXPECT_EQ(r.key, Value::int32(42));

  auto missing = key_record(nullptr, map_of({{"magic", Value::int32(42)}}));
  ASSERT_TRUE(extract(Side::Key, "nonexistent")->apply(missing));
  EXPECT_TRUE(missing.key.is_null());

  auto tombstone = value_record(nullptr, Value());
  ASSERT_TRUE(extract(Side::Value, "magic")->apply(tombstone));
  EXPECT_TRUE(tombstone.value.is_null());

  auto not_map = value_record(nullptr, Value::int32(1));
  expect_error<DataError>([&] { extract(Side::Value, "magic")->apply(not_map); },
                          "Only Map objects supported in absence of schema for [field extraction], found: "
                          "java.lang.Integer");
}

TEST(ExtractFieldTest, WithSchema) {
  auto schema = SchemaBuilder::structure().field("magic", Schema::int32()).build();
  Struct value(schema);
  value.put("magic", Value::int32(42));
  auto r = key_record(schema, Value::structure(value));
  ASSERT_TRUE(extract(Side::Key, "magic")->apply(r));
  EXPECT_EQ(r.key_schema, Schema::int32());
  EXPECT_EQ(r.key, Value::int32(42));

  auto tombstone = value_record(schema, Value());
  ASSERT_TRUE(extract(Side::Value, "magic")->apply(tombstone));
  EXPECT_EQ(tombstone.value_schema, Schema::int32());
  EXPECT_TRUE(tombstone.value.is_null());

  auto unknown = key_record(schema, Value::structure(value));
  expect_error<DataError>([&] { extract(Side::Key, "nonexistent")->apply(unknown); },
                          "Unknown field: nonexistent");

  auto not_struct = value_record(Schema::int32(), Value::int32(1));
  expect_error<DataError>([&] { extract(Side::Value, "magic")->apply(not_struct); },
                          "Only Struct objects supported for [field extraction], found: java.lang.Integer");
}

TEST(ExtractFieldTest, NestedPathsWithV2) {
  auto schemaless = value_record(nullptr, map_of({{"parent", map_of({{"child", Value::int32(42)}})}}));
  ASSERT_TRUE(extract(Side::Value, "parent.child", "v2")->apply(schemaless));
  EXPECT_EQ(schemaless.value, Value::int32(42));

  auto child = SchemaBuilder::structure().field("baz", Schema::string()).build();
  auto schema = SchemaBuilder::structure().field("foo.bar", child).field("plain", Schema::int32()).build();
  Struct inner(child);
  inner.put("baz", Value::string("deep"));
  Struct outer(schema);
  outer.put("foo.bar", Value::structure(inner));
  outer.put("plain", Value::int32(1));

  auto quoted = value_record(schema, Value::structure(outer));
  ASSERT_TRUE(extract(Side::Value, "`foo.bar`.baz", "V2")->apply(quoted));
  EXPECT_EQ(quoted.value_schema, Schema::string());
  EXPECT_EQ(quoted.value, Value::string("deep"));

  // V1 takes the whole text as one field name, dots included.
  auto v1 = value_record(schema, Value::structure(outer));
  ASSERT_TRUE(extract(Side::Value, "foo.bar")->apply(v1));
  EXPECT_EQ(v1.value.as_struct().get("baz"), Value::string("deep"));

  auto missing_parent = value_record(schema, Value::structure(outer));
  expect_error<DataError>([&] { extract(Side::Value, "nope.baz", "V2")->apply(missing_parent); },
                          "Unknown field: nope.baz");
}

TEST(ExtractFieldTest, ConfigErrors) {
  expect_error<ConfigError>(
      [] { extract(Side::Value, "a", "V3"); },
      "Invalid value V3 for configuration field.syntax.version: String must be one of (case "
      "insensitive): V1, V2");
  expect_error<ConfigError>(
      [] { extract(Side::Value, "`foo.bar", "V2"); },
      "Incomplete backtick pair in path: [`foo.bar], consider adding a backslash before backtick "
      "at position 0 to escape it");
  expect_error<ConfigError>([] { make_extract_field(Side::Value)->configure({}); },
                            "Missing required configuration \"field\" which has no default value.");
}

TEST(ExtractFieldTest, ReplaceNullWithDefault) {
  auto schema =
      SchemaBuilder::structure()
          .field("a", SchemaBuilder::string().optional().default_value(Value::string("dflt")).build())
          .build();
  Struct value(schema);
  auto with_default = value_record(schema, Value::structure(value));
  ASSERT_TRUE(extract(Side::Value, "a")->apply(with_default));
  EXPECT_EQ(with_default.value, Value::string("dflt"));
  auto raw = value_record(schema, Value::structure(value));
  ASSERT_TRUE(extract(Side::Value, "a", "V1", false)->apply(raw));
  EXPECT_TRUE(raw.value.is_null());
}

// ---- HoistField -------------------------------------------------------------------------------------------

TEST(HoistFieldTest, SchemalessAndWithSchema) {
  auto schemaless = key_record(nullptr, Value::int32(42));
  ASSERT_TRUE(
      configured([] { return make_hoist_field(Side::Key); }, cfg({{"field", "magic"}}))->apply(schemaless));
  EXPECT_EQ(schemaless.key_schema, nullptr);
  EXPECT_EQ(schemaless.key, map_of({{"magic", Value::int32(42)}}));

  auto with_schema = key_record(Schema::int32(), Value::int32(42));
  ASSERT_TRUE(
      configured([] { return make_hoist_field(Side::Key); }, cfg({{"field", "magic"}}))->apply(with_schema));
  EXPECT_EQ(with_schema.key_schema->type(), data::Type::Struct);
  EXPECT_EQ(with_schema.key_schema->field("magic")->schema, Schema::int32());
  EXPECT_EQ(with_schema.key.as_struct().get("magic"), Value::int32(42));

  auto tombstone = value_record(nullptr, Value());
  ASSERT_TRUE(
      configured([] { return make_hoist_field(Side::Value); }, cfg({{"field", "v"}}))->apply(tombstone));
  EXPECT_EQ(tombstone.value, map_of({{"v", Value()}}));
}

// ---- Flatten ----------------------------------------------------------------------------------------------

std::unique_ptr<api::Transformation> flatten(Side side, const config::RawConfig& config = {}) {
  return configured([side] { return make_flatten(side); }, config);
}

TEST(FlattenTest, TopLevelMustBeStructOrMap) {
  auto with_schema = value_record(Schema::int32(), Value::int32(42));
  expect_error<DataError>([&] { flatten(Side::Value)->apply(with_schema); },
                          "Only Struct objects supported for [flattening], found: java.lang.Integer");
  auto schemaless = value_record(nullptr, Value::int32(42));
  expect_error<DataError>(
      [&] { flatten(Side::Value)->apply(schemaless); },
      "Only Map objects supported in absence of schema for [flattening], found: java.lang.Integer");
}

TEST(FlattenTest, NestedStruct) {
  auto leaf = SchemaBuilder::structure()
                  .field("int8", Schema::int8())
                  .field("string", Schema::string())
                  .field("bytes", Schema::bytes())
                  .field("ts", data::logical::timestamp_schema())
                  .build();
  auto one = SchemaBuilder::structure().field("B", leaf).build();
  auto two = SchemaBuilder::structure().field("A", one).build();
  Struct l(leaf);
  l.put("int8", Value::int8(8));
  l.put("string", Value::string("stringy"));
  l.put("bytes", Value::bytes("bytes"));
  l.put("ts", Value::int64(5));
  Struct b(one);
  b.put("B", Value::structure(l));
  Struct a(two);
  a.put("A", Value::structure(b));
  auto r = value_record(two, Value::structure(a));
  ASSERT_TRUE(flatten(Side::Value)->apply(r));
  ASSERT_EQ(r.value_schema->fields().size(), 4U);
  const Struct& out = r.value.as_struct();
  EXPECT_EQ(out.get("A.B.int8"), Value::int8(8));
  EXPECT_EQ(out.get("A.B.string"), Value::string("stringy"));
  EXPECT_EQ(out.get("A.B.bytes"), Value::bytes("bytes"));
  EXPECT_EQ(out.get("A.B.ts"), Value::int64(5));
  EXPECT_TRUE(data::logical::is_timestamp(*r.value_schema->field("A.B.ts")->schema));
}

TEST(FlattenTest, NestedMapWithDelimiter) {
  auto r =
      value_record(nullptr, map_of({{"A", map_of({{"B", map_of({{"int32", Value::int32(32)},
                                                                {"string", Value::string("stringy")}})}})}}));
  ASSERT_TRUE(flatten(Side::Value, cfg({{"delimiter", "#"}}))->apply(r));
  EXPECT_EQ(r.value_schema, nullptr);
  EXPECT_EQ(r.value.as_map().size(), 2U);
  EXPECT_EQ(entry(r.value, "A#B#int32"), Value::int32(32));
  EXPECT_EQ(entry(r.value, "A#B#string"), Value::string("stringy"));
}

TEST(FlattenTest, OptionalAndNullNestedValues) {
  auto opt_leaf = SchemaBuilder::structure().optional().field("opt_int32", Schema::optional_int32()).build();
  auto parent = SchemaBuilder::structure().field("B", opt_leaf).build();
  Struct p(parent);
  p.put("B", Value());
  auto r = value_record(parent, Value::structure(p));
  ASSERT_TRUE(flatten(Side::Value)->apply(r));
  EXPECT_TRUE(r.value.as_struct().get("B.opt_int32").is_null());

  // An optional struct schema with a null value stays null and keeps being optional.
  auto tombstone = value_record(opt_leaf, Value());
  ASSERT_TRUE(flatten(Side::Value)->apply(tombstone));
  EXPECT_EQ(tombstone.value_schema->type(), data::Type::Struct);
  EXPECT_TRUE(tombstone.value_schema->optional());
  EXPECT_TRUE(tombstone.value.is_null());

  auto map_with_null = value_record(nullptr, map_of({{"B", map_of({{"opt_int32", Value()}})}}));
  ASSERT_TRUE(flatten(Side::Value)->apply(map_with_null));
  ASSERT_TRUE(has_entry(map_with_null.value, "B.opt_int32"));
  EXPECT_TRUE(entry(map_with_null.value, "B.opt_int32").is_null());
}

TEST(FlattenTest, OptionalAndDefaultValuesNested) {
  SchemaBuilder builder = SchemaBuilder::structure().optional();
  builder.field("req_field", Schema::string());
  builder.field("opt_field",
                SchemaBuilder::string().optional().default_value(Value::string("child_default")).build());
  Struct child_default(builder.build());
  child_default.put("req_field", Value::string("req_default"));
  builder.default_value(Value::structure(child_default));
  auto schema = builder.build();
  auto r = value_record(schema, Value::structure(Struct(schema)));
  ASSERT_TRUE(flatten(Side::Value)->apply(r));
  ASSERT_EQ(r.value_schema->fields().size(), 2U);
  EXPECT_EQ(*r.value_schema->field("req_field")->schema,
            *SchemaBuilder::string().optional().default_value(Value::string("req_default")).build());
  EXPECT_EQ(*r.value_schema->field("opt_field")->schema,
            *SchemaBuilder::string().optional().default_value(Value::string("child_default")).build());
}

TEST(FlattenTest, KeyAndArraysPassThrough) {
  auto key = key_record(nullptr, map_of({{"A", map_of({{"B", Value::int32(12)}})}}));
  ASSERT_TRUE(flatten(Side::Key)->apply(key));
  EXPECT_EQ(entry(key.key, "A.B"), Value::int32(12));

  const Value array_value =
      map_of({{"foo", Value::array({Value::string("bar"), map_of({{"baz", Value::int32(1)}})})}});
  auto schemaless = value_record(nullptr, array_value);
  ASSERT_TRUE(flatten(Side::Value)->apply(schemaless));
  EXPECT_EQ(schemaless.value, array_value);

  auto nested = SchemaBuilder::structure().field("lfg", Schema::string()).build();
  auto schema =
      SchemaBuilder::structure().field("foo", SchemaBuilder::array(nested).doc("durk").build()).build();
  Struct n(nested);
  n.put("lfg", Value::string("lfg"));
  Struct v(schema);
  v.put("foo", Value::array({Value::structure(n)}));
  auto with_schema = value_record(schema, Value::structure(v));
  ASSERT_TRUE(flatten(Side::Value)->apply(with_schema));
  EXPECT_EQ(*with_schema.value_schema, *schema);
  EXPECT_EQ(with_schema.value, Value::structure(v));
}

TEST(FlattenTest, TombstonesAndNullFieldsPassThrough) {
  auto schemaless = value_record(nullptr, Value());
  ASSERT_TRUE(flatten(Side::Value)->apply(schemaless));
  EXPECT_TRUE(schemaless.value.is_null());
  EXPECT_EQ(schemaless.value_schema, nullptr);

  auto schema = SchemaBuilder::structure()
                    .name("name")
                    .version(1)
                    .doc("doc")
                    .field("magic", Schema::optional_int64())
                    .build();
  auto with_schema = value_record(schema, Value());
  ASSERT_TRUE(flatten(Side::Value)->apply(with_schema));
  EXPECT_TRUE(with_schema.value.is_null());
  EXPECT_EQ(*with_schema.value_schema, *schema);

  const Value nulls =
      map_of({{"firstNull", Value()}, {"firstNonNull", Value::string("nonNull")}, {"secondNull", Value()}});
  auto map_record = value_record(nullptr, nulls);
  ASSERT_TRUE(flatten(Side::Value)->apply(map_record));
  EXPECT_EQ(map_record.value, nulls);
}

TEST(FlattenTest, UnsupportedTypes) {
  auto schema = SchemaBuilder::structure()
                    .field("m", SchemaBuilder::map(Schema::string(), Schema::string()).build())
                    .build();
  auto r = value_record(schema, Value::structure(Struct(schema)));
  expect_error<DataError>(
      [&] { flatten(Side::Value)->apply(r); },
      "Flatten transformation does not support MAP for record with schemas (for field m).");
  auto inner = SchemaBuilder::structure().field("x", Schema::int32()).build();
  Struct s(inner);
  s.put("x", Value::int32(1));
  auto schemaless = value_record(nullptr, map_of({{"s", Value::structure(s)}}));
  expect_error<DataError>(
      [&] { flatten(Side::Value)->apply(schemaless); },
      "Flatten transformation does not support class org.apache.kafka.connect.data.Struct for "
      "record without schemas (for field s).");
}

// ---- ReplaceField -----------------------------------------------------------------------------------------

std::unique_ptr<api::Transformation> replace(const config::RawConfig& config) {
  return configured([] { return make_replace_field(Side::Value); }, config);
}

TEST(ReplaceFieldTest, Schemaless) {
  auto r = value_record(nullptr, map_of({{"dont", Value::string("whatever")},
                                         {"abc", Value::int32(42)},
                                         {"foo", Value::boolean(true)},
                                         {"etc", Value::string("etc")}}));
  ASSERT_TRUE(replace(cfg({{"exclude", "dont"}, {"renames", "abc:xyz,foo:bar"}}))->apply(r));
  EXPECT_EQ(
      r.value,
      map_of({{"xyz", Value::int32(42)}, {"bar", Value::boolean(true)}, {"etc", Value::string("etc")}}));

  auto included = value_record(
      nullptr,
      map_of({{"dont", Value::string("x")}, {"abc", Value::int32(42)}, {"foo", Value::boolean(true)}}));
  ASSERT_TRUE(replace(cfg({{"include", "abc,foo"}, {"renames", "abc:xyz,foo:bar"}}))->apply(included));
  EXPECT_EQ(included.value, map_of({{"xyz", Value::int32(42)}, {"bar", Value::boolean(true)}}));
}

TEST(ReplaceFieldTest, WithSchema) {
  auto schema = SchemaBuilder::structure()
                    .name("s")
                    .field("dont", Schema::string())
                    .field("abc", Schema::int32())
                    .field("foo", Schema::boolean())
                    .field("etc", Schema::string())
                    .build();
  Struct v(schema);
  v.put("dont", Value::string("whatever"));
  v.put("abc", Value::int32(42));
  v.put("foo", Value::boolean(true));
  v.put("etc", Value::string("etc"));
  auto r = value_record(schema, Value::structure(v));
  ASSERT_TRUE(replace(cfg({{"include", "abc,foo"}, {"renames", "abc:xyz,foo:bar"}}))->apply(r));
  ASSERT_EQ(r.value_schema->fields().size(), 2U);
  EXPECT_EQ(r.value_schema->fields()[0].name, "xyz");
  EXPECT_EQ(r.value_schema->fields()[1].name, "bar");
  EXPECT_EQ(r.value_schema->name(), std::optional<std::string>("s"));
  EXPECT_EQ(r.value.as_struct().get("xyz"), Value::int32(42));
  EXPECT_EQ(r.value.as_struct().get("bar"), Value::boolean(true));

  auto tombstone = value_record(schema, Value());
  ASSERT_TRUE(replace(cfg({{"exclude", "dont"}}))->apply(tombstone));
  EXPECT_EQ(tombstone.value_schema, schema);
  EXPECT_TRUE(tombstone.value.is_null());

  auto schemaless_tombstone = value_record(nullptr, Value());
  ASSERT_TRUE(replace(cfg({{"exclude", "dont"}}))->apply(schemaless_tombstone));
  EXPECT_TRUE(schemaless_tombstone.value.is_null());
}

TEST(ReplaceFieldTest, DeprecatedWhitelistAndBlacklist) {
  auto r = value_record(
      nullptr, map_of({{"dont", Value::int32(1)}, {"abc", Value::int32(2)}, {"foo", Value::int32(3)}}));
  ASSERT_TRUE(replace(cfg({{"whitelist", "abc,dont"}, {"blacklist", "dont"}}))->apply(r));
  EXPECT_EQ(r.value, map_of({{"abc", Value::int32(2)}}));

  // The new key wins over its deprecated name.
  auto both = value_record(nullptr, map_of({{"abc", Value::int32(2)}, {"foo", Value::int32(3)}}));
  ASSERT_TRUE(replace(cfg({{"include", "foo"}, {"whitelist", "abc"}}))->apply(both));
  EXPECT_EQ(both.value, map_of({{"foo", Value::int32(3)}}));
}

TEST(ReplaceFieldTest, ErrorsAndNullDefaults) {
  expect_error<ConfigError>(
      [] {
        replace(cfg({{"renames", "a:b:c"}}));
      },
      "Invalid value [a:b:c] for configuration renames: Invalid rename mapping: a:b:c");
  auto not_map = value_record(nullptr, Value::int32(1));
  expect_error<DataError>([&] { replace(cfg({}))->apply(not_map); },
                          "Only Map objects supported in absence of schema for [field replacement], found: "
                          "java.lang.Integer");

  auto schema = SchemaBuilder::structure()
                    .field("a", SchemaBuilder::int32().optional().default_value(Value::int32(7)).build())
                    .build();
  auto r = value_record(schema, Value::structure(Struct(schema)));
  ASSERT_TRUE(replace(cfg({{"renames", "a:b"}, {"replace.null.with.default", "false"}}))->apply(r));
  EXPECT_TRUE(r.value.as_struct().values()[0].is_null());
  auto d = value_record(schema, Value::structure(Struct(schema)));
  ASSERT_TRUE(replace(cfg({{"renames", "a:b"}}))->apply(d));
  EXPECT_EQ(d.value.as_struct().values()[0], Value::int32(7));
}

// ---- ValueToKey -------------------------------------------------------------------------------------------

std::unique_ptr<api::Transformation> value_to_key(const std::string& fields) {
  return configured([] { return make_value_to_key(); }, cfg({{"fields", fields}}));
}

TEST(ValueToKeyTest, Schemaless) {
  auto r =
      value_record(nullptr, map_of({{"a", Value::int32(1)}, {"b", Value::int32(2)}, {"c", Value::int32(3)}}));
  ASSERT_TRUE(value_to_key("a,b")->apply(r));
  EXPECT_EQ(r.key_schema, nullptr);
  EXPECT_EQ(r.key, map_of({{"a", Value::int32(1)}, {"b", Value::int32(2)}}));
}

TEST(ValueToKeyTest, WithSchema) {
  auto schema = SchemaBuilder::structure()
                    .field("a", Schema::int32())
                    .field("b", Schema::int32())
                    .field("c", Schema::int32())
                    .build();
  Struct v(schema);
  v.put("a", Value::int32(1));
  v.put("b", Value::int32(2));
  v.put("c", Value::int32(3));
  auto r = value_record(schema, Value::structure(v));
  ASSERT_TRUE(value_to_key("a,b")->apply(r));
  auto expected_schema =
      SchemaBuilder::structure().field("a", Schema::int32()).field("b", Schema::int32()).build();
  EXPECT_EQ(*r.key_schema, *expected_schema);
  EXPECT_EQ(r.key.as_struct().get("a"), Value::int32(1));
  EXPECT_EQ(r.key.as_struct().get("b"), Value::int32(2));
  EXPECT_EQ(r.value, Value::structure(v));

  auto missing = value_record(schema, Value::structure(v));
  expect_error<DataError>([&] { value_to_key("not_exist")->apply(missing); },
                          "Field does not exist: not_exist");
  expect_error<ConfigError>([] { value_to_key(""); },
                            "Invalid value [] for configuration fields: Empty list");
  auto not_map = value_record(nullptr, Value());
  expect_error<DataError>(
      [&] { value_to_key("a")->apply(not_map); },
      "Only Map objects supported in absence of schema for [copying fields from value to key], "
      "found: null");
}

// ---- MaskField --------------------------------------------------------------------------------------------

std::unique_ptr<api::Transformation> mask(const std::string& fields,
                                          const std::optional<std::string>& replacement) {
  config::RawConfig config = cfg({{"fields", fields}});
  if (replacement) config.emplace("replacement", *replacement);
  return configured([] { return make_mask_field(Side::Value); }, config);
}

SchemaPtr mask_schema() {
  return SchemaBuilder::structure()
      .field("magic", Schema::int32())
      .field("bool", Schema::boolean())
      .field("byte", Schema::int8())
      .field("short", Schema::int16())
      .field("int", Schema::int32())
      .field("long", Schema::int64())
      .field("float", Schema::float32())
      .field("double", Schema::float64())
      .field("string", Schema::string())
      .field("date", data::logical::date_schema())
      .field("time", data::logical::time_schema())
      .field("timestamp", data::logical::timestamp_schema())
      .field("decimal", data::logical::decimal_schema(0))
      .field("array", SchemaBuilder::array(Schema::int32()).build())
      .field("map", SchemaBuilder::map(Schema::string(), Schema::string()).build())
      .build();
}

Value mask_values() {
  Struct s(mask_schema());
  s.put("magic", Value::int32(42));
  s.put("bool", Value::boolean(true));
  s.put("byte", Value::int8(42));
  s.put("short", Value::int16(42));
  s.put("int", Value::int32(42));
  s.put("long", Value::int64(42));
  s.put("float", Value::float32(42.0F));
  s.put("double", Value::float64(42.0));
  s.put("string", Value::string("hmm"));
  s.put("date", Value::int32(19000));
  s.put("time", Value::int32(1000));
  s.put("timestamp", Value::int64(1'600'000'000'000));
  s.put("decimal", decimal_value(42));
  s.put("array", Value::array({Value::int32(1), Value::int32(2)}));
  s.put("map", Value::map({{Value::string("what"), Value::string("what")}}));
  return Value::structure(s);
}

TEST(MaskFieldTest, WithSchemaMasksWithTypeDefaults) {
  auto r = value_record(mask_schema(), mask_values());
  ASSERT_TRUE(
      mask("bool,byte,short,int,long,float,double,string,date,time,timestamp,decimal,array,map", std::nullopt)
          ->apply(r));
  const Struct& out = r.value.as_struct();
  EXPECT_EQ(out.get("magic"), Value::int32(42));
  EXPECT_EQ(out.get("bool"), Value::boolean(false));
  EXPECT_EQ(out.get("byte"), Value::int8(0));
  EXPECT_EQ(out.get("short"), Value::int16(0));
  EXPECT_EQ(out.get("int"), Value::int32(0));
  EXPECT_EQ(out.get("long"), Value::int64(0));
  EXPECT_EQ(out.get("float"), Value::float32(0.0F));
  EXPECT_EQ(out.get("double"), Value::float64(0.0));
  EXPECT_EQ(out.get("string"), Value::string(""));
  EXPECT_EQ(out.get("date"), Value::int32(0));
  EXPECT_EQ(out.get("time"), Value::int32(0));
  EXPECT_EQ(out.get("timestamp"), Value::int64(0));
  EXPECT_EQ(out.get("decimal"), decimal_value(0));
  EXPECT_EQ(out.get("array"), Value::array({}));
  EXPECT_EQ(out.get("map"), Value::map({}));
}

TEST(MaskFieldTest, SchemalessMasksWithTypeDefaults) {
  auto r = value_record(nullptr, map_of({{"magic", Value::int32(42)},
                                         {"bool", Value::boolean(true)},
                                         {"long", Value::int64(42)},
                                         {"string", Value::string("55.121.20.20")},
                                         {"list", Value::array({Value::int32(42)})},
                                         {"map", map_of({{"key", Value::string("value")}})}}));
  ASSERT_TRUE(mask("bool,long,string,list,map,absent", std::nullopt)->apply(r));
  EXPECT_EQ(entry(r.value, "magic"), Value::int32(42));
  EXPECT_EQ(entry(r.value, "bool"), Value::boolean(false));
  EXPECT_EQ(entry(r.value, "long"), Value::int64(0));
  EXPECT_EQ(entry(r.value, "string"), Value::string(""));
  EXPECT_EQ(entry(r.value, "list"), Value::array({}));
  EXPECT_EQ(entry(r.value, "map"), Value::map({}));
  ASSERT_TRUE(has_entry(r.value, "absent"));  // HashMap.put(field, masked(null))
  EXPECT_TRUE(entry(r.value, "absent").is_null());
}

TEST(MaskFieldTest, Replacements) {
  for (const auto& [field, expected] :
       std::vector<std::pair<std::string, Value>>{{"short", Value::int16(123)},
                                                  {"byte", Value::int8(123)},
                                                  {"int", Value::int32(123)},
                                                  {"long", Value::int64(123)},
                                                  {"float", Value::float32(123.0F)},
                                                  {"double", Value::float64(123.0)},
                                                  {"string", Value::string("123.0")},
                                                  {"decimal", decimal_value(123)}}) {
    auto r = value_record(mask_schema(), mask_values());
    ASSERT_TRUE(mask(field, "123.0")->apply(r)) << field;
    EXPECT_EQ(r.value.as_struct().get(field), expected) << field;
  }
  auto narrowed = value_record(nullptr, map_of({{"byte", Value::int8(1)}}));
  ASSERT_TRUE(mask("byte", "300")->apply(narrowed));
  EXPECT_EQ(entry(narrowed.value, "byte"), Value::int8(44));
}

TEST(MaskFieldTest, UnsupportedReplacementsAndMismatches) {
  auto date = value_record(mask_schema(), mask_values());
  expect_error<DataError>([&] { mask("date", "123")->apply(date); },
                          "Cannot mask value of type class java.util.Date with custom replacement.");
  auto array = value_record(mask_schema(), mask_values());
  expect_error<DataError>([&] { mask("array", "123")->apply(array); },
                          "Cannot mask value of type class java.util.ArrayList with custom replacement.");
  auto boolean = value_record(nullptr, map_of({{"bool", Value::boolean(true)}}));
  expect_error<DataError>([&] { mask("bool", "false")->apply(boolean); },
                          "Cannot mask value of type class java.lang.Boolean with custom replacement.");
  auto number = value_record(nullptr, map_of({{"int", Value::int32(1)}}));
  expect_error<DataError>([&] { mask("int", "foo")->apply(number); },
                          "Unable to convert foo (class java.lang.String) to number");
  auto bytes = value_record(nullptr, map_of({{"b", Value::bytes("x")}}));
  expect_error<DataError>([&] { mask("b", std::nullopt)->apply(bytes); },
                          "Cannot mask value of type: class [B");
  expect_error<ConfigError>([] { mask("short", ""); },
                            "Invalid value  for configuration replacement: String must be non-empty");
  expect_error<ConfigError>([] { mask("", std::nullopt); },
                            "Invalid value [] for configuration fields: Empty list");
}

// ---- SetSchemaMetadata ------------------------------------------------------------------------------------

std::unique_ptr<api::Transformation> set_metadata(const config::RawConfig& config) {
  return configured([] { return make_set_schema_metadata(Side::Value); }, config);
}

TEST(SetSchemaMetadataTest, NameAndVersion) {
  auto name_only = value_record(SchemaBuilder::structure().build(), Value());
  ASSERT_TRUE(set_metadata(cfg({{"schema.name", "foo"}}))->apply(name_only));
  EXPECT_EQ(name_only.value_schema->name(), std::optional<std::string>("foo"));

  auto version_only = value_record(SchemaBuilder::structure().build(), Value());
  ASSERT_TRUE(set_metadata(cfg({{"schema.version", "42"}}))->apply(version_only));
  EXPECT_EQ(version_only.value_schema->version(), std::optional<std::int32_t>(42));

  auto schema = SchemaBuilder::structure()
                    .name("my.orig.SchemaDefn")
                    .field("f1", Schema::string())
                    .field("f2", Schema::int32())
                    .build();
  Struct v(schema);
  v.put("f1", Value::string("value1"));
  v.put("f2", Value::int32(1));
  auto both = value_record(schema, Value::structure(v));
  ASSERT_TRUE(set_metadata(cfg({{"schema.name", "foo"}, {"schema.version", "42"}}))->apply(both));
  EXPECT_EQ(both.value_schema->name(), std::optional<std::string>("foo"));
  EXPECT_EQ(both.value_schema->version(), std::optional<std::int32_t>(42));
  // The struct refers to the updated schema.
  EXPECT_EQ(both.value.as_struct().schema(), both.value_schema);
  EXPECT_EQ(both.value.as_struct().get("f1"), Value::string("value1"));
}

TEST(SetSchemaMetadataTest, NullFieldsAndReplaceNullWithDefault) {
  auto schema =
      SchemaBuilder::structure()
          .name("my.orig.SchemaDefn")
          .field("f1", SchemaBuilder::string().default_value(Value::string("default")).optional().build())
          .field("f2", Schema::int32())
          .build();
  Struct v(schema);
  v.put("f2", Value::int32(1));
  auto keep_null = value_record(schema, Value::structure(v));
  ASSERT_TRUE(
      set_metadata(cfg({{"schema.name", "foo"}, {"replace.null.with.default", "false"}}))->apply(keep_null));
  EXPECT_TRUE(keep_null.value.as_struct().values()[0].is_null());
  auto use_default = value_record(schema, Value::structure(v));
  ASSERT_TRUE(set_metadata(cfg({{"schema.name", "foo"}}))->apply(use_default));
  EXPECT_EQ(use_default.value.as_struct().values()[0], Value::string("default"));
}

TEST(SetSchemaMetadataTest, DecimalKeepsScaleAndBytes) {
  auto r = value_record(data::logical::decimal_builder(2).optional().build(), decimal_value(12345));
  ASSERT_TRUE(set_metadata(cfg({{"schema.version", "3"}}))->apply(r));
  EXPECT_TRUE(data::logical::is_decimal(*r.value_schema));
  EXPECT_EQ(data::logical::decimal_scale(*r.value_schema), 2);
  EXPECT_EQ(r.value_schema->version(), std::optional<std::int32_t>(3));
  EXPECT_TRUE(r.value_schema->optional());
  EXPECT_EQ(r.value, decimal_value(12345));

  auto array = value_record(SchemaBuilder::array(Schema::int32()).build(), Value::array({Value::int32(1)}));
  ASSERT_TRUE(set_metadata(cfg({{"schema.name", "ints"}}))->apply(array));
  EXPECT_EQ(array.value_schema->value_schema(), Schema::int32());
  EXPECT_EQ(array.value_schema->name(), std::optional<std::string>("ints"));
}

TEST(SetSchemaMetadataTest, Errors) {
  auto schemaless = value_record(nullptr, Value::int32(42));
  expect_error<DataError>(
      [&] {
        set_metadata(cfg({{"schema.name", "foo"}}))->apply(schemaless);
      },
      "Schema required for [updating schema metadata]");
  auto empty = value_record(nullptr, Value());
  ASSERT_TRUE(set_metadata(cfg({{"schema.name", "foo"}}))->apply(empty));
  EXPECT_EQ(empty.value_schema, nullptr);
  expect_error<ConfigError>([] { set_metadata({}); }, "Neither schema name nor version configured");
  expect_error<ConfigError>(
      [] {
        set_metadata(cfg({{"schema.version", "x"}}));
      },
      "Invalid value x for configuration schema.version: Not a number of type INT");
}

}  // namespace
}  // namespace sluice::transforms
