#include "app/commands.hpp"

#include <CLI/CLI.hpp>

namespace sluice::app {

// Implemented with plugins/host (loader and registry).
void add_plugins_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("plugins", "List loaded and rejected plugins");
  cmd->callback([&exit_code] { exit_code = 1; });
}

}  // namespace sluice::app
