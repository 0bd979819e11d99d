#include "core/worker/connector_offsets.hpp"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <map>
#include <regex>
#include <set>

#include "core/common/errors.hpp"
#include "core/data/values.hpp"
#include "core/kafka/admin.hpp"
#include "core/storage/offset_codec.hpp"
#include "core/worker/client_overrides.hpp"
#include "core/worker/connector_config.hpp"

namespace sluice::worker {
namespace {

using data::Value;
using Clock = std::chrono::steady_clock;

// Kafka's RestServer.DEFAULT_REST_REQUEST_TIMEOUT_MS: the whole operation must fit in it.
constexpr std::chrono::milliseconds kRequestTimeout{90'000};
constexpr const char* kTopicKey = "kafka_topic";
constexpr const char* kPartitionKey = "kafka_partition";
constexpr const char* kOffsetKey = "kafka_offset";

// A connector instance for offsets requests only: never started, no task reconfiguration.
class OffsetsOnlyContext final : public api::ConnectorContext {
 public:
  explicit OffsetsOnlyContext(std::string name) : prefix_("[" + name + "|worker] ") {}
  const std::string& log_prefix() const override { return prefix_; }
  bool is_stopping() const override { return false; }
  void request_task_reconfiguration() override {}
  void raise_error(const std::string&) override {}

 private:
  std::string prefix_;
};

struct Instance {
  std::unique_ptr<OffsetsOnlyContext> context;
  std::unique_ptr<api::Connector> connector;
};

Instance instantiate(WorkerContext& ctx, const std::string& name, const StringMap& config) {
  const auto class_name = config.find(connector_keys::kConnectorClass);
  if (class_name == config.end()) {
    throw ConfigError(std::string("Missing required configuration \"") + connector_keys::kConnectorClass +
                      "\" which has no default value.");
  }
  Instance out;
  out.context = std::make_unique<OffsetsOnlyContext>(name);
  out.connector = ctx.plugins.create_connector(class_name->second, *out.context);
  return out;
}

const Value* map_get(const Value& map, const char* key) {
  if (map.kind() != Value::Kind::Map) return nullptr;
  for (const auto& [k, v] : map.as_map()) {
    if (k.kind() == Value::Kind::String && k.as_string() == key) return &v;
  }
  return nullptr;
}

// Java's String.valueOf of a JSON value from a REST body.
std::string java_string(const Value& value) {
  return data::values::java_to_string(nullptr, value);
}

// Java's Integer.parseInt / Long.parseLong: optional sign, decimal digits, nothing else.
template <typename T>
std::optional<T> parse_java_integer(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::size_t start = (text[0] == '+' || text[0] == '-') ? 1 : 0;
  if (start == text.size()) return std::nullopt;
  T value{};
  const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
  const auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

Value sink_partition(const std::string& topic, std::int32_t partition) {
  return Value::map({{Value::string(kTopicKey), Value::string(topic)}, {Value::string(kPartitionKey), Value::int32(partition)}});
}

Value sink_offset(std::int64_t offset) {
  return Value::map({{Value::string(kOffsetKey), Value::int64(offset)}});
}

// Kafka's SinkUtils.parseSinkConnectorOffsets, with its messages (BadRequestError -> 400).
std::map<kafka::TopicPartition, std::optional<std::int64_t>> parse_sink_offsets(const std::vector<SourceOffset>& offsets) {
  std::map<kafka::TopicPartition, std::optional<std::int64_t>> out;
  for (const SourceOffset& entry : offsets) {
    if (entry.partition.is_null()) {
      throw BadRequestError("The partition for a sink connector offset cannot be null or missing");
    }
    const Value* topic = map_get(entry.partition, kTopicKey);
    const Value* partition = map_get(entry.partition, kPartitionKey);
    if (topic == nullptr || partition == nullptr) {
      throw BadRequestError(std::string("The partition for a sink connector offset must contain the keys '") +
                            kTopicKey + "' and '" + kPartitionKey + "'");
    }
    const auto partition_number = parse_java_integer<std::int32_t>(java_string(*partition));
    if (!partition_number) {
      throw BadRequestError("Failed to parse the following Kafka partition value in the provided offsets: '" +
                            java_string(*partition) + "'. Partition values for sink connectors need to be integers.");
    }
    const kafka::TopicPartition tp{java_string(*topic), *partition_number};
    if (entry.offset.is_null()) {
      out[tp] = std::nullopt;
      continue;
    }
    const Value* offset = map_get(entry.offset, kOffsetKey);
    if (offset == nullptr) {
      throw BadRequestError(std::string("The offset for a sink connector should either be null or contain the key '") +
                            kOffsetKey + "'");
    }
    const auto offset_number = parse_java_integer<std::int64_t>(java_string(*offset));
    if (!offset_number) {
      throw BadRequestError("Failed to parse the following Kafka offset value in the provided offsets: '" +
                            java_string(*offset) + "'. Offset values for sink connectors need to be integers.");
    }
    out[tp] = *offset_number;
  }
  return out;
}

std::chrono::milliseconds remaining(Clock::time_point deadline) {
  return std::max(std::chrono::milliseconds(1),
                  std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
}

// The partitions of the connector's topics (topics, or topics.regex matched against the cluster's topics).
std::vector<kafka::TopicPartition> configured_partitions(kafka::Admin& admin, const StringMap& config,
                                                         Clock::time_point deadline) {
  const auto counts = admin.partition_counts(remaining(deadline));
  std::vector<std::string> topics = parse_topics_list(config);
  if (const auto regex = config.find(connector_keys::kTopicsRegex); regex != config.end() && !regex->second.empty()) {
    try {
      const std::regex pattern(regex->second, std::regex::ECMAScript);
      for (const auto& [topic, count] : counts) {
        if (std::regex_match(topic, pattern)) topics.push_back(topic);
      }
    } catch (const std::regex_error&) {
      // An invalid regex was refused when the connector was validated.
    }
  }
  std::vector<kafka::TopicPartition> out;
  for (const std::string& topic : topics) {
    const auto it = counts.find(topic);
    if (it == counts.end()) continue;
    for (int p = 0; p < it->second; ++p) out.push_back({topic, p});
  }
  return out;
}

std::map<kafka::TopicPartition, std::int64_t> group_offsets(kafka::Admin& admin, const std::string& group,
                                                            const StringMap& config, Clock::time_point deadline) {
  auto offsets = admin.list_group_offsets(group, std::nullopt, remaining(deadline));
  if (admin.is_dev_broker(remaining(deadline))) {
    // The dev broker lists nothing for "every partition": ask for the connector's partitions by name.
    const auto partitions = configured_partitions(admin, config, deadline);
    if (!partitions.empty()) {
      for (const auto& [tp, offset] : admin.list_group_offsets(group, partitions, remaining(deadline))) offsets[tp] = offset;
    }
  }
  return offsets;
}

// The earliest offset of each partition: what a reset means to a consumer with auto.offset.reset=earliest.
std::map<kafka::TopicPartition, std::int64_t> earliest_offsets(kafka::Admin& admin,
                                                               const std::vector<kafka::TopicPartition>& partitions,
                                                               Clock::time_point deadline) {
  std::map<kafka::TopicPartition, std::int64_t> earliest;
  for (const auto& tp : partitions) earliest[tp] = admin.watermarks(tp, remaining(deadline)).first;
  return earliest;
}

class AssignmentWaiter final : public kafka::RebalanceListener {
 public:
  void on_assigned(const std::vector<kafka::TopicPartition>&) override { assigned = true; }
  void on_revoked(const std::vector<kafka::TopicPartition>&) override {}
  bool assigned = false;
};

// The dev broker accepts offset commits for a group that ever had members only from a current member (its
// OffsetCommit has no "simple consumer" path), so join the (stopped) connector's group briefly and commit
// as its member.
void commit_as_group_member(WorkerContext& ctx, const std::string& name, const StringMap& config,
                            const std::string& group, const std::map<kafka::TopicPartition, std::int64_t>& offsets,
                            Clock::time_point deadline) {
  if (offsets.empty()) return;
  kafka::Properties props = consumer_properties(ctx.config, ctx.bootstrap, ctx.policy, name, config,
                                                "connector-worker-offsets-" + name);
  props["group.id"] = group;
  props.erase("max.poll.records");
  std::set<std::string> topic_set;
  for (const auto& [tp, offset] : offsets) topic_set.insert(tp.topic);
  AssignmentWaiter waiter;
  kafka::Consumer consumer(props, "offsets consumer for connector " + name, waiter);
  consumer.subscribe(std::vector<std::string>(topic_set.begin(), topic_set.end()));
  while (!waiter.assigned && Clock::now() < deadline) consumer.poll(std::chrono::milliseconds(100), 1);
  if (!waiter.assigned) {
    throw kafka::KafkaError("Could not join consumer group " + group + " to commit its offsets before the timeout",
                            RD_KAFKA_RESP_ERR__TIMED_OUT, true);
  }
  consumer.commit_sync(offsets);
  consumer.close();
}

std::string zombie_message(const char* verb, const std::string& name) {
  return std::string("Failed to ") + verb + " consumer group offsets for connector " + name +
         " either because its tasks haven't stopped completely yet or the connector was resumed before the request "
         "to " +
         verb +
         " its offsets could be successfully completed. If the connector is in a stopped state, this operation can "
         "be safely retried. If it doesn't eventually succeed, the Connect cluster may need to be restarted to get rid "
         "of the zombie sink tasks.";
}

std::unique_ptr<kafka::Admin> sink_admin(WorkerContext& ctx, const std::string& name, const StringMap& config) {
  return std::make_unique<kafka::Admin>(
      admin_properties(ctx.config, ctx.bootstrap, ctx.policy, config, "connector-worker-adminclient-" + name),
      "admin client for connector " + name);
}

bool is_sink(WorkerContext& ctx, const StringMap& config) {
  const auto class_name = config.find(connector_keys::kConnectorClass);
  if (class_name == config.end()) return false;
  const api::PluginInfo* info = ctx.plugins.find(class_name->second);
  return info != nullptr && info->kind == api::PluginKind::SinkConnector;
}

// Kafka's normalizeSourceConnectorOffsets: validated, then through the internal JSON converter and back, so
// the connector sees what tasks will read (integers as Long).
std::vector<api::OffsetEntry> normalize_source(const std::string& name, const std::vector<SourceOffset>& offsets) {
  std::vector<api::OffsetEntry> out;
  for (const SourceOffset& entry : offsets) {
    storage::validate_offset_format(entry.partition);
    storage::validate_offset_format(entry.offset);
    api::OffsetEntry normalized;
    normalized.partition = storage::parse_offset_key(storage::offset_key_json(name, entry.partition)).second;
    normalized.offset = storage::parse_offset_value(storage::offset_value_json(entry.offset));
    out.push_back(std::move(normalized));
  }
  return out;
}

void write_source_offsets(WorkerContext& ctx, const std::string& name, const std::vector<api::OffsetEntry>& entries) {
  std::vector<storage::OffsetEntry> writes;
  for (const api::OffsetEntry& e : entries) {
    storage::OffsetEntry w;
    w.partition = e.partition;
    if (!e.offset.is_null()) w.offset = e.offset;
    writes.push_back(std::move(w));
  }
  try {
    ctx.offsets.put(name, writes);
  } catch (const ConnectError&) {
    std::throw_with_nested(ConnectError("Failed to modify offsets for source connector " + name));
  }
}

}  // namespace

std::string offsets_modified_message(bool handled, bool reset) {
  const std::string verb = reset ? "reset" : "altered";
  if (handled) return "The offsets for this connector have been " + verb + " successfully";
  return "The Connect framework-managed offsets for this connector have been " + verb +
         " successfully. However, if this connector manages offsets externally, they will need to be manually " +
         verb + " in the system that the connector uses.";
}

std::vector<SourceOffset> read_connector_offsets(WorkerContext& ctx, const std::string& name,
                                                 const StringMap& connector_config) {
  std::vector<SourceOffset> out;
  if (!is_sink(ctx, connector_config)) {
    // Unknown classes fail here with the catalog's message.
    (void)instantiate(ctx, name, connector_config);
    for (auto& [partition, offset] : ctx.offsets.all(name)) out.push_back({std::move(partition), std::move(offset)});
    return out;
  }
  const auto deadline = Clock::now() + kRequestTimeout;
  const std::string group = sink_group_id(ctx.config, name, connector_config);
  try {
    auto admin = sink_admin(ctx, name, connector_config);
    for (const auto& [tp, offset] : group_offsets(*admin, group, connector_config, deadline))
      out.push_back({sink_partition(tp.topic, tp.partition), sink_offset(offset)});
  } catch (const std::exception&) {
    std::throw_with_nested(ConnectError("Failed to retrieve consumer group offsets for sink connector " + name));
  }
  return out;
}

std::string alter_connector_offsets(WorkerContext& ctx, const std::string& name, const StringMap& connector_config,
                                    const std::vector<SourceOffset>& offsets) {
  Instance instance = instantiate(ctx, name, connector_config);
  if (instance.connector->type() == api::ConnectorType::Source) {
    const std::vector<api::OffsetEntry> normalized = normalize_source(name, offsets);
    const bool handled = instance.connector->alter_offsets(connector_config, normalized);
    write_source_offsets(ctx, name, normalized);
    return offsets_modified_message(handled, /*reset=*/false);
  }

  const auto parsed = parse_sink_offsets(offsets);
  std::vector<api::OffsetEntry> entries;
  for (const auto& [tp, offset] : parsed)
    entries.push_back({sink_partition(tp.topic, tp.partition), offset ? sink_offset(*offset) : Value()});
  const bool handled = instance.connector->alter_offsets(connector_config, entries);

  const auto deadline = Clock::now() + kRequestTimeout;
  const std::string group = sink_group_id(ctx.config, name, connector_config);
  try {
    auto admin = sink_admin(ctx, name, connector_config);
    std::map<kafka::TopicPartition, std::int64_t> to_alter;
    std::vector<kafka::TopicPartition> to_reset;
    for (const auto& [tp, offset] : parsed) {
      if (offset) {
        to_alter[tp] = *offset;
      } else {
        to_reset.push_back(tp);
      }
    }
    if (admin->is_dev_broker(remaining(deadline))) {
      // No OffsetDelete there: a partition set to null gets its earliest offset (see the header).
      for (const auto& [tp, offset] : earliest_offsets(*admin, to_reset, deadline)) to_alter[tp] = offset;
      commit_as_group_member(ctx, name, connector_config, group, to_alter, deadline);
    } else {
      admin->alter_group_offsets(group, to_alter, remaining(deadline));
      if (!to_reset.empty()) admin->delete_group_offsets(group, to_reset, remaining(deadline));
    }
  } catch (const kafka::KafkaError& e) {
    if (e.code() == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID || e.code() == RD_KAFKA_RESP_ERR_GROUP_SUBSCRIBED_TO_TOPIC) {
      std::throw_with_nested(ConnectError(zombie_message("alter", name)));
    }
    std::throw_with_nested(ConnectError("Failed to alter consumer group offsets for connector " + name));
  }
  return offsets_modified_message(handled, /*reset=*/false);
}

std::string reset_connector_offsets(WorkerContext& ctx, const std::string& name, const StringMap& connector_config) {
  Instance instance = instantiate(ctx, name, connector_config);
  if (instance.connector->type() == api::ConnectorType::Source) {
    std::vector<api::OffsetEntry> entries;
    for (auto& [partition, offset] : ctx.offsets.all(name)) entries.push_back({std::move(partition), Value()});
    const bool handled = instance.connector->alter_offsets(connector_config, entries);
    if (entries.empty()) {
      ctx.log->info("No offsets found for source connector {} - this can occur due to a prior attempt to reset offsets "
                    "or if the source connector hasn't committed any offsets yet",
                    name);
    } else {
      write_source_offsets(ctx, name, entries);
    }
    return offsets_modified_message(handled, /*reset=*/true);
  }

  const auto deadline = Clock::now() + kRequestTimeout;
  const std::string group = sink_group_id(ctx.config, name, connector_config);
  auto admin = sink_admin(ctx, name, connector_config);
  std::map<kafka::TopicPartition, std::int64_t> existing;
  try {
    existing = group_offsets(*admin, group, connector_config, deadline);
  } catch (const std::exception&) {
    std::throw_with_nested(ConnectError("Failed to list offsets prior to resetting offsets for sink connector " + name));
  }
  std::vector<api::OffsetEntry> entries;
  std::vector<kafka::TopicPartition> partitions;
  for (const auto& [tp, offset] : existing) {
    entries.push_back({sink_partition(tp.topic, tp.partition), Value()});
    partitions.push_back(tp);
  }
  const bool handled = instance.connector->alter_offsets(connector_config, entries);
  try {
    if (admin->is_dev_broker(remaining(deadline))) {
      commit_as_group_member(ctx, name, connector_config, group, earliest_offsets(*admin, partitions, deadline),
                             deadline);
    } else {
      admin->delete_group(group, remaining(deadline));
    }
  } catch (const kafka::KafkaError& e) {
    if (e.code() == RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP || e.code() == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID) {
      std::throw_with_nested(ConnectError(zombie_message("reset", name)));
    }
    std::throw_with_nested(ConnectError("Failed to reset consumer group offsets for sink connector " + name));
  }
  return offsets_modified_message(handled, /*reset=*/true);
}

}  // namespace sluice::worker
