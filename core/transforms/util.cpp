#include "core/transforms/util.hpp"

#include "core/common/errors.hpp"
#include "core/data/logical.hpp"
#include "core/transforms/java_regex.hpp"

#include <string>
#include <utility>
#include <variant>

namespace sluice::transforms {

std::string java_class_name(const data::Value& value) {
  using K = data::Value::Kind;
  switch (value.kind()) {
    case K::Null: return "null";
    case K::Boolean: return "java.lang.Boolean";
    case K::Int8: return "java.lang.Byte";
    case K::Int16: return "java.lang.Short";
    case K::Int32: return "java.lang.Integer";
    case K::Int64: return "java.lang.Long";
    case K::Float32: return "java.lang.Float";
    case K::Float64: return "java.lang.Double";
    case K::String: return "java.lang.String";
    case K::Bytes: return "[B";
    case K::Array: return "java.util.ArrayList";
    case K::Map: return "java.util.HashMap";
    case K::Struct: return "org.apache.kafka.connect.data.Struct";
  }
  return "null";
}

std::string java_class(const data::Value& value) {
  if (value.is_null()) return "null";
  return "class " + java_class_name(value);
}

std::string java_class(const data::SchemaPtr& schema, const data::Value& value) {
  if (schema && !value.is_null()) {
    if (data::logical::is_decimal(*schema)) return "class java.math.BigDecimal";
    if (data::logical::is_date(*schema) || data::logical::is_time(*schema) ||
        data::logical::is_timestamp(*schema)) {
      return "class java.util.Date";
    }
  }
  return java_class(value);
}

const data::Struct& require_struct(const data::Value& value, std::string_view purpose) {
  if (value.kind() != data::Value::Kind::Struct) {
    throw DataError("Only Struct objects supported for [" + std::string(purpose) +
                    "], found: " + java_class_name(value));
  }
  return value.as_struct();
}

const data::Value::Map& require_map(const data::Value& value, std::string_view purpose) {
  if (value.kind() != data::Value::Kind::Map) {
    throw DataError("Only Map objects supported in absence of schema for [" + std::string(purpose) +
                    "], found: " + java_class_name(value));
  }
  return value.as_map();
}

void require_schema(const data::SchemaPtr& schema, std::string_view purpose) {
  if (!schema) throw DataError("Schema required for [" + std::string(purpose) + "]");
}

std::string schema_to_string(const data::Schema& schema) {
  std::string out = "Schema{";
  if (schema.name()) out += *schema.name() + ":";
  out += data::type_upper_name(schema.type());
  out += "}";
  return out;
}

void copy_schema_basics(const data::Schema& source, data::SchemaBuilder& builder) {
  if (source.name()) builder.name(*source.name());
  if (source.version()) builder.version(*source.version());
  if (source.doc()) builder.doc(*source.doc());
  for (const auto& [key, value] : source.parameters()) builder.parameter(key, value);
}

data::SchemaBuilder copy_schema_basics(const data::Schema& source) {
  data::SchemaBuilder builder = source.type() == data::Type::Array
                                    ? data::SchemaBuilder::array(source.value_schema())
                                : source.type() == data::Type::Map
                                    ? data::SchemaBuilder::map(source.key_schema(), source.value_schema())
                                    : data::SchemaBuilder(source.type());
  copy_schema_basics(source, builder);
  return builder;
}

const data::Value& struct_field(const data::Struct& value, const data::Field& field,
                                bool replace_null_with_default) {
  if (replace_null_with_default) return value.get(field.index);
  return value.values()[field.index];
}

data::Value take_struct_field(data::Struct& value, const data::Field& field, bool replace_null_with_default) {
  data::Value taken = value.take(field.index);
  if (taken.is_null() && replace_null_with_default && field.schema->default_value()) {
    return *field.schema->default_value();
  }
  return taken;
}

const data::Value* map_find(const data::Value::Map& map, std::string_view key) {
  for (const auto& [k, v] : map) {
    if (k.kind() == data::Value::Kind::String && k.as_string() == key) return &v;
  }
  return nullptr;
}

void map_put(data::Value::Map& map, std::string_view key, data::Value value) {
  for (auto& [k, v] : map) {
    if (k.kind() == data::Value::Kind::String && k.as_string() == key) {
      v = std::move(value);
      return;
    }
  }
  map.emplace_back(data::Value::string(std::string(key)), std::move(value));
}

void map_remove(data::Value::Map& map, std::string_view key) {
  std::erase_if(map, [key](const auto& entry) {
    return entry.first.kind() == data::Value::Kind::String && entry.first.as_string() == key;
  });
}

std::string map_key_string(const data::Value& key) {
  using K = data::Value::Kind;
  switch (key.kind()) {
    case K::Null: return "null";
    case K::String: return key.as_string();
    case K::Boolean: return key.as_bool() ? "true" : "false";
    case K::Int8:
    case K::Int16:
    case K::Int32:
    case K::Int64: return std::to_string(key.to_int64());
    default:
      throw DataError("Only String keys are supported in maps of schemaless records, found: " +
                      java_class_name(key));
  }
}

std::string java_list_string(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  out += "]";
  return out;
}

std::vector<std::string> java_split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(separator, start);
    if (at == std::string_view::npos) {
      parts.emplace_back(text.substr(start));
      break;
    }
    parts.emplace_back(text.substr(start, at - start));
    start = at + 1;
  }
  // Java drops trailing empty strings, except that "" alone stays [""].
  while (parts.size() > 1 && parts.back().empty()) parts.pop_back();
  if (parts.size() == 1 && parts.front().empty() && !text.empty()) parts.clear();
  return parts;
}

void throw_invalid_config(std::string_view name, std::string_view value, std::string_view message) {
  std::string text = "Invalid value ";
  text += value;
  text += " for configuration ";
  text += name;
  text += ": ";
  text += message;
  throw ConfigError(text);
}

std::string parsed_value_text(const config::ParsedValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return "null";
  if (const auto* list = std::get_if<std::vector<std::string>>(&value)) return java_list_string(*list);
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  auto rendered = config::render(value, config::Type::String);
  return rendered ? *rendered : "null";
}

config::ConfigKey replace_null_with_default_key() {
  config::ConfigKey key;
  key.name = std::string(kReplaceNullWithDefault);
  key.type = config::Type::Boolean;
  key.has_default = true;
  key.default_value = "true";
  key.importance = config::Importance::Medium;
  key.documentation =
      "Whether to replace fields that have a default value and that are null to the default value. When set "
      "to "
      "true, the default value is used, otherwise null is used.";
  return key;
}

namespace validators {
namespace {

class NonEmptyListValidator final : public config::Validator {
 public:
  void ensure_valid(std::string_view name, const config::ParsedValue& value) const override {
    const auto* items = std::get_if<std::vector<std::string>>(&value);
    if (items == nullptr || items->empty())
      throw_invalid_config(name, parsed_value_text(value), "Empty list");
  }
  std::string describe() const override { return "non-empty list"; }
};

class RegexValidator final : public config::Validator {
 public:
  void ensure_valid(std::string_view name, const config::ParsedValue& value) const override {
    const auto* text = std::get_if<std::string>(&value);
    if (text == nullptr) throw_invalid_config(name, "null", "Invalid regex: the pattern is null");
    try {
      compile_java_regex(*text);
    } catch (const std::regex_error& e) {
      throw_invalid_config(name, *text, std::string("Invalid regex: ") + e.what());
    }
  }
  std::string describe() const override { return "valid regex"; }
};

class CompositeValidator final : public config::Validator {
 public:
  explicit CompositeValidator(std::vector<config::ValidatorPtr> validators)
      : validators_(std::move(validators)) {}
  void ensure_valid(std::string_view name, const config::ParsedValue& value) const override {
    for (const auto& v : validators_) v->ensure_valid(name, value);
  }
  std::string describe() const override {
    std::string out;
    for (std::size_t i = 0; i < validators_.size(); ++i) {
      if (i > 0) out += ", ";
      out += validators_[i]->describe();
    }
    return out;
  }

 private:
  std::vector<config::ValidatorPtr> validators_;
};

}  // namespace

config::ValidatorPtr non_empty_list() {
  static const config::ValidatorPtr instance = std::make_shared<NonEmptyListValidator>();
  return instance;
}

config::ValidatorPtr regex() {
  static const config::ValidatorPtr instance = std::make_shared<RegexValidator>();
  return instance;
}

config::ValidatorPtr composite(std::vector<config::ValidatorPtr> validators) {
  return std::make_shared<CompositeValidator>(std::move(validators));
}

}  // namespace validators

}  // namespace sluice::transforms
