#include "core/common/errors.hpp"
#include "core/data/schema.hpp"
#include "core/data/value.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace sluice::data {
namespace {

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "<no DataError>";
}

TEST(ValueTest, DefaultIsNull) {
  Value v;
  EXPECT_TRUE(v.is_null());
  EXPECT_EQ(v.kind(), Value::Kind::Null);
  EXPECT_TRUE(Value(nullptr).is_null());
}

TEST(ValueTest, EveryKindRoundTripsThroughItsAccessor) {
  EXPECT_EQ(Value::boolean(true).as_bool(), true);
  EXPECT_EQ(Value::int8(-8).as_int8(), -8);
  EXPECT_EQ(Value::int16(-16000).as_int16(), -16000);
  EXPECT_EQ(Value::int32(2'000'000'000).as_int32(), 2'000'000'000);
  EXPECT_EQ(Value::int64(-9'000'000'000'000'000'000LL).as_int64(), -9'000'000'000'000'000'000LL);
  EXPECT_EQ(Value::float32(1.5F).as_float32(), 1.5F);
  EXPECT_EQ(Value::float64(2.25).as_float64(), 2.25);
  EXPECT_EQ(Value::string("héllo").as_string(), "héllo");
  EXPECT_EQ(Value::bytes(std::string("\0\x01\xff", 3)).as_bytes(), std::string("\0\x01\xff", 3));
  Value arr = Value::array({Value::int32(1), Value()});
  ASSERT_EQ(arr.as_array().size(), 2U);
  arr.as_array().push_back(Value::int32(3));
  EXPECT_EQ(arr.as_array().size(), 3U);
  Value map = Value::map({{Value::string("a"), Value::int32(1)}});
  EXPECT_EQ(map.as_map().at(0).second, Value::int32(1));
  map.as_map().emplace_back(Value::string("b"), Value());
  EXPECT_EQ(map.as_map().size(), 2U);
  auto schema = SchemaBuilder::structure().field("f", Schema::int32()).build();
  Value s = Value::structure(Struct(schema).put("f", Value::int32(7)));
  EXPECT_EQ(s.as_struct().get("f"), Value::int32(7));
  s.as_struct().put("f", Value::int32(8));
  EXPECT_EQ(s.as_struct().get("f"), Value::int32(8));
}

TEST(ValueTest, KindsHaveKafkaNames) {
  EXPECT_STREQ(kind_name(Value::Kind::Null), "NULL");
  EXPECT_STREQ(kind_name(Value::Kind::Boolean), "BOOLEAN");
  EXPECT_STREQ(kind_name(Value::Kind::Int8), "INT8");
  EXPECT_STREQ(kind_name(Value::Kind::Int16), "INT16");
  EXPECT_STREQ(kind_name(Value::Kind::Int32), "INT32");
  EXPECT_STREQ(kind_name(Value::Kind::Int64), "INT64");
  EXPECT_STREQ(kind_name(Value::Kind::Float32), "FLOAT32");
  EXPECT_STREQ(kind_name(Value::Kind::Float64), "FLOAT64");
  EXPECT_STREQ(kind_name(Value::Kind::String), "STRING");
  EXPECT_STREQ(kind_name(Value::Kind::Bytes), "BYTES");
  EXPECT_STREQ(kind_name(Value::Kind::Array), "ARRAY");
  EXPECT_STREQ(kind_name(Value::Kind::Map), "MAP");
  EXPECT_STREQ(kind_name(Value::Kind::Struct), "STRUCT");
}

TEST(ValueTest, WrongAccessorThrowsDataErrorNamingBothKinds) {
  Value s = Value::string("x");
  EXPECT_EQ(error_of([&] { (void)s.as_int32(); }), "Expected INT32 value but found STRING");
  EXPECT_EQ(error_of([&] { (void)s.as_bool(); }), "Expected BOOLEAN value but found STRING");
  EXPECT_EQ(error_of([&] { (void)s.as_int8(); }), "Expected INT8 value but found STRING");
  EXPECT_EQ(error_of([&] { (void)s.as_int16(); }), "Expected INT16 value but found STRING");
  EXPECT_EQ(error_of([&] { (void)s.as_int64(); }), "Expected INT64 value but found STRING");
  EXPECT_EQ(error_of([&] { (void)s.as_float32(); }), "Expected FLOAT32 value but found STRING");
  EXPECT_EQ(error_of([&] { (void)s.as_float64(); }), "Expected FLOAT64 value but found STRING");
  EXPECT_EQ(error_of([&] { (void)s.as_bytes(); }), "Expected BYTES value but found STRING");
  EXPECT_EQ(error_of([&] { (void)s.as_array(); }), "Expected ARRAY value but found STRING");
  EXPECT_EQ(error_of([&] { (void)s.as_map(); }), "Expected MAP value but found STRING");
  EXPECT_EQ(error_of([&] { (void)s.as_struct(); }), "Expected STRUCT value but found STRING");
  EXPECT_EQ(error_of([] { (void)Value().as_string(); }), "Expected STRING value but found NULL");
  // Bytes and strings are distinct kinds.
  EXPECT_EQ(error_of([] { (void)Value::bytes("x").as_string(); }), "Expected STRING value but found BYTES");
}

TEST(ValueTest, WideningHelpers) {
  EXPECT_EQ(Value::int8(-3).to_int64(), -3);
  EXPECT_EQ(Value::int16(300).to_int64(), 300);
  EXPECT_EQ(Value::int32(-70000).to_int64(), -70000);
  EXPECT_EQ(Value::int64(1LL << 40).to_int64(), 1LL << 40);
  EXPECT_EQ(Value::int32(3).to_double(), 3.0);
  EXPECT_EQ(Value::float32(0.5F).to_double(), 0.5);
  EXPECT_EQ(Value::float64(0.25).to_double(), 0.25);
  EXPECT_EQ(error_of([] { (void)Value::float64(1.0).to_int64(); }),
            "Expected an integer value but found FLOAT64");
  EXPECT_EQ(error_of([] { (void)Value::string("1").to_double(); }),
            "Expected a numeric value but found STRING");
}

TEST(ValueTest, EqualityIsKindSensitive) {
  EXPECT_NE(Value::int32(1), Value::int64(1));
  EXPECT_NE(Value::string("a"), Value::bytes("a"));
  EXPECT_EQ(Value(), Value());
  EXPECT_NE(Value(), Value::int32(0));
  EXPECT_EQ(Value::array({Value::int8(1), Value()}), Value::array({Value::int8(1), Value()}));
  EXPECT_NE(Value::array({Value::int8(1)}), Value::array({Value::int8(2)}));
}

TEST(ValueTest, FloatEqualityFollowsJavaBoxedEquals) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Value::float64(nan), Value::float64(nan));
  EXPECT_EQ(Value::float32(std::nanf("")), Value::float32(std::nanf("")));
  EXPECT_NE(Value::float64(0.0), Value::float64(-0.0));
  EXPECT_EQ(Value::float64(0.1), Value::float64(0.1));
}

TEST(ValueTest, MapEqualityIgnoresEntryOrder) {
  Value a = Value::map({{Value::string("x"), Value::int32(1)}, {Value::string("y"), Value::int32(2)}});
  Value b = Value::map({{Value::string("y"), Value::int32(2)}, {Value::string("x"), Value::int32(1)}});
  Value c = Value::map({{Value::string("y"), Value::int32(3)}, {Value::string("x"), Value::int32(1)}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, Value::map({{Value::string("x"), Value::int32(1)}}));
}

}  // namespace
}  // namespace sluice::data
