#include "core/storage/kafka_offset_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/storage/offset_codec.hpp"

namespace sluice::storage {

KafkaOffsetStore::KafkaOffsetStore(const KafkaStoreOptions& options) : timeout_(options.timeout) {
  auto log_options = KafkaBasedLog::Options::for_store(options, options.offset_topic, "offsets");
  log_ = std::make_unique<KafkaBasedLog>(std::move(log_options),
                                         [this](const LogRecord& record) { apply(record); });
}

KafkaOffsetStore::~KafkaOffsetStore() {
  stop();
}

void KafkaOffsetStore::start() {
  log_->start(timeout_);
}

void KafkaOffsetStore::stop() {
  log_->stop();
}

void KafkaOffsetStore::apply(const LogRecord& record) {
  try {
    auto [connector, partition] = parse_offset_key(record.key);
    MutexLock lock(mu_);
    if (!record.value) {
      table_.apply(connector, {OffsetEntry{std::move(partition), std::nullopt}});
      return;
    }
    data::Value offset = parse_offset_value(*record.value);
    if (offset.is_null()) {
      table_.apply(connector, {OffsetEntry{std::move(partition), std::nullopt}});
      return;
    }
    table_.load(connector, StoredOffset{std::move(partition), std::move(offset), record.key, *record.value});
  } catch (const ConnectError& e) {
    log::get("sluice.storage")
        ->error("Skipping the record at offset {} of partition {} of offsets topic '{}': {}", record.offset,
                record.partition, log_->topic(), e.what());
  }
}

void KafkaOffsetStore::read_to_end(const std::string& connector) {
  if (!log_->running()) {
    throw ConnectError("Failed to fetch offsets of connector " + connector + ": topic '" + log_->topic() +
                       "' (offset.storage.topic) is not being read (the store is not running)");
  }
  if (!log_->read_to_end(timeout_)) {
    throw ConnectError("Failed to fetch offsets of connector " + connector + ": topic '" + log_->topic() +
                       "' (offset.storage.topic) could not be read to its end within " +
                       std::to_string(timeout_.count()) + " ms");
  }
}

std::optional<data::Value> KafkaOffsetStore::get(const std::string& connector, const data::Value& partition) {
  read_to_end(connector);
  MutexLock lock(mu_);
  return table_.get(connector, partition);
}

std::vector<std::pair<data::Value, data::Value>> KafkaOffsetStore::all(const std::string& connector) {
  read_to_end(connector);
  MutexLock lock(mu_);
  return table_.all(connector);
}

void KafkaOffsetStore::put(const std::string& connector, const std::vector<OffsetEntry>& entries) {
  if (entries.empty()) return;
  std::vector<LogEntry> records;
  records.reserve(entries.size());
  for (const OffsetEntry& entry : entries) {
    std::optional<std::string> value;
    if (entry.offset && !entry.offset->is_null()) value = offset_value_json(*entry.offset);
    records.emplace_back(offset_key_json(connector, entry.partition), std::move(value));
  }
  const std::string what = "Failed to write source offsets of connector " + connector + " to Kafka";
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  const auto written = log_->send_all(records, timeout_, what);
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (!log_->wait_applied(written, std::max(left, std::chrono::milliseconds(0)))) {
    throw ConnectError(what + ": Kafka acknowledged them but topic '" + log_->topic() +
                       "' (offset.storage.topic) could not be read back within " +
                       std::to_string(timeout_.count()) + " ms");
  }
}

}  // namespace sluice::storage
