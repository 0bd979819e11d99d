#include "core/storage/kafka_status_store.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/convert/json_writer.hpp"

#include <nlohmann/json.hpp>

namespace sluice::storage {
namespace {

namespace json = convert::json;
using Json = nlohmann::json;

constexpr std::string_view kConnectorPrefix = "status-connector-";
constexpr std::string_view kTaskPrefix = "status-task-";
constexpr std::string_view kTopicPrefix = "status-topic-";
constexpr std::string_view kTopicSeparator = ":connector-";

std::shared_ptr<spdlog::logger> logger() {
  static const auto log = log::get("sluice.storage");
  return log;
}

std::string connector_key(const std::string& connector) {
  return std::string(kConnectorPrefix) + connector;
}

std::string task_key(const ConnectorTaskId& task) {
  return std::string(kTaskPrefix) + task.connector + "-" + std::to_string(task.task);
}

std::string topic_key(const std::string& connector, const std::string& topic) {
  return std::string(kTopicPrefix) + topic + std::string(kTopicSeparator) + connector;
}

// Kafka's STATUS_SCHEMA_V0 through JsonConverter (schemas.enable=false): state, trace, worker_id, generation.
std::string status_value(const StatusRecord& status) {
  std::string out = "{\"state\":";
  json::append_string(out, state_name(status.state));
  out += ",\"trace\":";
  if (status.trace) {
    json::append_string(out, *status.trace);
  } else {
    json::append_null(out);
  }
  out += ",\"worker_id\":";
  json::append_string(out, status.worker_id);
  out += ",\"generation\":";
  json::append_int(out, status.generation);
  out += '}';
  return out;
}

std::string topic_value(const TopicStatusRecord& status) {
  std::string out = "{\"topic\":{\"name\":";
  json::append_string(out, status.topic);
  out += ",\"connector\":";
  json::append_string(out, status.connector);
  out += ",\"task\":";
  json::append_int(out, status.task);
  out += ",\"discoverTimestamp\":";
  json::append_int(out, status.discover_timestamp);
  out += "}}";
  return out;
}

std::optional<Json> parse_json(const LogRecord& record) {
  try {
    return Json::parse(*record.value);
  } catch (const Json::exception& e) {
    logger()->error("Failed to deserialize status record {} at offset {}: {}", record.key, record.offset,
                    e.what());
    return std::nullopt;
  }
}

const Json* member(const Json& value, const char* name) {
  if (!value.is_object()) return nullptr;
  const auto it = value.find(name);
  return it == value.end() ? nullptr : &*it;
}

std::optional<std::int64_t> integer(const Json* node) {
  if (node == nullptr || !node->is_number_integer()) return std::nullopt;
  if (node->is_number_unsigned() && node->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    return std::nullopt;
  }
  return node->get<std::int64_t>();
}

std::optional<StatusRecord> parse_status(const LogRecord& record) {
  const auto value = parse_json(record);
  if (!value) return std::nullopt;
  const Json* state = member(*value, "state");
  const Json* trace = member(*value, "trace");
  const Json* worker = member(*value, "worker_id");
  const auto generation = integer(member(*value, "generation"));
  std::optional<State> parsed;
  if (state != nullptr && state->is_string()) parsed = parse_state(state->get<std::string>());
  if (!parsed || worker == nullptr || !worker->is_string() || !generation || *generation < INT32_MIN ||
      *generation > INT32_MAX || (trace != nullptr && !trace->is_string() && !trace->is_null())) {
    logger()->error(
        "Failed to deserialize status record {} at offset {}: expected {{\"state\":<state>,\"trace\":"
        "<string or null>,\"worker_id\":<string>,\"generation\":<int>}} but found {}",
        record.key, record.offset, *record.value);
    return std::nullopt;
  }
  StatusRecord status;
  status.state = *parsed;
  if (trace != nullptr && trace->is_string()) status.trace = trace->get<std::string>();
  status.worker_id = worker->get<std::string>();
  status.generation = static_cast<std::int32_t>(*generation);
  return status;
}

std::optional<TopicStatusRecord> parse_topic(const LogRecord& record) {
  const auto value = parse_json(record);
  if (!value) return std::nullopt;
  const Json* topic = member(*value, "topic");
  const Json* name = topic != nullptr ? member(*topic, "name") : nullptr;
  const Json* connector = topic != nullptr ? member(*topic, "connector") : nullptr;
  const auto task = integer(topic != nullptr ? member(*topic, "task") : nullptr);
  const auto discovered = integer(topic != nullptr ? member(*topic, "discoverTimestamp") : nullptr);
  if (name == nullptr || !name->is_string() || connector == nullptr || !connector->is_string() || !task ||
      !discovered) {
    logger()->error("Failed to deserialize topic status record {} at offset {}: {}", record.key,
                    record.offset, *record.value);
    return std::nullopt;
  }
  return TopicStatusRecord{name->get<std::string>(), connector->get<std::string>(), static_cast<int>(*task),
                           *discovered};
}

}  // namespace

KafkaStatusStore::KafkaStatusStore(const KafkaStoreOptions& options) : timeout_(options.timeout) {
  // Kafka's status producer: no idempotence and no client retries; this store decides what to send again.
  auto log_options =
      KafkaBasedLog::Options::for_store(options, options.status_topic, "statuses", /*owner_retries=*/true);
  log_ = std::make_unique<KafkaBasedLog>(std::move(log_options),
                                         [this](const LogRecord& record) { apply(record); });
}

KafkaStatusStore::~KafkaStatusStore() {
  stop();
}

void KafkaStatusStore::start() {
  log_->start(timeout_);
}

void KafkaStatusStore::stop() {
  log_->stop(timeout_);
}

KafkaStatusStore::EntryPtr KafkaStatusStore::connector_entry(const std::string& connector) {
  EntryPtr& entry = connectors_[connector];
  if (!entry) entry = std::make_shared<Entry>();
  return entry;
}

KafkaStatusStore::EntryPtr KafkaStatusStore::task_entry(const ConnectorTaskId& task) {
  EntryPtr& entry = tasks_[task.connector][task.task];
  if (!entry) entry = std::make_shared<Entry>();
  return entry;
}

void KafkaStatusStore::prune(const std::string& connector) {
  const auto gone = [](const EntryPtr& e) { return !e->visible() && e->unconfirmed == 0; };
  if (auto it = connectors_.find(connector); it != connectors_.end() && gone(it->second))
    connectors_.erase(it);
  if (auto it = tasks_.find(connector); it != tasks_.end()) {
    std::erase_if(it->second, [&](const auto& task) { return gone(task.second); });
    if (it->second.empty()) tasks_.erase(it);
  }
}

void KafkaStatusStore::put_connector(const std::string& connector, const StatusRecord& status) {
  EntryPtr entry;
  {
    MutexLock lock(mu_);
    entry = connector_entry(connector);
  }
  write(connector_key(connector), status, entry, false);
}

void KafkaStatusStore::put_connector_safe(const std::string& connector, const StatusRecord& status) {
  EntryPtr entry;
  {
    MutexLock lock(mu_);
    entry = connector_entry(connector);
  }
  write(connector_key(connector), status, entry, true);
}

void KafkaStatusStore::put_task(const ConnectorTaskId& task, const StatusRecord& status) {
  EntryPtr entry;
  {
    MutexLock lock(mu_);
    entry = task_entry(task);
  }
  write(task_key(task), status, entry, false);
}

void KafkaStatusStore::put_task_safe(const ConnectorTaskId& task, const StatusRecord& status) {
  EntryPtr entry;
  {
    MutexLock lock(mu_);
    entry = task_entry(task);
  }
  write(task_key(task), status, entry, true);
}

void KafkaStatusStore::write(const std::string& key, const StatusRecord& status, const EntryPtr& entry,
                             bool safe) {
  int sequence = 0;
  {
    MutexLock lock(mu_);
    generation_ = status.generation;
    const auto& known = entry->visible();
    // Kafka's CacheEntry.canWriteSafely.
    if (safe && known && known->worker_id != status.worker_id && known->generation > status.generation) {
      logger()->debug("Not writing {} {} of generation {}: worker {} wrote it in the newer generation {}",
                      key, state_name(status.state), status.generation, known->worker_id, known->generation);
      return;
    }
    sequence = ++entry->sequence;
    ++entry->unconfirmed;
    if (status.state == State::Destroyed) {
      entry->local.reset();
    } else {
      entry->local = status;
    }
  }
  std::optional<std::string> value;
  if (status.state != State::Destroyed) value = status_value(status);
  send_status(key, value, status, entry, safe, sequence);
}

void KafkaStatusStore::send_status(const std::string& key, const std::optional<std::string>& value,
                                   const StatusRecord& status, const EntryPtr& entry, bool safe,
                                   int sequence) {
  try {
    log_->send(key, value, [this, key, value, status, entry, safe, sequence](const SendResult& result) {
      on_status_sent(result, key, value, status, entry, safe, sequence);
    });
  } catch (const ConnectError& e) {
    logger()->error("Failed to write status update {}: {}", key, e.what());
    MutexLock lock(mu_);
    --entry->unconfirmed;
  }
}

void KafkaStatusStore::on_status_sent(const SendResult& result, const std::string& key,
                                      const std::optional<std::string>& value, const StatusRecord& status,
                                      const EntryPtr& entry, bool safe, int sequence) {
  {
    MutexLock lock(mu_);
    if (result.ok()) {
      // Read back already (the reader can be faster than the delivery report)? Then it is confirmed now.
      const auto through = read_through_.find(result.partition);
      if (through != read_through_.end() && through->second > result.offset) {
        --entry->unconfirmed;
      } else {
        entry->awaiting.emplace(result.partition, result.offset);
      }
      return;
    }
    // Kafka retries a retriable failure unless the worker's generation moved on or (putSafe) the entry
    // changed; here a newer write of the same entry always wins, so an older status is never sent after a
    // newer one.
    const auto& known = entry->visible();
    const bool superseded =
        entry->sequence != sequence || status.generation != generation_ ||
        (safe && known && known->worker_id != status.worker_id && known->generation > status.generation);
    if (!result.retriable || superseded) {
      --entry->unconfirmed;
      if (!result.retriable) {
        logger()->error("Failed to write status update {} to topic '{}' (status.storage.topic): {}", key,
                        log_->topic(), result.error);
      }
      return;
    }
  }
  logger()->debug("Retrying status update {} after a retriable error: {}", key, result.error);
  send_status(key, value, status, entry, safe, sequence);
}

void KafkaStatusStore::put_topic(const TopicStatusRecord& status) {
  {
    MutexLock lock(mu_);
    topics_[status.connector][status.topic] = status;
  }
  send_topic(topic_key(status.connector, status.topic), topic_value(status));
}

void KafkaStatusStore::delete_topic(const std::string& connector, const std::string& topic) {
  {
    MutexLock lock(mu_);
    if (auto it = topics_.find(connector); it != topics_.end()) {
      it->second.erase(topic);
      if (it->second.empty()) topics_.erase(it);
    }
  }
  send_topic(topic_key(connector, topic), std::nullopt);
}

void KafkaStatusStore::send_topic(const std::string& key, const std::optional<std::string>& value) {
  try {
    log_->send(key, value, [this, key, value](const SendResult& result) {
      if (result.ok()) return;
      if (!result.retriable) {
        logger()->error("Failed to write topic status update {} to topic '{}' (status.storage.topic): {}",
                        key, log_->topic(), result.error);
        return;
      }
      send_topic(key, value);
    });
  } catch (const ConnectError& e) {
    logger()->error("Failed to write topic status update {}: {}", key, e.what());
  }
}

void KafkaStatusStore::read_status(const EntryPtr& entry, const LogRecord& record,
                                   std::optional<StatusRecord> status) {
  entry->read = std::move(status);
  if (entry->awaiting.erase({record.partition, record.offset}) > 0) --entry->unconfirmed;
}

void KafkaStatusStore::apply(const LogRecord& record) {
  std::string topic_deleted_for;
  {
    MutexLock lock(mu_);
    topic_deleted_for = apply_locked(record);
  }
  if (!topic_deleted_for.empty() && topic_deleted_) topic_deleted_(topic_deleted_for);
}

std::string KafkaStatusStore::apply_locked(const LogRecord& record) {
  const std::string_view key = record.key;
  auto& through = read_through_[record.partition];
  through = std::max(through, record.offset + 1);

  if (key.starts_with(kConnectorPrefix)) {
    const std::string connector(key.substr(kConnectorPrefix.size()));
    if (connector.empty()) {
      logger()->warn("Discarding record with invalid connector status key {}", key);
      return {};
    }
    if (!record.value) {
      // A connector's tombstone forgets its tasks too (Kafka's remove(connector)).
      read_status(connector_entry(connector), record, std::nullopt);
      if (auto it = tasks_.find(connector); it != tasks_.end()) {
        for (auto& [task, entry] : it->second) entry->read.reset();
      }
      prune(connector);
      return {};
    }
    if (auto status = parse_status(record))
      read_status(connector_entry(connector), record, std::move(status));
    prune(connector);
  } else if (key.starts_with(kTaskPrefix)) {
    const auto id = parse_connector_task_id(key.substr(kTaskPrefix.size()));
    if (!id) {
      logger()->warn("Discarding record with invalid task status key {}", key);
      return {};
    }
    if (!record.value) {
      read_status(task_entry(*id), record, std::nullopt);
    } else if (auto status = parse_status(record)) {
      read_status(task_entry(*id), record, std::move(status));
    }
    prune(id->connector);
  } else if (key.starts_with(kTopicPrefix)) {
    const auto separator = key.find(kTopicSeparator, kTopicPrefix.size());
    const std::string topic(key.substr(kTopicPrefix.size(), separator == std::string_view::npos
                                                                ? std::string_view::npos
                                                                : separator - kTopicPrefix.size()));
    const std::string connector(separator == std::string_view::npos
                                    ? std::string()
                                    : std::string(key.substr(separator + kTopicSeparator.size())));
    if (separator == std::string_view::npos || topic.empty() || connector.empty()) {
      logger()->warn("Discarding record with invalid topic status key {}", key);
      return {};
    }
    if (!record.value) {
      if (auto it = topics_.find(connector); it != topics_.end()) {
        it->second.erase(topic);
        if (it->second.empty()) topics_.erase(it);
      }
      return connector;
    } else if (auto status = parse_topic(record)) {
      topics_[connector][topic] = std::move(*status);
    }
  } else {
    logger()->warn("Discarding record with invalid key {}", key);
  }
  return {};
}

std::optional<StatusRecord> KafkaStatusStore::connector(const std::string& connector) const {
  MutexLock lock(mu_);
  const auto it = connectors_.find(connector);
  if (it == connectors_.end()) return std::nullopt;
  return it->second->visible();
}

std::optional<StatusRecord> KafkaStatusStore::task(const ConnectorTaskId& task) const {
  MutexLock lock(mu_);
  const auto c = tasks_.find(task.connector);
  if (c == tasks_.end()) return std::nullopt;
  const auto t = c->second.find(task.task);
  if (t == c->second.end()) return std::nullopt;
  return t->second->visible();
}

std::map<int, StatusRecord> KafkaStatusStore::tasks(const std::string& connector) const {
  MutexLock lock(mu_);
  std::map<int, StatusRecord> out;
  if (const auto c = tasks_.find(connector); c != tasks_.end()) {
    for (const auto& [task, entry] : c->second) {
      if (const auto& value = entry->visible()) out.emplace(task, *value);
    }
  }
  return out;
}

std::set<std::string> KafkaStatusStore::connectors() const {
  MutexLock lock(mu_);
  std::set<std::string> out;
  for (const auto& [name, entry] : connectors_) {
    if (entry->visible()) out.insert(name);
  }
  return out;
}

std::set<std::string> KafkaStatusStore::topics(const std::string& connector) const {
  MutexLock lock(mu_);
  std::set<std::string> out;
  if (const auto it = topics_.find(connector); it != topics_.end()) {
    for (const auto& [topic, status] : it->second) out.insert(topic);
  }
  return out;
}

bool KafkaStatusStore::refresh(std::chrono::milliseconds timeout) {
  return log_->read_to_end(timeout);
}

bool KafkaStatusStore::flush(std::chrono::milliseconds timeout) {
  return log_->flush(timeout);
}

}  // namespace sluice::storage
