#pragma once
// Kafka's org.apache.kafka.connect.converters.ByteArrayConverter (converter and header converter): bytes
// pass through unchanged; reading yields an optional bytes schema. Config: converter.type only.
// Stateless; safe to call from any thread.

#include "core/api/converter.hpp"

namespace sluice::convert {

const config::ConfigDef& byte_array_converter_config_def();

class ByteArrayConverter final : public api::Converter {
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

class ByteArrayHeaderConverter final : public api::HeaderConverter {
 public:
  void configure(const config::RawConfig& config) override;
  std::optional<std::string> from_connect(std::string_view topic, std::string_view header_key,
                                          const data::SchemaPtr& schema, const data::Value& value) override;
  data::SchemaAndValue to_connect(std::string_view topic, std::string_view header_key,
                                  std::optional<std::string_view> bytes) override;
  const config::ConfigDef& config_def() const override;
};

}  // namespace sluice::convert
