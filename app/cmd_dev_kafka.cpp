#include "app/commands.hpp"

#include <CLI/CLI.hpp>

namespace sluice::app {

// Implemented with core/kafka's dev broker.
void add_dev_kafka_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("dev-kafka", "Run an in-memory Kafka cluster for development and tests");
  cmd->callback([&exit_code] { exit_code = 1; });
}

}  // namespace sluice::app
