#pragma once
// Kafka's org.apache.kafka.connect.json.JsonConverter: Connect data <-> JSON bytes, byte-identical with
// Kafka (Jackson compact output), with or without the {"schema":...,"payload":...} envelope.
//
// Config keys as Kafka's JsonConverterConfig: converter.type, schemas.enable (true), schemas.cache.size
// (1000), decimal.format (BASE64 | NUMERIC, case-insensitive), replace.null.with.default (true).
// schemas.cache.size bounds both caches: Connect schemas per schema text read (records with the same
// envelope share one SchemaPtr) and schema JSON per schema object written.
//
// One instance per key/value/header slot; configured once, then called from one task thread at a time.

#include "core/api/converter.hpp"

#include <memory>

namespace sluice::convert {

class JsonCodec;  // shared implementation, json_converter.cpp

const config::ConfigDef& json_converter_config_def();

class JsonConverter final : public api::Converter {
 public:
  JsonConverter();
  JsonConverter(JsonConverter&&) noexcept;
  JsonConverter& operator=(JsonConverter&&) noexcept;
  ~JsonConverter() override;
  void configure(const config::RawConfig& config, bool is_key) override;
  std::optional<std::string> from_connect(std::string_view topic, const data::Headers* headers,
                                          const data::SchemaPtr& schema, const data::Value& value) override;
  data::SchemaAndValue to_connect(std::string_view topic, const data::Headers* headers,
                                  std::optional<std::string_view> bytes) override;
  const config::ConfigDef& config_def() const override;

 private:
  std::unique_ptr<JsonCodec> codec_;
};

class JsonHeaderConverter final : public api::HeaderConverter {
 public:
  JsonHeaderConverter();
  JsonHeaderConverter(JsonHeaderConverter&&) noexcept;
  JsonHeaderConverter& operator=(JsonHeaderConverter&&) noexcept;
  ~JsonHeaderConverter() override;
  void configure(const config::RawConfig& config) override;
  std::optional<std::string> from_connect(std::string_view topic, std::string_view header_key,
                                          const data::SchemaPtr& schema, const data::Value& value) override;
  data::SchemaAndValue to_connect(std::string_view topic, std::string_view header_key,
                                  std::optional<std::string_view> bytes) override;
  const config::ConfigDef& config_def() const override;

 private:
  std::unique_ptr<JsonCodec> codec_;
};

}  // namespace sluice::convert
