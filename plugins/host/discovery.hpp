#pragma once
// plugin.path discovery with Kafka Connect's semantics, for .so plugins:
// - plugin.path is a comma-separated list of directories (entries trimmed, empty entries ignored);
// - each `.so` directly inside such a directory is one plugin;
// - each immediate subdirectory is one plugin location: the plugin is the `.so` in it that exports the
//   entry symbol (several exporters: each is a plugin); the other `.so` files there are its private
//   dependencies, which it finds through RUNPATH $ORIGIN. When no file there exports an entry symbol, every
//   `.so` of the subdirectory is a candidate, so the loader's checks say what is wrong with each.
// Results are in a deterministic order: plugin.path order, then sorted by name.

#include "core/api/plugin_catalog.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::host {

struct Discovery {
  std::vector<std::filesystem::path> candidates;  // .so files to load, in order
  // Directories that could not be read (missing, not a directory, no permission). Each reason is one
  // sentence naming the directory, what was expected, what was found and what to do.
  std::vector<api::RejectedPlugin> path_errors;
};

// "a, ,b" -> {"a", "b"}.
std::vector<std::string> split_plugin_path(std::string_view plugin_path);

Discovery discover_plugins(const std::vector<std::string>& directories);

}  // namespace sluice::host
