#pragma once
// The converters of one task, chosen as Kafka's Worker chooses them: the connector's own key.converter /
// value.converter / header.converter when its config sets one (then, and only then, its key.converter.*
// etc. keys configure it), otherwise the worker's (configured with the worker's prefixed keys). The
// worker's header.converter defaults to SimpleHeaderConverter. Classes are looked up by class name or alias
// through the plugin catalog.

#include <memory>
#include <string>

#include "core/api/converter.hpp"
#include "core/api/plugin_catalog.hpp"
#include "core/worker/worker_config.hpp"

namespace sluice::worker {

struct Converters {
  std::unique_ptr<api::Converter> key;
  std::unique_ptr<api::Converter> value;
  std::unique_ptr<api::HeaderConverter> header;
  // The classes (aliases resolved), for error reports and DLQ headers.
  std::string key_class;
  std::string value_class;
  std::string header_class;
  // For log lines: the class names and where each came from ("connector" or "worker").
  std::string description;
};

// Throws NotFoundError (unknown class) or ConnectError/ConfigError (the converter refused its config).
Converters make_converters(api::PluginCatalog& catalog, const WorkerConfig& worker, const StringMap& connector_config);

}  // namespace sluice::worker
