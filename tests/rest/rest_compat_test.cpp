// Kafka Connect REST compatibility: data-driven cases (tests/rest/cases/*.json) run against one real
// `sluice standalone` worker (plus `sluice dev-kafka`), each case its own gtest test. The expected statuses,
// bodies and messages come from Kafka's REST contract (/work/shared/KAFKA-CONNECT-REFERENCE.md §1).
//
// A case file:
//   {"topics": ["name:partitions", ...],        topics the dev broker creates at start (optional)
//    "cases": [{
//      "name": "create_returns_201",
//      "worker": "default",                      a profile of tests/rest/workers.json (optional)
//      "setup": [<step>...],                     run first (optional)
//      "method": "POST", "path": "/connectors",
//      "body": {...}                             any JSON, sent serialised
//        | "body_raw": "text"                    sent verbatim
//        | "body_raw_repeat": {"text": "x", "count": N},
//      "content_type": "text/plain" | null,      default application/json (only with a body)
//      "expect": <expectation>,
//      "then": [<step>...]}]}                    checks after the request (optional)
//
// <expectation>: "status"; "body" (exact JSON) or "json_subset" (objects may have more keys), both with the
// markers of json_match.hpp; "body_raw" (exact text, "" for no entity); "body_contains" (string or list);
// "headers" ({"Location": "...", "Allow": "$absent"}); "array_order" ({"field": "type", "order": [...]}:
// the array's elements come grouped in that order of their `field`).
//
// <step>: a request ({"method", "path", "body"..., "expect"}: default expectation any 2xx);
//   {"wait": {"path", "status" (default 200), "body" | "json_subset", "timeout_ms" (default 30000)}}:
//   GET until it matches; {"write_file": {"path", "content"}}; {"append_file": {"path", "content"}};
//   {"mkdir": "path"}; {"wait_file": {"path", "content", "timeout_ms"}}.
//
// Strings may use ${PORT}, ${BASE_URL}, ${WORKER_ID}, ${TMP} (a directory private to the case) and ${CASE}
// (the case name). Connectors a case creates are deleted after it, so cases are independent.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <iostream>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/rest/json_match.hpp"
#include "tests/rest/standalone_worker.hpp"
#include "tests/support/harness.hpp"

namespace sluice::test {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

const std::filesystem::path kRestDir = std::filesystem::path(SLUICE_SOURCE_DIR) / "tests" / "rest";

Json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  try {
    return Json::parse(in);
  } catch (const Json::exception& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

struct Case {
  std::string area;  // file stem
  std::string name;
  Json spec;
};

// gtest prints a failing parameter; the name is enough.
void PrintTo(const Case& c, std::ostream* out) { *out << c.area << "/" << c.name; }

std::vector<std::filesystem::path> case_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(kRestDir / "cases")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Case> load_cases() {
  std::vector<Case> cases;
  std::set<std::string> seen;
  for (const auto& file : case_files()) {
    const Json doc = read_json(file);
    for (const auto& spec : doc.at("cases")) {
      Case c{file.stem().string(), spec.at("name").get<std::string>(), spec};
      if (!seen.insert(c.area + "/" + c.name).second) {
        throw std::runtime_error("duplicate case name " + c.name + " in " + file.string());
      }
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

std::vector<std::string> all_topics() {
  std::vector<std::string> topics;
  for (const auto& file : case_files()) {
    const Json doc = read_json(file);
    if (doc.contains("topics")) {
      for (const auto& t : doc["topics"]) topics.push_back(t.get<std::string>());
    }
  }
  return topics;
}

// ---- the processes, shared by every case ------------------------------------------------------------------

// Started on first use and stopped (by PID) when the test program ends. The default worker starts up front
// so its start-up failure shows as one clear error; other profiles start when a case needs them.
class Cluster {
 public:
  static Cluster& get() {
    static Cluster instance;
    return instance;
  }

  void stop() {
    workers_.clear();
    kafka_.reset();
  }

  StandaloneWorker& worker(const std::string& profile) {
    if (auto it = workers_.find(profile); it != workers_.end()) return *it->second;
    if (!kafka_) kafka_ = std::make_unique<DevKafka>(DevKafka::Options{.topics = all_topics()});
    const Json profiles = read_json(kRestDir / "workers.json");
    if (!profiles.contains(profile) || profile.front() == '_') throw std::runtime_error("no worker profile '" + profile + "' in workers.json");
    auto dir = std::make_unique<TempDir>("rest-worker-" + profile);
    Properties props = base_worker_properties(*dir, kafka_->bootstrap());
    for (const auto& [key, value] : profiles[profile].items()) props[key] = value.get<std::string>();
    auto worker = std::make_unique<StandaloneWorker>(*dir, StandaloneWorkerOptions{.properties = props});
    auto ready = worker->wait_ready(60s);
    if (!ready) throw std::runtime_error(std::string("worker profile '") + profile + "': " + ready.message());
    dirs_.push_back(std::move(dir));
    return *(workers_[profile] = std::move(worker));
  }

  const TempDir& scratch() { return scratch_; }

 private:
  Cluster() = default;

  TempDir scratch_{"rest-cases"};
  std::unique_ptr<DevKafka> kafka_;
  std::vector<std::unique_ptr<TempDir>> dirs_;
  std::map<std::string, std::unique_ptr<StandaloneWorker>> workers_;
};

class ClusterEnvironment final : public ::testing::Environment {
 public:
  void SetUp() override { Cluster::get().worker("default"); }
  void TearDown() override { Cluster::get().stop(); }
};

// ---- one case -------------------------------------------------------------------------------------------------

std::string safe_name(const std::string& text) {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

class Runner {
 public:
  Runner(const Case& c, StandaloneWorker& worker, std::filesystem::path tmp)
      : case_(c), worker_(worker), tmp_(std::move(tmp)) {
    vars_ = {{"${PORT}", std::to_string(worker.port())},
             {"${BASE_URL}", worker.base_url()},
             {"${WORKER_ID}", worker.worker_id()},
             {"${TMP}", tmp_.string()},
             {"${CASE}", c.name}};
  }

  void run() {
    const Json spec = substitute(case_.spec);
    if (spec.contains("setup")) run_steps(spec["setup"], "setup");
    if (::testing::Test::HasFatalFailure()) return;
    if (spec.contains("method")) {
      const HttpResponse response = send(spec);
      check(response, spec.value("expect", Json::object()), "the case's request " + describe(spec));
    }
    if (::testing::Test::HasFatalFailure()) return;
    if (spec.contains("then")) run_steps(spec["then"], "then");
  }

  // Deletes every connector of the worker, so the next case starts from an empty worker.
  void cleanup() {
    const HttpResponse list = worker_.request("GET", "/connectors");
    if (list.status != 200) {
      ADD_FAILURE() << "cleanup: GET /connectors answered " << list.status << " " << list.body << list.error;
      return;
    }
    for (const auto& name : Json::parse(list.body)) {
      const HttpResponse deleted = worker_.request("DELETE", "/connectors/" + encode(name.get<std::string>()));
      EXPECT_EQ(deleted.status, 204) << "cleanup: DELETE connector " << name << ": " << deleted.body;
    }
  }

 private:
  static std::string encode(const std::string& name) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : name) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    return out;
  }

  std::string substitute(std::string text) const {
    for (const auto& [var, value] : vars_) {
      for (auto pos = text.find(var); pos != std::string::npos; pos = text.find(var, pos + value.size())) {
        text.replace(pos, var.size(), value);
      }
    }
    return text;
  }

  Json substitute(const Json& node) const {
    if (node.is_string()) return substitute(node.get<std::string>());
    if (node.is_array()) {
      Json out = Json::array();
      for (const auto& element : node) out.push_back(substitute(element));
      return out;
    }
    if (node.is_object()) {
      Json out = Json::object();
      for (const auto& [key, value] : node.items()) out[substitute(key)] = substitute(value);
      return out;
    }
    return node;
  }

  static std::string describe(const Json& request) {
    return request.value("method", "?") + " " + request.value("path", "?");
  }

  HttpResponse send(const Json& request) const {
    std::optional<std::string> body;
    if (request.contains("body")) body = request["body"].dump();
    if (request.contains("body_raw")) body = request["body_raw"].get<std::string>();
    if (request.contains("body_raw_repeat")) {
      const auto& repeat = request["body_raw_repeat"];
      std::string unit = repeat.at("text").get<std::string>();
      std::string text;
      const auto count = repeat.at("count").get<std::size_t>();
      text.reserve(unit.size() * count);
      for (std::size_t i = 0; i < count; ++i) text += unit;
      body = std::move(text);
    }
    HttpRequestOptions options;
    if (request.contains("content_type")) {
      options.content_type = request["content_type"].is_null()
                                 ? std::nullopt
                                 : std::optional<std::string>(request["content_type"].get<std::string>());
    }
    return worker_.request(request.at("method").get<std::string>(), request.at("path").get<std::string>(), body,
                           options);
  }

  // Empty when the response meets the expectation; else what is wrong.
  static std::string mismatch(const HttpResponse& response, const Json& expect) {
    if (response.status == 0) return "no response: " + response.error;
    std::ostringstream why;
    if (expect.contains("status")) {
      if (response.status != expect["status"].get<int>()) {
        why << "status " << response.status << ", expected " << expect["status"].get<int>() << "; ";
      }
    } else if (response.status < 200 || response.status > 299) {
      why << "status " << response.status << ", expected 2xx; ";
    }
    if (expect.contains("body_raw") && response.body != expect["body_raw"].get<std::string>()) {
      why << "body is not exactly " << expect["body_raw"].dump() << "; ";
    }
    if (expect.contains("body_contains")) {
      Json wanted = expect["body_contains"];
      if (!wanted.is_array()) wanted = Json::array({wanted});
      for (const auto& part : wanted) {
        if (response.body.find(part.get<std::string>()) == std::string::npos) {
          why << "body does not contain " << part.dump() << "; ";
        }
      }
    }
    for (const char* key : {"body", "json_subset", "array_order"}) {
      if (!expect.contains(key)) continue;
      Json actual;
      try {
        actual = Json::parse(response.body);
      } catch (const Json::exception& e) {
        why << "body is not JSON (" << e.what() << "); ";
        break;
      }
      if (std::string(key) == "array_order") {
        const auto& rule = expect[key];
        const std::string field = rule.at("field").get<std::string>();
        std::vector<std::string> order = rule.at("order").get<std::vector<std::string>>();
        std::size_t rank = 0;
        for (const auto& element : actual) {
          auto it = std::find(order.begin(), order.end(), element.value(field, ""));
          auto r = static_cast<std::size_t>(it - order.begin());
          if (r < rank) {
            why << "element " << element.dump() << " comes after a later '" << field << "' group; ";
            break;
          }
          rank = r;
        }
        continue;
      }
      auto mode = std::string(key) == "body" ? MatchMode::Exact : MatchMode::Subset;
      if (auto problem = json_mismatch(expect[key], actual, mode)) why << *problem << "; ";
    }
    if (expect.contains("headers")) {
      for (const auto& [name, wanted] : expect["headers"].items()) {
        auto value = response.header(name);
        if (wanted == "$absent") {
          if (value) why << "header " << name << " present (" << *value << "), expected none; ";
          continue;
        }
        if (!value) {
          why << "header " << name << " missing; ";
        } else if (auto problem = json_mismatch(wanted, Json(*value), MatchMode::Exact)) {
          why << "header " << name << ": " << *problem << "; ";
        }
      }
    }
    return why.str();
  }

  void check(const HttpResponse& response, const Json& expect, const std::string& what) {
    const std::string problem = mismatch(response, expect);
    if (problem.empty()) return;
    std::string headers;
    for (const auto& [k, v] : response.headers) headers += "\n  " + k + ": " + v;
    FAIL() << what << ": " << problem << "\nresponse " << response.status << " " << response.reason << headers
           << "\n" << response.body;
  }

  void run_steps(const Json& steps, const std::string& phase) {
    int index = 0;
    for (const auto& step : steps) {
      const std::string where = phase + " step " + std::to_string(index++);
      if (step.contains("method")) {
        check(send(step), step.value("expect", Json::object()), where + " (" + describe(step) + ")");
      } else if (step.contains("wait")) {
        wait(step["wait"], where);
      } else if (step.contains("write_file") || step.contains("append_file")) {
        const bool append = step.contains("append_file");
        const auto& spec = append ? step["append_file"] : step["write_file"];
        std::ofstream out(spec.at("path").get<std::string>(),
                          std::ios::binary | (append ? std::ios::app : std::ios::trunc));
        out << spec.at("content").get<std::string>();
        ASSERT_TRUE(out.good()) << where << ": cannot write " << spec["path"];
      } else if (step.contains("mkdir")) {
        std::filesystem::create_directories(step["mkdir"].get<std::string>());
      } else if (step.contains("wait_file")) {
        const auto& spec = step["wait_file"];
        const std::string path = spec.at("path").get<std::string>();
        const std::string content = spec.at("content").get<std::string>();
        ASSERT_TRUE(wait_until([&] { return read_file(path) == content; },
                               std::chrono::milliseconds(spec.value("timeout_ms", 30000)),
                               where + ": file " + path + " to hold " + Json(content).dump()))
            << "file holds " << Json(read_file(path)).dump();
      } else {
        FAIL() << where << ": unknown step " << step.dump();
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
  }

  void wait(const Json& spec, const std::string& where) {
    Json expect = Json::object();
    expect["status"] = spec.value("status", 200);
    for (const char* key : {"body", "json_subset", "body_contains"}) {
      if (spec.contains(key)) expect[key] = spec[key];
    }
    const std::string path = spec.at("path").get<std::string>();
    HttpResponse last;
    const bool ok = poll_until(
        [&] {
          last = worker_.request("GET", path);
          return mismatch(last, expect).empty();
        },
        std::chrono::milliseconds(spec.value("timeout_ms", 30000)));
    if (!ok) {
      FAIL() << where << ": timed out waiting for GET " << path << " to match: " << mismatch(last, expect)
             << "\nlast response " << last.status << ": " << last.body;
    }
  }

  const Case& case_;
  StandaloneWorker& worker_;
  std::filesystem::path tmp_;
  std::vector<std::pair<std::string, std::string>> vars_;
};

class RestCompat : public ::testing::TestWithParam<Case> {};

TEST_P(RestCompat, Case) {
  const Case& c = GetParam();
  StandaloneWorker& worker = Cluster::get().worker(c.spec.value("worker", "default"));
  const auto tmp = Cluster::get().scratch() / (c.area + "-" + safe_name(c.name));
  std::filesystem::create_directories(tmp);
  Runner runner(c, worker, tmp);
  runner.run();
  runner.cleanup();
  if (HasFailure()) {
    // The end of the worker's log usually says why.
    const std::string log = worker.log();
    std::cerr << "---- worker log (last 4000 bytes) ----\n"
              << log.substr(log.size() > 4000 ? log.size() - 4000 : 0) << "\n";
  }
}

INSTANTIATE_TEST_SUITE_P(Kafka, RestCompat, ::testing::ValuesIn(load_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return safe_name(info.param.area + "_" + info.param.name);
                         });

}  // namespace
}  // namespace sluice::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // gtest owns registered environments and deletes them at exit.
  ::testing::AddGlobalTestEnvironment(new sluice::test::ClusterEnvironment);
  return RUN_ALL_TESTS();
}
