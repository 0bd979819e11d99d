// Expected strings were produced by a JDK (Double.toString, HashMap.toString, BigDecimal.toString,
// java.util.Date.toString with the default time zone set to UTC).

#include "sluice/sdk/java_format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "sluice/sdk/logging.hpp"

namespace sdk = sluice::sdk;
namespace java = sluice::sdk::java;
using sdk::Schema;
using sdk::SchemaBuilder;
using sdk::Value;

namespace {

TEST(JavaNumberTest, DoubleToString) {
  EXPECT_EQ(java::double_to_string(1.0), "1.0");
  EXPECT_EQ(java::double_to_string(0.1), "0.1");
  EXPECT_EQ(java::double_to_string(100.0), "100.0");
  EXPECT_EQ(java::double_to_string(1e7), "1.0E7");
  EXPECT_EQ(java::double_to_string(9999999.0), "9999999.0");
  EXPECT_EQ(java::double_to_string(12345678.9), "1.23456789E7");
  EXPECT_EQ(java::double_to_string(0.001), "0.001");
  EXPECT_EQ(java::double_to_string(0.0001), "1.0E-4");
  EXPECT_EQ(java::double_to_string(123.456), "123.456");
  EXPECT_EQ(java::double_to_string(-0.0), "-0.0");
  EXPECT_EQ(java::double_to_string(0.0), "0.0");
  EXPECT_EQ(java::double_to_string(2e-3), "0.002");
  EXPECT_EQ(java::double_to_string(1e21), "1.0E21");
  EXPECT_EQ(java::double_to_string(4.9e-324), "4.9E-324");
  EXPECT_EQ(java::double_to_string(std::numeric_limits<double>::max()), "1.7976931348623157E308");
  EXPECT_EQ(java::double_to_string(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(java::double_to_string(-100.5), "-100.5");
  EXPECT_EQ(java::double_to_string(5e-5), "5.0E-5");
  EXPECT_EQ(java::double_to_string(3e100), "3.0E100");
  EXPECT_EQ(java::double_to_string(std::nan("")), "NaN");
  EXPECT_EQ(java::double_to_string(-HUGE_VAL), "-Infinity");
}

TEST(JavaNumberTest, FloatToString) {
  EXPECT_EQ(java::float_to_string(1.0f), "1.0");
  EXPECT_EQ(java::float_to_string(0.1f), "0.1");
  EXPECT_EQ(java::float_to_string(3.4028235e38f), "3.4028235E38");
  EXPECT_EQ(java::float_to_string(1.0e7f), "1.0E7");
  EXPECT_EQ(java::float_to_string(1.1f), "1.1");
  EXPECT_EQ(java::float_to_string(16777216.0f), "1.6777216E7");
  EXPECT_EQ(java::float_to_string(0.3f), "0.3");
  EXPECT_EQ(java::float_to_string(1.4e-45f), "1.4E-45");
  EXPECT_EQ(java::float_to_string(2e10f), "2.0E10");
}

TEST(JavaFormatTest, Primitives) {
  EXPECT_EQ(java::to_string(Value()), "null");
  EXPECT_EQ(java::to_string(Value::boolean(true)), "true");
  EXPECT_EQ(java::to_string(Value::int8(-8)), "-8");
  EXPECT_EQ(java::to_string(Value::int64(INT64_MIN)), "-9223372036854775808");
  EXPECT_EQ(java::to_string(Value::float32(1.1f)), "1.1");
  EXPECT_EQ(java::to_string(Value::float64(10)), "10.0");
  EXPECT_EQ(java::to_string(Value::string("héllo wörld")), "héllo wörld");
  EXPECT_EQ(java::to_string(Value::string("")), "");
}

TEST(JavaFormatTest, BytesUseJavaArrayShapeWithContentHash) {
  EXPECT_EQ(java::to_string(Value::bytes("hi")), "[B@10c2");
  EXPECT_EQ(java::to_string(Value::bytes(std::string("\xff\x00", 2))), "[B@3a2");
}

TEST(JavaFormatTest, ListsAndNestedValues) {
  Value list = Value::array(
      {Value::int32(1), Value(), Value::string("s"), Value::array({Value::int32(2), Value::int32(3)})});
  EXPECT_EQ(java::to_string(list), "[1, null, s, [2, 3]]");
  EXPECT_EQ(java::to_string(Value::array({})), "[]");
}

Value::Map string_keys(std::initializer_list<std::pair<const char*, int>> entries) {
  Value::Map m;
  for (auto [k, v] : entries) m.emplace_back(Value::string(k), Value::int64(v));
  return m;
}

TEST(JavaFormatTest, MapsIterateInHashMapOrder) {
  EXPECT_EQ(java::to_string(Value::map(string_keys({{"a", 1}}))), "{a=1}");
  EXPECT_EQ(java::to_string(Value::map(string_keys({{"q", 1}, {"b", 2}, {"a", 3}}))), "{q=1, a=3, b=2}");
  EXPECT_EQ(java::to_string(Value::map(string_keys({{"some_key", 0},
                                                    {"another", 1},
                                                    {"zeta", 2},
                                                    {"alpha", 3},
                                                    {"beta", 4},
                                                    {"gamma", 5},
                                                    {"delta", 6},
                                                    {"epsilon", 7},
                                                    {"eta", 8},
                                                    {"theta", 9},
                                                    {"iota", 10},
                                                    {"kappa", 11},
                                                    {"lambda", 12},
                                                    {"mu", 13}}))),
            "{zeta=2, iota=10, some_key=0, another=1, delta=6, mu=13, theta=9, epsilon=7, lambda=12, eta=8, "
            "alpha=3, kappa=11, beta=4, gamma=5}");
  EXPECT_EQ(java::to_string(Value::map(string_keys({{"héllo", 1}, {"😀", 2}, {"x", 3}}))),
            "{😀=2, x=3, héllo=1}");

  Value::Map longs;
  longs.emplace_back(Value::int64(100), Value::string("x"));
  longs.emplace_back(Value::int64(-1), Value::string("y"));
  longs.emplace_back(Value::int64(5), Value::string("z"));
  longs.emplace_back(Value::int64(1LL << 40), Value::string("w"));
  EXPECT_EQ(java::to_string(Value::map(longs)), "{-1=y, 1099511627776=w, 100=x, 5=z}");

  Value::Map mixed;
  mixed.emplace_back(Value::boolean(true), Value::int32(1));
  mixed.emplace_back(Value::boolean(false), Value::int32(2));
  mixed.emplace_back(Value::float64(1.5), Value::int32(3));
  mixed.emplace_back(Value::float32(2.5f), Value::int32(4));
  EXPECT_EQ(java::to_string(Value::map(mixed)), "{2.5=4, false=2, 1.5=3, true=1}");
}

TEST(JavaFormatTest, StructsSkipNullFields) {
  Schema inner = SchemaBuilder::structure().field("x", Schema::int32()).build();
  Schema s = SchemaBuilder::structure()
                 .field("name", Schema::string())
                 .field("nick", Schema::string(true))
                 .field("n", Schema::int64())
                 .field("inner", inner)
                 .field("tags", SchemaBuilder::array(Schema::string()).build())
                 .build();
  sdk::Struct in(inner);
  in.put("x", Value::int32(7));
  sdk::Struct st(s);
  st.put("name", Value::string("ann"))
      .put("n", Value::int64(3))
      .put("inner", Value::structure(in))
      .put("tags", Value::array({Value::string("a"), Value::string("b")}));
  EXPECT_EQ(java::to_string(Value::structure(st), s), "Struct{name=ann,n=3,inner=Struct{x=7},tags=[a, b]}");
  EXPECT_EQ(java::to_string(Value::structure(sdk::Struct(inner))), "Struct{}");
}

TEST(JavaFormatTest, LogicalTypes) {
  EXPECT_EQ(java::to_string(Value::bytes(std::string("\x04\xD2", 2)), sdk::logical::decimal(2).build()),
            "12.34");
  EXPECT_EQ(java::to_string(Value::int64(0), sdk::logical::timestamp().build()),
            "Thu Jan 01 00:00:00 UTC 1970");
  EXPECT_EQ(java::to_string(Value::int64(1700000000123), sdk::logical::timestamp().build()),
            "Tue Nov 14 22:13:20 UTC 2023");
  EXPECT_EQ(java::to_string(Value::int32(-365), sdk::logical::date().build()),
            "Wed Jan 01 00:00:00 UTC 1969");
  EXPECT_EQ(java::to_string(Value::int32(11016), sdk::logical::date().build()),
            "Tue Feb 29 00:00:00 UTC 2000");
  EXPECT_EQ(java::to_string(Value::int32(3723000), sdk::logical::time().build()),
            "Thu Jan 01 01:02:03 UTC 1970");
  EXPECT_EQ(java::to_string(Value::int32(5)), "5") << "plain INT32 without a logical schema";
}

TEST(JavaFormatTest, StringHashIsJavas) {
  EXPECT_EQ(java::string_hash("a"), 97);
  EXPECT_EQ(java::string_hash("hello"), 99162322);
  EXPECT_EQ(java::string_hash(""), 0);
}

TEST(LogFormatTest, PlaceholdersAreFilledInOrder) {
  EXPECT_EQ(sdk::format("Read {} bytes from {}", 12, "f"), "Read 12 bytes from f");
  EXPECT_EQ(sdk::format("{} {} {} {}", true, 'c', 1.5, std::string("s")), "true c 1.5 s");
  EXPECT_EQ(sdk::format("no args"), "no args");
  EXPECT_EQ(sdk::format("{} and {}", 1), "1 and {}");
  EXPECT_EQ(sdk::format("x", 1), "x");
}

}  // namespace
