#pragma once
// Kafka's ConverterConfig: every converter's ConfigDef starts with converter.type (key | value | header),
// which the runtime sets; Converter::configure(config, is_key) fills it in as Kafka's configure(map, isKey)
// does.

#include "core/config/config_def.hpp"

#include <string_view>

namespace sluice::convert {

inline constexpr std::string_view kConverterTypeConfig = "converter.type";

// A fresh ConfigDef holding only converter.type (Kafka's ConverterConfig.newConfigDef()).
config::ConfigDef new_converter_config_def();

// Copies `raw` with converter.type set to `type` ("key", "value" or "header") and parses it with `def`.
// Throws ConfigError with Kafka's messages.
config::Config parse_converter_config(const config::ConfigDef& def, const config::RawConfig& raw,
                                      std::string_view type);

}  // namespace sluice::convert
