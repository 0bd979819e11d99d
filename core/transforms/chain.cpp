#include "core/transforms/chain.hpp"

#include "core/common/errors.hpp"
#include "core/transforms/transforms.hpp"
#include "core/transforms/util.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>

namespace sluice::transforms {

TransformationChain::TransformationChain(std::vector<TransformationStep> steps) : steps_(std::move(steps)) {}

bool TransformationChain::apply(data::ConnectRecord& record) {
  for (TransformationStep& step : steps_) {
    if (step.predicate && step.predicate->test(record) == step.negate) continue;
    if (!step.transformation->apply(record)) return false;
  }
  return true;
}

bool TransformationChain::apply(data::SinkRecord& record) {
  const SinkRecordScope scope(record);
  return apply(static_cast<data::ConnectRecord&>(record));
}

namespace {

constexpr std::string_view kTransforms = "transforms";
constexpr std::string_view kPredicates = "predicates";
constexpr std::string_view kPredicate = "predicate";
constexpr std::string_view kNegate = "negate";

std::string missing_message(const std::string& key) {
  return "Missing required configuration \"" + key + "\" which has no default value.";
}

// The `transforms` / `predicates` alias lists: null is rejected and aliases must be unique, as Kafka's
// ConnectorConfig validates them.
std::vector<std::string> alias_list(const config::RawConfig& raw, std::string_view key) {
  const auto it = raw.find(std::string(key));
  if (it == raw.end()) return {};
  const config::ParsedValue parsed = config::parse_type(key, it->second, config::Type::List);
  const auto* aliases = std::get_if<std::vector<std::string>>(&parsed);
  if (aliases == nullptr) throw_invalid_config(key, "null", "entry must be non null");
  const std::set<std::string> unique(aliases->begin(), aliases->end());
  if (unique.size() != aliases->size()) {
    throw_invalid_config(key, java_list_string(*aliases), "Duplicate alias provided.");
  }
  return *aliases;
}

const char* kind_word(api::PluginKind kind) {
  return kind == api::PluginKind::Predicate ? "Predicate" : "Transformation";
}

// Resolves `<prefix>type` to a plugin of `kind`, with Kafka's messages for unknown, wrong-kind and abstract
// classes ("Did you mean ...$Key, ...$Value?").
std::string resolve_type_impl(const config::RawConfig& raw, const std::string& prefix, api::PluginKind kind,
                              const api::PluginCatalog& catalog) {
  const std::string key = prefix + "type";
  const auto it = raw.find(key);
  if (it == raw.end() || !it->second) throw ConfigError(missing_message(key));
  const auto parsed = config::parse_type(key, it->second, config::Type::Class);
  const std::string name = std::get<std::string>(parsed);

  const std::vector<api::PluginInfo> plugins = catalog.plugins();
  for (const api::PluginInfo& info : plugins) {
    if (info.kind != kind) continue;
    if (info.class_name == name ||
        std::find(info.aliases.begin(), info.aliases.end(), name) != info.aliases.end()) {
      return info.class_name;
    }
  }
  if (const api::PluginInfo* other = catalog.find(name)) {
    throw_invalid_config(key, "class " + other->class_name, std::string("Not a ") + kind_word(kind));
  }
  std::vector<std::string> variants;
  for (const api::PluginInfo& info : plugins) {
    if (info.kind == kind && (info.class_name == name + "$Key" || info.class_name == name + "$Value")) {
      variants.push_back(info.class_name);
    }
  }
  if (!variants.empty()) {
    std::sort(variants.begin(), variants.end());
    std::string joined;
    for (const auto& v : variants) joined += (joined.empty() ? "" : ", ") + v;
    throw_invalid_config(
        key, "class " + name,
        std::string(kind_word(kind)) + " is abstract and cannot be created. Did you mean " + joined + "?");
  }
  std::string message = "Class " + name + " could not be found.";
  if (auto reason = catalog.rejection_for(name)) message += " " + *reason;
  throw_invalid_config(key, name, message);
}

// The keys under `prefix` with the prefix removed (Kafka's originalsWithPrefix).
config::RawConfig with_prefix_stripped(const config::RawConfig& raw, const std::string& prefix) {
  config::RawConfig out;
  for (const auto& [key, value] : raw) {
    if (key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0) {
      out.emplace(key.substr(prefix.size()), value);
    }
  }
  return out;
}

// Validates the plugin's keys under their full names (Kafka embeds the plugin's ConfigDef with the prefix),
// so that messages say "transforms.a.spec" rather than "spec".
void validate_embedded(const config::ConfigDef& def, const config::RawConfig& stripped,
                       const std::string& prefix) {
  config::ConfigDef embedded;
  config::RawConfig prefixed;
  for (config::ConfigKey key : def.keys()) {
    if (const auto it = stripped.find(key.name); it != stripped.end())
      prefixed.emplace(prefix + key.name, it->second);
    key.name = prefix + key.name;
    embedded.define(std::move(key));
  }
  embedded.parse(prefixed);
}

// Runs `configure`, naming the plugin in errors that do not already name one of its keys.
template <typename Plugin>
void configure_plugin(Plugin& plugin, const config::RawConfig& stripped, const std::string& prefix,
                      const std::string& class_name) {
  const std::string owner = prefix.substr(0, prefix.size() - 1);
  try {
    validate_embedded(plugin.config_def(), stripped, prefix);
    plugin.configure(stripped);
  } catch (const ConnectError& e) {
    const std::string message = e.what();
    if (message.find(prefix) != std::string::npos) throw ConfigError(message);
    throw ConfigError("Invalid configuration for " + owner + " (" + class_name + "): " + message);
  }
}

struct PredicateDefinition {
  std::string class_name;
  config::RawConfig config;
};

}  // namespace

std::string resolve_type(const config::RawConfig& raw, const std::string& prefix, api::PluginKind kind,
                         const api::PluginCatalog& catalog) {
  return resolve_type_impl(raw, prefix, kind, catalog);
}

TransformationChain build_transformation_chain(const config::RawConfig& raw, api::PluginCatalog& catalog) {
  const std::vector<std::string> transform_aliases = alias_list(raw, kTransforms);
  const std::vector<std::string> predicate_aliases = alias_list(raw, kPredicates);

  std::map<std::string, PredicateDefinition> predicates;
  for (const std::string& alias : predicate_aliases) {
    const std::string prefix = std::string(kPredicates) + "." + alias + ".";
    PredicateDefinition definition{resolve_type(raw, prefix, api::PluginKind::Predicate, catalog),
                                   with_prefix_stripped(raw, prefix)};
    // Configure one instance now so that a bad predicate fails the connector even when no step uses it.
    auto probe = catalog.create_predicate(definition.class_name);
    configure_plugin(*probe, definition.config, prefix, definition.class_name);
    predicates.emplace(alias, std::move(definition));
  }

  std::vector<TransformationStep> steps;
  for (const std::string& alias : transform_aliases) {
    const std::string prefix = std::string(kTransforms) + "." + alias + ".";
    const std::string predicate_key = prefix + std::string(kPredicate);
    const std::string negate_key = prefix + std::string(kNegate);
    const auto predicate_it = raw.find(predicate_key);
    const auto negate_it = raw.find(negate_key);
    if (negate_it != raw.end() && predicate_it == raw.end()) {
      throw ConfigError("Config '" + negate_key + "' was provided but there is no config '" + predicate_key +
                        "' defining a predicate to be negated.");
    }
    const std::string class_name = resolve_type(raw, prefix, api::PluginKind::Transformation, catalog);

    TransformationStep step;
    step.alias = alias;
    step.class_name = class_name;
    if (predicate_it != raw.end()) {
      const auto parsed = config::parse_type(predicate_key, predicate_it->second, config::Type::String);
      if (const auto* name = std::get_if<std::string>(&parsed); name != nullptr && !name->empty()) {
        const auto definition = predicates.find(*name);
        if (definition == predicates.end()) {
          throw_invalid_config(predicate_key, *name,
                               "Transformation '" + alias + "' refers to predicate '" + *name +
                                   "', which is not defined; add it to 'predicates' and set 'predicates." +
                                   *name + ".type'");
        }
        step.predicate_alias = *name;
        step.predicate = catalog.create_predicate(definition->second.class_name);
        const std::string predicate_prefix = std::string(kPredicates) + "." + *name + ".";
        configure_plugin(*step.predicate, definition->second.config, predicate_prefix,
                         definition->second.class_name);
      }
    }
    if (negate_it != raw.end()) {
      const auto parsed = config::parse_type(negate_key, negate_it->second, config::Type::Boolean);
      step.negate = std::holds_alternative<bool>(parsed) && std::get<bool>(parsed);
    }

    config::RawConfig own = with_prefix_stripped(raw, prefix);
    own.erase(std::string(kPredicate));
    own.erase(std::string(kNegate));
    step.transformation = catalog.create_transformation(class_name);
    configure_plugin(*step.transformation, own, prefix, class_name);
    steps.push_back(std::move(step));
  }
  return TransformationChain(std::move(steps));
}

}  // namespace sluice::transforms
