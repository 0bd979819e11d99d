#pragma once
// Kafka's org.apache.kafka.connect.storage.SimpleHeaderConverter: header values are written as text with
// Values.convertToString and read back with Values.parseString, which infers the most specific schema
// (see values.hpp for the cases covered). No config keys. Stateless.

#include "core/api/converter.hpp"

namespace sluice::convert {

const config::ConfigDef& simple_header_converter_config_def();

class SimpleHeaderConverter final : public api::HeaderConverter {
 public:
  void configure(const config::RawConfig& config) override;
  std::optional<std::string> from_connect(std::string_view topic, std::string_view header_key,
                                          const data::SchemaPtr& schema, const data::Value& value) override;
  // Text that cannot be parsed falls back to the raw bytes with a BYTES schema, as in Kafka.
  data::SchemaAndValue to_connect(std::string_view topic, std::string_view header_key,
                                  std::optional<std::string_view> bytes) override;
  const config::ConfigDef& config_def() const override;
};

}  // namespace sluice::convert
