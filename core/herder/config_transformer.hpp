#pragma once
// ConfigTransformer: resolves ${provider:[path:]key} placeholders in connector configs with the worker's
// config providers (Kafka's WorkerConfigTransformer): `config.providers=file`,
// `config.providers.file.class=<class or alias>`, `config.providers.file.param.<k>=<v>`. A placeholder whose
// provider is not configured or whose key the provider does not return is left as it is, as Kafka does.
//
// Owned by the herder; providers are created once at construction. transform() may be called from several
// threads: calls into the providers are serialised.

#include "core/herder/herder.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace sluice::api {
class PluginCatalog;
class ConfigProvider;
}  // namespace sluice::api

namespace sluice::herder {

class ConfigTransformer {
 public:
  // `worker_properties`: the worker's raw properties. Throws ConfigError naming the provider when a configured
  // provider's class is unknown or fails to configure.
  ConfigTransformer(api::PluginCatalog& plugins, const StringMap& worker_properties);
  ~ConfigTransformer();
  ConfigTransformer(const ConfigTransformer&) = delete;
  ConfigTransformer& operator=(const ConfigTransformer&) = delete;

  StringMap transform(const StringMap& config) const;

 private:
  mutable std::mutex mu_;  // providers are called from one thread at a time
  std::map<std::string, std::unique_ptr<api::ConfigProvider>> providers_;
};

}  // namespace sluice::herder
