#pragma once
// Kafka's org.apache.kafka.connect.storage.StringConverter (converter and header converter): writes the
// value's Java toString() as UTF-8 (data::values::java_to_string), reads bytes as an optional string.
// Config: converter.type, converter.encoding (UTF-8; other charsets are refused with a ConfigError).
// Configured once, then called from one task thread at a time.

#include "core/api/converter.hpp"

namespace sluice::convert {

const config::ConfigDef& string_converter_config_def();

class StringConverter final : public api::Converter {
 public:
  void configure(const config::RawConfig& config, bool is_key) override;
  std::optional<std::string> from_connect(std::string_view topic, const data::Headers* headers,
                                          const data::SchemaPtr& schema, const data::Value& value) override;
  std::optional<std::string> from_connect_consuming(std::string_view topic, const data::Headers* headers,
                                                    const data::SchemaPtr& schema, data::Value& value) override;
  data::SchemaAndValue to_connect(std::string_view topic, const data::Headers* headers,
                                  std::optional<std::string_view> bytes) override;
  const config::ConfigDef& config_def() const override;
  bool passes_through(data::Value::Kind kind, std::optional<data::Type> schema_type) const override;
};

class StringHeaderConverter final : public api::HeaderConverter {
 public:
  void configure(const config::RawConfig& config) override;
  std::optional<std::string> from_connect(std::string_view topic, std::string_view header_key,
                                          const data::SchemaPtr& schema, const data::Value& value) override;
  data::SchemaAndValue to_connect(std::string_view topic, std::string_view header_key,
                                  std::optional<std::string_view> bytes) override;
  const config::ConfigDef& config_def() const override;
};

}  // namespace sluice::convert
