// A small plugin for the worker's integration tests, built only against the SDK:
//
//   sluice.test.FailingSourceConnector (FailingSource)
//     fail.in=start|poll: the task throws com.example.BoomException "boom in <start|poll>"; with poll it
//     first emits `records.before.failure` records (values "r0", "r1", ...) to `topic`.
//     extra.tasks=N: task_configs returns tasks.max + N configs (for tasks.max.enforce).
//   sluice.test.RetrySinkConnector (RetrySink)
//     put() of a non-empty batch appends "attempt: <values>" to `file`; the first `retriable.failures` such
//     calls then throw RetriableError, the others append "ok: <values>".

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "sluice/sdk/plugin.hpp"
#include "sluice/sdk/sdk.hpp"

namespace {

using sluice::sdk::ConfigMap;

std::string get(const ConfigMap& config, const std::string& key, const std::string& fallback = "") {
  const auto it = config.find(key);
  return it == config.end() ? fallback : it->second;
}

class FailingSourceConnector final : public sluice::sdk::SourceConnector {
 public:
  void start(const ConfigMap& config) override { config_ = config; }
  std::vector<ConfigMap> task_configs(std::int32_t max_tasks) override {
    const int extra = std::stoi(get(config_, "extra.tasks", "0"));
    return std::vector<ConfigMap>(static_cast<std::size_t>(max_tasks + extra), config_);
  }
  void stop() override {}

 private:
  ConfigMap config_;
};

class FailingSourceTask final : public sluice::sdk::SourceTask {
 public:
  void start(const ConfigMap& config) override {
    fail_in_ = get(config, "fail.in", "poll");
    topic_ = get(config, "topic", "failing");
    before_failure_ = std::stoi(get(config, "records.before.failure", "0"));
    if (fail_in_ == "start") throw sluice::sdk::ConnectError("boom in start", "com.example.BoomException");
  }
  std::vector<sluice::sdk::SourceRecord> poll() override {
    if (sent_ < before_failure_) {
      std::vector<sluice::sdk::SourceRecord> out;
      for (; sent_ < before_failure_; ++sent_) {
        out.push_back(sluice::sdk::SourceRecord{
            .source_partition = sluice::sdk::Value::string_map({{"source", sluice::sdk::Value::string("failing")}}),
            .source_offset = sluice::sdk::Value::string_map({{"seq", sluice::sdk::Value::int64(sent_)}}),
            .topic = topic_,
            .value_schema = sluice::sdk::Schema::string(),
            .value = sluice::sdk::Value::string("r" + std::to_string(sent_))});
      }
      return out;
    }
    if (fail_in_ == "poll") throw sluice::sdk::ConnectError("boom in poll", "com.example.BoomException");
    wait_for_stop(std::chrono::milliseconds(200));
    return {};
  }
  void stop() override {}

 private:
  std::string fail_in_;
  std::string topic_;
  int before_failure_ = 0;
  int sent_ = 0;
};

class RetrySinkConnector final : public sluice::sdk::SinkConnector {
 public:
  void start(const ConfigMap& config) override { config_ = config; }
  std::vector<ConfigMap> task_configs(std::int32_t max_tasks) override {
    return std::vector<ConfigMap>(static_cast<std::size_t>(max_tasks), config_);
  }
  void stop() override {}

 private:
  ConfigMap config_;
};

class RetrySinkTask final : public sluice::sdk::SinkTask {
 public:
  void start(const ConfigMap& config) override {
    file_ = get(config, "file");
    failures_left_ = std::stoi(get(config, "retriable.failures", "0"));
  }
  void put(std::vector<sluice::sdk::SinkRecord> records) override {
    if (records.empty()) return;
    std::string values;
    for (const auto& r : records) {
      if (!values.empty()) values += ",";
      values += r.value.kind() == sluice::sdk::Value::Kind::String ? r.value.as_string() : std::string("?");
    }
    std::ofstream out(file_, std::ios::app);
    out << "attempt: " << values << "\n";
    if (failures_left_ > 0) {
      --failures_left_;
      out.close();
      throw sluice::sdk::RetriableError("not now");
    }
    out << "ok: " << values << "\n";
  }
  void stop() override {}

 private:
  std::string file_;
  int failures_left_ = 0;
};

}  // namespace

SLUICE_PLUGIN("worker-test", "1.0.0",
              sluice::sdk::source_connector<FailingSourceConnector, FailingSourceTask>("sluice.test.FailingSourceConnector",
                                                                                       {"FailingSource"}),
              sluice::sdk::sink_connector<RetrySinkConnector, RetrySinkTask>("sluice.test.RetrySinkConnector",
                                                                             {"RetrySink"}))
