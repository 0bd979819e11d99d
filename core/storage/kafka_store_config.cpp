#include "core/storage/kafka_store_config.hpp"

#include <charconv>
#include <optional>
#include <string_view>

#include "core/common/errors.hpp"

namespace sluice::storage {
namespace {

using Worker = std::map<std::string, std::string>;

// Worker-level settings of the connection to Kafka that the worker's own clients use (DistributedConfig
// defines them for its clients); producer.* and consumer.* are for connectors' clients and stay out.
bool is_connection_key(std::string_view key) {
  static constexpr std::string_view kKeys[] = {"bootstrap.servers",
                                               "security.protocol",
                                               "metadata.max.age.ms",
                                               "reconnect.backoff.ms",
                                               "reconnect.backoff.max.ms",
                                               "retry.backoff.ms",
                                               "request.timeout.ms",
                                               "connections.max.idle.ms",
                                               "send.buffer.bytes",
                                               "receive.buffer.bytes",
                                               "socket.connection.setup.timeout.ms",
                                               "socket.connection.setup.timeout.max.ms"};
  for (std::string_view k : kKeys) {
    if (key == k) return true;
  }
  return key.starts_with("sasl.") || key.starts_with("ssl.");
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// ConfigDef's required STRING: missing is Kafka's "Missing required configuration" error; the value is
// trimmed.
std::string required(const Worker& worker, const std::string& key) {
  const auto it = worker.find(key);
  if (it == worker.end()) {
    throw ConfigError("Missing required configuration \"" + key + "\" which has no default value.");
  }
  return trim(it->second);
}

// An INT (partitions) or SHORT (replication factor) with Kafka's validator: positive, or -1 for the broker's
// default.
int count_setting(const Worker& worker, const std::string& key, int default_value, bool replication) {
  const auto it = worker.find(key);
  if (it == worker.end()) return default_value;
  const std::string text = trim(it->second);
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const long long max = replication ? 32767 : 2147483647;
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > max ||
      value < -max - 1) {
    throw ConfigError("Invalid value " + it->second + " for configuration " + key +
                      ": Not a number of type " + (replication ? "SHORT" : "INT"));
  }
  if (value == 0 || value < -1) {
    throw ConfigError("Invalid value " + text + " for configuration " + key + ": " +
                      (replication
                           ? "Replication factor must be positive and not larger than the number of brokers "
                             "in the Kafka cluster, or -1 to use the broker's default"
                           : "Number of partitions must be positive, or -1 to use the broker's default"));
  }
  return static_cast<int>(value);
}

}  // namespace

KafkaStoreOptions kafka_store_options(const Worker& worker, std::string worker_id) {
  KafkaStoreOptions options;
  options.worker_id = std::move(worker_id);
  for (const auto& [key, value] : worker) {
    if (is_connection_key(key)) options.client.emplace(key, value);
  }

  // Kafka's ConnectUtils.clientIdBase: the group id, then the user's client.id when set, then "-".
  options.group_id = required(worker, "group.id");
  std::string base = options.group_id;
  if (const auto it = worker.find("client.id"); it != worker.end() && !trim(it->second).empty()) {
    base += "-" + trim(it->second);
  }
  options.client_id_base = base + "-";

  options.config_topic = {
      .topic = required(worker, "config.storage.topic"),
      .config_key = "config.storage.topic",
      .purpose = "connector configurations",
      .partitions = 1,
      .replication_factor = count_setting(worker, "config.storage.replication.factor", 3, true),
      .require_single_partition = true};
  if (options.config_topic.topic.empty())
    throw ConfigError("Must specify topic for connector configuration.");

  options.offset_topic = {
      .topic = required(worker, "offset.storage.topic"),
      .config_key = "offset.storage.topic",
      .purpose = "source connector offsets",
      .partitions = count_setting(worker, "offset.storage.partitions", 25, false),
      .replication_factor = count_setting(worker, "offset.storage.replication.factor", 3, true)};
  if (options.offset_topic.topic.empty()) throw ConfigError("Offset storage topic must be specified");

  options.status_topic = {
      .topic = required(worker, "status.storage.topic"),
      .config_key = "status.storage.topic",
      .purpose = "connector and task statuses",
      .partitions = count_setting(worker, "status.storage.partitions", 5, false),
      .replication_factor = count_setting(worker, "status.storage.replication.factor", 3, true)};
  if (options.status_topic.topic.empty()) throw ConfigError("Must specify topic for connector status.");
  return options;
}

}  // namespace sluice::storage
