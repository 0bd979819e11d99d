#include "tests/support/dev_kafka.hpp"

#include <stdexcept>

#ifndef SLUICE_BUILD_DIR
#error "SLUICE_BUILD_DIR must be defined (tests/support/CMakeLists.txt sets it)"
#endif

namespace sluice::test {

std::filesystem::path sluice_executable() {
  return std::filesystem::path(SLUICE_BUILD_DIR) / "bin" / "sluice";
}

DevKafka::DevKafka(Options options) {
  std::vector<std::string> argv = {sluice_executable().string(), "dev-kafka", "--brokers",
                                   std::to_string(options.brokers)};
  for (const auto& topic : options.topics) {
    argv.push_back("--topic");
    argv.push_back(topic);
  }
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  process_ = std::make_unique<Process>(argv, ProcessOptions{.name = "sluice dev-kafka"});
  bootstrap_ = process_->read_first_line(options.start_timeout);
  if (bootstrap_.empty()) throw std::runtime_error("sluice dev-kafka printed an empty bootstrap address");
}

}  // namespace sluice::test
