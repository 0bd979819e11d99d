#include "core/herder/herder_support.hpp"

#include "core/api/plugin_catalog.hpp"
#include "core/common/errors.hpp"
#include "core/common/logging.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>
#include <utility>

namespace sluice::herder {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  static const auto instance = log::get("sluice.herder");
  return instance;
}

// Kafka's ConfigTransformer.DEFAULT_PATTERN: ${provider:[path:]key}.
const std::regex& placeholder_pattern() {
  static const std::regex pattern(R"(\$\{([^}]*?):(([^}]*?):)?([^}]*?)\})");
  return pattern;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

LoggerLevel to_logger_level(const log::LoggerState& state) {
  return LoggerLevel{log::level_name(state.level), state.last_modified};
}

std::optional<log::Level> parse_log4j_level(const std::string& level) {
  const std::string wanted = upper(level);
  if (wanted == "ALL") return log::Level::Trace;
  return log::parse_level(wanted);
}

}  // namespace

std::vector<ConnectorTaskId> task_ids(const std::string& name, std::size_t count) {
  std::vector<ConnectorTaskId> ids;
  ids.reserve(count);
  for (std::size_t i = 0; i < count; ++i) ids.push_back(ConnectorTaskId{name, static_cast<int>(i)});
  return ids;
}

std::vector<StringMap> reverse_transform(const StringMap& raw_connector, std::vector<StringMap> task_configs) {
  std::vector<std::pair<std::string, std::string>> keyed;
  for (const auto& [key, value] : raw_connector) {
    if (std::regex_search(value, placeholder_pattern())) keyed.emplace_back(key, value);
  }
  if (keyed.empty()) return task_configs;
  for (auto& task : task_configs) {
    for (const auto& [key, value] : keyed) {
      if (auto it = task.find(key); it != task.end()) it->second = value;
    }
  }
  return task_configs;
}

std::string connector_type(api::PluginCatalog& plugins, const StringMap& config) {
  auto it = config.find("connector.class");
  if (it == config.end()) return "unknown";
  const api::PluginInfo* info = plugins.find(it->second);
  if (info == nullptr) return "unknown";
  if (info->kind == api::PluginKind::SourceConnector) return "source";
  if (info->kind == api::PluginKind::SinkConnector) return "sink";
  return "unknown";
}

std::vector<PluginDesc> list_connector_plugins(api::PluginCatalog& plugins, bool connectors_only) {
  // Kafka's ConnectorPluginsResource order: sinks, sources, then transformations, predicates, converters and
  // header converters. Config providers are not listed.
  std::vector<api::PluginKind> kinds = {api::PluginKind::SinkConnector, api::PluginKind::SourceConnector};
  if (!connectors_only) {
    kinds.insert(kinds.end(), {api::PluginKind::Transformation, api::PluginKind::Predicate, api::PluginKind::Converter,
                               api::PluginKind::HeaderConverter});
  }
  const auto all = plugins.plugins();
  std::vector<PluginDesc> out;
  for (auto kind : kinds) {
    for (const auto& p : all) {
      if (p.kind == kind) out.push_back(PluginDesc{p.class_name, api::plugin_kind_name(kind), p.version});
    }
  }
  return out;
}

std::map<std::string, LoggerLevel> current_logger_levels() {
  std::map<std::string, LoggerLevel> out;
  for (const auto& [name, state] : log::logger_levels()) out.emplace(name, to_logger_level(state));
  return out;
}

LoggerLevel current_logger_level(const std::string& name) {
  auto state = log::logger_level(name);
  if (!state) throw NotFoundError("Logger " + name + " not found.");
  return to_logger_level(*state);
}

bool valid_logger_level(const std::string& level) { return parse_log4j_level(level).has_value(); }

std::vector<std::string> apply_logger_level(const std::string& name, const std::string& level) {
  std::optional<log::Level> parsed = parse_log4j_level(level);
  if (!parsed) throw NotFoundError("invalid log level '" + level + "'.");
  logger()->info("Setting level of namespace {} and children to {}", name, log::level_name(*parsed));
  return log::set_namespace_level(name, *parsed);
}

void require_stopped_for_offset_changes(const std::string& name, bool stopped_without_tasks) {
  if (stopped_without_tasks) return;
  throw BadRequestError(
      "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the "
      "specified connector by issuing a 'PUT' request to the '/connectors/" +
      name + "/stop' endpoint");
}

}  // namespace sluice::herder
