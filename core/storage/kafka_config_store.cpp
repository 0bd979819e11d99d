#include "core/storage/kafka_config_store.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <functional>

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/convert/json_writer.hpp"

#include <nlohmann/json.hpp>

namespace sluice::storage {
namespace {

namespace json = convert::json;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::string_view kTargetStatePrefix = "target-state-";
constexpr std::string_view kConnectorPrefix = "connector-";
constexpr std::string_view kTaskPrefix = "task-";
constexpr std::string_view kCommitPrefix = "commit-";
constexpr std::string_view kRestartPrefix = "restart-connector-";
constexpr std::string_view kTaskCountPrefix = "tasks-fencing-";
constexpr std::string_view kSessionKey = "session-key";
constexpr std::string_view kLoggerPrefix = "logger-cluster-";

std::shared_ptr<spdlog::logger> logger() {
  static const auto log = log::get("sluice.storage");
  return log;
}

// ---- Kafka's values: JsonConverter (schemas.enable=false) output of the store's structs, fields in order
// ----

std::string properties_value(const StringMap& properties) {
  std::string out = "{\"properties\":{";
  bool first = true;
  for (const auto& [key, value] : properties) {
    if (!first) out += ',';
    first = false;
    json::append_string(out, key);
    out += ':';
    json::append_string(out, value);
  }
  out += "}}";
  return out;
}

std::string target_state_value(TargetState state) {
  // Workers older than KIP-875 know no STOPPED: they read "state" and see PAUSED.
  std::string out = "{\"state\":";
  json::append_string(out, target_state_name(state == TargetState::Stopped ? TargetState::Paused : state));
  out += ",\"state.v2\":";
  json::append_string(out, target_state_name(state));
  out += '}';
  return out;
}

std::string commit_value(int tasks) {
  return "{\"tasks\":" + std::to_string(tasks) + "}";
}

std::string restart_value(const RestartRequestRecord& request) {
  std::string out = "{\"include-tasks\":";
  json::append_bool(out, request.include_tasks);
  out += ",\"only-failed\":";
  json::append_bool(out, request.only_failed);
  out += '}';
  return out;
}

std::string session_key_value(const SessionKeyRecord& key) {
  std::string out = "{\"key\":";
  json::append_string(out, key.key_base64);
  out += ",\"algorithm\":";
  json::append_string(out, key.algorithm);
  out += ",\"creation-timestamp\":";
  json::append_int(out, key.creation_timestamp);
  out += '}';
  return out;
}

std::string logger_level_value(const std::string& level) {
  std::string out = "{\"level\":";
  json::append_string(out, level);
  out += '}';
  return out;
}

// ---- Reading
// ------------------------------------------------------------------------------------------------

const char* kind_name(const Json* node) {
  return node == nullptr ? "null" : node->type_name();
}

// A member of an object, nullptr when absent (or `value` is not an object).
const Json* member(const Json& value, const char* name) {
  if (!value.is_object()) return nullptr;
  const auto it = value.find(name);
  return it == value.end() ? nullptr : &*it;
}

std::optional<TargetState> parse_target_state(std::string_view text) {
  for (TargetState s : {TargetState::Started, TargetState::Paused, TargetState::Stopped}) {
    if (text == target_state_name(s)) return s;
  }
  return std::nullopt;
}

// Kafka's intValue(): an integral JSON number that fits an int.
std::optional<int> int_value(const Json* node) {
  if (node == nullptr || !node->is_number_integer()) return std::nullopt;
  if (node->is_number_unsigned()) {
    const auto v = node->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(INT32_MAX)) return std::nullopt;
    return static_cast<int>(v);
  }
  const auto v = node->get<std::int64_t>();
  if (v < INT32_MIN || v > INT32_MAX) return std::nullopt;
  return static_cast<int>(v);
}

// The "properties" map of a connector or task record. Kafka's schema allows null values (kept out here: a
// StringMap has no null); numbers and booleans, which no worker writes, are kept as their JSON text.
std::optional<StringMap> parse_properties(const Json& value, const std::string& what) {
  const Json* properties = member(value, "properties");
  if (properties == nullptr || !properties->is_object()) {
    logger()->error("Invalid data for {}: 'properties' field should be a Map but is {}", what,
                    kind_name(properties));
    return std::nullopt;
  }
  StringMap out;
  for (const auto& [key, item] : properties->items()) {
    if (item.is_string()) {
      out[key] = item.get<std::string>();
    } else if (item.is_boolean() || item.is_number()) {
      out[key] = item.dump();
    } else if (!item.is_null()) {
      logger()->error("Ignoring property '{}' of {}: its value is a {}, not a string", key, what,
                      item.type_name());
    }
  }
  return out;
}

// JsonConverter's reading of a record value: null for a tombstone and for empty or blank bytes (Jackson's
// MissingNode); throws nlohmann's parse_error for malformed JSON.
Json parse_value(const std::optional<std::string>& bytes) {
  if (!bytes || bytes->find_first_not_of(" \t\r\n") == std::string::npos) return Json();
  return Json::parse(*bytes);
}

}  // namespace

KafkaConfigStore::KafkaConfigStore(const KafkaStoreOptions& options) : timeout_(options.timeout) {
  auto log_options = KafkaBasedLog::Options::for_store(options, options.config_topic, "configs");
  log_ = std::make_unique<KafkaBasedLog>(std::move(log_options),
                                         [this](const LogRecord& record) { apply(record); });
}

KafkaConfigStore::~KafkaConfigStore() {
  stop();
}

void KafkaConfigStore::start() {
  logger()->info("Starting KafkaConfigStore");
  // Listener callbacks start once the first read reached the end (Kafka's "started" flag).
  log_->start(timeout_);
  started_.store(true);
  logger()->info("Started KafkaConfigStore");
}

void KafkaConfigStore::stop() {
  log_->stop();
  started_.store(false);
}

ClusterConfigState KafkaConfigStore::snapshot() const {
  MutexLock lock(mu_);
  return state_;
}

bool KafkaConfigStore::refresh(milliseconds timeout) {
  return log_->read_to_end(timeout);
}

void KafkaConfigStore::read_back(const std::string& what, Clock::time_point deadline, bool after_write) {
  const auto left =
      std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
  if (!log_->read_to_end(left)) {
    throw ConnectError(what + ": " + (after_write ? "Kafka acknowledged the write but " : "") + "topic '" +
                       log_->topic() + "' (config.storage.topic) could not be read " +
                       (after_write ? "back" : "to its end") + " within " + std::to_string(timeout_.count()) +
                       " ms");
  }
}

void KafkaConfigStore::write(const std::vector<LogEntry>& records, const std::string& what,
                             std::optional<Clock::time_point> deadline) {
  if (!started_.load()) {
    throw ConnectError(what + ": Cannot write to topic '" + log_->topic() +
                       "' (config.storage.topic): the store is not running");
  }
  // One time budget for the whole operation, as Kafka's READ_WRITE_TOTAL_TIMEOUT_MS.
  const auto until = deadline.value_or(Clock::now() + timeout_);
  log_->send_all(records,
                 std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(until - Clock::now())),
                 what);
  read_back(what, until, true);
}

void KafkaConfigStore::put_connector_config(const std::string& connector, const StringMap& config,
                                            std::optional<TargetState> target) {
  std::vector<LogEntry> records;
  if (target) records.emplace_back(std::string(kTargetStatePrefix) + connector, target_state_value(*target));
  records.emplace_back(std::string(kConnectorPrefix) + connector, properties_value(config));
  write(records, "Error writing the configuration of connector " + connector + " to Kafka");
}

void KafkaConfigStore::remove_connector_config(const std::string& connector) {
  write({{std::string(kConnectorPrefix) + connector, std::nullopt},
         {std::string(kTargetStatePrefix) + connector, std::nullopt}},
        "Error removing the configuration of connector " + connector + " from Kafka");
}

void KafkaConfigStore::put_task_configs(const std::string& connector, const std::vector<StringMap>& configs) {
  const std::string what = "Error writing the task configurations of connector " + connector + " to Kafka";
  if (!started_.load()) {
    throw ConnectError(what + ": Cannot write to topic '" + log_->topic() +
                       "' (config.storage.topic): the store is not running");
  }
  const auto deadline = Clock::now() + timeout_;
  // Catch up first: this worker should be the only writer, but it must not commit on top of records it has
  // not read yet.
  read_back(what, deadline, false);
  std::vector<LogEntry> tasks;
  for (std::size_t i = 0; i < configs.size(); ++i) {
    tasks.emplace_back(std::string(kTaskPrefix) + connector + "-" + std::to_string(i),
                       properties_value(configs[i]));
  }
  // Every task record is read back before the commit goes out.
  if (!tasks.empty()) write(tasks, what, deadline);
  write({{std::string(kCommitPrefix) + connector, commit_value(static_cast<int>(configs.size()))}}, what,
        deadline);
}

void KafkaConfigStore::put_target_state(const std::string& connector, TargetState state) {
  write({{std::string(kTargetStatePrefix) + connector, target_state_value(state)}},
        std::string("Error writing target state ") + target_state_name(state) + " of connector " + connector +
            " to Kafka");
}

void KafkaConfigStore::put_restart_request(const RestartRequestRecord& request) {
  write({{std::string(kRestartPrefix) + request.connector, restart_value(request)}},
        "Error writing the restart request for connector " + request.connector + " to Kafka");
}

void KafkaConfigStore::put_session_key(const SessionKeyRecord& key) {
  write({{std::string(kSessionKey), session_key_value(key)}}, "Error writing the session key to Kafka");
}

void KafkaConfigStore::put_logger_level(const std::string& logger_namespace, const std::string& level) {
  write({{std::string(kLoggerPrefix) + logger_namespace, logger_level_value(level)}},
        "Error writing the level of logger " + logger_namespace + " to Kafka");
}

void KafkaConfigStore::apply(const LogRecord& record) {
  Json value;
  try {
    value = parse_value(record.value);
  } catch (const Json::exception& e) {
    logger()->error("Failed to convert config data to Kafka Connect format (record {} at offset {}): {}",
                    record.key, record.offset, e.what());
    return;
  }
  const bool is_null = value.is_null();
  const bool is_map = value.is_object();
  const std::string_view key = record.key;
  // Listener calls, made after the snapshot is updated and the lock released.
  std::vector<std::function<void(ConfigUpdateListener&)>> events;

  {
    MutexLock lock(mu_);
    state_.offset = record.offset;

    if (key.starts_with(kTargetStatePrefix)) {
      const std::string connector(key.substr(kTargetStatePrefix.size()));
      if (is_null) {
        logger()->debug("Removed target state for connector {} due to null value in topic.", connector);
        state_.target_states.erase(connector);
      } else if (!is_map) {
        logger()->error("Ignoring target state for connector '{}' because it is in the wrong format: {}",
                        connector, value.type_name());
      } else {
        std::optional<TargetState> state;
        if (const Json* v2 = member(value, "state.v2"); v2 != nullptr && !v2->is_null()) {
          if (v2->is_string()) state = parse_target_state(v2->get<std::string>());
          if (!state) {
            logger()->error("Invalid data for target state for connector '{}': 'state.v2' is {}", connector,
                            v2->dump());
          }
        }
        if (!state) {
          // Written by an older worker (or a bad state.v2): the original field.
          const Json* v1 = member(value, "state");
          if (v1 != nullptr && v1->is_string()) state = parse_target_state(v1->get<std::string>());
          if (!state) {
            logger()->error("Invalid data for target state for connector '{}': 'state' is {}", connector,
                            v1 != nullptr ? v1->dump() : "missing");
          }
        }
        if (state) {
          // Absent means STARTED. No event for a connector that does not exist (yet): a create request writes
          // the initial target state before the connector record.
          const TargetState previous = state_.target_state(connector);
          state_.target_states[connector] = *state;
          if (previous != *state && state_.contains(connector)) {
            events.emplace_back(
                [connector](ConfigUpdateListener& l) { l.on_connector_target_state_change(connector); });
          }
        }
      }
    } else if (key.starts_with(kConnectorPrefix)) {
      const std::string connector(key.substr(kConnectorPrefix.size()));
      if (is_null) {
        logger()->info("Successfully processed removal of connector '{}'", connector);
        state_.connector_configs.erase(connector);
        state_.task_counts.erase(connector);
        state_.target_states.erase(connector);
        state_.inconsistent.erase(connector);
        std::erase_if(state_.task_configs,
                      [&](const auto& entry) { return entry.first.connector == connector; });
        staged_.erase(connector);
        events.emplace_back(
            [connector](ConfigUpdateListener& l) { l.on_connector_config_remove(connector); });
      } else if (!is_map) {
        logger()->error("Ignoring configuration for connector '{}' because it is in the wrong format: {}",
                        connector, value.type_name());
      } else if (auto properties = parse_properties(value, "the config of connector '" + connector + "'")) {
        logger()->debug("Updating configuration for connector '{}'", connector);
        state_.connector_configs[connector] = std::move(*properties);
        events.emplace_back(
            [connector](ConfigUpdateListener& l) { l.on_connector_config_update(connector); });
      }
    } else if (key.starts_with(kTaskPrefix)) {
      const auto id = parse_connector_task_id(key.substr(kTaskPrefix.size()));
      if (!id) {
        logger()->error("Ignoring task configuration because {} couldn't be parsed as a task config key",
                        key);
      } else if (is_null) {
        logger()->error("Ignoring task configuration for task {} because it is unexpectedly null",
                        id->to_string());
      } else if (!is_map) {
        logger()->error("Ignoring task configuration for task {} because the value is not a Map but is {}",
                        id->to_string(), value.type_name());
      } else if (auto properties = parse_properties(value, "the config of task " + id->to_string())) {
        logger()->debug("Storing new config for task {}; it takes effect with the next commit record",
                        id->to_string());
        staged_[id->connector][id->task] = std::move(*properties);
      }
    } else if (key.starts_with(kCommitPrefix)) {
      const std::string connector(key.substr(kCommitPrefix.size()));
      const std::optional<int> count = int_value(member(value, "tasks"));
      if (!count) {
        logger()->error(
            "Ignoring connector tasks configuration commit for connector '{}' because it is in the wrong "
            "format: {}",
            connector, value.dump());
      } else {
        auto& staged = staged_[connector];
        // Kafka's completeTaskIdSet: every id below the count must be staged (extra ids may be left over from
        // compaction and are fine).
        bool complete = true;
        for (int task = 0; task < *count && complete; ++task) complete = staged.count(task) > 0;
        std::vector<ConnectorTaskId> updated;
        if (!complete) {
          logger()->debug(
              "Incomplete set of task configs for connector '{}' (commit of {} task(s)), probably due to "
              "compaction; the connector stays inconsistent until the next complete commit",
              connector, *count);
          state_.inconsistent.insert(connector);
        } else {
          std::erase_if(state_.task_configs, [&](const auto& entry) {
            return entry.first.connector == connector && entry.first.task >= *count;
          });
          for (auto& [task, config] : staged) {
            if (task >= *count) continue;
            updated.push_back({connector, task});
            state_.task_configs[{connector, task}] = std::move(config);
          }
          state_.inconsistent.erase(connector);
        }
        staged_.erase(connector);
        state_.task_counts[connector] = *count;
        events.emplace_back([updated](ConfigUpdateListener& l) { l.on_task_config_update(updated); });
      }
    } else if (key.starts_with(kRestartPrefix)) {
      RestartRequestRecord request{std::string(key.substr(kRestartPrefix.size()))};
      if (!is_map) {
        logger()->error("Ignoring restart request because the value is not a Map but is {}",
                        value.type_name());
      } else {
        const auto flag = [&](const char* field) {
          const Json* node = member(value, field);
          if (node != nullptr && node->is_boolean()) return node->get<bool>();
          logger()->warn(
              "Invalid data for restart request '{}' field should be a Boolean but is {}, defaulting to "
              "false",
              field, kind_name(node));
          return false;
        };
        request.only_failed = flag("only-failed");
        request.include_tasks = flag("include-tasks");
        events.emplace_back([request](ConfigUpdateListener& l) { l.on_restart_request(request); });
      }
    } else if (key.starts_with(kTaskCountPrefix)) {
      // Exactly-once source zombie fencing (Java workers with exactly.once.source.support): not used by
      // sluice.
      logger()->debug("Ignoring task count record {}", key);
    } else if (key == kSessionKey) {
      const Json* k = member(value, "key");
      const Json* algorithm = member(value, "algorithm");
      const Json* created = member(value, "creation-timestamp");
      if (k == nullptr || !k->is_string() || algorithm == nullptr || !algorithm->is_string() ||
          created == nullptr || !created->is_number_integer()) {
        logger()->error(
            "Ignoring session key because it is not a Map of a String 'key', a String 'algorithm' and a "
            "long 'creation-timestamp'");
      } else {
        SessionKeyRecord session{k->get<std::string>(), algorithm->get<std::string>(),
                                 created->get<std::int64_t>()};
        state_.session_key = session;
        events.emplace_back([session](ConfigUpdateListener& l) { l.on_session_key_update(session); });
      }
    } else if (key.starts_with(kLoggerPrefix)) {
      const std::string ns(key.substr(kLoggerPrefix.size()));
      const Json* level = member(value, "level");
      if (level == nullptr || !level->is_string()) {
        logger()->error("Ignoring logging level for namespace {} because the value has no String 'level'",
                        ns);
      } else {
        std::string text = level->get<std::string>();
        events.emplace_back([ns, text](ConfigUpdateListener& l) { l.on_logger_level(ns, text); });
      }
    } else {
      logger()->error("Discarding config update record with invalid key: {}", key);
    }
  }

  if (started_.load() && listener_ != nullptr) {
    for (const auto& event : events) event(*listener_);
  }
}

}  // namespace sluice::storage
