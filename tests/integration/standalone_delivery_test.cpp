// Delivery guarantees of `sluice standalone` across process deaths: file -> FileStreamSource -> Kafka ->
// FileStreamSink -> file, with sequence-numbered fixed-width lines so every loss, duplicate and reordering is
// visible.
//
//   * SIGKILL mid-stream, then a new worker on the same offsets file: no line is lost, and what is sent again
//     is exactly what came after the last committed offset (source: the file position; sink: the consumer
//     group's offset). Kafka Connect is at-least-once; this pins down "at most the uncommitted tail".
//   * SIGTERM mid-stream: exit code 0 within task.shutdown.graceful.timeout.ms plus a margin, every record that
//     reached Kafka has its offset committed, so the next worker sends nothing twice.
//
// The restarted worker gets its connectors STOPPED (initial_state) so the committed offsets can be read
// through the REST API before anything moves, then resumes them.
//
// Volumes stay under 5 MB per partition: the dev broker (librdkafka's mock cluster) keeps only the last 5 MB
// (and 100000 message sets) of each partition and silently drops older data, like a tiny retention limit.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/rest/standalone_worker.hpp"
#include "tests/support/harness.hpp"

namespace sluice::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

constexpr std::size_t kLineLength = 100;  // including the '\n'
constexpr int kGracefulMs = 3000;
const std::string kTopic = "seq";

// "00000042 iii...i\n": exactly kLineLength bytes, the sequence number first.
std::string line(int seq) {
  char head[16];
  std::snprintf(head, sizeof head, "%08d ", seq);
  std::string out(head);
  out.append(kLineLength - 1 - out.size(), static_cast<char>('a' + seq % 26));
  out += '\n';
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l + "\n");
  return out;
}

Json get_json(const StandaloneWorker& worker, const std::string& path) {
  const HttpResponse r = worker.request("GET", path);
  if (r.status != 200) return Json();
  try {
    return Json::parse(r.body);
  } catch (const Json::exception&) {
    return Json();
  }
}

// Values of the topic, one per message (StringConverter: the line without its terminator).
std::vector<std::string> topic_values(const std::string& bootstrap) {
  const std::vector<std::string> argv = {"kcat", "-C", "-b", bootstrap, "-t", kTopic,
                                         "-o", "beginning", "-e", "-q", "-f", "%s\n"};
  const CommandResult r = run_command(argv, "", 60s);
  EXPECT_TRUE(r.status.success()) << r.describe(argv);
  return split_lines(r.out);
}

class Connectors {
 public:
  Connectors(const TempDir& dir) : dir_(dir), input_(dir / "in.txt"), output_(dir / "out.txt") {}

  const std::filesystem::path& input() const { return input_; }
  const std::filesystem::path& output() const { return output_; }

  // JSON create requests for the source and the sink, in `state`.
  std::vector<std::string> files(const std::string& state) const {
    const Json source = {{"name", "seq-source"},
                         {"config",
                          {{"connector.class", "FileStreamSource"},
                           {"file", input_.string()},
                           {"topic", kTopic},
                           {"batch.size", "500"}}},
                         {"initial_state", state}};
    const Json sink = {{"name", "seq-sink"},
                       {"config", {{"connector.class", "FileStreamSink"}, {"file", output_.string()}, {"topics", kTopic}}},
                       {"initial_state", state}};
    return {dir_.write("source-" + state + ".json", source.dump()).string(),
            dir_.write("sink-" + state + ".json", sink.dump()).string()};
  }

 private:
  const TempDir& dir_;
  std::filesystem::path input_;
  std::filesystem::path output_;
};

Properties worker_properties(const TempDir& dir, const std::string& bootstrap) {
  Properties props = base_worker_properties(dir, bootstrap);
  props["offset.flush.interval.ms"] = "200";
  props["task.shutdown.graceful.timeout.ms"] = std::to_string(kGracefulMs);
  return props;
}

// Appends lines first..last to `path` in chunks, `pause` apart, until done or `stop` is set.
class Writer {
 public:
  Writer(std::filesystem::path path, int first, int last, int chunk, std::chrono::milliseconds pause)
      : thread_([=, this] {
          std::ofstream out(path, std::ios::app | std::ios::binary);
          for (int seq = first; seq <= last && !stop_; ++seq) {
            out << line(seq);
            if ((seq - first + 1) % chunk == 0) {
              out.flush();
              std::this_thread::sleep_for(pause);
            }
          }
          out.flush();
          done_ = true;
        }) {}
  ~Writer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  bool done() const { return done_; }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

std::int64_t source_position(const StandaloneWorker& worker) {
  const Json offsets = get_json(worker, "/connectors/seq-source/offsets");
  if (!offsets.is_object() || offsets["offsets"].empty()) return 0;
  return offsets["offsets"][0]["offset"]["position"].get<std::int64_t>();
}

std::int64_t sink_offset(const StandaloneWorker& worker) {
  const Json offsets = get_json(worker, "/connectors/seq-sink/offsets");
  if (!offsets.is_object() || offsets["offsets"].empty()) return 0;
  EXPECT_EQ(offsets["offsets"].size(), 1u) << offsets.dump();
  return offsets["offsets"][0]["offset"]["kafka_offset"].get<std::int64_t>();
}

::testing::AssertionResult resume(const StandaloneWorker& worker, const std::string& connector) {
  const HttpResponse r = worker.request("PUT", "/connectors/" + connector + "/resume");
  if (r.status != 202) return ::testing::AssertionFailure() << "resume " << connector << ": " << r.status << " " << r.body;
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult wait_state(const StandaloneWorker& worker, const std::string& connector,
                                      const std::string& state) {
  return wait_until(
      [&] {
        const Json s = get_json(worker, "/connectors/" + connector + "/status");
        return s.is_object() && s["connector"]["state"] == state;
      },
      30s, connector + " to be " + state);
}

// `actual` must be expected[0..m) followed by expected[resume_from..) for some m >= resume_from: a prefix
// written before the crash, then everything again from the committed point.
::testing::AssertionResult is_prefix_then_tail(const std::vector<std::string>& actual,
                                               const std::vector<std::string>& expected, std::size_t resume_from) {
  const std::size_t tail = expected.size() - resume_from;
  if (actual.size() < tail + resume_from) {
    return ::testing::AssertionFailure() << "only " << actual.size() << " lines, expected at least "
                                         << tail + resume_from << " (lines lost)";
  }
  const std::size_t m = actual.size() - tail;
  for (std::size_t i = 0; i < m; ++i) {
    if (i >= expected.size() || actual[i] != expected[i]) {
      return ::testing::AssertionFailure() << "line " << i << " before the restart point is " << actual[i]
                                           << " (expected " << (i < expected.size() ? expected[i] : "nothing") << ")";
    }
  }
  for (std::size_t i = 0; i < tail; ++i) {
    if (actual[m + i] != expected[resume_from + i]) {
      return ::testing::AssertionFailure() << "line " << m + i << " after the restart point is " << actual[m + i]
                                           << " (expected " << expected[resume_from + i] << ")";
    }
  }
  return ::testing::AssertionSuccess() << m - resume_from << " line(s) sent twice";
}

// The first lines, written before the stream starts, so the sink has joined its group and data flows end to end
// (the dev broker's group join takes seconds) before anything is killed.
constexpr int kWarmUp = 100;

::testing::AssertionResult warm_up(StandaloneWorker& worker, const Connectors& connectors) {
  std::string text;
  for (int seq = 1; seq <= kWarmUp; ++seq) text += line(seq);
  {
    std::ofstream out(connectors.input(), std::ios::app | std::ios::binary);
    out << text;
  }
  return wait_until([&] { return read_file(connectors.output()) == text; }, 60s, "the warm-up lines in the sink file")
         << "\n" << worker.log();
}

TEST(StandaloneDelivery, SigkillMidStreamLosesNothingAndResendsOnlyTheUncommittedTail) {
  DevKafka kafka({.topics = {kTopic + ":1"}});
  TempDir dir("standalone-delivery");
  Connectors connectors(dir);
  constexpr int kLines = 20000;
  dir.write("in.txt", "");

  std::optional<std::int64_t> seen_position;
  {
    StandaloneWorker first(dir, {.properties = worker_properties(dir, kafka.bootstrap()),
                                 .connector_files = connectors.files("RUNNING")});
    ASSERT_TRUE(first.wait_ready());
    ASSERT_TRUE(warm_up(first, connectors));
    Writer writer(connectors.input(), kWarmUp + 1, kLines, 100, 10ms);
    // Kill once commits have moved past the warm-up and the stream is still flowing.
    ASSERT_TRUE(wait_until([&] { return source_position(first) > kWarmUp * 100 && sink_offset(first) > kWarmUp; },
                           60s, "committed source and sink offsets past the warm-up"))
        << first.log();
    seen_position = source_position(first);
    EXPECT_FALSE(writer.done()) << "the writer finished before the kill; the test did not kill mid-stream";
    const ExitStatus killed = first.process().stop(SIGKILL, 1s);
    EXPECT_EQ(killed.signal, SIGKILL) << killed.describe();
    writer.join();  // the rest of the file is written while no worker runs
  }

  std::vector<std::string> expected;
  for (int seq = 1; seq <= kLines; ++seq) expected.push_back(line(seq));
  ASSERT_EQ(read_file(connectors.input()).size(), kLines * kLineLength);

  StandaloneWorker second(dir, {.properties = worker_properties(dir, kafka.bootstrap()),
                                .connector_files = connectors.files("STOPPED")});
  ASSERT_TRUE(second.wait_ready());
  ASSERT_TRUE(wait_state(second, "seq-source", "STOPPED"));
  ASSERT_TRUE(wait_state(second, "seq-sink", "STOPPED"));
  const std::int64_t position = source_position(second);
  const std::int64_t sink_committed = sink_offset(second);
  ASSERT_GE(position, *seen_position) << "the committed position went backwards";
  ASSERT_EQ(position % kLineLength, 0) << "a committed position must fall on a line boundary";
  const std::vector<std::string> before_restart = topic_values(kafka.bootstrap());
  const std::string sink_before = read_file(connectors.output());

  ASSERT_TRUE(resume(second, "seq-source"));
  ASSERT_TRUE(resume(second, "seq-sink"));

  // The topic: what the first worker sent, then everything after the committed position, once.
  std::vector<std::string> topic;
  ASSERT_TRUE(wait_until(
      [&] {
        topic = topic_values(kafka.bootstrap());
        return !topic.empty() && topic.back() == expected.back();
      },
      120s, "the last line in Kafka"))
      << "topic has " << topic.size() << " messages\n" << second.log();
  const auto resent_from = static_cast<std::size_t>(position / kLineLength);
  const auto topic_check = is_prefix_then_tail(topic, expected, resent_from);
  EXPECT_TRUE(topic_check) << "committed position " << position << " (line " << resent_from << "), "
                           << before_restart.size() << " messages before the restart";
  std::cout << "[ info     ] topic: " << topic_check.message() << " (committed position at line " << resent_from
            << ", " << before_restart.size() << " records in Kafka at the kill)\n";

  // The sink file: what the first worker wrote, then the topic again from the committed consumer offset.
  std::vector<std::string> sunk;
  ASSERT_TRUE(wait_until(
      [&] {
        sunk = split_lines(read_file(connectors.output()));
        return !sunk.empty() && sunk.size() >= topic.size() - static_cast<std::size_t>(sink_committed) &&
               sunk.back() == expected.back();
      },
      120s, "the last line in the sink file"))
      << "sink file has " << sunk.size() << " lines\n" << second.log();
  const auto sink_check = is_prefix_then_tail(sunk, topic, static_cast<std::size_t>(sink_committed));
  EXPECT_TRUE(sink_check) << "sink committed offset " << sink_committed << ", " << split_lines(sink_before).size()
                          << " lines in the file before the restart";
  std::cout << "[ info     ] sink file: " << sink_check.message() << " (committed offset " << sink_committed << ", "
            << split_lines(sink_before).size() << " lines written at the kill)\n";
  EXPECT_TRUE(second.process().stop(SIGTERM, 30s).success()) << second.log();
}

TEST(StandaloneDelivery, SigtermExitsInTimeAndCommitsEverythingItSent) {
  DevKafka kafka({.topics = {kTopic + ":1"}});
  TempDir dir("standalone-delivery");
  Connectors connectors(dir);
  constexpr int kLines = 20000;
  dir.write("in.txt", "");

  std::vector<std::string> expected;
  for (int seq = 1; seq <= kLines; ++seq) expected.push_back(line(seq));

  {
    StandaloneWorker first(dir, {.properties = worker_properties(dir, kafka.bootstrap()),
                                 .connector_files = connectors.files("RUNNING")});
    ASSERT_TRUE(first.wait_ready());
    ASSERT_TRUE(warm_up(first, connectors));
    Writer writer(connectors.input(), kWarmUp + 1, kLines, 100, 10ms);
    ASSERT_TRUE(wait_until([&] { return sink_offset(first) > kWarmUp; }, 60s, "the sink to commit past the warm-up"))
        << first.log();
    EXPECT_FALSE(writer.done()) << "the writer finished before SIGTERM; the test did not stop mid-stream";
    const auto before = std::chrono::steady_clock::now();
    const ExitStatus status = first.process().stop(SIGTERM, std::chrono::milliseconds(kGracefulMs) + 30s);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - before);
    EXPECT_TRUE(status.success()) << status.describe() << "\n" << first.log();
    EXPECT_LT(took, std::chrono::milliseconds(kGracefulMs) + 5s) << first.log();
    writer.join();
  }

  StandaloneWorker second(dir, {.properties = worker_properties(dir, kafka.bootstrap()),
                                .connector_files = connectors.files("STOPPED")});
  ASSERT_TRUE(second.wait_ready());
  ASSERT_TRUE(wait_state(second, "seq-source", "STOPPED"));
  ASSERT_TRUE(wait_state(second, "seq-sink", "STOPPED"));

  // Everything in Kafka has its source offset committed, and everything in the sink file its consumer offset.
  const std::vector<std::string> topic_before = topic_values(kafka.bootstrap());
  const std::int64_t position = source_position(second);
  ASSERT_GT(topic_before.size(), 0u);
  EXPECT_EQ(position, static_cast<std::int64_t>(topic_before.size() * kLineLength))
      << "the committed source position does not cover exactly the " << topic_before.size()
      << " records in Kafka";
  const std::vector<std::string> sunk_before = split_lines(read_file(connectors.output()));
  EXPECT_EQ(sink_offset(second), static_cast<std::int64_t>(sunk_before.size()))
      << "the committed sink offset does not match the lines in the sink file";

  ASSERT_TRUE(resume(second, "seq-source"));
  ASSERT_TRUE(resume(second, "seq-sink"));
  std::vector<std::string> sunk;
  ASSERT_TRUE(wait_until(
      [&] {
        sunk = split_lines(read_file(connectors.output()));
        return sunk.size() >= expected.size();
      },
      120s, "every line in the sink file"))
      << "sink file has " << sunk.size() << " lines\n" << second.log();
  EXPECT_TRUE(sunk == expected) << "the sink file is not every line exactly once, in order";
  EXPECT_TRUE(topic_values(kafka.bootstrap()) == expected) << "Kafka does not hold every line exactly once";
  EXPECT_TRUE(second.process().stop(SIGTERM, 30s).success()) << second.log();
}

}  // namespace
}  // namespace sluice::test
