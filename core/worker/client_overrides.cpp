#include "core/worker/client_overrides.hpp"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <array>
#include <mutex>

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"

namespace sluice::worker {
namespace {

namespace ck = connector_keys;

constexpr std::array<const char*, 3> kPrincipalKeys = {"sasl.jaas.config", "sasl.mechanism", "security.protocol"};

bool allowed(OverridePolicy policy, const std::string& key) {
  switch (policy) {
    case OverridePolicy::All: return true;
    case OverridePolicy::None: return false;
    case OverridePolicy::Principal:
      for (const char* k : kPrincipalKeys)
        if (key == k) return true;
      return false;
  }
  return false;
}

StringMap with_prefix(const StringMap& config, std::string_view prefix) {
  StringMap out;
  for (const auto& [key, value] : config) {
    if (key.size() > prefix.size() && std::string_view(key).starts_with(prefix)) out.emplace(key.substr(prefix.size()), value);
  }
  return out;
}

std::string refusal(OverridePolicy policy, const std::string& key) {
  return std::string("The '") + override_policy_name(policy) + "' policy does not allow '" + key +
         "' to be overridden in the connector configuration.";
}

// The connector's overrides for one client, after the policy allowed them. The herder validates these
// before a connector is created; this guards configs that bypassed validation, as Kafka's Worker does.
StringMap overrides(OverridePolicy policy, const StringMap& connector_config, std::string_view prefix) {
  std::string refused;
  StringMap out = with_prefix(connector_config, prefix);
  for (const auto& [key, value] : out) {
    if (allowed(policy, key)) continue;
    if (!refused.empty()) refused += " ";
    refused += refusal(policy, key);
  }
  if (!refused.empty()) throw ConnectError("Client Config Overrides not allowed: " + refused);
  return out;
}

void put_all(kafka::Properties& target, const StringMap& source) {
  for (const auto& [k, v] : source) target[k] = v;
}

// librdkafka before 2.3.0 aborts the whole process (rdkafka_sticky_assignor.c:1896, librdkafka issue #4312)
// when a cooperative-sticky consumer is closed before its first assignment, which a sink task stopped right
// after it started does. Those versions get the range assignor (Kafka's own consumer default lists range
// first, so a Java sink group assigns with it too); the choice is logged once per process.
constexpr int kFirstSafeCooperativeVersion = 0x020300ff;

const char* default_assignor() {
  const int version = rd_kafka_version();
  const bool safe = version >= kFirstSafeCooperativeVersion;
  static std::once_flag logged;
  std::call_once(logged, [&] {
    if (!safe) {
      log::get("sluice.worker")
          ->info(
              "librdkafka {} closes cooperative-sticky consumers unsafely (librdkafka issue #4312, fixed in "
              "2.3.0): sink tasks use partition.assignment.strategy=range unless consumer.* or "
              "consumer.override.* sets it",
              rd_kafka_version_str());
    }
  });
  return safe ? "cooperative-sticky" : "range";
}

}  // namespace

OverridePolicy parse_override_policy(std::string_view value) {
  constexpr std::string_view kPackage = "org.apache.kafka.connect.connector.policy.";
  constexpr std::string_view kSuffix = "ConnectorClientConfigOverridePolicy";
  std::string_view name = value;
  if (name.starts_with(kPackage)) name.remove_prefix(kPackage.size());
  if (name.ends_with(kSuffix)) name.remove_suffix(kSuffix.size());
  if (name == "All") return OverridePolicy::All;
  if (name == "None") return OverridePolicy::None;
  if (name == "Principal") return OverridePolicy::Principal;
  throw ConfigError("Invalid value " + std::string(value) + " for configuration " + worker_keys::kOverridePolicy +
                    ": expected All, None or Principal (or Kafka's class name of one of these policies, e.g. "
                    "org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy)");
}

const char* override_policy_name(OverridePolicy policy) {
  switch (policy) {
    case OverridePolicy::All: return "All";
    case OverridePolicy::None: return "None";
    case OverridePolicy::Principal: return "Principal";
  }
  return "All";
}

std::vector<api::ValidationIssue> check_client_overrides(OverridePolicy policy, const StringMap& connector_config) {
  std::vector<api::ValidationIssue> issues;
  for (const char* prefix : {ck::kProducerOverridePrefix, ck::kConsumerOverridePrefix, ck::kAdminOverridePrefix}) {
    for (const auto& [key, value] : with_prefix(connector_config, prefix)) {
      if (!allowed(policy, key)) issues.push_back({std::string(prefix) + key, refusal(policy, key)});
    }
  }
  return issues;
}

std::string sink_group_id(const WorkerConfig& worker, const std::string& connector, const StringMap& connector_config) {
  const auto it = connector_config.find(std::string(ck::kConsumerOverridePrefix) + "group.id");
  if (it != connector_config.end()) return it->second;
  const auto worker_group = worker.originals().find("consumer.group.id");
  if (worker_group != worker.originals().end()) return worker_group->second;
  return "connect-" + connector;
}

kafka::Properties producer_properties(const WorkerConfig& worker, const std::string& bootstrap, OverridePolicy policy,
                                      const StringMap& connector_config, const std::string& client_id) {
  kafka::Properties props;
  props["bootstrap.servers"] = bootstrap;
  props["client.id"] = client_id;
  props["acks"] = "all";
  props["enable.idempotence"] = "true";
  // Kafka Connect retries a record until it is delivered or the task stops (Integer.MAX_VALUE).
  props["delivery.timeout.ms"] = "2147483647";
  put_all(props, worker.originals_with_prefix("producer."));
  put_all(props, overrides(policy, connector_config, ck::kProducerOverridePrefix));
  return props;
}

kafka::Properties consumer_properties(const WorkerConfig& worker, const std::string& bootstrap, OverridePolicy policy,
                                      const std::string& connector, const StringMap& connector_config,
                                      const std::string& client_id) {
  kafka::Properties props;
  props["bootstrap.servers"] = bootstrap;
  props["group.id"] = "connect-" + connector;
  props["client.id"] = client_id;
  props["enable.auto.commit"] = "false";
  props["auto.offset.reset"] = "earliest";
  props["partition.assignment.strategy"] = default_assignor();
  // librdkafka stops fetching a partition for about a second once the consumer queue holds
  // queued.min.messages messages, and a sink task's partitions share one queue, so the count is over all of
  // them: with librdkafka's 100000 a sink that keeps up with its topics pauses for a second every few hundred
  // thousand records. A million lets a sink drain up to a million records a second without running dry;
  // queued.max.messages.kbytes (64 MB) still bounds what is prefetched.
  props["queued.min.messages"] = "1000000";
  put_all(props, worker.originals_with_prefix("consumer."));
  put_all(props, overrides(policy, connector_config, ck::kConsumerOverridePrefix));
  return props;
}

kafka::Properties admin_properties(const WorkerConfig& worker, const std::string& bootstrap, OverridePolicy policy,
                                   const StringMap& connector_config, const std::string& client_id) {
  kafka::Properties props;
  props["bootstrap.servers"] = bootstrap;
  props["client.id"] = client_id;
  // Kafka gives the admin client every top-level worker key; only the security settings mean something to
  // a client (the rest are worker keys librdkafka would warn about).
  for (const auto& [key, value] : worker.originals()) {
    if (key == "security.protocol" || key.starts_with("sasl.") || key.starts_with("ssl.")) props[key] = value;
  }
  put_all(props, worker.originals_with_prefix("admin."));
  put_all(props, overrides(policy, connector_config, ck::kAdminOverridePrefix));
  return props;
}

}  // namespace sluice::worker
