// `sluice distributed` as a cluster: `sluice dev-kafka` and three worker processes on 127.0.0.1 in one group,
// the topology docker-compose.yml runs, driven through their REST APIs:
//   * connectors created on one worker are seen identically from all three, tasks spread evenly;
//   * a follower forwards leader-only writes; with the leader gone the answer is Kafka's 409, and the same
//     request succeeds once the group has a new leader;
//   * SIGKILL: the dead worker's tasks run elsewhere within session.timeout.ms + scheduled.rebalance.max.delay.ms
//     + 5 s; SIGTERM: the worker leaves the group and its tasks move well before the session timeout;
//   * a rolling restart of all three workers under a running FileStream pipeline loses no line;
//   * rebalance and failover times with 50 connectors (printed; the issue note reports them).
//
// The dev broker (librdkafka's mock cluster) has no CreateTopics: `sluice dev-kafka` pre-creates Kafka
// Connect's internal topics with their default partition counts, and the data topics are created with one
// partition so lines stay in order.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/rest/http_client.hpp"
#include "tests/support/harness.hpp"

namespace sluice::test {
namespace {

using Json = nlohmann::json;
using Properties = std::map<std::string, std::string>;
using namespace std::chrono_literals;

// The dev broker (librdkafka 2.0.2's mock cluster) holds every rebalance open for session.timeout.ms - 1 s waiting
// for members (a real broker completes it as soon as all known members rejoined) and the first one for 3 s, during
// which it expires members whose session is shorter. 3.5 s is the shortest session that survives the first join,
// and keeps every rebalance at 2.5 s.
constexpr int kSessionTimeoutMs = 3500;
constexpr int kRebalanceDelayMs = 0;

class DistributedWorker {
 public:
  DistributedWorker(const TempDir& dir, const std::string& bootstrap, int index, std::uint16_t port,
                    const Properties& extra)
      : port_(port) {
    Properties props = {
        {"bootstrap.servers", bootstrap},
        {"group.id", "sluice-cluster"},
        {"config.storage.topic", "connect-configs"},
        {"offset.storage.topic", "connect-offsets"},
        {"status.storage.topic", "connect-status"},
        {"config.storage.replication.factor", "1"},
        {"offset.storage.replication.factor", "1"},
        {"status.storage.replication.factor", "1"},
        {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
        {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
        {"listeners", "http://127.0.0.1:" + std::to_string(port)},
        {"rest.advertised.host.name", "127.0.0.1"},
        {"rest.advertised.port", std::to_string(port)},
        {"plugin.path", SLUICE_PLUGIN_DIR},
        {"offset.flush.interval.ms", "500"},
        {"session.timeout.ms", std::to_string(kSessionTimeoutMs)},
        {"heartbeat.interval.ms", "1000"},
        {"scheduled.rebalance.max.delay.ms", std::to_string(kRebalanceDelayMs)},
        {"task.shutdown.graceful.timeout.ms", "3000"},
        {"consumer.session.timeout.ms", "6000"},
        {"consumer.heartbeat.interval.ms", "1000"},
    };
    for (const auto& [k, v] : extra) props[k] = v;
    const auto file = dir.path() / ("worker" + std::to_string(index) + "-" + std::to_string(port) + ".properties");
    std::ofstream out(file);
    for (const auto& [k, v] : props) out << k << '=' << v << '\n';
    out.close();
    ProcessOptions options;
    options.name = "worker" + std::to_string(index);
    process_ = std::make_unique<Process>(
        std::vector<std::string>{std::string(SLUICE_BUILD_DIR) + "/bin/sluice", "distributed", file.string()},
        options);
  }

  std::uint16_t port() const { return port_; }
  std::string id() const { return "127.0.0.1:" + std::to_string(port_); }
  Process& process() { return *process_; }
  std::string log() const { return process_->stderr_text(); }

  HttpResponse request(const std::string& method, const std::string& target,
                       const std::optional<std::string>& body = std::nullopt) const {
    HttpRequestOptions options;
    options.timeout = 20s;
    return http_request(port_, method, target, body, options);
  }
  Json get(const std::string& target) const {
    const HttpResponse r = request("GET", target);
    if (r.status != 200) return Json();
    try {
      return Json::parse(r.body);
    } catch (const Json::exception&) {
      return Json();
    }
  }
  // Healthy = joined the group and applied an assignment.
  ::testing::AssertionResult wait_healthy(std::chrono::milliseconds timeout = 60s) {
    return wait_until([&] { return !process_->running() || request("GET", "/health").status == 200; }, timeout,
                      "worker " + id() + " healthy")
               && process_->running()
           ? ::testing::AssertionSuccess()
           : ::testing::AssertionFailure() << "worker " << id() << " not healthy; log:\n" << tail(log());
  }
  // The leader URL from the last "Joined group ... with leader <id> (<url>)" line.
  std::optional<std::string> leader_url() const {
    static const std::regex joined(R"(Joined group at generation \d+ with leader \S+ \((\S+)\))");
    std::optional<std::string> last;
    const std::string text = log();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), joined); it != std::sregex_iterator(); ++it) {
      last = (*it)[1].str();
    }
    return last;
  }
  static std::string tail(const std::string& text) {
    return text.size() > 6000 ? text.substr(text.size() - 6000) : text;
  }
  // The membership and herder lines of the log (the REST access lines drown them), the last `count`.
  std::string cluster_log(std::size_t count = 80) const {
    std::vector<std::string> lines;
    std::istringstream in(log());
    for (std::string l; std::getline(in, l);) {
      if (l.find("(sluice.rest)") == std::string::npos) lines.push_back(l);
    }
    std::string out;
    for (std::size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i) out += lines[i] + "\n";
    return out;
  }

 private:
  std::uint16_t port_;
  std::unique_ptr<Process> process_;
};

class Cluster {
 public:
  // `before_workers` runs once the broker is up and before any worker starts (e.g. to seed the internal topics).
  explicit Cluster(int workers = 3, Properties extra = {},
                   const std::function<void(const std::string& bootstrap)>& before_workers = {})
      : extra_(std::move(extra)) {
    DevKafka::Options options;
    for (int i = 0; i < 60; ++i) options.topics.push_back("t" + std::to_string(i) + ":1");
    options.topics.push_back("seq:1");
    kafka_ = std::make_unique<DevKafka>(options);
    if (before_workers) before_workers(kafka_->bootstrap());
    for (int i = 0; i < workers; ++i) {
      ports_.push_back(free_port());
      start(i);
    }
  }
  ~Cluster() {
    bool failed = ::testing::Test::HasFailure();
    for (auto& w : workers_) {
      if (failed && w) std::cerr << "---- " << w->id() << " log ----\n" << w->cluster_log() << "\n";
    }
  }

  void start(int index) {
    while (static_cast<std::size_t>(index) >= ports_.size()) ports_.push_back(free_port());
    if (static_cast<std::size_t>(index) >= workers_.size()) workers_.resize(index + 1);
    workers_[index] = std::make_unique<DistributedWorker>(dir_, kafka_->bootstrap(), index, ports_[index], extra_);
  }
  DistributedWorker& operator[](int index) { return *workers_.at(index); }
  int size() const { return static_cast<int>(workers_.size()); }
  const TempDir& dir() const { return dir_; }
  const std::string& bootstrap() const { return kafka_->bootstrap(); }
  ::testing::AssertionResult wait_all_healthy() {
    for (auto& w : workers_) {
      if (!w) continue;
      if (auto r = w->wait_healthy(); !r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  // Index of the worker whose URL is the current leader's, as the workers' logs tell.
  std::optional<int> leader() const {
    for (const auto& w : workers_) {
      if (!w || !w->process().running()) continue;
      auto url = w->leader_url();
      if (!url) continue;
      for (int i = 0; i < static_cast<int>(workers_.size()); ++i) {
        if (workers_[i] && url->find(":" + std::to_string(ports_[i])) != std::string::npos) return i;
      }
    }
    return std::nullopt;
  }

 private:
  TempDir dir_;
  Properties extra_;
  std::unique_ptr<DevKafka> kafka_;
  std::vector<std::uint16_t> ports_;
  std::vector<std::unique_ptr<DistributedWorker>> workers_;
};

std::string source_connector(const std::string& name, const std::string& file, const std::string& topic) {
  return Json{{"name", name},
              {"config",
               {{"connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector"},
                {"tasks.max", "1"},
                {"file", file},
                {"topic", topic}}}}
      .dump();
}

// Every connector in `expected` RUNNING with `tasks` RUNNING tasks, seen from `worker`.
bool all_running(const DistributedWorker& worker, const std::set<std::string>& expected, std::size_t tasks = 1) {
  const Json all = worker.get("/connectors?expand=status");
  if (!all.is_object() || all.size() != expected.size()) return false;
  for (const auto& name : expected) {
    if (!all.contains(name)) return false;
    const Json& status = all[name]["status"];
    if (status["connector"]["state"] != "RUNNING" || status["tasks"].size() != tasks) return false;
    for (const auto& t : status["tasks"]) {
      if (t["state"] != "RUNNING") return false;
    }
  }
  return true;
}

// worker_id -> number of tasks it runs, from one worker's view.
std::map<std::string, int> tasks_per_worker(const DistributedWorker& worker) {
  std::map<std::string, int> out;
  const Json all = worker.get("/connectors?expand=status");
  if (!all.is_object()) return out;
  for (const auto& [name, entry] : all.items()) {
    for (const auto& t : entry["status"]["tasks"]) out[t["worker_id"].get<std::string>()]++;
  }
  return out;
}

std::set<std::string> create_sources(Cluster& cluster, int via, int count, const std::string& prefix = "src") {
  std::set<std::string> names;
  for (int i = 0; i < count; ++i) {
    const std::string name = prefix + std::to_string(i);
    const auto file = cluster.dir().path() / (name + ".txt");
    std::ofstream(file) << "line of " << name << "\n";
    HttpResponse r;
    // Right after start-up or a rebalance the answer may be a 409 (Kafka's clients retry those too).
    EXPECT_TRUE(wait_until(
        [&] {
          r = cluster[via].request("POST", "/connectors", source_connector(name, file.string(), "t" + std::to_string(i)));
          return r.status != 409 && r.status != 0;
        },
        30s, "POST /connectors " + name));
    EXPECT_EQ(r.status, 201) << r.body;
    names.insert(name);
  }
  return names;
}

TEST(Distributed, ConnectorsAreVisibleFromEveryWorkerAndTasksSpreadEvenly) {
  Cluster cluster;
  ASSERT_TRUE(cluster.wait_all_healthy());
  const auto names = create_sources(cluster, 1, 6);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(wait_until([&] { return all_running(cluster[i], names); }, 60s, "all RUNNING on worker " + cluster[i].id()));
  }
  // Identical expanded listings from all three (statuses and configs come from the shared topics).
  Json first;
  ASSERT_TRUE(wait_until(
      [&] {
        first = cluster[0].get("/connectors?expand=status&expand=info");
        return first == cluster[1].get("/connectors?expand=status&expand=info") &&
               first == cluster[2].get("/connectors?expand=status&expand=info");
      },
      30s, "identical listings"));
  EXPECT_EQ(first.size(), 6u);
  for (const auto& name : names) {
    EXPECT_EQ(first[name]["info"]["type"], "source");
    EXPECT_EQ(first[name]["info"]["tasks"].size(), 1u);
    EXPECT_EQ(first[name]["info"]["config"]["topic"].get<std::string>().substr(0, 1), "t");
  }
  // Spread: 6 tasks over 3 workers, at most ceil(6/3) + 1 each, and every worker id is one of ours.
  ASSERT_TRUE(wait_until(
      [&] {
        auto per_worker = tasks_per_worker(cluster[0]);
        int max = 0;
        for (const auto& [id, n] : per_worker) max = std::max(max, n);
        return per_worker.size() == 3 && max <= 3;
      },
      30s, "tasks spread over the three workers"));
  std::set<std::string> ids = {cluster[0].id(), cluster[1].id(), cluster[2].id()};
  for (const auto& [id, n] : tasks_per_worker(cluster[2])) EXPECT_TRUE(ids.count(id)) << id;

  // Reads and writes from any worker: config, tasks, pause/resume, delete.
  EXPECT_EQ(cluster[2].get("/connectors/src0/config")["file"], (cluster.dir().path() / "src0.txt").string());
  EXPECT_EQ(cluster[0].get("/connectors/src0/tasks").size(), 1u);
  EXPECT_EQ(cluster[2].request("PUT", "/connectors/src0/pause").status, 202);
  ASSERT_TRUE(wait_until([&] { return cluster[1].get("/connectors/src0/status")["connector"]["state"] == "PAUSED"; },
                         30s, "src0 PAUSED"));
  EXPECT_EQ(cluster[1].request("PUT", "/connectors/src0/resume").status, 202);
  ASSERT_TRUE(wait_until([&] { return cluster[0].get("/connectors/src0/status")["connector"]["state"] == "RUNNING"; },
                         30s, "src0 RUNNING again"));
  const HttpResponse deleted = cluster[2].request("DELETE", "/connectors/src5");
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  ASSERT_TRUE(wait_until([&] { return cluster[0].request("GET", "/connectors/src5/status").status == 404; }, 30s,
                         "src5 status gone"));
  // Every worker answers from its own copy of the config topic (as Kafka Connect's do), so each one learns of the
  // deletion when it has read the tombstone: wait for each, then check the answer's body.
  for (int i = 0; i < 3; ++i) {
    HttpResponse missing;
    ASSERT_TRUE(wait_until(
        [&] {
          missing = cluster[i].request("GET", "/connectors/src5");
          return missing.status == 404;
        },
        30s, "src5 gone on worker " + cluster[i].id()))
        << missing.status << " " << missing.body;
    EXPECT_EQ(Json::parse(missing.body)["message"], "Connector src5 not found");
  }
}

TEST(Distributed, FollowerForwardsAndLeaderLossAnswers409UntilANewLeaderIsElected) {
  Cluster cluster;
  ASSERT_TRUE(cluster.wait_all_healthy());
  std::optional<int> leader;
  ASSERT_TRUE(wait_until([&] { return (leader = cluster.leader()).has_value(); }, 30s, "a leader in the logs"));
  const int follower = (*leader + 1) % 3;
  // A follower receiving a leader-only write forwards it.
  const auto file = cluster.dir().path() / "fwd.txt";
  std::ofstream(file) << "x\n";
  const HttpResponse created = cluster[follower].request("POST", "/connectors", source_connector("fwd", file.string(), "t1"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("Location").value_or(""), "http://127.0.0.1:" + std::to_string(cluster[follower].port()) + "/connectors/fwd");
  EXPECT_EQ(Json::parse(created.body)["name"], "fwd");
  const HttpResponse duplicate = cluster[follower].request("POST", "/connectors", source_connector("fwd", file.string(), "t1"));
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(Json::parse(duplicate.body)["message"], "Connector fwd already exists");

  // The leader dies: until the group notices, the follower cannot reach a leader.
  cluster[*leader].process().stop(SIGKILL);
  const auto file2 = cluster.dir().path() / "after.txt";
  std::ofstream(file2) << "y\n";
  const HttpResponse refused = cluster[follower].request("POST", "/connectors", source_connector("after", file2.string(), "t2"));
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(Json::parse(refused.body)["message"],
            "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.");
  EXPECT_EQ(Json::parse(refused.body)["error_code"], 409);
  // Once the coordinator evicts the dead member and a new leader is elected, the same request succeeds.
  HttpResponse retried;
  const auto killed_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_until(
      [&] {
        retried = cluster[follower].request("POST", "/connectors", source_connector("after", file2.string(), "t2"));
        return retried.status != 409;
      },
      std::chrono::milliseconds(kSessionTimeoutMs) + 30s, "POST accepted by a new leader"));
  EXPECT_EQ(retried.status, 201) << retried.body;
  std::cout << "[distributed] a new leader accepted the write "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed_at).count()
            << " ms after the leader was killed\n";
}

// Values in a topic (StringConverter: one line per message).
std::vector<std::string> topic_values(const std::string& bootstrap, const std::string& topic) {
  const std::vector<std::string> argv = {"kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q",
                                         "-f", "%s\n"};
  const CommandResult r = run_command(argv, "", 60s);
  EXPECT_TRUE(r.status.success()) << r.describe(argv);
  std::vector<std::string> out;
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// PATCH config, restarts (plain, with a plan, single task), stop, the offsets API and resume, each sent to a
// different worker than the one running the connector where it matters, and checked from a third.
TEST(Distributed, LifecycleAndOffsetsWorkClusterWide) {
  Cluster cluster;
  ASSERT_TRUE(cluster.wait_all_healthy());
  const auto file = cluster.dir().path() / "life.txt";
  std::ofstream(file) << "one\ntwo\nthree\n";
  ASSERT_EQ(cluster[0].request("POST", "/connectors", source_connector("life", file.string(), "t3")).status, 201);
  ASSERT_TRUE(wait_until([&] { return all_running(cluster[2], {"life"}); }, 60s, "life RUNNING"));
  ASSERT_TRUE(wait_until([&] { return topic_values(cluster.bootstrap(), "t3").size() == 3; }, 60s, "three lines in t3"));

  // PATCH through any worker; every worker serves the new config.
  const HttpResponse patched = cluster[1].request("PATCH", "/connectors/life/config", R"({"batch.size":"100"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Json::parse(patched.body)["config"]["batch.size"], "100");
  ASSERT_TRUE(wait_until([&] { return cluster[2].get("/connectors/life/config")["batch.size"] == "100"; }, 30s,
                         "patched config everywhere"));

  // Restarts from every worker: the plain ones reach the owner (forwarded through the leader when needed).
  for (int i = 0; i < 3; ++i) {
    const HttpResponse plain = cluster[i].request("POST", "/connectors/life/restart");
    EXPECT_EQ(plain.status, 204) << cluster[i].id() << ": " << plain.body;
    const HttpResponse task = cluster[i].request("POST", "/connectors/life/tasks/0/restart");
    EXPECT_EQ(task.status, 204) << cluster[i].id() << ": " << task.body;
  }
  const HttpResponse plan = cluster[2].request("POST", "/connectors/life/restart?includeTasks=true");
  ASSERT_EQ(plan.status, 202) << plan.body;
  EXPECT_EQ(Json::parse(plan.body)["connector"]["state"], "RESTARTING");
  EXPECT_EQ(Json::parse(plan.body)["tasks"][0]["state"], "RESTARTING");
  ASSERT_TRUE(wait_until([&] { return all_running(cluster[0], {"life"}); }, 60s, "life RUNNING after restarts"));
  const HttpResponse unknown = cluster[1].request("POST", "/connectors/nope/tasks/0/restart");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Json::parse(unknown.body)["message"], "Unknown connector: nope");

  // Offsets can change only once STOPPED.
  const HttpResponse early = cluster[0].request("DELETE", "/connectors/life/offsets");
  EXPECT_EQ(early.status, 400);
  EXPECT_EQ(Json::parse(early.body)["message"],
            "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the "
            "specified connector by issuing a 'PUT' request to the '/connectors/life/stop' endpoint");
  EXPECT_EQ(cluster[1].request("PUT", "/connectors/life/stop").status, 204);
  ASSERT_TRUE(wait_until(
      [&] {
        const Json status = cluster[2].get("/connectors/life/status");
        return status.is_object() && status["connector"]["state"] == "STOPPED" && status["tasks"].empty() &&
               cluster[0].get("/connectors/life/tasks").empty();
      },
      60s, "life STOPPED with no tasks"));
  const std::string position = std::to_string(std::string("one\ntwo\nthree\n").size());
  ASSERT_TRUE(wait_until(
      [&] {
        const Json offsets = cluster[2].get("/connectors/life/offsets");
        return offsets.is_object() && offsets["offsets"].size() == 1 &&
               offsets["offsets"][0]["offset"]["position"].dump() == position;
      },
      30s, "source offset at the end of the file"))
      << cluster[2].get("/connectors/life/offsets").dump();
  EXPECT_EQ(cluster[0].get("/connectors/life/offsets")["offsets"][0]["partition"]["filename"], file.string());
  const HttpResponse altered = cluster[0].request(
      "PATCH", "/connectors/life/offsets",
      Json{{"offsets", {{{"partition", {{"filename", file.string()}}}, {"offset", {{"position", 0}}}}}}}.dump());
  ASSERT_EQ(altered.status, 200) << altered.body;
  EXPECT_EQ(Json::parse(altered.body)["message"], "The offsets for this connector have been altered successfully");
  ASSERT_TRUE(wait_until([&] { return cluster[1].get("/connectors/life/offsets")["offsets"][0]["offset"]["position"] == 0; },
                         30s, "offset 0 seen from another worker"));

  // Resume: the source starts again from the altered offset and sends the three lines once more.
  EXPECT_EQ(cluster[2].request("PUT", "/connectors/life/resume").status, 202);
  ASSERT_TRUE(wait_until([&] { return all_running(cluster[1], {"life"}); }, 60s, "life RUNNING after resume"));
  ASSERT_TRUE(wait_until([&] { return topic_values(cluster.bootstrap(), "t3").size() == 6; }, 60s, "lines sent again"));
  EXPECT_EQ(topic_values(cluster.bootstrap(), "t3"),
            (std::vector<std::string>{"one", "two", "three", "one", "two", "three"}));

  // Topic tracking: the status topic holds the connector's topics, so every worker answers the same; a reset on
  // one worker clears them everywhere, and the running task reports its topic again when it next produces.
  const Json expected_topics = Json{{"life", {{"topics", {"t3"}}}}};
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(wait_until([&] { return cluster[i].get("/connectors/life/topics") == expected_topics; }, 30s,
                           "topics on " + cluster[i].id()))
        << cluster[i].get("/connectors/life/topics").dump();
  }
  EXPECT_EQ(cluster[1].request("PUT", "/connectors/life/topics/reset").status, 202);
  // Every worker, the task's own included, must have read the reset before the next record: one produced
  // earlier counts for the old topic set (as in Kafka, where the task checks its worker's status cache).
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(wait_until(
        [&] { return cluster[i].get("/connectors/life/topics") == Json{{"life", {{"topics", Json::array()}}}}; },
        30s, "topics reset on " + cluster[i].id()));
  }
  std::ofstream(file, std::ios::app) << "four\n";
  EXPECT_TRUE(wait_until([&] { return cluster[0].get("/connectors/life/topics") == expected_topics; }, 30s,
                         "topic reported again after the reset"));

  // Cluster-scope logger level: written to the config topic, applied by every worker.
  const HttpResponse level = cluster[0].request("PUT", "/admin/loggers/sluice.worker?scope=cluster", R"({"level":"DEBUG"})");
  EXPECT_EQ(level.status, 204) << level.body;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(wait_until([&] { return cluster[i].get("/admin/loggers/sluice.worker")["level"] == "DEBUG"; }, 30s,
                           "DEBUG on " + cluster[i].id()));
  }
}

// POST /connectors/{name}/tasks is for workers only: with connect.protocol=sessioned (the default) the leader
// distributes a session key through the config topic and accepts only requests signed with it.
TEST(Distributed, InternalTaskConfigWritesMustBeSignedWithTheSessionKey) {
  Cluster cluster;
  ASSERT_TRUE(cluster.wait_all_healthy());
  const auto file = cluster.dir().path() / "signed.txt";
  std::ofstream(file) << "x\n";
  ASSERT_EQ(cluster[0].request("POST", "/connectors", source_connector("signed", file.string(), "t4")).status, 201);
  // The generated task configs travelled signed from whichever worker runs the connector.
  ASSERT_TRUE(wait_until([&] { return all_running(cluster[1], {"signed"}); }, 60s, "signed RUNNING"));
  const std::string body = R"([{"task.class":"org.apache.kafka.connect.file.FileStreamSourceTask","file":"/etc/passwd","topic":"t4"}])";
  for (int i = 0; i < 3; ++i) {
    const HttpResponse unsigned_request = cluster[i].request("POST", "/connectors/signed/tasks", body);
    EXPECT_EQ(unsigned_request.status, 400) << unsigned_request.body;
    EXPECT_EQ(Json::parse(unsigned_request.body)["message"], "Internal request missing required signature");
    HttpRequestOptions forged;
    forged.extra_headers = {{"X-Connect-Authorization", "c2lnbmF0dXJl"},
                            {"X-Connect-Request-Signature-Algorithm", "HmacSHA256"}};
    const HttpResponse forged_request = http_request(cluster[i].port(), "POST", "/connectors/signed/tasks", body, forged);
    EXPECT_EQ(forged_request.status, 403) << forged_request.body;
    EXPECT_EQ(Json::parse(forged_request.body)["message"], "Internal request contained invalid signature.");
  }
  // Nothing was written: the task still reads its own file.
  EXPECT_EQ(cluster[2].get("/connectors/signed/tasks")[0]["config"]["file"], file.string());
}

// Taking over a Kafka Connect cluster's topics: records written exactly as Java workers write them (a
// FileStreamSource connector, its task config and commit, a STARTED target state, its source offset) are read by
// sluice workers, which run the connector and resume from the migrated offset.
TEST(Distributed, AKafkaConnectClustersTopicsAreTakenOverWithTheirSourceOffsets) {
  TempDir files;
  const auto input = files.path() / "migrated.txt";
  std::ofstream(input) << "old-1\nold-2\nnew-3\nnew-4\n";
  const std::string file = input.string();
  auto produce = [](const std::string& bootstrap, const std::string& topic, const std::string& key,
                    const std::string& value) {
    const std::vector<std::string> argv = {"kcat", "-P", "-b", bootstrap, "-t", topic, "-K", "\t", "-z", "none"};
    const CommandResult r = run_command(argv, key + "\t" + value + "\n", 30s);
    ASSERT_TRUE(r.status.success()) << r.describe(argv);
  };
  const std::string connector_json =
      R"({"properties":{"connector.class":"org.apache.kafka.connect.file.FileStreamSourceConnector","file":")" + file +
      R"(","name":"migrated","tasks.max":"1","topic":"t5"}})";
  const std::string task_json =
      R"({"properties":{"connector.class":"org.apache.kafka.connect.file.FileStreamSourceConnector","file":")" + file +
      R"(","name":"migrated","task.class":"org.apache.kafka.connect.file.FileStreamSourceTask","tasks.max":"1","topic":"t5"}})";
  Cluster cluster(3, {}, [&](const std::string& bootstrap) {
    produce(bootstrap, "connect-configs", "connector-migrated", connector_json);
    produce(bootstrap, "connect-configs", "task-migrated-0", task_json);
    produce(bootstrap, "connect-configs", "commit-migrated", R"({"tasks":1})");
    produce(bootstrap, "connect-configs", "target-state-migrated", R"({"state":"STARTED","state.v2":"STARTED"})");
    // "old-1\nold-2\n" was already sent by the Java worker: 12 bytes.
    produce(bootstrap, "connect-offsets", R"(["migrated",{"filename":")" + file + R"("}])", R"({"position":12})");
  });
  ASSERT_TRUE(cluster.wait_all_healthy());
  ASSERT_TRUE(wait_until([&] { return all_running(cluster[0], {"migrated"}); }, 60s, "migrated connector RUNNING"));
  EXPECT_EQ(cluster[1].get("/connectors/migrated/config")["file"], file);
  EXPECT_EQ(cluster[2].get("/connectors/migrated/tasks")[0]["config"]["task.class"],
            "org.apache.kafka.connect.file.FileStreamSourceTask");
  ASSERT_TRUE(wait_until([&] { return topic_values(cluster.bootstrap(), "t5").size() >= 2; }, 60s, "lines in t5"));
  EXPECT_EQ(topic_values(cluster.bootstrap(), "t5"), (std::vector<std::string>{"new-3", "new-4"}));
}

// Kills (or stops) the worker running most tasks and waits for every task to run on the others.
void failover(int signal, std::chrono::milliseconds bound, int delay_ms) {
  Cluster cluster(3, {{"scheduled.rebalance.max.delay.ms", std::to_string(delay_ms)}});
  ASSERT_TRUE(cluster.wait_all_healthy());
  const auto names = create_sources(cluster, 0, 6);
  ASSERT_TRUE(wait_until([&] { return all_running(cluster[0], names) && tasks_per_worker(cluster[0]).size() == 3; },
                         60s, "six sources RUNNING on three workers"));
  const std::string victim_id = cluster[2].id();
  const int survivor = 0;
  const auto stopped_at = std::chrono::steady_clock::now();
  const ExitStatus status = cluster[2].process().stop(signal, 20s);
  if (signal == SIGTERM) {
    EXPECT_TRUE(status.success()) << status.describe();
  }
  ASSERT_TRUE(wait_until(
      [&] {
        auto per_worker = tasks_per_worker(cluster[survivor]);
        return all_running(cluster[survivor], names) && per_worker.count(victim_id) == 0;
      },
      bound + 30s, "every task RUNNING on the surviving workers"));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - stopped_at);
  std::cout << "[distributed] " << (signal == SIGKILL ? "SIGKILL" : "SIGTERM") << " failover: all tasks RUNNING on the "
            << "survivors after " << took.count() << " ms (bound " << bound.count() << " ms)\n";
  EXPECT_LE(took, bound);
  if (std::getenv("SLUICE_TEST_VERBOSE")) std::cerr << cluster[0].cluster_log(120);
}

TEST(Distributed, SigkilledWorkersTasksMoveWithinSessionTimeoutPlusDelay) {
  // scheduled.rebalance.max.delay.ms=0: the work moves in the rebalance the coordinator starts when it expires the
  // dead member (the assignor's delayed path is covered by assignor_test; on the dev broker each extra rebalance
  // costs another 2.5 s hold).
  failover(SIGKILL, std::chrono::milliseconds(kSessionTimeoutMs + kRebalanceDelayMs + 5000), kRebalanceDelayMs);
}

TEST(Distributed, SigtermedWorkerLeavesTheGroupAndItsTasksMoveBeforeTheSessionTimeout) {
  // With a scheduled delay a departed worker's work waits for it to come back, whether it crashed or left (as in
  // Kafka); with 0 it moves in the very next rebalance, which a graceful leave starts at once.
  failover(SIGTERM, std::chrono::milliseconds(kSessionTimeoutMs), 0);
}

std::string seq_line(int seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08d", seq);
  return buf;
}

TEST(Distributed, RollingRestartOfAllWorkersLosesNoLine) {
  Cluster cluster;
  ASSERT_TRUE(cluster.wait_all_healthy());
  const auto input = cluster.dir().path() / "in.txt";
  const auto output = cluster.dir().path() / "out.txt";
  std::ofstream(input).close();
  const std::string source = Json{{"name", "seq-source"},
                                  {"config",
                                   {{"connector.class", "FileStreamSource"},
                                    {"tasks.max", "1"},
                                    {"file", input.string()},
                                    {"topic", "seq"}}}}
                                 .dump();
  const std::string sink = Json{{"name", "seq-sink"},
                                {"config",
                                 {{"connector.class", "FileStreamSink"},
                                  {"tasks.max", "1"},
                                  {"file", output.string()},
                                  {"topics", "seq"}}}}
                               .dump();
  ASSERT_EQ(cluster[0].request("POST", "/connectors", source).status, 201);
  ASSERT_EQ(cluster[0].request("POST", "/connectors", sink).status, 201);
  ASSERT_TRUE(wait_until([&] { return all_running(cluster[1], {"seq-source", "seq-sink"}); }, 60s, "pipeline RUNNING"));

  int written = 0;
  auto write_lines = [&](int count) {
    std::ofstream out(input, std::ios::app);
    for (int i = 0; i < count; ++i) out << seq_line(written++) << '\n';
  };
  write_lines(500);
  for (int i = 0; i < 3; ++i) {
    write_lines(500);
    const ExitStatus status = cluster[i].process().stop(SIGTERM, 20s);
    EXPECT_TRUE(status.success()) << cluster[i].id() << ": " << status.describe();
    write_lines(500);
    cluster.start(i);
    ASSERT_TRUE(cluster[i].wait_healthy());
    write_lines(500);
  }
  std::set<int> seen;
  auto read_output = [&] {
    seen.clear();
    std::ifstream in(output);
    for (std::string l; std::getline(in, l);) {
      if (!l.empty()) seen.insert(std::stoi(l));
    }
    return static_cast<int>(seen.size()) == written;
  };
  ASSERT_TRUE(wait_until(read_output, 90s, "every line in the sink file"))
      << seen.size() << " of " << written << " distinct lines arrived";
  EXPECT_EQ(*seen.begin(), 0);
  EXPECT_EQ(*seen.rbegin(), written - 1);
}

TEST(Distributed, RebalanceAndFailoverTimesWithFiftyConnectors) {
  Cluster cluster(3, {{"scheduled.rebalance.max.delay.ms", "0"}});
  ASSERT_TRUE(cluster.wait_all_healthy());
  const auto start = std::chrono::steady_clock::now();
  const auto names = create_sources(cluster, 0, 50, "c");
  ASSERT_TRUE(wait_until([&] { return all_running(cluster[1], names); }, 180s, "50 connectors RUNNING"));
  const auto created = std::chrono::steady_clock::now();
  auto per_worker = tasks_per_worker(cluster[1]);
  int max = 0;
  for (const auto& [id, n] : per_worker) max = std::max(max, n);
  EXPECT_LE(max, static_cast<int>(std::ceil(50.0 / 3)) + 1);

  // A fourth worker joins: time from its start to the cluster being balanced again, everything RUNNING.
  cluster.start(3);
  ASSERT_TRUE(cluster[3].wait_healthy());
  ASSERT_TRUE(wait_until(
      [&] {
        auto spread = tasks_per_worker(cluster[0]);
        return all_running(cluster[0], names) && spread.size() == 4 && spread[cluster[3].id()] >= 50 / 4 - 1;
      },
      120s, "rebalanced over four workers"));
  const auto joined = std::chrono::steady_clock::now();
  const auto join_ms = std::chrono::duration_cast<std::chrono::milliseconds>(joined - created).count();

  // SIGKILL with scheduled.rebalance.max.delay.ms=0: failover time.
  const std::string victim = cluster[3].id();
  const auto killed_at = std::chrono::steady_clock::now();
  cluster[3].process().stop(SIGKILL);
  ASSERT_TRUE(wait_until([&] { return all_running(cluster[0], names) && tasks_per_worker(cluster[0]).count(victim) == 0; },
                         120s, "failover after SIGKILL"));
  const auto failover_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed_at).count();
  std::cout << "[distributed] 50 connectors (50 tasks) on 3 workers: created and all RUNNING in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(created - start).count()
            << " ms; a 4th worker joined and took work within " << join_ms << " ms; failover after SIGKILL "
            << failover_ms << " ms (session.timeout.ms=" << kSessionTimeoutMs << ", delay 0)\n";
}

}  // namespace
}  // namespace sluice::test
