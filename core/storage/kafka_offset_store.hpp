#pragma once
// KafkaOffsetStore: OffsetStore over Kafka Connect's offsets topic (offset.storage.topic), in Kafka's exact
// record format (KafkaOffsetBackingStore): key ["<connector>",{<partition>}], value {<offset>}, a tombstone
// resets a partition's offset. Keys go to the partition Java's partitioner picks (murmur2), so a Java worker
// and sluice agree on where each source partition's offsets live.
//   - start() reads the whole topic (offsets written by Java workers included).
//   - put() returns once Kafka acknowledged every record of the batch and this store's reader has applied
//   them
//     (so a later get() on this worker sees them); a failure throws ConnectError naming the connector and
//     topic. Records of a failed batch that Kafka did take are applied when read back, like Kafka's store.
//   - get() and all() first read the topic to its end (as Kafka does on every read), so offsets written by
//     other workers are seen; a read that cannot finish within the store timeout throws ConnectError.
// A record that does not parse as Kafka's key/value JSON is logged and skipped.
//
// Ownership and threads: created by the worker's owner; thread-safe. The reader thread of the underlying
// KafkaBasedLog applies records.

#include <memory>

#include "core/common/thread_annotations.hpp"
#include "core/storage/kafka_based_log.hpp"
#include "core/storage/kafka_store_config.hpp"
#include "core/storage/offset_store.hpp"
#include "core/storage/offset_table.hpp"

namespace sluice::storage {

class KafkaOffsetStore final : public OffsetStore {
 public:
  explicit KafkaOffsetStore(const KafkaStoreOptions& options);
  ~KafkaOffsetStore() override;

  void start() override;
  void stop() override;
  std::optional<data::Value> get(const std::string& connector, const data::Value& partition) override;
  void put(const std::string& connector, const std::vector<OffsetEntry>& entries) override;
  std::vector<std::pair<data::Value, data::Value>> all(const std::string& connector) override;

 private:
  void apply(const LogRecord& record);
  void read_to_end(const std::string& connector);

  std::chrono::milliseconds timeout_;
  Mutex mu_;
  OffsetTable table_ SLUICE_GUARDED_BY(mu_);
  std::unique_ptr<KafkaBasedLog> log_;  // last: its reader thread stops before the table goes
};

}  // namespace sluice::storage
