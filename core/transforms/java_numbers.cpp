#include "core/transforms/java_numbers.hpp"

#include "core/data/logical.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace sluice::transforms {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex_digit(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

// Validates Java's floating-point literal grammar and returns the text strtod/strtof can read, or nullopt.
std::optional<std::string> java_float_literal(std::string_view text) {
  while (!text.empty() && static_cast<unsigned char>(text.front()) <= ' ') text.remove_prefix(1);
  while (!text.empty() && static_cast<unsigned char>(text.back()) <= ' ') text.remove_suffix(1);
  std::string_view body = text;
  std::string sign;
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
    sign = body.front() == '-' ? "-" : "";
    body.remove_prefix(1);
  }
  if (body == "NaN") return std::string("NAN");
  if (body == "Infinity") return sign + "INF";
  if (!body.empty() &&
      (body.back() == 'f' || body.back() == 'F' || body.back() == 'd' || body.back() == 'D')) {
    body.remove_suffix(1);
  }
  if (body.empty()) return std::nullopt;
  std::size_t i = 0;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    i = 2;
    std::size_t digits = 0;
    while (i < body.size() && is_hex_digit(body[i])) ++i, ++digits;
    if (i < body.size() && body[i] == '.') {
      ++i;
      while (i < body.size() && is_hex_digit(body[i])) ++i, ++digits;
    }
    if (digits == 0 || i >= body.size() || (body[i] != 'p' && body[i] != 'P')) return std::nullopt;
  } else {
    std::size_t digits = 0;
    while (i < body.size() && is_digit(body[i])) ++i, ++digits;
    if (i < body.size() && body[i] == '.') {
      ++i;
      while (i < body.size() && is_digit(body[i])) ++i, ++digits;
    }
    if (digits == 0) return std::nullopt;
    if (i == body.size()) return sign + std::string(body);
    if (body[i] != 'e' && body[i] != 'E') return std::nullopt;
  }
  ++i;  // exponent marker
  if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
  const std::size_t exponent_start = i;
  while (i < body.size() && is_digit(body[i])) ++i;
  if (i == exponent_start || i != body.size()) return std::nullopt;
  return sign + std::string(body);
}

}  // namespace

std::int64_t java_double_to_long(double value) {
  if (std::isnan(value)) return 0;
  if (value >= 9223372036854775807.0) return std::numeric_limits<std::int64_t>::max();
  if (value <= -9223372036854775808.0) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(value);
}

std::int32_t java_double_to_int(double value) {
  if (std::isnan(value)) return 0;
  if (value >= 2147483647.0) return std::numeric_limits<std::int32_t>::max();
  if (value <= -2147483648.0) return std::numeric_limits<std::int32_t>::min();
  return static_cast<std::int32_t>(value);
}

std::int64_t decimal_long_value(std::string_view unscaled_be, std::int32_t scale) {
  const std::string plain = data::logical::decimal_to_string(unscaled_be, scale);
  std::size_t i = 0;
  const bool negative = !plain.empty() && plain[0] == '-';
  if (negative) ++i;
  std::uint64_t low_bits = 0;  // arithmetic modulo 2^64, as BigInteger.longValue keeps the low 64 bits
  for (; i < plain.size() && is_digit(plain[i]); ++i) {
    low_bits = low_bits * 10U + static_cast<std::uint64_t>(plain[i] - '0');
  }
  if (negative) low_bits = ~low_bits + 1U;
  return static_cast<std::int64_t>(low_bits);
}

double decimal_double_value(std::string_view unscaled_be, std::int32_t scale) {
  const std::string plain = data::logical::decimal_to_string(unscaled_be, scale);
  return std::strtod(plain.c_str(), nullptr);
}

std::optional<std::int64_t> parse_java_integer(std::string_view text, std::int64_t min, std::int64_t max) {
  std::size_t i = 0;
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    i = 1;
  }
  if (i >= text.size()) return std::nullopt;
  // Accumulate negatively so that Long.MIN_VALUE fits, as Java does.
  std::int64_t value = 0;
  for (; i < text.size(); ++i) {
    if (!is_digit(text[i])) return std::nullopt;
    const int digit = text[i] - '0';
    if (value < (std::numeric_limits<std::int64_t>::min() + digit) / 10) return std::nullopt;
    value = value * 10 - digit;
  }
  if (!negative) {
    if (value == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
    value = -value;
  }
  if (value < min || value > max) return std::nullopt;
  return value;
}

std::optional<double> parse_java_double(std::string_view text) {
  auto literal = java_float_literal(text);
  if (!literal) return std::nullopt;
  return std::strtod(literal->c_str(), nullptr);
}

std::optional<float> parse_java_float(std::string_view text) {
  auto literal = java_float_literal(text);
  if (!literal) return std::nullopt;
  return std::strtof(literal->c_str(), nullptr);
}

}  // namespace sluice::transforms
