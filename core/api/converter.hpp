#pragma once
// Converters turn Connect data into bytes and back (Kafka's Converter / HeaderConverter). Built-ins
// implement these directly; .so plugins are adapted to them by plugins/host. An instance is configured
// once and then called from one task thread at a time.

#include "core/config/config_def.hpp"
#include "core/data/headers.hpp"
#include "core/data/schema.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sluice::api {

class Converter {
 public:
  virtual ~Converter() = default;
  // Converter-specific keys only (the "key.converter." / "value.converter." prefix already stripped).
  virtual void configure(const config::RawConfig& config, bool is_key) = 0;
  // Connect data -> bytes; nullopt is a null Kafka key/value. Throws DataError.
  virtual std::optional<std::string> from_connect(std::string_view topic, const data::Headers* headers,
                                                  const data::SchemaPtr& schema, const data::Value& value) = 0;
  // The same for a value the caller gives up (its content is unspecified afterwards, also after a throw):
  // a converter whose bytes are the value itself (StringConverter on a string, ByteArrayConverter on bytes)
  // moves it out instead of copying.
  virtual std::optional<std::string> from_connect_consuming(std::string_view topic, const data::Headers* headers,
                                                            const data::SchemaPtr& schema, data::Value& value) {
    return from_connect(topic, headers, schema, value);
  }
  // Bytes (nullopt: null) -> Connect data. Throws DataError with a message saying what was expected.
  virtual data::SchemaAndValue to_connect(std::string_view topic, const data::Headers* headers,
                                          std::optional<std::string_view> bytes) = 0;
  virtual const config::ConfigDef& config_def() const = 0;
  // True when from_connect turns a value of this kind (Null, String or Bytes) with a schema of this type
  // (nullopt: none) into exactly its own bytes (null: null), whatever the topic and headers, without failing:
  // the runtime then sends such values without building a record (StringConverter on text, ByteArrayConverter
  // on bytes).
  virtual bool passes_through(data::Value::Kind kind, std::optional<data::Type> schema_type) const {
    (void)kind;
    (void)schema_type;
    return false;
  }
};

class HeaderConverter {
 public:
  virtual ~HeaderConverter() = default;
  virtual void configure(const config::RawConfig& config) = 0;
  virtual std::optional<std::string> from_connect(std::string_view topic, std::string_view header_key,
                                                  const data::SchemaPtr& schema, const data::Value& value) = 0;
  virtual data::SchemaAndValue to_connect(std::string_view topic, std::string_view header_key,
                                          std::optional<std::string_view> bytes) = 0;
  virtual const config::ConfigDef& config_def() const = 0;
};

}  // namespace sluice::api
