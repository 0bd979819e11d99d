#include "core/convert/string_converter.hpp"

#include "core/common/errors.hpp"
#include "core/convert/converter_config.hpp"
#include "core/data/values.hpp"

#include <cctype>
#include <string>

namespace sluice::convert {

namespace {

constexpr const char* kEncodingConfig = "converter.encoding";

config::ConfigDef make_def() {
  config::ConfigDef def = new_converter_config_def();
  config::ConfigKey key;
  key.name = kEncodingConfig;
  key.type = config::Type::String;
  key.has_default = true;
  key.default_value = "UTF-8";
  key.importance = config::Importance::High;
  key.documentation = "The name of the Java character set to use for encoding strings as byte arrays.";
  key.width = config::Width::Medium;
  key.display_name = "Encoding";
  def.define(std::move(key));
  return def;
}

// Only UTF-8 is implemented; Java's charset lookup is case-insensitive and knows "UTF8" as an alias.
void configure_encoding(const config::RawConfig& raw, std::string_view type) {
  config::Config cfg = parse_converter_config(string_converter_config_def(), raw, type);
  const std::string& encoding = cfg.get_string(kEncodingConfig);
  std::string upper;
  for (char c : encoding) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper != "UTF-8" && upper != "UTF8") {
    throw ConfigError("Invalid value " + encoding + " for configuration " + kEncodingConfig +
                      ": only UTF-8 is supported by sluice's StringConverter");
  }
}

std::optional<std::string> to_bytes(const data::SchemaPtr& schema, const data::Value& value) {
  if (value.is_null()) return std::nullopt;
  return data::values::java_to_string(schema, value);
}

data::SchemaAndValue from_bytes(std::optional<std::string_view> bytes) {
  if (!bytes) return {data::Schema::optional_string(), data::Value()};
  return {data::Schema::optional_string(), data::Value::string(std::string(*bytes))};
}

}  // namespace

const config::ConfigDef& string_converter_config_def() {
  static const config::ConfigDef def = make_def();
  return def;
}

void StringConverter::configure(const config::RawConfig& config, bool is_key) {
  configure_encoding(config, is_key ? "key" : "value");
}

std::optional<std::string> StringConverter::from_connect(std::string_view /*topic*/,
                                                         const data::Headers* /*headers*/,
                                                         const data::SchemaPtr& schema,
                                                         const data::Value& value) {
  return to_bytes(schema, value);
}

std::optional<std::string> StringConverter::from_connect_consuming(std::string_view topic,
                                                                   const data::Headers* headers,
                                                                   const data::SchemaPtr& schema, data::Value& value) {
  // A string's text is its bytes (UTF-8 is the only encoding): hand it over.
  if (value.kind() == data::Value::Kind::String && (!schema || schema->type() == data::Type::String))
    return std::move(value.as_string());
  return from_connect(topic, headers, schema, value);
}

data::SchemaAndValue StringConverter::to_connect(std::string_view /*topic*/, const data::Headers* /*headers*/,
                                                 std::optional<std::string_view> bytes) {
  return from_bytes(bytes);
}

bool StringConverter::passes_through(data::Value::Kind kind, std::optional<data::Type> schema_type) const {
  // Text is its own UTF-8 bytes (the only encoding); null is null whatever the schema.
  return kind == data::Value::Kind::Null ||
         (kind == data::Value::Kind::String && (!schema_type || *schema_type == data::Type::String));
}

const config::ConfigDef& StringConverter::config_def() const {
  return string_converter_config_def();
}

void StringHeaderConverter::configure(const config::RawConfig& config) {
  configure_encoding(config, "header");
}

std::optional<std::string> StringHeaderConverter::from_connect(std::string_view /*topic*/,
                                                               std::string_view /*header_key*/,
                                                               const data::SchemaPtr& schema,
                                                               const data::Value& value) {
  return to_bytes(schema, value);
}

data::SchemaAndValue StringHeaderConverter::to_connect(std::string_view /*topic*/,
                                                       std::string_view /*header_key*/,
                                                       std::optional<std::string_view> bytes) {
  return from_bytes(bytes);
}

const config::ConfigDef& StringHeaderConverter::config_def() const {
  return string_converter_config_def();
}

}  // namespace sluice::convert
