#pragma once
// Sub-commands of the `sluice` executable. Each add_*_command registers one CLI11 sub-command whose
// callback sets `exit_code`. app/ is the only place that wires modules together.

namespace CLI {
class App;
}

namespace sluice::app {

void add_version_command(CLI::App& app, int& exit_code);
void add_plugins_command(CLI::App& app, int& exit_code);
void add_dev_kafka_command(CLI::App& app, int& exit_code);
void add_standalone_command(CLI::App& app, int& exit_code);
void add_distributed_command(CLI::App& app, int& exit_code);

// The version string printed by `sluice version` and GET /.
const char* version_string();

}  // namespace sluice::app
