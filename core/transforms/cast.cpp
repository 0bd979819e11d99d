// Cast$Key / Cast$Value: casts fields of a struct or map, or the whole key/value, to a primitive type.

#include "core/common/errors.hpp"
#include "core/data/text_format.hpp"
#include "core/data/logical.hpp"
#include "core/transforms/date_format.hpp"
#include "core/transforms/java_numbers.hpp"
#include "core/transforms/transforms.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace sluice::transforms {

namespace {

using data::Type;
using data::Value;

constexpr std::string_view kSpec = "spec";
constexpr std::string_view kPurpose = "cast types";

constexpr Type kInputTypes[] = {Type::Int8,    Type::Int16,   Type::Int32,  Type::Int64, Type::Float32,
                                Type::Float64, Type::Boolean, Type::String, Type::Bytes};
constexpr Type kOutputTypes[] = {Type::Int8,    Type::Int16,   Type::Int32,   Type::Int64,
                                 Type::Float32, Type::Float64, Type::Boolean, Type::String};

template <std::size_t N>
std::string type_set_text(const Type (&types)[N]) {
  std::vector<std::string> names;
  for (Type t : types) names.emplace_back(data::type_upper_name(t));
  return java_list_string(names);
}

template <std::size_t N>
bool contains(const Type (&types)[N], Type type) {
  return std::find(std::begin(types), std::end(types), type) != std::end(types);
}

// Schema.Type.valueOf(text.trim().toUpperCase()).
std::optional<Type> type_from_name(std::string text) {
  const auto trimmed = data::java_trim(text);
  std::string upper(trimmed);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (Type t : {Type::Boolean, Type::Int8, Type::Int16, Type::Int32, Type::Int64, Type::Float32,
                 Type::Float64, Type::String, Type::Bytes, Type::Array, Type::Map, Type::Struct}) {
    if (upper == data::type_upper_name(t)) return t;
  }
  return std::nullopt;
}

Type valid_output_type(Type type) {
  if (!contains(kOutputTypes, type)) {
    throw ConfigError(std::string("Cast transformation does not support casting to ") +
                      data::type_upper_name(type) + "; supported types are " + type_set_text(kOutputTypes));
  }
  return type;
}

struct CastSpec {
  std::vector<std::pair<std::string, Type>> fields;
  std::optional<Type> whole;

  const Type* find(std::string_view field) const {
    for (const auto& [name, type] : fields) {
      if (name == field) return &type;
    }
    return nullptr;
  }
};

// Kafka's Cast.parseFieldTypes, with its messages (including the "renames" key name it reports).
CastSpec parse_spec(const std::vector<std::string>& mappings) {
  CastSpec spec;
  for (const auto& mapping : mappings) {
    const auto parts = java_split(mapping, ':');
    if (parts.size() > 2) {
      throw_invalid_config("renames", java_list_string(mappings), "Invalid rename mapping: " + mapping);
    }
    if (parts.size() <= 1) {
      const std::string type_text = parts.empty() ? std::string() : parts[0];
      auto type = type_from_name(type_text);
      if (!type) {
        std::string upper(data::java_trim(type_text));
        std::transform(upper.begin(), upper.end(), upper.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        throw ConfigError("No enum constant org.apache.kafka.connect.data.Schema.Type." + upper);
      }
      spec.whole = valid_output_type(*type);
    } else {
      auto type = type_from_name(parts[1]);
      if (!type) {
        throw ConfigError("Invalid type found in casting spec: " + std::string(data::java_trim(parts[1])));
      }
      const std::string field(data::java_trim(parts[0]));
      const Type checked = valid_output_type(*type);
      auto it = std::find_if(spec.fields.begin(), spec.fields.end(),
                             [&](const auto& f) { return f.first == field; });
      if (it != spec.fields.end()) {
        it->second = checked;
      } else {
        spec.fields.emplace_back(field, checked);
      }
    }
  }
  if (spec.whole && mappings.size() > 1) {
    throw ConfigError(
        "Cast transformations that specify a type to cast the entire value to may ony specify a single cast "
        "in their "
        "spec");
  }
  return spec;
}

class SpecValidator final : public config::Validator {
 public:
  void ensure_valid(std::string_view, const config::ParsedValue& value) const override {
    const auto* list = std::get_if<std::vector<std::string>>(&value);
    if (list == nullptr || list->empty()) throw ConfigError("Must specify at least one field to cast.");
    parse_spec(*list);
  }
  std::string describe() const override {
    return "list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>";
  }
};

std::optional<Type> type_of_kind(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::Boolean: return Type::Boolean;
    case Value::Kind::Int8: return Type::Int8;
    case Value::Kind::Int16: return Type::Int16;
    case Value::Kind::Int32: return Type::Int32;
    case Value::Kind::Int64: return Type::Int64;
    case Value::Kind::Float32: return Type::Float32;
    case Value::Kind::Float64: return Type::Float64;
    case Value::Kind::String: return Type::String;
    case Value::Kind::Bytes: return Type::Bytes;
    case Value::Kind::Array: return Type::Array;
    case Value::Kind::Map: return Type::Map;
    case Value::Kind::Struct: return Type::Struct;
    case Value::Kind::Null: return std::nullopt;
  }
  return std::nullopt;
}

// The value as a Java Number would answer longValue()/doubleValue(), or nullopt for non-numbers.
struct Numeric {
  std::int64_t as_long;
  double as_double;
  float as_float;
  std::int32_t as_int;  // intValue(): for floating point the saturating conversion, else the low bits
};

std::optional<Numeric> numeric_of(const data::SchemaPtr& schema, const Value& value) {
  switch (value.kind()) {
    case Value::Kind::Int8:
    case Value::Kind::Int16:
    case Value::Kind::Int32:
    case Value::Kind::Int64: {
      const std::int64_t v = value.to_int64();
      return Numeric{v, static_cast<double>(v), static_cast<float>(v), java_narrow<std::int32_t>(v)};
    }
    case Value::Kind::Float32: {
      const float f = value.as_float32();
      return Numeric{java_double_to_long(f), f, f, java_double_to_int(f)};
    }
    case Value::Kind::Float64: {
      const double d = value.as_float64();
      return Numeric{java_double_to_long(d), d, static_cast<float>(d), java_double_to_int(d)};
    }
    case Value::Kind::Bytes:
      if (schema && data::logical::is_decimal(*schema)) {
        const std::int32_t scale = data::logical::decimal_scale(*schema);
        const std::int64_t l = decimal_long_value(value.as_bytes(), scale);
        const double d = decimal_double_value(value.as_bytes(), scale);
        return Numeric{l, d, static_cast<float>(d), java_narrow<std::int32_t>(l)};
      }
      return std::nullopt;
    default: return std::nullopt;
  }
}

[[noreturn]] void out_of_range(const std::string& text) {
  throw DataError("Value (" + text + ") was out of range for requested data type");
}

[[noreturn]] void unexpected_type(const data::SchemaPtr& schema, const Value& value) {
  throw DataError("Unexpected type in Cast transformation: " + java_class(schema, value));
}

std::int64_t epoch_millis_of_logical(const data::Schema& schema, const Value& value) {
  if (data::logical::is_date(schema)) return value.to_int64() * kMillisPerDay;
  return value.to_int64();
}

std::string cast_to_string(const data::SchemaPtr& schema, const Value& value) {
  if (schema && (data::logical::is_date(*schema) || data::logical::is_time(*schema) ||
                 data::logical::is_timestamp(*schema))) {
    return iso_date_text(epoch_millis_of_logical(*schema, value));
  }
  switch (value.kind()) {
    case Value::Kind::Boolean: return value.as_bool() ? "true" : "false";
    case Value::Kind::Int8:
    case Value::Kind::Int16:
    case Value::Kind::Int32:
    case Value::Kind::Int64: return std::to_string(value.to_int64());
    case Value::Kind::Float32: return data::java_float_to_string(value.as_float32());
    case Value::Kind::Float64: return data::java_double_to_string(value.as_float64());
    case Value::Kind::String: return value.as_string();
    case Value::Kind::Bytes:
      if (schema && data::logical::is_decimal(*schema)) {
        return data::big_decimal_to_string(value.as_bytes(), data::logical::decimal_scale(*schema));
      }
      return data::base64_encode(value.as_bytes());
    default: unexpected_type(schema, value);
  }
}

template <typename Int>
Value integer_value(Int v) {
  if constexpr (std::is_same_v<Int, std::int8_t>) return Value::int8(v);
  if constexpr (std::is_same_v<Int, std::int16_t>) return Value::int16(v);
  if constexpr (std::is_same_v<Int, std::int32_t>) return Value::int32(v);
  if constexpr (std::is_same_v<Int, std::int64_t>) return Value::int64(v);
}

template <typename Int>
Value cast_to_integer(const data::SchemaPtr& schema, const Value& value) {
  if (value.kind() == Value::Kind::Boolean) return integer_value<Int>(value.as_bool() ? 1 : 0);
  if (value.kind() == Value::Kind::String) {
    auto parsed = parse_java_integer(value.as_string(), std::numeric_limits<Int>::min(),
                                     std::numeric_limits<Int>::max());
    if (!parsed) out_of_range(value.as_string());
    return integer_value<Int>(static_cast<Int>(*parsed));
  }
  auto n = numeric_of(schema, value);
  if (!n) unexpected_type(schema, value);
  // Java: byteValue()/shortValue() narrow intValue(); longValue() is its own conversion.
  if constexpr (std::is_same_v<Int, std::int64_t>) {
    return Value::int64(n->as_long);
  } else {
    return integer_value<Int>(java_narrow<Int>(n->as_int));
  }
}

Value cast_value(const data::SchemaPtr& schema, const Value& value, Type target) {
  if (value.is_null()) return {};
  const std::optional<Type> inferred =
      schema ? std::optional<Type>(schema->type()) : type_of_kind(value.kind());
  if (!inferred || !contains(kInputTypes, *inferred)) {
    throw DataError(std::string("Cast transformation does not support casting from ") +
                    (inferred ? data::type_upper_name(*inferred) : "null") + "; supported types are " +
                    type_set_text(kInputTypes));
  }
  switch (target) {
    case Type::Int8: return cast_to_integer<std::int8_t>(schema, value);
    case Type::Int16: return cast_to_integer<std::int16_t>(schema, value);
    case Type::Int32: return cast_to_integer<std::int32_t>(schema, value);
    case Type::Int64: return cast_to_integer<std::int64_t>(schema, value);
    case Type::Float32: {
      if (value.kind() == Value::Kind::Boolean) return Value::float32(value.as_bool() ? 1.0F : 0.0F);
      if (value.kind() == Value::Kind::String) {
        auto parsed = parse_java_float(value.as_string());
        if (!parsed) out_of_range(value.as_string());
        return Value::float32(*parsed);
      }
      auto n = numeric_of(schema, value);
      if (!n) unexpected_type(schema, value);
      return Value::float32(n->as_float);
    }
    case Type::Float64: {
      if (value.kind() == Value::Kind::Boolean) return Value::float64(value.as_bool() ? 1.0 : 0.0);
      if (value.kind() == Value::Kind::String) {
        auto parsed = parse_java_double(value.as_string());
        if (!parsed) out_of_range(value.as_string());
        return Value::float64(*parsed);
      }
      auto n = numeric_of(schema, value);
      if (!n) unexpected_type(schema, value);
      return Value::float64(n->as_double);
    }
    case Type::Boolean: {
      if (value.kind() == Value::Kind::Boolean) return value;
      if (value.kind() == Value::Kind::String) {
        std::string lower = value.as_string();
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return Value::boolean(lower == "true");
      }
      auto n = numeric_of(schema, value);
      if (!n) unexpected_type(schema, value);
      return Value::boolean(n->as_long != 0);
    }
    case Type::String: return Value::string(cast_to_string(schema, value));
    default:
      throw DataError(std::string(data::type_upper_name(target)) +
                      " is not supported in the Cast transformation.");
  }
}

data::SchemaBuilder builder_for(Type type) {
  return data::SchemaBuilder(type);
}

bool is_logical(const data::Schema& schema) {
  return data::logical::is_decimal(schema) || data::logical::is_date(schema) ||
         data::logical::is_time(schema) || data::logical::is_timestamp(schema);
}

class Cast final : public SideTransformation {
 public:
  explicit Cast(Side side) : SideTransformation(side) {}

  void configure(const config::RawConfig& raw) override {
    const config::Config config(cast_config_def(), raw);
    spec_ = parse_spec(config.get_list(kSpec));
    replace_null_with_default_ = config.get_bool(kReplaceNullWithDefault);
  }

  bool apply(data::ConnectRecord& record) override {
    Value& value = value_of(record);
    if (value.is_null()) return true;
    data::SchemaPtr& schema = schema_of(record);
    if (!schema) {
      if (spec_.whole) {
        value = cast_value(nullptr, value, *spec_.whole);
        return true;
      }
      Value::Map updated = require_map(value, kPurpose);
      for (const auto& [field, type] : spec_.fields) {
        const Value* current = map_find(updated, field);
        Value cast = cast_value(nullptr, current ? *current : Value(), type);
        map_put(updated, field, std::move(cast));
      }
      value = Value::map(std::move(updated));
      return true;
    }

    data::SchemaPtr updated_schema = build_schema(*schema);
    if (spec_.whole) {
      value = cast_value(schema, value, *spec_.whole);
      schema = std::move(updated_schema);
      return true;
    }
    const data::Struct& original = require_struct(value, kPurpose);
    data::Struct updated(updated_schema);
    for (const data::Field& field : original.schema()->fields()) {
      const Value& field_value = struct_field(original, field, replace_null_with_default_);
      const Type* target = spec_.find(field.name);
      updated.put(field.name, target ? cast_value(field.schema, field_value, *target) : field_value);
    }
    value = Value::structure(std::move(updated));
    schema = std::move(updated_schema);
    return true;
  }

  const config::ConfigDef& config_def() const override { return cast_config_def(); }

 private:
  data::SchemaPtr build_schema(const data::Schema& source) const {
    data::SchemaBuilder builder = builder_for(spec_.whole ? *spec_.whole : Type::Struct);
    if (spec_.whole) {
      // Kafka copies the name and parameters too; for a logical type cast to another base type that would
      // leave e.g. a STRING schema named Decimal, which no converter can handle, so those are dropped.
      const bool keeps_logical = !is_logical(source) || source.type() == *spec_.whole;
      if (keeps_logical) {
        copy_schema_basics(source, builder);
      } else if (source.doc()) {
        builder.doc(*source.doc());
      }
    } else {
      copy_schema_basics(source, builder);
      for (const data::Field& field : source.fields()) {
        const Type* target = spec_.find(field.name);
        if (target == nullptr) {
          builder.field(field.name, field.schema);
          continue;
        }
        data::SchemaBuilder field_builder = builder_for(*target);
        if (field.schema->optional()) field_builder.optional();
        if (field.schema->default_value()) {
          field_builder.default_value(cast_value(field.schema, *field.schema->default_value(), *target));
        }
        builder.field(field.name, field_builder.build());
      }
    }
    if (source.optional()) builder.optional();
    if (source.default_value()) {
      if (spec_.whole) {
        builder.default_value(
            cast_value(std::make_shared<const data::Schema>(source), *source.default_value(), *spec_.whole));
      } else {
        // Kafka would fail to cast a struct default; casting its fields keeps the schema usable.
        const data::SchemaPtr partial = builder.build();
        data::Struct default_struct(partial);
        const data::Struct& original = source.default_value()->as_struct();
        for (const data::Field& field : source.fields()) {
          const Type* target = spec_.find(field.name);
          const Value& v = original.get(field.index);
          default_struct.put(field.name, target ? cast_value(field.schema, v, *target) : v);
        }
        builder.default_value(Value::structure(std::move(default_struct)));
      }
    }
    return builder.build();
  }

  CastSpec spec_;
  bool replace_null_with_default_ = true;
};

}  // namespace

const config::ConfigDef& cast_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    config::ConfigKey spec;
    spec.name = std::string(kSpec);
    spec.type = config::Type::List;
    spec.validator = std::make_shared<SpecValidator>();
    spec.importance = config::Importance::High;
    spec.documentation =
        "List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of "
        "Maps or "
        "Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, "
        "float32, "
        "float64, boolean, and string. Note that binary fields can only be cast to string.";
    d.define(std::move(spec));
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

std::unique_ptr<api::Transformation> make_cast(Side side) {
  return std::make_unique<Cast>(side);
}

}  // namespace sluice::transforms
