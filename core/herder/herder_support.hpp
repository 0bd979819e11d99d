#pragma once
// What both herders do the same way (Kafka's AbstractHerder): task ids, placeholders put back into generated
// task configs, connector types, the plugin listing, logger levels. Pure functions over their arguments;
// thread-safe.

#include "core/herder/herder.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace sluice::api {
class PluginCatalog;
}

namespace sluice::herder {

// <name>-0 .. <name>-(count-1).
std::vector<ConnectorTaskId> task_ids(const std::string& name, std::size_t count);

// Kafka's reverseTransform: task configs keep the connector's ${...} placeholders for keys that had them, so
// secrets resolved for the running instance are never stored or shown.
std::vector<StringMap> reverse_transform(const StringMap& raw_connector, std::vector<StringMap> task_configs);

// "source", "sink" or "unknown" for a connector config's connector.class.
std::string connector_type(api::PluginCatalog& plugins, const StringMap& config);

// The offsets of a connector change only while it is STOPPED with no tasks: BadRequestError with Kafka's
// message otherwise.
void require_stopped_for_offset_changes(const std::string& name, bool stopped_without_tasks);

// GET /connector-plugins in Kafka's order.
std::vector<PluginDesc> list_connector_plugins(api::PluginCatalog& plugins, bool connectors_only);

// GET /admin/loggers, GET /admin/loggers/{l} (NotFoundError "Logger <l> not found.").
std::map<std::string, LoggerLevel> current_logger_levels();
LoggerLevel current_logger_level(const std::string& logger);
// Applies a log4j level name (case-insensitive; ALL and FATAL map to the nearest spdlog level) to the
// namespace and its children on this worker; NotFoundError "invalid log level '<x>'." otherwise. Returns the
// affected logger names.
std::vector<std::string> apply_logger_level(const std::string& logger, const std::string& level);
// True when `level` is a level apply_logger_level accepts.
bool valid_logger_level(const std::string& level);

}  // namespace sluice::herder
