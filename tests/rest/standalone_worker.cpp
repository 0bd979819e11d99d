#include "tests/rest/standalone_worker.hpp"

namespace sluice::test {

using namespace std::chrono_literals;

Properties base_worker_properties(const TempDir& dir, const std::string& bootstrap) {
  return {
      {"bootstrap.servers", bootstrap},
      {"offset.storage.file.filename", (dir / "connect.offsets").string()},
      {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
      {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
      {"offset.flush.interval.ms", "500"},
      {"plugin.path", SLUICE_PLUGIN_DIR},
      {"consumer.session.timeout.ms", "6000"},
      {"consumer.heartbeat.interval.ms", "1000"},
  };
}

StandaloneWorker::StandaloneWorker(const TempDir& dir, StandaloneWorkerOptions options)
    : port_(options.port != 0 ? options.port : free_port()) {
  std::string text;
  for (const auto& [key, value] : options.properties) {
    if (key != "listeners") text += key + "=" + value + "\n";
  }
  text += "listeners=http://127.0.0.1:" + std::to_string(port_) + "\n";
  const auto file = dir.write(options.file_name, text);
  std::vector<std::string> argv = {sluice_executable().string(), "standalone", file.string()};
  argv.insert(argv.end(), options.connector_files.begin(), options.connector_files.end());
  started_at_ = std::chrono::steady_clock::now();
  process_ = std::make_unique<Process>(argv, ProcessOptions{.name = "sluice standalone"});
}

std::string StandaloneWorker::worker_id() const { return "127.0.0.1:" + std::to_string(port_); }

std::string StandaloneWorker::base_url() const { return "http://" + worker_id(); }

::testing::AssertionResult StandaloneWorker::wait_ready(std::chrono::milliseconds timeout) {
  bool exited = false;
  const bool ready = poll_until(
      [&] {
        if (!process_->running()) {
          exited = true;
          return true;
        }
        return request("GET", "/connectors", std::nullopt, {.timeout = 5s}).status == 200;
      },
      timeout);
  if (ready && !exited) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (exited) {
    failure << "sluice standalone exited during start-up ("
            << (process_->exit_status() ? process_->exit_status()->describe() : "unknown") << ")";
  } else {
    failure << "Timed out after " << timeout.count() << " ms waiting for GET /connectors to answer 200";
  }
  return failure << "\nworker log:\n" << log();
}

HttpResponse StandaloneWorker::request(const std::string& method, const std::string& target,
                                       const std::optional<std::string>& body,
                                       const HttpRequestOptions& options) const {
  return http_request(port_, method, target, body, options);
}

}  // namespace sluice::test
