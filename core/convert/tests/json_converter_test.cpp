// Expected bytes come from Kafka's JsonConverterTest / JsonConverter sources and the connect reference
// (KAFKA-CONNECT-REFERENCE.md section 2.1); Jackson writes compact JSON with the key orders asserted here.

#include "core/common/errors.hpp"
#include "core/convert/json_converter.hpp"
#include "core/data/logical.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace sluice::convert {
namespace {

using data::Schema;
using data::SchemaBuilder;
using data::SchemaPtr;
using data::Struct;
using data::Value;
namespace logical = data::logical;

constexpr const char* kTopic = "topic";
constexpr const char* kEnvelopeError =
    "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain "
    "additional "
    "fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter "
    "configuration.";
constexpr const char* kParsePrefix =
    "Converting byte[] to Kafka Connect data failed due to serialization error: ";

JsonConverter make(config::RawConfig cfg = {}, bool is_key = false) {
  JsonConverter c;
  c.configure(cfg, is_key);
  return c;
}

JsonConverter schemaless(config::RawConfig cfg = {}) {
  cfg["schemas.enable"] = "false";
  return make(std::move(cfg));
}

std::string write(JsonConverter& c, const SchemaPtr& schema, const Value& value) {
  auto out = c.from_connect(kTopic, nullptr, schema, value);
  EXPECT_TRUE(out.has_value());
  return out.value_or("<null>");
}

data::SchemaAndValue read(JsonConverter& c, std::string_view json) {
  return c.to_connect(kTopic, nullptr, json);
}

template <typename F>
std::string data_error_of(F&& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "<no DataError>";
}

std::string env(const std::string& schema, const std::string& payload) {
  return "{\"schema\":" + schema + ",\"payload\":" + payload + "}";
}

// Round trip: to_connect(from_connect(x)) == x, schema and value.
void expect_round_trip(JsonConverter& c, const SchemaPtr& schema, const Value& value) {
  auto bytes = c.from_connect(kTopic, nullptr, schema, value);
  ASSERT_TRUE(bytes.has_value());
  auto back = c.to_connect(kTopic, nullptr, *bytes);
  ASSERT_TRUE(back.schema) << *bytes;
  EXPECT_EQ(*back.schema, *schema) << *bytes;
  EXPECT_EQ(back.value, value) << *bytes;
}

// ---- Connect -> JSON, with schemas
// ------------------------------------------------------------------------------

TEST(JsonConverterTest, EveryPrimitiveTypeWithSchema) {
  auto c = make();
  EXPECT_EQ(write(c, Schema::boolean(), Value::boolean(true)),
            env(R"({"type":"boolean","optional":false})", "true"));
  EXPECT_EQ(write(c, Schema::int8(), Value::int8(12)), env(R"({"type":"int8","optional":false})", "12"));
  EXPECT_EQ(write(c, Schema::int16(), Value::int16(12)), env(R"({"type":"int16","optional":false})", "12"));
  EXPECT_EQ(write(c, Schema::int32(), Value::int32(12)), env(R"({"type":"int32","optional":false})", "12"));
  EXPECT_EQ(write(c, Schema::int64(), Value::int64(4398046511104LL)),
            env(R"({"type":"int64","optional":false})", "4398046511104"));
  EXPECT_EQ(write(c, Schema::float32(), Value::float32(12.34F)),
            env(R"({"type":"float","optional":false})", "12.34"));
  EXPECT_EQ(write(c, Schema::float64(), Value::float64(12.34)),
            env(R"({"type":"double","optional":false})", "12.34"));
  EXPECT_EQ(write(c, Schema::bytes(), Value::bytes("test-string")),
            env(R"({"type":"bytes","optional":false})", R"("dGVzdC1zdHJpbmc=")"));
  EXPECT_EQ(write(c, Schema::string(), Value::string("foo-bar-baz")),
            env(R"({"type":"string","optional":false})", R"("foo-bar-baz")"));
}

TEST(JsonConverterTest, FileStreamSourceLinesAreByteExact) {
  auto c = make();
  EXPECT_EQ(write(c, Schema::string(), Value::string("foo")),
            R"({"schema":{"type":"string","optional":false},"payload":"foo"})");
  EXPECT_EQ(write(c, Schema::string(), Value::string("")),
            R"({"schema":{"type":"string","optional":false},"payload":""})");
}

TEST(JsonConverterTest, SchemaMetadataKeyOrder) {
  auto c = make();
  auto schema = SchemaBuilder::boolean()
                    .required()
                    .name("bool")
                    .version(3)
                    .doc("the documentation")
                    .parameter("foo", "bar")
                    .parameter("baz", "qux")
                    .build();
  EXPECT_EQ(write(c, schema, Value::boolean(true)),
            env(R"({"type":"boolean","optional":false,"name":"bool","version":3,"doc":"the documentation",)"
                R"("parameters":{"foo":"bar","baz":"qux"}})",
                "true"));
  auto with_default = SchemaBuilder::int32().optional().name("n").default_value(Value::int32(7)).build();
  EXPECT_EQ(write(c, with_default, Value::int32(1)),
            env(R"({"type":"int32","optional":true,"name":"n","default":7})", "1"));
}

TEST(JsonConverterTest, ArraysMapsAndStructs) {
  auto c = make();
  EXPECT_EQ(write(c, SchemaBuilder::array(Schema::int32()).build(),
                  Value::array({Value::int32(1), Value::int32(2), Value::int32(3)})),
            env(R"({"type":"array","items":{"type":"int32","optional":false},"optional":false})", "[1,2,3]"));
  EXPECT_EQ(
      write(
          c, SchemaBuilder::map(Schema::string(), Schema::int32()).build(),
          Value::map({{Value::string("key1"), Value::int32(12)}, {Value::string("key2"), Value::int32(15)}})),
      env(R"({"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},)"
          R"("optional":false})",
          R"({"key1":12,"key2":15})"));
  EXPECT_EQ(
      write(c, SchemaBuilder::map(Schema::int32(), Schema::int32()).build(),
            Value::map({{Value::int32(1), Value::int32(12)}, {Value::int32(2), Value::int32(15)}})),
      env(R"({"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"int32","optional":false},)"
          R"("optional":false})",
          "[[1,12],[2,15]]"));
  auto schema = SchemaBuilder::structure()
                    .field("field1", Schema::boolean())
                    .field("field2", Schema::string())
                    .field("field3", Schema::string())
                    .field("field4", Schema::boolean())
                    .build();
  Struct s(schema);
  s.put("field1", Value::boolean(true))
      .put("field2", Value::string("string2"))
      .put("field3", Value::string("string3"))
      .put("field4", Value::boolean(false));
  EXPECT_EQ(
      write(c, schema, Value::structure(s)),
      env(R"({"type":"struct","fields":[{"type":"boolean","optional":false,"field":"field1"},)"
          R"({"type":"string","optional":false,"field":"field2"},{"type":"string","optional":false,"field":"field3"},)"
          R"({"type":"boolean","optional":false,"field":"field4"}],"optional":false})",
          R"({"field1":true,"field2":"string2","field3":"string3","field4":false})"));
}

TEST(JsonConverterTest, NestedStructsWithMetadataOnFields) {
  auto c = make();
  auto inner = SchemaBuilder::structure()
                   .name("com.example.Inner")
                   .optional()
                   .field("tags", SchemaBuilder::array(Schema::optional_string()).build())
                   .field("counts", SchemaBuilder::map(Schema::string(), Schema::int64()).optional().build())
                   .build();
  auto outer = SchemaBuilder::structure()
                   .name("com.example.Outer")
                   .version(2)
                   .doc("outer doc")
                   .field("id", SchemaBuilder::int64().doc("the id").build())
                   .field("inner", inner)
                   .field("score", SchemaBuilder::float64().default_value(Value::float64(1.5)).build())
                   .build();
  Struct in(inner);
  in.put("tags", Value::array({Value::string("a"), Value()}));
  Struct out(outer);
  out.put("id", Value::int64(42)).put("inner", Value::structure(in));
  // score stays unset: written as its default 1.5 (which then reads back as an explicit 1.5).
  const std::string expected_schema =
      R"({"type":"struct","fields":[)"
      R"({"type":"int64","optional":false,"doc":"the id","field":"id"},)"
      R"({"type":"struct","fields":[{"type":"array","items":{"type":"string","optional":true},"optional":false,"field":"tags"},)"
      R"({"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int64","optional":false},"optional":true,"field":"counts"}],)"
      R"("optional":true,"name":"com.example.Inner","field":"inner"},)"
      R"({"type":"double","optional":false,"default":1.5,"field":"score"}],)"
      R"("optional":false,"name":"com.example.Outer","version":2,"doc":"outer doc"})";
  EXPECT_EQ(write(c, outer, Value::structure(out)),
            env(expected_schema, R"({"id":42,"inner":{"tags":["a",null],"counts":null},"score":1.5})"));
  out.put("score", Value::float64(1.5));
  expect_round_trip(c, outer, Value::structure(out));
}

TEST(JsonConverterTest, LogicalTypes) {
  auto c = make();
  EXPECT_EQ(
      write(c, logical::decimal_schema(2), Value::bytes(logical::decimal_from_int64(156))),
      env(R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,)"
          R"("parameters":{"scale":"2"}})",
          R"("AJw=")"));
  EXPECT_EQ(
      write(c, logical::date_schema(), Value::int32(10000)),
      env(R"({"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1})",
          "10000"));
  EXPECT_EQ(
      write(c, logical::time_schema(), Value::int32(14400000)),
      env(R"({"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1})",
          "14400000"));
  EXPECT_EQ(
      write(c, logical::timestamp_schema(), Value::int64(4000000000LL)),
      env(R"({"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1})",
          "4000000000"));
  EXPECT_EQ(data_error_of([&] { write(c, logical::timestamp_schema(), Value::int32(1)); }),
            "Invalid type for Timestamp, expected INT64 but was INT32");
  EXPECT_EQ(data_error_of([&] { write(c, logical::decimal_schema(2), Value::string("1.5")); }),
            "Invalid type for Decimal, expected BYTES holding the unscaled value but was STRING");
}

TEST(JsonConverterTest, DecimalBase64) {
  auto c = schemaless();
  auto schema = logical::decimal_schema(2);
  EXPECT_EQ(write(c, schema, Value::bytes(logical::decimal_from_string("1.56", 2))), R"("AJw=")");
  EXPECT_EQ(write(c, schema, Value::bytes(logical::decimal_from_string("-1.56", 2))), R"("/2Q=")");
  EXPECT_EQ(write(c, schema, Value::bytes(logical::decimal_from_string("0", 2))), R"("AA==")");
  // Larger than 64 bits: 123456789012345678901234567890 -> 13 bytes.
  EXPECT_EQ(write(c, logical::decimal_schema(0),
                  Value::bytes(logical::decimal_from_string("123456789012345678901234567890", 0))),
            R"("AY7pD/bDc+DuTj8K0g==")");
  // Non-minimal bytes are written in BigInteger.toByteArray() form.
  EXPECT_EQ(write(c, schema, Value::bytes(std::string("\x00\x00\x9c", 3))), R"("AJw=")");
}

TEST(JsonConverterTest, DecimalNumeric) {
  auto c = schemaless({{"decimal.format", "NUMERIC"}});
  EXPECT_EQ(write(c, logical::decimal_schema(2), Value::bytes(logical::decimal_from_int64(156))), "1.56");
  EXPECT_EQ(write(c, logical::decimal_schema(4), Value::bytes(logical::decimal_from_int64(15600))), "1.5600");
  EXPECT_EQ(write(c, logical::decimal_schema(2), Value::bytes(logical::decimal_from_int64(-156))), "-1.56");
  EXPECT_EQ(write(c, logical::decimal_schema(0), Value::bytes(logical::decimal_from_int64(0))), "0");
  // BigDecimal.toString switches to scientific notation for negative scales and tiny values.
  EXPECT_EQ(write(c, logical::decimal_schema(-2), Value::bytes(logical::decimal_from_int64(123))), "1.23E+4");
  EXPECT_EQ(write(c, logical::decimal_schema(10), Value::bytes(logical::decimal_from_int64(1))), "1E-10");
  EXPECT_EQ(write(c, logical::decimal_schema(0),
                  Value::bytes(logical::decimal_from_string("123456789012345678901234567890", 0))),
            "123456789012345678901234567890");
  // Case-insensitive, as Kafka's CaseInsensitiveValidString.
  auto lower = schemaless({{"decimal.format", "numeric"}});
  EXPECT_EQ(write(lower, logical::decimal_schema(1), Value::bytes(logical::decimal_from_int64(15))), "1.5");
}

TEST(JsonConverterTest, DecimalNumericEnvelopeRoundTrip) {
  auto c = make({{"decimal.format", "NUMERIC"}});
  auto schema = logical::decimal_schema(2);
  EXPECT_EQ(
      write(c, schema, Value::bytes(logical::decimal_from_int64(156))),
      env(R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,)"
          R"("parameters":{"scale":"2"}})",
          "1.56"));
  expect_round_trip(c, schema, Value::bytes(logical::decimal_from_int64(156)));
  expect_round_trip(c, schema, Value::bytes(logical::decimal_from_string("-98765432109876543210.99", 2)));
}

TEST(JsonConverterTest, NullsAndTombstones) {
  auto c = make();
  // Null schema and null value: a null Kafka value, no envelope.
  EXPECT_EQ(c.from_connect(kTopic, nullptr, nullptr, Value()), std::nullopt);
  EXPECT_EQ(write(c, Schema::optional_boolean(), Value()),
            R"({"schema":{"type":"boolean","optional":true},"payload":null})");
  EXPECT_EQ(write(c, Schema::optional_string(), Value()),
            R"({"schema":{"type":"string","optional":true},"payload":null})");
  EXPECT_EQ(write(c, nullptr, Value::string("foo")), R"({"schema":null,"payload":"foo"})");
  EXPECT_EQ(data_error_of([&] { write(c, Schema::string(), Value()); }),
            "Conversion error: null value for field that is required and has no default value");
  // Tombstone in, null schema and value out.
  auto back = c.to_connect(kTopic, nullptr, std::nullopt);
  EXPECT_EQ(back.schema, nullptr);
  EXPECT_TRUE(back.value.is_null());
  EXPECT_EQ(schemaless().from_connect(kTopic, nullptr, nullptr, Value()), std::nullopt);
  auto plain = schemaless();
  EXPECT_EQ(write(plain, Schema::optional_int32(), Value()), "null");
}

TEST(JsonConverterTest, NullReplacedWithDefault) {
  auto c = make();
  auto schema = SchemaBuilder::boolean().default_value(Value::boolean(true)).build();
  EXPECT_EQ(write(c, schema, Value()), env(R"({"type":"boolean","optional":false,"default":true})", "true"));

  auto optional_default = SchemaBuilder::int32().optional().default_value(Value::int32(5)).build();
  auto struct_schema = SchemaBuilder::structure().field("f", optional_default).build();
  Struct s(struct_schema);
  EXPECT_EQ(
      write(c, struct_schema, Value::structure(s)),
      env(R"({"type":"struct","fields":[{"type":"int32","optional":true,"default":5,"field":"f"}],"optional":false})",
          R"({"f":5})"));

  auto keep_null = make({{"replace.null.with.default", "false"}});
  EXPECT_EQ(write(keep_null, optional_default, Value()),
            env(R"({"type":"int32","optional":true,"default":5})", "null"));
  EXPECT_EQ(
      write(keep_null, struct_schema, Value::structure(s)),
      env(R"({"type":"struct","fields":[{"type":"int32","optional":true,"default":5,"field":"f"}],"optional":false})",
          R"({"f":null})"));
  // Reading: a null payload takes the default unless the option is off.
  const std::string json = env(R"({"type":"int32","optional":true,"default":5})", "null");
  EXPECT_EQ(read(c, json).value, Value::int32(5));
  EXPECT_TRUE(read(keep_null, json).value.is_null());
  // Required with default and the option off: the null cannot be read.
  EXPECT_EQ(data_error_of([&] { read(keep_null, env(R"({"type":"int32","default":5})", "null")); }),
            "Invalid null value for required INT32 field");
}

TEST(JsonConverterTest, SchemalessOutput) {
  auto c = schemaless();
  EXPECT_EQ(write(c, Schema::string(), Value::string("foo")), R"("foo")");
  EXPECT_EQ(write(c, nullptr, Value::string("foo")), R"("foo")");
  EXPECT_EQ(write(c, nullptr, Value::int8(1)), "1");
  EXPECT_EQ(write(c, nullptr, Value::int64(-5)), "-5");
  EXPECT_EQ(write(c, nullptr, Value::boolean(false)), "false");
  EXPECT_EQ(write(c, nullptr, Value::float32(0.1F)), "0.1");
  EXPECT_EQ(write(c, nullptr, Value::bytes("\x01\x02")), R"("AQI=")");
  EXPECT_EQ(write(c, nullptr, Value::array({Value::int32(1), Value::string("2"), Value()})),
            R"([1,"2",null])");
  EXPECT_EQ(
      write(c, nullptr, Value::map({{Value::string("a"), Value::int64(1)}, {Value::string("b"), Value()}})),
      R"({"a":1,"b":null})");
  EXPECT_EQ(write(c, nullptr,
                  Value::map({{Value::int32(1), Value::string("x")}, {Value::string("a"), Value::int32(2)}})),
            R"([[1,"x"],["a",2]])");
  auto schema =
      SchemaBuilder::structure().field("f", Schema::int32()).field("g", Schema::optional_string()).build();
  Struct s(schema);
  s.put("f", Value::int32(1));
  EXPECT_EQ(write(c, schema, Value::structure(s)), R"({"f":1,"g":null})");
  // A struct without a schema argument is written with its own schema.
  EXPECT_EQ(write(c, nullptr, Value::structure(s)), R"({"f":1,"g":null})");
}

TEST(JsonConverterTest, EveryTypeWithSchemaButWithoutEnvelope) {
  auto c = schemaless();
  EXPECT_EQ(write(c, Schema::boolean(), Value::boolean(true)), "true");
  EXPECT_EQ(write(c, Schema::int8(), Value::int8(-8)), "-8");
  EXPECT_EQ(write(c, Schema::int16(), Value::int16(300)), "300");
  EXPECT_EQ(write(c, Schema::int32(), Value::int32(70000)), "70000");
  EXPECT_EQ(write(c, Schema::int64(), Value::int64(-5000000000LL)), "-5000000000");
  EXPECT_EQ(write(c, Schema::float32(), Value::float32(2.5F)), "2.5");
  EXPECT_EQ(write(c, Schema::float64(), Value::float64(1e-4)), "1.0E-4");
  EXPECT_EQ(write(c, Schema::bytes(), Value::bytes("test-string")), R"("dGVzdC1zdHJpbmc=")");
  EXPECT_EQ(write(c, Schema::string(), Value::string("x")), R"("x")");
  EXPECT_EQ(write(c, SchemaBuilder::array(Schema::string()).build(), Value::array({Value::string("a")})),
            R"(["a"])");
  EXPECT_EQ(write(c, SchemaBuilder::map(Schema::int8(), Schema::string()).build(),
                  Value::map({{Value::int8(1), Value::string("a")}})),
            R"([[1,"a"]])");
  EXPECT_EQ(write(c, logical::date_schema(), Value::int32(10000)), "10000");
  EXPECT_EQ(write(c, logical::time_schema(), Value::int32(14400000)), "14400000");
  EXPECT_EQ(write(c, logical::timestamp_schema(), Value::int64(4000000000LL)), "4000000000");
  // Without an envelope, reading gives back plain JSON types: integers are INT64, other numbers FLOAT64.
  EXPECT_EQ(read(c, "10000").value, Value::int64(10000));
  EXPECT_EQ(read(c, "2.5").value, Value::float64(2.5));
}

TEST(JsonConverterTest, MapKeysRepeatedAfterConversionKeepFirstPositionAndLastValue) {
  auto c = schemaless();
  EXPECT_EQ(write(c, SchemaBuilder::map(Schema::string(), Schema::int32()).build(),
                  Value::map({{Value::string("a"), Value::int32(1)},
                              {Value::string("b"), Value::int32(2)},
                              {Value::string("a"), Value::int32(3)}})),
            R"({"a":3,"b":2})");
}

TEST(JsonConverterTest, ValueSchemaMismatches) {
  auto c = make();
  EXPECT_EQ(data_error_of([&] { write(c, Schema::int32(), Value::string("x")); }),
            "Invalid type for INT32: STRING");
  auto a = SchemaBuilder::structure().field("a", Schema::int32()).build();
  auto b = SchemaBuilder::structure().field("b", Schema::int32()).build();
  Struct s(a);
  s.put("a", Value::int32(1));
  EXPECT_EQ(data_error_of([&] { write(c, b, Value::structure(s)); }), "Mismatching schema.");
  EXPECT_EQ(
      data_error_of([&] {
        write(c, SchemaBuilder::array(Schema::int32()).build(), Value::array({Value::int32(1), Value()}));
      }),
      "Conversion error: null value for field that is required and has no default value");
}

TEST(JsonConverterTest, DoubleAndFloatFormattingMatchesJava) {
  auto c = schemaless();
  struct Row {
    double value;
    const char* text;
  };
  const Row doubles[] = {
      {0.1, "0.1"},
      {1.0, "1.0"},
      {100.0, "100.0"},
      {1e7, "1.0E7"},
      {1e-4, "1.0E-4"},
      {1e-3, "0.001"},
      {123456.789, "123456.789"},
      {-0.0, "-0.0"},
      {0.0, "0.0"},
      {12345678.9, "1.23456789E7"},
      {9999999.0, "9999999.0"},
      {1e21, "1.0E21"},
      {-1.5e-10, "-1.5E-10"},
      {4.9e-324, "4.9E-324"},
      {1.7976931348623157e308, "1.7976931348623157E308"},
      {2.0 / 3.0, "0.6666666666666666"},
      {100.5, "100.5"},
  };
  for (const Row& row : doubles) {
    EXPECT_EQ(write(c, Schema::float64(), Value::float64(row.value)), row.text) << row.text;
  }
  struct FRow {
    float value;
    const char* text;
  };
  const FRow floats[] = {{0.1F, "0.1"},   {1.0F, "1.0"},     {12.34F, "12.34"},
                         {1e7F, "1.0E7"}, {1e-4F, "1.0E-4"}, {3.4028235e38F, "3.4028235E38"},
                         {-2.5F, "-2.5"}, {1.1F, "1.1"}};
  for (const FRow& row : floats) {
    EXPECT_EQ(write(c, Schema::float32(), Value::float32(row.value)), row.text) << row.text;
  }
  // Jackson quotes non-finite numbers (QUOTE_NON_NUMERIC_NUMBERS is on by default).
  EXPECT_EQ(write(c, Schema::float64(), Value::float64(std::numeric_limits<double>::quiet_NaN())),
            R"("NaN")");
  EXPECT_EQ(write(c, Schema::float64(), Value::float64(std::numeric_limits<double>::infinity())),
            R"("Infinity")");
  EXPECT_EQ(write(c, Schema::float32(), Value::float32(-std::numeric_limits<float>::infinity())),
            R"("-Infinity")");
}

TEST(JsonConverterTest, StringEscapingMatchesJackson) {
  auto c = schemaless();
  const std::string input =
      std::string("a\"b\\c/d\n\t\b\f\r") + '\x01' + '\x1f' + '\x7f' + " \xc3\xa9\xe2\x82\xac";
  EXPECT_EQ(write(c, Schema::string(), Value::string(input)),
            std::string(R"("a\"b\\c/d\n\t\b\f\r\u0001\u001F)") + '\x7f' + " \xc3\xa9\xe2\x82\xac\"");
  EXPECT_EQ(write(c, Schema::string(), Value::string(std::string("\0", 1))), R"("\u0000")");
  // Field names and map keys are escaped the same way.
  EXPECT_EQ(write(c, nullptr, Value::map({{Value::string("k\"\n"), Value::int32(1)}})), R"({"k\"\n":1})");
}

// ---- JSON -> Connect
// ------------------------------------------------------------------------------------------

TEST(JsonConverterTest, ToConnectPrimitivesFromKafkaTests) {
  auto c = make();
  auto sv = read(c, R"({ "schema": { "type": "boolean" }, "payload": true })");
  EXPECT_EQ(*sv.schema, *Schema::boolean());
  EXPECT_EQ(sv.value, Value::boolean(true));
  EXPECT_EQ(read(c, R"({ "schema": { "type": "int8" }, "payload": 12 })").value, Value::int8(12));
  EXPECT_EQ(read(c, R"({ "schema": { "type": "int16" }, "payload": 12 })").value, Value::int16(12));
  EXPECT_EQ(read(c, R"({ "schema": { "type": "int32" }, "payload": 12 })").value, Value::int32(12));
  EXPECT_EQ(read(c, R"({ "schema": { "type": "int64" }, "payload": 4398046511104 })").value,
            Value::int64(4398046511104LL));
  EXPECT_EQ(read(c, R"({ "schema": { "type": "float" }, "payload": 12.34 })").value, Value::float32(12.34F));
  EXPECT_EQ(read(c, R"({ "schema": { "type": "double" }, "payload": 12.34 })").value, Value::float64(12.34));
  EXPECT_EQ(read(c, R"({ "schema": { "type": "double" }, "payload": 12 })").value, Value::float64(12.0));
  EXPECT_EQ(read(c, R"({ "schema": { "type": "bytes" }, "payload": "dGVzdC1zdHJpbmc=" })").value,
            Value::bytes("test-string"));
  EXPECT_EQ(read(c, R"({ "schema": { "type": "string" }, "payload": "foo-bar-baz" })").value,
            Value::string("foo-bar-baz"));
  auto arr =
      read(c, R"({ "schema": { "type": "array", "items": { "type" : "int32" } }, "payload": [1, 2, 3] })");
  EXPECT_EQ(*arr.schema, *SchemaBuilder::array(Schema::int32()).build());
  EXPECT_EQ(arr.value, Value::array({Value::int32(1), Value::int32(2), Value::int32(3)}));
  auto map = read(
      c, R"({ "schema": { "type": "map", "keys": { "type" : "int32" }, "values": { "type" : "int32" } }, )"
         R"("payload": [ [1, 12], [2, 15] ] })");
  EXPECT_EQ(map.value,
            Value::map({{Value::int32(1), Value::int32(12)}, {Value::int32(2), Value::int32(15)}}));
  auto st = read(
      c,
      R"({ "schema": { "type": "struct", "fields": [{ "field": "field1", "type": "boolean" }, )"
      R"({ "field": "field2", "type": "string" }] }, "payload": { "field1": true, "field2": "string" } })");
  auto expected =
      SchemaBuilder::structure().field("field1", Schema::boolean()).field("field2", Schema::string()).build();
  EXPECT_EQ(*st.schema, *expected);
  EXPECT_EQ(st.value,
            Value::structure(
                Struct(expected).put("field1", Value::boolean(true)).put("field2", Value::string("string"))));
}

TEST(JsonConverterTest, ToConnectSchemaMetadata) {
  auto c = make();
  auto optional = read(c, R"({ "schema": { "type": "boolean", "optional": true }, "payload": null })");
  EXPECT_EQ(*optional.schema, *Schema::optional_boolean());
  EXPECT_TRUE(optional.value.is_null());
  auto with_default = read(c, R"({ "schema": { "type": "boolean", "default": true }, "payload": null })");
  EXPECT_EQ(*with_default.schema, *SchemaBuilder::boolean().default_value(Value::boolean(true)).build());
  EXPECT_EQ(with_default.value, Value::boolean(true));
  auto full = read(c, R"({ "schema": { "type": "boolean", "optional": false, "name": "bool", "version": 2, )"
                      R"("doc": "the documentation", "parameters": { "foo": "bar" }}, "payload": true })");
  EXPECT_EQ(*full.schema, *SchemaBuilder::boolean()
                               .required()
                               .name("bool")
                               .version(2)
                               .doc("the documentation")
                               .parameter("foo", "bar")
                               .build());
}

TEST(JsonConverterTest, ToConnectLogicalTypes) {
  auto c = make();
  auto dec = read(
      c, R"({ "schema": { "type": "bytes", "name": "org.apache.kafka.connect.data.Decimal", "version": 1, )"
         R"("parameters": { "scale": "2" } }, "payload": "AJw=" })");
  EXPECT_EQ(*dec.schema, *logical::decimal_schema(2));
  EXPECT_EQ(dec.value, Value::bytes(logical::decimal_from_int64(156)));
  // A numeric payload is accepted for Decimal whatever decimal.format is, and rescaled to the schema's scale.
  auto numeric =
      read(c, R"({"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,)"
              R"("parameters":{"scale":"2"}},"payload":10})");
  EXPECT_EQ(numeric.value, Value::bytes(logical::decimal_from_int64(1000)));
  auto date = read(
      c,
      R"({ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Date", "version": 1 }, "payload": 10000 })");
  EXPECT_EQ(*date.schema, *logical::date_schema());
  EXPECT_EQ(date.value, Value::int32(10000));
  auto time = read(
      c,
      R"({ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Time", "version": 1 }, "payload": 14400000 })");
  EXPECT_EQ(*time.schema, *logical::time_schema());
  EXPECT_EQ(time.value, Value::int32(14400000));
  auto ts = read(
      c,
      R"({ "schema": { "type": "int64", "name": "org.apache.kafka.connect.data.Timestamp", "version": 1 }, "payload": 4000000000 })");
  EXPECT_EQ(*ts.schema, *logical::timestamp_schema());
  EXPECT_EQ(ts.value, Value::int64(4000000000LL));
  EXPECT_EQ(
      data_error_of([&] {
        read(c, R"({"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date"},"payload":"x"})");
      }),
      "Invalid type for Date, underlying representation should be integer but was STRING");
  EXPECT_EQ(
      data_error_of([&] {
        read(c,
             R"({"schema":{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp"},"payload":1.5})");
      }),
      "Invalid type for Timestamp, underlying representation should be integral but was NUMBER");
  EXPECT_EQ(data_error_of([&] {
              read(c, R"({"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal",)"
                      R"("parameters":{"scale":"2"}},"payload":true})");
            }),
            "Invalid type for Decimal, underlying representation should be numeric or bytes but was BOOLEAN");
}

TEST(JsonConverterTest, SchemasEnableRequiresExactEnvelope) {
  auto c = make();
  for (const char* json :
       {R"({"payload":1})", R"({"schema":null})", R"({"schema":null,"payload":1,"extra":2})", "42",
        R"("text")", "[1,2]", "", "   "}) {
    EXPECT_EQ(data_error_of([&] { read(c, json); }), kEnvelopeError) << json;
  }
}

TEST(JsonConverterTest, NullSchemaEnvelope) {
  auto c = make();
  auto none = read(c, R"({ "schema": null, "payload": null })");
  EXPECT_EQ(none.schema, nullptr);
  EXPECT_TRUE(none.value.is_null());
  EXPECT_EQ(read(c, R"({ "schema": null, "payload": true })").value, Value::boolean(true));
  EXPECT_EQ(read(c, R"({ "schema": null, "payload": 12 })").value, Value::int64(12));
  EXPECT_EQ(read(c, R"({ "schema": null, "payload": 12.24 })").value, Value::float64(12.24));
  EXPECT_EQ(read(c, R"({ "schema": null, "payload": "a string" })").value, Value::string("a string"));
  EXPECT_EQ(read(c, R"({ "schema": null, "payload": [1, "2", 3] })").value,
            Value::array({Value::int64(1), Value::string("2"), Value::int64(3)}));
  EXPECT_EQ(
      read(c, R"({ "schema": null, "payload": { "field1": 1, "field2": 2} })").value,
      Value::map({{Value::string("field1"), Value::int64(1)}, {Value::string("field2"), Value::int64(2)}}));
}

TEST(JsonConverterTest, SchemalessInput) {
  auto c = schemaless();
  auto sv = read(c, R"({"a":1,"b":[true,null,1.5e2],"c":{"d":"e"}})");
  EXPECT_EQ(sv.schema, nullptr);
  EXPECT_EQ(
      sv.value,
      Value::map({{Value::string("a"), Value::int64(1)},
                  {Value::string("b"), Value::array({Value::boolean(true), Value(), Value::float64(150.0)})},
                  {Value::string("c"), Value::map({{Value::string("d"), Value::string("e")}})}}));
  EXPECT_TRUE(read(c, "null").value.is_null());
  EXPECT_TRUE(read(c, "").value.is_null());  // empty input is Jackson's missing node
  EXPECT_EQ(read(c, "-9223372036854775808").value, Value::int64(INT64_MIN));
  EXPECT_EQ(read(c, "1.0").value, Value::float64(1.0));
  // Jackson would give a BigInteger here and Connect would truncate it; sluice refuses instead.
  EXPECT_EQ(data_error_of([&] { read(c, "123456789012345678901234567890"); }),
            "Integer 123456789012345678901234567890 is out of range for INT64 (schemaless JSON integers are "
            "INT64)");
  EXPECT_EQ(data_error_of([&] { read(c, "9223372036854775808"); }),
            "Integer 9223372036854775808 is out of range for INT64 (schemaless JSON integers are INT64)");
  // Content after the first value is ignored, as Jackson's readTree does.
  EXPECT_EQ(read(c, "1 2").value, Value::int64(1));
  EXPECT_EQ(read(c, R"({"a":1}xyz)").value, Value::map({{Value::string("a"), Value::int64(1)}}));
  EXPECT_EQ(read(c, "true]").value, Value::boolean(true));
  EXPECT_EQ(read(c, "1 23").value, Value::int64(1));
  EXPECT_EQ(read(c, R"(["]",{"}":1}] x)").value,
            Value::array({Value::string("]"), Value::map({{Value::string("}"), Value::int64(1)}})}));
  EXPECT_EQ(read(c, R"("s" junk)").value, Value::string("s"));
}

TEST(JsonConverterTest, MalformedJson) {
  auto c = make();
  for (const char* json : {"{", R"({"schema":)", "nope", R"({"a" 1})", "[1,]", "01", "truex", "1x", "-"}) {
    const std::string message = data_error_of([&] { read(c, json); });
    EXPECT_EQ(message.rfind(kParsePrefix, 0), 0U) << json << " -> " << message;
    EXPECT_GT(message.size(), std::string(kParsePrefix).size()) << json;
  }
  // Jackson's texts (the reader's own tests cover them all), with where the problem is.
  EXPECT_EQ(
      data_error_of([&] { read(c, "{"); }),
      std::string(kParsePrefix) +
          "Unexpected end-of-input: expected close marker for OBJECT (start marker at [Source: (byte[]); "
          "line: 1, column: 1]) at [Source: (byte[]); line: 1, column: 2]");
  EXPECT_EQ(data_error_of([&] { read(c, env(R"({"type":"string"})", "\"caf\xc3\"")); }),
            std::string(kParsePrefix) +
                "Invalid UTF-8 middle byte 0x22 at [Source: (byte[]); line: 1, column: 45]");
  EXPECT_EQ(data_error_of([&] { read(c, env(R"({"type":"string"})", R"("\q")")); }),
            std::string(kParsePrefix) +
                "Unrecognized character escape 'q' (code 113) at [Source: (byte[]); line: 1, "
                "column: 42]");
  // The syntax is checked before the envelope, the schema and the payload.
  EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"type":"nope"},"payload":1,"x":[})"); }),
            std::string(kParsePrefix) +
                "Unexpected character ('}' (code 125)): expected a value at [Source: (byte[]); line: 1, "
                "column: 45]");
  // schemas.enable=false reads the same way.
  auto plain = schemaless();
  EXPECT_EQ(
      data_error_of([&] { read(plain, "[1,]"); }),
      std::string(kParsePrefix) +
          "Unexpected character (']' (code 93)): expected a value at [Source: (byte[]); line: 1, column: 5]");
}

TEST(JsonConverterTest, EnvelopeWithRepeatedOrReorderedMembers) {
  auto c = make();
  // Jackson's tree keeps the last of repeated keys, so this is still a two-member envelope.
  auto sv = read(c, R"({"payload":"first","schema":{"type":"string"},"payload":"second"})");
  EXPECT_EQ(sv.value, Value::string("second"));
  EXPECT_EQ(*sv.schema, *Schema::string());
  EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"type":"string"},"payload":"a","extra":1})"); }),
            kEnvelopeError);
  EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"type":"string"},"payloads":"a"})"); }),
            kEnvelopeError);
  EXPECT_EQ(data_error_of([&] { read(c, "  "); }), kEnvelopeError);
  // Struct payload members in any order, repeated ones replaced, unknown ones ignored.
  auto s = read(
      c, env(R"({"type":"struct","fields":[{"type":"int32","field":"a"},{"type":"string","field":"b"}]})",
             R"({"b":"x","zzz":[1,{"q":null}],"a":1,"a":2})"));
  EXPECT_EQ(s.value.as_struct().get("a"), Value::int32(2));
  EXPECT_EQ(s.value.as_struct().get("b"), Value::string("x"));
}

TEST(JsonConverterTest, ParsedSchemasAreCachedPerSchemaText) {
  const std::string schema_a =
      R"({"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"}],"optional":false,"name":"a"})";
  const std::string schema_b = R"({"type":"string","optional":true})";
  auto c = make();
  auto first = read(c, env(schema_a, R"({"id":1})"));
  auto second = read(c, env(schema_a, R"({"id":2})"));
  ASSERT_TRUE(first.schema);
  // One immutable schema object for every record with this envelope: downstream caches key on it.
  EXPECT_EQ(first.schema.get(), second.schema.get());
  EXPECT_EQ(second.value.as_struct().schema().get(), first.schema.get());
  EXPECT_EQ(second.value.as_struct().get("id"), Value::int64(2));
  read(c, env(schema_b, "null"));
  EXPECT_EQ(read(c, env(schema_a, R"({"id":3})")).schema.get(), first.schema.get());
  // The same schema written differently is a different cache entry but an equal schema.
  auto spaced = read(c, R"({"schema": {"type":"string", "optional":true}, "payload":"x"})");
  EXPECT_EQ(*spaced.schema, *read(c, env(schema_b, "null")).schema);

  // schemas.cache.size=0 caches nothing; every record gets its own (equal) schema.
  auto uncached = make({{"schemas.cache.size", "0"}});
  auto u1 = read(uncached, env(schema_a, R"({"id":1})"));
  auto u2 = read(uncached, env(schema_a, R"({"id":1})"));
  EXPECT_NE(u1.schema.get(), u2.schema.get());
  EXPECT_EQ(*u1.schema, *u2.schema);
  EXPECT_EQ(u1.value, u2.value);

  // schemas.cache.size=1 keeps only the most recently used schema text.
  auto tiny = make({{"schemas.cache.size", "1"}});
  auto t1 = read(tiny, env(schema_a, R"({"id":1})"));
  EXPECT_EQ(read(tiny, env(schema_a, R"({"id":1})")).schema.get(), t1.schema.get());
  read(tiny, env(schema_b, "null"));
  auto t3 = read(tiny, env(schema_a, R"({"id":1})"));
  EXPECT_NE(t3.schema.get(), t1.schema.get());
  EXPECT_EQ(*t3.schema, *t1.schema);

  // A null schema is never cached, an invalid one fails every time.
  EXPECT_EQ(read(c, R"({"schema":null,"payload":1})").schema, nullptr);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"type":"int128"},"payload":1})"); }),
              "Unknown schema type: int128");
  }
  // Reconfiguring starts with an empty cache.
  c.configure({}, false);
  EXPECT_NE(read(c, env(schema_a, R"({"id":1})")).schema.get(), first.schema.get());
}

TEST(JsonConverterTest, ValuesOutliveTheNextRead) {
  // The reader reuses its memory; converted values own their data.
  auto c = make();
  auto a = read(c, env(R"({"type":"array","items":{"type":"string"}})", R"(["a\tb","cc"])"));
  auto b = read(c, env(R"({"type":"array","items":{"type":"string"}})", R"(["dd\n","e"])"));
  EXPECT_EQ(a.value, Value::array({Value::string("a\tb"), Value::string("cc")}));
  EXPECT_EQ(b.value, Value::array({Value::string("dd\n"), Value::string("e")}));
  auto plain = schemaless();
  auto m = read(plain, R"({"k\u00e9y":{"n":[1,2.5,"s"]}})");
  read(plain, R"({"other":true})");
  EXPECT_EQ(m.value,
            Value::map({{Value::string("k\xc3\xa9y"),
                         Value::map({{Value::string("n"), Value::array({Value::int64(1), Value::float64(2.5),
                                                                        Value::string("s")})}})}}));
}

TEST(JsonConverterTest, HugeNumbers) {
  auto c = make();
  // Beyond the double range: Jackson's BigDecimal.doubleValue() gives infinity, tiny values zero.
  EXPECT_EQ(read(c, env(R"({"type":"double"})", "1e400")).value,
            Value::float64(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(read(c, env(R"({"type":"double"})", "-1e400")).value,
            Value::float64(-std::numeric_limits<double>::infinity()));
  EXPECT_EQ(read(c, env(R"({"type":"double"})", "1e-400")).value, Value::float64(0.0));
  EXPECT_EQ(read(c, env(R"({"type":"float"})", "1e39")).value,
            Value::float32(std::numeric_limits<float>::infinity()));
  EXPECT_EQ(read(c, env(R"({"type":"float"})", "16777217")).value, Value::float32(16777216.0F));
  EXPECT_EQ(read(c, env(R"({"type":"double"})", "123456789012345678901234567890")).value,
            Value::float64(1.2345678901234568e29));
  EXPECT_EQ(data_error_of([&] { read(c, env(R"({"type":"int64"})", "1e19")); }),
            "Value 1e19 is out of range for schema type INT64");
  // Decimals keep every digit of a long literal.
  const std::string digits(60, '9');
  auto decimal = read(c, env(R"({"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,)"
                             R"("parameters":{"scale":"0"}})",
                             digits));
  EXPECT_EQ(logical::decimal_to_string(decimal.value.as_bytes(), 0), digits);
  EXPECT_EQ(data_error_of([&] { read(c, std::string(1001, '1')); }),
            std::string(kParsePrefix) +
                "Number value length (1001) exceeds the maximum allowed (1000, from "
                "`StreamReadConstraints.getMaxNumberLength()`)");
}

TEST(JsonConverterTest, ToConnectSchemaErrors) {
  auto c = make();
  EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"optional":true},"payload":1})"); }),
            "Schema must contain 'type' field");
  EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"type":"int128"},"payload":1})"); }),
            "Unknown schema type: int128");
  EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"type":"array"},"payload":[]})"); }),
            "Array schema did not specify the element type");
  EXPECT_EQ(
      data_error_of([&] { read(c, R"({"schema":{"type":"map","values":{"type":"int8"}},"payload":{}})"); }),
      "Map schema did not specify the key type");
  EXPECT_EQ(
      data_error_of([&] { read(c, R"({"schema":{"type":"map","keys":{"type":"int8"}},"payload":{}})"); }),
      "Map schema did not specify the value type");
  EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"type":"struct"},"payload":{}})"); }),
            "Struct schema's \"fields\" argument is not an array.");
  EXPECT_EQ(data_error_of(
                [&] { read(c, R"({"schema":{"type":"struct","fields":[{"type":"int8"}]},"payload":{}})"); }),
            "Struct schema's field name not specified properly");
  EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"type":"int8","parameters":{"a":1}},"payload":1})"); }),
            "Schema parameters must have string values.");
  EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"type":"int32"},"payload":null})"); }),
            "Invalid null value for required INT32 field");
}

TEST(JsonConverterTest, ToConnectPayloadErrors) {
  auto c = make();
  EXPECT_EQ(
      data_error_of([&] {
        read(c,
             R"({"schema":{"type":"map","keys":{"type":"string"},"values":{"type":"int8"}},"payload":[]})");
      }),
      "Maps with string fields should be encoded as JSON objects, but found ARRAY");
  EXPECT_EQ(
      data_error_of([&] {
        read(c, R"({"schema":{"type":"map","keys":{"type":"int8"},"values":{"type":"int8"}},"payload":{}})");
      }),
      "Maps with non-string fields should be encoded as JSON array of tuples, but found OBJECT");
  EXPECT_EQ(
      data_error_of([&] {
        read(c, R"({"schema":{"type":"map","keys":{"type":"int8"},"values":{"type":"int8"}},"payload":[1]})");
      }),
      "Found invalid map entry instead of array tuple: NUMBER");
  EXPECT_EQ(
      data_error_of([&] {
        read(c,
             R"({"schema":{"type":"map","keys":{"type":"int8"},"values":{"type":"int8"}},"payload":[[1]]})");
      }),
      "Found invalid map entry, expected length 2 but found :1");
  EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"type":"struct","fields":[]},"payload":[]})"); }),
            "Structs should be encoded as JSON objects, but found ARRAY");
  EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"type":"int8"},"payload":300})"); }),
            "Value 300 is out of range for schema type INT8");
  EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"type":"int32"},"payload":"12"})"); }),
            "Expected a number for schema type INT32 but found JSON STRING");
  EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"type":"string"},"payload":12})"); }),
            "Expected a string for schema type STRING but found JSON NUMBER");
  EXPECT_EQ(data_error_of([&] { read(c, R"({"schema":{"type":"bytes"},"payload":"!!"})"); }),
            "Invalid bytes field: \"!!\" is not valid base64");
  EXPECT_EQ(data_error_of([&] {
              read(c, R"({"schema":{"type":"struct","fields":[{"field":"a","type":"int8"}]},"payload":{}})");
            }),
            "Invalid null value for required INT8 field");
  // Floating payloads for integer schemas are truncated, as Jackson's intValue() does.
  EXPECT_EQ(read(c, R"({"schema":{"type":"int32"},"payload":12.9})").value, Value::int32(12));
}

TEST(JsonConverterTest, OptionalStructFieldMissingFromPayloadIsNull) {
  auto c = make();
  auto sv = read(
      c,
      R"({"schema":{"type":"struct","fields":[{"field":"a","type":"int8","optional":true}]},"payload":{}})");
  EXPECT_TRUE(sv.value.as_struct().get("a").is_null());
}

TEST(JsonConverterTest, RoundTripsEveryType) {
  for (const char* format : {"BASE64", "NUMERIC"}) {
    auto c = make({{"decimal.format", format}});
    expect_round_trip(c, Schema::boolean(), Value::boolean(false));
    expect_round_trip(c, Schema::int8(), Value::int8(-128));
    expect_round_trip(c, Schema::int16(), Value::int16(32767));
    expect_round_trip(c, Schema::int32(), Value::int32(INT32_MIN));
    expect_round_trip(c, Schema::int64(), Value::int64(INT64_MAX));
    expect_round_trip(c, Schema::float32(), Value::float32(0.1F));
    expect_round_trip(c, Schema::float32(), Value::float32(3.4028235e38F));
    expect_round_trip(c, Schema::float64(), Value::float64(0.1));
    expect_round_trip(c, Schema::float64(), Value::float64(-1.7976931348623157e308));
    expect_round_trip(c, Schema::float64(), Value::float64(std::numeric_limits<double>::quiet_NaN()));
    expect_round_trip(c, Schema::float64(), Value::float64(-std::numeric_limits<double>::infinity()));
    expect_round_trip(c, Schema::string(), Value::string("h\xc3\xa9llo \"w\"\n"));
    expect_round_trip(c, Schema::bytes(), Value::bytes(std::string("\0\xff\x10", 3)));
    expect_round_trip(c, Schema::optional_string(), Value());
    expect_round_trip(c, logical::decimal_schema(3),
                      Value::bytes(logical::decimal_from_string("-12.345", 3)));
    expect_round_trip(c, logical::decimal_schema(-2), Value::bytes(logical::decimal_from_int64(123)));
    expect_round_trip(c, logical::date_schema(), Value::int32(19496));
    expect_round_trip(c, logical::time_schema(), Value::int32(45296789));
    expect_round_trip(c, logical::timestamp_schema(), Value::int64(1577882096789LL));
    expect_round_trip(c, SchemaBuilder::array(Schema::optional_int64()).build(),
                      Value::array({Value::int64(1), Value(), Value::int64(3)}));
    expect_round_trip(
        c, SchemaBuilder::map(Schema::string(), Schema::float64()).build(),
        Value::map({{Value::string("x"), Value::float64(1.5)}, {Value::string("y"), Value::float64(-2)}}));
    expect_round_trip(
        c, SchemaBuilder::map(Schema::int16(), SchemaBuilder::array(Schema::string()).build()).build(),
        Value::map({{Value::int16(1), Value::array({Value::string("a")})}}));
    auto key_struct = SchemaBuilder::structure().field("k", Schema::string()).build();
    expect_round_trip(c, SchemaBuilder::map(key_struct, Schema::boolean()).build(),
                      Value::map({{Value::structure(Struct(key_struct).put("k", Value::string("v"))),
                                   Value::boolean(true)}}));
    auto schema =
        SchemaBuilder::structure()
            .name("rec")
            .version(1)
            .doc("d")
            .parameter("p", "q")
            .field("amount", logical::decimal_builder(2).optional().build())
            .field("when", logical::timestamp_builder().default_value(Value::int64(0)).build())
            .field("nested", SchemaBuilder::structure().field("x", Schema::int8()).optional().build())
            .build();
    Struct s(schema);
    s.put("amount", Value::bytes(logical::decimal_from_string("9.99", 2))).put("when", Value::int64(5));
    expect_round_trip(c, schema, Value::structure(s));
  }
}

TEST(JsonConverterTest, RoundTripWithoutSchemasKeepsJsonShape) {
  auto c = schemaless();
  auto bytes = c.from_connect(
      kTopic, nullptr, nullptr,
      Value::map({{Value::string("a"), Value::int64(1)}, {Value::string("b"), Value::float64(2.5)}}));
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, R"({"a":1,"b":2.5})");
  EXPECT_EQ(c.to_connect(kTopic, nullptr, *bytes).value,
            Value::map({{Value::string("a"), Value::int64(1)}, {Value::string("b"), Value::float64(2.5)}}));
}

TEST(JsonConverterTest, SchemaCacheDoesNotChangeOutput) {
  auto cached = make();
  auto uncached = make({{"schemas.cache.size", "0"}});
  auto tiny = make({{"schemas.cache.size", "1"}});
  auto a = SchemaBuilder::structure().field("a", Schema::int32()).build();
  auto b = SchemaBuilder::structure().field("b", Schema::string()).build();
  Struct sa(a);
  sa.put("a", Value::int32(1));
  Struct sb(b);
  sb.put("b", Value::string("x"));
  for (int i = 0; i < 3; ++i) {
    for (auto* c : {&cached, &uncached, &tiny}) {
      EXPECT_EQ(
          write(*c, a, Value::structure(sa)),
          env(R"({"type":"struct","fields":[{"type":"int32","optional":false,"field":"a"}],"optional":false})",
              R"({"a":1})"));
      EXPECT_EQ(
          write(*c, b, Value::structure(sb)),
          env(R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"b"}],"optional":false})",
              R"({"b":"x"})"));
    }
  }
}

TEST(JsonConverterTest, HeaderConverterUsesTheSameFormat) {
  JsonHeaderConverter h;
  h.configure({});
  EXPECT_EQ(h.from_connect(kTopic, "key", Schema::int32(), Value::int32(5)),
            std::optional<std::string>(R"({"schema":{"type":"int32","optional":false},"payload":5})"));
  auto back = h.to_connect(kTopic, "key", R"({"schema":{"type":"int32","optional":false},"payload":5})");
  EXPECT_EQ(back.value, Value::int32(5));
  EXPECT_EQ(h.from_connect(kTopic, "key", nullptr, Value()), std::nullopt);
  EXPECT_EQ(&h.config_def(), &json_converter_config_def());
}

TEST(JsonConverterConfigTest, KeysAndDefaultsMatchKafka) {
  const auto& def = json_converter_config_def();
  ASSERT_EQ(def.keys().size(), 5U);
  EXPECT_EQ(def.keys()[0].name, "converter.type");
  EXPECT_FALSE(def.keys()[0].has_default);
  const auto* schemas_enable = def.find("schemas.enable");
  ASSERT_NE(schemas_enable, nullptr);
  EXPECT_EQ(schemas_enable->type, config::Type::Boolean);
  EXPECT_EQ(schemas_enable->default_value, "true");
  EXPECT_EQ(schemas_enable->group, "Schemas");
  EXPECT_EQ(schemas_enable->display_name, "Enable Schemas");
  const auto* cache = def.find("schemas.cache.size");
  ASSERT_NE(cache, nullptr);
  EXPECT_EQ(cache->type, config::Type::Int);
  EXPECT_EQ(cache->default_value, "1000");
  const auto* format = def.find("decimal.format");
  ASSERT_NE(format, nullptr);
  EXPECT_EQ(format->default_value, "BASE64");
  EXPECT_EQ(format->group, "Serialization");
  EXPECT_EQ(format->order_in_group, 0);
  const auto* replace = def.find("replace.null.with.default");
  ASSERT_NE(replace, nullptr);
  EXPECT_EQ(replace->type, config::Type::Boolean);
  EXPECT_EQ(replace->default_value, "true");
  EXPECT_EQ(replace->order_in_group, 1);
}

TEST(JsonConverterConfigTest, InvalidValuesAreConfigErrors) {
  JsonConverter c;
  auto config_error_of = [&c](config::RawConfig cfg) {
    try {
      c.configure(cfg, false);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("<no ConfigError>");
  };
  // Kafka's messages (CaseInsensitiveValidString lists its values in Java HashSet order).
  EXPECT_EQ(config_error_of({{"decimal.format", "HEX"}}),
            "Invalid value HEX for configuration decimal.format: String must be one of (case insensitive): "
            "NUMERIC, "
            "BASE64");
  EXPECT_EQ(
      config_error_of({{"schemas.enable", "maybe"}}),
      "Invalid value maybe for configuration schemas.enable: Expected value to be either true or false");
  EXPECT_EQ(config_error_of({{"schemas.cache.size", "many"}}),
            "Invalid value many for configuration schemas.cache.size: Not a number of type INT");
  EXPECT_NO_THROW(c.configure({{"schemas.enable", "FALSE"}, {"unrelated.key", "x"}}, true));
  EXPECT_EQ(*c.from_connect(kTopic, nullptr, Schema::int32(), Value::int32(1)), "1");
}

}  // namespace
}  // namespace sluice::convert
