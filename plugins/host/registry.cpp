#include "plugins/host/registry.hpp"

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "plugins/host/abi_config.hpp"
#include "plugins/host/adapters.hpp"
#include "plugins/host/discovery.hpp"
#include "plugins/host/host_api.hpp"
#include "plugins/host/loader.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace sluice::host {
namespace fs = std::filesystem;

struct PluginRegistry::Entry {
  api::PluginInfo info;
  Namespace ns = Namespace::Connector;
  bool builtin = false;
  api::BuiltinPlugin builtin_factories;  // built-ins
  ComponentHandle handle;                // .so components
};

namespace {

constexpr const char* kBuiltinLocation = "builtin";

spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> instance = log::get("sluice.plugins.host");
  return *instance;
}

// The class name first, then each alias once (an alias equal to the class name or repeated adds nothing).
std::vector<std::string> names_of(const std::string& class_name, const std::vector<std::string>& aliases) {
  std::vector<std::string> names{class_name};
  for (const auto& alias : aliases) {
    if (std::find(names.begin(), names.end(), alias) == names.end()) names.push_back(alias);
  }
  return names;
}

std::string describe_owner(const api::PluginInfo& owner) {
  return owner.location == kBuiltinLocation ? std::string("sluice's built-in plugins") : owner.location;
}

struct KindWords {
  const char* interface_name;  // as in Kafka's "Failed to find any class that implements <X>"
  const char* plural;
};

// A built-in's factory; a BuiltinPlugin registered with the wrong factory is a programming error, reported
// rather than crashing on an empty std::function.
template <typename T>
std::unique_ptr<T> builtin_instance(const api::PluginInfo& info,
                                    const std::function<std::unique_ptr<T>()>& factory) {
  if (!factory) {
    throw ConnectError(fmt::format("Built-in plugin {} ({}) was registered without a factory for its kind",
                                   info.class_name, kind_label(info.kind)));
  }
  auto instance = factory();
  if (!instance) throw ConnectError(fmt::format("Built-in plugin {} returned no instance", info.class_name));
  return instance;
}

}  // namespace

PluginRegistry::PluginRegistry() = default;
PluginRegistry::~PluginRegistry() = default;

PluginRegistry::Namespace PluginRegistry::namespace_of(api::PluginKind kind) {
  switch (kind) {
    case api::PluginKind::SourceConnector:
    case api::PluginKind::SinkConnector: return Namespace::Connector;
    case api::PluginKind::Converter: return Namespace::Converter;
    case api::PluginKind::HeaderConverter: return Namespace::HeaderConverter;
    case api::PluginKind::Transformation: return Namespace::Transformation;
    case api::PluginKind::Predicate: return Namespace::Predicate;
    case api::PluginKind::ConfigProvider: return Namespace::ConfigProvider;
  }
  return Namespace::Connector;
}

void PluginRegistry::register_builtin(api::BuiltinPlugin plugin) {
  MutexLock load_lock(load_mu_);
  auto entry = std::make_unique<Entry>();
  entry->builtin = true;
  entry->info = plugin.info;
  if (entry->info.location.empty()) entry->info.location = kBuiltinLocation;
  entry->ns = namespace_of(entry->info.kind);
  entry->builtin_factories = std::move(plugin);
  const auto names = names_of(entry->info.class_name, entry->info.aliases);
  MutexLock lock(mu_);
  for (const auto& name : names) {
    if (auto it = index_.find({entry->ns, name}); it != index_.end()) {
      throw ConnectError(
          fmt::format("Built-in plugin {} ({}) cannot be registered: the name {} is already used by {} "
                      "from {}",
                      entry->info.class_name, kind_label(entry->info.kind), name, it->second->info.class_name,
                      describe_owner(it->second->info)));
    }
  }
  for (const auto& name : names) index_.emplace(NameKey{entry->ns, name}, entry.get());
  entries_.push_back(std::move(entry));
}

LoadReport PluginRegistry::load_plugin_path(std::string_view plugin_path) {
  return load_directories(split_plugin_path(plugin_path));
}

LoadReport PluginRegistry::load_directories(const std::vector<std::string>& directories) {
  LoadReport report;
  auto discovery = discover_plugins(directories);
  for (const auto& error : discovery.path_errors) {
    logger().warn("{}", error.reason);
    MutexLock lock(mu_);
    rejected_.push_back(error);
  }
  report.path_errors = std::move(discovery.path_errors);
  for (const auto& file : discovery.candidates) {
    if (load_library(file)) {
      ++report.loaded;
    } else {
      ++report.rejected;
    }
  }
  return report;
}

void PluginRegistry::reject(const fs::path& file, std::string reason,
                            std::vector<std::string> declared_names) {
  logger().warn("{}", reason);
  MutexLock lock(mu_);
  rejected_.push_back(api::RejectedPlugin{file.string(), std::move(reason)});
  for (auto& name : declared_names) rejected_names_.emplace(std::move(name), rejected_.size() - 1);
}

std::optional<std::string> PluginRegistry::find_duplicate(
    const fs::path& file, const std::vector<std::unique_ptr<Entry>>& entries) const {
  std::map<NameKey, const Entry*> own;
  MutexLock lock(mu_);
  for (const auto& entry : entries) {
    const auto& info = entry->info;
    for (const auto& name : names_of(info.class_name, info.aliases)) {
      const Entry* owner = nullptr;
      if (auto it = index_.find({entry->ns, name}); it != index_.end()) owner = it->second;
      if (auto it = own.find({entry->ns, name}); owner == nullptr && it != own.end()) owner = it->second;
      if (owner == nullptr) {
        own.emplace(NameKey{entry->ns, name}, entry.get());
        continue;
      }
      const std::string what =
          name == info.class_name
              ? fmt::format("class name {} ({}) to be unique", name, kind_label(info.kind))
              : fmt::format("alias {} of {} ({}) to be unique", name, info.class_name, kind_label(info.kind));
      const std::string found = owner->info.class_name == name
                                    ? fmt::format("it already provided by {}", describe_owner(owner->info))
                                    : fmt::format("it already used by {} from {}", owner->info.class_name,
                                                  describe_owner(owner->info));
      const char* action = owner->builtin ? "remove the plugin from plugin.path or rename its class"
                                          : "remove one of the two plugins from plugin.path";
      return rejection_message(file, what, found, action);
    }
  }
  return std::nullopt;
}

bool PluginRegistry::load_library(const fs::path& file) {
  MutexLock load_lock(load_mu_);
  auto attempt = load_plugin_library(file);
  if (!attempt.plugin) {
    reject(file, std::move(attempt.rejection), std::move(attempt.declared_names));
    return false;
  }
  const LoadedPlugin& plugin = *attempt.plugin;
  const sluice_plugin_descriptor* d = plugin.descriptor;
  const std::string plugin_version = d->version != nullptr ? d->version : "";

  // Check 10, last part: the config tables must make valid ConfigDefs (defaults parse and validate).
  std::vector<std::unique_ptr<Entry>> entries;
  for (const auto* c : plugin.components) {
    auto entry = std::make_unique<Entry>();
    entry->info.class_name = c->class_name;
    for (std::size_t i = 0; i < c->alias_count; ++i) entry->info.aliases.emplace_back(c->aliases[i]);
    entry->info.kind = *to_plugin_kind(c->kind);
    entry->info.version = c->version != nullptr ? c->version : plugin_version;
    entry->info.location = file.string();
    entry->info.documentation = c->documentation != nullptr ? c->documentation : "";
    entry->ns = namespace_of(entry->info.kind);
    try {
      entry->handle.config_def = config_def_from_abi(*c, plugin.library);
    } catch (const std::exception& e) {
      reject(file,
             rejection_message(file,
                               fmt::format("the config table of {} ({}) to be valid", c->class_name,
                                           kind_label(entry->info.kind)),
                               fmt::format("the error \"{}\"", e.what()), "fix the component's config table"),
             std::move(attempt.declared_names));
      return false;
    }
    entry->info.config_def = entry->handle.config_def.get();
    entry->handle.library = plugin.library;
    entry->handle.component = c;
    entry->handle.class_name = entry->info.class_name;
    entry->handle.version = entry->info.version;
    entries.push_back(std::move(entry));
  }

  // Check 11: names unique per namespace across every plugin and built-in, and within this plugin.
  if (auto reason = find_duplicate(file, entries)) {
    reject(file, std::move(*reason), std::move(attempt.declared_names));
    return false;
  }

  // Check 12: init, once every other check passed.
  if (SLUICE_HAS_FIELD(d, sluice_plugin_descriptor, init) && d->init != nullptr) {
    CallError err;
    const sluice_status status = d->init(host_api(), err.get());
    if (status != SLUICE_OK) {
      const std::string found = err.message().empty()
                                    ? fmt::format("status {} without an error message",
                                                  status == SLUICE_RETRIABLE ? "RETRIABLE" : "FATAL")
                                    : fmt::format("the error \"{}\"", err.message());
      reject(file,
             rejection_message(file, "init to succeed", found,
                               "fix the cause the plugin reports or remove it from plugin.path"),
             std::move(attempt.declared_names));
      return false;
    }
  }

  logger().info("Loaded plugin {} ({} {}) with {} component(s)", file.string(),
                d->name != nullptr ? d->name : "", plugin_version, entries.size());
  MutexLock lock(mu_);
  for (auto& entry : entries) {
    for (const auto& name : names_of(entry->info.class_name, entry->info.aliases)) {
      index_.emplace(NameKey{entry->ns, name}, entry.get());
    }
    logger().debug("Added plugin '{}' ({})", entry->info.class_name, api::plugin_kind_name(entry->info.kind));
    entries_.push_back(std::move(entry));
  }
  return true;
}

std::vector<api::PluginInfo> PluginRegistry::plugins() const {
  std::vector<api::PluginInfo> out;
  {
    MutexLock lock(mu_);
    out.reserve(entries_.size());
    for (const auto& entry : entries_) out.push_back(entry->info);
  }
  std::stable_sort(out.begin(), out.end(), [](const api::PluginInfo& a, const api::PluginInfo& b) {
    return std::tie(a.class_name, a.kind) < std::tie(b.class_name, b.kind);
  });
  return out;
}

std::vector<api::RejectedPlugin> PluginRegistry::rejected() const {
  MutexLock lock(mu_);
  return rejected_;
}

const PluginRegistry::Entry* PluginRegistry::lookup(Namespace ns, std::string_view name) const {
  MutexLock lock(mu_);
  auto it = index_.find(NameKey{ns, std::string(name)});
  return it == index_.end() ? nullptr : it->second;
}

const api::PluginInfo* PluginRegistry::find(std::string_view class_or_alias) const {
  for (auto ns : {Namespace::Connector, Namespace::Converter, Namespace::HeaderConverter,
                  Namespace::Transformation, Namespace::Predicate, Namespace::ConfigProvider}) {
    if (const Entry* entry = lookup(ns, class_or_alias)) return &entry->info;
  }
  return nullptr;
}

std::optional<std::string> PluginRegistry::rejection_for(std::string_view class_or_alias) const {
  if (find(class_or_alias) != nullptr) return std::nullopt;
  MutexLock lock(mu_);
  auto it = rejected_names_.find(class_or_alias);
  if (it == rejected_names_.end()) return std::nullopt;
  return rejected_[it->second].reason;
}

const PluginRegistry::Entry& PluginRegistry::require(Namespace ns, std::string_view name) const {
  if (const Entry* entry = lookup(ns, name)) return *entry;
  static const std::map<Namespace, KindWords> kWords = {
      {Namespace::Connector, {"Connector", "connectors"}},
      {Namespace::Converter, {"Converter", "converters"}},
      {Namespace::HeaderConverter, {"HeaderConverter", "header converters"}},
      {Namespace::Transformation, {"Transformation", "transformations"}},
      {Namespace::Predicate, {"Predicate", "predicates"}},
      {Namespace::ConfigProvider, {"ConfigProvider", "config providers"}},
  };
  const auto& words = kWords.at(ns);
  if (auto reason = rejection_for(name)) {
    throw NotFoundError(
        fmt::format("Failed to find any class that implements {} and which name matches {}: {}",
                    words.interface_name, name, *reason));
  }
  std::set<std::string> available;
  {
    MutexLock lock(mu_);
    for (const auto& entry : entries_) {
      if (entry->ns == ns) available.insert(entry->info.class_name);
    }
  }
  std::string list;
  for (const auto& cls : available) list += (list.empty() ? "" : ", ") + cls;
  throw NotFoundError(
      fmt::format("Failed to find any class that implements {} and which name matches {}, available "
                  "{} are: {}",
                  words.interface_name, name, words.plural, list.empty() ? "none" : list));
}

std::unique_ptr<api::Connector> PluginRegistry::create_connector(std::string_view class_or_alias,
                                                                 api::ConnectorContext& ctx) {
  const Entry& entry = require(Namespace::Connector, class_or_alias);
  return make_connector(entry.handle, ctx);
}

std::unique_ptr<api::SourceTask> PluginRegistry::create_source_task(std::string_view connector_class,
                                                                    api::SourceTaskContext& ctx) {
  const Entry& entry = require(Namespace::Connector, connector_class);
  if (entry.info.kind != api::PluginKind::SourceConnector) {
    throw ConnectError(
        fmt::format("Connector {} is a sink connector and has no source task; use it with a sink "
                    "task",
                    entry.info.class_name));
  }
  return make_source_task(entry.handle, ctx);
}

std::unique_ptr<api::SinkTask> PluginRegistry::create_sink_task(std::string_view connector_class,
                                                                api::SinkTaskContext& ctx) {
  const Entry& entry = require(Namespace::Connector, connector_class);
  if (entry.info.kind != api::PluginKind::SinkConnector) {
    throw ConnectError(
        fmt::format("Connector {} is a source connector and has no sink task; use it with a source "
                    "task",
                    entry.info.class_name));
  }
  return make_sink_task(entry.handle, ctx);
}

std::unique_ptr<api::Converter> PluginRegistry::create_converter(std::string_view class_or_alias) {
  const Entry& entry = require(Namespace::Converter, class_or_alias);
  if (entry.builtin) return builtin_instance(entry.info, entry.builtin_factories.make_converter);
  return make_converter(entry.handle);
}

std::unique_ptr<api::HeaderConverter> PluginRegistry::create_header_converter(
    std::string_view class_or_alias) {
  const Entry& entry = require(Namespace::HeaderConverter, class_or_alias);
  if (entry.builtin) return builtin_instance(entry.info, entry.builtin_factories.make_header_converter);
  return make_header_converter(entry.handle);
}

std::unique_ptr<api::Transformation> PluginRegistry::create_transformation(std::string_view class_or_alias) {
  const Entry& entry = require(Namespace::Transformation, class_or_alias);
  if (entry.builtin) return builtin_instance(entry.info, entry.builtin_factories.make_transformation);
  return make_transformation(entry.handle);
}

std::unique_ptr<api::Predicate> PluginRegistry::create_predicate(std::string_view class_or_alias) {
  const Entry& entry = require(Namespace::Predicate, class_or_alias);
  if (entry.builtin) return builtin_instance(entry.info, entry.builtin_factories.make_predicate);
  return make_predicate(entry.handle);
}

std::unique_ptr<api::ConfigProvider> PluginRegistry::create_config_provider(std::string_view class_or_alias) {
  const Entry& entry = require(Namespace::ConfigProvider, class_or_alias);
  if (entry.builtin) return builtin_instance(entry.info, entry.builtin_factories.make_config_provider);
  return make_config_provider(entry.handle);
}

}  // namespace sluice::host
