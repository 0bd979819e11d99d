#include "core/convert/simple_header_converter.hpp"

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/data/values.hpp"

#include <spdlog/spdlog.h>

#include <string>

namespace sluice::convert {

const config::ConfigDef& simple_header_converter_config_def() {
  static const config::ConfigDef def;
  return def;
}

void SimpleHeaderConverter::configure(const config::RawConfig& /*config*/) {}

std::optional<std::string> SimpleHeaderConverter::from_connect(std::string_view /*topic*/,
                                                               std::string_view /*header_key*/,
                                                               const data::SchemaPtr& schema,
                                                               const data::Value& value) {
  if (value.is_null()) return std::nullopt;
  return data::values::convert_to_string(schema, value);
}

data::SchemaAndValue SimpleHeaderConverter::to_connect(std::string_view topic, std::string_view header_key,
                                                       std::optional<std::string_view> bytes) {
  if (!bytes) return {};
  try {
    return data::values::parse_string(*bytes);
  } catch (const std::exception& e) {
    log::get("sluice.convert")
        ->warn("Failed to deserialize value for header '{}' on topic '{}', so using byte array: {}",
               header_key, topic, e.what());
    return {data::Schema::bytes(), data::Value::bytes(std::string(*bytes))};
  }
}

const config::ConfigDef& SimpleHeaderConverter::config_def() const {
  return simple_header_converter_config_def();
}

}  // namespace sluice::convert
