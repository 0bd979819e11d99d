#pragma once
// Appends JSON text exactly as Jackson's UTF8JsonGenerator writes it with Kafka's default ObjectMapper:
// no whitespace; strings escape '"', '\\' and control characters (\b \t \n \f \r, others \u00XX with
// upper-case hex), '/' and non-ASCII are written as they are; doubles and floats use Java's
// Double.toString / Float.toString; NaN and infinities are quoted strings ("NaN"), because Jackson's
// QUOTE_NON_NUMERIC_NUMBERS is on by default.

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::convert::json {

void append_string(std::string& out, std::string_view text);
void append_int(std::string& out, std::int64_t value);
void append_double(std::string& out, double value);
void append_float(std::string& out, float value);
inline void append_bool(std::string& out, bool value) {
  out += value ? "true" : "false";
}
inline void append_null(std::string& out) {
  out += "null";
}

}  // namespace sluice::convert::json
