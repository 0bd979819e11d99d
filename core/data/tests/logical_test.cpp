#include "core/common/errors.hpp"
#include "core/data/logical.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace sluice::data::logical {
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

std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (int b : list) out.push_back(static_cast<char>(b));
  return out;
}

TEST(LogicalTest, SchemasCarryNameVersionAndScale) {
  auto decimal = decimal_schema(2);
  EXPECT_EQ(decimal->type(), Type::Bytes);
  EXPECT_EQ(decimal->name(), "org.apache.kafka.connect.data.Decimal");
  EXPECT_EQ(decimal->version(), 1);
  EXPECT_EQ(*decimal->parameter("scale"), "2");
  EXPECT_FALSE(decimal->optional());
  EXPECT_TRUE(is_decimal(*decimal));
  EXPECT_EQ(decimal_scale(*decimal), 2);
  EXPECT_EQ(decimal_scale(*decimal_schema(-3)), -3);

  EXPECT_EQ(date_schema()->type(), Type::Int32);
  EXPECT_EQ(date_schema()->name(), "org.apache.kafka.connect.data.Date");
  EXPECT_EQ(date_schema()->version(), 1);
  EXPECT_EQ(time_schema()->type(), Type::Int32);
  EXPECT_EQ(time_schema()->name(), "org.apache.kafka.connect.data.Time");
  EXPECT_EQ(time_schema()->version(), 1);
  EXPECT_EQ(timestamp_schema()->type(), Type::Int64);
  EXPECT_EQ(timestamp_schema()->name(), "org.apache.kafka.connect.data.Timestamp");
  EXPECT_EQ(timestamp_schema()->version(), 1);
  EXPECT_TRUE(is_date(*date_schema()));
  EXPECT_TRUE(is_time(*time_schema()));
  EXPECT_TRUE(is_timestamp(*timestamp_schema()));
  EXPECT_FALSE(is_date(*time_schema()));
  EXPECT_FALSE(is_decimal(*Schema::bytes()));

  // Builders can be refined further, e.g. optional logical types.
  auto optional_ts = timestamp_builder().optional().build();
  EXPECT_TRUE(optional_ts->optional());
  EXPECT_TRUE(is_timestamp(*optional_ts));
  EXPECT_TRUE(date_builder().optional().build()->optional());
  EXPECT_TRUE(time_builder().optional().build()->optional());
  EXPECT_TRUE(decimal_builder(4).optional().build()->optional());
}

TEST(LogicalTest, DecimalScaleErrors) {
  EXPECT_EQ(error_of([] { decimal_scale(*Schema::bytes()); }),
            "Invalid Decimal schema: scale parameter not found.");
  auto bad = SchemaBuilder::bytes().name(std::string(kDecimalName)).parameter("scale", "two").build();
  EXPECT_EQ(error_of([&] { decimal_scale(*bad); }), "Invalid scale parameter found in Decimal schema: two");
}

TEST(LogicalTest, Int64UnscaledIsMinimalTwosComplement) {
  EXPECT_EQ(decimal_from_int64(0), bytes({0x00}));
  EXPECT_EQ(decimal_from_int64(1), bytes({0x01}));
  EXPECT_EQ(decimal_from_int64(127), bytes({0x7f}));
  EXPECT_EQ(decimal_from_int64(128), bytes({0x00, 0x80}));
  EXPECT_EQ(decimal_from_int64(156), bytes({0x00, 0x9c}));  // Kafka's JsonConverterTest: "AJw="
  EXPECT_EQ(decimal_from_int64(255), bytes({0x00, 0xff}));
  EXPECT_EQ(decimal_from_int64(-1), bytes({0xff}));
  EXPECT_EQ(decimal_from_int64(-128), bytes({0x80}));
  EXPECT_EQ(decimal_from_int64(-129), bytes({0xff, 0x7f}));
  EXPECT_EQ(decimal_from_int64(-256), bytes({0xff, 0x00}));
  EXPECT_EQ(decimal_from_int64(INT64_MIN), bytes({0x80, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(decimal_from_int64(INT64_MAX), bytes({0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
}

TEST(LogicalTest, DecimalToPlainString) {
  EXPECT_EQ(decimal_to_string(decimal_from_int64(12345), 2), "123.45");
  EXPECT_EQ(decimal_to_string(decimal_from_int64(156), 2), "1.56");
  EXPECT_EQ(decimal_to_string(decimal_from_int64(-12345), 2), "-123.45");
  EXPECT_EQ(decimal_to_string(decimal_from_int64(0), 0), "0");
  EXPECT_EQ(decimal_to_string(decimal_from_int64(0), 2), "0.00");
  EXPECT_EQ(decimal_to_string(decimal_from_int64(0), -2), "0");
  EXPECT_EQ(decimal_to_string(decimal_from_int64(5), 3), "0.005");
  EXPECT_EQ(decimal_to_string(decimal_from_int64(-5), 3), "-0.005");
  EXPECT_EQ(decimal_to_string(decimal_from_int64(123), -2), "12300");
  EXPECT_EQ(decimal_to_string(decimal_from_int64(-123), -2), "-12300");
  EXPECT_EQ(decimal_to_string(decimal_from_int64(INT64_MIN), 0), "-9223372036854775808");
  // Non-minimal input bytes are accepted (sign extension).
  EXPECT_EQ(decimal_to_string(bytes({0xff, 0xff, 0x80}), 0), "-128");
  EXPECT_EQ(decimal_to_string(bytes({0x00, 0x00, 0x01}), 1), "0.1");
  EXPECT_EQ(error_of([] { decimal_to_string("", 0); }),
            "Invalid Decimal value: the unscaled bytes are empty");
}

TEST(LogicalTest, DecimalsLargerThan64Bits) {
  const std::string positive("\x01\x8e\xe9\x0f\xf6\xc3\x73\xe0\xee\x4e\x3f\x0a\xd2", 13);
  const std::string negative("\xfe\x71\x16\xf0\x09\x3c\x8c\x1f\x11\xb1\xc0\xf5\x2e", 13);
  EXPECT_EQ(decimal_from_string("123456789012345678901234567890", 0), positive);
  EXPECT_EQ(decimal_from_string("-123456789012345678901234567890", 0), negative);
  EXPECT_EQ(decimal_to_string(positive, 0), "123456789012345678901234567890");
  EXPECT_EQ(decimal_to_string(negative, 10), "-12345678901234567890.1234567890");
  EXPECT_EQ(decimal_from_string("18446744073709551616", 0), bytes({0x01, 0, 0, 0, 0, 0, 0, 0, 0}));    // 2^64
  EXPECT_EQ(decimal_from_string("9223372036854775808", 0), bytes({0x00, 0x80, 0, 0, 0, 0, 0, 0, 0}));  // 2^63
  EXPECT_EQ(decimal_from_string("-9223372036854775808", 0), decimal_from_int64(INT64_MIN));
  EXPECT_EQ(decimal_from_string("-9223372036854775809", 0),
            bytes({0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
}

TEST(LogicalTest, DecimalFromStringRescales) {
  EXPECT_EQ(decimal_from_string("-12.345", 3), decimal_from_int64(-12345));
  EXPECT_EQ(decimal_from_string("1.5", 3), decimal_from_int64(1500));
  EXPECT_EQ(decimal_from_string("1.230", 2), decimal_from_int64(123));
  EXPECT_EQ(decimal_from_string("+7", 0), decimal_from_int64(7));
  EXPECT_EQ(decimal_from_string(".5", 1), decimal_from_int64(5));
  EXPECT_EQ(decimal_from_string("5.", 0), decimal_from_int64(5));
  EXPECT_EQ(decimal_from_string("1e3", 0), decimal_from_int64(1000));
  EXPECT_EQ(decimal_from_string("1.5E-2", 3), decimal_from_int64(15));
  EXPECT_EQ(decimal_from_string("12300", -2), decimal_from_int64(123));
  EXPECT_EQ(decimal_from_string("0", -2), decimal_from_int64(0));
  EXPECT_EQ(decimal_from_string("-0.00", 2), decimal_from_int64(0));
  EXPECT_EQ(error_of([] { decimal_from_string("1.234", 2); }),
            "Decimal value 1.234 cannot be represented with scale 2 without losing digits");
  EXPECT_EQ(error_of([] { decimal_from_string("12345", -2); }),
            "Decimal value 12345 cannot be represented with scale -2 without losing digits");
  EXPECT_EQ(
      error_of([] { decimal_from_string("abc", 2); }),
      "Invalid decimal value \"abc\": expected digits with an optional sign, decimal point and exponent");
  EXPECT_EQ(
      error_of([] { decimal_from_string("1e", 0); }),
      "Invalid decimal value \"1e\": expected digits with an optional sign, decimal point and exponent");
  EXPECT_EQ(error_of([] { decimal_from_string("", 0); }),
            "Invalid decimal value \"\": expected digits with an optional sign, decimal point and exponent");
  EXPECT_EQ(
      error_of([] { decimal_from_string(" 1", 0); }),
      "Invalid decimal value \" 1\": expected digits with an optional sign, decimal point and exponent");
}

TEST(LogicalTest, DecimalStringRoundTrips) {
  const char* cases[] = {"0.01", "-0.01", "99999999999999999999999999999999.99", "-1.00", "123.45"};
  for (const char* text : cases) {
    EXPECT_EQ(decimal_to_string(decimal_from_string(text, 2), 2), text);
  }
}

}  // namespace
}  // namespace sluice::data::logical
