#pragma once
// A component's config::ConfigDef, built from its ABI config table (sluice_config_key), with the
// declarative validators (range, valid values, non-empty string) and the plugin's custom validate
// callback run by the host.

#include "core/config/config_def.hpp"
#include "plugins/host/shared_library.hpp"

#include <sluice/plugin_abi.h>

#include <memory>

namespace sluice::host {

// `library` is kept alive by validators that call back into the plugin. Throws ConfigError when a default
// does not parse as its type or fails its validators.
std::shared_ptr<const config::ConfigDef> config_def_from_abi(const sluice_component& component,
                                                             std::shared_ptr<const SharedLibrary> library);

}  // namespace sluice::host
