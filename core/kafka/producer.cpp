#include "core/kafka/producer.hpp"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "core/common/logging.hpp"
#include "core/kafka/client_config.hpp"

namespace sluice::kafka {

KafkaError::KafkaError(const std::string& message, int code, bool retriable)
    : ConnectError(message), code_(code), retriable_(retriable) {}

std::string error_name(int code) {
  return rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(code));
}

namespace {

using Clock = std::chrono::steady_clock;

// librdkafka logs with syslog levels (0 emergency .. 7 debug). Connection and request failures also reach
// the error callback, which logs them at WARN once; the log lines stay at DEBUG except for real warnings
// (4, e.g. CONFWARN) and worse that are not failures already reported.
spdlog::level::level_enum log_level(int syslog_level, const char* facility) {
  if (syslog_level > 4 || std::string_view(facility) == "FAIL") return spdlog::level::debug;
  return spdlog::level::warn;
}

}  // namespace

struct Producer::Callbacks {
  static void on_delivery_report(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  static void on_log(const rd_kafka_t* rk, int level, const char* facility, const char* message);
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);
};

Producer::Producer(const Properties& properties, std::string name, DeliveryCallback on_delivery)
    : name_(std::move(name)), on_delivery_(std::move(on_delivery)), logger_(log::get("sluice.kafka.producer")) {
  ConfHandle conf{rd_kafka_conf_new()};
  // Kafka's Java producer is idempotent by default since 3.0 (acks=all, ordered retries); properties given
  // by the caller come after and may change it.
  set_property(*conf, "enable.idempotence", "true");
  set_property(*conf, "acks", "all");
  apply_client_properties(*conf, properties, name_);
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Callbacks::on_delivery_report);
  rd_kafka_conf_set_log_cb(conf.get(), &Callbacks::on_log);
  rd_kafka_conf_set_error_cb(conf.get(), &Callbacks::on_error);
  rk_ = make_client(ClientType::Producer, std::move(conf));
}

Producer::~Producer() {
  // Reports for purged messages would reach callers that are being torn down: drop them.
  on_delivery_ = nullptr;
  rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT | RD_KAFKA_PURGE_F_NON_BLOCKING);
  rd_kafka_poll(rk_.get(), 0);
  last_topic_ = nullptr;
  topics_.clear();  // librdkafka wants the application's topic handles gone before the client is destroyed
}

rd_kafka_topic_t* Producer::topic_handle(std::string_view topic) {
  // Records mostly go to the topic of the record before.
  if (last_topic_ != nullptr && topic == last_topic_->first) return last_topic_->second.get();
  std::string name(topic);
  if (const auto it = topics_.find(name); it != topics_.end()) {
    last_topic_ = &*it;
    return it->second.get();
  }
  if (topics_.size() >= kMaxCachedTopics) return nullptr;
  TopicHandle handle{rd_kafka_topic_new(rk_.get(), name.c_str(), nullptr)};
  if (!handle) return nullptr;
  return topics_.emplace(std::move(name), std::move(handle)).first->second.get();
}

OutgoingView view_of(const OutgoingRecord& record) {
  OutgoingView view;
  view.topic = record.topic;
  view.partition = record.partition;
  if (record.key) view.key = *record.key;
  if (record.value) view.value = *record.value;
  if (!record.headers.empty()) view.headers = &record.headers;
  view.timestamp = record.timestamp;
  return view;
}

bool Producer::send(const OutgoingRecord& record, void* context, std::chrono::milliseconds queue_full_timeout) {
  return send_view(view_of(record), context, queue_full_timeout);
}

bool Producer::send_view(const OutgoingView& record, void* context, std::chrono::milliseconds queue_full_timeout) {
  // Read the clock only once the queue is full: a send that goes through costs no clock read.
  std::optional<Clock::time_point> deadline;
  for (;;) {
    HeadersHandle headers;
    if (record.headers != nullptr && !record.headers->empty()) {
      headers.reset(rd_kafka_headers_new(record.headers->size()));
      for (const Header& h : *record.headers) {
        rd_kafka_header_add(headers.get(), h.key.data(), static_cast<ssize_t>(h.key.size()),
                            h.value ? h.value->data() : nullptr, h.value ? static_cast<ssize_t>(h.value->size()) : 0);
      }
    }
    // An empty (not null) key or value must stay empty: librdkafka sends a null only for a NULL pointer.
    static const char kEmpty = '\0';
    const void* key = record.key ? (record.key->empty() ? &kEmpty : record.key->data()) : nullptr;
    const void* value = record.value ? (record.value->empty() ? &kEmpty : record.value->data()) : nullptr;
    // librdkafka's V_ macros cast their argument without parentheses: pass plain variables.
    const std::int32_t partition = record.partition ? *record.partition : RD_KAFKA_PARTITION_UA;
    const std::size_t key_size = record.key ? record.key->size() : 0;
    const std::size_t value_size = record.value ? record.value->size() : 0;
    const std::int64_t timestamp = record.timestamp ? *record.timestamp : 0;
    void* key_ptr = const_cast<void*>(key);
    void* value_ptr = const_cast<void*>(value);
    rd_kafka_headers_t* headers_ptr = headers.get();
    rd_kafka_topic_t* rkt = topic_handle(record.topic);
    const std::string by_name = rkt != nullptr ? std::string() : std::string(record.topic);
    const rd_kafka_resp_err_t err =
        rkt != nullptr
            ? rd_kafka_producev(rk_.get(), RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key_ptr, key_size),
                                RD_KAFKA_V_VALUE(value_ptr, value_size), RD_KAFKA_V_HEADERS(headers_ptr),
                                RD_KAFKA_V_TIMESTAMP(timestamp), RD_KAFKA_V_OPAQUE(context), RD_KAFKA_V_END)
            : rd_kafka_producev(rk_.get(), RD_KAFKA_V_TOPIC(by_name.c_str()),
                                RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_KEY(key_ptr, key_size), RD_KAFKA_V_VALUE(value_ptr, value_size),
                                RD_KAFKA_V_HEADERS(headers_ptr), RD_KAFKA_V_TIMESTAMP(timestamp),
                                RD_KAFKA_V_OPAQUE(context), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      (void)headers.release();  // owned by librdkafka now
      return true;
    }
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      std::string message = rd_kafka_err2str(err);
      if (err == RD_KAFKA_RESP_ERR__FATAL) {
        if (auto fatal = fatal_error()) message = *fatal;
      }
      throw KafkaError("The " + name_ + " could not send a record to topic " + std::string(record.topic) + ": " + message,
                       err, false);
    }
    const auto now = Clock::now();
    if (!deadline) deadline = now + queue_full_timeout;
    if (now >= *deadline) return false;
    // Full: deliver what is in flight to make room, without waiting past the deadline.
    const auto wait = std::min<Clock::duration>(*deadline - now, std::chrono::milliseconds(100));
    rd_kafka_poll(rk_.get(), static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()) + 1);
  }
}

int Producer::poll(std::chrono::milliseconds timeout) {
  return rd_kafka_poll(rk_.get(), static_cast<int>(timeout.count()));
}

bool Producer::flush(std::chrono::milliseconds timeout) {
  return rd_kafka_flush(rk_.get(), static_cast<int>(timeout.count())) == RD_KAFKA_RESP_ERR_NO_ERROR &&
         rd_kafka_outq_len(rk_.get()) == 0;
}

std::size_t Producer::in_flight() const {
  return static_cast<std::size_t>(std::max(0, rd_kafka_outq_len(rk_.get())));
}

std::optional<std::string> Producer::fatal_error() const {
  std::array<char, 512> buf{};
  const rd_kafka_resp_err_t err = rd_kafka_fatal_error(rk_.get(), buf.data(), buf.size());
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
  return std::string(rd_kafka_err2name(err)) + ": " + buf.data();
}

void Producer::Callbacks::on_delivery_report(rd_kafka_t* rk, const rd_kafka_message_t* message, void* /*opaque*/) {
  auto* self = static_cast<Producer*>(rd_kafka_opaque(rk));
  if (self == nullptr || !self->on_delivery_) return;
  DeliveryReport report;
  report.context = message->_private;
  report.error_code = message->err;
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) report.error = rd_kafka_message_errstr(message);
  if (message->rkt != nullptr) report.topic = rd_kafka_topic_name(message->rkt);
  report.partition = message->partition;
  report.offset = message->offset;
  report.timestamp = rd_kafka_message_timestamp(message, nullptr);
  self->on_delivery_(report);
}

void Producer::Callbacks::on_log(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  const auto* self = static_cast<const Producer*>(rd_kafka_opaque(rk));
  if (self == nullptr) return;
  self->logger_->log(log_level(level, facility), "{}: librdkafka {}: {}", self->name_, facility, message);
}

void Producer::Callbacks::on_error(rd_kafka_t* rk, int err, const char* reason, void* /*opaque*/) {
  auto* self = static_cast<Producer*>(rd_kafka_opaque(rk));
  if (self == nullptr) return;
  const auto level = err == RD_KAFKA_RESP_ERR__FATAL ? spdlog::level::err : spdlog::level::warn;
  self->logger_->log(level, "{}: {} ({})", self->name_, reason,
                     rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)));
}

}  // namespace sluice::kafka
