#pragma once
// Helpers shared by the host tests: fixture paths, a captured plugin log, temp dirs, and simple runtime
// contexts that record what plugins asked of them.

#include "core/api/connector.hpp"
#include "core/common/logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace sluice::host::testing {

inline std::string fixture_dir(const std::string& name) {
  return std::string(SLUICE_TEST_PLUGIN_DIR) + "/" + name;
}

// The single fixture library of a failure case: <dir>/<case>/libsluice_fixture_<case>.so
inline std::string fixture_file(const std::string& name) {
  return fixture_dir(name) + "/libsluice_fixture_" + name + ".so";
}

inline std::string good_plugin_file() {
  return fixture_dir("good") + "/good-plugin/libsluice_fixture_good.so";
}

// Collects what plugins log through the host API (logger "sluice.plugin"), message text only.
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<Sink>()) {
    logger_ = sluice::log::get("sluice.plugin");
    logger_->sinks().push_back(sink_);
    logger_->set_level(spdlog::level::trace);
  }
  ~LogCapture() {
    auto& sinks = logger_->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<std::string> lines() const { return sink_->lines(); }
  bool contains(const std::string& line) const {
    const auto all = lines();
    return std::find(all.begin(), all.end(), line) != all.end();
  }
  void clear() { sink_->clear(); }

 private:
  class Sink final : public spdlog::sinks::base_sink<std::mutex> {
   public:
    std::vector<std::string> lines() {
      std::lock_guard<std::mutex> lock(mutex_);
      return lines_;
    }
    void clear() {
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.clear();
    }

   protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
      lines_.emplace_back(msg.payload.data(), msg.payload.size());
    }
    void flush_() override {}

   private:
    std::vector<std::string> lines_;
  };

  std::shared_ptr<Sink> sink_;
  std::shared_ptr<spdlog::logger> logger_;
};

// A private directory removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("sluice-host-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class TestConnectorContext final : public api::ConnectorContext {
 public:
  const std::string& log_prefix() const override { return prefix_; }
  bool is_stopping() const override { return false; }
  void request_task_reconfiguration() override { ++reconfigurations; }
  void raise_error(const std::string& message) override { errors.push_back(message); }

  int reconfigurations = 0;
  std::vector<std::string> errors;

 private:
  std::string prefix_ = "[good-connector|worker] ";
};

class TestSourceTaskContext final : public api::SourceTaskContext {
 public:
  const std::string& log_prefix() const override { return prefix_; }
  bool is_stopping() const override { return stopping; }
  std::optional<data::Value> offset(const data::Value& partition) override {
    for (const auto& [p, o] : offsets) {
      if (p == partition) return o;
    }
    return std::nullopt;
  }

  std::atomic<bool> stopping{false};
  std::vector<std::pair<data::Value, data::Value>> offsets;

 private:
  std::string prefix_ = "[good-source|task-0] ";
};

struct ErrantReport {
  data::SinkRecord record;
  std::string error_class;
  std::string message;
};

class TestSinkTaskContext final : public api::SinkTaskContext {
 public:
  const std::string& log_prefix() const override { return prefix_; }
  bool is_stopping() const override { return false; }
  void seek(const api::TopicPartition& tp, std::int64_t offset) override { seeks.emplace_back(tp, offset); }
  void set_timeout(std::int64_t timeout_ms) override { timeout = timeout_ms; }
  void pause(const api::TopicPartition& tp) override { paused.push_back(tp); }
  void resume(const api::TopicPartition& tp) override { resumed.push_back(tp); }
  void request_commit() override { ++commit_requests; }
  std::vector<api::TopicPartition> assignment() const override { return assigned; }
  bool report_errant(const data::SinkRecord& record, const std::string& error_class,
                     const std::string& message) override {
    errant.push_back({record, error_class, message});
    return tolerate;
  }

  std::vector<api::TopicPartition> assigned;
  std::vector<std::pair<api::TopicPartition, std::int64_t>> seeks;
  std::optional<std::int64_t> timeout;
  std::vector<api::TopicPartition> paused;
  std::vector<api::TopicPartition> resumed;
  int commit_requests = 0;
  std::vector<ErrantReport> errant;
  bool tolerate = true;

 private:
  std::string prefix_ = "[good-sink|task-1] ";
};

}  // namespace sluice::host::testing
