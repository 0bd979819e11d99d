// Built with the C++ SDK: a connector whose start() throws a plain C++ exception and a task whose start()
// throws the SDK's RetriableError. The SDK must turn both into status codes with the message, and the host
// back into sluice exceptions.

#include "sluice/sdk/sdk.hpp"

#include <stdexcept>

namespace {

class ThrowingConnector final : public sluice::sdk::SourceConnector {
 public:
  void start(const sluice::sdk::ConfigMap&) override {
    throw std::runtime_error("cannot reach upstream at 127.0.0.1:9: connection refused");
  }
  std::vector<sluice::sdk::ConfigMap> task_configs(std::int32_t) override { return {{}}; }
  void stop() override {}
};

class ThrowingTask final : public sluice::sdk::SourceTask {
 public:
  void start(const sluice::sdk::ConfigMap&) override {
    throw sluice::sdk::RetriableError("upstream is busy");
  }
  std::vector<sluice::sdk::SourceRecord> poll() override { return {}; }
  void stop() override {}
};

}  // namespace

SLUICE_PLUGIN("throwing", "0.1.0",
              sluice::sdk::source_connector<ThrowingConnector, ThrowingTask>(
                  "org.sluice.fixture.ThrowingSourceConnector", {"ThrowingSource"}));
