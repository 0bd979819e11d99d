#pragma once
// Consumer: a librdkafka high-level (group) consumer for raw bytes.
//
// - Subscribes to a topic list or a regex (Kafka's Java Pattern semantics: the whole name must match).
// - Rebalances are reported to a RebalanceListener from inside poll(). With the cooperative protocol
//   (cooperative-sticky, the default here as in Kafka Connect's recommended setup) only the partitions that
//   move are assigned or revoked (incremental assign/unassign); with an eager assignor everything is
//   revoked first. The listener sees assigned partitions after they were assigned (so seek() works inside
//   on_assigned) and revoked ones before they are removed (so offsets can still be committed).
// - poll() returns a batch of at most `max_records` messages.
// - pause/resume/seek per partition; commit sync or async; committed offsets.
//
// Threads: every method but wakeup(), and every listener call, runs on the thread that owns the consumer (a
// sink task's thread). close() leaves the group (revoking through the listener) and is called by the destructor.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/kafka/client.hpp"
#include "core/kafka/handles.hpp"
#include "core/kafka/producer.hpp"

namespace spdlog {
class logger;
}

namespace sluice::kafka {

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

enum class TimestampType { None, CreateTime, LogAppendTime };

struct Message {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = -1;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<Header> headers;
  std::int64_t timestamp = -1;
  TimestampType timestamp_type = TimestampType::None;
};

class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual void on_assigned(const std::vector<TopicPartition>& partitions) = 0;
  // Partitions leave in an orderly way: committing their offsets is still possible.
  virtual void on_revoked(const std::vector<TopicPartition>& partitions) = 0;
  // The assignment was lost (session timeout, fenced): committing is no longer possible.
  virtual void on_lost(const std::vector<TopicPartition>& partitions) { on_revoked(partitions); }
};

class Consumer {
 public:
  // `properties` must include group.id. Throws ConfigError for invalid properties.
  Consumer(const Properties& properties, std::string name, RebalanceListener& listener);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  void subscribe(const std::vector<std::string>& topics);
  // Kafka's topics.regex: the whole topic name must match `regex` (a POSIX extended regex).
  void subscribe_regex(const std::string& regex);

  // Up to `max_records` messages; waits up to `timeout` for the first. Consumer errors that concern a topic
  // (unknown topic, authorization) are logged and skipped; a fatal consumer error throws KafkaError.
  std::vector<Message> poll(std::chrono::milliseconds timeout, std::size_t max_records);

  void pause(const std::vector<TopicPartition>& partitions);
  void resume(const std::vector<TopicPartition>& partitions);
  // The next message of `tp` returned by poll() is at `offset`. `tp` must be assigned.
  void seek(const TopicPartition& tp, std::int64_t offset, std::chrono::milliseconds timeout);

  // Commits the given next-offsets. Sync: throws KafkaError on failure. Async: failures are logged.
  void commit_sync(const std::map<TopicPartition, std::int64_t>& offsets);
  void commit_async(const std::map<TopicPartition, std::int64_t>& offsets);
  // Committed next-offsets of the group for `partitions` (absent: none committed). Throws KafkaError.
  std::map<TopicPartition, std::int64_t> committed(const std::vector<TopicPartition>& partitions,
                                                   std::chrono::milliseconds timeout);

  std::vector<TopicPartition> assignment() const;
  // "COOPERATIVE" or "EAGER" (rd_kafka_rebalance_protocol; "NONE" before the first rebalance).
  std::string rebalance_protocol() const;
  // Leaves the group; idempotent.
  void close();
  // Any thread, while the consumer exists: a poll() waiting for messages returns now (with what it has).
  void wakeup();

  const std::string& name() const { return name_; }

 private:
  struct Callbacks;  // librdkafka's C callbacks, consumer.cpp
  friend struct Callbacks;
  // How long resume() waits for the answers to the request that wakes the fetchers (consumer.cpp).
  static constexpr int kWakeFetchersTimeoutMs = 200;

  void wake_fetchers(const rd_kafka_topic_partition_list_t& partitions);

  std::string name_;
  RebalanceListener& listener_;
  std::shared_ptr<spdlog::logger> logger_;
  bool closed_ = false;
  KafkaHandle rk_;  // last member: destroyed first
};

// Conversions for the C partition lists (offset may be RD_KAFKA_OFFSET_INVALID = -1001 for "none").
PartitionListHandle to_partition_list(const std::vector<TopicPartition>& partitions);
PartitionListHandle to_partition_list(const std::map<TopicPartition, std::int64_t>& offsets);
std::vector<TopicPartition> from_partition_list(const rd_kafka_topic_partition_list_t& list);

}  // namespace sluice::kafka
