#pragma once
// Java's Double.toString / Float.toString (JDK 19+ algorithm): the shortest decimal (at least two digits)
// that reads back to the same value, in plain notation for 1e-3 <= |x| < 1e7 ("0.001", "123.5", "1.0") and
// computerized scientific notation otherwise ("1.0E7", "1.234E-5"); "NaN", "Infinity", "-Infinity", "-0.0".
// Plugins use it wherever text must match what a Java connector would print.

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

namespace sluice::sdk::java {

namespace detail {
// `sci` is std::to_chars' shortest scientific form, e.g. "-1.2345e+07".
inline std::string format_shortest(const char* sci, std::size_t len) {
  std::string s(sci, len);
  std::string out;
  std::size_t i = 0;
  if (s[0] == '-') {
    out.push_back('-');
    i = 1;
  }
  std::size_t e = s.find('e');
  std::string digits;
  for (std::size_t k = i; k < e; ++k)
    if (s[k] != '.') digits.push_back(s[k]);
  // A two-digit rounding may end in 0 ("1.0e-01"): the formatting below adds ".0" where Java has it.
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int exp = std::atoi(s.c_str() + e + 1);
  if (exp >= -3 && exp < 7) {
    if (exp >= 0) {
      auto int_len = static_cast<std::size_t>(exp) + 1;
      if (digits.size() <= int_len) {
        out += digits;
        out.append(int_len - digits.size(), '0');
        out += ".0";
      } else {
        out += digits.substr(0, int_len);
        out += '.';
        out += digits.substr(int_len);
      }
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-exp - 1), '0');
      out += digits;
    }
  } else {
    out += digits[0];
    out += '.';
    out += digits.size() > 1 ? digits.substr(1) : "0";
    out += 'E';
    out += std::to_string(exp);
  }
  return out;
}

template <class F>
std::string to_java_string(F v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  // Java never settles for one significant digit: when the shortest decimal has one digit it prints the
  // two-digit decimal closest to the value (Double.MIN_VALUE is "4.9E-324", not "5.0E-324").
  const std::string_view shortest(buf, static_cast<std::size_t>(res.ptr - buf));
  if (shortest.find('.') == std::string_view::npos)
    res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific, 1);
  return format_shortest(buf, static_cast<std::size_t>(res.ptr - buf));
}
}  // namespace detail

inline std::string double_to_string(double v) {
  return detail::to_java_string(v);
}
inline std::string float_to_string(float v) {
  return detail::to_java_string(v);
}

}  // namespace sluice::sdk::java
