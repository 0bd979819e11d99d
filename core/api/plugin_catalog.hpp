#pragma once
// How the runtime sees plugins: one catalog of every connector, converter, header converter,
// transformation, predicate and config provider, built-in or loaded from a .so. The runtime never
// includes plugins/host; app/ injects the implementation.

#include "core/api/connector.hpp"
#include "core/api/converter.hpp"
#include "core/api/transformation.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::api {

enum class PluginKind : std::uint8_t {
  SourceConnector, SinkConnector, Converter, HeaderConverter, Transformation, Predicate, ConfigProvider
};
// Kafka's REST names: "source", "sink", "converter", "header_converter", "transformation", "predicate",
// "config_provider".
const char* plugin_kind_name(PluginKind kind);

struct PluginInfo {
  std::string class_name;
  std::vector<std::string> aliases;
  PluginKind kind = PluginKind::SourceConnector;
  std::string version;   // empty: none
  std::string location;  // the .so path, or "builtin"
  std::string documentation;
  const config::ConfigDef* config_def = nullptr;  // owned by the catalog, valid while it lives
};

struct RejectedPlugin {
  std::string location;  // file or directory
  std::string reason;    // one sentence: file, expected vs found, what to do
};

class PluginCatalog {
 public:
  virtual ~PluginCatalog() = default;
  virtual std::vector<PluginInfo> plugins() const = 0;
  virtual std::vector<RejectedPlugin> rejected() const = 0;
  // By class name or alias; nullptr when unknown.
  virtual const PluginInfo* find(std::string_view class_or_alias) const = 0;
  // Rejection reason when `class_or_alias` names a class of a rejected plugin, or nullopt.
  virtual std::optional<std::string> rejection_for(std::string_view class_or_alias) const = 0;

  // Factories throw NotFoundError naming the class (with the rejection reason when there is one) or
  // ConnectError when the plugin fails to create the instance. Contexts must outlive the instance.
  virtual std::unique_ptr<Connector> create_connector(std::string_view class_or_alias, ConnectorContext& ctx) = 0;
  virtual std::unique_ptr<SourceTask> create_source_task(std::string_view connector_class, SourceTaskContext& ctx) = 0;
  virtual std::unique_ptr<SinkTask> create_sink_task(std::string_view connector_class, SinkTaskContext& ctx) = 0;
  virtual std::unique_ptr<Converter> create_converter(std::string_view class_or_alias) = 0;
  virtual std::unique_ptr<HeaderConverter> create_header_converter(std::string_view class_or_alias) = 0;
  virtual std::unique_ptr<Transformation> create_transformation(std::string_view class_or_alias) = 0;
  virtual std::unique_ptr<Predicate> create_predicate(std::string_view class_or_alias) = 0;
  virtual std::unique_ptr<ConfigProvider> create_config_provider(std::string_view class_or_alias) = 0;
};

}  // namespace sluice::api
