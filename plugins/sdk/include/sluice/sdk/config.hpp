#pragma once
// ConfigDef: a plugin declares its keys once, as Kafka's ConfigDef does, and the SDK turns them into the
// ABI's sluice_config_key table (types, importance, defaults including a null default, docs, group / order /
// width / display name, range / valid-values / non-empty validators, an optional custom check).
// Config: a small typed reader over a ConfigMap with Kafka's parsing rules and messages (values trimmed,
// booleans case-insensitive, "Invalid value <v> for configuration <k>: <reason>",
// "Missing required configuration "<k>" which has no default value.").
//
//   static sdk::ConfigDef config_def() {
//     using CD = sdk::ConfigDef;
//     return CD()
//         .define("file", CD::Type::String, nullptr, CD::Importance::High, "Source filename.")
//         .define("topic", CD::Type::String, CD::no_default, CD::non_empty_string(), CD::Importance::High,
//         "...") .define("batch.size", CD::Type::Int, 2000, CD::Importance::Low, "...");
//   }

#include <cmath>
#include <concepts>
#include <cstdlib>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sluice/plugin_abi.h"
#include "sluice/sdk/data.hpp"
#include "sluice/sdk/errors.hpp"
#include "sluice/sdk/java_number.hpp"

namespace sluice::sdk {

class ConfigDef {
 public:
  enum class Type : std::int32_t {
    Boolean = SLUICE_CONFIG_BOOLEAN,
    String = SLUICE_CONFIG_STRING,
    Int = SLUICE_CONFIG_INT,
    Short = SLUICE_CONFIG_SHORT,
    Long = SLUICE_CONFIG_LONG,
    Double = SLUICE_CONFIG_DOUBLE,
    List = SLUICE_CONFIG_LIST,
    Class = SLUICE_CONFIG_CLASS,
    Password = SLUICE_CONFIG_PASSWORD,
  };
  enum class Importance : std::int32_t {
    High = SLUICE_IMPORTANCE_HIGH,
    Medium = SLUICE_IMPORTANCE_MEDIUM,
    Low = SLUICE_IMPORTANCE_LOW,
  };
  enum class Width : std::int32_t {
    None = SLUICE_WIDTH_NONE,
    Short = SLUICE_WIDTH_SHORT,
    Medium = SLUICE_WIDTH_MEDIUM,
    Long = SLUICE_WIDTH_LONG,
  };

  // Kafka's ConfigDef.NO_DEFAULT_VALUE: the key is required.
  struct NoDefault {};
  static constexpr NoDefault no_default{};

  // A key's default as Kafka would parse it from a string: no default (required), null, or a value.
  class DefaultValue {
   public:
    DefaultValue(NoDefault) {}
    DefaultValue(std::nullptr_t) : has_default_(true) {}
    DefaultValue(const char* v) : has_default_(true), value_(v) {}
    DefaultValue(std::string v) : has_default_(true), value_(std::move(v)) {}
    DefaultValue(std::string_view v) : has_default_(true), value_(std::string(v)) {}
    DefaultValue(bool v) : has_default_(true), value_(v ? "true" : "false") {}
    template <std::integral I>
    requires(!std::same_as<I, bool>) DefaultValue(I v) : has_default_(true), value_(std::to_string(v)) {}
    DefaultValue(double v) : has_default_(true), value_(java::double_to_string(v)) {}
    DefaultValue(const std::vector<std::string>& items) : has_default_(true), value_(std::string()) {
      for (std::size_t i = 0; i < items.size(); ++i) *value_ += (i ? "," : "") + items[i];
    }
    bool has_default() const { return has_default_; }
    const std::optional<std::string>& value() const { return value_; }  // nullopt: null default

   private:
    bool has_default_ = false;
    std::optional<std::string> value_;
  };

  // A plain function that throws ConfigError for a bad value (value is nullopt for null).
  using CustomCheck = void (*)(const std::string& name, const std::optional<std::string>& value);

  struct Validator {
    std::optional<double> min;
    std::optional<double> max;
    std::vector<std::string> valid_values;  // empty: any
    bool non_empty = false;
    CustomCheck custom = nullptr;
    sluice_status (*abi_custom)(const char* name, const char* value, sluice_error* err) = nullptr;
    bool empty() const { return !min && !max && valid_values.empty() && !non_empty && custom == nullptr; }
  };
  static Validator at_least(double min) { return Validator{.min = min}; }
  static Validator between(double min, double max) { return Validator{.min = min, .max = max}; }
  static Validator one_of(std::vector<std::string> valid) {
    return Validator{.valid_values = std::move(valid)};
  }
  static Validator non_empty_string() { return Validator{.non_empty = true}; }
  template <CustomCheck F>
  static Validator custom() {
    return Validator{.custom = F, .abi_custom = &custom_thunk<F>};
  }

  struct Key {
    std::string name;
    Type type = Type::String;
    DefaultValue default_value = no_default;
    Validator validator;
    Importance importance = Importance::Medium;
    std::string documentation;
    std::optional<std::string> group;
    std::int32_t order_in_group = -1;
    Width width = Width::None;
    std::optional<std::string> display_name;  // nullopt: the key name
    std::vector<std::string> dependents;
  };

  // A parsed value: null, BOOLEAN, INT/SHORT (int32), LONG, DOUBLE, STRING/CLASS/PASSWORD, LIST.
  using Parsed = std::variant<std::monostate, bool, std::int32_t, std::int64_t, double, std::string,
                              std::vector<std::string>>;

  ConfigDef() = default;

  // Throws ConfigError for a duplicate name ("Configuration <name> is defined twice.") or a default
  // value that does not parse or validate.
  ConfigDef& define(Key key);
  ConfigDef& define(std::string name, Type type, DefaultValue def, Importance importance, std::string doc) {
    return define(Key{.name = std::move(name),
                      .type = type,
                      .default_value = std::move(def),
                      .importance = importance,
                      .documentation = std::move(doc)});
  }
  ConfigDef& define(std::string name, Type type, DefaultValue def, Validator validator, Importance importance,
                    std::string doc) {
    return define(Key{.name = std::move(name),
                      .type = type,
                      .default_value = std::move(def),
                      .validator = std::move(validator),
                      .importance = importance,
                      .documentation = std::move(doc)});
  }
  ConfigDef& define(std::string name, Type type, DefaultValue def, Validator validator, Importance importance,
                    std::string doc, std::string group, std::int32_t order, Width width,
                    std::string display_name, std::vector<std::string> dependents = {}) {
    return define(Key{.name = std::move(name),
                      .type = type,
                      .default_value = std::move(def),
                      .validator = std::move(validator),
                      .importance = importance,
                      .documentation = std::move(doc),
                      .group = std::move(group),
                      .order_in_group = order,
                      .width = width,
                      .display_name = std::move(display_name),
                      .dependents = std::move(dependents)});
  }
  ConfigDef& define(std::string name, Type type, DefaultValue def, Importance importance, std::string doc,
                    std::string group, std::int32_t order, Width width, std::string display_name,
                    std::vector<std::string> dependents = {}) {
    return define(std::move(name), type, std::move(def), Validator{}, importance, std::move(doc),
                  std::move(group), order, width, std::move(display_name), std::move(dependents));
  }

  const std::deque<Key>& keys() const { return keys_; }
  const Key* find(std::string_view name) const {
    for (const auto& k : keys_)
      if (k.name == name) return &k;
    return nullptr;
  }

  // The ABI table, one entry per key in definition order. Valid until the next define() and while this
  // ConfigDef lives at its address.
  const sluice_config_key* table() const {
    build_table();
    return cache_.table.empty() ? nullptr : cache_.table.data();
  }
  std::size_t table_size() const { return keys_.size(); }

  // Kafka's ConfigDef.parseType: the raw string as `type`; ConfigError quoting the raw value on failure.
  static Parsed parse_type(std::string_view name, const std::optional<std::string>& raw, Type type);
  // Runs the key's validators (Kafka's messages) on a parsed value.
  static void ensure_valid(const Key& key, const Parsed& value);
  // Parses every defined key of `props` (defaults filled, validators run), in definition order.
  std::map<std::string, Parsed, std::less<>> parse(const ConfigMap& props) const;

  static const char* type_name(Type type);
  // Kafka's rendering of a parsed value for messages ("null", "5", "a,b" -> "[a, b]", doubles as Java).
  static std::string to_text(const Parsed& value);

 private:
  template <CustomCheck F>
  static sluice_status custom_thunk(const char* name, const char* value, sluice_error* err) noexcept {
    return guard(err, [&] {
      F(name ? std::string(name) : std::string(), value ? std::optional<std::string>(value) : std::nullopt);
    });
  }
  void build_table() const;

  // The ABI table points into keys_; copies rebuild their own.
  struct TableCache {
    TableCache() = default;
    TableCache(const TableCache&) {}
    TableCache& operator=(const TableCache&) {
      reset();
      return *this;
    }
    void reset() {
      table.clear();
      pointer_lists.clear();
    }
    std::vector<sluice_config_key> table;
    std::deque<std::vector<const char*>> pointer_lists;
  };

  std::deque<Key> keys_;  // deque: key strings keep their addresses while keys are added
  mutable TableCache cache_;
};

// Kafka's AbstractConfig, reduced to what plugins need: parse once, read typed values.
class Config {
 public:
  Config(const ConfigDef& def, ConfigMap originals);

  std::optional<std::string> get_string(std::string_view name) const {
    return nullable_string(name, T::String);
  }
  std::optional<std::string> get_password(std::string_view name) const {
    return nullable_string(name, T::Password);
  }
  std::optional<std::string> get_class(std::string_view name) const {
    return nullable_string(name, T::Class);
  }
  // Numbers and booleans throw ConfigError when the value is null (a null default).
  bool get_boolean(std::string_view name) const { return non_null<bool>(name, T::Boolean); }
  std::int32_t get_int(std::string_view name) const { return non_null<std::int32_t>(name, T::Int); }
  std::int16_t get_short(std::string_view name) const {
    return static_cast<std::int16_t>(non_null<std::int32_t>(name, T::Short));
  }
  std::int64_t get_long(std::string_view name) const { return non_null<std::int64_t>(name, T::Long); }
  double get_double(std::string_view name) const { return non_null<double>(name, T::Double); }
  // A null list reads as empty.
  std::vector<std::string> get_list(std::string_view name) const {
    const auto& v = get(name, T::List);
    return std::holds_alternative<std::monostate>(v) ? std::vector<std::string>{}
                                                     : std::get<std::vector<std::string>>(v);
  }
  bool is_null(std::string_view name) const {
    return std::holds_alternative<std::monostate>(get(name, std::nullopt));
  }
  const ConfigMap& originals() const { return originals_; }

 private:
  using T = ConfigDef::Type;
  const ConfigDef::Parsed& get(std::string_view name, std::optional<T> expected) const;
  std::optional<std::string> nullable_string(std::string_view name, T expected) const {
    const auto& v = get(name, expected);
    if (std::holds_alternative<std::monostate>(v)) return std::nullopt;
    return std::get<std::string>(v);
  }
  template <class V>
  V non_null(std::string_view name, T expected) const {
    const auto& v = get(name, expected);
    if (std::holds_alternative<std::monostate>(v))
      throw ConfigError("Configuration '" + std::string(name) + "' is null");
    return std::get<V>(v);
  }

  std::map<std::string, std::pair<T, ConfigDef::Parsed>, std::less<>> values_;
  ConfigMap originals_;
};

// ======================================== implementation ==================================================

inline const char* ConfigDef::type_name(Type type) {
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

namespace detail {
inline std::string trim(std::string_view s) {
  // Java's String.trim: strips every char <= ' '.
  std::size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return std::string(s.substr(b, e - b));
}
inline bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}
// Java's Integer/Long/Short.parseXxx: optional sign, decimal digits, in range.
inline bool parse_java_integer(const std::string& s, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (i == s.size()) return false;
  // Accumulate negatively so that the minimum value fits.
  std::int64_t acc = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    int d = s[i] - '0';
    if (acc < (INT64_MIN + d) / 10) return false;
    acc = acc * 10 - d;
  }
  if (!negative) {
    if (acc == INT64_MIN) return false;
    acc = -acc;
  }
  if (acc < lo || acc > hi) return false;
  out = acc;
  return true;
}
// Java's Double.parseDouble for the usual forms: decimal with optional exponent, a trailing d/D/f/F,
// "NaN", "Infinity" with optional sign.
inline bool parse_java_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  std::string body = s;
  std::string unsigned_part = (body[0] == '+' || body[0] == '-') ? body.substr(1) : body;
  if (unsigned_part == "NaN") {
    out = std::nan("");
    return true;
  }
  if (unsigned_part == "Infinity") {
    out = body[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  char last = body.back();
  if (last == 'd' || last == 'D' || last == 'f' || last == 'F') body.pop_back();
  if (body.empty()) return false;
  for (char c : body)
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return false;
  char* end = nullptr;
  out = std::strtod(body.c_str(), &end);
  return end == body.c_str() + body.size();
}
inline std::string number_text(double v, bool integral) {
  if (integral && std::floor(v) == v && std::fabs(v) < 9.2e18)
    return std::to_string(static_cast<std::int64_t>(v));
  return java::double_to_string(v);
}
}  // namespace detail

inline ConfigDef::Parsed ConfigDef::parse_type(std::string_view name, const std::optional<std::string>& raw,
                                               Type type) {
  if (!raw) return std::monostate{};
  const std::string trimmed = detail::trim(*raw);
  auto fail = [&](const std::string& reason) -> ConfigError { return ConfigError(name, *raw, reason); };
  std::int64_t n = 0;
  switch (type) {
    case Type::Boolean:
      if (detail::equals_ignore_case(trimmed, "true")) return true;
      if (detail::equals_ignore_case(trimmed, "false")) return false;
      throw fail("Expected value to be either true or false");
    case Type::Password:
    case Type::String:
    case Type::Class: return trimmed;
    case Type::Int:
      if (!detail::parse_java_integer(trimmed, INT32_MIN, INT32_MAX, n))
        throw fail("Not a number of type INT");
      return static_cast<std::int32_t>(n);
    case Type::Short:
      if (!detail::parse_java_integer(trimmed, INT16_MIN, INT16_MAX, n))
        throw fail("Not a number of type SHORT");
      return static_cast<std::int32_t>(n);
    case Type::Long:
      if (!detail::parse_java_integer(trimmed, INT64_MIN, INT64_MAX, n))
        throw fail("Not a number of type LONG");
      return n;
    case Type::Double: {
      double d = 0;
      if (!detail::parse_java_double(trimmed, d)) throw fail("Not a number of type DOUBLE");
      return d;
    }
    case Type::List: {
      std::vector<std::string> items;
      if (trimmed.empty()) return items;
      std::size_t start = 0;
      while (true) {
        std::size_t comma = trimmed.find(',', start);
        items.push_back(
            detail::trim(trimmed.substr(start, comma == std::string::npos ? comma : comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      return items;
    }
  }
  throw fail("Unknown type.");
}

inline std::string ConfigDef::to_text(const Parsed& value) {
  struct V {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int32_t i) const { return std::to_string(i); }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return java::double_to_string(d); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<std::string>& l) const {
      std::string out = "[";
      for (std::size_t i = 0; i < l.size(); ++i) out += (i ? ", " : "") + l[i];
      return out + "]";
    }
  };
  return std::visit(V{}, value);
}

inline void ConfigDef::ensure_valid(const Key& key, const Parsed& value) {
  const Validator& v = key.validator;
  if (v.min || v.max) {
    const bool integral = key.type == Type::Int || key.type == Type::Short || key.type == Type::Long;
    double number = 0;
    if (std::holds_alternative<std::monostate>(value))
      throw ConfigError(key.name, "null", "Value must be non-null");
    if (auto* i = std::get_if<std::int32_t>(&value))
      number = *i;
    else if (auto* l = std::get_if<std::int64_t>(&value))
      number = static_cast<double>(*l);
    else if (auto* d = std::get_if<double>(&value))
      number = *d;
    if (v.min && number < *v.min)
      throw ConfigError(key.name, to_text(value),
                        "Value must be at least " + detail::number_text(*v.min, integral));
    if (v.max && number > *v.max)
      throw ConfigError(key.name, to_text(value),
                        "Value must be no more than " + detail::number_text(*v.max, integral));
  }
  if (!v.valid_values.empty()) {
    const auto* s = std::get_if<std::string>(&value);
    bool ok = false;
    for (const auto& allowed : v.valid_values) ok = ok || (s != nullptr && *s == allowed);
    if (!ok) {
      std::string list;
      for (std::size_t i = 0; i < v.valid_values.size(); ++i) list += (i ? ", " : "") + v.valid_values[i];
      throw ConfigError(key.name, to_text(value), "String must be one of: " + list);
    }
  }
  if (v.non_empty) {
    const auto* s = std::get_if<std::string>(&value);
    if (s != nullptr && s->empty()) throw ConfigError(key.name, "", "String must be non-empty");
  }
  if (v.custom != nullptr) {
    std::optional<std::string> text;
    if (!std::holds_alternative<std::monostate>(value)) {
      if (const auto* l = std::get_if<std::vector<std::string>>(&value)) {
        text = std::string();
        for (std::size_t i = 0; i < l->size(); ++i) *text += (i ? "," : "") + (*l)[i];
      } else {
        text = to_text(value);
      }
    }
    v.custom(key.name, text);
  }
}

inline ConfigDef& ConfigDef::define(Key key) {
  if (find(key.name) != nullptr) throw ConfigError("Configuration " + key.name + " is defined twice.");
  if (key.default_value.has_default()) {
    Parsed parsed = parse_type(key.name, key.default_value.value(), key.type);
    if (!key.validator.empty()) ensure_valid(key, parsed);
  }
  keys_.push_back(std::move(key));
  cache_.reset();
  return *this;
}

inline void ConfigDef::build_table() const {
  if (cache_.table.size() == keys_.size()) return;
  cache_.reset();
  cache_.table.reserve(keys_.size());
  auto list = [&](const std::vector<std::string>& items) -> const char* const* {
    if (items.empty()) return nullptr;
    auto& ptrs = cache_.pointer_lists.emplace_back();
    for (const auto& s : items) ptrs.push_back(s.c_str());
    return ptrs.data();
  };
  for (const Key& k : keys_) {
    sluice_config_key c{};
    c.struct_size = sizeof(sluice_config_key);
    c.name = k.name.c_str();
    c.type = static_cast<sluice_config_type>(k.type);
    c.importance = static_cast<sluice_importance>(k.importance);
    c.has_default = k.default_value.has_default() ? 1 : 0;
    c.non_empty_string = k.validator.non_empty ? 1 : 0;
    c.default_value = k.default_value.value() ? k.default_value.value()->c_str() : nullptr;
    c.documentation = k.documentation.c_str();
    c.group = k.group ? k.group->c_str() : nullptr;
    c.order_in_group = k.order_in_group;
    c.width = static_cast<sluice_width>(k.width);
    c.display_name = k.display_name ? k.display_name->c_str() : nullptr;
    c.has_min = k.validator.min ? 1 : 0;
    c.has_max = k.validator.max ? 1 : 0;
    c.min = k.validator.min.value_or(0);
    c.max = k.validator.max.value_or(0);
    c.valid_values = list(k.validator.valid_values);
    c.valid_value_count = k.validator.valid_values.size();
    c.dependents = list(k.dependents);
    c.dependent_count = k.dependents.size();
    c.validate = k.validator.abi_custom;
    cache_.table.push_back(c);
  }
}

inline std::map<std::string, ConfigDef::Parsed, std::less<>> ConfigDef::parse(const ConfigMap& props) const {
  std::map<std::string, Parsed, std::less<>> out;
  for (const Key& k : keys_) {
    std::optional<std::string> raw;
    if (auto it = props.find(k.name); it != props.end()) {
      raw = it->second;
    } else if (k.default_value.has_default()) {
      raw = k.default_value.value();
    } else {
      throw ConfigError("Missing required configuration \"" + k.name + "\" which has no default value.");
    }
    Parsed parsed = parse_type(k.name, raw, k.type);
    if (!k.validator.empty()) ensure_valid(k, parsed);
    out.emplace(k.name, std::move(parsed));
  }
  return out;
}

inline Config::Config(const ConfigDef& def, ConfigMap originals) : originals_(std::move(originals)) {
  auto parsed = def.parse(originals_);
  for (auto& [name, value] : parsed)
    values_.emplace(name, std::make_pair(def.find(name)->type, std::move(value)));
}

inline const ConfigDef::Parsed& Config::get(std::string_view name, std::optional<T> expected) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw ConfigError("Unknown configuration '" + std::string(name) + "'");
  const auto& [type, value] = it->second;
  bool compatible = !expected || *expected == type || (*expected == T::Int && type == T::Short);
  if (!compatible)
    throw ConfigError("Configuration '" + std::string(name) + "' is of type " + ConfigDef::type_name(type) +
                      ", not " + ConfigDef::type_name(*expected));
  return value;
}

}  // namespace sluice::sdk
