#include "core/api/connector.hpp"
#include "core/api/plugin_catalog.hpp"

namespace sluice::api {

const char* connector_type_name(ConnectorType type) {
  return type == ConnectorType::Source ? "source" : "sink";
}

namespace {

// poll()'s records as a batch: every record is imported (moved out).
class RecordsBatch final : public PolledSourceBatch {
 public:
  explicit RecordsBatch(std::vector<data::SourceRecord> records) : records_(std::move(records)) {}
  std::size_t size() const override { return records_.size(); }
  bool view(std::size_t /*i*/, RawSourceRecord& /*out*/) override { return false; }
  data::SharedValue partition(std::size_t i) override { return records_[i].source_partition; }
  data::Value offset(std::size_t i) const override { return records_[i].source_offset; }
  void import(std::size_t i, data::SourceRecord& out) override { out = std::move(records_[i]); }

 private:
  std::vector<data::SourceRecord> records_;
};

}  // namespace

std::unique_ptr<PolledSourceBatch> SourceTask::poll_batch() {
  return std::make_unique<RecordsBatch>(poll());
}

const char* plugin_kind_name(PluginKind kind) {
  switch (kind) {
    case PluginKind::SourceConnector: return "source";
    case PluginKind::SinkConnector: return "sink";
    case PluginKind::Converter: return "converter";
    case PluginKind::HeaderConverter: return "header_converter";
    case PluginKind::Transformation: return "transformation";
    case PluginKind::Predicate: return "predicate";
    case PluginKind::ConfigProvider: return "config_provider";
  }
  return "unknown";
}

}  // namespace sluice::api
