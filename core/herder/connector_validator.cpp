#include "core/herder/connector_validator.hpp"

#include "core/api/plugin_catalog.hpp"
#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/config/config_def.hpp"
#include "core/kafka/client_config.hpp"
#include "core/transforms/chain.hpp"
#include "core/worker/client_overrides.hpp"
#include "core/worker/connector_config.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::herder {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  static const auto instance = log::get("sluice.herder");
  return instance;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

config::RawConfig raw_of(const StringMap& config) {
  config::RawConfig raw;
  for (const auto& [key, value] : config) raw.emplace(key, value);
  return raw;
}

// A connector instance used only for config()/validate(): it is never started, so its context does nothing.
class ValidationContext final : public api::ConnectorContext {
 public:
  explicit ValidationContext(std::string prefix) : prefix_(std::move(prefix)) {}
  const std::string& log_prefix() const override { return prefix_; }
  bool is_stopping() const override { return false; }
  void request_task_reconfiguration() override {}
  void raise_error(const std::string&) override {}

 private:
  std::string prefix_;
};

ConfigValueInfo value_info(const config::ConfigValueResult& value, const std::string& prefix = "") {
  ConfigValueInfo out;
  out.name = prefix + value.name;
  out.value = value.value;
  out.recommended_values = value.recommended_values;
  out.errors = value.errors;
  out.visible = value.visible;
  return out;
}

// Kafka's generateResult: values no key defines come first, then every defined key in order with its value
// (the last value of a name wins); error_count counts every message.
struct Section {
  std::vector<const config::ConfigKey*> keys;  // in order; a later definition of a name replaces it in place
  std::vector<config::ConfigValueResult> values;
  std::vector<std::string> groups;

  void add_keys(const config::ConfigDef& def) {
    for (const auto& key : def.keys()) {
      if (key.internal) continue;
      auto it = std::find_if(keys.begin(), keys.end(), [&](const config::ConfigKey* k) { return k->name == key.name; });
      if (it != keys.end()) {
        *it = &key;
      } else {
        keys.push_back(&key);
      }
    }
    for (const auto& group : def.groups()) add_group(group);
  }
  void add_group(const std::string& group) {
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
  }
  config::ConfigValueResult* value(const std::string& name) {
    for (auto it = values.rbegin(); it != values.rend(); ++it) {
      if (it->name == name) return &*it;
    }
    return nullptr;
  }
  bool defines(const std::string& name) const {
    return std::any_of(keys.begin(), keys.end(), [&](const config::ConfigKey* k) { return k->name == name; });
  }

  void emit(ConfigInfos& out) const {
    std::map<std::string, const config::ConfigValueResult*> by_name;
    for (const auto& v : values) by_name[v.name] = &v;
    for (const auto& v : values) {
      if (defines(v.name)) continue;
      out.configs.push_back(ConfigInfo{std::nullopt, value_info(v)});
      out.error_count += static_cast<int>(v.errors.size());
    }
    for (const auto* key : keys) {
      ConfigInfo info{ConnectorValidator::key_info(*key), ConfigValueInfo{}};
      if (auto it = by_name.find(key->name); it != by_name.end()) {
        info.value = value_info(*it->second);
        out.error_count += static_cast<int>(it->second->errors.size());
      } else {
        info.value.name = key->name;
      }
      out.configs.push_back(std::move(info));
    }
    for (const auto& g : groups) {
      if (std::find(out.groups.begin(), out.groups.end(), g) == out.groups.end()) out.groups.push_back(g);
    }
  }
};

// Kafka's prefixedConfigInfos: one entry per value, names prefixed; error_count counts values with errors.
void emit_prefixed(ConfigInfos& out, const config::ConfigDef* def, const std::vector<config::ConfigValueResult>& values,
                   const std::string& prefix) {
  for (const auto& v : values) {
    const config::ConfigKey* key = def != nullptr ? def->find(v.name) : nullptr;
    ConfigInfo info{std::nullopt, value_info(v, prefix)};
    if (key != nullptr) {
      info.definition = ConnectorValidator::key_info(*key, prefix);
      if (key->group && std::find(out.groups.begin(), out.groups.end(), *key->group) == out.groups.end())
        out.groups.push_back(*key->group);
    }
    if (!v.errors.empty()) ++out.error_count;
    out.configs.push_back(std::move(info));
  }
}

// The catalog entry of `name` with one of `kinds`, or nullptr (find() prefers connectors, then converters,
// so a class that is both a converter and a header converter needs this to reach the header converter).
std::optional<api::PluginInfo> find_kind(const api::PluginCatalog& plugins, const std::string& name,
                                         std::initializer_list<api::PluginKind> kinds) {
  for (const auto& p : plugins.plugins()) {
    if (std::find(kinds.begin(), kinds.end(), p.kind) == kinds.end()) continue;
    if (p.class_name == name || std::find(p.aliases.begin(), p.aliases.end(), name) != p.aliases.end()) return p;
  }
  return std::nullopt;
}

struct ConverterKey {
  const char* key;
  api::PluginKind kind;
  const char* interface_name;  // Kafka's simple interface name, for "Not a <interface>"
  const char* converter_type;  // ConverterConfig's converter.type default
};

constexpr ConverterKey kConverterKeys[] = {
    {"header.converter", api::PluginKind::HeaderConverter, "HeaderConverter", "header"},
    {"key.converter", api::PluginKind::Converter, "Converter", "key"},
    {"value.converter", api::PluginKind::Converter, "Converter", "value"},
};

// Kafka's ConnectorConfig types the converter keys as CLASS with a subclass validator: the class must exist
// and be a converter of the right kind.
void check_converter_classes(const api::PluginCatalog& plugins, const StringMap& config, Section& section) {
  for (const auto& ck : kConverterKeys) {
    auto it = config.find(ck.key);
    if (it == config.end()) continue;
    std::string value = it->second;
    // CLASS values are trimmed when parsed (ConfigDef.parseType).
    while (!value.empty() && static_cast<unsigned char>(value.front()) <= 0x20) value.erase(value.begin());
    while (!value.empty() && static_cast<unsigned char>(value.back()) <= 0x20) value.pop_back();
    if (value.empty()) continue;
    config::ConfigValueResult* result = section.value(ck.key);
    if (result == nullptr || !result->errors.empty()) continue;
    if (find_kind(plugins, value, {ck.kind})) continue;
    if (const api::PluginInfo* other = plugins.find(value)) {
      result->errors.push_back("Invalid value class " + other->class_name + " for configuration " + ck.key +
                               ": Not a " + ck.interface_name);
    } else {
      result->errors.push_back("Invalid value " + value + " for configuration " + ck.key + ": Class " + value +
                               " could not be found.");
    }
  }
}

// Kafka's validateConverterConfig: the converter's own keys under "<key>.", with converter.type defaulted.
void validate_converters(const api::PluginCatalog& plugins, const StringMap& config, Section& section,
                         ConfigInfos& out) {
  for (const auto& ck : kConverterKeys) {
    auto it = config.find(ck.key);
    if (it == config.end()) continue;
    const config::ConfigValueResult* result = section.value(ck.key);
    if (result == nullptr || !result->errors.empty() || !result->value) continue;
    auto info = find_kind(plugins, *result->value, {ck.kind});
    if (!info || info->config_def == nullptr) continue;
    const std::string prefix = std::string(ck.key) + ".";
    config::RawConfig converter_config;
    for (const auto& [key, value] : config) {
      if (starts_with(key, prefix)) converter_config.emplace(key.substr(prefix.size()), value);
    }
    converter_config.try_emplace("converter.type", ck.converter_type);
    emit_prefixed(out, info->config_def, info->config_def->validate(converter_config), prefix);
  }
}

// Kafka's validateClientOverrides for one client: every connector key with the client's override prefix, named
// with the prefix, with the policy's refusals (worker::check_client_overrides) as its errors.
std::vector<config::ConfigValueResult> override_values(const StringMap& config, const std::string& prefix,
                                                       const std::vector<api::ValidationIssue>& refusals) {
  std::vector<config::ConfigValueResult> out;
  for (const auto& [key, value] : config) {
    if (!starts_with(key, prefix)) continue;
    config::ConfigValueResult v;
    v.name = key.substr(prefix.size());
    // Kafka masks these through the client ConfigDefs' PASSWORD type; librdkafka has no ConfigDef to ask.
    v.value = kafka::is_secret_property(v.name) ? std::string(config::Password::kHidden) : value;
    for (const auto& refusal : refusals) {
      if (refusal.key == key) v.errors.push_back(refusal.message);
    }
    out.push_back(std::move(v));
  }
  return out;
}

// A problem found outside the ConfigDefs (sink topic rules, the connector's validate()): on the key's value, or
// as a value of its own when no ConfigDef knows the key.
void add_issue(Section& section, const StringMap& config, const api::ValidationIssue& issue) {
  if (auto* v = section.value(issue.key)) {
    v->errors.push_back(issue.message);
    return;
  }
  config::ConfigValueResult added;
  added.name = issue.key;
  if (auto it = config.find(issue.key); it != config.end()) added.value = it->second;
  added.errors.push_back(issue.message);
  section.values.push_back(std::move(added));
}

bool has_non_empty(const StringMap& config, const std::string& key) {
  auto it = config.find(key);
  if (it == config.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(), [](unsigned char c) { return c > 0x20; });
}

// ---- transforms.<alias>.* and predicates.<alias>.* (Kafka's ConnectorConfig.enrich) --------------------

// Kafka's embedded validators see the key without the alias prefix, so their messages name the plugin's own
// key ("Invalid value [ for configuration pattern: ..."), while parse errors name the full key.
class EmbeddedValidator final : public config::Validator {
 public:
  EmbeddedValidator(std::size_t prefix_length, config::ValidatorPtr base)
      : prefix_length_(prefix_length), base_(std::move(base)) {}
  void ensure_valid(std::string_view name, const config::ParsedValue& value) const override {
    base_->ensure_valid(name.size() >= prefix_length_ ? name.substr(prefix_length_) : name, value);
  }
  std::string describe() const override { return base_->describe(); }

 private:
  std::size_t prefix_length_;
  config::ValidatorPtr base_;
};

// Kafka's ConfigDef.sortedConfigs order, which ConfigDef.embed follows: by group (ungrouped first), order in
// group, required before optional, importance, then name.
std::vector<config::ConfigKey> sorted_keys(const config::ConfigDef& def) {
  std::vector<config::ConfigKey> keys = def.keys();
  const std::vector<std::string> groups = def.groups();
  auto group_ord = [&](const std::optional<std::string>& g) {
    return static_cast<int>(std::find(groups.begin(), groups.end(), *g) - groups.begin());
  };
  std::stable_sort(keys.begin(), keys.end(), [&](const config::ConfigKey& a, const config::ConfigKey& b) {
    if (a.group.has_value() != b.group.has_value()) return !a.group.has_value();
    if (a.group && group_ord(a.group) != group_ord(b.group)) return group_ord(a.group) < group_ord(b.group);
    if (a.order_in_group != b.order_in_group) return a.order_in_group < b.order_in_group;
    if (a.has_default != b.has_default) return !a.has_default;
    if (a.importance != b.importance) return a.importance < b.importance;
    return a.name < b.name;
  });
  return keys;
}

struct Enrichment {
  struct TypeKey {
    std::string name;    // transforms.<alias>.type
    std::string prefix;  // transforms.<alias>.
    api::PluginKind kind;
  };
  config::ConfigDef def;  // the type keys and the embedded keys of every alias, in Kafka's order
  std::vector<TypeKey> types;
};

const char* kind_word(api::PluginKind kind) {
  return kind == api::PluginKind::Predicate ? "Predicate" : "Transformation";
}

std::vector<std::string> unique_aliases(const config::RawConfig& raw, const std::string& key) {
  std::vector<std::string> out;
  const auto it = raw.find(key);
  if (it == raw.end() || !it->second) return out;
  config::ParsedValue parsed;
  try {
    parsed = config::parse_type(key, it->second, config::Type::List);
  } catch (const ConfigError&) {
    return out;
  }
  if (const auto* list = std::get_if<std::vector<std::string>>(&parsed)) {
    for (const auto& alias : *list) {
      if (std::find(out.begin(), out.end(), alias) == out.end()) out.push_back(alias);
    }
  }
  return out;
}

const config::ConfigDef* plugin_def(const api::PluginCatalog& plugins, const std::string& class_name,
                                    api::PluginKind kind) {
  for (const auto& info : plugins.plugins()) {
    if (info.kind == kind && info.class_name == class_name) return info.config_def;
  }
  return nullptr;
}

// One alias: its type key, then (when the class resolves) the implicit keys and the plugin's keys embedded
// under the alias prefix, in group "Transforms: <alias>" / "Predicates: <alias>".
void enrich_alias(Enrichment& out, const api::PluginCatalog& plugins, const config::RawConfig& raw,
                  const std::string& list_key, const std::string& group_name, api::PluginKind kind,
                  const std::string& alias) {
  const std::string prefix = list_key + "." + alias + ".";
  const std::string group = group_name + ": " + alias;
  const std::string lower = kind == api::PluginKind::Predicate ? "predicate" : "transformation";
  config::ConfigKey type;
  type.name = prefix + "type";
  type.type = config::Type::Class;
  type.has_default = false;
  type.importance = config::Importance::High;
  type.documentation = "Class for the '" + alias + "' " + lower + ".";
  type.group = group;
  type.order_in_group = 0;
  type.width = config::Width::Long;
  type.display_name = std::string(kind_word(kind)) + " type for " + alias;
  out.def.define(type);
  out.types.push_back({type.name, prefix, kind});

  std::string class_name;
  try {
    class_name = transforms::resolve_type(raw, prefix, kind, plugins);
  } catch (const ConnectError&) {
    return;  // reported on the type key; nothing to embed (Kafka validates with requireFullConfig=false)
  }
  config::ConfigDef child;
  if (kind == api::PluginKind::Transformation) {
    child.define("predicate", config::Type::String, "", config::Importance::Medium,
                 "The alias of a predicate used to determine whether to apply this transformation.");
    child.define("negate", config::Type::Boolean, "false", config::Importance::Medium,
                 "Whether the configured predicate should be negated.");
  }
  if (const config::ConfigDef* def = plugin_def(plugins, class_name, kind)) {
    for (const config::ConfigKey& key : def->keys()) {
      if (child.find(key.name) != nullptr) {
        logger()->warn("Transformer config {} is masked by implicit config of that name", key.name);
        continue;
      }
      child.define(key);
    }
  }
  int order = 1;
  for (config::ConfigKey key : sorted_keys(child)) {
    if (key.display_name.empty()) key.display_name = key.name;
    for (auto& dependent : key.dependents) dependent = prefix + dependent;
    if (key.validator) key.validator = std::make_shared<EmbeddedValidator>(prefix.size(), key.validator);
    key.name = prefix + key.name;
    key.group = group;
    key.order_in_group = order++;
    if (out.def.find(key.name) != nullptr) continue;  // a plugin key named "type"
    out.def.define(std::move(key));
  }
}

Enrichment enrich(const api::PluginCatalog& plugins, const config::RawConfig& raw) {
  Enrichment out;
  for (const auto& alias : unique_aliases(raw, "transforms"))
    enrich_alias(out, plugins, raw, "transforms", "Transforms", api::PluginKind::Transformation, alias);
  for (const auto& alias : unique_aliases(raw, "predicates"))
    enrich_alias(out, plugins, raw, "predicates", "Predicates", api::PluginKind::Predicate, alias);
  return out;
}

// The errors and value Kafka shows for a type key. Kafka parses CLASS values by loading the class (an unknown
// class is a parse error and leaves the value null), then runs the key's validator even on null: the
// negate-without-predicate check, then "Not a Transformation" / the abstract-class message.
void check_type_key(const Enrichment::TypeKey& type, const api::PluginCatalog& plugins, const config::RawConfig& raw,
                    config::ConfigValueResult& result) {
  std::vector<std::string> recommended;
  for (const auto& info : plugins.plugins()) {
    if (info.kind == type.kind) recommended.push_back(info.class_name);
  }
  std::sort(recommended.begin(), recommended.end());
  recommended.erase(std::unique(recommended.begin(), recommended.end()), recommended.end());
  result.recommended_values = std::move(recommended);

  std::optional<std::string> negate_error;
  if (type.kind == api::PluginKind::Transformation && raw.contains(type.prefix + "negate") &&
      !raw.contains(type.prefix + "predicate")) {
    negate_error = "Config '" + type.prefix + "negate' was provided but there is no config '" + type.prefix +
                   "predicate' defining a predicate to be negated.";
  }
  const std::string not_a = "Invalid value null for configuration " + type.name + ": Not a " + kind_word(type.kind);
  if (!result.value || result.value->empty()) {
    result.value.reset();
    result.errors.push_back(negate_error.value_or(not_a));
    return;
  }
  try {
    result.value = transforms::resolve_type(raw, type.prefix, type.kind, plugins);
    if (negate_error) result.errors.push_back(*negate_error);
  } catch (const ConnectError& e) {
    const std::string message = e.what();
    if (message.find("could not be found.") != std::string::npos) {
      result.value.reset();
      result.errors.push_back(message);
      result.errors.push_back(negate_error.value_or(not_a));
    } else {
      result.errors.push_back(negate_error.value_or(message));
    }
  }
}

}  // namespace

std::string java_map_string(const StringMap& config) {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : config) {
    if (!first) out += ", ";
    first = false;
    out += key + "=" + value;
  }
  return out + "}";
}

ConnectorValidator::ConnectorValidator(api::PluginCatalog& plugins, const std::string& override_policy)
    : plugins_(plugins), override_policy_(worker::parse_override_policy(override_policy)) {}

ConfigKeyInfo ConnectorValidator::key_info(const config::ConfigKey& key, const std::string& prefix) {
  ConfigKeyInfo out;
  out.name = prefix + key.name;
  out.type = config::type_name(key.type);
  out.required = !key.has_default;
  if (key.has_default && key.default_value) {
    try {
      out.default_value = config::render(config::parse_type(key.name, key.default_value, key.type), key.type);
    } catch (const ConfigError&) {
      out.default_value = key.default_value;
    }
  }
  out.importance = config::importance_name(key.importance);
  out.documentation = key.documentation;
  out.group = key.group;
  out.order = key.order_in_group;
  out.width = config::width_name(key.width);
  out.display_name = key.display_name.empty() ? key.name : key.display_name;
  out.dependents = key.dependents;
  return out;
}

std::string ConnectorValidator::error_message(const ConfigInfos& infos) {
  if (infos.error_count <= 0) return {};
  std::string message = "Connector configuration is invalid and contains the following " +
                        std::to_string(infos.error_count) + " error(s):";
  for (const auto& info : infos.configs) {
    for (const auto& error : info.value.errors) message += "\n" + error;
  }
  message += "\nYou can also find the above list of errors at the endpoint "
             "`/connector-plugins/{connectorType}/config/validate`";
  return message;
}

ConfigInfos ConnectorValidator::validate(const StringMap& config) const {
  auto class_it = config.find("connector.class");
  if (class_it == config.end()) {
    throw BadRequestError("Connector config " + java_map_string(config) + " contains no connector type");
  }
  const std::string& connector_class = class_it->second;

  ValidationContext context("[validation|" + connector_class + "] ");
  std::unique_ptr<api::Connector> connector;
  try {
    connector = plugins_.create_connector(connector_class, context);
  } catch (const NotFoundError& e) {
    // Kafka answers an unknown connector class with a plain ConnectException: HTTP 500.
    throw ConnectError(e.what());
  }
  logger()->info("Validating connector {}, version {}", connector_class, connector->version());

  const api::ConnectorType type = connector->type();
  const config::RawConfig raw = raw_of(config);

  // Common connector keys (ConnectorConfig + the source or sink additions, with transforms/predicates).
  const config::ConfigDef& base_def = worker::connector_config_def(type);
  Section section;
  section.add_keys(base_def);
  section.values = base_def.validate(raw);
  // transforms.<alias>.* and predicates.<alias>.*, as Kafka's enriched ConfigDef adds them after the common keys.
  const Enrichment enrichment = enrich(plugins_, raw);
  section.add_keys(enrichment.def);
  for (auto& v : enrichment.def.validate(raw)) section.values.push_back(std::move(v));
  for (const auto& type_key : enrichment.types) {
    if (auto* v = section.value(type_key.name)) check_type_key(type_key, plugins_, raw, *v);
  }
  if (type == api::ConnectorType::Sink) {
    for (const auto& issue : worker::validate_sink_topics(config)) add_issue(section, config, issue);
  }
  config::add_null_value_errors(raw, section.values);
  check_converter_classes(plugins_, config, section);

  // The plugin's own keys and its multi-key checks.
  const config::ConfigDef& plugin_def = connector->config_def();
  section.add_keys(plugin_def);
  auto plugin_values = plugin_def.validate(raw);
  for (auto& v : plugin_values) section.values.push_back(std::move(v));
  for (const auto& issue : connector->validate(config)) add_issue(section, config, issue);

  ConfigInfos out;
  out.name = connector_class;
  section.emit(out);

  // Client overrides: producer (sources, sinks with a DLQ), consumer (sinks), admin (topic creation, DLQ).
  const auto refusals = worker::check_client_overrides(override_policy_, config);
  const bool dlq = type == api::ConnectorType::Sink && has_non_empty(config, "errors.deadletterqueue.topic.name");
  const bool topic_creation =
      type == api::ConnectorType::Source &&
      std::any_of(config.begin(), config.end(), [](const auto& e) { return starts_with(e.first, "topic.creation."); });
  if (type == api::ConnectorType::Source || dlq)
    emit_prefixed(out, nullptr, override_values(config, "producer.override.", refusals), "producer.override.");
  if (type == api::ConnectorType::Sink)
    emit_prefixed(out, nullptr, override_values(config, "consumer.override.", refusals), "consumer.override.");
  if (topic_creation || dlq)
    emit_prefixed(out, nullptr, override_values(config, "admin.override.", refusals), "admin.override.");

  validate_converters(plugins_, config, section, out);
  return out;
}

std::vector<ConfigKeyInfo> ConnectorValidator::plugin_config(const std::string& plugin) const {
  const api::PluginInfo* info = plugins_.find(plugin);
  if (info == nullptr) throw NotFoundError("Unknown plugin " + plugin + ".");
  std::vector<ConfigKeyInfo> out;
  std::set<std::string> seen;
  auto add = [&](const config::ConfigDef& def) {
    for (const auto& key : def.keys()) {
      if (key.internal || !seen.insert(key.name).second) continue;
      out.push_back(key_info(key));
    }
  };
  switch (info->kind) {
    case api::PluginKind::SourceConnector:
    case api::PluginKind::SinkConnector: {
      if (info->config_def != nullptr) add(*info->config_def);
      const auto type = info->kind == api::PluginKind::SinkConnector ? api::ConnectorType::Sink
                                                                     : api::ConnectorType::Source;
      add(worker::connector_config_def(type));
      break;
    }
    case api::PluginKind::Converter:
    case api::PluginKind::HeaderConverter:
    case api::PluginKind::Transformation:
    case api::PluginKind::Predicate:
      if (info->config_def != nullptr) add(*info->config_def);
      break;
    case api::PluginKind::ConfigProvider:
      throw BadRequestError("Invalid plugin class " + plugin +
                            ". Valid types are sink, source, converter, header_converter, transformation, predicate.");
  }
  return out;
}

}  // namespace sluice::herder
