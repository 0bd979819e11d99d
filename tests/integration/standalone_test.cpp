// `sluice standalone` as users run it: a separate process next to `sluice dev-kafka` (or its embedded broker),
// checked from outside with curl (REST) and kcat (the bytes in Kafka).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/harness.hpp"

namespace sluice::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartTimeout = 30s;
constexpr int kGracefulMs = 3000;

struct Http {
  int status = 0;
  std::string body;
};

// curl, an independent client: status code on the last line of stdout.
Http http(const std::string& method, const std::string& url, const std::string& body = "") {
  std::vector<std::string> argv = {"curl", "-s", "-X", method, "-w", "\n%{http_code}", url};
  if (!body.empty()) {
    argv.insert(argv.end(), {"-H", "Content-Type: application/json", "--data-binary", body});
  }
  const CommandResult result = run_command(argv, "", 20s);
  Http out;
  const auto newline = result.out.rfind('\n');
  if (!result.status.success() || newline == std::string::npos) return out;  // not listening (yet)
  out.body = result.out.substr(0, newline);
  out.status = std::atoi(result.out.c_str() + newline + 1);
  return out;
}

class StandaloneWorker {
 public:
  // Starts `sluice standalone` with `properties` (a REST listener on a free port is added) and connector files.
  StandaloneWorker(const TempDir& dir, std::string properties, const std::vector<std::string>& connector_files)
      : port_(free_port()) {
    properties += "listeners=http://127.0.0.1:" + std::to_string(port_) + "\n";
    const auto worker_file = dir.write("worker.properties", properties);
    std::vector<std::string> argv = {sluice_executable().string(), "standalone", worker_file.string()};
    argv.insert(argv.end(), connector_files.begin(), connector_files.end());
    process_ = std::make_unique<Process>(argv, ProcessOptions{.name = "sluice standalone"});
  }

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  Process& process() { return *process_; }

  ::testing::AssertionResult wait_ready() {
    return wait_until([&] { return http("GET", url("/connectors")).status == 200 || !process_->running(); },
                      kStartTimeout, "GET /connectors to answer 200")
           << "\nstderr:\n"
           << process_->stderr_text();
  }

 private:
  std::uint16_t port_;
  std::unique_ptr<Process> process_;
};

std::string worker_properties(const TempDir& dir, const std::string& bootstrap) {
  std::string props;
  if (!bootstrap.empty()) props += "bootstrap.servers=" + bootstrap + "\n";
  props += "offset.storage.file.filename=" + (dir / "connect.offsets").string() + "\n";
  props += "key.converter=org.apache.kafka.connect.json.JsonConverter\n";
  props += "value.converter=org.apache.kafka.connect.json.JsonConverter\n";
  props += "offset.flush.interval.ms=500\n";
  props += "task.shutdown.graceful.timeout.ms=" + std::to_string(kGracefulMs) + "\n";
  props += "plugin.path=" + std::string(SLUICE_PLUGIN_DIR) + "\n";
  // The dev broker keeps a stopped sink's group member until its session times out (Kafka's default 45 s), which
  // would hold up the restarted worker's sink; a short session keeps the restart case quick.
  props += "consumer.session.timeout.ms=6000\nconsumer.heartbeat.interval.ms=1000\n";
  return props;
}

// Lines with an empty one, non-ASCII text and a CRLF ending: what goes in must come out, byte for byte
// (the source reads \r\n as one terminator and the sink writes \n, so the input uses \n only).
const std::string kInput = "foo\nbar\n\nünïcödé ✓\n{\"json\": [1, 2]}\n";

TEST(Standalone, CopiesAFileThroughKafkaServesRestAndStopsOnSigterm) {
  // One partition, as a real broker's default: lines stay in order end to end.
  DevKafka kafka({.topics = {"connect-test:1"}});
  TempDir dir("standalone-test");
  const auto input = dir.write("in.txt", kInput);
  const auto output = dir / "out.txt";
  // The source as a JSON create request, the sink as Kafka's properties file.
  const auto source = dir.write("source.json", R"({"name": "local-file-source", "config": {
      "connector.class": "FileStreamSource", "tasks.max": 1, "file": ")" + input.string() +
                                                   R"(", "topic": "connect-test"}})");
  const auto sink = dir.write("sink.properties", "name=local-file-sink\nconnector.class=FileStreamSink\n"
                                                 "tasks.max=1\ntopics=connect-test\nfile=" +
                                                     output.string() + "\n");

  StandaloneWorker worker(dir, worker_properties(dir, kafka.bootstrap()), {source.string(), sink.string()});
  ASSERT_TRUE(worker.wait_ready());

  ASSERT_TRUE(wait_until([&] { return read_file(output) == kInput; }, 30s, "the sink file to equal the input"))
      << "sink file: " << read_file(output) << "\nstatus: " << http("GET", worker.url("/connectors?expand=status")).body
      << "\nstderr:\n" << worker.process().stderr_text();
  // New lines keep flowing.
  {
    std::ofstream append(input, std::ios::app | std::ios::binary);
    append << "appended\n";
  }
  ASSERT_TRUE(wait_until([&] { return read_file(output) == kInput + "appended\n"; }, 30s, "the appended line"));

  // The bytes in Kafka are JsonConverter's envelope, as Kafka Connect writes them.
  const std::vector<std::string> kcat = {"kcat", "-C", "-b", kafka.bootstrap(), "-t", "connect-test",
                                         "-o", "beginning", "-c", "1", "-e", "-f", "%s\n"};
  const CommandResult consumed = run_command(kcat, "", 30s);
  ASSERT_TRUE(consumed.status.success()) << consumed.describe(kcat);
  EXPECT_EQ(consumed.out, "{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":\"foo\"}\n");

  // REST: GET / and the connectors with their statuses.
  const Http root = http("GET", worker.url("/"));
  ASSERT_EQ(root.status, 200) << root.body;
  const auto info = nlohmann::json::parse(root.body);
  EXPECT_FALSE(info.at("version").get<std::string>().empty());
  EXPECT_TRUE(info.contains("commit"));
  EXPECT_FALSE(info.at("kafka_cluster_id").get<std::string>().empty());
  const Http connectors = http("GET", worker.url("/connectors?expand=status"));
  ASSERT_EQ(connectors.status, 200) << connectors.body;
  const auto statuses = nlohmann::json::parse(connectors.body);
  EXPECT_EQ(statuses.at("local-file-source").at("status").at("connector").at("state"), "RUNNING");
  EXPECT_EQ(statuses.at("local-file-sink").at("status").at("tasks").at(0).at("state"), "RUNNING");
  EXPECT_EQ(statuses.at("local-file-sink").at("status").at("type"), "sink");
  EXPECT_EQ(http("GET", worker.url("/health")).status, 200);
  const Http offsets = http("GET", worker.url("/connectors/local-file-source/offsets"));
  EXPECT_EQ(offsets.status, 200);
  EXPECT_EQ(nlohmann::json::parse(offsets.body).at("offsets").at(0).at("partition").at("filename"), input.string());

  const std::string log = worker.process().stderr_text();
  EXPECT_NE(log.find("Kafka version"), std::string::npos) << log;
  EXPECT_NE(log.find("Kafka Connect started"), std::string::npos) << log;

  const auto before = std::chrono::steady_clock::now();
  const ExitStatus status = worker.process().stop(SIGTERM, std::chrono::milliseconds(kGracefulMs) + 10s);
  const auto took = std::chrono::steady_clock::now() - before;
  EXPECT_TRUE(status.success()) << status.describe() << "\n" << worker.process().stderr_text();
  EXPECT_LT(took, std::chrono::milliseconds(kGracefulMs) + 5s);
  EXPECT_NE(worker.process().stderr_text().find("Kafka Connect stopped"), std::string::npos);

  // Offsets were committed on the way down: a new worker resumes without resending lines.
  StandaloneWorker again(dir, worker_properties(dir, kafka.bootstrap()), {source.string(), sink.string()});
  ASSERT_TRUE(again.wait_ready());
  {
    std::ofstream append(input, std::ios::app | std::ios::binary);
    append << "after restart\n";
  }
  ASSERT_TRUE(wait_until([&] { return read_file(output) == kInput + "appended\nafter restart\n"; }, 30s,
                         "only the new line after a restart"))
      << read_file(output) << "\nstatus: " << http("GET", again.url("/connectors?expand=status")).body
      << "\nstderr:\n" << again.process().stderr_text();
  EXPECT_TRUE(again.process().stop(SIGTERM, 20s).success());
}

TEST(Standalone, EmbeddedBrokerWhenBootstrapServersIsAbsent) {
  TempDir dir("standalone-test");
  const auto input = dir.write("in.txt", "hello\nworld\n");
  const auto output = dir / "out.txt";
  const auto source = dir.write(
      "source.json", R"({"name": "src", "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
          "tasks.max": "1", "file": ")" + input.string() + R"(", "topic": "t"})");
  const auto sink = dir.write("sink.json", R"({"name": "snk", "config": {"connector.class": "FileStreamSink",
      "topics": "t", "file": ")" + output.string() + R"("}, "initial_state": "running"})");

  StandaloneWorker worker(dir, worker_properties(dir, ""), {source.string(), sink.string()});
  ASSERT_TRUE(worker.wait_ready());
  ASSERT_TRUE(wait_until([&] { return read_file(output) == "hello\nworld\n"; }, 30s, "the copy"))
      << "sink file: " << read_file(output) << "\nstatus: " << http("GET", worker.url("/connectors?expand=status")).body
      << "\nstderr:\n" << worker.process().stderr_text();
  EXPECT_NE(worker.process().stderr_text().find("ALL DATA LIVES IN MEMORY ONLY"), std::string::npos);
  EXPECT_TRUE(worker.process().stop(SIGTERM, 20s).success()) << worker.process().stderr_text();
}

TEST(Standalone, ABadConnectorFileStopsTheWorkerNamingTheFile) {
  DevKafka kafka;
  TempDir dir("standalone-test");
  const auto bad = dir.write("bad.properties", "connector.class=FileStreamSource\ntopic=t\n");
  StandaloneWorker worker(dir, worker_properties(dir, kafka.bootstrap()), {bad.string()});
  const auto status = worker.process().wait_for(kStartTimeout);
  ASSERT_TRUE(status.has_value()) << "the worker kept running";
  EXPECT_TRUE(status->exited);
  EXPECT_EQ(status->code, 1);
  EXPECT_NE(worker.process().stderr_text().find("Connector configuration at '" + bad.string() +
                                                "' is missing the mandatory 'name' configuration"),
            std::string::npos)
      << worker.process().stderr_text();

  const auto invalid = dir.write("invalid.json", R"({"name": "x", "connector.class": "FileStreamSource"})");
  StandaloneWorker second(dir, worker_properties(dir, kafka.bootstrap()), {invalid.string()});
  const auto second_status = second.process().wait_for(kStartTimeout);
  ASSERT_TRUE(second_status.has_value());
  EXPECT_EQ(second_status->code, 1);
  const std::string log = second.process().stderr_text();
  EXPECT_NE(log.find("Failed to create connector from " + invalid.string() +
                     ": Connector configuration is invalid and contains the following 1 error(s):\nMissing required "
                     "configuration \"topic\" which has no default value."),
            std::string::npos)
      << log;
}

}  // namespace
}  // namespace sluice::test
