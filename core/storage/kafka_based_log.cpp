#include "core/storage/kafka_based_log.hpp"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/kafka/admin.hpp"
#include "core/kafka/client.hpp"
#include "core/kafka/client_config.hpp"
#include "core/kafka/handles.hpp"

namespace sluice::storage {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// librdkafka holds back an idle fetch for fetch.wait.max.ms; a real broker answers as soon as data arrives,
// but the dev broker (librdkafka's mock cluster) always waits the whole time. Read-backs there would take up
// to 500 ms each with the default, so the reader asks for short waits on the dev broker only.
constexpr const char* kDevBrokerFetchWaitMs = "20";
// How long the reader and delivery threads block in one poll; bounds how long stop() waits for them.
constexpr int kPollMs = 100;

milliseconds remaining(Clock::time_point deadline) {
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
}

std::string ms_text(milliseconds ms) {
  return std::to_string(ms.count()) + " ms";
}

// The one queue handle this file takes (rd_kafka_queue_get_consumer returns a new reference).
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const noexcept { rd_kafka_queue_destroy(q); }
};
using QueueHandle = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;

// librdkafka logs with syslog levels; everything below a warning is debug detail for the internal clients.
spdlog::level::level_enum log_level(int syslog_level) {
  return syslog_level > 4 ? spdlog::level::debug : spdlog::level::warn;
}

}  // namespace

bool is_retriable_send_error(int error_code) {
  switch (static_cast<rd_kafka_resp_err_t>(error_code)) {
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR:
    case RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH: return true;
    default: return false;
  }
}

struct KafkaBasedLog::Impl {
  // One send: the callback travels through librdkafka as the message opaque.
  struct Pending {
    SendCallback done;
  };

  Impl(Options o, ConsumeCallback cb)
      : options(std::move(o)),
        on_record(std::move(cb)),
        logger(log::get("sluice.storage")),
        label("topic '" + options.topic.topic + "' (" + options.topic.config_key + ")") {}

  Options options;
  ConsumeCallback on_record;
  std::shared_ptr<spdlog::logger> logger;
  const std::string label;
  milliseconds queue_full_timeout{30000};

  std::mutex mu;
  std::condition_variable cv;                      // positions or in_flight changed
  std::map<std::int32_t, std::int64_t> positions;  // guarded by mu: next offset to apply, -1 unknown
  std::int64_t in_flight = 0;                      // guarded by mu: sends not yet reported

  int partitions = 0;
  std::atomic<bool> running{false};  // set by start(), cleared by stop(): sends are accepted while it holds
  std::atomic<bool> threads_run{false};
  bool stopped = false;  // stop() ran (start/stop are called by the owner, not concurrently)
  std::thread::id reader_id;
  std::thread::id delivery_id;

  kafka::KafkaHandle producer;
  kafka::KafkaHandle consumer;
  std::thread reader;
  std::thread delivery;

  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  static void on_log(const rd_kafka_t* rk, int level, const char* facility, const char* text);
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);

  kafka::ConfHandle client_conf(kafka::Properties properties, const std::string& name);
  int setup_topic(milliseconds timeout);
  std::string bootstrap() const {
    const auto it = options.client.find("bootstrap.servers");
    return it == options.client.end() ? std::string("(no bootstrap.servers)") : it->second;
  }
  void create_clients(bool dev_broker);
  void warm_up(rd_kafka_t& client, Clock::time_point deadline);
  void read_loop();
  void delivery_loop();
  void finish_send() {
    std::lock_guard lock(mu);
    --in_flight;
    cv.notify_all();
  }
  void shutdown(milliseconds timeout);
};

void KafkaBasedLog::Impl::on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
  auto* self = static_cast<Impl*>(opaque);
  std::unique_ptr<Pending> pending(static_cast<Pending*>(message->_private));  // adopted from send()
  SendResult result;
  result.error_code = message->err;
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Not rd_kafka_message_errstr(): for a delivery report its payload is the record, not an error text.
    result.error = rd_kafka_err2str(message->err);
    result.retriable = is_retriable_send_error(message->err);
  }
  result.partition = message->partition;
  result.offset = message->offset;
  if (pending && pending->done) {
    try {
      pending->done(result);
    } catch (const std::exception& e) {
      self->logger->error("Unexpected error in the send callback of {}: {}", self->label, e.what());
    }
  }
  self->finish_send();
}

void KafkaBasedLog::Impl::on_log(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
  const auto* self = static_cast<const Impl*>(rd_kafka_opaque(rk));
  if (self == nullptr) return;
  self->logger->log(log_level(level), "{} client for {}: librdkafka {}: {}", rd_kafka_name(rk), self->label,
                    facility, text);
}

void KafkaBasedLog::Impl::on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  const auto* self = static_cast<const Impl*>(opaque);
  if (self == nullptr) return;
  self->logger->warn("{} client for {}: {} ({})", rd_kafka_name(rk), self->label, reason,
                     rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)));
}

kafka::ConfHandle KafkaBasedLog::Impl::client_conf(kafka::Properties properties, const std::string& name) {
  kafka::ClientConf conf = kafka::make_client_conf(properties, name);
  rd_kafka_conf_set_opaque(conf.conf.get(), this);
  rd_kafka_conf_set_log_cb(conf.conf.get(), &Impl::on_log);
  rd_kafka_conf_set_error_cb(conf.conf.get(), &Impl::on_error);
  return std::move(conf.conf);
}

// Finds or creates the topic; returns its partition count.
int KafkaBasedLog::Impl::setup_topic(milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  const KafkaTopicSettings& t = options.topic;
  kafka::Properties admin_props = options.client;
  admin_props["client.id"] = options.client_id;
  kafka::Admin admin(admin_props, "admin client for " + label);

  bool dev_broker = false;
  std::optional<int> count;
  try {
    dev_broker = admin.is_dev_broker(remaining(deadline));
    const auto counts = admin.partition_counts(remaining(deadline));
    if (const auto it = counts.find(t.topic); it != counts.end()) count = it->second;
  } catch (const ConnectError& e) {
    logger->warn("Setting up {}: {}", label, e.what());
    throw ConnectError("Could not reach Kafka at " + bootstrap() + " within " + ms_text(timeout) +
                       " to set up " + label +
                       "; check bootstrap.servers and that the brokers are reachable");
  }

  if (!count) {
    if (dev_broker) {
      logger->info(
          "Unable to create {} with {} partition(s), replication factor {} and cleanup.policy=compact: the "
          "dev broker "
          "has no CreateTopics API. Falling back to the topic the broker creates on first use ({} "
          "partitions, not "
          "compacted)",
          label, t.partitions, t.replication_factor, 4);
    } else {
      kafka::NewTopic spec{.name = t.topic,
                           .partitions = t.partitions,
                           .replication_factor = t.replication_factor,
                           .configs = {{"cleanup.policy", "compact"}}};
      try {
        if (admin.create_topic(spec, remaining(deadline))) {
          logger->info("Created {} with {} partition(s), replication factor {} and cleanup.policy=compact",
                       label, t.partitions, t.replication_factor);
        }
      } catch (const ConnectError& e) {
        throw ConnectError("Unable to create topic '" + t.topic + "' supplied via the '" + t.config_key +
                           "' property for " + t.purpose + ": " + e.what());
      }
    }
    // A new topic shows up in metadata once its partitions have leaders.
    milliseconds backoff(20);
    for (;;) {
      try {
        count = admin.partition_count(t.topic, std::min(remaining(deadline), milliseconds(2000)));
      } catch (const ConnectError& e) {
        logger->debug("Looking up {}: {}", label, e.what());
      }
      if (count) break;
      if (Clock::now() + backoff >= deadline) {
        throw ConnectError(
            "Could not look up partition metadata for " + label + " (" + t.purpose +
            ") in the allotted period. This could indicate a connectivity issue, unavailable topic "
            "partitions, or if this is your first use of the topic it may have taken too long to "
            "create.");
      }
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, milliseconds(500));
    }
  }

  if (t.require_single_partition && *count > 1) {
    throw ConfigError(
        "Topic '" + t.topic + "' supplied via the '" + t.config_key +
        "' property is required to have a single partition in order to guarantee consistency of " +
        t.purpose + ", but found " + std::to_string(*count) + " partitions.");
  }
  create_clients(dev_broker);
  return *count;
}

void KafkaBasedLog::Impl::create_clients(bool dev_broker) {
  kafka::Properties producer_props = options.client;
  producer_props["client.id"] = options.client_id;
  producer_props["acks"] = "all";
  producer_props["enable.idempotence"] = options.idempotent ? "true" : "false";
  // Java's default partitioner: a key goes to the same partition whichever worker (Java or sluice) writes it.
  producer_props["partitioner"] = "murmur2_random";
  if (!options.producer_retries) producer_props["message.send.max.retries"] = "0";
  for (const auto& [key, value] : options.producer_overrides) producer_props[key] = value;
  kafka::ConfHandle pconf = client_conf(producer_props, "producer for " + label);
  rd_kafka_conf_set_dr_msg_cb(pconf.get(), &Impl::on_delivery);
  producer = kafka::make_client(kafka::ClientType::Producer, std::move(pconf));

  kafka::Properties consumer_props = options.client;
  consumer_props["client.id"] = options.client_id;
  // librdkafka's assign() needs a group id; the reader never joins the group and never commits.
  consumer_props["group.id"] = options.group_id.empty() ? options.client_id : options.group_id;
  consumer_props["enable.auto.commit"] = "false";
  consumer_props["enable.auto.offset.store"] = "false";
  consumer_props["enable.partition.eof"] = "true";
  consumer_props["auto.offset.reset"] = "earliest";
  if (dev_broker) consumer_props["fetch.wait.max.ms"] = kDevBrokerFetchWaitMs;
  consumer =
      kafka::make_client(kafka::ClientType::Consumer, client_conf(consumer_props, "consumer for " + label));
  rd_kafka_poll_set_consumer(consumer.get());
}

void KafkaBasedLog::Impl::warm_up(rd_kafka_t& client, Clock::time_point deadline) {
  // librdkafka clients learn a topic's leaders lazily: the consumer starts fetching about half a second after
  // assign() and the producer's first write waits as long. Asking for the topic's metadata while starting
  // makes both ready at once. A failure here only logs: reading and writing report their own errors.
  kafka::TopicHandle rkt{rd_kafka_topic_new(&client, options.topic.topic.c_str(), nullptr)};
  const rd_kafka_metadata_t* raw = nullptr;
  const auto wait = std::min(remaining(deadline), milliseconds(5000));
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(&client, 0, rkt.get(), &raw, static_cast<int>(wait.count()));
  kafka::MetadataHandle metadata{raw};
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    logger->debug("Warming up the {} for {}: {}", rd_kafka_name(&client), label, rd_kafka_err2str(err));
  }
}

void KafkaBasedLog::Impl::read_loop() {
  while (threads_run.load()) {
    kafka::MessageHandle message{rd_kafka_consumer_poll(consumer.get(), kPollMs)};
    if (!message) continue;
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      std::lock_guard lock(mu);
      auto& pos = positions[message->partition];
      pos = std::max(pos, message->offset);
      cv.notify_all();
      continue;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      logger->warn("Error reading {}: {} ({})", label, rd_kafka_message_errstr(message.get()),
                   rd_kafka_err2name(message->err));
      continue;
    }
    LogRecord record;
    if (message->key != nullptr) record.key.assign(static_cast<const char*>(message->key), message->key_len);
    if (message->payload != nullptr) {
      record.value.emplace(static_cast<const char*>(message->payload), message->len);
    }
    record.partition = message->partition;
    record.offset = message->offset;
    try {
      on_record(record);
    } catch (const std::exception& e) {
      logger->error("Unexpected error applying record {}-{}@{} of {}: {}", options.topic.topic,
                    record.partition, record.offset, label, e.what());
    }
    std::lock_guard lock(mu);
    auto& pos = positions[record.partition];
    pos = std::max(pos, record.offset + 1);
    cv.notify_all();
  }
}

void KafkaBasedLog::Impl::delivery_loop() {
  while (threads_run.load()) rd_kafka_poll(producer.get(), kPollMs);
}

void KafkaBasedLog::Impl::shutdown(milliseconds timeout) {
  running.store(false);
  const auto deadline = Clock::now() + timeout;
  if (producer) {
    {
      std::unique_lock lock(mu);
      if (delivery.joinable()) cv.wait_until(lock, deadline, [this] { return in_flight == 0; });
    }
    // What is left is reported to its callbacks as purged.
    rd_kafka_purge(producer.get(),
                   RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT | RD_KAFKA_PURGE_F_NON_BLOCKING);
  }
  if (delivery.joinable()) {
    std::unique_lock lock(mu);
    cv.wait_for(lock, milliseconds(2000), [this] { return in_flight == 0; });
  }
  threads_run.store(false);
  // Wake both threads from their polls instead of waiting for the poll timeout.
  if (producer) rd_kafka_yield(producer.get());
  if (consumer) {
    QueueHandle queue{rd_kafka_queue_get_consumer(consumer.get())};
    if (queue) rd_kafka_queue_yield(queue.get());
  }
  if (reader.joinable()) reader.join();
  if (delivery.joinable()) delivery.join();
  if (producer) {
    // Serve reports that arrived after the delivery thread left, so every callback runs once.
    for (int i = 0; i < 20; ++i) {
      {
        std::lock_guard lock(mu);
        if (in_flight == 0) break;
      }
      rd_kafka_poll(producer.get(), kPollMs);
    }
  }
  if (consumer) rd_kafka_consumer_close(consumer.get());
  consumer.reset();
  producer.reset();
}

KafkaBasedLog::KafkaBasedLog(Options options, ConsumeCallback on_record)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(on_record))) {}

KafkaBasedLog::~KafkaBasedLog() {
  stop();
}

const std::string& KafkaBasedLog::topic() const {
  return impl_->options.topic.topic;
}

bool KafkaBasedLog::running() const {
  return impl_->running.load();
}

int KafkaBasedLog::partition_count() const {
  return impl_->partitions;
}

void KafkaBasedLog::start(milliseconds timeout) {
  Impl& d = *impl_;
  if (d.running.load()) return;
  if (d.stopped) throw ConnectError("The log of " + d.label + " was stopped and cannot be started again");
  const auto deadline = Clock::now() + timeout;
  d.queue_full_timeout = timeout;
  d.logger->info("Starting KafkaBasedLog with {} (worker {})", d.label,
                 d.options.worker_id.empty() ? "?" : d.options.worker_id);
  d.partitions = d.setup_topic(timeout);

  kafka::PartitionListHandle list{rd_kafka_topic_partition_list_new(d.partitions)};
  {
    std::lock_guard lock(d.mu);
    for (int p = 0; p < d.partitions; ++p) {
      rd_kafka_topic_partition_list_add(list.get(), d.options.topic.topic.c_str(), p)->offset =
          RD_KAFKA_OFFSET_BEGINNING;
      d.positions[p] = -1;
    }
  }
  d.warm_up(*d.consumer, deadline);
  d.warm_up(*d.producer, deadline);
  if (const rd_kafka_resp_err_t err = rd_kafka_assign(d.consumer.get(), list.get());
      err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    d.shutdown(milliseconds(0));
    throw ConnectError("Could not read " + d.label +
                       ": assigning its partitions failed: " + rd_kafka_err2str(err));
  }
  d.threads_run.store(true);
  d.reader = std::thread([&d] { d.read_loop(); });
  d.delivery = std::thread([&d] { d.delivery_loop(); });
  d.reader_id = d.reader.get_id();
  d.delivery_id = d.delivery.get_id();
  d.running.store(true);
  if (!read_to_end(remaining(deadline))) {
    d.shutdown(milliseconds(0));
    throw ConnectError("Timed out after " + ms_text(timeout) + " reading " + d.label +
                       " to its end; check that the brokers at " + d.bootstrap() +
                       " are reachable and the topic's partitions have leaders");
  }
  d.logger->info("Finished reading KafkaBasedLog for {} ({} partition(s))", d.label, d.partitions);
}

void KafkaBasedLog::stop(milliseconds timeout) {
  Impl& d = *impl_;
  if (d.stopped) return;
  d.stopped = true;
  if (!d.producer && !d.consumer) return;
  d.logger->info("Stopping KafkaBasedLog for {}", d.label);
  d.shutdown(timeout);
}

bool KafkaBasedLog::read_to_end(milliseconds timeout) {
  Impl& d = *impl_;
  if (std::this_thread::get_id() == d.reader_id || std::this_thread::get_id() == d.delivery_id) {
    throw ConnectError("Reading " + d.label +
                       " to its end from its own reader or delivery thread would never finish");
  }
  if (!d.consumer || d.partitions == 0) return false;
  const auto deadline = Clock::now() + timeout;
  std::map<std::int32_t, std::int64_t> ends;
  milliseconds backoff(20);
  for (;;) {
    kafka::PartitionListHandle list{rd_kafka_topic_partition_list_new(d.partitions)};
    for (int p = 0; p < d.partitions; ++p) {
      // offsets_for_times() with the special timestamp -1 asks ListOffsets for each partition's end offset,
      // all partitions in one request per leader. It goes through the producer's connections: the consumer's
      // may be busy with a fetch the broker holds back for up to fetch.wait.max.ms.
      rd_kafka_topic_partition_list_add(list.get(), d.options.topic.topic.c_str(), p)->offset =
          RD_KAFKA_OFFSET_END;
    }
    const rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(d.producer.get(), list.get(),
                                                               static_cast<int>(remaining(deadline).count()));
    bool complete = err == RD_KAFKA_RESP_ERR_NO_ERROR;
    for (int i = 0; complete && i < list->cnt; ++i) {
      if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        d.logger->debug("Reading the end offset of {}-{}: {}", d.options.topic.topic,
                        list->elems[i].partition, rd_kafka_err2str(list->elems[i].err));
        complete = false;
      } else {
        ends[list->elems[i].partition] = list->elems[i].offset;
      }
    }
    if (complete) break;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      d.logger->debug("Reading the end offsets of {}: {}", d.label, rd_kafka_err2str(err));
    if (Clock::now() + backoff >= deadline) return false;
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, milliseconds(500));
  }
  std::unique_lock lock(d.mu);
  return d.cv.wait_until(lock, deadline, [&] {
    for (const auto& [partition, end] : ends) {
      if (end > 0 && d.positions[partition] < end) return false;
    }
    return true;
  });
}

bool KafkaBasedLog::wait_applied(const std::map<std::int32_t, std::int64_t>& offsets, milliseconds timeout) {
  Impl& d = *impl_;
  if (std::this_thread::get_id() == d.reader_id || std::this_thread::get_id() == d.delivery_id) {
    throw ConnectError("Waiting for records of " + d.label +
                       " from its own reader or delivery thread would never finish");
  }
  std::unique_lock lock(d.mu);
  return d.cv.wait_for(lock, timeout, [&] {
    for (const auto& [partition, offset] : offsets) {
      if (d.positions[partition] <= offset) return false;
    }
    return true;
  });
}

void KafkaBasedLog::send(const std::string& key, const std::optional<std::string>& value,
                         SendCallback on_done) {
  Impl& d = *impl_;
  if (!d.running.load()) throw ConnectError("Cannot write to " + d.label + ": the store is not running");
  auto pending = std::make_unique<Impl::Pending>(Impl::Pending{std::move(on_done)});
  {
    std::lock_guard lock(d.mu);
    ++d.in_flight;
  }
  const bool on_delivery_thread = std::this_thread::get_id() == d.delivery_id;
  const auto deadline = Clock::now() + d.queue_full_timeout;
  // An empty (not null) value must stay empty: librdkafka sends a null only for a NULL pointer.
  static const char kEmpty = '\0';
  void* key_ptr = const_cast<char*>(key.empty() ? &kEmpty : key.data());
  const std::size_t key_size = key.size();
  void* value_ptr = value ? const_cast<char*>(value->empty() ? &kEmpty : value->data()) : nullptr;
  const std::size_t value_size = value ? value->size() : 0;
  void* opaque = pending.get();
  for (;;) {
    const rd_kafka_resp_err_t err =
        rd_kafka_producev(d.producer.get(), RD_KAFKA_V_TOPIC(d.options.topic.topic.c_str()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key_ptr, key_size),
                          RD_KAFKA_V_VALUE(value_ptr, value_size), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      (void)pending.release();  // adopted by on_delivery()
      return;
    }
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !on_delivery_thread && Clock::now() < deadline) {
      std::unique_lock lock(d.mu);
      d.cv.wait_for(lock, milliseconds(kPollMs));  // a delivery report makes room
      continue;
    }
    d.finish_send();
    std::string reason = rd_kafka_err2str(err);
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      std::array<char, 512> buf{};
      rd_kafka_fatal_error(d.producer.get(), buf.data(), buf.size());
      reason = buf.data();
    }
    throw ConnectError("Could not write record " + key + " to " + d.label + ": " + reason + " (" +
                       rd_kafka_err2name(err) + ")");
  }
}

std::map<std::int32_t, std::int64_t> KafkaBasedLog::send_all(const std::vector<LogEntry>& records,
                                                             milliseconds timeout, const std::string& what) {
  Impl& d = *impl_;
  if (std::this_thread::get_id() == d.reader_id || std::this_thread::get_id() == d.delivery_id) {
    throw ConnectError(what + ": writing from the reader or delivery thread of " + d.label +
                       " would never finish");
  }
  // Shared with the callbacks: when this call times out, reports still arrive later and must find it alive.
  struct Batch {
    std::mutex mu;
    std::condition_variable cv;
    std::size_t remaining = 0;
    std::optional<SendResult> failure;
    std::map<std::int32_t, std::int64_t> offsets;
  };
  auto batch = std::make_shared<Batch>();
  batch->remaining = records.size();
  const auto deadline = Clock::now() + timeout;
  for (std::size_t i = 0; i < records.size(); ++i) {
    try {
      send(records[i].first, records[i].second, [batch](const SendResult& result) {
        std::lock_guard lock(batch->mu);
        if (!result.ok()) {
          if (!batch->failure) batch->failure = result;
        } else {
          auto& offset = batch->offsets[result.partition];
          offset = std::max(offset, result.offset);
        }
        --batch->remaining;
        batch->cv.notify_all();
      });
    } catch (const ConnectError& e) {
      throw ConnectError(what + ": " + e.what());
    }
  }
  std::unique_lock lock(batch->mu);
  if (!batch->cv.wait_until(lock, deadline, [&] { return batch->remaining == 0; })) {
    throw ConnectError(what + ": Kafka did not acknowledge the write to " + d.label + " within " +
                       ms_text(timeout));
  }
  if (batch->failure) {
    throw ConnectError(what + ": writing to " + d.label + " failed: " + batch->failure->error + " (" +
                       rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(batch->failure->error_code)) + ")");
  }
  return batch->offsets;
}

bool KafkaBasedLog::flush(milliseconds timeout) {
  Impl& d = *impl_;
  std::unique_lock lock(d.mu);
  return d.cv.wait_for(lock, timeout, [&] { return d.in_flight == 0; });
}

}  // namespace sluice::storage
