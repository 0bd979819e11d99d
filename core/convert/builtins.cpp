#include "core/convert/builtins.hpp"

#include "core/convert/byte_array_converter.hpp"
#include "core/convert/json_converter.hpp"
#include "core/convert/simple_header_converter.hpp"
#include "core/convert/string_converter.hpp"

#include <memory>
#include <string>
#include <utility>

namespace sluice::convert {

namespace {

api::PluginInfo info(std::string class_name, std::vector<std::string> aliases, api::PluginKind kind,
                     std::string documentation, const config::ConfigDef& def) {
  api::PluginInfo out;
  out.class_name = std::move(class_name);
  out.aliases = std::move(aliases);
  out.kind = kind;
  out.location = "builtin";
  out.documentation = std::move(documentation);
  out.config_def = &def;
  return out;
}

template <typename T>
api::BuiltinPlugin converter(std::string class_name, std::vector<std::string> aliases, std::string doc,
                             const config::ConfigDef& def) {
  api::BuiltinPlugin plugin;
  plugin.info =
      info(std::move(class_name), std::move(aliases), api::PluginKind::Converter, std::move(doc), def);
  plugin.make_converter = [] { return std::unique_ptr<api::Converter>(std::make_unique<T>()); };
  return plugin;
}

template <typename T>
api::BuiltinPlugin header_converter(std::string class_name, std::vector<std::string> aliases, std::string doc,
                                    const config::ConfigDef& def) {
  api::BuiltinPlugin plugin;
  plugin.info =
      info(std::move(class_name), std::move(aliases), api::PluginKind::HeaderConverter, std::move(doc), def);
  plugin.make_header_converter = [] { return std::unique_ptr<api::HeaderConverter>(std::make_unique<T>()); };
  return plugin;
}

}  // namespace

std::vector<api::BuiltinPlugin> builtin_converters() {
  const std::string string_class = "org.apache.kafka.connect.storage.StringConverter";
  const std::string string_doc = "Writes values as UTF-8 text and reads bytes as optional strings.";
  const std::string bytes_class = "org.apache.kafka.connect.converters.ByteArrayConverter";
  const std::string bytes_doc = "Passes raw bytes through unchanged.";
  const std::string json_class = "org.apache.kafka.connect.json.JsonConverter";
  const std::string json_doc = "Converts Connect data to and from JSON, optionally with an embedded schema.";

  std::vector<api::BuiltinPlugin> out;
  out.push_back(converter<StringConverter>(string_class, {"StringConverter", "String"}, string_doc,
                                           string_converter_config_def()));
  out.push_back(header_converter<StringHeaderConverter>(string_class, {"StringConverter", "String"},
                                                        string_doc, string_converter_config_def()));
  out.push_back(converter<ByteArrayConverter>(bytes_class, {"ByteArrayConverter", "ByteArray"}, bytes_doc,
                                              byte_array_converter_config_def()));
  out.push_back(header_converter<ByteArrayHeaderConverter>(bytes_class, {"ByteArrayConverter", "ByteArray"},
                                                           bytes_doc, byte_array_converter_config_def()));
  out.push_back(
      converter<JsonConverter>(json_class, {"JsonConverter", "Json"}, json_doc, json_converter_config_def()));
  out.push_back(header_converter<JsonHeaderConverter>(json_class, {"JsonConverter", "Json"}, json_doc,
                                                      json_converter_config_def()));
  out.push_back(header_converter<SimpleHeaderConverter>(
      "org.apache.kafka.connect.storage.SimpleHeaderConverter", {"SimpleHeaderConverter"},
      "Writes header values as text and parses them back into the most specific schema.",
      simple_header_converter_config_def()));
  return out;
}

}  // namespace sluice::convert
