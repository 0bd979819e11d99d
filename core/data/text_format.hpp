#pragma once
// Text forms shared by the built-in converters, each matching what Kafka's Java code prints: Java's
// Double.toString / Float.toString (which Jackson uses for JSON numbers), BigDecimal.toString, standard
// base64 with padding (Jackson's MIME-no-linefeeds variant and java.util.Base64), and the BigDecimal
// literal grammar.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::data {

// Java's Double.toString (JDK 19+, shortest digits that round-trip): "1.0", "100.0", "0.001", "1.0E7",
// "1.0E-4", "-0.0", "NaN", "Infinity", "-Infinity".
std::string java_double_to_string(double value);
// Java's Float.toString, shortest float digits: 0.1f -> "0.1".
std::string java_float_to_string(float value);

// Standard alphabet, '=' padding, no line breaks.
std::string base64_encode(std::string_view data);
// Strict decoding of the same form; nullopt when the text is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);

// A number in java.math.BigDecimal's string grammar: [+-] digits [. digits] [(e|E) [+-] digits], or with
// the digits only after the point. value = (negative ? -1 : 1) * digits * 10^-scale.
struct DecimalLiteral {
  bool negative = false;
  std::string digits;      // unscaled magnitude, no leading zeros, "0" for zero
  std::int64_t scale = 0;  // fraction digits minus exponent
};
std::optional<DecimalLiteral> parse_decimal_literal(std::string_view text);

// Java's BigDecimal.toString for an unscaled two's-complement big-endian integer and a scale: plain when
// scale >= 0 and the adjusted exponent >= -6, else scientific ("1.23E+4", "1E-10").
std::string big_decimal_to_string(std::string_view unscaled_be, std::int32_t scale);

// Strips redundant sign-extension bytes, giving Java's BigInteger.toByteArray() form. Empty stays empty.
std::string minimal_twos_complement(std::string_view unscaled_be);

// Java's String.trim(): removes leading and trailing characters <= ' '.
std::string_view java_trim(std::string_view text);

}  // namespace sluice::data
