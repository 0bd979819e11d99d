#pragma once
// Java's numeric conversions as Cast and MaskField rely on them: primitive narrowing (modular for integers,
// saturating for floating point to integer, NaN to 0), BigDecimal's longValue/doubleValue on Connect's
// Decimal representation, and the String parsers (Integer.parseInt, Double.parseDouble, ...).

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::transforms {

// (long) d and (int) d in Java: saturating, NaN -> 0.
std::int64_t java_double_to_long(double value);
std::int32_t java_double_to_int(double value);
// Java's integer narrowing keeps the low bits: (byte) 300 == 44.
template <typename Int>
Int java_narrow(std::int64_t value) {
  return static_cast<Int>(static_cast<std::uint64_t>(value));
}

// BigDecimal.longValue() of unscaled * 10^-scale: the low 64 bits of the integer part (truncated toward
// zero).
std::int64_t decimal_long_value(std::string_view unscaled_be, std::int32_t scale);
// BigDecimal.doubleValue(): the nearest double.
double decimal_double_value(std::string_view unscaled_be, std::int32_t scale);

// Long.parseLong / Integer.parseInt / Short.parseShort / Byte.parseByte: an optional sign and ASCII digits,
// within [min, max]; nullopt where Java throws NumberFormatException.
std::optional<std::int64_t> parse_java_integer(std::string_view text, std::int64_t min, std::int64_t max);
// Double.parseDouble / Float.parseFloat: surrounding whitespace trimmed, "NaN", "Infinity", decimal and hex
// forms, optional f/F/d/D suffix.
std::optional<double> parse_java_double(std::string_view text);
std::optional<float> parse_java_float(std::string_view text);

}  // namespace sluice::transforms
