// Connector lifecycle through the REST API of a real `sluice standalone`, checked by the data that moves (or
// does not): pause/resume stops and restarts the flow, an offset reset while STOPPED makes the source re-read
// the file from the new position, a failed task shows FAILED with its trace and comes back with a restart,
// and sink connectors that are deleted right after being created do not take the worker down.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/rest/standalone_worker.hpp"
#include "tests/support/harness.hpp"

namespace sluice::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

// How long a paused connector is watched to show that nothing moves. A negative can only be observed for a
// while; 2 s is 4 offset-flush intervals and far longer than a line takes end to end when running.
constexpr auto kQuietPeriod = 2s;

Json get_json(const StandaloneWorker& worker, const std::string& path) {
  const HttpResponse r = worker.request("GET", path);
  if (r.status != 200) return Json();
  try {
    return Json::parse(r.body);
  } catch (const Json::exception&) {
    return Json();
  }
}

::testing::AssertionResult call(const StandaloneWorker& worker, const std::string& method, const std::string& path,
                                int expected_status, const std::optional<std::string>& body = std::nullopt) {
  const HttpResponse r = worker.request(method, path, body);
  if (r.status == expected_status) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << method << " " << path << " answered " << r.status << " (expected "
                                       << expected_status << "): " << r.body << r.error;
}

::testing::AssertionResult wait_status(const StandaloneWorker& worker, const std::string& connector,
                                       const std::string& connector_state, const std::string& task_state) {
  Json last;
  auto result = wait_until(
      [&] {
        last = get_json(worker, "/connectors/" + connector + "/status");
        if (!last.is_object() || last["connector"]["state"] != connector_state) return false;
        if (task_state.empty()) return last["tasks"].empty();
        for (const auto& task : last["tasks"]) {
          if (task["state"] != task_state) return false;
        }
        return !last["tasks"].empty();
      },
      30s, connector + " to be " + connector_state + " with tasks " + (task_state.empty() ? "none" : task_state));
  if (!result) result << "\nlast status: " << last.dump();
  return result;
}

std::vector<std::string> topic_values(const std::string& bootstrap, const std::string& topic) {
  const std::vector<std::string> argv = {"kcat", "-C", "-b", bootstrap, "-t", topic,
                                         "-o", "beginning", "-e", "-q", "-f", "%s\n"};
  const CommandResult r = run_command(argv, "", 60s);
  EXPECT_TRUE(r.status.success()) << r.describe(argv);
  std::vector<std::string> out;
  std::string::size_type start = 0;
  for (auto nl = r.out.find('\n'); nl != std::string::npos; nl = r.out.find('\n', start)) {
    out.push_back(r.out.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

void append(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << text;
}

// A file source and a file sink joined by a one-partition topic (so lines stay in order).
class Pipeline {
 public:
  Pipeline(const std::string& topic = "flow")
      : kafka_({.topics = {topic + ":1"}}), dir_("standalone-lifecycle"), topic_(topic) {
    input_ = dir_.write("in.txt", "");
    output_ = dir_ / "out.txt";
    worker_ = std::make_unique<StandaloneWorker>(
        dir_, StandaloneWorkerOptions{.properties = base_worker_properties(dir_, kafka_.bootstrap())});
  }

  StandaloneWorker& worker() { return *worker_; }
  DevKafka& kafka() { return kafka_; }
  const TempDir& dir() const { return dir_; }
  const std::filesystem::path& input() const { return input_; }
  const std::filesystem::path& output() const { return output_; }
  const std::string& topic() const { return topic_; }

  ::testing::AssertionResult start() {
    if (auto ready = worker_->wait_ready(); !ready) return ready;
    const Json source = {{"name", "source"},
                         {"config", {{"connector.class", "FileStreamSource"}, {"file", input_.string()}, {"topic", topic_}}}};
    const Json sink = {{"name", "sink"},
                       {"config", {{"connector.class", "FileStreamSink"}, {"file", output_.string()}, {"topics", topic_}}}};
    if (auto r = call(*worker_, "POST", "/connectors", 201, source.dump()); !r) return r;
    if (auto r = call(*worker_, "POST", "/connectors", 201, sink.dump()); !r) return r;
    if (auto r = wait_status(*worker_, "source", "RUNNING", "RUNNING"); !r) return r;
    return wait_status(*worker_, "sink", "RUNNING", "RUNNING");
  }

  ::testing::AssertionResult wait_output(const std::string& content) {
    return wait_until([&] { return read_file(output_) == content; }, 30s, "the sink file to hold " + Json(content).dump())
           << "\nsink file: " << Json(read_file(output_)).dump() << "\nworker log:\n" << worker_->log();
  }

 private:
  DevKafka kafka_;
  TempDir dir_;
  std::string topic_;
  std::filesystem::path input_;
  std::filesystem::path output_;
  std::unique_ptr<StandaloneWorker> worker_;
};

TEST(StandaloneLifecycle, PauseStopsTheFlowAndResumeRestartsIt) {
  Pipeline p;
  ASSERT_TRUE(p.start());
  append(p.input(), "one\ntwo\n");
  ASSERT_TRUE(p.wait_output("one\ntwo\n"));

  // A paused source reads nothing: no new record in Kafka, no new line in the sink file.
  ASSERT_TRUE(call(p.worker(), "PUT", "/connectors/source/pause", 202));
  ASSERT_TRUE(wait_status(p.worker(), "source", "PAUSED", "PAUSED"));
  append(p.input(), "three\n");
  EXPECT_FALSE(poll_until([&] { return topic_values(p.kafka().bootstrap(), p.topic()).size() != 2; }, kQuietPeriod))
      << "a record reached Kafka while the source was paused";
  EXPECT_EQ(read_file(p.output()), "one\ntwo\n");

  ASSERT_TRUE(call(p.worker(), "PUT", "/connectors/source/resume", 202));
  ASSERT_TRUE(wait_status(p.worker(), "source", "RUNNING", "RUNNING"));
  ASSERT_TRUE(p.wait_output("one\ntwo\nthree\n"));

  // A paused sink leaves records in Kafka; resumed, it writes them.
  ASSERT_TRUE(call(p.worker(), "PUT", "/connectors/sink/pause", 202));
  ASSERT_TRUE(wait_status(p.worker(), "sink", "PAUSED", "PAUSED"));
  append(p.input(), "four\n");
  ASSERT_TRUE(wait_until([&] { return topic_values(p.kafka().bootstrap(), p.topic()).size() == 4; }, 30s,
                         "the fourth record in Kafka while the sink is paused"));
  EXPECT_FALSE(poll_until([&] { return read_file(p.output()) != "one\ntwo\nthree\n"; }, kQuietPeriod))
      << "the paused sink wrote " << Json(read_file(p.output())).dump();

  ASSERT_TRUE(call(p.worker(), "PUT", "/connectors/sink/resume", 202));
  ASSERT_TRUE(p.wait_output("one\ntwo\nthree\nfour\n"));
  EXPECT_EQ(topic_values(p.kafka().bootstrap(), p.topic()), (std::vector<std::string>{"one", "two", "three", "four"}));
  EXPECT_TRUE(p.worker().process().stop(SIGTERM, 30s).success()) << p.worker().log();
}

TEST(StandaloneLifecycle, SourceOffsetResetWhileStoppedRereadsTheFile) {
  Pipeline p;
  ASSERT_TRUE(p.start());
  const std::string lines = "l1\nl2\nl3\nl4\nl5\n";
  append(p.input(), lines);
  ASSERT_TRUE(p.wait_output(lines));
  const Json at_end = {{"offsets", {{{"partition", {{"filename", p.input().string()}}}, {"offset", {{"position", 15}}}}}}};
  ASSERT_TRUE(wait_until([&] { return get_json(p.worker(), "/connectors/source/offsets") == at_end; }, 30s,
                         "the committed position 15"))
      << get_json(p.worker(), "/connectors/source/offsets").dump();

  // Stop, move the position to the start of l3, resume: l3..l5 again.
  ASSERT_TRUE(call(p.worker(), "PUT", "/connectors/source/stop", 204));
  ASSERT_TRUE(wait_status(p.worker(), "source", "STOPPED", ""));
  const Json to_l3 = {{"offsets", {{{"partition", {{"filename", p.input().string()}}}, {"offset", {{"position", 6}}}}}}};
  const HttpResponse altered = p.worker().request("PATCH", "/connectors/source/offsets", to_l3.dump());
  ASSERT_EQ(altered.status, 200) << altered.body;
  EXPECT_EQ(Json::parse(altered.body), Json({{"message", "The offsets for this connector have been altered successfully"}}));
  EXPECT_EQ(get_json(p.worker(), "/connectors/source/offsets"), to_l3);
  ASSERT_TRUE(call(p.worker(), "PUT", "/connectors/source/resume", 202));
  ASSERT_TRUE(p.wait_output(lines + "l3\nl4\nl5\n"));

  // Stop, reset (delete) the offsets, resume: the whole file again.
  ASSERT_TRUE(wait_until([&] { return get_json(p.worker(), "/connectors/source/offsets") == at_end; }, 30s,
                         "the committed position back at 15"));
  ASSERT_TRUE(call(p.worker(), "PUT", "/connectors/source/stop", 204));
  ASSERT_TRUE(wait_status(p.worker(), "source", "STOPPED", ""));
  const HttpResponse reset = p.worker().request("DELETE", "/connectors/source/offsets");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(Json::parse(reset.body), Json({{"message", "The offsets for this connector have been reset successfully"}}));
  EXPECT_EQ(get_json(p.worker(), "/connectors/source/offsets"), Json({{"offsets", Json::array()}}));
  ASSERT_TRUE(call(p.worker(), "PUT", "/connectors/source/resume", 202));
  ASSERT_TRUE(p.wait_output(lines + "l3\nl4\nl5\n" + lines));
  EXPECT_EQ(topic_values(p.kafka().bootstrap(), p.topic()),
            (std::vector<std::string>{"l1", "l2", "l3", "l4", "l5", "l3", "l4", "l5", "l1", "l2", "l3", "l4", "l5"}));
  EXPECT_TRUE(p.worker().process().stop(SIGTERM, 30s).success()) << p.worker().log();
}

TEST(StandaloneLifecycle, FailedTaskShowsItsTraceAndComesBackWithARestart) {
  Pipeline p;
  ASSERT_TRUE(p.start());
  append(p.input(), "before\n");
  ASSERT_TRUE(p.wait_output("before\n"));

  // A second sink whose target directory does not exist yet: its task fails at start.
  const auto missing = p.dir() / "later";
  const std::string target = (missing / "out.txt").string();
  const Json broken = {{"name", "broken"},
                       {"config", {{"connector.class", "FileStreamSink"}, {"file", target}, {"topics", p.topic()}}}};
  ASSERT_TRUE(call(p.worker(), "POST", "/connectors", 201, broken.dump()));
  ASSERT_TRUE(wait_status(p.worker(), "broken", "RUNNING", "FAILED"));
  const Json task = get_json(p.worker(), "/connectors/broken/tasks/0/status");
  ASSERT_TRUE(task.contains("trace")) << task.dump();
  EXPECT_NE(task["trace"].get<std::string>().find("Couldn't find or create file '" + target + "' for FileStreamSinkTask"),
            std::string::npos)
      << task.dump();
  EXPECT_EQ(task["worker_id"], p.worker().worker_id());

  // A restart while the cause remains fails again, with the trace.
  ASSERT_TRUE(call(p.worker(), "POST", "/connectors/broken/tasks/0/restart", 204));
  ASSERT_TRUE(wait_status(p.worker(), "broken", "RUNNING", "FAILED"));

  // Fixed: the restarted task runs and catches up from the start of the topic.
  std::filesystem::create_directories(missing);
  ASSERT_TRUE(call(p.worker(), "POST", "/connectors/broken/tasks/0/restart", 204));
  ASSERT_TRUE(wait_status(p.worker(), "broken", "RUNNING", "RUNNING"));
  const Json running = get_json(p.worker(), "/connectors/broken/tasks/0/status");
  EXPECT_FALSE(running.contains("trace")) << running.dump();
  ASSERT_TRUE(wait_until([&] { return read_file(target) == "before\n"; }, 30s, "the restarted sink to write"))
      << Json(read_file(target)).dump() << "\n" << p.worker().log();
  append(p.input(), "after\n");
  ASSERT_TRUE(wait_until([&] { return read_file(target) == "before\nafter\n"; }, 30s, "a new line through the restarted sink"));
  ASSERT_TRUE(p.wait_output("before\nafter\n"));
  EXPECT_TRUE(p.worker().process().stop(SIGTERM, 30s).success()) << p.worker().log();
}

TEST(StandaloneLifecycle, FailedTaskComesBackWithAnOnlyFailedConnectorRestart) {
  Pipeline p;
  ASSERT_TRUE(p.start());
  const auto missing = p.dir() / "later";
  const std::string target = (missing / "out.txt").string();
  const Json broken = {{"name", "broken"},
                       {"config", {{"connector.class", "FileStreamSink"}, {"file", target}, {"topics", p.topic()}}}};
  ASSERT_TRUE(call(p.worker(), "POST", "/connectors", 201, broken.dump()));
  ASSERT_TRUE(wait_status(p.worker(), "broken", "RUNNING", "FAILED"));
  std::filesystem::create_directories(missing);

  const HttpResponse plan = p.worker().request("POST", "/connectors/broken/restart?includeTasks=true&onlyFailed=true");
  ASSERT_EQ(plan.status, 202) << plan.body;
  const Json body = Json::parse(plan.body);
  EXPECT_EQ(body["connector"]["state"], "RUNNING") << plan.body;
  EXPECT_EQ(body["tasks"][0]["state"], "RESTARTING") << plan.body;
  ASSERT_TRUE(wait_status(p.worker(), "broken", "RUNNING", "RUNNING"));
  append(p.input(), "x\n");
  ASSERT_TRUE(wait_until([&] { return read_file(target) == "x\n"; }, 30s, "a line through the restarted sink"))
      << p.worker().log();
  EXPECT_TRUE(p.worker().process().stop(SIGTERM, 30s).success()) << p.worker().log();
}

// librdkafka 2.0.2 (Debian 12) aborts the process when a cooperative-sticky consumer is destroyed before its first
// assignment (librdkafka #4312, fixed in 2.3.0): a sink deleted, stopped or reconfigured right after it started
// must not take the worker down. The worker's default assignor is exercised here on purpose.
TEST(StandaloneLifecycle, SinkStoppedRightAfterStartingDoesNotCrashTheWorker) {
  DevKafka kafka;
  TempDir dir("standalone-lifecycle");
  StandaloneWorker worker(dir, {.properties = base_worker_properties(dir, kafka.bootstrap())});
  ASSERT_TRUE(worker.wait_ready());
  for (int i = 0; i < 12; ++i) {
    const Json sink = {{"name", "churn"},
                       {"config",
                        {{"connector.class", "FileStreamSink"}, {"file", (dir / "out.txt").string()}, {"topics", "churn"}}}};
    ASSERT_TRUE(call(worker, "POST", "/connectors", 201, sink.dump())) << worker.log();
    // Three shapes, each leaving the group join in flight when the task stops: delete at once; delete as soon as
    // the task runs; pause and resume (the task restarts and subscribes again), then delete.
    if (i % 3 == 1) {
      ASSERT_TRUE(wait_status(worker, "churn", "RUNNING", "RUNNING")) << worker.log();
    } else if (i % 3 == 2) {
      ASSERT_TRUE(call(worker, "PUT", "/connectors/churn/pause", 202));
      ASSERT_TRUE(wait_status(worker, "churn", "PAUSED", "PAUSED")) << worker.log();
      ASSERT_TRUE(call(worker, "PUT", "/connectors/churn/resume", 202));
      ASSERT_TRUE(wait_status(worker, "churn", "RUNNING", "RUNNING")) << worker.log();
    }
    ASSERT_TRUE(call(worker, "DELETE", "/connectors/churn", 204)) << worker.log();
  }
  ASSERT_TRUE(worker.process().running()) << "the worker died:\n" << worker.log();
  EXPECT_EQ(worker.request("GET", "/").status, 200);
  EXPECT_TRUE(worker.process().stop(SIGTERM, 30s).success()) << worker.log();
}

}  // namespace
}  // namespace sluice::test
