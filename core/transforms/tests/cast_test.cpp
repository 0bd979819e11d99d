#include "core/transforms/transforms.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace sluice::transforms {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test builders

constexpr std::int64_t kDay = 86'400'000;

std::unique_ptr<api::Transformation> cast(Side side, const std::string& spec, bool replace_null = true) {
  auto t = make_cast(side);
  t->configure(cfg({{"spec", spec}, {"replace.null.with.default", replace_null ? "true" : "false"}}));
  return t;
}

void expect_config_error(const std::string& spec, const std::string& message) {
  expect_error<ConfigError>([&] { make_cast(Side::Value)->configure(cfg({{"spec", spec}})); }, message);
}

TEST(CastTest, ConfigErrors) {
  expect_config_error("", "Must specify at least one field to cast.");
  expect_config_error("foo:faketype", "Invalid type found in casting spec: faketype");
  expect_config_error(
      "foo:array",
      "Cast transformation does not support casting to ARRAY; supported types are [INT8, INT16, INT32, "
      "INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]");
  expect_config_error(
      "foo:bytes",
      "Cast transformation does not support casting to BYTES; supported types are [INT8, INT16, INT32, "
      "INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]");
  expect_config_error(
      "foo:int8:extra",
      "Invalid value [foo:int8:extra] for configuration renames: Invalid rename mapping: foo:int8:extra");
  expect_config_error(
      "foo:int8,int32",
      "Cast transformations that specify a type to cast the entire value to may ony specify a single "
      "cast in their spec");
  expect_config_error("faketype", "No enum constant org.apache.kafka.connect.data.Schema.Type.FAKETYPE");
  expect_error<ConfigError>([] { make_cast(Side::Value)->configure({}); },
                            "Missing required configuration \"spec\" which has no default value.");
}

TEST(CastTest, NullKeysAndValuesPassThrough) {
  auto value_record_with_schema = value_record(Schema::string(), Value());
  EXPECT_TRUE(cast(Side::Value, "foo:int64")->apply(value_record_with_schema));
  EXPECT_EQ(value_record_with_schema.value_schema, Schema::string());
  EXPECT_TRUE(value_record_with_schema.value.is_null());

  auto schemaless = value_record(nullptr, Value());
  EXPECT_TRUE(cast(Side::Value, "foo:int64")->apply(schemaless));
  EXPECT_TRUE(schemaless.value.is_null());

  auto key = key_record(Schema::string(), Value());
  key.value_schema = Schema::string();
  key.value = Value::string("value");
  EXPECT_TRUE(cast(Side::Key, "foo:int64")->apply(key));
  EXPECT_TRUE(key.key.is_null());
  EXPECT_EQ(key.value, Value::string("value"));
}

TEST(CastTest, WholeKeyWithSchema) {
  auto r = key_record(Schema::int32(), Value::int32(42));
  r.value_schema = Schema::string();
  r.value = Value::string("bogus");
  ASSERT_TRUE(cast(Side::Key, "int8")->apply(r));
  EXPECT_EQ(r.key_schema->type(), data::Type::Int8);
  EXPECT_EQ(r.key, Value::int8(42));
  EXPECT_EQ(r.value, Value::string("bogus"));
}

TEST(CastTest, WholeValueWithSchemaToEachType) {
  struct Case {
    std::string spec;
    data::Type type;
    Value expected;
  };
  for (const Case& c :
       {Case{"int8", data::Type::Int8, Value::int8(42)}, Case{"int16", data::Type::Int16, Value::int16(42)},
        Case{"int32", data::Type::Int32, Value::int32(42)},
        Case{"int64", data::Type::Int64, Value::int64(42)},
        Case{"float32", data::Type::Float32, Value::float32(42.0F)},
        Case{"float64", data::Type::Float64, Value::float64(42.0)},
        Case{"boolean", data::Type::Boolean, Value::boolean(true)},
        Case{"string", data::Type::String, Value::string("42")}}) {
    auto r = value_record(Schema::int32(), Value::int32(42));
    ASSERT_TRUE(cast(Side::Value, c.spec)->apply(r)) << c.spec;
    EXPECT_EQ(r.value_schema->type(), c.type) << c.spec;
    EXPECT_EQ(r.value, c.expected) << c.spec;
  }
  auto zero = value_record(Schema::int32(), Value::int32(0));
  ASSERT_TRUE(cast(Side::Value, "boolean")->apply(zero));
  EXPECT_EQ(zero.value, Value::boolean(false));
}

TEST(CastTest, WholeValueSchemalessToEachType) {
  for (const auto& [spec, expected] :
       std::vector<std::pair<std::string, Value>>{{"int8", Value::int8(42)},
                                                  {"int16", Value::int16(42)},
                                                  {"int32", Value::int32(42)},
                                                  {"int64", Value::int64(42)},
                                                  {"float32", Value::float32(42.0F)},
                                                  {"float64", Value::float64(42.0)},
                                                  {"boolean", Value::boolean(true)},
                                                  {"string", Value::string("42")}}) {
    auto r = value_record(nullptr, Value::int32(42));
    ASSERT_TRUE(cast(Side::Value, spec)->apply(r)) << spec;
    EXPECT_EQ(r.value_schema, nullptr);
    EXPECT_EQ(r.value, expected) << spec;
  }
}

TEST(CastTest, WholeValueUnsupportedSchemalessType) {
  auto r = value_record(nullptr, Value::array({Value::string("foo")}));
  expect_error<DataError>(
      [&] { cast(Side::Value, "int8")->apply(r); },
      "Cast transformation does not support casting from ARRAY; supported types are [INT8, INT16, "
      "INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]");
}

TEST(CastTest, WholeValueCastsTheSchemaDefault) {
  auto schema = SchemaBuilder::float32().default_value(Value::float32(-42.125F)).build();
  auto r = value_record(schema, Value::float32(42.125F));
  ASSERT_TRUE(cast(Side::Value, "int32")->apply(r));
  EXPECT_EQ(r.value_schema->type(), data::Type::Int32);
  EXPECT_EQ(r.value, Value::int32(42));
  ASSERT_TRUE(r.value_schema->default_value().has_value());
  EXPECT_EQ(*r.value_schema->default_value(), Value::int32(-42));
}

TEST(CastTest, DecimalsAsStringsAndNumbers) {
  auto whole = value_record(data::logical::decimal_schema(0), decimal_value(42));
  ASSERT_TRUE(cast(Side::Value, "string")->apply(whole));
  EXPECT_EQ(whole.value, Value::string("42"));
  // A Decimal cast to another base type loses its logical name (see cast.cpp).
  EXPECT_FALSE(whole.value_schema->name().has_value());
  EXPECT_TRUE(whole.value_schema->parameters().empty());

  auto scaled = value_record(data::logical::decimal_schema(2), decimal_value(-12345));
  ASSERT_TRUE(cast(Side::Value, "string")->apply(scaled));
  EXPECT_EQ(scaled.value, Value::string("-123.45"));

  auto small = value_record(data::logical::decimal_schema(10), decimal_value(1));
  ASSERT_TRUE(cast(Side::Value, "string")->apply(small));
  EXPECT_EQ(small.value, Value::string("1E-10"));  // BigDecimal.toString

  auto to_long = value_record(data::logical::decimal_schema(2), decimal_value(1275));
  ASSERT_TRUE(cast(Side::Value, "int64")->apply(to_long));
  EXPECT_EQ(to_long.value, Value::int64(12));

  auto to_double = value_record(data::logical::decimal_schema(2), decimal_value(1275));
  ASSERT_TRUE(cast(Side::Value, "float64")->apply(to_double));
  EXPECT_EQ(to_double.value, Value::float64(12.75));

  auto half = value_record(data::logical::decimal_schema(1), decimal_value(5));
  ASSERT_TRUE(cast(Side::Value, "boolean")->apply(half));
  EXPECT_EQ(half.value, Value::boolean(false));  // longValue() of 0.5 is 0
}

TEST(CastTest, LogicalTypesToPrimitives) {
  auto optional_timestamp = data::logical::timestamp_builder().optional().build();
  auto schema = SchemaBuilder::structure()
                    .field("date_to_int32", data::logical::date_schema())
                    .field("timestamp_to_int64", data::logical::timestamp_schema())
                    .field("time_to_int64", data::logical::time_schema())
                    .field("decimal_to_int32", data::logical::decimal_schema(0))
                    .field("timestamp_to_float64", data::logical::timestamp_schema())
                    .field("null_timestamp_to_int32", optional_timestamp)
                    .build();
  Struct value(schema);
  value.put("date_to_int32", Value::int32(1));
  value.put("timestamp_to_int64", Value::int64(0));
  value.put("time_to_int64", Value::int32(1));
  value.put("decimal_to_int32", decimal_value(std::int64_t{std::numeric_limits<std::int32_t>::max()} + 1));
  value.put("timestamp_to_float64", Value::int64(std::numeric_limits<std::int64_t>::max()));
  auto r = value_record(schema, Value::structure(value));
  ASSERT_TRUE(cast(Side::Value,
                   "date_to_int32:int32,timestamp_to_int64:int64,time_to_int64:int64,decimal_to_int32:int32,"
                   "timestamp_to_float64:float64,null_timestamp_to_int32:int32")
                  ->apply(r));
  const Struct& out = r.value.as_struct();
  EXPECT_EQ(out.get("date_to_int32"), Value::int32(1));
  EXPECT_EQ(out.get("timestamp_to_int64"), Value::int64(0));
  EXPECT_EQ(out.get("time_to_int64"), Value::int64(1));
  EXPECT_EQ(out.get("decimal_to_int32"), Value::int32(std::numeric_limits<std::int32_t>::min()));
  EXPECT_EQ(out.get("timestamp_to_float64"), Value::float64(9.223372036854776E18));
  EXPECT_TRUE(out.get("null_timestamp_to_int32").is_null());
  EXPECT_EQ(r.value_schema->field("date_to_int32")->schema->type(), data::Type::Int32);
  EXPECT_EQ(r.value_schema->field("time_to_int64")->schema->type(), data::Type::Int64);
  EXPECT_EQ(r.value_schema->field("timestamp_to_float64")->schema->type(), data::Type::Float64);
  EXPECT_TRUE(r.value_schema->field("null_timestamp_to_int32")->schema->optional());
}

TEST(CastTest, LogicalTypesToStringsUseConnectIsoForms) {
  auto schema = SchemaBuilder::structure()
                    .field("date", data::logical::date_schema())
                    .field("decimal", data::logical::decimal_schema(0))
                    .field("time", data::logical::time_schema())
                    .field("timestamp", data::logical::timestamp_schema())
                    .field("early", data::logical::timestamp_schema())
                    .build();
  Struct value(schema);
  value.put("date", Value::int32(1));
  value.put("decimal", decimal_value(1982));
  value.put("time", Value::int32(3'600'000));
  value.put("timestamp", Value::int64(kDay + 1));
  value.put("early", Value::int64(-1));
  auto r = value_record(schema, Value::structure(value));
  ASSERT_TRUE(
      cast(Side::Value, "date:string,decimal:string,time:string,timestamp:string,early:string")->apply(r));
  const Struct& out = r.value.as_struct();
  EXPECT_EQ(out.get("date"), Value::string("1970-01-02"));
  EXPECT_EQ(out.get("decimal"), Value::string("1982"));
  EXPECT_EQ(out.get("time"), Value::string("01:00:00.000Z"));
  EXPECT_EQ(out.get("timestamp"), Value::string("1970-01-02T00:00:00.001Z"));
  // Values.dateFormatFor picks the time form for anything below one day, including instants before 1970.
  EXPECT_EQ(out.get("early"), Value::string("23:59:59.999Z"));
}

TEST(CastTest, FieldsWithSchema) {
  const std::string bytes("\xFE\xDC\xBA\x98\x76\x54\x32\x10", 8);
  auto schema = SchemaBuilder::structure()
                    .field("int8", Schema::int8())
                    .field("int16", Schema::optional_int16())
                    .field("int32", SchemaBuilder::int32().default_value(Value::int32(2)).build())
                    .field("int64", Schema::int64())
                    .field("float32", Schema::float32())
                    .field("float64", SchemaBuilder::float64().default_value(Value::float64(-1.125)).build())
                    .field("boolean", Schema::boolean())
                    .field("string", Schema::string())
                    .field("bigdecimal", data::logical::decimal_schema(0))
                    .field("date", data::logical::date_schema())
                    .field("optional", Schema::optional_float32())
                    .field("timestamp", data::logical::timestamp_schema())
                    .field("bytes", Schema::bytes())
                    .build();
  Struct value(schema);
  value.put("int8", Value::int8(8));
  value.put("int16", Value::int16(16));
  value.put("int32", Value::int32(32));
  value.put("int64", Value::int64(64));
  value.put("float32", Value::float32(32.0F));
  value.put("float64", Value::float64(-64.0));
  value.put("boolean", Value::boolean(true));
  value.put("string", Value::string("42"));
  value.put("bigdecimal", decimal_value(42));
  value.put("date", Value::int32(1));
  value.put("timestamp", Value::int64(0));
  value.put("bytes", Value::bytes(bytes));
  auto r = value_record(schema, Value::structure(value));
  ASSERT_TRUE(
      cast(Side::Value,
           "int8:int16,int16:int32,int32:int64,int64:boolean,float32:float64,float64:boolean,boolean:int8,"
           "string:int32,bigdecimal:string,date:string,optional:int32,bytes:string")
          ->apply(r));
  const Struct& out = r.value.as_struct();
  const auto& s = r.value_schema;
  EXPECT_EQ(out.get("int8"), Value::int16(8));
  EXPECT_TRUE(s->field("int16")->schema->optional());
  EXPECT_EQ(out.get("int16"), Value::int32(16));
  EXPECT_EQ(out.get("int32"), Value::int64(32));
  EXPECT_EQ(*s->field("int32")->schema->default_value(), Value::int64(2));
  EXPECT_EQ(out.get("int64"), Value::boolean(true));
  EXPECT_EQ(out.get("float32"), Value::float64(32.0));
  EXPECT_EQ(out.get("float64"), Value::boolean(true));
  EXPECT_EQ(*s->field("float64")->schema->default_value(), Value::boolean(true));
  EXPECT_EQ(out.get("boolean"), Value::int8(1));
  EXPECT_EQ(out.get("string"), Value::int32(42));
  EXPECT_EQ(out.get("bigdecimal"), Value::string("42"));
  EXPECT_EQ(out.get("date"), Value::string("1970-01-02"));
  EXPECT_EQ(out.get("timestamp"), Value::int64(0));
  EXPECT_EQ(out.get("bytes"), Value::string("/ty6mHZUMhA="));
  EXPECT_TRUE(out.get("optional").is_null());
  EXPECT_EQ(s->field("optional")->schema->type(), data::Type::Int32);
  EXPECT_TRUE(data::logical::is_timestamp(*s->field("timestamp")->schema));  // untouched
}

TEST(CastTest, FieldsSchemaless) {
  auto r = value_record(nullptr, map_of({{"int8", Value::int8(8)},
                                         {"int16", Value::int16(16)},
                                         {"int32", Value::int32(32)},
                                         {"int64", Value::int64(64)},
                                         {"float32", Value::float32(32.0F)},
                                         {"float64", Value::float64(-64.0)},
                                         {"boolean", Value::boolean(true)},
                                         {"string", Value::string("42")}}));
  ASSERT_TRUE(
      cast(Side::Value,
           "int8:int16,int16:int32,int32:int64,int64:boolean,float32:float64,float64:boolean,boolean:int8,"
           "string:int32,missing:int64")
          ->apply(r));
  EXPECT_EQ(r.value_schema, nullptr);
  EXPECT_EQ(entry(r.value, "int8"), Value::int16(8));
  EXPECT_EQ(entry(r.value, "int16"), Value::int32(16));
  EXPECT_EQ(entry(r.value, "int32"), Value::int64(32));
  EXPECT_EQ(entry(r.value, "int64"), Value::boolean(true));
  EXPECT_EQ(entry(r.value, "float32"), Value::float64(32.0));
  EXPECT_EQ(entry(r.value, "float64"), Value::boolean(true));
  EXPECT_EQ(entry(r.value, "boolean"), Value::int8(1));
  EXPECT_EQ(entry(r.value, "string"), Value::int32(42));
  // HashMap.put of the cast of a missing field adds it as null, as Kafka does.
  ASSERT_TRUE(has_entry(r.value, "missing"));
  EXPECT_TRUE(entry(r.value, "missing").is_null());
}

TEST(CastTest, JavaNumberSemantics) {
  auto narrowed = value_record(nullptr, Value::int64(300));
  ASSERT_TRUE(cast(Side::Value, "int8")->apply(narrowed));
  EXPECT_EQ(narrowed.value, Value::int8(44));

  auto saturated = value_record(nullptr, Value::float64(3.9e10));
  ASSERT_TRUE(cast(Side::Value, "int32")->apply(saturated));
  EXPECT_EQ(saturated.value, Value::int32(std::numeric_limits<std::int32_t>::max()));

  auto nan = value_record(nullptr, Value::float64(std::nan("")));
  ASSERT_TRUE(cast(Side::Value, "int64")->apply(nan));
  EXPECT_EQ(nan.value, Value::int64(0));

  auto f = value_record(nullptr, Value::float32(1.5F));
  ASSERT_TRUE(cast(Side::Value, "string")->apply(f));
  EXPECT_EQ(f.value, Value::string("1.5"));

  auto d = value_record(nullptr, Value::float64(1e10));
  ASSERT_TRUE(cast(Side::Value, "string")->apply(d));
  EXPECT_EQ(d.value, Value::string("1.0E10"));

  auto parsed = value_record(nullptr, Value::string(" 2.5f "));
  ASSERT_TRUE(cast(Side::Value, "float64")->apply(parsed));
  EXPECT_EQ(parsed.value, Value::float64(2.5));

  auto truthy = value_record(nullptr, Value::string("TRUE"));
  ASSERT_TRUE(cast(Side::Value, "boolean")->apply(truthy));
  EXPECT_EQ(truthy.value, Value::boolean(true));

  auto other = value_record(nullptr, Value::string("yes"));
  ASSERT_TRUE(cast(Side::Value, "boolean")->apply(other));
  EXPECT_EQ(other.value, Value::boolean(false));
}

TEST(CastTest, UnparseableStringsAndUnsupportedInputs) {
  auto out_of_range = value_record(nullptr, Value::string("300"));
  expect_error<DataError>([&] { cast(Side::Value, "int8")->apply(out_of_range); },
                          "Value (300) was out of range for requested data type");
  auto garbage = value_record(nullptr, Value::string("abc"));
  expect_error<DataError>([&] { cast(Side::Value, "float64")->apply(garbage); },
                          "Value (abc) was out of range for requested data type");
  auto bytes = value_record(Schema::bytes(), Value::bytes("xy"));
  expect_error<DataError>([&] { cast(Side::Value, "int32")->apply(bytes); },
                          "Unexpected type in Cast transformation: class [B");
  // Kafka builds the updated schema before looking at the value, so a non-struct schema fails first.
  auto not_struct = value_record(Schema::int32(), Value::int32(1));
  expect_error<DataError>([&] { cast(Side::Value, "a:int8")->apply(not_struct); },
                          "Cannot list fields on non-struct type");
  auto not_map = value_record(nullptr, Value::int32(1));
  expect_error<DataError>(
      [&] { cast(Side::Value, "a:int8")->apply(not_map); },
      "Only Map objects supported in absence of schema for [cast types], found: java.lang.Integer");
}

TEST(CastTest, ReplaceNullWithDefault) {
  auto schema = SchemaBuilder::structure()
                    .field("a", SchemaBuilder::int32().optional().default_value(Value::int32(5)).build())
                    .build();
  Struct value(schema);
  value.put("a", Value());

  auto with_default = value_record(schema, Value::structure(value));
  ASSERT_TRUE(cast(Side::Value, "a:int64", true)->apply(with_default));
  EXPECT_EQ(with_default.value.as_struct().values()[0], Value::int64(5));

  auto without_default = value_record(schema, Value::structure(value));
  ASSERT_TRUE(cast(Side::Value, "a:int64", false)->apply(without_default));
  EXPECT_TRUE(without_default.value.as_struct().values()[0].is_null());
  EXPECT_EQ(*without_default.value_schema->field("a")->schema->default_value(), Value::int64(5));
}

}  // namespace
}  // namespace sluice::transforms
