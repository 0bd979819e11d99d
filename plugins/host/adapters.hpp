#pragma once
// Adapters from ABI components (vtables in a loaded .so) to the core/api interfaces the runtime drives.
// Each adapter owns one plugin instance (create .. destroy), its sluice_context, and a reference to the
// library so the code stays mapped while the adapter lives. Failed calls become ConnectError /
// RetriableError / DataError / ConfigError carrying the plugin's message (see CallError).

#include "core/api/plugin_catalog.hpp"
#include "plugins/host/shared_library.hpp"

#include <sluice/plugin_abi.h>

#include <memory>
#include <string>

namespace sluice::host {

// What an adapter needs to know about the component it instantiates.
struct ComponentHandle {
  std::shared_ptr<const SharedLibrary> library;
  const sluice_component* component = nullptr;
  std::string class_name;
  std::string version;
  // Shared with the registry: an adapter may outlive the catalog entry it was created from.
  std::shared_ptr<const config::ConfigDef> config_def;
};

std::unique_ptr<api::Connector> make_connector(const ComponentHandle& handle, api::ConnectorContext& ctx);
std::unique_ptr<api::SourceTask> make_source_task(const ComponentHandle& handle, api::SourceTaskContext& ctx);
std::unique_ptr<api::SinkTask> make_sink_task(const ComponentHandle& handle, api::SinkTaskContext& ctx);
std::unique_ptr<api::Converter> make_converter(const ComponentHandle& handle);
std::unique_ptr<api::HeaderConverter> make_header_converter(const ComponentHandle& handle);
std::unique_ptr<api::Transformation> make_transformation(const ComponentHandle& handle);
std::unique_ptr<api::Predicate> make_predicate(const ComponentHandle& handle);
std::unique_ptr<api::ConfigProvider> make_config_provider(const ComponentHandle& handle);

}  // namespace sluice::host
