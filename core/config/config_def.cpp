#include "core/config/config_def.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <system_error>
#include <utility>

#include "core/common/errors.hpp"

namespace sluice::config {
namespace {

constexpr std::string_view kNullValueError = "Null value can not be supplied as the configuration value.";

// java.lang.String.trim(): strips every char <= U+0020 (so control characters too) from both ends.
std::string_view java_trim(std::string_view s) {
  auto is_trimmed = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  while (!s.empty() && is_trimmed(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_trimmed(s.back())) s.remove_suffix(1);
  return s;
}

// Java regex \s: [ \t\n\x0B\f\r].
bool is_regex_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\x0B' || c == '\f' || c == '\r';
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

// ConfigException(name, value, message): "Invalid value <value> for configuration <name>: <message>".
[[noreturn]] void throw_invalid(std::string_view name, std::string_view value, std::string_view message) {
  std::string text = "Invalid value ";
  text += value;
  text += " for configuration ";
  text += name;
  text += ": ";
  text += message;
  throw ConfigError(text);
}

// Integer.parseInt / Long.parseLong: optional single sign, then ASCII digits only, no overflow.
template <typename Int>
std::optional<Int> parse_java_integer(std::string_view s) {
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  // Parse the signed text so the most negative value does not overflow.
  std::string text = negative ? "-" : "";
  text += digits;
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool all_digits(std::string_view s, bool hex) {
  return std::all_of(s.begin(), s.end(), [hex](char c) {
    return (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
  });
}

// Double.parseDouble on an already trimmed string: [+-] then NaN, Infinity, a decimal literal or a
// hexadecimal literal (0x...p...), each number optionally followed by one of fFdD. Overflow gives infinity,
// never an error.
std::optional<double> parse_java_double(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const double sign = negative ? -1.0 : 1.0;
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return sign * std::numeric_limits<double>::infinity();
  if (!s.empty() && (s.back() == 'f' || s.back() == 'F' || s.back() == 'd' || s.back() == 'D')) {
    s.remove_suffix(1);
  }
  if (s.empty()) return std::nullopt;

  const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  std::string_view body = hex ? s.substr(2) : s;
  // Validate the shape ourselves: from_chars is more lenient in places (e.g. "inf") and stricter in others.
  const std::size_t exp_pos = body.find_first_of(hex ? "pP" : "eE");
  std::string_view mantissa = body.substr(0, exp_pos);
  if (hex && exp_pos == std::string_view::npos) return std::nullopt;  // Java requires the binary exponent
  if (exp_pos != std::string_view::npos) {
    std::string_view exponent = body.substr(exp_pos + 1);
    if (!exponent.empty() && (exponent.front() == '+' || exponent.front() == '-')) exponent.remove_prefix(1);
    if (exponent.empty() || !all_digits(exponent, false)) return std::nullopt;
  }
  const std::size_t dot = mantissa.find('.');
  std::string_view int_part = mantissa.substr(0, dot);
  std::string_view frac_part = dot == std::string_view::npos ? std::string_view{} : mantissa.substr(dot + 1);
  if (int_part.empty() && frac_part.empty()) return std::nullopt;
  if (!all_digits(int_part, hex) || !all_digits(frac_part, hex)) return std::nullopt;

  std::string text(body);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value,
                                   hex ? std::chars_format::hex : std::chars_format::general);
  if (ec == std::errc::result_out_of_range) {
    // strtod saturates to +-HUGE_VAL or rounds to 0 / a subnormal, as Java does.
    std::string c_text = hex ? "0x" + text : text;
    errno = 0;
    value = std::strtod(c_text.c_str(), nullptr);
  } else if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return sign * value;
}

// Java's Double.toString (the shortest-repr form of JDK 19+): plain notation for 1e-3 <= |d| < 1e7 with at
// least one fractional digit, otherwise "<d>.<ddd>E<exp>".
std::string java_double_to_string(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";

  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  (void)ec;  // 64 bytes always fit a double
  std::string_view sci(buf, static_cast<std::size_t>(end - buf));
  std::string out;
  if (sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  const std::size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (digits.size() == 1) {
    // Java prints at least two significant digits and, when one would do, picks the two-digit decimal closest
    // to the exact value (Double.MIN_VALUE is "4.9E-324", not "5.0E-324") as long as it still reads back as
    // d.
    char two[32];
    auto [two_end, two_ec] =
        std::to_chars(two, two + sizeof two, std::fabs(d), std::chars_format::scientific, 1);
    (void)two_ec;
    double back = 0;
    std::from_chars(two, two_end, back);
    std::string_view t(two, static_cast<std::size_t>(two_end - two));
    int two_exp = 0;
    std::string_view two_exp_text = t.substr(t.find('e') + 1);
    if (!two_exp_text.empty() && two_exp_text.front() == '+') two_exp_text.remove_prefix(1);
    std::from_chars(two_exp_text.data(), two_exp_text.data() + two_exp_text.size(), two_exp);
    if (back == std::fabs(d) && two_exp == exponent) {
      digits = std::string{t[0], t[2]};
      if (digits.back() == '0') digits.pop_back();
    }
  }

  if (exponent >= -3 && exponent < 7) {
    if (exponent >= 0) {
      const auto int_len = static_cast<std::size_t>(exponent) + 1;
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
      out.append(static_cast<std::size_t>(-exponent - 1), '0');
      out += digits;
    }
    return out;
  }
  out += digits[0];
  out += '.';
  out += digits.size() > 1 ? digits.substr(1) : "0";
  out += 'E';
  out += std::to_string(exponent);
  return out;
}

// A Range bound as Java prints the Number it was given: Kafka's bounds are almost always Integer/Long, so an
// integral bound prints without a fraction ("1", not "1.0").
std::string format_bound(double bound) {
  if (std::isfinite(bound) && bound == std::trunc(bound) && std::fabs(bound) < 9.2e18) {
    return std::to_string(static_cast<std::int64_t>(bound));
  }
  return java_double_to_string(bound);
}

// Object.toString() of a parsed value, as ConfigException prints it in "Invalid value <v> ...".
std::string java_to_string(const ParsedValue& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int32_t i) const { return std::to_string(i); }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return java_double_to_string(d); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<std::string>& items) const {
      return "[" + join(items, ", ") + "]";
    }
    std::string operator()(const Password&) const { return std::string(Password::kHidden); }
  };
  return std::visit(Visitor{}, value);
}

std::optional<double> as_number(const ParsedValue& value) {
  if (const auto* i = std::get_if<std::int32_t>(&value)) return static_cast<double>(*i);
  if (const auto* l = std::get_if<std::int64_t>(&value)) return static_cast<double>(*l);
  if (const auto* d = std::get_if<double>(&value)) return *d;
  return std::nullopt;
}

// Decodes UTF-8 into UTF-16 code units (what Java strings hold); invalid bytes count as one unit each.
std::vector<std::uint16_t> utf16_units(std::string_view s) {
  std::vector<std::uint16_t> units;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = b;
    std::size_t len = 1;
    if (b >= 0xF0) {
      len = 4;
      cp = b & 0x07u;
    } else if (b >= 0xE0) {
      len = 3;
      cp = b & 0x0Fu;
    } else if (b >= 0xC0) {
      len = 2;
      cp = b & 0x1Fu;
    }
    if (i + len > s.size()) {
      len = 1;
      cp = b;
    }
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push_back(static_cast<std::uint16_t>(0xD800 + (cp >> 10)));
      units.push_back(static_cast<std::uint16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      units.push_back(static_cast<std::uint16_t>(cp));
    }
    i += len;
  }
  return units;
}

std::int32_t java_string_hash(std::string_view s) {
  std::uint32_t h = 0;
  for (std::uint16_t unit : utf16_units(s)) h = 31 * h + unit;
  return static_cast<std::int32_t>(h);
}

// The iteration order of a java.util.HashSet built by adding `items` in order (default capacity 16, load
// factor 0.75): buckets by spread hash, insertion order within a bucket. Kafka's CaseInsensitiveValidString
// prints its valid values in this order, so "one of (case insensitive): NUMERIC, BASE64" needs it to match
// byte for byte.
std::vector<std::string> java_hash_set_order(const std::vector<std::string>& items) {
  std::vector<std::string> unique;
  for (const auto& item : items) {
    if (std::find(unique.begin(), unique.end(), item) == unique.end()) unique.push_back(item);
  }
  std::size_t capacity = 16;
  while (static_cast<double>(unique.size()) > 0.75 * static_cast<double>(capacity)) capacity *= 2;
  auto bucket = [capacity](const std::string& s) {
    const auto h = static_cast<std::uint32_t>(java_string_hash(s));
    return (h ^ (h >> 16)) & static_cast<std::uint32_t>(capacity - 1);
  };
  std::stable_sort(unique.begin(), unique.end(),
                   [&](const std::string& a, const std::string& b) { return bucket(a) < bucket(b); });
  return unique;
}

class RangeValidator final : public Validator {
 public:
  RangeValidator(std::optional<double> min, std::optional<double> max) : min_(min), max_(max) {}

  void ensure_valid(std::string_view name, const ParsedValue& value) const override {
    if (std::holds_alternative<std::monostate>(value)) throw_invalid(name, "null", "Value must be non-null");
    const auto number = as_number(value);
    if (!number) throw_invalid(name, java_to_string(value), "Value must be a number");
    if (min_ && *number < *min_)
      throw_invalid(name, java_to_string(value), "Value must be at least " + format_bound(*min_));
    if (max_ && *number > *max_) {
      throw_invalid(name, java_to_string(value), "Value must be no more than " + format_bound(*max_));
    }
  }

  std::string describe() const override {
    if (!min_ && !max_) return "[...]";
    if (!min_) return "[...," + format_bound(*max_) + "]";
    if (!max_) return "[" + format_bound(*min_) + ",...]";
    return "[" + format_bound(*min_) + ",...," + format_bound(*max_) + "]";
  }

 private:
  std::optional<double> min_;
  std::optional<double> max_;
};

class ValidStringValidator final : public Validator {
 public:
  explicit ValidStringValidator(std::vector<std::string> valid) : valid_(std::move(valid)) {}

  void ensure_valid(std::string_view name, const ParsedValue& value) const override {
    const auto* s = std::get_if<std::string>(&value);
    if (s == nullptr || std::find(valid_.begin(), valid_.end(), *s) == valid_.end()) {
      throw_invalid(name, java_to_string(value), "String must be one of: " + join(valid_, ", "));
    }
  }

  std::string describe() const override { return "[" + join(valid_, ", ") + "]"; }

 private:
  std::vector<std::string> valid_;
};

class CaseInsensitiveValidStringValidator final : public Validator {
 public:
  explicit CaseInsensitiveValidStringValidator(const std::vector<std::string>& valid) {
    std::vector<std::string> upper;
    upper.reserve(valid.size());
    for (const auto& v : valid) upper.push_back(ascii_upper(v));
    valid_ = java_hash_set_order(upper);
  }

  void ensure_valid(std::string_view name, const ParsedValue& value) const override {
    const auto* s = std::get_if<std::string>(&value);
    if (s == nullptr || std::find(valid_.begin(), valid_.end(), ascii_upper(*s)) == valid_.end()) {
      throw_invalid(name, java_to_string(value),
                    "String must be one of (case insensitive): " + join(valid_, ", "));
    }
  }

  std::string describe() const override { return "(case insensitive) [" + join(valid_, ", ") + "]"; }

 private:
  std::vector<std::string> valid_;
};

class NonEmptyStringValidator final : public Validator {
 public:
  void ensure_valid(std::string_view name, const ParsedValue& value) const override {
    // Kafka lets null through: a missing required key is reported by the required-key check instead.
    const auto* s = std::get_if<std::string>(&value);
    if (s != nullptr && s->empty()) throw_invalid(name, "", "String must be non-empty");
  }
  std::string describe() const override { return "non-empty string"; }
};

class NonNullValidator final : public Validator {
 public:
  void ensure_valid(std::string_view name, const ParsedValue& value) const override {
    if (std::holds_alternative<std::monostate>(value)) throw_invalid(name, "null", "entry must be non null");
  }
  std::string describe() const override { return "non-null string"; }
};

// Kafka's ValidList: every item must be one of `valid` (any item when `valid` is empty); an empty list is
// rejected when !allow_empty. null is accepted (a null default means "not set").
class ValidListValidator final : public Validator {
 public:
  ValidListValidator(std::vector<std::string> valid, bool allow_empty)
      : valid_(std::move(valid)), allow_empty_(allow_empty) {}

  void ensure_valid(std::string_view name, const ParsedValue& value) const override {
    if (std::holds_alternative<std::monostate>(value)) return;
    const auto* items = std::get_if<std::vector<std::string>>(&value);
    if (items == nullptr) throw_invalid(name, java_to_string(value), "Expected a comma separated list.");
    if (items->empty() && !allow_empty_) {
      std::string text = "Configuration '";
      text += name;
      text += "' must not be empty. Valid values include: ";
      text += valid_.empty() ? "any non-empty value" : describe();
      throw ConfigError(text);
    }
    if (valid_.empty()) return;
    for (const auto& item : *items) {
      if (std::find(valid_.begin(), valid_.end(), item) == valid_.end()) {
        throw_invalid(name, item, "String must be one of: " + join(valid_, ", "));
      }
    }
  }

  std::string describe() const override { return "[" + join(valid_, ", ") + "]"; }

 private:
  std::vector<std::string> valid_;
  bool allow_empty_;
};

// Value of `key` for parse/validate: the submitted value parsed, else the default. `missing` reports a
// required key that was not submitted.
ParsedValue default_value(const ConfigKey& key) {
  return key.default_value ? parse_type(key.name, key.default_value, key.type) : ParsedValue{};
}

std::string missing_message(const std::string& name) {
  return "Missing required configuration \"" + name + "\" which has no default value.";
}

std::string_view kind_name(const ParsedValue& value) {
  struct Visitor {
    std::string_view operator()(std::monostate) const { return "null"; }
    std::string_view operator()(bool) const { return "boolean"; }
    std::string_view operator()(std::int32_t) const { return "int"; }
    std::string_view operator()(std::int64_t) const { return "long"; }
    std::string_view operator()(double) const { return "double"; }
    std::string_view operator()(const std::string&) const { return "string"; }
    std::string_view operator()(const std::vector<std::string>&) const { return "list"; }
    std::string_view operator()(const Password&) const { return "password"; }
  };
  return std::visit(Visitor{}, value);
}

template <typename T>
const T& typed(const ParsedValue& value, std::string_view key, std::string_view wanted) {
  if (const auto* v = std::get_if<T>(&value)) return *v;
  std::string text = "Cannot read configuration '";
  text += key;
  text += "' as ";
  text += wanted;
  if (std::holds_alternative<std::monostate>(value)) {
    text += ": its value is null";
  } else {
    text += ": its value is of type ";
    text += kind_name(value);
  }
  throw ConfigError(text);
}

}  // namespace

const char* type_name(Type type) {
  switch (type) {
    case Type::Boolean: return "BOOLEAN";
    case Type::String: return "STRING";
    case Type::Int: return "INT";
    case Type::Short: return "SHORT";
    case Type::Long: return "LONG";
    case Type::Double: return "DOUBLE";
    case Type::List: return "LIST";
    case Type::Class: return "CLASS";
    case Type::Password: return "PASSWORD";
  }
  return "UNKNOWN";
}

const char* importance_name(Importance value) {
  switch (value) {
    case Importance::High: return "HIGH";
    case Importance::Medium: return "MEDIUM";
    case Importance::Low: return "LOW";
  }
  return "UNKNOWN";
}

const char* width_name(Width value) {
  switch (value) {
    case Width::None: return "NONE";
    case Width::Short: return "SHORT";
    case Width::Medium: return "MEDIUM";
    case Width::Long: return "LONG";
  }
  return "UNKNOWN";
}

std::optional<std::string> render(const ParsedValue& value, Type type) {
  if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
  if (type == Type::Password || std::holds_alternative<Password>(value))
    return std::string(Password::kHidden);
  if (const auto* items = std::get_if<std::vector<std::string>>(&value)) return join(*items, ",");
  return java_to_string(value);
}

ParsedValue parse_type(std::string_view name, const std::optional<std::string>& raw, Type type) {
  if (!raw) return ParsedValue{};
  const std::string_view trimmed = java_trim(*raw);
  auto not_a_number = [&]() -> ParsedValue {
    throw_invalid(name, *raw, std::string("Not a number of type ") + type_name(type));
  };
  switch (type) {
    case Type::Boolean:
      if (equals_ignore_case(trimmed, "true")) return true;
      if (equals_ignore_case(trimmed, "false")) return false;
      throw_invalid(name, *raw, "Expected value to be either true or false");
    case Type::Password: return Password(std::string(trimmed));
    case Type::String:
    case Type::Class:
      // Kafka resolves CLASS values with a class loader; here the plugin registry does that later, so a
      // CLASS value is kept as the trimmed class name.
      return std::string(trimmed);
    case Type::Int: {
      const auto v = parse_java_integer<std::int32_t>(trimmed);
      return v ? ParsedValue{*v} : not_a_number();
    }
    case Type::Short: {
      const auto v = parse_java_integer<std::int16_t>(trimmed);
      return v ? ParsedValue{static_cast<std::int32_t>(*v)} : not_a_number();
    }
    case Type::Long: {
      const auto v = parse_java_integer<std::int64_t>(trimmed);
      return v ? ParsedValue{*v} : not_a_number();
    }
    case Type::Double: {
      const auto v = parse_java_double(trimmed);
      return v ? ParsedValue{*v} : not_a_number();
    }
    case Type::List: {
      std::vector<std::string> items;
      if (trimmed.empty()) return items;
      // Same as splitting on \s*,\s* with trailing empty items kept; the ends are already trimmed.
      std::size_t start = 0;
      while (true) {
        const std::size_t comma = trimmed.find(',', start);
        std::string_view item =
            trimmed.substr(start, comma == std::string_view::npos ? trimmed.npos : comma - start);
        while (!item.empty() && is_regex_space(item.front())) item.remove_prefix(1);
        while (!item.empty() && is_regex_space(item.back())) item.remove_suffix(1);
        items.emplace_back(item);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      return items;
    }
  }
  throw ConfigError("Unknown type for configuration " + std::string(name));
}

namespace validators {

ValidatorPtr at_least(double min) {
  return std::make_shared<RangeValidator>(min, std::nullopt);
}

ValidatorPtr between(double min, double max) {
  return std::make_shared<RangeValidator>(min, max);
}

ValidatorPtr in(std::vector<std::string> valid) {
  return std::make_shared<ValidStringValidator>(std::move(valid));
}

ValidatorPtr in_case_insensitive(std::vector<std::string> valid) {
  return std::make_shared<CaseInsensitiveValidStringValidator>(valid);
}

ValidatorPtr non_empty_string() {
  return std::make_shared<NonEmptyStringValidator>();
}

ValidatorPtr non_null() {
  return std::make_shared<NonNullValidator>();
}

ValidatorPtr list_of(std::vector<std::string> valid, bool allow_empty) {
  return std::make_shared<ValidListValidator>(std::move(valid), allow_empty);
}

}  // namespace validators

ConfigDef& ConfigDef::define(ConfigKey key) {
  if (find(key.name) != nullptr) throw ConfigError("Configuration " + key.name + " is defined twice.");
  if (key.has_default) {
    // Kafka parses and validates defaults when the key is declared, so a bad table fails at startup.
    const ParsedValue parsed = default_value(key);
    if (key.validator) key.validator->ensure_valid(key.name, parsed);
  } else {
    key.default_value.reset();
  }
  if (key.display_name.empty()) key.display_name = key.name;
  keys_.push_back(std::move(key));
  return *this;
}

ConfigDef& ConfigDef::define(std::string name, Type type, std::optional<std::string> default_value,
                             Importance importance, std::string documentation, ValidatorPtr validator) {
  ConfigKey key;
  key.name = std::move(name);
  key.type = type;
  key.has_default = true;
  key.default_value = std::move(default_value);
  key.validator = std::move(validator);
  key.importance = importance;
  key.documentation = std::move(documentation);
  return define(std::move(key));
}

ConfigDef& ConfigDef::define_required(std::string name, Type type, Importance importance,
                                      std::string documentation, ValidatorPtr validator) {
  ConfigKey key;
  key.name = std::move(name);
  key.type = type;
  key.has_default = false;
  key.validator = std::move(validator);
  key.importance = importance;
  key.documentation = std::move(documentation);
  return define(std::move(key));
}

ConfigDef& ConfigDef::merge(const ConfigDef& other) {
  for (const auto& key : other.keys_) define(key);
  return *this;
}

const ConfigKey* ConfigDef::find(std::string_view name) const {
  for (const auto& key : keys_) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

std::vector<std::string> ConfigDef::groups() const {
  std::vector<std::string> out;
  for (const auto& key : keys_) {
    if (key.group && std::find(out.begin(), out.end(), *key.group) == out.end()) out.push_back(*key.group);
  }
  return out;
}

std::map<std::string, ParsedValue> ConfigDef::parse(const RawConfig& props) const {
  std::map<std::string, ParsedValue> values;
  for (const auto& key : keys_) {
    ParsedValue value;
    if (const auto it = props.find(key.name); it != props.end()) {
      value = parse_type(key.name, it->second, key.type);
    } else if (!key.has_default) {
      throw ConfigError(missing_message(key.name));
    } else {
      value = default_value(key);
    }
    if (key.validator) key.validator->ensure_valid(key.name, value);
    values.emplace(key.name, std::move(value));
  }
  return values;
}

std::vector<ConfigValueResult> ConfigDef::validate(const RawConfig& props) const {
  std::vector<ConfigValueResult> results;
  for (const auto& key : keys_) {
    if (key.internal) continue;
    ConfigValueResult result;
    result.name = key.name;
    // As Kafka: a value that fails to parse is null for the validator, which may add its own error.
    ParsedValue value;
    if (const auto it = props.find(key.name); it != props.end()) {
      try {
        value = parse_type(key.name, it->second, key.type);
      } catch (const ConfigError& e) {
        result.errors.emplace_back(e.what());
      }
    } else if (!key.has_default) {
      result.errors.push_back(missing_message(key.name));
    } else {
      value = default_value(key);
    }
    if (key.validator) {
      try {
        key.validator->ensure_valid(key.name, value);
      } catch (const ConfigError& e) {
        result.errors.emplace_back(e.what());
      }
    }
    result.value = render(value, key.type);
    results.push_back(std::move(result));
  }
  return results;
}

void add_null_value_errors(const RawConfig& props, std::vector<ConfigValueResult>& results) {
  for (const auto& entry : props) {
    if (entry.second) continue;
    const std::string& name = entry.first;
    auto it = std::find_if(results.begin(), results.end(),
                           [&name](const ConfigValueResult& r) { return r.name == name; });
    if (it == results.end()) {
      ConfigValueResult added;
      added.name = name;
      results.push_back(std::move(added));
      it = std::prev(results.end());
    }
    it->errors.emplace_back(kNullValueError);
  }
}

Config::Config(const ConfigDef& def, RawConfig originals) : originals_(std::move(originals)) {
  for (auto& [name, value] : def.parse(originals_)) values_.emplace(name, std::move(value));
}

const ParsedValue& Config::get(std::string_view key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) throw ConfigError("Unknown configuration '" + std::string(key) + "'");
  return it->second;
}

const std::string& Config::get_string(std::string_view key) const {
  return typed<std::string>(get(key), key, "a string");
}

std::optional<std::string> Config::get_optional_string(std::string_view key) const {
  const ParsedValue& value = get(key);
  if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
  return typed<std::string>(value, key, "a string");
}

std::int32_t Config::get_int(std::string_view key) const {
  return typed<std::int32_t>(get(key), key, "an int");
}

std::int64_t Config::get_long(std::string_view key) const {
  return typed<std::int64_t>(get(key), key, "a long");
}

double Config::get_double(std::string_view key) const {
  return typed<double>(get(key), key, "a double");
}

bool Config::get_bool(std::string_view key) const {
  return typed<bool>(get(key), key, "a boolean");
}

const std::vector<std::string>& Config::get_list(std::string_view key) const {
  return typed<std::vector<std::string>>(get(key), key, "a list");
}

const Password& Config::get_password(std::string_view key) const {
  return typed<Password>(get(key), key, "a password");
}

RawConfig Config::originals_with_prefix(std::string_view prefix, bool strip) const {
  RawConfig out;
  for (const auto& [name, value] : originals_) {
    // As Kafka: the bare prefix itself is not an entry (it would become an empty key).
    if (name.size() > prefix.size() && std::string_view(name).starts_with(prefix)) {
      out.emplace(strip ? name.substr(prefix.size()) : name, value);
    }
  }
  return out;
}

}  // namespace sluice::config
