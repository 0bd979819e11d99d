#include <pthread.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "app/commands.hpp"
#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/kafka/client.hpp"
#include "core/kafka/dev_broker.hpp"

namespace sluice::app {
namespace {

// Exit codes: 2 for a bad command line (the usual usage-error code), 1 when the broker cannot run.
constexpr int kUsageError = 2;
constexpr int kRuntimeError = 1;

struct DevKafkaOptions {
  int brokers = 1;
  std::vector<std::string> topics;  // NAME:PARTITIONS
  std::string bootstrap_file;
};

struct TopicSpec {
  std::string name;
  int partitions = 0;
};

// Parses every --topic; returns the first problem as a user-facing message.
std::optional<std::string> parse_topics(const std::vector<std::string>& specs, std::vector<TopicSpec>& out) {
  const std::pair<const char*, int> internal[] = {
      {kafka::DevBroker::kConfigTopic, kafka::DevBroker::kConfigTopicPartitions},
      {kafka::DevBroker::kOffsetTopic, kafka::DevBroker::kOffsetTopicPartitions},
      {kafka::DevBroker::kStatusTopic, kafka::DevBroker::kStatusTopicPartitions}};
  std::set<std::string> seen;
  for (const auto& spec : specs) {
    const std::string prefix = "Invalid --topic '" + spec + "': ";
    const auto colon = spec.rfind(':');
    if (colon == std::string::npos) return prefix + "expected NAME:PARTITIONS, for example orders:3";
    TopicSpec topic{spec.substr(0, colon), 0};
    const std::string count = spec.substr(colon + 1);
    const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), topic.partitions);
    if (count.empty() || ec != std::errc() || end != count.data() + count.size() || topic.partitions < 1) {
      return prefix + "PARTITIONS must be a whole number of at least 1, got '" + count + "'";
    }
    if (auto error = kafka::topic_name_error(topic.name)) return prefix + *error;
    for (const auto& [name, partitions] : internal) {
      if (topic.name == name) {
        return prefix + "dev-kafka always creates Kafka Connect's internal topic '" + name + "' with " +
               std::to_string(partitions) + " partition(s)";
      }
    }
    if (!seen.insert(topic.name).second)
      return prefix + "topic '" + topic.name + "' is listed more than once";
    out.push_back(std::move(topic));
  }
  return std::nullopt;
}

// Writes "<bootstrap>\n" through a temp file in the same directory and rename(), so a reader sees either
// no file or the whole line.
void write_bootstrap_file(const std::filesystem::path& path, const std::string& bootstrap) {
  std::filesystem::path temp = path;
  temp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << bootstrap << '\n';
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      throw ConnectError("Could not write the bootstrap file " + path.string() + ": cannot write " +
                         temp.string() + "; check that the directory exists and is writable");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw ConnectError("Could not move the bootstrap file into place at " + path.string() + ": " +
                       ec.message());
  }
}

int run_dev_kafka(const DevKafkaOptions& options) {
  if (options.brokers < 1) {
    std::fprintf(stderr, "sluice dev-kafka: Invalid --brokers %d: at least 1 broker is needed\n",
                 options.brokers);
    return kUsageError;
  }
  std::vector<TopicSpec> topics;
  if (auto error = parse_topics(options.topics, topics)) {
    std::fprintf(stderr, "sluice dev-kafka: %s\n", error->c_str());
    return kUsageError;
  }

  auto logger = log::get("sluice.dev-kafka");
  // Block the stop signals before librdkafka starts its threads: they inherit the mask, so the signals
  // stay pending for sigwait() below instead of killing the process from another thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A reader that closes our stdout or stderr must not kill the broker.
  std::signal(SIGPIPE, SIG_IGN);

  std::optional<kafka::DevBroker> broker;
  try {
    broker.emplace(options.brokers);
    for (const auto& topic : topics) broker->create_topic(topic.name, topic.partitions);
    if (!options.bootstrap_file.empty()) write_bootstrap_file(options.bootstrap_file, broker->bootstrap());
  } catch (const ConnectError& e) {
    logger->error("dev-kafka could not start: {}", e.what());
    return kRuntimeError;
  }

  // The first stdout line is the contract with scripts and tests: it appears once every topic exists.
  std::printf("%s\n", broker->bootstrap().c_str());
  std::fflush(stdout);

  logger->warn(
      "dev-kafka is an in-memory Kafka cluster for development and tests: ALL DATA LIVES IN MEMORY ONLY "
      "and is lost when it stops.");
  logger->info("dev-kafka started {} broker(s) at {}; topics created on first use get {} partitions",
               options.brokers, broker->bootstrap(), kafka::DevBroker::kAutoCreatedTopicPartitions);
  for (const auto& topic : topics)
    logger->info("Created topic {} with {} partition(s)", topic.name, topic.partitions);

  int signal_number = 0;
  if (const int error = sigwait(&stop_signals, &signal_number); error != 0) {
    logger->error("dev-kafka cannot wait for SIGTERM/SIGINT ({}); stopping", std::strerror(error));
  } else {
    logger->info("Received {}, stopping dev-kafka", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  }
  if (!options.bootstrap_file.empty()) {
    // A stale file would point the next reader at a dead address.
    std::error_code ignored;
    std::filesystem::remove(options.bootstrap_file, ignored);
  }
  broker.reset();
  logger->info("dev-kafka stopped");
  return 0;
}

}  // namespace

void add_dev_kafka_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "dev-kafka",
      "Run an in-memory Kafka cluster for development and tests. Prints the bootstrap address as the first "
      "line on stdout once ready; stops on SIGTERM or SIGINT. Data lives in memory only.");
  // Shared with the callback, which CLI11 keeps (and runs) after this function returns.
  auto options = std::make_shared<DevKafkaOptions>();
  cmd->add_option("--brokers", options->brokers, "Number of brokers")->default_val(1);
  cmd->add_option("--topic", options->topics,
                  "Create a topic, as NAME:PARTITIONS (repeatable). Kafka Connect's connect-configs (1), "
                  "connect-offsets (25) and connect-status (5) always exist; other topics are created with 4 "
                  "partitions on first use");
  cmd->add_option("--bootstrap-file", options->bootstrap_file,
                  "Also write the bootstrap address to this file (atomically; removed on a clean stop)");
  cmd->callback([options, &exit_code] { exit_code = run_dev_kafka(*options); });
}

}  // namespace sluice::app
