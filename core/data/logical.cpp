#include "core/data/logical.hpp"

#include "core/common/errors.hpp"

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace sluice::data::logical {

namespace {

constexpr std::uint64_t kChunk = 1'000'000'000ULL;  // base 10^9 chunks for decimal <-> binary conversion

// Two's-complement big-endian bytes -> (negative, magnitude big-endian). Decimals are arbitrary size, so
// this works on bytes rather than machine integers.
std::string magnitude_of(std::string_view twos, bool& negative) {
  negative = !twos.empty() && (static_cast<unsigned char>(twos[0]) & 0x80U) != 0;
  std::string mag(twos);
  if (negative) {
    for (char& c : mag) c = static_cast<char>(~static_cast<unsigned char>(c));
    for (std::size_t i = mag.size(); i-- > 0;) {
      auto b = static_cast<unsigned char>(mag[i]);
      mag[i] = static_cast<char>(b + 1);
      if (b != 0xFF) break;
    }
  }
  return mag;
}

bool is_zero(const std::string& mag) {
  for (char c : mag) {
    if (c != 0) return false;
  }
  return true;
}

// Magnitude (big-endian bytes) -> decimal digits without sign, "0" for zero.
std::string magnitude_to_digits(std::string mag) {
  std::vector<std::uint32_t> chunks;  // least significant first
  while (!is_zero(mag)) {
    std::uint64_t rem = 0;
    for (char& c : mag) {
      std::uint64_t cur = rem * 256 + static_cast<unsigned char>(c);
      c = static_cast<char>(cur / kChunk);
      rem = cur % kChunk;
    }
    chunks.push_back(static_cast<std::uint32_t>(rem));
  }
  if (chunks.empty()) return "0";
  std::string out = std::to_string(chunks.back());
  for (std::size_t i = chunks.size() - 1; i-- > 0;) {
    std::string part = std::to_string(chunks[i]);
    out.append(9 - part.size(), '0');
    out += part;
  }
  return out;
}

// Decimal digits (no sign) -> magnitude big-endian bytes.
std::string digits_to_magnitude(std::string_view digits) {
  std::vector<std::uint8_t> le;  // little-endian bytes
  std::size_t pos = 0;
  std::size_t first = digits.size() % 9;
  if (first == 0) first = 9;
  while (pos < digits.size()) {
    const std::size_t len = pos == 0 ? first : 9;
    std::uint64_t chunk = 0;
    std::uint64_t multiplier = 1;
    for (std::size_t i = 0; i < len; ++i) {
      chunk = chunk * 10 + static_cast<std::uint64_t>(digits[pos + i] - '0');
      multiplier *= 10;
    }
    pos += len;
    std::uint64_t carry = chunk;
    for (auto& b : le) {
      std::uint64_t cur = static_cast<std::uint64_t>(b) * multiplier + carry;
      b = static_cast<std::uint8_t>(cur & 0xFFU);
      carry = cur >> 8;
    }
    while (carry != 0) {
      le.push_back(static_cast<std::uint8_t>(carry & 0xFFU));
      carry >>= 8;
    }
  }
  std::string be(le.rbegin(), le.rend());
  return be;
}

// (negative, magnitude) -> minimal two's complement, exactly as Java's BigInteger.toByteArray().
std::string to_twos_complement(std::string mag, bool negative) {
  std::size_t start = 0;
  while (start < mag.size() && mag[start] == 0) ++start;
  mag.erase(0, start);
  if (mag.empty()) return std::string(1, '\0');
  if (!negative) {
    if ((static_cast<unsigned char>(mag[0]) & 0x80U) != 0) mag.insert(mag.begin(), '\0');
    return mag;
  }
  for (char& c : mag) c = static_cast<char>(~static_cast<unsigned char>(c));
  for (std::size_t i = mag.size(); i-- > 0;) {
    auto b = static_cast<unsigned char>(mag[i]);
    mag[i] = static_cast<char>(b + 1);
    if (b != 0xFF) break;
  }
  if ((static_cast<unsigned char>(mag[0]) & 0x80U) == 0) mag.insert(mag.begin(), static_cast<char>(0xFF));
  std::size_t drop = 0;
  while (drop + 1 < mag.size() && static_cast<unsigned char>(mag[drop]) == 0xFF &&
         (static_cast<unsigned char>(mag[drop + 1]) & 0x80U) != 0) {
    ++drop;
  }
  return mag.substr(drop);
}

SchemaPtr build_once(SchemaBuilder builder) {
  return builder.build();
}

}  // namespace

SchemaBuilder decimal_builder(std::int32_t scale) {
  SchemaBuilder builder = SchemaBuilder::bytes();
  builder.name(std::string(kDecimalName))
      .parameter(std::string(kDecimalScaleParameter), std::to_string(scale));
  builder.version(1);
  return builder;
}

SchemaBuilder date_builder() {
  SchemaBuilder builder = SchemaBuilder::int32();
  builder.name(std::string(kDateName)).version(1);
  return builder;
}

SchemaBuilder time_builder() {
  SchemaBuilder builder = SchemaBuilder::int32();
  builder.name(std::string(kTimeName)).version(1);
  return builder;
}

SchemaBuilder timestamp_builder() {
  SchemaBuilder builder = SchemaBuilder::int64();
  builder.name(std::string(kTimestampName)).version(1);
  return builder;
}

SchemaPtr decimal_schema(std::int32_t scale) {
  return decimal_builder(scale).build();
}

SchemaPtr date_schema() {
  static const SchemaPtr schema = build_once(date_builder());
  return schema;
}

SchemaPtr time_schema() {
  static const SchemaPtr schema = build_once(time_builder());
  return schema;
}

SchemaPtr timestamp_schema() {
  static const SchemaPtr schema = build_once(timestamp_builder());
  return schema;
}

bool is_decimal(const Schema& schema) {
  return schema.name() && *schema.name() == kDecimalName;
}
bool is_date(const Schema& schema) {
  return schema.name() && *schema.name() == kDateName;
}
bool is_time(const Schema& schema) {
  return schema.name() && *schema.name() == kTimeName;
}
bool is_timestamp(const Schema& schema) {
  return schema.name() && *schema.name() == kTimestampName;
}

std::int32_t decimal_scale(const Schema& schema) {
  const std::string* text = schema.parameter(kDecimalScaleParameter);
  if (!text) throw DataError("Invalid Decimal schema: scale parameter not found.");
  std::int32_t scale = 0;
  const char* begin = text->data();
  const char* end = begin + text->size();
  if (begin != end && *begin == '+') ++begin;  // Integer.parseInt accepts a leading '+'
  auto [ptr, ec] = std::from_chars(begin, end, scale);
  if (ec != std::errc() || ptr != end || begin == end) {
    throw DataError("Invalid scale parameter found in Decimal schema: " + *text);
  }
  return scale;
}

std::string decimal_to_string(std::string_view unscaled_be, std::int32_t scale) {
  if (unscaled_be.empty()) throw DataError("Invalid Decimal value: the unscaled bytes are empty");
  bool negative = false;
  std::string digits = magnitude_to_digits(magnitude_of(unscaled_be, negative));
  std::string out = negative ? "-" : "";
  if (scale <= 0) {
    // BigDecimal.toPlainString: zero stays "0" whatever the scale.
    out += digits;
    if (digits != "0") out.append(static_cast<std::size_t>(-static_cast<std::int64_t>(scale)), '0');
    return out;
  }
  const auto s = static_cast<std::size_t>(scale);
  if (digits.size() > s) {
    out += digits.substr(0, digits.size() - s);
    out += '.';
    out += digits.substr(digits.size() - s);
  } else {
    out += "0.";
    out.append(s - digits.size(), '0');
    out += digits;
  }
  return out;
}

std::string decimal_from_string(std::string_view text, std::int32_t scale) {
  auto invalid = [&text]() {
    return DataError("Invalid decimal value \"" + std::string(text) +
                     "\": expected digits with an optional sign, decimal point and exponent");
  };
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    negative = text[i] == '-';
    ++i;
  }
  std::string digits;
  std::int64_t fraction_digits = 0;
  bool seen_digit = false;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      seen_digit = true;
      if (seen_point) ++fraction_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!seen_digit) throw invalid();
  std::int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    if (i == text.size()) throw invalid();
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') throw invalid();
      exponent = exponent * 10 + (text[i] - '0');
      if (exponent > std::numeric_limits<std::int32_t>::max()) throw invalid();
    }
    if (exp_negative) exponent = -exponent;
  }
  if (i != text.size()) throw invalid();

  const std::int64_t own_scale = fraction_digits - exponent;
  const std::int64_t target = scale;
  if (target >= own_scale) {
    const std::int64_t pad = target - own_scale;
    if (pad > 1'000'000)
      throw DataError("Decimal value " + std::string(text) + " is too large for scale " +
                      std::to_string(scale));
    digits.append(static_cast<std::size_t>(pad), '0');
  } else {
    const std::int64_t drop = own_scale - target;
    const auto keep = static_cast<std::int64_t>(digits.size()) - drop;
    for (std::int64_t k = std::max<std::int64_t>(keep, 0); k < static_cast<std::int64_t>(digits.size());
         ++k) {
      if (digits[static_cast<std::size_t>(k)] != '0') {
        throw DataError("Decimal value " + std::string(text) + " cannot be represented with scale " +
                        std::to_string(scale) + " without losing digits");
      }
    }
    digits = keep > 0 ? digits.substr(0, static_cast<std::size_t>(keep)) : "0";
  }
  return to_twos_complement(digits_to_magnitude(digits), negative);
}

std::string decimal_from_int64(std::int64_t unscaled) {
  const bool negative = unscaled < 0;
  std::uint64_t mag =
      negative ? ~static_cast<std::uint64_t>(unscaled) + 1 : static_cast<std::uint64_t>(unscaled);
  std::string be(8, '\0');
  for (int i = 7; i >= 0; --i) {
    be[static_cast<std::size_t>(i)] = static_cast<char>(mag & 0xFFU);
    mag >>= 8;
  }
  return to_twos_complement(be, negative);
}

}  // namespace sluice::data::logical
