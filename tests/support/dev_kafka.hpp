#pragma once
// DevKafka: `sluice dev-kafka` as a separate process for integration tests. The constructor starts it and
// waits for its first stdout line, the bootstrap address; the destructor stops it by PID.
//
//   sluice::test::DevKafka kafka({.topics = {"orders:3"}});
//   run_command({"kcat", "-L", "-b", kafka.bootstrap()});

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace sluice::test {

// build/bin/sluice of the build tree the test was configured in.
std::filesystem::path sluice_executable();

class DevKafka {
 public:
  struct Options {
    int brokers = 1;
    std::vector<std::string> topics;      // NAME:PARTITIONS
    std::vector<std::string> extra_args;  // appended to the command line
    std::chrono::milliseconds start_timeout = std::chrono::seconds(30);
  };

  DevKafka() : DevKafka(Options{}) {}
  // Throws std::runtime_error with the process's stderr when it does not print its bootstrap address.
  explicit DevKafka(Options options);

  const std::string& bootstrap() const { return bootstrap_; }
  Process& process() { return *process_; }
  ExitStatus stop(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return process_->stop(SIGTERM, timeout);
  }

 private:
  std::unique_ptr<Process> process_;
  std::string bootstrap_;
};

}  // namespace sluice::test
