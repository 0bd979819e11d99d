#include "core/api/connector.hpp"
#include "core/api/plugin_catalog.hpp"

namespace sluice::api {

const char* connector_type_name(ConnectorType type) {
  return type == ConnectorType::Source ? "source" : "sink";
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
