#pragma once
// ConnectorValidator: Kafka's AbstractHerder.validateConnectorConfig, producing the ConfigInfos of
// PUT /connector-plugins/{p}/config/validate and the errors that make create/PUT/PATCH fail with 400.
//
// Result shape (Kafka's order): the common connector keys (source or sink variant), then Kafka's enriched keys of
// every alias in `transforms` and `predicates` (group "Transforms: <alias>" / "Predicates: <alias>":
// <prefix>type with its class errors and the transformation/predicate classes as recommended values, then
// for a resolvable class the implicit predicate/negate keys and the plugin's keys embedded under the alias
// prefix in Kafka's sorted order, their validators naming the plugin's own key), then the plugin's own keys
// (a plugin key with a common key's name replaces that definition in place), each with its validated value;
// then one entry per client override key (producer./consumer./admin.override.*) judged by the override
// policy; then the prefixed keys of converters named in the config (header, key, value). Groups: common,
// plugin, converters, in first-seen order. PASSWORD values render as "[hidden]".
//
// Stateless apart from its references; safe to call from several threads at once (each call creates its own
// connector instance for the plugin's validate()).

#include "core/herder/herder.hpp"
#include "core/worker/client_overrides.hpp"

#include <string>
#include <vector>

namespace sluice::api {
class PluginCatalog;
}
namespace sluice::config {
struct ConfigKey;
class ConfigDef;
}  // namespace sluice::config

namespace sluice::herder {

class ConnectorValidator {
 public:
  // `override_policy`: connector.client.config.override.policy (All, None, Principal or their class names);
  // throws ConfigError for anything else.
  ConnectorValidator(api::PluginCatalog& plugins, const std::string& override_policy);

  // Throws BadRequestError "Connector config {k=v, ...} contains no connector type" without connector.class,
  // ConnectError (HTTP 500) with the catalog's message when the class is unknown or was rejected.
  ConfigInfos validate(const StringMap& config) const;

  // GET /connector-plugins/{p}/config: the plugin's keys, then the common connector keys it does not define.
  // NotFoundError "Unknown plugin <p>." when unknown.
  std::vector<ConfigKeyInfo> plugin_config(const std::string& plugin) const;

  // Kafka's ConfigKeyInfo for one key (name prefixed with `prefix`).
  static ConfigKeyInfo key_info(const config::ConfigKey& key, const std::string& prefix = "");
  // The 400 message of a create/PUT/PATCH whose validation found errors, or an empty string.
  static std::string error_message(const ConfigInfos& infos);

 private:
  api::PluginCatalog& plugins_;
  worker::OverridePolicy override_policy_;
};

// Java's AbstractMap.toString of a config: {k1=v1, k2=v2}.
std::string java_map_string(const StringMap& config);

}  // namespace sluice::herder
