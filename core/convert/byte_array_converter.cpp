#include "core/convert/byte_array_converter.hpp"

#include "core/common/errors.hpp"
#include "core/convert/converter_config.hpp"

#include <string>

namespace sluice::convert {

namespace {

std::optional<std::string> to_bytes(const data::SchemaPtr& schema, const data::Value& value) {
  if (schema && schema->type() != data::Type::Bytes) {
    throw DataError(std::string("Invalid schema type for ByteArrayConverter: ") +
                    data::type_upper_name(schema->type()));
  }
  if (value.is_null()) return std::nullopt;
  if (value.kind() != data::Value::Kind::Bytes) {
    throw DataError(std::string("ByteArrayConverter is not compatible with objects of type ") +
                    data::kind_name(value.kind()) + "; it expects BYTES");
  }
  return value.as_bytes();
}

data::SchemaAndValue from_bytes(std::optional<std::string_view> bytes) {
  if (!bytes) return {data::Schema::optional_bytes(), data::Value()};
  return {data::Schema::optional_bytes(), data::Value::bytes(std::string(*bytes))};
}

}  // namespace

const config::ConfigDef& byte_array_converter_config_def() {
  static const config::ConfigDef def = new_converter_config_def();
  return def;
}

// Kafka's ByteArrayConverter.configure ignores its config entirely.
void ByteArrayConverter::configure(const config::RawConfig& /*config*/, bool /*is_key*/) {}

std::optional<std::string> ByteArrayConverter::from_connect(std::string_view /*topic*/,
                                                            const data::Headers* /*headers*/,
                                                            const data::SchemaPtr& schema,
                                                            const data::Value& value) {
  return to_bytes(schema, value);
}

std::optional<std::string> ByteArrayConverter::from_connect_consuming(std::string_view topic,
                                                                      const data::Headers* headers,
                                                                      const data::SchemaPtr& schema,
                                                                      data::Value& value) {
  if (value.kind() == data::Value::Kind::Bytes && (!schema || schema->type() == data::Type::Bytes))
    return std::move(value.as_bytes());
  return from_connect(topic, headers, schema, value);
}

data::SchemaAndValue ByteArrayConverter::to_connect(std::string_view /*topic*/,
                                                    const data::Headers* /*headers*/,
                                                    std::optional<std::string_view> bytes) {
  return from_bytes(bytes);
}

bool ByteArrayConverter::passes_through(data::Value::Kind kind, std::optional<data::Type> schema_type) const {
  // Any schema but BYTES fails, even for a null (Kafka checks the schema first).
  return (!schema_type || *schema_type == data::Type::Bytes) &&
         (kind == data::Value::Kind::Null || kind == data::Value::Kind::Bytes);
}

const config::ConfigDef& ByteArrayConverter::config_def() const {
  return byte_array_converter_config_def();
}

void ByteArrayHeaderConverter::configure(const config::RawConfig& /*config*/) {}

std::optional<std::string> ByteArrayHeaderConverter::from_connect(std::string_view /*topic*/,
                                                                  std::string_view /*header_key*/,
                                                                  const data::SchemaPtr& schema,
                                                                  const data::Value& value) {
  return to_bytes(schema, value);
}

data::SchemaAndValue ByteArrayHeaderConverter::to_connect(std::string_view /*topic*/,
                                                          std::string_view /*header_key*/,
                                                          std::optional<std::string_view> bytes) {
  return from_bytes(bytes);
}

const config::ConfigDef& ByteArrayHeaderConverter::config_def() const {
  return byte_array_converter_config_def();
}

}  // namespace sluice::convert
