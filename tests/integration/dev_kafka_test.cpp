// `sluice dev-kafka` as users run it: a separate process, checked with kcat (an independent client).

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/harness.hpp"

namespace sluice::test {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> dev_kafka_argv(std::vector<std::string> args) {
  args.insert(args.begin(), {sluice_executable().string(), "dev-kafka"});
  return args;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Partition count per topic, as kcat's metadata listing reports it.
std::map<std::string, int> kcat_partition_counts(const std::string& bootstrap) {
  const std::vector<std::string> argv = {"kcat", "-L", "-b", bootstrap, "-J"};
  const CommandResult result = run_command(argv, "", 30s);
  if (!result.status.success()) throw std::runtime_error(result.describe(argv));
  const nlohmann::json metadata = nlohmann::json::parse(result.out);
  std::map<std::string, int> counts;
  for (const auto& topic : metadata.at("topics")) {
    counts[topic.at("topic").get<std::string>()] = static_cast<int>(topic.at("partitions").size());
  }
  return counts;
}

TEST(DevKafka, FirstStdoutLineIsTheBootstrapAddressAndMatchesTheBootstrapFile) {
  TempDir dir;
  const auto bootstrap_file = dir / "bootstrap.txt";
  Process broker(dev_kafka_argv({"--brokers", "3", "--bootstrap-file", bootstrap_file.string()}));
  const std::string bootstrap = broker.read_first_line(30s);

  EXPECT_TRUE(std::regex_match(bootstrap, std::regex(R"(127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+){2})")))
      << bootstrap;
  EXPECT_EQ(read_file(bootstrap_file), bootstrap + "\n");
  EXPECT_EQ(kcat_partition_counts(bootstrap).count("connect-configs"), 1u);

  ASSERT_TRUE(broker.stop(SIGTERM, 10s).success()) << broker.stderr_text();
  EXPECT_FALSE(std::filesystem::exists(bootstrap_file)) << "a clean stop removes the bootstrap file";
  EXPECT_EQ(broker.stdout_text(), bootstrap + "\n") << "nothing but the bootstrap line goes to stdout";
}

TEST(DevKafka, CreatesListedTopicsAndKafkaConnectInternalTopics) {
  DevKafka kafka({.topics = {"orders:3", "single:1"}});
  const auto counts = kcat_partition_counts(kafka.bootstrap());
  const std::map<std::string, int> expected = {
      {"connect-configs", 1}, {"connect-offsets", 25}, {"connect-status", 5}, {"orders", 3}, {"single", 1}};
  EXPECT_EQ(counts, expected);
}

TEST(DevKafka, KcatProducesAndConsumesTheExactKeyedLines) {
  DevKafka kafka({.topics = {"orders:3"}});
  const std::vector<std::string> sent = {"alice:order-1", "bob:order-2", "carol:order-3",   "alice:order-4",
                                         "bob:order-5",   "dave:",       "erin:with:colons"};
  std::string input;
  for (const auto& line : sent) input += line + "\n";

  const std::vector<std::string> produce = {"kcat", "-P", "-b", kafka.bootstrap(), "-t", "orders", "-K:"};
  const CommandResult produced = run_command(produce, input, 30s);
  ASSERT_TRUE(produced.status.success()) << produced.describe(produce);

  const std::vector<std::string> consume = {"kcat", "-C", "-b", kafka.bootstrap(), "-t", "orders",
                                            "-e",   "-q", "-f", "%k:%s\n",         "-o", "beginning"};
  const CommandResult consumed = run_command(consume, "", 30s);
  ASSERT_TRUE(consumed.status.success()) << consumed.describe(consume);

  // Partitions interleave, so compare as sets; each key sits in one partition, so its order is kept.
  std::vector<std::string> received = lines_of(consumed.out);
  std::vector<std::string> alice;
  std::copy_if(received.begin(), received.end(), std::back_inserter(alice),
               [](const std::string& line) { return line.rfind("alice:", 0) == 0; });
  EXPECT_EQ(alice, (std::vector<std::string>{"alice:order-1", "alice:order-4"}));
  std::vector<std::string> expected = sent;
  std::sort(expected.begin(), expected.end());
  std::sort(received.begin(), received.end());
  EXPECT_EQ(received, expected);
}

TEST(DevKafka, SigtermStopsItWithExitCodeZero) {
  DevKafka kafka;
  // 10 s is the bound: after it stop() SIGKILLs, and the status would then be a signal, not exit code 0.
  const ExitStatus status = kafka.stop(10s);
  EXPECT_TRUE(status.success()) << status.describe() << "; stderr: " << kafka.process().stderr_text();
  const std::string log = kafka.process().stderr_text();
  EXPECT_NE(log.find("dev-kafka is an in-memory Kafka cluster for development and tests: ALL DATA LIVES IN "
                     "MEMORY ONLY and is lost when it stops."),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("Received SIGTERM, stopping dev-kafka"), std::string::npos) << log;
}

TEST(DevKafka, SigintStopsItWithExitCodeZero) {
  Process broker(dev_kafka_argv({}));
  broker.read_first_line(30s);
  const ExitStatus status = broker.stop(SIGINT, 10s);
  EXPECT_TRUE(status.success()) << status.describe() << "; stderr: " << broker.stderr_text();
}

TEST(DevKafka, UnwritableBootstrapFileIsAStartupErrorWithExitCodeOne) {
  TempDir dir;
  const auto file = dir / "missing-dir" / "bootstrap.txt";
  const auto argv = dev_kafka_argv({"--bootstrap-file", file.string()});
  const CommandResult result = run_command(argv, "", 30s);
  EXPECT_EQ(result.status.describe(), "exit code 1") << result.describe(argv);
  const std::string message = "dev-kafka could not start: Could not write the bootstrap file " +
                              file.string() + ": cannot write " + file.string() + ".tmp.";
  EXPECT_NE(result.err.find(message), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("; check that the directory exists and is writable"), std::string::npos)
      << result.err;
  EXPECT_EQ(result.out, "");
}

struct BadArguments {
  std::vector<std::string> args;
  std::string message;
};

class DevKafkaBadArguments : public ::testing::TestWithParam<BadArguments> {};

TEST_P(DevKafkaBadArguments, ExitWithCodeTwoAndAClearMessage) {
  const auto argv = dev_kafka_argv(GetParam().args);
  const CommandResult result = run_command(argv, "", 30s);
  EXPECT_EQ(result.status.describe(), "exit code 2") << result.describe(argv);
  EXPECT_EQ(result.err, "sluice dev-kafka: " + GetParam().message + "\n");
  EXPECT_EQ(result.out, "") << "no bootstrap line when the arguments are bad";
}

INSTANTIATE_TEST_SUITE_P(
    Specs, DevKafkaBadArguments,
    ::testing::Values(
        BadArguments{{"--topic", "orders"},
                     "Invalid --topic 'orders': expected NAME:PARTITIONS, for example orders:3"},
        BadArguments{{"--topic", "orders:x"},
                     "Invalid --topic 'orders:x': PARTITIONS must be a whole number of at least 1, got 'x'"},
        BadArguments{{"--topic", "orders:0"},
                     "Invalid --topic 'orders:0': PARTITIONS must be a whole number of at least 1, got '0'"},
        BadArguments{{"--topic", "orders:"},
                     "Invalid --topic 'orders:': PARTITIONS must be a whole number of at least 1, got ''"},
        BadArguments{{"--topic", "ok:1", "--topic", "bad name:3"},
                     "Invalid --topic 'bad name:3': Topic name is invalid: 'bad name' contains one or more "
                     "characters other than ASCII alphanumerics, '.', '_' and '-'"},
        BadArguments{{"--topic", ":3"},
                     "Invalid --topic ':3': Topic name is invalid: the empty string is not allowed"},
        BadArguments{
            {"--topic", "connect-offsets:3"},
            "Invalid --topic 'connect-offsets:3': dev-kafka always creates Kafka Connect's internal topic "
            "'connect-offsets' with 25 partition(s)"},
        BadArguments{{"--topic", "orders:3", "--topic", "orders:2"},
                     "Invalid --topic 'orders:2': topic 'orders' is listed more than once"},
        BadArguments{{"--brokers", "0"}, "Invalid --brokers 0: at least 1 broker is needed"}));

}  // namespace
}  // namespace sluice::test
