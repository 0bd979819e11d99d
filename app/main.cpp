#include "app/commands.hpp"
#include "core/common/logging.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  sluice::log::init();
  CLI::App app{"sluice: a Kafka Connect-compatible connector runtime"};
  app.require_subcommand(1);
  int exit_code = 0;
  sluice::app::add_version_command(app, exit_code);
  sluice::app::add_plugins_command(app, exit_code);
  sluice::app::add_dev_kafka_command(app, exit_code);
  sluice::app::add_standalone_command(app, exit_code);
  sluice::app::add_distributed_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
