#include "core/kafka/consumer.hpp"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>
#include <exception>

#include "core/common/logging.hpp"
#include "core/kafka/client_config.hpp"

namespace sluice::kafka {
namespace {

// An exception thrown by the listener inside librdkafka's C callback; rethrown by poll()/close() once
// librdkafka returned. One per thread: a consumer is used by one thread.
thread_local std::exception_ptr t_listener_error;

// Messages reserved when a poll gets its first one (a poll rarely returns only a few when records flow).
constexpr std::size_t kReserveRecords = 512;

void check_error(rd_kafka_error_t* error, const std::string& what) {
  if (error == nullptr) return;
  const int code = rd_kafka_error_code(error);
  const std::string message = rd_kafka_error_string(error);
  const bool retriable = rd_kafka_error_is_retriable(error) != 0;
  rd_kafka_error_destroy(error);
  throw KafkaError(what + ": " + message, code, retriable);
}

void rethrow_listener_error() {
  if (t_listener_error) {
    std::exception_ptr error = std::exchange(t_listener_error, nullptr);
    std::rethrow_exception(error);
  }
}

std::vector<Header> read_headers(const rd_kafka_message_t* message) {
  std::vector<Header> out;
  rd_kafka_headers_t* headers = nullptr;  // owned by the message
  if (rd_kafka_message_headers(message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR || headers == nullptr) return out;
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    Header h;
    h.key = name;
    if (value != nullptr) h.value = std::string(static_cast<const char*>(value), size);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace

PartitionListHandle to_partition_list(const std::vector<TopicPartition>& partitions) {
  PartitionListHandle list{rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()))};
  for (const auto& tp : partitions) rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  return list;
}

PartitionListHandle to_partition_list(const std::map<TopicPartition, std::int64_t>& offsets) {
  PartitionListHandle list{rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()))};
  for (const auto& [tp, offset] : offsets)
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  return list;
}

std::vector<TopicPartition> from_partition_list(const rd_kafka_topic_partition_list_t& list) {
  std::vector<TopicPartition> out;
  out.reserve(static_cast<std::size_t>(list.cnt));
  for (int i = 0; i < list.cnt; ++i) out.push_back({list.elems[i].topic, list.elems[i].partition});
  return out;
}

struct Consumer::Callbacks {
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                           void* opaque);
  static void on_commit(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* offsets,
                        void* opaque);
  static void on_log(const rd_kafka_t* rk, int level, const char* facility, const char* message);
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);
};

Consumer::Consumer(const Properties& properties, std::string name, RebalanceListener& listener)
    : name_(std::move(name)), listener_(listener), logger_(log::get("sluice.kafka.consumer")) {
  ConfHandle conf{rd_kafka_conf_new()};
  apply_client_properties(*conf, properties, name_);
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Callbacks::on_rebalance);
  rd_kafka_conf_set_offset_commit_cb(conf.get(), &Callbacks::on_commit);
  rd_kafka_conf_set_log_cb(conf.get(), &Callbacks::on_log);
  rd_kafka_conf_set_error_cb(conf.get(), &Callbacks::on_error);
  rk_ = make_client(ClientType::Consumer, std::move(conf));
  // Serve commit results, errors and rebalances from poll() on the owner's thread.
  rd_kafka_poll_set_consumer(rk_.get());
}

Consumer::~Consumer() {
  try {
    close();
  } catch (const std::exception& e) {
    logger_->warn("{}: error while closing: {}", name_, e.what());
  }
}

void Consumer::subscribe(const std::vector<std::string>& topics) {
  PartitionListHandle list{rd_kafka_topic_partition_list_new(static_cast<int>(topics.size()))};
  for (const auto& topic : topics)
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(rk_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw KafkaError("The " + name_ + " could not subscribe: " + rd_kafka_err2str(err), err, false);
}

void Consumer::subscribe_regex(const std::string& regex) {
  // librdkafka treats a subscription starting with '^' as a regex and matches anywhere in the name; Java's
  // Pattern.matcher(topic).matches() needs the whole name, hence the anchors.
  subscribe({"^(" + regex + ")$"});
}

void Consumer::wakeup() {
  // rd_kafka_consumer_poll waits on the consumer queue; yielding it ends that wait at once (Kafka's
  // KafkaConsumer.wakeup(), without the exception).
  if (rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(rk_.get()); queue != nullptr) {
    rd_kafka_queue_yield(queue);
    rd_kafka_queue_destroy(queue);
  }
}

std::vector<Message> Consumer::poll(std::chrono::milliseconds timeout, std::size_t max_records) {
  // One rd_kafka_consumer_poll per message, not rd_kafka_consume_batch_queue: before librdkafka 2.1.0 (Debian
  // 12 ships 2.0.2) the batch call can skip offsets of a partition that is paused and resumed while a batch
  // is collected (librdkafka PR #4208), and sink tasks pause and resume partitions. Taking the messages
  // already queued costs one queue lock each; the waiting happens only for the first.
  std::vector<Message> out;
  int wait_ms = static_cast<int>(timeout.count());
  while (out.size() < max_records) {
    MessageHandle message{rd_kafka_consumer_poll(rk_.get(), wait_ms)};
    rethrow_listener_error();
    if (!message) break;
    wait_ms = 0;  // take what is already there, without waiting again
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      if (message->err == RD_KAFKA_RESP_ERR__FATAL) {
        std::array<char, 512> buf{};
        const rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(rk_.get(), buf.data(), buf.size());
        throw KafkaError("The " + name_ + " hit a fatal error: " + buf.data(), fatal, false);
      }
      logger_->warn("{}: {} ({})", name_, rd_kafka_message_errstr(message.get()), rd_kafka_err2name(message->err));
      continue;
    }
    if (out.empty()) out.reserve(std::min<std::size_t>(max_records, kReserveRecords));
    Message m;
    m.topic = rd_kafka_topic_name(message->rkt);
    m.partition = message->partition;
    m.offset = message->offset;
    if (message->key != nullptr) m.key = std::string(static_cast<const char*>(message->key), message->key_len);
    if (message->payload != nullptr)
      m.value = std::string(static_cast<const char*>(message->payload), message->len);
    m.headers = read_headers(message.get());
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    m.timestamp = rd_kafka_message_timestamp(message.get(), &type);
    m.timestamp_type = type == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? TimestampType::CreateTime
                       : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? TimestampType::LogAppendTime
                                                                    : TimestampType::None;
    out.push_back(std::move(m));
  }
  return out;
}

void Consumer::pause(const std::vector<TopicPartition>& partitions) {
  if (partitions.empty()) return;
  PartitionListHandle list = to_partition_list(partitions);
  const rd_kafka_resp_err_t err = rd_kafka_pause_partitions(rk_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw KafkaError("The " + name_ + " could not pause partitions: " + rd_kafka_err2str(err), err, false);
}

void Consumer::resume(const std::vector<TopicPartition>& partitions) {
  if (partitions.empty()) return;
  PartitionListHandle list = to_partition_list(partitions);
  const rd_kafka_resp_err_t err = rd_kafka_resume_partitions(rk_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw KafkaError("The " + name_ + " could not resume partitions: " + rd_kafka_err2str(err), err, false);
  wake_fetchers(*list);
}

void Consumer::wake_fetchers(const rd_kafka_topic_partition_list_t& partitions) {
  // librdkafka 2.0.2 applies a resume on its main thread; the broker thread that fetches the partitions sees
  // it only when it next wakes up, and with nothing to fetch it sleeps up to a second: a resumed sink task
  // waited 0.03-0.9 s for its first record (Kafka's Java consumer fetches at its next poll). A request for
  // the partitions wakes the thread of each leader at once: one ListOffsets per leader, for the end offsets,
  // whose answers are not needed. The wait is short: the wakeup happens when the request is queued.
  PartitionListHandle list{rd_kafka_topic_partition_list_copy(&partitions)};
  for (int i = 0; i < list->cnt; ++i) list->elems[i].offset = RD_KAFKA_OFFSET_END;  // a timestamp: the end
  const rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk_.get(), list.get(), kWakeFetchersTimeoutMs);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    logger_->debug("{}: the request that wakes the fetchers after a resume answered {}", name_,
                   rd_kafka_err2str(err));
}

void Consumer::seek(const TopicPartition& tp, std::int64_t offset, std::chrono::milliseconds timeout) {
  PartitionListHandle list = to_partition_list(std::map<TopicPartition, std::int64_t>{{tp, offset}});
  check_error(rd_kafka_seek_partitions(rk_.get(), list.get(), static_cast<int>(timeout.count())),
              "The " + name_ + " could not seek " + tp.topic + "-" + std::to_string(tp.partition) + " to offset " +
                  std::to_string(offset));
  const auto& elem = list->elems[0];
  if (elem.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError("The " + name_ + " could not seek " + tp.topic + "-" + std::to_string(tp.partition) +
                         " to offset " + std::to_string(offset) + ": " + rd_kafka_err2str(elem.err),
                     elem.err, false);
  }
}

void Consumer::commit_sync(const std::map<TopicPartition, std::int64_t>& offsets) {
  if (offsets.empty()) return;
  PartitionListHandle list = to_partition_list(offsets);
  const rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), list.get(), /*async=*/0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    throw KafkaError("The " + name_ + " could not commit offsets: " + rd_kafka_err2str(err), err,
                     err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS || err == RD_KAFKA_RESP_ERR__TIMED_OUT);
  }
}

void Consumer::commit_async(const std::map<TopicPartition, std::int64_t>& offsets) {
  if (offsets.empty()) return;
  PartitionListHandle list = to_partition_list(offsets);
  const rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), list.get(), /*async=*/1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    logger_->warn("{}: could not start an offset commit: {}", name_, rd_kafka_err2str(err));
}

std::map<TopicPartition, std::int64_t> Consumer::committed(const std::vector<TopicPartition>& partitions,
                                                           std::chrono::milliseconds timeout) {
  std::map<TopicPartition, std::int64_t> out;
  if (partitions.empty()) return out;
  PartitionListHandle list = to_partition_list(partitions);
  const rd_kafka_resp_err_t err = rd_kafka_committed(rk_.get(), list.get(), static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError("The " + name_ + " could not read committed offsets: " + rd_kafka_err2str(err), err,
                     err == RD_KAFKA_RESP_ERR__TIMED_OUT);
  }
  for (int i = 0; i < list->cnt; ++i) {
    const auto& e = list->elems[i];
    if (e.err == RD_KAFKA_RESP_ERR_NO_ERROR && e.offset >= 0) out[{e.topic, e.partition}] = e.offset;
  }
  return out;
}

std::vector<TopicPartition> Consumer::assignment() const {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(rk_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR || raw == nullptr) return {};
  PartitionListHandle list{raw};
  return from_partition_list(*list);
}

std::string Consumer::rebalance_protocol() const {
  const char* protocol = rd_kafka_rebalance_protocol(rk_.get());
  return protocol != nullptr ? protocol : "NONE";
}

void Consumer::close() {
  if (closed_) return;
  closed_ = true;
  const rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk_.get());
  rethrow_listener_error();
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    logger_->warn("{}: closing the consumer reported {}", name_, rd_kafka_err2str(err));
}

void Consumer::Callbacks::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  const std::vector<TopicPartition> tps = from_partition_list(*partitions);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, partitions)) {
        self->logger_->error("{}: incremental assign failed: {}", self->name_, rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
      }
    } else {
      rd_kafka_assign(rk, partitions);
    }
    try {
      self->listener_.on_assigned(tps);
    } catch (...) {
      if (!t_listener_error) t_listener_error = std::current_exception();
    }
    return;
  }
  if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    try {
      if (rd_kafka_assignment_lost(rk)) {
        self->listener_.on_lost(tps);
      } else {
        self->listener_.on_revoked(tps);
      }
    } catch (...) {
      if (!t_listener_error) t_listener_error = std::current_exception();
    }
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, partitions)) {
        self->logger_->error("{}: incremental unassign failed: {}", self->name_, rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
      }
    } else {
      rd_kafka_assign(rk, nullptr);
    }
    return;
  }
  self->logger_->error("{}: rebalance failed: {}", self->name_, rd_kafka_err2str(err));
  rd_kafka_assign(rk, nullptr);
}

void Consumer::Callbacks::on_commit(rd_kafka_t* /*rk*/, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* /*offsets*/, void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    self->logger_->warn("{}: asynchronous offset commit failed: {}", self->name_,
                        rd_kafka_err2str(err));
  }
}

void Consumer::Callbacks::on_log(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  const auto* self = static_cast<const Consumer*>(rd_kafka_opaque(rk));
  if (self == nullptr) return;
  self->logger_->log(level > 4 || std::string_view(facility) == "FAIL" ? spdlog::level::debug : spdlog::level::warn, "{}: librdkafka {}: {}", self->name_,
                     facility, message);
}

void Consumer::Callbacks::on_error(rd_kafka_t* /*rk*/, int err, const char* reason, void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  if (self == nullptr) return;
  self->logger_->warn("{}: {} ({})", self->name_, reason, rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)));
}

}  // namespace sluice::kafka
