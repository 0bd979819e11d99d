#pragma once
// Kafka's ConfigDef: keys declared once, as data (name, type, default, validator, importance,
// documentation, group, order, width, display name, dependents). The same table drives parsing, defaults,
// the REST validate output, docs and secret masking. Messages match Kafka's text exactly, e.g.
//   Missing required configuration "topic" which has no default value.
//   Invalid value abc for configuration tasks.max: Not a number of type INT
//   Invalid value 0 for configuration tasks.max: Value must be at least 1

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sluice::config {

enum class Type : std::uint8_t { Boolean, String, Int, Short, Long, Double, List, Class, Password };
enum class Importance : std::uint8_t { High, Medium, Low };
enum class Width : std::uint8_t { None, Short, Medium, Long };

const char* type_name(Type type);              // "STRING", "INT", ... as Kafka prints them
const char* importance_name(Importance value);  // "HIGH", "MEDIUM", "LOW"
const char* width_name(Width value);            // "NONE", "SHORT", "MEDIUM", "LONG"

// A secret; renders as "[hidden]" everywhere except value().
class Password {
 public:
  explicit Password(std::string value) : value_(std::move(value)) {}
  const std::string& value() const { return value_; }
  static constexpr std::string_view kHidden = "[hidden]";
  bool operator==(const Password&) const = default;

 private:
  std::string value_;
};

// A parsed config value. monostate = null. Int holds INT; Short is range-checked into int32 too.
using ParsedValue = std::variant<std::monostate, bool, std::int32_t, std::int64_t, double, std::string,
                                 std::vector<std::string>, Password>;

// Renders a parsed value as Kafka's validate endpoint does: lists joined with ",", passwords "[hidden]",
// null -> nullopt, doubles as Java's Double.toString.
std::optional<std::string> render(const ParsedValue& value, Type type);

// Parses a raw string as `type` (Kafka's ConfigDef.parseType): booleans case-insensitive after trim;
// STRING/CLASS trimmed; numbers trimmed; LIST split on "," with items trimmed, empty string -> empty list.
// Throws ConfigError "Invalid value <v> for configuration <name>: <reason>".
ParsedValue parse_type(std::string_view name, const std::optional<std::string>& raw, Type type);

class Validator {
 public:
  virtual ~Validator() = default;
  // Throws ConfigError with Kafka's message when `value` is not acceptable.
  virtual void ensure_valid(std::string_view name, const ParsedValue& value) const = 0;
  // Kafka's toString, e.g. "[1,...]", "[none, all]"; shown in documentation.
  virtual std::string describe() const = 0;
};
using ValidatorPtr = std::shared_ptr<const Validator>;  // shared: one instance reused by many key tables

namespace validators {
ValidatorPtr at_least(double min);                       // "Value must be at least <min>"
ValidatorPtr between(double min, double max);            // "Value must be no more than <max>" / at least
ValidatorPtr in(std::vector<std::string> valid);         // "String must be one of: a, b"
ValidatorPtr in_case_insensitive(std::vector<std::string> valid);
ValidatorPtr non_empty_string();                         // "String must be non-empty"
ValidatorPtr non_null();                                 // "entry must be non null"
ValidatorPtr list_of(std::vector<std::string> valid, bool allow_empty = true);
}  // namespace validators

struct ConfigKey {
  std::string name;
  Type type = Type::String;
  bool has_default = false;       // false: required
  std::optional<std::string> default_value;  // raw form; nullopt with has_default = a null default
  ValidatorPtr validator;         // may be null
  Importance importance = Importance::Medium;
  std::string documentation;
  std::optional<std::string> group;
  int order_in_group = -1;
  Width width = Width::None;
  std::string display_name;       // empty: the key name
  std::vector<std::string> dependents;
  bool internal = false;          // hidden from docs and validate output
};

// Result of validating one key, as Kafka's ConfigValue: rendered value, recommended values, errors.
struct ConfigValueResult {
  std::string name;
  std::optional<std::string> value;
  std::vector<std::string> recommended_values;
  std::vector<std::string> errors;
  bool visible = true;
};

using RawConfig = std::map<std::string, std::optional<std::string>>;  // nullopt: JSON null

class ConfigDef {
 public:
  ConfigDef& define(ConfigKey key);  // throws ConfigError for a duplicate name or an invalid default
  // Short form as Kafka's define(name, type, default, importance, doc): group none, order -1, width NONE.
  ConfigDef& define(std::string name, Type type, std::optional<std::string> default_value, Importance importance,
                    std::string documentation, ValidatorPtr validator = nullptr);
  // Required key (no default).
  ConfigDef& define_required(std::string name, Type type, Importance importance, std::string documentation,
                             ValidatorPtr validator = nullptr);
  // Adds all keys of `other` (Kafka's ConfigDef(base) / withClientSslSupport style composition).
  ConfigDef& merge(const ConfigDef& other);

  const std::vector<ConfigKey>& keys() const { return keys_; }
  const ConfigKey* find(std::string_view name) const;
  std::vector<std::string> groups() const;  // in first-seen order

  // Parses every defined key (defaults filled, validators run); throws ConfigError on the first problem.
  std::map<std::string, ParsedValue> parse(const RawConfig& props) const;
  // Validates every defined key without throwing; one result per key, in definition order.
  std::vector<ConfigValueResult> validate(const RawConfig& props) const;

 private:
  std::vector<ConfigKey> keys_;
};

// Kafka adds the null-value error in the herder, after ConfigDef validation, for every submitted key whose value
// is JSON null (defined or not): appends `Null value can not be supplied as the configuration value.` to that
// key's result, or adds a result for a key no ConfigDef knows. Call it once on the merged validate output.
void add_null_value_errors(const RawConfig& props, std::vector<ConfigValueResult>& results);

// Typed access to a parsed config plus the originals (Kafka's AbstractConfig).
class Config {
 public:
  Config(const ConfigDef& def, RawConfig originals);  // throws ConfigError

  const std::string& get_string(std::string_view key) const;  // ConfigError if null or not a string
  std::optional<std::string> get_optional_string(std::string_view key) const;
  std::int32_t get_int(std::string_view key) const;
  std::int64_t get_long(std::string_view key) const;
  double get_double(std::string_view key) const;
  bool get_bool(std::string_view key) const;
  const std::vector<std::string>& get_list(std::string_view key) const;
  const Password& get_password(std::string_view key) const;
  const ParsedValue& get(std::string_view key) const;

  const RawConfig& originals() const { return originals_; }
  // Original keys starting with prefix; with strip=true the prefix is removed from the keys.
  RawConfig originals_with_prefix(std::string_view prefix, bool strip = true) const;

 private:
  std::map<std::string, ParsedValue, std::less<>> values_;
  RawConfig originals_;
};

}  // namespace sluice::config
