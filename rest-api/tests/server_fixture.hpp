#pragma once
// Shared test fixture: a RestServer on 127.0.0.1 with a free port picked by the kernel, wired to a
// FakeHerder, plus a capture of everything logged on "sluice.rest".

#include "core/common/logging.hpp"
#include "rest-api/rest_server.hpp"
#include "rest-api/tests/fake_herder.hpp"
#include "rest-api/tests/test_client.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>
#include <thread>

namespace sluice::rest::testing {

class CaptureSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines() {
    std::lock_guard lock(lines_mu_);
    return lines_;
  }
  void clear() {
    std::lock_guard lock(lines_mu_);
    lines_.clear();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::lock_guard lock(lines_mu_);
    lines_.push_back(std::string(spdlog::level::to_string_view(msg.level).data()) + " " +
                     std::string(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  std::mutex lines_mu_;
  std::vector<std::string> lines_;
};

// Attached once, before any server thread logs (spdlog sink lists are not safe to change concurrently).
inline std::shared_ptr<CaptureSink> log_capture() {
  static const std::shared_ptr<CaptureSink> sink = [] {
    auto s = std::make_shared<CaptureSink>();
    auto logger = log::get("sluice.rest");
    logger->sinks().push_back(s);
    logger->set_level(spdlog::level::info);
    return s;
  }();
  return sink;
}

// Polls the captured log for a line containing all of `parts` (log lines are written after the response).
inline std::optional<std::string> wait_for_log(const std::vector<std::string>& parts,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    for (const auto& line : log_capture()->lines()) {
      bool all = std::all_of(parts.begin(), parts.end(),
                             [&](const std::string& p) { return line.find(p) != std::string::npos; });
      if (all) return line;
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

inline RestServerConfig local_config() {
  RestServerConfig config;
  config.listeners = "http://127.0.0.1:0";
  config.threads = 2;
  return config;
}

class RestFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    log_capture()->clear();
    server_ = std::make_unique<RestServer>(config());
    server_->start();
    server_->set_herder(&herder_);
    port_ = server_->ports().at(0);
  }
  void TearDown() override {
    herder_.release();
    server_->stop();
  }
  virtual RestServerConfig config() { return local_config(); }

  Response get(const std::string& target) { return http(port_, "GET", target); }
  Response send(const std::string& method, const std::string& target,
                const std::optional<std::string>& body = std::nullopt) {
    return http(port_, method, target, body);
  }
  // Adds a connector (and its status) to the fake herder.
  void add_connector(const std::string& name, int task_count = 1, const std::string& type = "source") {
    herder::ConnectorInfo info{name, {{"connector.class", "FileStreamSource"}, {"name", name}}, {}, type};
    herder::ConnectorStateInfo status{name, {"RUNNING", "worker1:8083", std::nullopt}, {}, type};
    for (int i = 0; i < task_count; ++i) {
      info.tasks.push_back({name, i});
      herder::TaskStateInfo task;
      task.id = i;
      task.state = "RUNNING";
      task.worker_id = "worker1:8083";
      status.tasks.push_back(task);
    }
    herder_.connectors_by_name[name] = info;
    herder_.statuses[name] = status;
  }

  FakeHerder herder_;
  std::unique_ptr<RestServer> server_;
  std::uint16_t port_ = 0;
};

inline std::string error_json(int status, const std::string& message) {
  return "{\"error_code\":" + std::to_string(status) + ",\"message\":\"" + message + "\"}";
}

}  // namespace sluice::rest::testing
