// A small plugin for the worker's integration tests, built only against the SDK:
//
//   sluice.test.FailingSourceConnector (FailingSource)
//     fail.in=start|poll|never: the task throws com.example.BoomException "boom in <start|poll>"; with poll
//     (and never) it first emits `records.before.failure` records (values "r0", "r1", ...) to `topic`.
//     A poll() with nothing to return waits `idle.poll.ms` (default 200) or until the task is stopped.
//     extra.tasks=N: task_configs returns tasks.max + N configs (for tasks.max.enforce).
//   sluice.test.RetrySinkConnector (RetrySink)
//     put() of a non-empty batch appends "attempt: <values>" to `file`; the first `retriable.failures` such
//     calls then throw RetriableError, the others append "ok: <values>".
//   sluice.test.ErrantSinkConnector (ErrantSink)
//     put() appends each string value + "\n" to `file`, except values starting with "bad", which it hands to
//     the errant-record reporter as com.example.WriteRejected "cannot write <value>".
//   sluice.test.FlakyTransform (FlakyTransform), a transformation
//     the first `failures` calls of an instance throw RetriableError "flaky <n>"; a string value equal to
//     `reject` throws DataError "rejected <value>"; anything else passes unchanged.
//   sluice.test.EchoConfigProvider (EchoConfigProvider), a config provider
//     ${<name>:<path>:<key>} resolves to <key><suffix> (param `suffix`) for any non-empty path; nothing for
//     an empty path.

#include <chrono>
#include <cstdint>
#include <fstream>
#include <optional>
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
    idle_poll_ = std::chrono::milliseconds(std::stoi(get(config, "idle.poll.ms", "200")));
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
    wait_for_stop(idle_poll_);
    return {};
  }
  void stop() override {}

 private:
  std::chrono::milliseconds idle_poll_{200};
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
    pause_in_open_ = get(config, "pause.in.open", "false") == "true";
  }
  // With pause.in.open=true the task pauses every partition it is given (and notes it in the file), so it
  // should never see a record.
  void open(const std::vector<sluice::sdk::TopicPartition>& partitions) override {
    if (!pause_in_open_) return;
    context().pause(partitions);
    std::ofstream(file_, std::ios::app) << "paused in open: " << partitions.size() << "\n";
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
  bool pause_in_open_ = false;
};

class ErrantSinkConnector final : public sluice::sdk::SinkConnector {
 public:
  void start(const ConfigMap& config) override { config_ = config; }
  std::vector<ConfigMap> task_configs(std::int32_t max_tasks) override {
    return std::vector<ConfigMap>(static_cast<std::size_t>(max_tasks), config_);
  }
  void stop() override {}

 private:
  ConfigMap config_;
};

class ErrantSinkTask final : public sluice::sdk::SinkTask {
 public:
  void start(const ConfigMap& config) override { file_ = get(config, "file"); }
  void put(std::vector<sluice::sdk::SinkRecord> records) override {
    std::ofstream out(file_, std::ios::app);
    for (const auto& r : records) {
      const std::string value =
          r.value.kind() == sluice::sdk::Value::Kind::String ? r.value.as_string() : std::string("?");
      if (value.starts_with("bad")) {
        context().report_errant(r, "com.example.WriteRejected", "cannot write " + value);
        continue;
      }
      out << value << "\n";
    }
  }
  void stop() override {}

 private:
  std::string file_;
};

class FlakyTransform final : public sluice::sdk::Transformation {
 public:
  void configure(const ConfigMap& config) override {
    failures_left_ = std::stoi(get(config, "failures", "0"));
    reject_ = get(config, "reject");
  }
  std::optional<sluice::sdk::Record> apply(sluice::sdk::Record record) override {
    if (failures_left_ > 0) {
      --failures_left_;
      throw sluice::sdk::RetriableError("flaky " + std::to_string(++failed_));
    }
    if (!reject_.empty() && record.value.kind() == sluice::sdk::Value::Kind::String &&
        record.value.as_string() == reject_) {
      throw sluice::sdk::DataError("rejected " + reject_);
    }
    return record;
  }

 private:
  int failures_left_ = 0;
  int failed_ = 0;
  std::string reject_;
};

class EchoConfigProvider final : public sluice::sdk::ConfigProvider {
 public:
  void configure(const ConfigMap& config) override {
    const auto it = config.find("suffix");
    suffix_ = it == config.end() ? "" : it->second;
  }
  sluice::sdk::ConfigData get(std::string_view path, const std::vector<std::string>& keys) override {
    sluice::sdk::ConfigData out;
    if (path.empty()) return out;
    for (const auto& key : keys) out.data[key] = key + suffix_;
    return out;
  }

 private:
  std::string suffix_;
};

}  // namespace

SLUICE_PLUGIN("worker-test", "1.0.0",
              sluice::sdk::source_connector<FailingSourceConnector, FailingSourceTask>("sluice.test.FailingSourceConnector",
                                                                                       {"FailingSource"}),
              sluice::sdk::sink_connector<RetrySinkConnector, RetrySinkTask>("sluice.test.RetrySinkConnector",
                                                                             {"RetrySink"}),
              sluice::sdk::sink_connector<ErrantSinkConnector, ErrantSinkTask>("sluice.test.ErrantSinkConnector",
                                                                               {"ErrantSink"}),
              sluice::sdk::transformation<FlakyTransform>("sluice.test.FlakyTransform", {"FlakyTransform"}),
              sluice::sdk::config_provider<EchoConfigProvider>("sluice.test.EchoConfigProvider",
                                                               {"EchoConfigProvider"}))
