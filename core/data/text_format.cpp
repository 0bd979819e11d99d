#include "core/data/text_format.hpp"

#include "core/data/logical.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <system_error>

namespace sluice::data {

namespace {

// Splits std::to_chars' shortest scientific output ("-1.2345e+07") into digits ("12345") and the decimal
// exponent of the first digit (7).
struct Shortest {
  bool negative = false;
  std::string digits;
  int exponent = 0;
};

Shortest split_scientific(std::string_view text) {
  Shortest out;
  std::size_t i = 0;
  if (text[i] == '-') {
    out.negative = true;
    ++i;
  }
  for (; i < text.size() && text[i] != 'e'; ++i) {
    if (text[i] != '.') out.digits += text[i];
  }
  ++i;  // 'e'
  int exponent = 0;
  std::from_chars(text.data() + i + (text[i] == '+' ? 1 : 0), text.data() + text.size(), exponent);
  out.exponent = exponent;
  while (out.digits.size() > 1 && out.digits.back() == '0') out.digits.pop_back();
  return out;
}

// The digits Java's Double.toString / Float.toString (JDK 19+) choose: the shortest decimal that rounds
// to the value, except that when one digit would do, Java picks the closest decimal of one or two digits
// (Double.MIN_VALUE prints as 4.9E-324, not 5.0E-324).
template <typename F>
Shortest shortest_digits(F value) {
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::scientific);
  (void)ec;  // 64 chars always suffice for a float or double
  Shortest out = split_scientific(std::string_view(buf.data(), static_cast<std::size_t>(end - buf.data())));
  if (out.digits.size() == 1) {
    auto [end2, ec2] =
        std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::scientific, 1);
    (void)ec2;
    F back{};
    std::from_chars(buf.data(), end2, back);
    if (back == value)
      out = split_scientific(std::string_view(buf.data(), static_cast<std::size_t>(end2 - buf.data())));
  }
  return out;
}

// Java's FloatingDecimal layout: plain notation for 1e-3 <= |v| < 1e7, else d.dddE<exp>.
template <typename F>
std::string java_floating_to_string(F value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  const Shortest s = shortest_digits(value);
  std::string out = s.negative ? "-" : "";
  const F magnitude = std::fabs(value);
  if (magnitude >= static_cast<F>(1e-3) && magnitude < static_cast<F>(1e7)) {
    if (s.exponent >= 0) {
      const auto int_len = static_cast<std::size_t>(s.exponent) + 1;
      if (s.digits.size() <= int_len) {
        out += s.digits;
        out.append(int_len - s.digits.size(), '0');
        out += ".0";
      } else {
        out += s.digits.substr(0, int_len);
        out += '.';
        out += s.digits.substr(int_len);
      }
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-s.exponent - 1), '0');
      out += s.digits;
    }
    return out;
  }
  out += s.digits[0];
  out += '.';
  out += s.digits.size() > 1 ? s.digits.substr(1) : "0";
  out += 'E';
  out += std::to_string(s.exponent);
  return out;
}

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string java_double_to_string(double value) {
  return java_floating_to_string(value);
}
std::string java_float_to_string(float value) {
  return java_floating_to_string(value);
}

std::string base64_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const auto n = (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8) |
                   static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 2]));
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += kBase64Alphabet[(n >> 6) & 63];
    out += kBase64Alphabet[n & 63];
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16;
    if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8;
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += rest == 2 ? kBase64Alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int padding = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + static_cast<std::size_t>(k)];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++padding;
        continue;
      }
      if (padding > 0) return std::nullopt;  // data after padding
      v[k] = base64_value(c);
      if (v[k] < 0) return std::nullopt;
    }
    const auto n = (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
                   (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    out += static_cast<char>((n >> 16) & 0xFF);
    if (padding < 2) out += static_cast<char>((n >> 8) & 0xFF);
    if (padding < 1) out += static_cast<char>(n & 0xFF);
  }
  return out;
}

std::optional<DecimalLiteral> parse_decimal_literal(std::string_view text) {
  DecimalLiteral out;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    out.negative = text[i] == '-';
    ++i;
  }
  std::string digits;
  std::int64_t fraction = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      if (point) ++fraction;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (digits.empty()) return std::nullopt;
  std::int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      negative_exponent = text[i] == '-';
      ++i;
    }
    if (i == text.size()) return std::nullopt;
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      exponent = exponent * 10 + (text[i] - '0');
      if (exponent > std::numeric_limits<std::int32_t>::max()) return std::nullopt;
    }
    if (negative_exponent) exponent = -exponent;
  }
  if (i != text.size()) return std::nullopt;
  const std::size_t first = digits.find_first_not_of('0');
  out.digits = first == std::string::npos ? "0" : digits.substr(first);
  out.scale = fraction - exponent;
  // BigDecimal keeps its scale in an int; a literal whose scale does not fit is a NumberFormatException.
  if (out.scale > std::numeric_limits<std::int32_t>::max() ||
      out.scale < std::numeric_limits<std::int32_t>::min()) {
    return std::nullopt;
  }
  return out;
}

std::string big_decimal_to_string(std::string_view unscaled_be, std::int32_t scale) {
  std::string plain = data::logical::decimal_to_string(unscaled_be, 0);
  const bool negative = !plain.empty() && plain[0] == '-';
  const std::string digits = negative ? plain.substr(1) : plain;
  const std::int64_t adjusted =
      -static_cast<std::int64_t>(scale) + static_cast<std::int64_t>(digits.size()) - 1;
  if (scale >= 0 && adjusted >= -6) return data::logical::decimal_to_string(unscaled_be, scale);
  std::string out = negative ? "-" : "";
  out += digits[0];
  if (digits.size() > 1) {
    out += '.';
    out += digits.substr(1);
  }
  out += 'E';
  if (adjusted > 0) out += '+';
  out += std::to_string(adjusted);
  return out;
}

std::string minimal_twos_complement(std::string_view unscaled_be) {
  std::size_t drop = 0;
  while (drop + 1 < unscaled_be.size()) {
    const auto b0 = static_cast<unsigned char>(unscaled_be[drop]);
    const auto b1 = static_cast<unsigned char>(unscaled_be[drop + 1]);
    if ((b0 == 0x00 && (b1 & 0x80U) == 0) || (b0 == 0xFF && (b1 & 0x80U) != 0)) {
      ++drop;
    } else {
      break;
    }
  }
  return std::string(unscaled_be.substr(drop));
}

std::string_view java_trim(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && static_cast<unsigned char>(text[begin]) <= ' ') ++begin;
  while (end > begin && static_cast<unsigned char>(text[end - 1]) <= ' ') --end;
  return text.substr(begin, end - begin);
}

}  // namespace sluice::data
