#include "core/common/errors.hpp"
#include "core/convert/simple_header_converter.hpp"
#include "core/data/values.hpp"
#include "core/data/logical.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::convert {
namespace {

using data::Schema;
using data::SchemaBuilder;
using data::SchemaPtr;
using data::Value;
namespace logical = data::logical;

void expect_parsed(std::string_view text, const SchemaPtr& schema, const Value& value) {
  auto sv = data::values::parse_string(text);
  if (schema) {
    ASSERT_TRUE(sv.schema) << text;
    EXPECT_EQ(*sv.schema, *schema) << text;
  } else {
    EXPECT_EQ(sv.schema, nullptr) << text;
  }
  EXPECT_EQ(sv.value, value) << text;
}

TEST(ValuesTest, ConvertToString) {
  using data::values::convert_to_string;
  EXPECT_EQ(convert_to_string(Schema::string(), Value::string("foo")), "foo");
  EXPECT_EQ(convert_to_string(nullptr, Value::int32(42)), "42");
  EXPECT_EQ(convert_to_string(nullptr, Value::int64(-5000000000LL)), "-5000000000");
  EXPECT_EQ(convert_to_string(nullptr, Value::boolean(true)), "true");
  EXPECT_EQ(convert_to_string(nullptr, Value::float64(1.5)), "1.5");
  EXPECT_EQ(convert_to_string(nullptr, Value::float32(1e7F)), "1.0E7");
  EXPECT_EQ(convert_to_string(nullptr, Value()), "null");
  EXPECT_EQ(convert_to_string(Schema::bytes(), Value::bytes("test-string")), "dGVzdC1zdHJpbmc=");
  EXPECT_EQ(convert_to_string(nullptr, Value::array({Value::string("a"), Value::string("b\"c\\d")})),
            R"(["a","b\"c\\d"])");
  EXPECT_EQ(convert_to_string(nullptr, Value::array({Value::int32(1), Value(), Value::bytes("f")})),
            R"([1,null,"Zg=="])");
  EXPECT_EQ(convert_to_string(nullptr, Value::map({{Value::string("a"), Value::int32(1)},
                                                   {Value::string("b"), Value::boolean(false)}})),
            R"({"a":1,"b":false})");
  auto schema = SchemaBuilder::structure()
                    .field("f", Schema::int32())
                    .field("g", Schema::string())
                    .field("h", SchemaBuilder::int8().default_value(Value::int8(3)).build())
                    .build();
  data::Struct s(schema);
  s.put("f", Value::int32(1)).put("g", Value::string("x"));
  EXPECT_EQ(convert_to_string(schema, Value::structure(s)), R"({"f":1,"g":"x","h":3})");
  EXPECT_EQ(convert_to_string(logical::date_schema(), Value::int32(10000)), "1997-05-19");
  EXPECT_EQ(convert_to_string(logical::time_schema(), Value::int32(14400000)), "04:00:00.000Z");
  EXPECT_EQ(convert_to_string(logical::timestamp_schema(), Value::int64(4000000000LL)),
            "1970-02-16T07:06:40.000Z");
  EXPECT_EQ(convert_to_string(logical::decimal_schema(2), Value::bytes(logical::decimal_from_int64(156))),
            "1.56");
  EXPECT_EQ(convert_to_string(SchemaBuilder::array(logical::date_schema()).build(),
                              Value::array({Value::int32(0)})),
            "[00:00:00.000Z]");  // Kafka picks the pattern from the instant: day 0 prints as a time
}

TEST(ValuesTest, ParseScalars) {
  expect_parsed("", Schema::string(), Value::string(""));
  expect_parsed("null", nullptr, Value());
  expect_parsed("true", Schema::boolean(), Value::boolean(true));
  expect_parsed("false", Schema::boolean(), Value::boolean(false));
  expect_parsed("true}", Schema::string(), Value::string("true}"));
  expect_parsed("42", Schema::int8(), Value::int8(42));
  expect_parsed("-3", Schema::int8(), Value::int8(-3));
  expect_parsed("300", Schema::int16(), Value::int16(300));
  expect_parsed("70000", Schema::int32(), Value::int32(70000));
  expect_parsed("5000000000", Schema::int64(), Value::int64(5000000000LL));
  expect_parsed("1.0", Schema::int8(), Value::int8(1));  // BigDecimal.byteValueExact accepts 1.0
  expect_parsed("1.5", Schema::float32(), Value::float32(1.5F));
  expect_parsed("1e40", Schema::float64(), Value::float64(1e40));
  expect_parsed("99999999999999999999", logical::decimal_schema(0),
                Value::bytes(logical::decimal_from_string("99999999999999999999", 0)));
  expect_parsed("hello world", Schema::string(), Value::string("hello world"));
  expect_parsed("  spaced  ", Schema::string(), Value::string("  spaced  "));
  expect_parsed("12abc", Schema::string(), Value::string("12abc"));
}

TEST(ValuesTest, ParseTemporal) {
  expect_parsed("2023-05-19", logical::date_schema(), Value::int32(19496));
  expect_parsed("12:34:56.789Z", logical::time_schema(), Value::int32(45296789));
  expect_parsed("2020-01-01T12:34:56.789Z", logical::timestamp_schema(), Value::int64(1577882096789LL));
  expect_parsed("1970-01-01", logical::date_schema(), Value::int32(0));
}

TEST(ValuesTest, ParseArraysAndMaps) {
  expect_parsed("[1,2,3]", SchemaBuilder::array(Schema::int8()).build(),
                Value::array({Value::int8(1), Value::int8(2), Value::int8(3)}));
  expect_parsed("[1, 300]", SchemaBuilder::array(Schema::int16()).build(),
                Value::array({Value::int16(1), Value::int16(300)}));
  expect_parsed("[1,2.5]", SchemaBuilder::array(Schema::float32()).build(),
                Value::array({Value::float32(1.0F), Value::float32(2.5F)}));
  expect_parsed(R"(["a","b"])", SchemaBuilder::array(Schema::string()).build(),
                Value::array({Value::string("a"), Value::string("b")}));
  expect_parsed("[true,false]", SchemaBuilder::array(Schema::boolean()).build(),
                Value::array({Value::boolean(true), Value::boolean(false)}));
  expect_parsed("[[1],[2]]", SchemaBuilder::array(SchemaBuilder::array(Schema::int8()).build()).build(),
                Value::array({Value::array({Value::int8(1)}), Value::array({Value::int8(2)})}));
  expect_parsed(R"({"a":1,"b":2})", SchemaBuilder::map(Schema::string(), Schema::int8()).build(),
                Value::map({{Value::string("a"), Value::int8(1)}, {Value::string("b"), Value::int8(2)}}));
  expect_parsed(R"({"a":1, "a":2})", SchemaBuilder::map(Schema::string(), Schema::int8()).build(),
                Value::map({{Value::string("a"), Value::int8(2)}}));
  expect_parsed("[]", nullptr, Value::array({}));
  expect_parsed("[null,null]", nullptr, Value::array({Value(), Value()}));
  // Kafka's quirks, kept: unquoted map keys, a null among typed elements, unterminated arrays -> strings.
  expect_parsed("{a:1}", Schema::string(), Value::string("{a:1}"));
  expect_parsed("[1,null]", Schema::string(), Value::string("[1,null]"));
  expect_parsed("[1,2", Schema::string(), Value::string("[1,2"));
  expect_parsed("[1,,2]", Schema::string(), Value::string("[1,,2]"));
}

TEST(SimpleHeaderConverterTest, WritesTextAndInfersOnRead) {
  SimpleHeaderConverter h;
  h.configure({});
  EXPECT_EQ(h.from_connect("t", "k", Schema::int32(), Value::int32(42)), "42");
  EXPECT_EQ(h.from_connect("t", "k", Schema::string(), Value::string("hello")), "hello");
  EXPECT_EQ(h.from_connect("t", "k", nullptr, Value()), std::nullopt);
  EXPECT_EQ(h.from_connect("t", "k", SchemaBuilder::map(Schema::string(), Schema::int32()).build(),
                           Value::map({{Value::string("a"), Value::int32(1)}})),
            R"({"a":1})");
  auto back = h.to_connect("t", "k", "42");
  EXPECT_EQ(*back.schema, *Schema::int8());  // the narrowest integer type, as in Kafka
  EXPECT_EQ(back.value, Value::int8(42));
  auto text = h.to_connect("t", "k", "hello");
  EXPECT_EQ(*text.schema, *Schema::string());
  auto null = h.to_connect("t", "k", std::nullopt);
  EXPECT_EQ(null.schema, nullptr);
  EXPECT_TRUE(null.value.is_null());
  auto arr = h.to_connect("t", "k", R"(["x","y"])");
  EXPECT_EQ(*arr.schema, *SchemaBuilder::array(Schema::string()).build());
  EXPECT_TRUE(simple_header_converter_config_def().keys().empty());
}

}  // namespace
}  // namespace sluice::convert
