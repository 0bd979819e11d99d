#include "core/worker/converters.hpp"

#include "core/common/errors.hpp"

#include <algorithm>

namespace sluice::worker {
namespace {

config::RawConfig prefixed(const StringMap& config, const std::string& prefix) {
  config::RawConfig out;
  for (const auto& [key, value] : config) {
    if (key.size() > prefix.size() && key.starts_with(prefix)) out.emplace(key.substr(prefix.size()), value);
  }
  return out;
}

struct Choice {
  std::string class_name;
  config::RawConfig settings;
  const char* source;
};

// Kafka's Plugins.newConverter: the connector's class wins, with the connector's prefixed keys only.
Choice choose(const std::string& key, const WorkerConfig& worker, const StringMap& connector_config) {
  if (const auto it = connector_config.find(key); it != connector_config.end()) {
    return {it->second, prefixed(connector_config, key + "."), "connector"};
  }
  const auto& parsed = worker.config().get(key);
  const auto* name = std::get_if<std::string>(&parsed);
  if (name == nullptr) throw ConfigError("Missing required configuration \"" + key + "\" which has no default value.");
  return {*name, prefixed(worker.originals(), key + "."), "worker"};
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// The class name behind a class name or alias of `kind`.
std::string canonical_class(const api::PluginCatalog& catalog, const std::string& name, api::PluginKind kind) {
  for (const api::PluginInfo& info : catalog.plugins()) {
    if (info.kind != kind) continue;
    if (info.class_name == name || std::find(info.aliases.begin(), info.aliases.end(), name) != info.aliases.end())
      return info.class_name;
  }
  return name;
}

}  // namespace

Converters make_converters(api::PluginCatalog& catalog, const WorkerConfig& worker, const StringMap& connector_config) {
  Converters out;
  const Choice key = choose(worker_keys::kKeyConverter, worker, connector_config);
  const Choice value = choose(worker_keys::kValueConverter, worker, connector_config);
  const Choice header = choose(worker_keys::kHeaderConverter, worker, connector_config);
  out.key = catalog.create_converter(trim(key.class_name));
  out.key->configure(key.settings, /*is_key=*/true);
  out.value = catalog.create_converter(trim(value.class_name));
  out.value->configure(value.settings, /*is_key=*/false);
  out.header = catalog.create_header_converter(trim(header.class_name));
  out.header->configure(header.settings);
  out.key_class = canonical_class(catalog, trim(key.class_name), api::PluginKind::Converter);
  out.value_class = canonical_class(catalog, trim(value.class_name), api::PluginKind::Converter);
  out.header_class = canonical_class(catalog, trim(header.class_name), api::PluginKind::HeaderConverter);
  out.description = "key converter " + trim(key.class_name) + " (" + key.source + " config), value converter " +
                    trim(value.class_name) + " (" + value.source + " config), header converter " +
                    trim(header.class_name) + " (" + header.source + " config)";
  return out;
}

}  // namespace sluice::worker
