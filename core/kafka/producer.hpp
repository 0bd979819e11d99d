#pragma once
// Producer: a librdkafka producer for raw bytes, with one delivery report per message.
//
// - Idempotent by default (enable.idempotence=true, acks=all), as Kafka's Java producer since 3.0; the
//   caller's properties may turn it off.
// - Every send() carries an opaque per-record context pointer that comes back in the delivery report, so
//   the caller can find its record without a lookup table.
// - Bounded: librdkafka's queue (queue.buffering.max.messages / .kbytes) is the only buffer. When it is full,
//   send() serves delivery reports (poll) until there is room or its timeout passes; it never buffers
//   elsewhere.
//
// - Topic handles are created once per topic (up to kMaxCachedTopics) and reused: no per-record topic lookup,
//   and librdkafka asks for a new topic's metadata at once (a topic first named by a produce call waits for
//   librdkafka's one-second metadata scan before its first record can leave).
//
// Threads: delivery reports run inside poll(), flush() and send() on the calling thread; use one thread per
// producer (a task's thread). The destructor purges undelivered messages without reporting them, so flush()
// first when every report matters.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/common/errors.hpp"
#include "core/kafka/client.hpp"
#include "core/kafka/handles.hpp"

namespace spdlog {
class logger;
}

namespace sluice::kafka {

// A librdkafka error as a Connect error: the code (rd_kafka_resp_err_t), librdkafka's name for it
// ("MSG_SIZE_TOO_LARGE") and whether retrying may help. java_class() is Kafka's KafkaException.
class KafkaError : public ConnectError {
 public:
  KafkaError(const std::string& message, int code, bool retriable);
  int code() const noexcept { return code_; }
  bool retriable() const noexcept { return retriable_; }
  const char* java_class() const noexcept override { return "org.apache.kafka.common.KafkaException"; }

 private:
  int code_;
  bool retriable_;
};

// librdkafka's symbolic name of an error code, e.g. "UNKNOWN_TOPIC_OR_PART", "_MSG_TIMED_OUT".
std::string error_name(int code);

struct Header {
  std::string key;
  std::optional<std::string> value;  // nullopt: a null header value
};

struct OutgoingRecord {
  std::string topic;
  std::optional<std::int32_t> partition;  // nullopt: librdkafka's partitioner
  std::optional<std::string> key;         // nullopt: null key
  std::optional<std::string> value;       // nullopt: null value (tombstone)
  std::vector<Header> headers;
  std::optional<std::int64_t> timestamp;  // ms since epoch; nullopt: now
};

// A record to produce whose bytes stay where they are until send() returns (librdkafka copies them).
struct OutgoingView {
  std::string_view topic;
  std::optional<std::int32_t> partition;   // nullopt: librdkafka's partitioner
  std::optional<std::string_view> key;     // nullopt: null key
  std::optional<std::string_view> value;   // nullopt: null value (tombstone)
  const std::vector<Header>* headers = nullptr;  // nullptr: none
  std::optional<std::int64_t> timestamp;   // ms since epoch; nullopt: now
};

// A view of `record` (valid while it is).
OutgoingView view_of(const OutgoingRecord& record);

struct DeliveryReport {
  void* context = nullptr;  // what send() was given
  int error_code = 0;       // 0: delivered
  std::string error;        // librdkafka's message when error_code != 0
  // The producer's own copy of the topic name: valid during the callback only (copy it to keep it). A view,
  // not a string: a busy source task gets a report per record.
  std::string_view topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::int64_t timestamp = -1;
  bool ok() const { return error_code == 0; }
};

class Producer {
 public:
  using DeliveryCallback = std::function<void(const DeliveryReport&)>;
  // Topics beyond this many are produced to by name (librdkafka's lookup per record) instead of by handle.
  static constexpr std::size_t kMaxCachedTopics = 1024;

  // `properties`: Java or librdkafka client properties (see client_config.hpp); `name` is used in log lines
  // and messages ("producer for task my-source-0"). Throws ConfigError for invalid properties.
  Producer(const Properties& properties, std::string name, DeliveryCallback on_delivery);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Enqueues one record. Returns false when librdkafka's queue stayed full for `queue_full_timeout` (the
  // record was not enqueued; nothing is reported for it). Throws KafkaError for an error that concerns this
  // record right away (unknown partition, message too large, fatal producer error).
  bool send(const OutgoingRecord& record, void* context, std::chrono::milliseconds queue_full_timeout);
  // The same for a record whose bytes live elsewhere.
  bool send_view(const OutgoingView& record, void* context, std::chrono::milliseconds queue_full_timeout);

  // Serves delivery reports; waits up to `timeout` for the first. Returns the number of events served.
  int poll(std::chrono::milliseconds timeout);
  // Waits up to `timeout` for every queued record to be reported. True when none is left.
  bool flush(std::chrono::milliseconds timeout);
  // Records enqueued but not yet reported.
  std::size_t in_flight() const;
  // The fatal error that stopped an idempotent producer, if any (then every further send fails).
  std::optional<std::string> fatal_error() const;

  const std::string& name() const { return name_; }
  rd_kafka_t& handle() { return *rk_; }

 private:
  struct Callbacks;  // librdkafka's C callbacks, producer.cpp
  friend struct Callbacks;

  // The cached handle of `topic`, created on first use; nullptr when the cache is full or librdkafka refused
  // the name (the record is then produced by name, which reports the error as before).
  rd_kafka_topic_t* topic_handle(std::string_view topic);

  std::string name_;
  DeliveryCallback on_delivery_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unordered_map<std::string, TopicHandle> topics_;  // emptied in the destructor, before rk_ goes
  const std::pair<const std::string, TopicHandle>* last_topic_ = nullptr;  // the entry topic_handle() found last
  KafkaHandle rk_;  // last member: destroyed first, while the callbacks' state still exists
};

}  // namespace sluice::kafka
