#pragma once
// The Kafka clients of connectors and tasks, configured as Kafka's Worker does:
//   producer (source tasks): bootstrap.servers, client.id connector-producer-<connector>-<task>, acks=all,
//     idempotent, delivery.timeout.ms=MAX (retry until stopped), then the worker's producer.* keys, then the
//     connector's producer.override.* keys;
//   consumer (sink tasks): group.id connect-<connector>, client.id connector-consumer-<connector>-<task>,
//     enable.auto.commit=false, auto.offset.reset=earliest, cooperative-sticky assignment (range with a
//     librdkafka older than 2.3.0, whose cooperative-sticky assignor can abort the process on close:
//     librdkafka issue #4312), queued.min.messages=1000000 (librdkafka's own default stalls fast sinks, see
//     the .cpp), then consumer.*, then consumer.override.*;
//   admin: bootstrap.servers, the worker's security settings, admin.*, admin.override.*.
// Connector overrides pass connector.client.config.override.policy first (Kafka's All, None, Principal).
// Java-only client keys are dealt with by core/kafka (skipped with a WARN, see client_config.hpp).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/api/connector.hpp"
#include "core/kafka/client.hpp"
#include "core/worker/connector_config.hpp"
#include "core/worker/worker_config.hpp"

namespace sluice::worker {

enum class OverridePolicy { All, None, Principal };

// Accepts All / None / Principal, Kafka's policy class names and their simple names. Throws ConfigError
// "Invalid value <v> for configuration connector.client.config.override.policy: ..." otherwise.
OverridePolicy parse_override_policy(std::string_view value);
const char* override_policy_name(OverridePolicy policy);  // "All", "None", "Principal"

// Kafka's policy check of producer.override.*, consumer.override.* and admin.override.* keys. One issue per
// refused key, on the full (prefixed) key, with Kafka's message naming the unprefixed client key:
//   The 'None' policy does not allow 'acks' to be overridden in the connector configuration.
std::vector<api::ValidationIssue> check_client_overrides(OverridePolicy policy, const StringMap& connector_config);

// The consumer group of a sink connector, as Kafka resolves it: consumer.override.group.id, else the worker's
// consumer.group.id, else connect-<name>.
std::string sink_group_id(const WorkerConfig& worker, const std::string& connector, const StringMap& connector_config);

// Client properties; `bootstrap` is the worker's resolved bootstrap.servers. Throw ConnectError when the
// connector overrides keys the policy refuses ("Client Config Overrides not allowed: <messages>").
kafka::Properties producer_properties(const WorkerConfig& worker, const std::string& bootstrap, OverridePolicy policy,
                                      const StringMap& connector_config, const std::string& client_id);
kafka::Properties consumer_properties(const WorkerConfig& worker, const std::string& bootstrap, OverridePolicy policy,
                                      const std::string& connector, const StringMap& connector_config,
                                      const std::string& client_id);
kafka::Properties admin_properties(const WorkerConfig& worker, const std::string& bootstrap, OverridePolicy policy,
                                   const StringMap& connector_config, const std::string& client_id);

}  // namespace sluice::worker
