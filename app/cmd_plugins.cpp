#include "app/commands.hpp"

#include "core/api/plugin_catalog.hpp"
#include "core/common/logging.hpp"
#include "core/convert/builtins.hpp"
#include "plugins/host/registry.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace sluice::app {
namespace {

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// Left-aligned columns separated by two spaces; the last column is not padded.
void print_table(const std::vector<std::array<std::string, 5>>& rows) {
  std::array<std::size_t, 5> width{};
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    std::printf("%s\n", line.c_str());
  }
}

// Lists built-in and .so plugins the way a worker with this plugin.path would see them.
int run_plugins(const std::vector<std::string>& plugin_path) {
  // The table below reports every rejection; the loader's own warnings would only repeat it on stderr.
  log::init(log::Level::Error);
  host::PluginRegistry registry;
  for (auto& builtin : convert::builtin_converters()) registry.register_builtin(std::move(builtin));
  // Each --plugin-path value may itself be a comma-separated list, as plugin.path is.
  const auto report = registry.load_plugin_path(join(plugin_path, ","));

  const auto plugins = registry.plugins();
  std::vector<std::array<std::string, 5>> rows{{"CLASS", "ALIASES", "TYPE", "VERSION", "LOCATION"}};
  for (const auto& p : plugins) {
    rows.push_back(
        {p.class_name, join(p.aliases, ", "), api::plugin_kind_name(p.kind), p.version, p.location});
  }
  print_table(rows);

  const auto rejected = registry.rejected();
  if (!rejected.empty()) {
    std::printf("\nRejected:\n");
    for (const auto& r : rejected) std::printf("%s\n", r.reason.c_str());
  }
  if (!report.path_errors.empty()) return 1;
  // Plugins were found but every one of them was rejected: nothing usable came from plugin.path.
  if (report.loaded == 0 && report.rejected > 0) return 1;
  return 0;
}

}  // namespace

void add_plugins_command(CLI::App& app, int& exit_code) {
  auto* cmd =
      app.add_subcommand("plugins",
                         "List built-in and plugin.path plugins (class, aliases, type, version, location) "
                         "and the plugins that were rejected, with the reason");
  // shared: CLI11 keeps the option target for the callback, which runs after this function returned.
  auto plugin_path = std::make_shared<std::vector<std::string>>();
  cmd->add_option(
         "--plugin-path", *plugin_path,
         "Directories to search, as the worker's plugin.path: comma-separated; each .so directly inside "
         "and each subdirectory is one plugin")
      ->delimiter(',');
  cmd->callback([&exit_code, plugin_path] { exit_code = run_plugins(*plugin_path); });
}

}  // namespace sluice::app
