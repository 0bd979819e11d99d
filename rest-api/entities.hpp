#pragma once
// Kafka Connect's REST entities <-> JSON. Field names and field order follow what Kafka's Jackson
// serialisation produces (creator properties first, in creator order; then the rest), e.g.
//   ConnectorInfo        name, config, tasks, type
//   ConnectorStateInfo   name, connector, tasks, type; connector state: state, worker_id[, trace];
//                        task state: id, state, worker_id[, trace]  (trace only when non-empty)
//   ConfigKeyInfo        name, type, required, default_value, importance, documentation, group, width,
//                        display_name, dependents, order   ("order" is a getter-only property, so last)
// Parsing follows Jackson's mapping rules: String targets accept JSON numbers and booleans (as their text);
// type mismatches and unknown fields throw ConnectError (HTTP 500, as Kafka) with Jackson's message
// fragments "Cannot deserialize value", "Cannot construct instance", "Unrecognized field".
// Only rest-api .cpp files include this header.

#include "core/config/config_def.hpp"
#include "core/herder/herder.hpp"
#include "rest-api/json_input.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sluice::rest {

// ---- responses ----
Json to_json(const herder::ConnectorInfo& info);
Json to_json(const herder::ConnectorStateInfo& info);
Json connector_state_json(const herder::StateInfo& state);
Json to_json(const herder::TaskStateInfo& state);
Json to_json(const std::vector<herder::TaskInfo>& tasks);
Json tasks_config_json(const std::vector<herder::TaskInfo>& tasks);  // {"<name>-<id>": {...}}
Json to_json(const herder::ConfigKeyInfo& key);
Json to_json(const herder::ConfigInfos& infos);
Json to_json(const herder::PluginDesc& plugin);
Json to_json(const herder::ServerInfo& info);
Json to_json(const herder::HealthInfo& health);
Json to_json(const herder::LoggerLevel& level);
Json offsets_json(const std::vector<herder::ConnectorOffset>& offsets);
Json active_topics_json(const std::string& connector, const std::set<std::string>& topics);
Json message_json(const std::string& message);
Json string_map_json(const herder::StringMap& map);
Json value_to_json(const data::Value& value);

// Compact JSON as Jackson writes it; invalid UTF-8 is replaced rather than failing the response.
std::string dump(const Json& json);

// ---- requests ----
struct CreateConnectorRequest {
  std::optional<std::string> name;          // as sent (not trimmed); nullopt when absent or null
  std::optional<config::RawConfig> config;  // nullopt when absent or null
  std::optional<TargetState> initial_state;
};

CreateConnectorRequest parse_create_request(const Json& body);
// A Map<String,String> body (connector configs, validate, logger level): numbers and booleans become
// their text, JSON null becomes nullopt.
config::RawConfig parse_string_map(const Json& body);
// ConnectorOffsets; nullopt when "offsets" is absent or null.
std::optional<std::vector<herder::ConnectorOffset>> parse_offsets(const Json& body);
// Jackson's untyped mapping: integral numbers -> INT64, other numbers -> FLOAT64, objects -> MAP with
// string keys, arrays -> ARRAY.
data::Value json_to_value(const Json& json);

}  // namespace sluice::rest
