// The Java-compatibility helpers: String.split, number parsing and narrowing, KIP-821 field paths, Java
// replacement strings, and the class names used in messages.

#include "core/transforms/field_path.hpp"
#include "core/transforms/java_numbers.hpp"
#include "core/transforms/java_regex.hpp"
#include "core/transforms/util.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace sluice::transforms {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test builders
using Strings = std::vector<std::string>;

TEST(JavaSplitTest, DropsTrailingEmptyStrings) {
  EXPECT_EQ(java_split("a:b", ':'), (Strings{"a", "b"}));
  EXPECT_EQ(java_split("a::b", ':'), (Strings{"a", "", "b"}));
  EXPECT_EQ(java_split("a:", ':'), (Strings{"a"}));
  EXPECT_EQ(java_split(":a", ':'), (Strings{"", "a"}));
  EXPECT_EQ(java_split("", ':'), (Strings{""}));
  EXPECT_EQ(java_split(":", ':'), Strings{});
}

TEST(JavaNumbersTest, IntegerParsing) {
  EXPECT_EQ(parse_java_integer("127", -128, 127), 127);
  EXPECT_EQ(parse_java_integer("+5", -128, 127), 5);
  EXPECT_EQ(parse_java_integer("-128", -128, 127), -128);
  EXPECT_EQ(parse_java_integer("-9223372036854775808", std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max()),
            std::numeric_limits<std::int64_t>::min());
  EXPECT_FALSE(parse_java_integer("128", -128, 127).has_value());
  EXPECT_FALSE(parse_java_integer(" 1", -128, 127).has_value());
  EXPECT_FALSE(parse_java_integer("1.0", -128, 127).has_value());
  EXPECT_FALSE(parse_java_integer("-", -128, 127).has_value());
  EXPECT_FALSE(parse_java_integer("9223372036854775808", std::numeric_limits<std::int64_t>::min(),
                                  std::numeric_limits<std::int64_t>::max())
                   .has_value());
}

TEST(JavaNumbersTest, FloatingParsing) {
  EXPECT_EQ(parse_java_double("1.5"), 1.5);
  EXPECT_EQ(parse_java_double("  -2e3d "), -2000.0);
  EXPECT_EQ(parse_java_double(".5"), 0.5);
  EXPECT_EQ(parse_java_double("0x1.8p1"), 3.0);
  EXPECT_EQ(parse_java_double("-Infinity"), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(*parse_java_double("NaN")));
  EXPECT_EQ(parse_java_float("0.1f"), 0.1F);
  for (const char* bad : {"", ".", "1e", "abc", "1.2.3", "inf", "0x1.8", "1_000"}) {
    EXPECT_FALSE(parse_java_double(bad).has_value()) << bad;
  }
}

TEST(JavaNumbersTest, NarrowingAndDecimals) {
  EXPECT_EQ(java_narrow<std::int8_t>(300), 44);
  EXPECT_EQ(java_narrow<std::int16_t>(-32769), 32767);
  EXPECT_EQ(java_double_to_long(1e300), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(java_double_to_int(-1e300), std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(java_double_to_int(-2.9), -2);
  EXPECT_EQ(decimal_long_value(data::logical::decimal_from_int64(-1275), 2), -12);
  EXPECT_EQ(decimal_long_value(data::logical::decimal_from_int64(5), -2), 500);
  EXPECT_EQ(decimal_double_value(data::logical::decimal_from_int64(-1275), 2), -12.75);
}

TEST(FieldPathTest, V2Steps) {
  EXPECT_EQ(SingleFieldPath("a.b.c", FieldSyntaxVersion::V2).steps(), (Strings{"a", "b", "c"}));
  EXPECT_EQ(SingleFieldPath("a.b.c", FieldSyntaxVersion::V1).steps(), (Strings{"a.b.c"}));
  EXPECT_EQ(SingleFieldPath("`a.b`.c", FieldSyntaxVersion::V2).steps(), (Strings{"a.b", "c"}));
  EXPECT_EQ(SingleFieldPath("a.`b.c`", FieldSyntaxVersion::V2).steps(), (Strings{"a", "b.c"}));
  EXPECT_EQ(SingleFieldPath("`a`b`.c", FieldSyntaxVersion::V2).steps(), (Strings{"a`b", "c"}));
  EXPECT_EQ(SingleFieldPath("`a\\`.b`.c", FieldSyntaxVersion::V2).steps(), (Strings{"a`.b", "c"}));
  EXPECT_EQ(SingleFieldPath("a.", FieldSyntaxVersion::V2).steps(), (Strings{"a", ""}));
  expect_error<ConfigError>(
      [] { SingleFieldPath("a.`b", FieldSyntaxVersion::V2); },
      "Incomplete backtick pair in path: [a.`b], consider adding a backslash before backtick at "
      "position 2 to escape it");
}

TEST(FieldPathTest, NestedLookups) {
  const SingleFieldPath path("a.b", FieldSyntaxVersion::V2);
  const Value map = map_of({{"a", map_of({{"b", Value::int32(1)}})}});
  EXPECT_EQ(path.value_from(map.as_map()), Value::int32(1));
  EXPECT_TRUE(path.value_from(map_of({{"a", Value()}}).as_map()).is_null());
  expect_error<DataError>(
      [&] {
        path.value_from(map_of({{"a", Value::int32(1)}}).as_map());
      },
      "Only Map objects supported in absence of schema for [nested field access], found: "
      "java.lang.Integer");
  auto inner = SchemaBuilder::structure().field("b", Schema::int32()).build();
  auto outer = SchemaBuilder::structure()
                   .field("a", SchemaBuilder::structure().optional().field("b", Schema::int32()).build())
                   .build();
  EXPECT_EQ(path.field_from(*outer)->schema, Schema::int32());
  EXPECT_EQ(path.field_from(*inner), nullptr);
  EXPECT_TRUE(path.value_from(Struct(outer)).is_null());
}

TEST(JavaRegexTest, ReplacementRules) {
  const std::regex re = compile_java_regex("(a+)(b*)");
  EXPECT_EQ(java_replace_first(re, "xaabby", "<$2$1>"), "x<bbaa>y");
  EXPECT_EQ(java_replace_first(re, "xaay", "[$2]"), "x[]y");  // an empty group
  EXPECT_EQ(java_replace_first(re, "zzz", "q"), "zzz");
  expect_error<ConnectError>([&] { java_replace_first(re, "aa", "$x"); }, "Illegal group reference");
  expect_error<ConnectError>([&] { java_replace_first(re, "aa", "${name}"); }, "No group with name {name}");
}

TEST(MessagesTest, JavaClassNames) {
  EXPECT_EQ(java_class_name(Value()), "null");
  EXPECT_EQ(java_class_name(Value::int8(1)), "java.lang.Byte");
  EXPECT_EQ(java_class_name(Value::bytes("")), "[B");
  EXPECT_EQ(java_class(Value::array({})), "class java.util.ArrayList");
  EXPECT_EQ(java_class(data::logical::date_schema(), Value::int32(1)), "class java.util.Date");
  EXPECT_EQ(java_class(data::logical::decimal_schema(1), decimal_value(1)), "class java.math.BigDecimal");
  EXPECT_EQ(schema_to_string(*data::logical::timestamp_schema()),
            "Schema{org.apache.kafka.connect.data.Timestamp:INT64}");
}

}  // namespace
}  // namespace sluice::transforms
