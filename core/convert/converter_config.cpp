#include "core/convert/converter_config.hpp"

#include <string>

namespace sluice::convert {

config::ConfigDef new_converter_config_def() {
  config::ConfigDef def;
  config::ConfigKey key;
  key.name = std::string(kConverterTypeConfig);
  key.type = config::Type::String;
  key.has_default = false;
  key.validator = config::validators::in({"key", "value", "header"});
  key.importance = config::Importance::Low;
  key.documentation = "How this converter will be used.";
  def.define(std::move(key));
  return def;
}

config::Config parse_converter_config(const config::ConfigDef& def, const config::RawConfig& raw,
                                      std::string_view type) {
  config::RawConfig with_type = raw;
  with_type[std::string(kConverterTypeConfig)] = std::string(type);
  return config::Config(def, std::move(with_type));
}

}  // namespace sluice::convert
