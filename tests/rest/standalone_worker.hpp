#pragma once
// StandaloneWorker: `sluice standalone` as a separate process for tests, with its REST listener on
// 127.0.0.1 and a port picked at run time. The REST compatibility runner and the standalone_* integration
// tests share it.
//
//   sluice::test::DevKafka kafka;
//   sluice::test::TempDir dir;
//   sluice::test::StandaloneWorker worker(dir, {.properties = base_worker_properties(dir, kafka.bootstrap())});
//   ASSERT_TRUE(worker.wait_ready());
//   auto r = worker.request("GET", "/connectors");
//
// Ownership: the object owns the process (stopped by PID in the destructor, see Process). Not thread-safe.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json_fwd.hpp>

#include "tests/rest/http_client.hpp"
#include "tests/support/harness.hpp"

namespace sluice::test {

using Properties = std::map<std::string, std::string>;

// The worker properties every test starts from: bootstrap.servers, a private offsets file in `dir`,
// StringConverter for keys and values, a 500 ms offset flush, plugin.path = the built connector plugins,
// and short consumer sessions (the dev broker keeps a dead sink member until its session times out).
Properties base_worker_properties(const TempDir& dir, const std::string& bootstrap);

struct StandaloneWorkerOptions {
  Properties properties;                     // `listeners` is added
  std::vector<std::string> connector_files;  // passed after the worker file
  std::uint16_t port = 0;                    // 0: a free port; set it to restart a worker on the same port
  std::string file_name = "worker.properties";
};

class StandaloneWorker {
 public:
  StandaloneWorker(const TempDir& dir, StandaloneWorkerOptions options);
  StandaloneWorker(const StandaloneWorker&) = delete;
  StandaloneWorker& operator=(const StandaloneWorker&) = delete;

  std::uint16_t port() const { return port_; }
  // Kafka's worker id for this listener: "127.0.0.1:<port>".
  std::string worker_id() const;
  std::string base_url() const;  // http://127.0.0.1:<port>
  Process& process() { return *process_; }
  std::string log() const { return process_->stderr_text(); }
  // When the process was started (for start-up timings).
  std::chrono::steady_clock::time_point started_at() const { return started_at_; }

  // Waits until GET /connectors answers 200 (during start-up every path is 404). Fails early, with the
  // worker's log, when the process exits.
  ::testing::AssertionResult wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(60));

  HttpResponse request(const std::string& method, const std::string& target,
                       const std::optional<std::string>& body = std::nullopt,
                       const HttpRequestOptions& options = {}) const;

 private:
  std::uint16_t port_;
  std::chrono::steady_clock::time_point started_at_;
  std::unique_ptr<Process> process_;
};

}  // namespace sluice::test
