#pragma once
// Loads one plugin .so and runs the load-time checks of ARCHITECTURE.md section 3, in order:
//   1. not a shared library (ELF magic and type, before dlopen);
//   2. dlopen(RTLD_NOW | RTLD_LOCAL) failed;
//   3. missing entry symbol sluice_plugin_v1 (or only a newer ABI's entry);
//   4. entry returned NULL; 5. bad magic; 6. descriptor struct_size too small;
//   7. ABI major differs; 8. ABI minor newer than the host's; 9. platform differs;
//   10. component validity (kind, class name, aliases, vtable and required callbacks, config table).
// The registry adds the last two checks (duplicate names across plugins, then init), which need to know
// what is already loaded. Every failure is one sentence built by rejection_message().

#include "core/api/plugin_catalog.hpp"
#include "plugins/host/shared_library.hpp"

#include <sluice/plugin_abi.h>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The smallest struct_size whose layout includes `field`.
#define SLUICE_HOST_SIZE_THROUGH(type, field) (offsetof(type, field) + sizeof(((type*)nullptr)->field))

namespace sluice::host {

// "Plugin <file> was rejected: expected <expected> but found <found>; <action>."
std::string rejection_message(const std::filesystem::path& file, std::string_view expected,
                              std::string_view found, std::string_view action);

// "source connector", "header converter", ... for messages.
const char* kind_label(api::PluginKind kind);
std::optional<api::PluginKind> to_plugin_kind(sluice_component_kind kind);

// A library that passed checks 1-10. `library` is shared with every component instance created from it,
// so the code stays mapped while any of them lives.
struct LoadedPlugin {
  std::filesystem::path path;
  std::shared_ptr<const SharedLibrary> library;
  const sluice_plugin_descriptor* descriptor = nullptr;
  // Resolved with the plugin's own sluice_component stride (struct_size), in descriptor order.
  std::vector<const sluice_component*> components;
};

struct LoadAttempt {
  std::optional<LoadedPlugin> plugin;  // set when checks 1-10 passed
  std::string rejection;               // the reason otherwise
  // Class names and aliases the descriptor declares, as far as it could be read safely (for
  // PluginCatalog::rejection_for).
  std::vector<std::string> declared_names;
};

LoadAttempt load_plugin_library(const std::filesystem::path& file);

}  // namespace sluice::host
