#pragma once
// PluginRegistry: the PluginCatalog implementation. It holds the built-in components registered by app/
// and the components of every .so plugin loaded from plugin.path, the plugins that were rejected with
// their reasons, and creates instances (adapting .so components to core/api).
//
// Lifecycle: app/ creates one registry at start-up, registers built-ins, then loads plugin.path; after that
// it is only read. Loading and lookups are thread-safe. Accepted plugin libraries are never unloaded while
// the registry or any instance created from it lives.

#include "core/api/builtin.hpp"
#include "core/api/plugin_catalog.hpp"
#include "core/common/thread_annotations.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::host {

struct LoadReport {
  std::size_t loaded = 0;    // plugin libraries accepted
  std::size_t rejected = 0;  // plugin libraries rejected
  // plugin.path directories (or plugin subdirectories) that could not be read; also in rejected().
  std::vector<api::RejectedPlugin> path_errors;
};

class PluginRegistry final : public api::PluginCatalog {
 public:
  PluginRegistry();
  ~PluginRegistry() override;
  PluginRegistry(const PluginRegistry&) = delete;
  PluginRegistry& operator=(const PluginRegistry&) = delete;

  // Register built-ins before loading plugins, so a plugin that reuses a built-in name is the one rejected.
  // Throws ConnectError when the class name or an alias is already taken for that kind.
  void register_builtin(api::BuiltinPlugin plugin);

  // Kafka's plugin.path: comma-separated directories (see discovery.hpp).
  LoadReport load_plugin_path(std::string_view plugin_path);
  LoadReport load_directories(const std::vector<std::string>& directories);
  // Loads one plugin library; false when it was rejected (the reason is in rejected()).
  bool load_library(const std::filesystem::path& file);

  // api::PluginCatalog. plugins() is sorted by class name, then kind. find() looks in the connector
  // namespace first, then converters, header converters, transformations, predicates, config providers.
  std::vector<api::PluginInfo> plugins() const override;
  std::vector<api::RejectedPlugin> rejected() const override;
  const api::PluginInfo* find(std::string_view class_or_alias) const override;
  // The reason of the rejected plugin that declared this name, unless an accepted plugin provides it.
  std::optional<std::string> rejection_for(std::string_view class_or_alias) const override;

  std::unique_ptr<api::Connector> create_connector(std::string_view class_or_alias,
                                                   api::ConnectorContext& ctx) override;
  std::unique_ptr<api::SourceTask> create_source_task(std::string_view connector_class,
                                                      api::SourceTaskContext& ctx) override;
  std::unique_ptr<api::SinkTask> create_sink_task(std::string_view connector_class,
                                                  api::SinkTaskContext& ctx) override;
  std::unique_ptr<api::Converter> create_converter(std::string_view class_or_alias) override;
  std::unique_ptr<api::HeaderConverter> create_header_converter(std::string_view class_or_alias) override;
  std::unique_ptr<api::Transformation> create_transformation(std::string_view class_or_alias) override;
  std::unique_ptr<api::Predicate> create_predicate(std::string_view class_or_alias) override;
  std::unique_ptr<api::ConfigProvider> create_config_provider(std::string_view class_or_alias) override;

 private:
  struct Entry;
  // Names are unique per namespace; source and sink connectors share one, as connector.class does.
  enum class Namespace : std::uint8_t {
    Connector,
    Converter,
    HeaderConverter,
    Transformation,
    Predicate,
    ConfigProvider
  };
  using NameKey = std::pair<Namespace, std::string>;

  static Namespace namespace_of(api::PluginKind kind);
  const Entry* lookup(Namespace ns, std::string_view name) const SLUICE_EXCLUDES(mu_);
  const Entry& require(Namespace ns, std::string_view name) const SLUICE_EXCLUDES(mu_);
  // The rejection reason when a name of `entries` is taken (check 11), or nullopt.
  std::optional<std::string> find_duplicate(const std::filesystem::path& file,
                                            const std::vector<std::unique_ptr<Entry>>& entries) const
      SLUICE_EXCLUDES(mu_);
  void reject(const std::filesystem::path& file, std::string reason, std::vector<std::string> declared_names)
      SLUICE_EXCLUDES(mu_);

  // Serialises loading and registration, so the duplicate check and the insertion see the same state.
  Mutex load_mu_;
  mutable Mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_ SLUICE_GUARDED_BY(mu_);
  std::map<NameKey, const Entry*> index_ SLUICE_GUARDED_BY(mu_);
  std::vector<api::RejectedPlugin> rejected_ SLUICE_GUARDED_BY(mu_);
  // Declared name -> index into rejected_, first rejection wins.
  std::map<std::string, std::size_t, std::less<>> rejected_names_ SLUICE_GUARDED_BY(mu_);
};

}  // namespace sluice::host
