#pragma once
// Validators for worker and connector keys whose Kafka validators core/config does not offer, with Kafka's
// exact messages. Internal to core/worker.

#include <string>
#include <string_view>
#include <vector>

#include "core/config/config_def.hpp"

namespace sluice::worker::validators {

// Kafka's ConfigException(name, value, message): "Invalid value <value> for configuration <name>: <message>".
[[noreturn]] void throw_invalid(std::string_view name, std::string_view value, std::string_view message);

// Java's List.toString(): "[a, b]".
std::string java_list(const std::vector<std::string>& items);

// ConfigDef.NonEmptyStringWithoutControlChars ("String may not be empty", "String may not contain control
// sequences but had the following ASCII chars: 10, 13").
config::ValidatorPtr non_empty_string_without_control_chars();
// ConnectorConfig's alias lists: non-null, no duplicates ("Duplicate alias provided."). `kind` is used in
// the description ("unique transformation aliases").
config::ValidatorPtr unique_aliases(std::string kind);
// Kafka's RegexValidator: "Invalid regex: <reason>".
config::ValidatorPtr regex();
// RestServerConfig's listeners validator.
config::ValidatorPtr listeners();
// TopicCreationConfig's partition count and replication factor validators (-1: the broker's default).
config::ValidatorPtr partitions();
config::ValidatorPtr replication_factor();
// A LONG that may be null, otherwise at least `min`.
config::ValidatorPtr null_or_at_least(double min);
// DistributedConfig's connect.protocol (eager, compatible, sessioned).
config::ValidatorPtr connect_protocol();

}  // namespace sluice::worker::validators
