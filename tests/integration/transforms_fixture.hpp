#pragma once
// What the transforms_* and errors_* integration tests share: a Worker (core/worker) against `sluice
// dev-kafka`, with the built-in converters, transformations and config providers and the real plugins
// (FileStream, the worker's fixture plugin) loaded through plugins/host, as `sluice standalone` sets them up;
// kcat to read topics (JSON envelope, so keys, headers and timestamps are exact) and a producer to write
// records.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/convert/builtins.hpp"
#include "core/kafka/producer.hpp"
#include "core/storage/memory_offset_store.hpp"
#include "core/transforms/builtins.hpp"
#include "core/worker/config_providers.hpp"
#include "core/worker/worker.hpp"
#include "core/worker/worker_config.hpp"
#include "plugins/host/registry.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/worker_properties.hpp"

namespace sluice::test {

using namespace std::chrono_literals;
using worker::StringMap;

inline constexpr auto kWait = 60s;

// The latest state and trace of every connector and task.
class RecordingListener final : public worker::StatusListener {
 public:
  void on_connector_state(const std::string& connector, State state,
                          const std::optional<std::string>& trace) override {
    std::lock_guard lock(mu_);
    connectors_[connector] = {state, trace};
  }
  void on_task_state(const ConnectorTaskId& id, State state,
                     const std::optional<std::string>& trace) override {
    std::lock_guard lock(mu_);
    tasks_[id] = {state, trace};
  }
  std::optional<State> task_state(const ConnectorTaskId& id) const {
    std::lock_guard lock(mu_);
    const auto it = tasks_.find(id);
    return it == tasks_.end() ? std::nullopt : std::optional<State>(it->second.first);
  }
  std::optional<State> connector_state(const std::string& name) const {
    std::lock_guard lock(mu_);
    const auto it = connectors_.find(name);
    return it == connectors_.end() ? std::nullopt : std::optional<State>(it->second.first);
  }
  std::string task_trace(const ConnectorTaskId& id) const {
    std::lock_guard lock(mu_);
    const auto it = tasks_.find(id);
    return it == tasks_.end() ? "<no status>" : it->second.second.value_or("<no trace>");
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::pair<State, std::optional<std::string>>> connectors_;
  std::map<ConnectorTaskId, std::pair<State, std::optional<std::string>>> tasks_;
};

struct TestRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<kafka::Header> headers;
  std::optional<std::int64_t> timestamp;
};

class WorkerFixture : public ::testing::Test {
 protected:
  explicit WorkerFixture(std::vector<std::string> topics)
      : kafka_(DevKafka::Options{.topics = std::move(topics)}) {
    for (auto& plugin : convert::builtin_converters()) registry_.register_builtin(std::move(plugin));
    for (auto& plugin : transforms::builtin_transformations()) registry_.register_builtin(std::move(plugin));
    for (auto& plugin : worker::builtin_config_providers()) registry_.register_builtin(std::move(plugin));
    const auto file = registry_.load_plugin_path(std::string(SLUICE_PLUGIN_DIR) + "/file");
    const auto fixtures = registry_.load_plugin_path(std::string(SLUICE_TEST_PLUGIN_DIR) + "/worker-test");
    if (file.loaded != 1 || fixtures.loaded != 1) {
      std::string reasons;
      for (const auto& r : registry_.rejected()) reasons += r.location + ": " + r.reason + "\n";
      throw std::runtime_error("plugins did not load:\n" + reasons);
    }
  }

  StringMap worker_props(StringMap extra) {
    return test::worker_test_properties(kafka_.bootstrap(), dir_ / "connect.offsets", std::move(extra));
  }

  worker::Worker& start_worker(StringMap extra = {}) {
    config_ = std::make_unique<worker::WorkerConfig>(worker_props(std::move(extra)),
                                                     worker::WorkerMode::Standalone);
    worker_ = std::make_unique<worker::Worker>("127.0.0.1:8083", *config_, registry_, offsets_, listener_);
    return *worker_;
  }

  // Starts a connector and its tasks as a herder would (`config` already resolved); returns the task ids.
  std::vector<ConnectorTaskId> run_connector(const std::string& name, const StringMap& config,
                                             bool wait_running = true) {
    worker_->start_connector(name, config, TargetState::Started, [] {});
    EXPECT_TRUE(wait_until([&] { return listener_.connector_state(name) == State::Running; }, kWait,
                           "connector " + name + " RUNNING"));
    std::vector<ConnectorTaskId> ids;
    const auto task_configs = worker_->connector_task_configs(name);
    for (std::size_t i = 0; i < task_configs.size(); ++i) {
      ConnectorTaskId id{name, static_cast<int>(i)};
      worker_->start_task(id, config, task_configs[i], TargetState::Started);
      ids.push_back(id);
    }
    if (wait_running) {
      for (const auto& id : ids) {
        EXPECT_TRUE(wait_until([&] { return listener_.task_state(id) == State::Running; }, kWait,
                               "task " + id.to_string() + " RUNNING"))
            << listener_.task_trace(id);
      }
    }
    return ids;
  }

  void stop_connector(const std::string& name, const std::vector<ConnectorTaskId>& tasks) {
    worker_->stop_tasks(tasks);
    worker_->stop_connector(name);
  }

  void produce(const std::string& topic, const std::vector<TestRecord>& records) {
    kafka::Producer producer({{"bootstrap.servers", kafka_.bootstrap()}}, "test producer",
                             [](const kafka::DeliveryReport&) {});
    for (const auto& r : records) {
      ASSERT_TRUE(producer.send({.topic = topic,
                                 .partition = 0,
                                 .key = r.key,
                                 .value = r.value,
                                 .headers = r.headers,
                                 .timestamp = r.timestamp},
                                nullptr, 5s));
    }
    ASSERT_TRUE(producer.flush(10s));
  }

  // Every record of every partition of `topic`, as kcat's JSON envelopes (-J): topic, partition, offset,
  // tstype, ts, headers ["k","v",...], key, payload.
  std::vector<nlohmann::json> records(const std::string& topic) {
    const auto result = run_command(
        {"kcat", "-C", "-b", kafka_.bootstrap(), "-t", topic, "-o", "beginning", "-e", "-q", "-J"}, "", 30s);
    std::vector<nlohmann::json> out;
    if (!result.status.success()) return out;  // the topic does not exist (yet)
    std::istringstream in(result.out);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    }
    return out;
  }

  // The payloads of a topic, in order (one partition) or grouped by partition.
  std::vector<std::string> payloads(const std::string& topic) {
    std::vector<std::string> out;
    for (const auto& r : records(topic))
      out.push_back(r["payload"].is_null() ? "<null>" : r["payload"].get<std::string>());
    return out;
  }

  TempDir dir_{"transforms-it"};
  DevKafka kafka_;
  host::PluginRegistry registry_;
  RecordingListener listener_;
  storage::MemoryOffsetStore offsets_;
  std::unique_ptr<worker::WorkerConfig> config_;
  std::unique_ptr<worker::Worker> worker_;  // last: stopped before the rest goes
};

}  // namespace sluice::test
