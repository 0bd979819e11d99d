#include "core/convert/json_converter.hpp"

#include "core/common/errors.hpp"
#include "core/convert/converter_config.hpp"
#include "core/convert/json_reader.hpp"
#include "core/convert/json_writer.hpp"
#include "core/data/text_format.hpp"
#include "core/data/logical.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <list>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace sluice::convert {

using data::Schema;
using data::SchemaBuilder;
using data::SchemaPtr;
using data::Type;
using data::Value;
using json::Node;

namespace {

constexpr const char* kSchemasEnable = "schemas.enable";
constexpr const char* kSchemasCacheSize = "schemas.cache.size";
constexpr const char* kDecimalFormat = "decimal.format";
constexpr const char* kReplaceNullWithDefault = "replace.null.with.default";

constexpr const char* kEnvelopeError =
    "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain "
    "additional "
    "fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter "
    "configuration.";
constexpr const char* kDeserializeError =
    "Converting byte[] to Kafka Connect data failed due to serialization error: ";

config::ConfigDef make_json_config_def() {
  config::ConfigDef def = new_converter_config_def();
  auto add = [&def](const char* name, config::Type type, const char* default_value,
                    config::ValidatorPtr validator, config::Importance importance, const char* doc,
                    const char* group, int order, const char* display) {
    config::ConfigKey key;
    key.name = name;
    key.type = type;
    key.has_default = true;
    key.default_value = default_value;
    key.validator = std::move(validator);
    key.importance = importance;
    key.documentation = doc;
    key.group = group;
    key.order_in_group = order;
    key.width = config::Width::Medium;
    key.display_name = display;
    def.define(std::move(key));
  };
  add(kSchemasEnable, config::Type::Boolean, "true", nullptr, config::Importance::High,
      "Include schemas within each of the serialized values and keys.", "Schemas", 0, "Enable Schemas");
  add(kSchemasCacheSize, config::Type::Int, "1000", nullptr, config::Importance::High,
      "The maximum number of schemas that can be cached in this converter instance.", "Schemas", 1,
      "Schema Cache Size");
  add(kDecimalFormat, config::Type::String, "BASE64",
      config::validators::in_case_insensitive({"BASE64", "NUMERIC"}), config::Importance::Low,
      "Controls which format this converter will serialize decimals in. This value is case insensitive and "
      "can be "
      "either 'BASE64' (default) or 'NUMERIC'",
      "Serialization", 0, "Decimal Format");
  add(kReplaceNullWithDefault, config::Type::Boolean, "true", nullptr, config::Importance::Low,
      "Whether to replace fields that have a default value and that are null to the default value. When set "
      "to "
      "true, the default value is used, otherwise null is used.",
      "Serialization", 1, "Replace null with default");
  return def;
}

}  // namespace

const config::ConfigDef& json_converter_config_def() {
  static const config::ConfigDef def = make_json_config_def();
  return def;
}

// The conversion logic shared by JsonConverter and JsonHeaderConverter (Kafka uses one class for both).
class JsonCodec {
 public:
  void configure(const config::RawConfig& raw, std::string_view type) {
    config::Config cfg = parse_converter_config(json_converter_config_def(), raw, type);
    schemas_enable_ = cfg.get_bool(kSchemasEnable);
    cache_size_ = cfg.get_int(kSchemasCacheSize);
    std::string format = cfg.get_string(kDecimalFormat);
    for (char& c : format) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    numeric_decimals_ = format == "NUMERIC";
    replace_null_with_default_ = cfg.get_bool(kReplaceNullWithDefault);
    cache_.clear();
    cache_index_.clear();
    parsed_.clear();
    parsed_index_.clear();
  }

  std::optional<std::string> from_connect(const SchemaPtr& schema, const Value& value) {
    if (!schema && value.is_null()) return std::nullopt;
    std::string out;
    out.reserve(last_output_size_ + last_output_size_ / 16 + 32);
    if (schemas_enable_) {
      out += "{\"schema\":";
      if (schema) {
        out += schema_json(schema);
      } else {
        json::append_null(out);
      }
      out += ",\"payload\":";
      write_value(out, schema, value);
      out += '}';
    } else {
      write_value(out, schema, value);
    }
    last_output_size_ = out.size();
    return out;
  }

  data::SchemaAndValue to_connect(std::optional<std::string_view> bytes) {
    if (!bytes) return {};
    const Node* root = nullptr;
    try {
      root = reader_.parse(*bytes);
    } catch (const json::ParseError& e) {
      throw DataError(std::string(kDeserializeError) + e.what());
    }
    if (schemas_enable_) {
      if (!root || root->kind != Node::Kind::Object || root->size != 2) throw DataError(kEnvelopeError);
      const Node* schema_node = root->get("schema");
      const Node* payload = root->get("payload");
      if (!schema_node || !payload) throw DataError(kEnvelopeError);
      SchemaPtr schema = cached_connect_schema(*schema_node);
      Value value = to_connect_value(schema, payload);
      return {std::move(schema), std::move(value)};
    }
    if (!root) return {};
    return {nullptr, to_connect_value(nullptr, root)};
  }

 private:
  // ---- Connect -> JSON -----------------------------------------------------------------------------------

  // The schema's JSON text, cached per schema object (Kafka's fromConnectSchemaCache, keyed there by
  // equality).
  const std::string& schema_json(const SchemaPtr& schema) {
    auto found = cache_index_.find(schema.get());
    if (found != cache_index_.end()) {
      cache_.splice(cache_.begin(), cache_, found->second);
      return found->second->second;
    }
    std::string text;
    write_schema(text, *schema);
    if (cache_size_ <= 0) {
      uncached_ = std::move(text);
      return uncached_;
    }
    cache_.emplace_front(schema, std::move(text));
    cache_index_[schema.get()] = cache_.begin();
    while (cache_.size() > static_cast<std::size_t>(cache_size_)) {
      cache_index_.erase(cache_.back().first.get());
      cache_.pop_back();
    }
    return cache_.front().second;
  }

  // Kafka's asJsonSchema, minus the closing brace so a struct field entry can append "field".
  void write_schema_body(std::string& out, const Schema& schema) {
    out += "{\"type\":";
    json::append_string(out, data::type_name(schema.type()));
    switch (schema.type()) {
      case Type::Array:
        out += ",\"items\":";
        write_schema(out, *schema.value_schema());
        break;
      case Type::Map:
        out += ",\"keys\":";
        write_schema(out, *schema.key_schema());
        out += ",\"values\":";
        write_schema(out, *schema.value_schema());
        break;
      case Type::Struct: {
        out += ",\"fields\":[";
        bool first = true;
        for (const data::Field& field : schema.fields()) {
          if (!first) out += ',';
          first = false;
          write_schema_body(out, *field.schema);
          out += ",\"field\":";
          json::append_string(out, field.name);
          out += '}';
        }
        out += ']';
        break;
      }
      default: break;
    }
    out += ",\"optional\":";
    json::append_bool(out, schema.optional());
    if (schema.name()) {
      out += ",\"name\":";
      json::append_string(out, *schema.name());
    }
    if (schema.version()) {
      out += ",\"version\":";
      json::append_int(out, *schema.version());
    }
    if (schema.doc()) {
      out += ",\"doc\":";
      json::append_string(out, *schema.doc());
    }
    if (!schema.parameters().empty()) {
      out += ",\"parameters\":{";
      bool first = true;
      for (const auto& [k, v] : schema.parameters()) {
        if (!first) out += ',';
        first = false;
        json::append_string(out, k);
        out += ':';
        json::append_string(out, v);
      }
      out += '}';
    }
    if (schema.default_value()) {
      out += ",\"default\":";
      write_value_with(out, schema, *schema.default_value());
    }
  }

  void write_schema(std::string& out, const Schema& schema) {
    write_schema_body(out, schema);
    out += '}';
  }

  // Kafka's convertToJson.
  void write_value(std::string& out, const SchemaPtr& schema, const Value& value) {
    if (value.is_null()) {
      if (!schema) {
        json::append_null(out);
        return;
      }
      if (schema->default_value() && replace_null_with_default_) {
        write_value_with(out, *schema, *schema->default_value());
        return;
      }
      if (schema->optional()) {
        json::append_null(out);
        return;
      }
      throw DataError("Conversion error: null value for field that is required and has no default value");
    }
    if (schema) {
      write_value_with(out, *schema, value);
    } else {
      write_schemaless(out, value);
    }
  }

  // A non-null value with a schema (schema.default_value() needs this overload: it has no SchemaPtr).
  void write_value_with(std::string& out, const Schema& schema, const Value& value) {
    if (value.is_null()) {
      // Only reachable for a default that is itself null, which the builder never stores.
      json::append_null(out);
      return;
    }
    if (schema.name() && write_logical(out, schema, value)) return;
    if (value.kind() != data::value_kind_for(schema.type())) {
      throw DataError(std::string("Invalid type for ") + data::type_upper_name(schema.type()) + ": " +
                      data::kind_name(value.kind()));
    }
    switch (schema.type()) {
      case Type::Boolean: json::append_bool(out, value.as_bool()); break;
      case Type::Int8: json::append_int(out, value.as_int8()); break;
      case Type::Int16: json::append_int(out, value.as_int16()); break;
      case Type::Int32: json::append_int(out, value.as_int32()); break;
      case Type::Int64: json::append_int(out, value.as_int64()); break;
      case Type::Float32: json::append_float(out, value.as_float32()); break;
      case Type::Float64: json::append_double(out, value.as_float64()); break;
      case Type::String: json::append_string(out, value.as_string()); break;
      case Type::Bytes: json::append_string(out, data::base64_encode(value.as_bytes())); break;
      case Type::Array: {
        out += '[';
        bool first = true;
        for (const Value& element : value.as_array()) {
          if (!first) out += ',';
          first = false;
          write_value(out, schema.value_schema(), element);
        }
        out += ']';
        break;
      }
      case Type::Map:
        write_map(out, schema.key_schema(), schema.value_schema(), value.as_map(),
                  schema.key_schema()->type() == Type::String);
        break;
      case Type::Struct: {
        const data::Struct& s = value.as_struct();
        if (s.schema().get() != &schema && !(*s.schema() == schema)) throw DataError("Mismatching schema.");
        write_struct(out, s);
        break;
      }
    }
  }

  // Values without a schema: the value's own kind decides (Kafka's
  // ConnectSchema.schemaType(value.getClass())).
  void write_schemaless(std::string& out, const Value& value) {
    switch (value.kind()) {
      case Value::Kind::Null: json::append_null(out); break;
      case Value::Kind::Boolean: json::append_bool(out, value.as_bool()); break;
      case Value::Kind::Int8:
      case Value::Kind::Int16:
      case Value::Kind::Int32:
      case Value::Kind::Int64: json::append_int(out, value.to_int64()); break;
      case Value::Kind::Float32: json::append_float(out, value.as_float32()); break;
      case Value::Kind::Float64: json::append_double(out, value.as_float64()); break;
      case Value::Kind::String: json::append_string(out, value.as_string()); break;
      case Value::Kind::Bytes: json::append_string(out, data::base64_encode(value.as_bytes())); break;
      case Value::Kind::Array: {
        out += '[';
        bool first = true;
        for (const Value& element : value.as_array()) {
          if (!first) out += ',';
          first = false;
          write_value(out, nullptr, element);
        }
        out += ']';
        break;
      }
      case Value::Kind::Map: {
        bool all_strings = true;
        for (const auto& entry : value.as_map()) {
          if (entry.first.kind() != Value::Kind::String) {
            all_strings = false;
            break;
          }
        }
        write_map(out, nullptr, nullptr, value.as_map(), all_strings);
        break;
      }
      // Kafka fails here ("Mismatching schema.") because it compares the struct's schema with null; a struct
      // carries its schema, so we write it with that.
      case Value::Kind::Struct: write_struct(out, value.as_struct()); break;
    }
  }

  void write_struct(std::string& out, const data::Struct& s) {
    out += '{';
    bool first = true;
    for (const data::Field& field : s.schema()->fields()) {
      if (!first) out += ',';
      first = false;
      json::append_string(out, field.name);
      out += ':';
      // With replace.null.with.default=false an unset field is written as null, not as its default.
      write_value(out, field.schema,
                  replace_null_with_default_ ? s.get(field.index) : s.values()[field.index]);
    }
    out += '}';
  }

  // The text of a map key in object mode (Jackson's asText() of the converted key): keys are strings, or
  // null, which Jackson renders as "null".
  std::string key_text(const SchemaPtr& key_schema, const Value& key) const {
    if (key.kind() == Value::Kind::String) return key.as_string();
    if (!key.is_null()) {
      throw DataError(std::string("Invalid type for STRING: ") + data::kind_name(key.kind()));
    }
    if (key_schema && key_schema->default_value() && replace_null_with_default_ &&
        key_schema->default_value()->kind() == Value::Kind::String) {
      return key_schema->default_value()->as_string();
    }
    if (!key_schema || key_schema->optional()) return "null";
    throw DataError("Conversion error: null value for field that is required and has no default value");
  }

  void write_map(std::string& out, const SchemaPtr& key_schema, const SchemaPtr& value_schema,
                 const Value::Map& map, bool object_mode) {
    if (!object_mode) {
      out += '[';
      bool first = true;
      for (const auto& [k, v] : map) {
        if (!first) out += ',';
        first = false;
        out += '[';
        write_value(out, key_schema, k);
        out += ',';
        write_value(out, value_schema, v);
        out += ']';
      }
      out += ']';
      return;
    }
    // Jackson's ObjectNode keeps one entry per key text: a repeated key keeps its first position and the
    // last value. Connect maps rarely repeat keys, so only pay for the bookkeeping when they do.
    std::vector<std::string> keys;
    keys.reserve(map.size());
    for (const auto& entry : map) keys.push_back(key_text(key_schema, entry.first));
    std::unordered_set<std::string_view> seen;
    bool duplicates = false;
    for (const auto& k : keys) {
      if (!seen.insert(k).second) {
        duplicates = true;
        break;
      }
    }
    out += '{';
    if (!duplicates) {
      for (std::size_t i = 0; i < map.size(); ++i) {
        if (i > 0) out += ',';
        json::append_string(out, keys[i]);
        out += ':';
        write_value(out, value_schema, map[i].second);
      }
    } else {
      std::unordered_map<std::string_view, std::size_t> last;
      for (std::size_t i = 0; i < keys.size(); ++i) last[keys[i]] = i;
      std::unordered_set<std::string_view> written;
      bool first = true;
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (!written.insert(keys[i]).second) continue;
        if (!first) out += ',';
        first = false;
        json::append_string(out, keys[i]);
        out += ':';
        write_value(out, value_schema, map[last[keys[i]]].second);
      }
    }
    out += '}';
  }

  // Kafka's LOGICAL_CONVERTERS toJson. Returns false when the schema name is not a logical type.
  bool write_logical(std::string& out, const Schema& schema, const Value& value) {
    const std::string& name = *schema.name();
    if (name == data::logical::kDecimalName) {
      if (value.kind() != Value::Kind::Bytes) {
        throw DataError(
            std::string("Invalid type for Decimal, expected BYTES holding the unscaled value but was ") +
            data::kind_name(value.kind()));
      }
      if (value.as_bytes().empty()) throw DataError("Invalid Decimal value: the unscaled bytes are empty");
      if (numeric_decimals_) {
        out += data::big_decimal_to_string(value.as_bytes(), data::logical::decimal_scale(schema));
      } else {
        json::append_string(out, data::base64_encode(data::minimal_twos_complement(value.as_bytes())));
      }
      return true;
    }
    const char* logical = nullptr;
    Value::Kind expected = Value::Kind::Int32;
    if (name == data::logical::kDateName) {
      logical = "Date";
    } else if (name == data::logical::kTimeName) {
      logical = "Time";
    } else if (name == data::logical::kTimestampName) {
      logical = "Timestamp";
      expected = Value::Kind::Int64;
    } else {
      return false;
    }
    if (value.kind() != expected) {
      throw DataError(std::string("Invalid type for ") + logical + ", expected " + data::kind_name(expected) +
                      " but was " + data::kind_name(value.kind()));
    }
    json::append_int(out, value.to_int64());
    return true;
  }

  // ---- JSON -> Connect -----------------------------------------------------------------------------------

  // Kafka's asConnectSchema with its toConnectSchemaCache: one immutable Schema per distinct "schema" text,
  // so records with the same envelope share their schema (and what is derived from it downstream). Kafka
  // keys the cache by the JSON tree and also caches nested schemas; keying by the raw bytes of the top-level
  // schema gives the same schemas for every input.
  SchemaPtr cached_connect_schema(const Node& node) {
    if (node.kind == Node::Kind::Null) return nullptr;
    if (!parsed_.empty() && parsed_.front().json == node.source) return parsed_.front().schema;
    if (auto found = parsed_index_.find(node.source); found != parsed_index_.end()) {
      parsed_.splice(parsed_.begin(), parsed_, found->second);
      return found->second->schema;
    }
    SchemaPtr schema = to_connect_schema(node);
    if (cache_size_ <= 0) return schema;
    parsed_.push_front(ParsedSchema{std::string(node.source), schema});
    parsed_index_.emplace(parsed_.front().json, parsed_.begin());
    while (parsed_.size() > static_cast<std::size_t>(cache_size_)) {
      parsed_index_.erase(parsed_.back().json);
      parsed_.pop_back();
    }
    return schema;
  }

  // Kafka's asConnectSchema.
  SchemaPtr to_connect_schema(const Node& node) {
    if (node.kind == Node::Kind::Null) return nullptr;
    const Node* type_node = node.get("type");
    if (!type_node || type_node->kind != Node::Kind::String)
      throw DataError("Schema must contain 'type' field");
    auto type = data::parse_type_name(type_node->text);
    if (!type) throw DataError("Unknown schema type: " + std::string(type_node->text));
    SchemaBuilder builder(*type);
    switch (*type) {
      case Type::Array: {
        const Node* items = node.get("items");
        if (!items || items->kind == Node::Kind::Null)
          throw DataError("Array schema did not specify the element type");
        builder = SchemaBuilder::array(to_connect_schema(*items));
        break;
      }
      case Type::Map: {
        const Node* keys = node.get("keys");
        if (!keys) throw DataError("Map schema did not specify the key type");
        const Node* values = node.get("values");
        if (!values) throw DataError("Map schema did not specify the value type");
        SchemaPtr key_schema = to_connect_schema(*keys);
        SchemaPtr value_schema = to_connect_schema(*values);
        if (!key_schema) throw DataError("Map schema did not specify the key type");
        if (!value_schema) throw DataError("Map schema did not specify the value type");
        builder = SchemaBuilder::map(std::move(key_schema), std::move(value_schema));
        break;
      }
      case Type::Struct: {
        const Node* fields = node.get("fields");
        if (!fields || fields->kind != Node::Kind::Array) {
          throw DataError("Struct schema's \"fields\" argument is not an array.");
        }
        for (const Node& field : *fields) {
          const Node* field_name = field.get("field");
          if (!field_name || field_name->kind != Node::Kind::String) {
            throw DataError("Struct schema's field name not specified properly");
          }
          SchemaPtr field_schema = to_connect_schema(field);
          if (!field_schema) {
            throw DataError("Struct schema's field " + std::string(field_name->text) + " has a null schema");
          }
          builder.field(std::string(field_name->text), std::move(field_schema));
        }
        break;
      }
      default: break;
    }
    const Node* optional = node.get("optional");
    if (optional && optional->kind == Node::Kind::Boolean && optional->boolean) {
      builder.optional();
    } else {
      builder.required();
    }
    if (const Node* name = node.get("name"); name && name->kind == Node::Kind::String)
      builder.name(std::string(name->text));
    if (const Node* version = node.get("version"); version && version->is_integral()) {
      builder.version(static_cast<std::int32_t>(integral_value(*version, "version")));
    }
    if (const Node* doc = node.get("doc"); doc && doc->kind == Node::Kind::String)
      builder.doc(std::string(doc->text));
    if (const Node* params = node.get("parameters"); params && params->kind == Node::Kind::Object) {
      for (const Node& v : *params) {
        if (v.kind != Node::Kind::String) throw DataError("Schema parameters must have string values.");
        builder.parameter(std::string(v.key), std::string(v.text));
      }
    }
    if (const Node* default_node = node.get("default")) {
      builder.default_value(to_connect_value(builder.build(), default_node));
    }
    return builder.build();
  }

  static std::int64_t integral_value(const Node& node, std::string_view what) {
    if (node.kind == Node::Kind::Integer) return node.integer;
    throw DataError("Integer " + std::string(node.text) + " for " + std::string(what) +
                    " is out of range for INT64");
  }

  // A JSON number literal as a double, rounded once (Jackson's BigDecimal.doubleValue()); literals beyond
  // the double range become infinities or zero, as strtod gives them.
  static double to_double(std::string_view literal) {
    double value = 0;
    const auto [end, error] = std::from_chars(literal.data(), literal.data() + literal.size(), value);
    if (error == std::errc() && end == literal.data() + literal.size()) return value;
    return std::strtod(std::string(literal).c_str(), nullptr);
  }

  // The same for a float, rounded once from the literal (BigDecimal.floatValue()), not through a double.
  static float to_float(std::string_view literal) {
    float value = 0;
    const auto [end, error] = std::from_chars(literal.data(), literal.data() + literal.size(), value);
    if (error == std::errc() && end == literal.data() + literal.size()) return value;
    return std::strtof(std::string(literal).c_str(), nullptr);
  }

  // Kafka's convertToConnect. `node` is nullptr for a missing struct field.
  Value to_connect_value(const SchemaPtr& schema, const Node* node) {
    if (!schema) return to_connect_schemaless(node);
    if (!node || node->kind == Node::Kind::Null) {
      if (schema->default_value() && replace_null_with_default_) return *schema->default_value();
      if (schema->optional()) return Value();
      throw DataError(std::string("Invalid null value for required ") +
                      data::type_upper_name(schema->type()) + " field");
    }
    if (schema->name()) {
      if (auto logical = to_connect_logical(*schema, *node)) return std::move(*logical);
    }
    const Type type = schema->type();
    switch (type) {
      case Type::Boolean:
        if (node->kind != Node::Kind::Boolean) throw mismatch("a boolean", type, *node);
        return Value::boolean(node->boolean);
      case Type::Int8:
        return Value::int8(static_cast<std::int8_t>(integer_in_range(*node, type, INT8_MIN, INT8_MAX)));
      case Type::Int16:
        return Value::int16(static_cast<std::int16_t>(integer_in_range(*node, type, INT16_MIN, INT16_MAX)));
      case Type::Int32:
        return Value::int32(static_cast<std::int32_t>(integer_in_range(*node, type, INT32_MIN, INT32_MAX)));
      case Type::Int64: return Value::int64(integer_in_range(*node, type, INT64_MIN, INT64_MAX));
      case Type::Float32: return Value::float32(floating32(*node, type));
      case Type::Float64: return Value::float64(floating64(*node, type));
      case Type::String:
        if (node->kind != Node::Kind::String) throw mismatch("a string", type, *node);
        return Value::string(std::string(node->text));
      case Type::Bytes: {
        if (node->kind != Node::Kind::String) throw mismatch("a base64 string", type, *node);
        auto decoded = data::base64_decode(node->text);
        if (!decoded) {
          throw DataError("Invalid bytes field: \"" + std::string(node->text) + "\" is not valid base64");
        }
        return Value::bytes(std::move(*decoded));
      }
      case Type::Array: {
        if (node->kind != Node::Kind::Array) throw mismatch("an array", type, *node);
        Value::Array out;
        out.reserve(node->size);
        for (const Node& item : *node) out.push_back(to_connect_value(schema->value_schema(), &item));
        return Value::array(std::move(out));
      }
      case Type::Map: {
        Value::Map out;
        if (schema->key_schema()->type() == Type::String) {
          if (node->kind != Node::Kind::Object) {
            throw DataError(
                std::string("Maps with string fields should be encoded as JSON objects, but found ") +
                node->type_name());
          }
          out.reserve(node->size);
          for (const Node& member : *node) {
            out.emplace_back(Value::string(std::string(member.key)),
                             to_connect_value(schema->value_schema(), &member));
          }
        } else {
          if (node->kind != Node::Kind::Array) {
            throw DataError(
                std::string(
                    "Maps with non-string fields should be encoded as JSON array of tuples, but found ") +
                node->type_name());
          }
          out.reserve(node->size);
          for (const Node& entry : *node) {
            if (entry.kind != Node::Kind::Array) {
              throw DataError(std::string("Found invalid map entry instead of array tuple: ") +
                              entry.type_name());
            }
            if (entry.size != 2) {
              throw DataError("Found invalid map entry, expected length 2 but found :" +
                              std::to_string(entry.size));
            }
            out.emplace_back(to_connect_value(schema->key_schema(), entry.first),
                             to_connect_value(schema->value_schema(), entry.first->next));
          }
        }
        return Value::map(std::move(out));
      }
      case Type::Struct: {
        if (node->kind != Node::Kind::Object) {
          throw DataError(std::string("Structs should be encoded as JSON objects, but found ") +
                          node->type_name());
        }
        data::Struct out(schema);
        // Payloads usually list the fields in schema order: try the next member before searching.
        const Node* expected = node->first;
        for (const data::Field& field : schema->fields()) {
          const Node* member = nullptr;
          if (expected && expected->key == field.name) {
            member = expected;
            expected = expected->next;
          } else {
            member = node->get(field.name);
          }
          out.put(field, to_connect_value(field.schema, member));
        }
        return Value::structure(std::move(out));
      }
    }
    throw DataError(std::string("Unknown schema type: ") + data::type_upper_name(type));
  }

  static DataError mismatch(const char* expected, Type type, const Node& node) {
    return DataError(std::string("Expected ") + expected + " for schema type " + data::type_upper_name(type) +
                     " but found JSON " + node.type_name());
  }

  // Jackson truncates floating values for integer schemas (intValue()); values that do not fit are refused
  // here instead of wrapping around as Java's narrowing casts would.
  static std::int64_t integer_in_range(const Node& node, Type type, std::int64_t min, std::int64_t max) {
    auto out_of_range = [&](const std::string& text) {
      return DataError("Value " + text + " is out of range for schema type " + data::type_upper_name(type));
    };
    std::int64_t v = 0;
    switch (node.kind) {
      case Node::Kind::Integer: v = node.integer; break;
      case Node::Kind::BigInteger: throw out_of_range(std::string(node.text));
      case Node::Kind::Float: {
        const double d = std::trunc(to_double(node.text));
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
          throw out_of_range(std::string(node.text));
        v = static_cast<std::int64_t>(d);
        break;
      }
      default: throw mismatch("a number", type, node);
    }
    if (v < min || v > max) throw out_of_range(node.number_text());
    return v;
  }

  // Jackson writes non-finite numbers as these strings; read them back instead of Jackson's 0.0.
  static std::optional<double> non_finite(const Node& node) {
    if (node.kind != Node::Kind::String) return std::nullopt;
    if (node.text == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (node.text == "Infinity") return std::numeric_limits<double>::infinity();
    if (node.text == "-Infinity") return -std::numeric_limits<double>::infinity();
    return std::nullopt;
  }

  static double floating64(const Node& node, Type type) {
    switch (node.kind) {
      case Node::Kind::Integer: return static_cast<double>(node.integer);
      case Node::Kind::BigInteger:
      case Node::Kind::Float: return to_double(node.text);
      default:
        if (auto special = non_finite(node)) return *special;
        throw mismatch("a number", type, node);
    }
  }

  static float floating32(const Node& node, Type type) {
    switch (node.kind) {
      case Node::Kind::Integer: return static_cast<float>(node.integer);
      case Node::Kind::BigInteger:
      case Node::Kind::Float: return to_float(node.text);
      default:
        if (auto special = non_finite(node)) return static_cast<float>(*special);
        throw mismatch("a number", type, node);
    }
  }

  // Kafka's LOGICAL_CONVERTERS toConnect; nullopt when the schema name is not a logical type.
  std::optional<Value> to_connect_logical(const Schema& schema, const Node& node) {
    const std::string& name = *schema.name();
    if (name == data::logical::kDecimalName) {
      const std::int32_t scale = data::logical::decimal_scale(schema);
      if (node.is_number())
        return Value::bytes(data::logical::decimal_from_string(node.number_text(), scale));
      if (node.kind == Node::Kind::String) {
        auto decoded = data::base64_decode(node.text);
        if (!decoded || decoded->empty()) {
          throw DataError("Invalid bytes for Decimal field: \"" + std::string(node.text) +
                          "\" is not a base64 unscaled value");
        }
        return Value::bytes(data::minimal_twos_complement(*decoded));
      }
      throw DataError(
          std::string("Invalid type for Decimal, underlying representation should be numeric or bytes but "
                      "was ") +
          node.type_name());
    }
    if (name == data::logical::kDateName || name == data::logical::kTimeName) {
      const char* logical = name == data::logical::kDateName ? "Date" : "Time";
      if (node.kind != Node::Kind::Integer || node.integer < INT32_MIN || node.integer > INT32_MAX) {
        throw DataError(std::string("Invalid type for ") + logical +
                        ", underlying representation should be integer but was " + node.type_name());
      }
      return Value::int32(static_cast<std::int32_t>(node.integer));
    }
    if (name == data::logical::kTimestampName) {
      if (!node.is_integral()) {
        throw DataError(
            std::string("Invalid type for Timestamp, underlying representation should be integral but was ") +
            node.type_name());
      }
      return Value::int64(integral_value(node, "Timestamp"));
    }
    return std::nullopt;
  }

  // Schemaless JSON: integers -> INT64, other numbers -> FLOAT64, objects -> maps with string keys.
  Value to_connect_schemaless(const Node* node) {
    if (!node) return Value();
    switch (node->kind) {
      case Node::Kind::Null: return Value();
      case Node::Kind::Boolean: return Value::boolean(node->boolean);
      case Node::Kind::Integer: return Value::int64(node->integer);
      case Node::Kind::BigInteger:
        throw DataError("Integer " + std::string(node->text) +
                        " is out of range for INT64 (schemaless JSON integers are INT64)");
      case Node::Kind::Float: return Value::float64(to_double(node->text));
      case Node::Kind::String: return Value::string(std::string(node->text));
      case Node::Kind::Array: {
        Value::Array out;
        out.reserve(node->size);
        for (const Node& item : *node) out.push_back(to_connect_schemaless(&item));
        return Value::array(std::move(out));
      }
      case Node::Kind::Object: {
        Value::Map out;
        out.reserve(node->size);
        for (const Node& member : *node) {
          out.emplace_back(Value::string(std::string(member.key)), to_connect_schemaless(&member));
        }
        return Value::map(std::move(out));
      }
    }
    return Value();
  }

  struct ParsedSchema {
    std::string json;  // the "schema" member as written
    SchemaPtr schema;
  };

  bool schemas_enable_ = true;
  std::int32_t cache_size_ = 1000;
  bool numeric_decimals_ = false;
  bool replace_null_with_default_ = true;
  // LRU of schema JSON text; holding the SchemaPtr keeps the address from being reused while cached.
  std::list<std::pair<SchemaPtr, std::string>> cache_;
  std::unordered_map<const Schema*, std::list<std::pair<SchemaPtr, std::string>>::iterator> cache_index_;
  std::string uncached_;
  // LRU of Connect schemas by the text of the envelope's "schema" member; the index's keys view the list's.
  std::list<ParsedSchema> parsed_;
  std::unordered_map<std::string_view, std::list<ParsedSchema>::iterator> parsed_index_;
  json::Reader reader_;
  std::size_t last_output_size_ = 128;  // the output buffer starts as large as the last record's
};

// ---- adapters
// ----------------------------------------------------------------------------------------------

JsonConverter::JsonConverter() : codec_(std::make_unique<JsonCodec>()) {}
JsonConverter::JsonConverter(JsonConverter&&) noexcept = default;
JsonConverter& JsonConverter::operator=(JsonConverter&&) noexcept = default;
JsonConverter::~JsonConverter() = default;

void JsonConverter::configure(const config::RawConfig& config, bool is_key) {
  codec_->configure(config, is_key ? "key" : "value");
}

std::optional<std::string> JsonConverter::from_connect(std::string_view /*topic*/,
                                                       const data::Headers* /*headers*/,
                                                       const SchemaPtr& schema, const Value& value) {
  return codec_->from_connect(schema, value);
}

data::SchemaAndValue JsonConverter::to_connect(std::string_view /*topic*/, const data::Headers* /*headers*/,
                                               std::optional<std::string_view> bytes) {
  return codec_->to_connect(bytes);
}

const config::ConfigDef& JsonConverter::config_def() const {
  return json_converter_config_def();
}

JsonHeaderConverter::JsonHeaderConverter() : codec_(std::make_unique<JsonCodec>()) {}
JsonHeaderConverter::JsonHeaderConverter(JsonHeaderConverter&&) noexcept = default;
JsonHeaderConverter& JsonHeaderConverter::operator=(JsonHeaderConverter&&) noexcept = default;
JsonHeaderConverter::~JsonHeaderConverter() = default;

void JsonHeaderConverter::configure(const config::RawConfig& config) {
  codec_->configure(config, "header");
}

std::optional<std::string> JsonHeaderConverter::from_connect(std::string_view /*topic*/,
                                                             std::string_view /*header_key*/,
                                                             const SchemaPtr& schema, const Value& value) {
  return codec_->from_connect(schema, value);
}

data::SchemaAndValue JsonHeaderConverter::to_connect(std::string_view /*topic*/,
                                                     std::string_view /*header_key*/,
                                                     std::optional<std::string_view> bytes) {
  return codec_->to_connect(bytes);
}

const config::ConfigDef& JsonHeaderConverter::config_def() const {
  return json_converter_config_def();
}

}  // namespace sluice::convert
