#include "core/data/text_format.hpp"
#include "core/data/logical.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace sluice::convert {
namespace {

TEST(TextFormatTest, JavaDoubleToString) {
  EXPECT_EQ(data::java_double_to_string(0.1), "0.1");
  EXPECT_EQ(data::java_double_to_string(1.0), "1.0");
  EXPECT_EQ(data::java_double_to_string(100.0), "100.0");
  EXPECT_EQ(data::java_double_to_string(1e7), "1.0E7");
  EXPECT_EQ(data::java_double_to_string(1e-4), "1.0E-4");
  EXPECT_EQ(data::java_double_to_string(0.001), "0.001");
  EXPECT_EQ(data::java_double_to_string(123456.789), "123456.789");
  EXPECT_EQ(data::java_double_to_string(-0.0), "-0.0");
  EXPECT_EQ(data::java_double_to_string(0.0), "0.0");
  EXPECT_EQ(data::java_double_to_string(1.2345e7), "1.2345E7");
  EXPECT_EQ(data::java_double_to_string(1e20), "1.0E20");
  EXPECT_EQ(data::java_double_to_string(-123.0), "-123.0");
  EXPECT_EQ(data::java_double_to_string(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(data::java_double_to_string(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(data::java_double_to_string(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(data::java_double_to_string(std::numeric_limits<double>::denorm_min()), "4.9E-324");
}

TEST(TextFormatTest, JavaFloatToString) {
  EXPECT_EQ(data::java_float_to_string(0.1F), "0.1");
  EXPECT_EQ(data::java_float_to_string(1.0F), "1.0");
  EXPECT_EQ(data::java_float_to_string(1e7F), "1.0E7");
  EXPECT_EQ(data::java_float_to_string(1.0e-5F), "1.0E-5");
  EXPECT_EQ(data::java_float_to_string(16777216.0F), "1.6777216E7");
  EXPECT_EQ(data::java_float_to_string(-0.0F), "-0.0");
  EXPECT_EQ(data::java_float_to_string(std::numeric_limits<float>::denorm_min()), "1.4E-45");
  EXPECT_EQ(data::java_float_to_string(std::nanf("")), "NaN");
}

TEST(TextFormatTest, Base64) {
  EXPECT_EQ(data::base64_encode(""), "");
  EXPECT_EQ(data::base64_encode("f"), "Zg==");
  EXPECT_EQ(data::base64_encode("fo"), "Zm8=");
  EXPECT_EQ(data::base64_encode("foo"), "Zm9v");
  EXPECT_EQ(data::base64_encode("test-string"), "dGVzdC1zdHJpbmc=");
  EXPECT_EQ(data::base64_encode(std::string("\xff\xfe\xfd", 3)), "//79");
  EXPECT_EQ(data::base64_decode("dGVzdC1zdHJpbmc="), "test-string");
  EXPECT_EQ(data::base64_decode(""), "");
  EXPECT_EQ(data::base64_decode("Zg=="), "f");
  EXPECT_EQ(data::base64_decode("//79"), std::string("\xff\xfe\xfd", 3));
  EXPECT_EQ(data::base64_decode("Zg="), std::nullopt);
  EXPECT_EQ(data::base64_decode("Z==="), std::nullopt);
  EXPECT_EQ(data::base64_decode("Zg==Zg=="), std::nullopt);
  EXPECT_EQ(data::base64_decode("Z!=="), std::nullopt);
}

TEST(TextFormatTest, DecimalLiterals) {
  auto a = data::parse_decimal_literal("-12.340");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->negative);
  EXPECT_EQ(a->digits, "12340");
  EXPECT_EQ(a->scale, 3);
  auto b = data::parse_decimal_literal("1.5E+3");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->digits, "15");
  EXPECT_EQ(b->scale, -2);
  auto c = data::parse_decimal_literal("000");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->digits, "0");
  EXPECT_FALSE(data::parse_decimal_literal("1.2.3"));
  EXPECT_FALSE(data::parse_decimal_literal("abc"));
  EXPECT_FALSE(data::parse_decimal_literal("1e"));
  EXPECT_FALSE(data::parse_decimal_literal(""));
  EXPECT_FALSE(data::parse_decimal_literal("1e99999999999"));
}

TEST(TextFormatTest, BigDecimalToString) {
  using data::logical::decimal_from_int64;
  EXPECT_EQ(data::big_decimal_to_string(decimal_from_int64(12345), 2), "123.45");
  EXPECT_EQ(data::big_decimal_to_string(decimal_from_int64(-5), 3), "-0.005");
  EXPECT_EQ(data::big_decimal_to_string(decimal_from_int64(123), -2), "1.23E+4");
  EXPECT_EQ(data::big_decimal_to_string(decimal_from_int64(0), -2), "0E+2");
  EXPECT_EQ(data::big_decimal_to_string(decimal_from_int64(1), 6), "0.000001");
  EXPECT_EQ(data::big_decimal_to_string(decimal_from_int64(1), 7), "1E-7");
  EXPECT_EQ(data::big_decimal_to_string(decimal_from_int64(-12), 10), "-1.2E-9");
  EXPECT_EQ(data::big_decimal_to_string(decimal_from_int64(7), 0), "7");
}

TEST(TextFormatTest, MinimalTwosComplementAndTrim) {
  EXPECT_EQ(data::minimal_twos_complement(std::string("\x00\x00\x9c", 3)), std::string("\x00\x9c", 2));
  EXPECT_EQ(data::minimal_twos_complement(std::string("\xff\xff\x80", 3)), std::string("\x80", 1));
  EXPECT_EQ(data::minimal_twos_complement(std::string("\xff\x7f", 2)), std::string("\xff\x7f", 2));
  EXPECT_EQ(data::minimal_twos_complement(std::string("\x00", 1)), std::string("\x00", 1));
  EXPECT_EQ(data::java_trim("  a b \t\n"), "a b");
  EXPECT_EQ(data::java_trim("   "), "");
}

}  // namespace
}  // namespace sluice::convert
