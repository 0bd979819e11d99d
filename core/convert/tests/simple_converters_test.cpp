#include "core/common/errors.hpp"
#include "core/convert/byte_array_converter.hpp"
#include "core/convert/string_converter.hpp"
#include "core/data/logical.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::convert {
namespace {

using data::Schema;
using data::SchemaBuilder;
using data::Value;

template <typename E, typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(StringConverterTest, WritesJavaToStringAsUtf8) {
  StringConverter c;
  c.configure({}, false);
  EXPECT_EQ(c.from_connect("t", nullptr, Schema::string(), Value::string("h\xc3\xa9llo")), "h\xc3\xa9llo");
  EXPECT_EQ(c.from_connect("t", nullptr, nullptr, Value::int32(12)), "12");
  EXPECT_EQ(c.from_connect("t", nullptr, nullptr, Value::float64(1e7)), "1.0E7");
  EXPECT_EQ(c.from_connect("t", nullptr, nullptr, Value::boolean(true)), "true");
  EXPECT_EQ(c.from_connect("t", nullptr, Schema::optional_string(), Value()), std::nullopt);
  EXPECT_EQ(
      c.from_connect("t", nullptr, nullptr,
                     Value::map({{Value::string("a"), Value::int64(1)}, {Value::string("b"), Value()}})),
      "{a=1, b=null}");
  EXPECT_EQ(c.from_connect("t", nullptr, nullptr, Value::array({Value::int32(1), Value::string("x")})),
            "[1, x]");
  auto schema = SchemaBuilder::structure()
                    .field("a", Schema::int32())
                    .field("b", Schema::optional_string())
                    .field("c", Schema::string())
                    .build();
  data::Struct s(schema);
  s.put("a", Value::int32(1)).put("c", Value::string("x"));
  EXPECT_EQ(c.from_connect("t", nullptr, schema, Value::structure(s)), "Struct{a=1,c=x}");
  EXPECT_EQ(c.from_connect("t", nullptr, data::logical::decimal_schema(2),
                           Value::bytes(data::logical::decimal_from_int64(156))),
            "1.56");
  EXPECT_EQ(c.from_connect("t", nullptr, data::logical::date_schema(), Value::int32(10000)),
            "Mon May 19 00:00:00 UTC 1997");
  EXPECT_EQ(c.from_connect("t", nullptr, data::logical::timestamp_schema(), Value::int64(4000000000LL)),
            "Mon Feb 16 07:06:40 UTC 1970");
}

TEST(StringConverterTest, ConsumingTakesAStringAndConvertsAnythingElseAsUsual) {
  StringConverter c;
  c.configure({}, false);
  const std::string text(100, 'x');
  Value v = Value::string(text);
  const char* data = v.as_string().data();
  const auto out = c.from_connect_consuming("t", nullptr, Schema::string(), v);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, text);
  EXPECT_EQ(out->data(), data) << "moved, not copied";
  Value number = Value::int32(42);
  EXPECT_EQ(c.from_connect_consuming("t", nullptr, Schema::int32(), number), "42");
  EXPECT_EQ(number, Value::int32(42));
  Value null;
  EXPECT_EQ(c.from_connect_consuming("t", nullptr, nullptr, null), std::nullopt);
}

TEST(StringConverterTest, ReadsOptionalStrings) {
  StringConverter c;
  c.configure({}, true);
  auto sv = c.to_connect("t", nullptr, "foo");
  EXPECT_EQ(*sv.schema, *Schema::optional_string());
  EXPECT_EQ(sv.value, Value::string("foo"));
  auto null = c.to_connect("t", nullptr, std::nullopt);
  EXPECT_EQ(*null.schema, *Schema::optional_string());
  EXPECT_TRUE(null.value.is_null());
  EXPECT_EQ(c.to_connect("t", nullptr, "").value, Value::string(""));
}

TEST(StringConverterTest, OnlyUtf8Encoding) {
  StringConverter c;
  EXPECT_NO_THROW(c.configure({{"converter.encoding", "utf-8"}}, false));
  EXPECT_NO_THROW(c.configure({{"converter.encoding", "UTF8"}}, false));
  EXPECT_EQ(
      error_of<ConfigError>([&] {
        c.configure({{"converter.encoding", "ISO-8859-1"}}, false);
      }),
      "Invalid value ISO-8859-1 for configuration converter.encoding: only UTF-8 is supported by sluice's "
      "StringConverter");
  StringHeaderConverter h;
  EXPECT_THROW(h.configure({{"converter.encoding", "UTF-16"}}), ConfigError);
  const auto& def = string_converter_config_def();
  ASSERT_NE(def.find("converter.encoding"), nullptr);
  EXPECT_EQ(def.find("converter.encoding")->default_value, "UTF-8");
  ASSERT_NE(def.find("converter.type"), nullptr);
}

TEST(StringConverterTest, HeaderConverter) {
  StringHeaderConverter h;
  h.configure({});
  EXPECT_EQ(h.from_connect("t", "k", Schema::int64(), Value::int64(-3)), "-3");
  EXPECT_EQ(h.to_connect("t", "k", "abc").value, Value::string("abc"));
  EXPECT_EQ(h.from_connect("t", "k", nullptr, Value()), std::nullopt);
}

TEST(ByteArrayConverterTest, PassesBytesThrough) {
  ByteArrayConverter c;
  c.configure({{"anything", "ignored"}}, false);
  const std::string raw("\x00\x01\xff", 3);
  EXPECT_EQ(c.from_connect("t", nullptr, Schema::bytes(), Value::bytes(raw)), raw);
  EXPECT_EQ(c.from_connect("t", nullptr, nullptr, Value::bytes(raw)), raw);
  EXPECT_EQ(c.from_connect("t", nullptr, Schema::optional_bytes(), Value()), std::nullopt);
  auto sv = c.to_connect("t", nullptr, raw);
  EXPECT_EQ(*sv.schema, *Schema::optional_bytes());
  EXPECT_EQ(sv.value, Value::bytes(raw));
  auto null = c.to_connect("t", nullptr, std::nullopt);
  EXPECT_EQ(*null.schema, *Schema::optional_bytes());
  EXPECT_TRUE(null.value.is_null());
}

TEST(ByteArrayConverterTest, ConsumingTakesBytesAndStillRejectsOtherTypes) {
  ByteArrayConverter c;
  c.configure({}, false);
  const std::string raw(64, '\x01');
  Value v = Value::bytes(raw);
  const char* data = v.as_bytes().data();
  const auto out = c.from_connect_consuming("t", nullptr, Schema::bytes(), v);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->data(), data);
  Value text = Value::string("s");
  EXPECT_THROW(c.from_connect_consuming("t", nullptr, nullptr, text), DataError);
  EXPECT_EQ(text, Value::string("s"));
}

TEST(ByteArrayConverterTest, RejectsOtherTypesLikeKafka) {
  ByteArrayConverter c;
  EXPECT_EQ(error_of<DataError>([&] { c.from_connect("t", nullptr, Schema::string(), Value::string("x")); }),
            "Invalid schema type for ByteArrayConverter: STRING");
  EXPECT_EQ(error_of<DataError>([&] { c.from_connect("t", nullptr, nullptr, Value::int32(1)); }),
            "ByteArrayConverter is not compatible with objects of type INT32; it expects BYTES");
  ByteArrayHeaderConverter h;
  h.configure({});
  EXPECT_EQ(error_of<DataError>([&] { h.from_connect("t", "k", Schema::int8(), Value::int8(1)); }),
            "Invalid schema type for ByteArrayConverter: INT8");
  EXPECT_EQ(h.from_connect("t", "k", Schema::bytes(), Value::bytes("ab")), "ab");
  EXPECT_EQ(h.to_connect("t", "k", "ab").value, Value::bytes("ab"));
  ASSERT_EQ(byte_array_converter_config_def().keys().size(), 1U);
  EXPECT_EQ(byte_array_converter_config_def().keys()[0].name, "converter.type");
}

// passes_through() promises that from_connect gives the value's own bytes: check each promise against it.
TEST(SimpleConvertersTest, PassThroughMatchesWhatFromConnectReturns) {
  StringConverter text;
  text.configure({}, false);
  ByteArrayConverter bytes;
  bytes.configure({}, false);
  using K = Value::Kind;
  const std::optional<data::Type> none;
  EXPECT_TRUE(text.passes_through(K::String, none));
  EXPECT_TRUE(text.passes_through(K::String, data::Type::String));
  EXPECT_TRUE(text.passes_through(K::Null, data::Type::Int32));
  EXPECT_FALSE(text.passes_through(K::Bytes, none));  // Java's toString of a byte[]
  EXPECT_FALSE(text.passes_through(K::String, data::Type::Int32));
  EXPECT_EQ(text.from_connect("t", nullptr, Schema::string(), Value::string("h\xc3\xa9")), "h\xc3\xa9");
  EXPECT_EQ(text.from_connect("t", nullptr, Schema::int32(), Value()), std::nullopt);

  EXPECT_TRUE(bytes.passes_through(K::Bytes, none));
  EXPECT_TRUE(bytes.passes_through(K::Bytes, data::Type::Bytes));
  EXPECT_TRUE(bytes.passes_through(K::Null, none));
  EXPECT_FALSE(bytes.passes_through(K::Null, data::Type::String));  // Kafka checks the schema first
  EXPECT_FALSE(bytes.passes_through(K::String, none));
  EXPECT_THROW(bytes.from_connect("t", nullptr, Schema::string(), Value()), DataError);
  EXPECT_THROW(bytes.from_connect("t", nullptr, nullptr, Value::string("s")), DataError);
  EXPECT_EQ(bytes.from_connect("t", nullptr, nullptr, Value::bytes("\x01")), "\x01");
}

}  // namespace
}  // namespace sluice::convert
