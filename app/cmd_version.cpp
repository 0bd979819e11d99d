#include "app/commands.hpp"

#include <CLI/CLI.hpp>
#include <sluice/plugin_abi.h>

#include <cstdio>

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "0.0.0"
#endif
#ifndef SLUICE_GIT_COMMIT
#define SLUICE_GIT_COMMIT "unknown"
#endif

namespace sluice::app {

const char* version_string() { return SLUICE_VERSION; }

void add_version_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("version", "Print the sluice version, commit and plugin ABI version");
  cmd->callback([&exit_code] {
    std::printf("sluice %s (commit %s, plugin ABI %d.%d, platform %s)\n", SLUICE_VERSION, SLUICE_GIT_COMMIT,
                SLUICE_ABI_VERSION_MAJOR, SLUICE_ABI_VERSION_MINOR, SLUICE_ABI_PLATFORM);
    exit_code = 0;
  });
}

}  // namespace sluice::app
