#include "plugins/host/loader.hpp"

#include "plugins/host/elf_inspect.hpp"

#include <fmt/format.h>

#include <set>
#include <utility>

namespace sluice::host {
namespace fs = std::filesystem;
namespace {

constexpr const char* kRebuild = "rebuild the plugin against sluice's SDK 1.x";

constexpr std::size_t kDescriptorMinSize = SLUICE_HOST_SIZE_THROUGH(sluice_plugin_descriptor, init);
constexpr std::size_t kComponentMinSize = SLUICE_HOST_SIZE_THROUGH(sluice_component, vtable);
constexpr std::size_t kConfigKeyMinSize = SLUICE_HOST_SIZE_THROUGH(sluice_config_key, validate);
// A descriptor with more components or config keys than this is corrupt, not ambitious.
constexpr std::size_t kMaxCount = 100000;

// One failed check: the parts of the rejection sentence after the file name.
struct Problem {
  std::string expected;
  std::string found;
  std::string action;
};
using Check = std::optional<Problem>;

std::string hex32(std::uint32_t value) {
  return fmt::format("0x{:08X}", value);
}

// "org.example.Foo (source connector)", or "the component at index 2" before the name is known good.
std::string component_name(const sluice_component* c, std::size_t index) {
  const auto kind = to_plugin_kind(c->kind);
  if (c->class_name == nullptr || *c->class_name == '\0')
    return fmt::format("the component at index {}", index);
  if (!kind) return c->class_name;
  return fmt::format("{} ({})", c->class_name, kind_label(*kind));
}

struct Callback {
  const char* name;
  bool present;
};

Check require_callbacks(const std::string& where, std::initializer_list<Callback> callbacks) {
  for (const auto& cb : callbacks) {
    if (!cb.present) {
      return Problem{fmt::format("{} to provide {}", where, cb.name), "NULL",
                     fmt::format("implement {} or build the plugin with the sluice SDK", cb.name)};
    }
  }
  return std::nullopt;
}

template <typename VTable>
Check require_vtable_size(const std::string& where, const VTable* vt, std::size_t min_size) {
  if (vt->struct_size < min_size) {
    return Problem{fmt::format("{} to have a struct_size of at least {} bytes", where, min_size),
                   std::to_string(vt->struct_size), kRebuild};
  }
  return std::nullopt;
}

Check check_source_task(const std::string& name, const sluice_source_task_vtable* vt) {
  const std::string where = "the source_task vtable of " + name;
  if (vt == nullptr) {
    return Problem{fmt::format("{} to have a source_task vtable", name), "NULL",
                   "set source_task in the connector's vtable"};
  }
  if (auto p = require_vtable_size(where, vt, SLUICE_HOST_SIZE_THROUGH(sluice_source_task_vtable, stop)))
    return p;
  return require_callbacks(where, {{"create", vt->create != nullptr},
                                   {"destroy", vt->destroy != nullptr},
                                   {"start", vt->start != nullptr},
                                   {"poll", vt->poll != nullptr},
                                   {"stop", vt->stop != nullptr}});
}

Check check_sink_task(const std::string& name, const sluice_sink_task_vtable* vt) {
  const std::string where = "the sink_task vtable of " + name;
  if (vt == nullptr) {
    return Problem{fmt::format("{} to have a sink_task vtable", name), "NULL",
                   "set sink_task in the connector's vtable"};
  }
  if (auto p = require_vtable_size(where, vt, SLUICE_HOST_SIZE_THROUGH(sluice_sink_task_vtable, stop)))
    return p;
  return require_callbacks(where, {{"create", vt->create != nullptr},
                                   {"destroy", vt->destroy != nullptr},
                                   {"start", vt->start != nullptr},
                                   {"put", vt->put != nullptr},
                                   {"stop", vt->stop != nullptr}});
}

Check check_vtable(const std::string& name, api::PluginKind kind, const void* vtable) {
  const std::string where = "the vtable of " + name;
  switch (kind) {
    case api::PluginKind::SourceConnector:
    case api::PluginKind::SinkConnector: {
      const auto* vt = static_cast<const sluice_connector_vtable*>(vtable);
      if (auto p =
              require_vtable_size(where, vt, SLUICE_HOST_SIZE_THROUGH(sluice_connector_vtable, sink_task))) {
        return p;
      }
      if (auto p = require_callbacks(where, {{"create", vt->create != nullptr},
                                             {"destroy", vt->destroy != nullptr},
                                             {"start", vt->start != nullptr},
                                             {"task_configs", vt->task_configs != nullptr},
                                             {"stop", vt->stop != nullptr}})) {
        return p;
      }
      return kind == api::PluginKind::SourceConnector ? check_source_task(name, vt->source_task)
                                                      : check_sink_task(name, vt->sink_task);
    }
    case api::PluginKind::Converter: {
      const auto* vt = static_cast<const sluice_converter_vtable*>(vtable);
      if (auto p =
              require_vtable_size(where, vt, SLUICE_HOST_SIZE_THROUGH(sluice_converter_vtable, to_connect))) {
        return p;
      }
      return require_callbacks(where, {{"create", vt->create != nullptr},
                                       {"destroy", vt->destroy != nullptr},
                                       {"configure", vt->configure != nullptr},
                                       {"from_connect", vt->from_connect != nullptr},
                                       {"to_connect", vt->to_connect != nullptr}});
    }
    case api::PluginKind::HeaderConverter: {
      const auto* vt = static_cast<const sluice_header_converter_vtable*>(vtable);
      if (auto p = require_vtable_size(
              where, vt, SLUICE_HOST_SIZE_THROUGH(sluice_header_converter_vtable, to_connect))) {
        return p;
      }
      return require_callbacks(where, {{"create", vt->create != nullptr},
                                       {"destroy", vt->destroy != nullptr},
                                       {"configure", vt->configure != nullptr},
                                       {"from_connect", vt->from_connect != nullptr},
                                       {"to_connect", vt->to_connect != nullptr}});
    }
    case api::PluginKind::Transformation: {
      const auto* vt = static_cast<const sluice_transformation_vtable*>(vtable);
      if (auto p =
              require_vtable_size(where, vt, SLUICE_HOST_SIZE_THROUGH(sluice_transformation_vtable, apply))) {
        return p;
      }
      return require_callbacks(where, {{"create", vt->create != nullptr},
                                       {"destroy", vt->destroy != nullptr},
                                       {"configure", vt->configure != nullptr},
                                       {"apply", vt->apply != nullptr}});
    }
    case api::PluginKind::Predicate: {
      const auto* vt = static_cast<const sluice_predicate_vtable*>(vtable);
      if (auto p = require_vtable_size(where, vt, SLUICE_HOST_SIZE_THROUGH(sluice_predicate_vtable, test)))
        return p;
      return require_callbacks(where, {{"create", vt->create != nullptr},
                                       {"destroy", vt->destroy != nullptr},
                                       {"configure", vt->configure != nullptr},
                                       {"test", vt->test != nullptr}});
    }
    case api::PluginKind::ConfigProvider: {
      const auto* vt = static_cast<const sluice_config_provider_vtable*>(vtable);
      if (auto p =
              require_vtable_size(where, vt, SLUICE_HOST_SIZE_THROUGH(sluice_config_provider_vtable, get))) {
        return p;
      }
      return require_callbacks(where, {{"create", vt->create != nullptr},
                                       {"destroy", vt->destroy != nullptr},
                                       {"configure", vt->configure != nullptr},
                                       {"get", vt->get != nullptr}});
    }
  }
  return std::nullopt;
}

Check check_string_list(const std::string& what, const char* const* items, std::size_t count,
                        const std::string& action) {
  if (count == 0) return std::nullopt;
  if (count > kMaxCount)
    return Problem{fmt::format("{} to have a plausible count", what), std::to_string(count), action};
  if (items == nullptr)
    return Problem{fmt::format("{} to be an array of {} strings", what, count), "NULL", action};
  for (std::size_t i = 0; i < count; ++i) {
    if (items[i] == nullptr || *items[i] == '\0') {
      return Problem{fmt::format("{} to be non-empty strings", what),
                     fmt::format("{} at index {}", items[i] == nullptr ? "NULL" : "an empty string", i),
                     action};
    }
  }
  return std::nullopt;
}

Check check_config_table(const std::string& name, const sluice_component* c) {
  const std::string fix = "fix the component's config table";
  if (c->config_key_count == 0) return std::nullopt;
  if (c->config_key_count > kMaxCount) {
    return Problem{fmt::format("the config table of {} to have a plausible number of keys", name),
                   std::to_string(c->config_key_count), fix};
  }
  if (c->config_keys == nullptr) {
    return Problem{fmt::format("the config table of {} to be an array of {} keys", name, c->config_key_count),
                   "NULL", fix};
  }
  // The array's stride is the plugin's own sizeof(sluice_config_key), which grows in later minors.
  const std::size_t stride = c->config_keys[0].struct_size;
  if (stride < kConfigKeyMinSize) {
    return Problem{fmt::format("the config keys of {} to have a struct_size of at least {} bytes", name,
                               kConfigKeyMinSize),
                   std::to_string(stride), kRebuild};
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < c->config_key_count; ++i) {
    const auto* key = reinterpret_cast<const sluice_config_key*>(
        reinterpret_cast<const char*>(c->config_keys) + i * stride);
    if (key->struct_size != stride) {
      return Problem{fmt::format("every config key of {} to have struct_size {}", name, stride),
                     fmt::format("{} at index {}", key->struct_size, i), kRebuild};
    }
    if (key->name == nullptr || *key->name == '\0') {
      return Problem{fmt::format("the config key at index {} of {} to have a name", i, name),
                     key->name == nullptr ? "NULL" : "an empty string", "name every config key"};
    }
    const std::string key_name = fmt::format("config key \"{}\" of {}", key->name, name);
    if (key->type < SLUICE_CONFIG_BOOLEAN || key->type > SLUICE_CONFIG_PASSWORD) {
      return Problem{fmt::format("{} to have a known type (0-8)", key_name), std::to_string(key->type),
                     "use one of the SLUICE_CONFIG_* types"};
    }
    if (key->importance < SLUICE_IMPORTANCE_HIGH || key->importance > SLUICE_IMPORTANCE_LOW) {
      return Problem{fmt::format("{} to have a known importance (0-2)", key_name),
                     std::to_string(key->importance), "use one of the SLUICE_IMPORTANCE_* values"};
    }
    if (key->width < SLUICE_WIDTH_NONE || key->width > SLUICE_WIDTH_LONG) {
      return Problem{fmt::format("{} to have a known width (0-3)", key_name), std::to_string(key->width),
                     "use one of the SLUICE_WIDTH_* values"};
    }
    if (auto p = check_string_list("the valid values of " + key_name, key->valid_values,
                                   key->valid_value_count, fix)) {
      return p;
    }
    if (auto p =
            check_string_list("the dependents of " + key_name, key->dependents, key->dependent_count, fix)) {
      return p;
    }
    if (!seen.insert(key->name).second) {
      return Problem{fmt::format("the config key names of {} to be unique", name),
                     fmt::format("\"{}\" twice", key->name), "remove the duplicate key"};
    }
  }
  return std::nullopt;
}

Check check_component(const sluice_component* c, std::size_t index) {
  if (c->class_name == nullptr || *c->class_name == '\0') {
    return Problem{fmt::format("the component at index {} to have a class name", index),
                   c->class_name == nullptr ? "NULL" : "an empty string",
                   "give every component a unique class name"};
  }
  const auto kind = to_plugin_kind(c->kind);
  if (!kind) {
    return Problem{fmt::format("component {} to have a known kind (1-7)", c->class_name),
                   std::to_string(c->kind), "use one of the SLUICE_COMPONENT_* kinds"};
  }
  const std::string name = component_name(c, index);
  if (auto p = check_string_list("the aliases of " + name, c->aliases, c->alias_count,
                                 "fix the component's aliases")) {
    return p;
  }
  if (c->vtable == nullptr) {
    return Problem{fmt::format("{} to have a vtable", name), "NULL",
                   "point the component's vtable at its functions"};
  }
  if (auto p = check_vtable(name, *kind, c->vtable)) return p;
  return check_config_table(name, c);
}

// Every component's address, resolved with the plugin's stride; a Problem when the array is unusable.
Check resolve_components(const sluice_plugin_descriptor* d, std::vector<const sluice_component*>& out) {
  if (d->component_count == 0) {
    return Problem{"at least one component", "none", "declare the plugin's components in its descriptor"};
  }
  if (d->component_count > kMaxCount) {
    return Problem{"a plausible number of components", std::to_string(d->component_count),
                   "fix the plugin's descriptor"};
  }
  if (d->components == nullptr) {
    return Problem{fmt::format("a components array of {} entries", d->component_count), "NULL",
                   "fix the plugin's descriptor"};
  }
  const std::size_t stride = d->components[0].struct_size;
  if (stride < kComponentMinSize) {
    return Problem{fmt::format("components with a struct_size of at least {} bytes", kComponentMinSize),
                   std::to_string(stride), kRebuild};
  }
  for (std::size_t i = 0; i < d->component_count; ++i) {
    const auto* c =
        reinterpret_cast<const sluice_component*>(reinterpret_cast<const char*>(d->components) + i * stride);
    if (c->struct_size != stride) {
      return Problem{fmt::format("every component to have struct_size {}", stride),
                     fmt::format("{} at index {}", c->struct_size, i), kRebuild};
    }
    out.push_back(c);
  }
  return std::nullopt;
}

// Names readable from components whose layout is known (same ABI major); best effort, for rejection_for.
std::vector<std::string> declared_names(const std::vector<const sluice_component*>& components) {
  std::vector<std::string> names;
  for (const auto* c : components) {
    if (c->class_name != nullptr && *c->class_name != '\0') names.emplace_back(c->class_name);
    if (c->aliases == nullptr || c->alias_count > kMaxCount) continue;
    for (std::size_t i = 0; i < c->alias_count; ++i) {
      if (c->aliases[i] != nullptr && *c->aliases[i] != '\0') names.emplace_back(c->aliases[i]);
    }
  }
  return names;
}

std::string newer_entries(const std::vector<std::string>& symbols) {
  std::string out;
  for (const auto& s : symbols) {
    if (s == SLUICE_PLUGIN_ENTRY_SYMBOL) continue;
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

}  // namespace

std::string rejection_message(const fs::path& file, std::string_view expected, std::string_view found,
                              std::string_view action) {
  return fmt::format("Plugin {} was rejected: expected {} but found {}; {}.", file.string(), expected, found,
                     action);
}

const char* kind_label(api::PluginKind kind) {
  switch (kind) {
    case api::PluginKind::SourceConnector: return "source connector";
    case api::PluginKind::SinkConnector: return "sink connector";
    case api::PluginKind::Converter: return "converter";
    case api::PluginKind::HeaderConverter: return "header converter";
    case api::PluginKind::Transformation: return "transformation";
    case api::PluginKind::Predicate: return "predicate";
    case api::PluginKind::ConfigProvider: return "config provider";
  }
  return "component";
}

std::optional<api::PluginKind> to_plugin_kind(sluice_component_kind kind) {
  switch (kind) {
    case SLUICE_COMPONENT_SOURCE_CONNECTOR: return api::PluginKind::SourceConnector;
    case SLUICE_COMPONENT_SINK_CONNECTOR: return api::PluginKind::SinkConnector;
    case SLUICE_COMPONENT_CONVERTER: return api::PluginKind::Converter;
    case SLUICE_COMPONENT_HEADER_CONVERTER: return api::PluginKind::HeaderConverter;
    case SLUICE_COMPONENT_TRANSFORMATION: return api::PluginKind::Transformation;
    case SLUICE_COMPONENT_PREDICATE: return api::PluginKind::Predicate;
    case SLUICE_COMPONENT_CONFIG_PROVIDER: return api::PluginKind::ConfigProvider;
    default: return std::nullopt;
  }
}

LoadAttempt load_plugin_library(const fs::path& file) {
  LoadAttempt attempt;
  auto reject = [&](std::string_view expected, std::string_view found, std::string_view action) {
    attempt.rejection = rejection_message(file, expected, found, action);
    return std::move(attempt);
  };

  // 1. Not a shared library: decided from the file's bytes, before dlopen() could misreport it.
  const auto elf = inspect_elf(file);
  switch (elf.status) {
    case ElfInspection::Status::Unreadable:
      return reject("a readable file", fmt::format("the error \"{}\"", elf.detail),
                    "fix the file's permissions or remove it from the plugin path");
    case ElfInspection::Status::NotElf:
      return reject(
          "an ELF shared library", "a file that does not start with the ELF magic bytes",
          "replace it with a plugin built by sluice_add_plugin() or remove it from the plugin path");
    case ElfInspection::Status::NotSharedObject:
      return reject(
          "an ELF shared library", elf.detail,
          "replace it with a plugin built by sluice_add_plugin() or remove it from the plugin path");
    case ElfInspection::Status::SharedObject: break;
  }

  // 2. dlopen.
  std::string dl_error;
  auto library = SharedLibrary::open(file, dl_error);
  if (!library.loaded()) {
    return reject(
        "dlopen(RTLD_NOW|RTLD_LOCAL) to succeed", fmt::format("the error \"{}\"", dl_error),
        "put the libraries it depends on next to it (its RUNPATH is $ORIGIN) or rebuild it for this "
        "system");
  }

  // 3. Entry symbol. The ELF table, when readable, guards against dlsym() finding the symbol in one of the
  // library's dependencies rather than in the library itself.
  void* entry_address = library.symbol(SLUICE_PLUGIN_ENTRY_SYMBOL);
  if (entry_address == nullptr || (elf.entry_symbols && !elf.exports(SLUICE_PLUGIN_ENTRY_SYMBOL))) {
    const std::string newer = elf.entry_symbols ? newer_entries(*elf.entry_symbols) : std::string();
    if (!newer.empty()) {
      return reject(fmt::format("the entry symbol {}", SLUICE_PLUGIN_ENTRY_SYMBOL),
                    fmt::format("only {}, so the plugin needs a newer sluice", newer),
                    fmt::format("upgrade sluice or use a build of the plugin for plugin ABI {}",
                                SLUICE_ABI_VERSION_MAJOR));
    }
    return reject(fmt::format("the entry symbol {}", SLUICE_PLUGIN_ENTRY_SYMBOL), "no such exported symbol",
                  "build the plugin with sluice_add_plugin() and the sluice SDK, which export it");
  }

  // 4. The descriptor.
  const auto entry = reinterpret_cast<sluice_plugin_entry_fn>(entry_address);
  const sluice_plugin_descriptor* d = entry();
  if (d == nullptr) {
    return reject(fmt::format("{}() to return a plugin descriptor", SLUICE_PLUGIN_ENTRY_SYMBOL), "NULL",
                  "fix the plugin's entry function to return its static descriptor");
  }
  // 5-9. Identity and versions.
  if (d->magic != SLUICE_ABI_MAGIC) {
    return reject(fmt::format("descriptor magic {}", hex32(SLUICE_ABI_MAGIC)), hex32(d->magic), kRebuild);
  }
  if (d->struct_size < kDescriptorMinSize) {
    return reject(fmt::format("a descriptor struct_size of at least {} bytes", kDescriptorMinSize),
                  std::to_string(d->struct_size), kRebuild);
  }
  if (d->abi_major != SLUICE_ABI_VERSION_MAJOR) {
    return reject(fmt::format("plugin ABI major version {}", SLUICE_ABI_VERSION_MAJOR),
                  std::to_string(d->abi_major), kRebuild);
  }
  // From here on the layout is known, so the declared class names can be read for rejection_for().
  std::vector<const sluice_component*> components;
  const Check array_problem = resolve_components(d, components);
  attempt.declared_names = declared_names(components);
  if (d->abi_minor > SLUICE_ABI_VERSION_MINOR) {
    return reject(
        fmt::format("plugin ABI minor version {} or lower", SLUICE_ABI_VERSION_MINOR),
        std::to_string(d->abi_minor),
        fmt::format("upgrade sluice to a release that supports plugin ABI {}.{} or rebuild the plugin "
                    "against sluice's SDK {}.{}",
                    d->abi_major, d->abi_minor, SLUICE_ABI_VERSION_MAJOR, SLUICE_ABI_VERSION_MINOR));
  }
  if (d->platform == nullptr || std::string_view(d->platform) != SLUICE_ABI_PLATFORM) {
    return reject(fmt::format("platform {}", SLUICE_ABI_PLATFORM),
                  d->platform == nullptr ? std::string("no platform") : std::string(d->platform),
                  fmt::format("use a build of the plugin for {}", SLUICE_ABI_PLATFORM));
  }
  // 10. Components.
  if (array_problem) return reject(array_problem->expected, array_problem->found, array_problem->action);
  for (std::size_t i = 0; i < components.size(); ++i) {
    if (auto p = check_component(components[i], i)) return reject(p->expected, p->found, p->action);
  }

  attempt.plugin =
      LoadedPlugin{file, std::make_shared<const SharedLibrary>(std::move(library)), d, std::move(components)};
  return attempt;
}

}  // namespace sluice::host
