#pragma once
// Kafka Java-client properties applied to librdkafka. Kafka Connect users configure the worker's clients with
// Java client keys (`producer.linger.ms`, `consumer.max.poll.records`, `sasl.jaas.config`, ...). Most names
// are the same in librdkafka; some carry Java-only values that have a librdkafka equivalent (assignor class
// names, `sasl.jaas.config` with a PLAIN/SCRAM login module, `auto.offset.reset=none`); the rest mean nothing
// to librdkafka. An existing Kafka Connect config must still run, so keys librdkafka does not know are
// skipped with a WARN naming the key, and translated keys are logged at DEBUG. A bad value for a key
// librdkafka knows is still an error: the user's intent is clear and silently dropping it would hide it.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/kafka/client.hpp"
#include "core/kafka/handles.hpp"

namespace sluice::kafka {

struct ClientConf {
  ConfHandle conf;
  // Keys that were not applied (librdkafka has no such property and sluice has no translation), in the
  // order given. Each was logged at WARN.
  std::vector<std::string> skipped;
};

// Builds a librdkafka conf from Java client properties. `client` names the client in messages, e.g.
// "producer for task my-source-0". Throws ConfigError "Invalid value <v> for Kafka client property <key> of
// the <client>: <librdkafka's message>" (secrets shown as [hidden]) for a value librdkafka rejects.
ClientConf make_client_conf(const Properties& properties, std::string_view client);

// The same, applied to an existing conf (for callers that set callbacks first).
std::vector<std::string> apply_client_properties(rd_kafka_conf_t& conf, const Properties& properties,
                                                 std::string_view client);

// One login module of a `sasl.jaas.config` value, e.g.
//   org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";
struct JaasModule {
  std::string module;
  std::map<std::string, std::string> options;
};
// Reads `Module flag key="value" key2=value2;` (Kafka's JaasConfig grammar, one login module); nullopt when the
// text does not follow it.
std::optional<JaasModule> parse_jaas(std::string_view text);

// True for keys whose values are secrets and must never be logged or echoed.
bool is_secret_property(std::string_view key);

}  // namespace sluice::kafka
