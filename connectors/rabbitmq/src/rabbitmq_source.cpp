#include "rabbitmq_source.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

namespace sluice::rabbitmq {

namespace {

using namespace std::chrono_literals;

constexpr amqp_channel_t kChannel = 1;
constexpr std::size_t kReadBatch = 512;
// poll() waits this long for deliveries while records of this connection wait for Kafka: returning soon lets
// the worker deliver Kafka's acknowledgements, which free the broker's qos window.
constexpr auto kBusyWait = 1ms;
constexpr auto kIdleWait = 500ms;
// The I/O thread wakes at least this often to send and check heartbeats.
constexpr int kTickMs = 100;
// TLS may hold decrypted bytes poll(2) cannot see: look more often.
constexpr int kTlsTickMs = 10;
constexpr auto kFirstRetryDelay = 100ms;
constexpr auto kRetryWarnEvery = 30s;
// validate() never waits longer than this for a connection or handshake.
constexpr int kValidateTimeoutMs = 10000;

std::string random_id() {
  std::random_device rd;
  std::uniform_int_distribution<std::uint32_t> dist;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08x", dist(rd));
  return buf;
}

std::string tag_text(const amqp_bytes_t& b) {
  return b.len == 0 || b.bytes == nullptr ? std::string()
                                          : std::string(static_cast<const char*>(b.bytes), b.len);
}

// Parses the unsigned decimal number in s[begin, end).
std::optional<std::uint64_t> parse_number(const std::string& s, std::size_t begin, std::size_t end) {
  if (begin >= end) return std::nullopt;
  std::uint64_t n = 0;
  for (std::size_t i = begin; i < end; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(s[i] - '0');
  }
  return n;
}

const char* key_for(AmqpError::Kind kind, bool uri) {
  switch (kind) {
    case AmqpError::Kind::QueueNotFound:
    case AmqpError::Kind::Channel:
    case AmqpError::Kind::Cancelled: return keys::kQueue;
    case AmqpError::Kind::Login: return uri ? keys::kUri : keys::kUsername;
    case AmqpError::Kind::VirtualHost: return uri ? keys::kUri : keys::kVirtualHost;
    default: return uri ? keys::kUri : keys::kHost;
  }
}

}  // namespace

// ---- connector ------------------------------------------------------------------------------------------

void RabbitMqSourceConnector::start(const sdk::ConfigMap& config) {
  SourceSettings s = parse_source_settings(config);
  props_ = config;
  std::string queues;
  for (const auto& q : s.queues) queues += (queues.empty() ? "" : ", ") + q;
  log().info("Starting RabbitMQ source connector: queues [{}] on {} -> Kafka topic {}", queues,
             s.connection.describe(), s.topic);
}

std::vector<sdk::ConfigMap> RabbitMqSourceConnector::task_configs(std::int32_t max_tasks) {
  // Every task consumes every queue: the broker spreads the messages over them (competing consumers).
  return std::vector<sdk::ConfigMap>(static_cast<std::size_t>(std::max(1, max_tasks)), props_);
}

std::vector<sdk::ValidationIssue> RabbitMqSourceConnector::validate(const sdk::ConfigMap& config) {
  std::vector<sdk::ValidationIssue> issues;
  for (auto& [key, message] : cross_check(config)) issues.push_back({key, message});
  if (!issues.empty()) return issues;
  SourceSettings s;
  try {
    s = parse_source_settings(config);
  } catch (const std::exception&) {
    return issues;  // single-key problems: the host reports them against their keys from the ConfigDef
  }
  const bool uri = config.count(keys::kUri) != 0 && !sdk::detail::trim(config.at(keys::kUri)).empty();
  ConnectionSettings probe = s.connection;
  auto bound = [](int ms) { return ms <= 0 || ms > kValidateTimeoutMs ? kValidateTimeoutMs : ms; };
  probe.connection_timeout_ms = bound(probe.connection_timeout_ms);
  probe.handshake_timeout_ms = bound(probe.handshake_timeout_ms);
  try {
    AmqpConnection conn(probe, "sluice rabbitmq source (config validation)");
    amqp_channel_t channel = 1;
    bool open = false;
    for (const auto& queue : s.queues) {
      try {
        if (!open) conn.open_channel(channel);
        open = true;
        conn.declare_passive(channel, queue);
      } catch (const AmqpError& e) {
        if (e.kind() != AmqpError::Kind::QueueNotFound) throw;
        issues.push_back({keys::kQueue, e.what()});
        open = false;  // the broker closed the channel: the next check uses a new one
        ++channel;
      }
    }
    conn.close(std::chrono::milliseconds(probe.handshake_timeout_ms));
  } catch (const AmqpError& e) {
    issues.push_back({key_for(e.kind(), uri), e.what()});
  }
  return issues;
}

// ---- wake-up fd -----------------------------------------------------------------------------------------

WakeFd::WakeFd() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw sdk::ConnectError(std::string("Cannot create an eventfd: ") + std::strerror(errno));
}

WakeFd::~WakeFd() {
  if (fd_ >= 0) ::close(fd_);
}

// ---- task -----------------------------------------------------------------------------------------------

RabbitMqSourceTask::RabbitMqSourceTask() : instance_id_(random_id()) {}

RabbitMqSourceTask::~RabbitMqSourceTask() {
  io_stop_.store(true);
  wake_io();
  if (io_thread_.joinable()) io_thread_.join();
}

std::string RabbitMqSourceTask::consumer_tag(std::uint64_t generation, std::size_t queue_index) const {
  return "sluice-" + instance_id_ + "-" + std::to_string(generation) + "-" + std::to_string(queue_index);
}

const std::string& RabbitMqSourceTask::queue_of(const amqp_bytes_t& consumer_tag) const {
  const std::string tag = tag_text(consumer_tag);
  const std::size_t dash = tag.rfind('-');
  std::optional<std::uint64_t> index;
  if (dash != std::string::npos) index = parse_number(tag, dash + 1, tag.size());
  if (index && *index < settings_.queues.size()) return settings_.queues[*index];
  return settings_.queues.front();  // one of ours by construction; never reached
}

std::optional<RabbitMqSourceTask::Identity> RabbitMqSourceTask::identify(
    const sdk::SourceRecord& record) const {
  const sdk::Header* tag_header = nullptr;
  for (const auto& h : record.headers) {
    if (h.key == kConsumerTagHeader) {
      tag_header = &h;
      break;
    }
  }
  if (tag_header == nullptr || tag_header->value.kind() != sdk::Value::Kind::String) return std::nullopt;
  const std::string& tag = tag_header->value.as_string();
  // sluice-<instance>-<generation>-<queue index>
  const std::size_t last = tag.rfind('-');
  if (last == std::string::npos || last == 0) return std::nullopt;
  const std::size_t before = tag.rfind('-', last - 1);
  if (before == std::string::npos) return std::nullopt;
  auto generation = parse_number(tag, before + 1, last);
  if (!generation) return std::nullopt;
  if (record.source_offset.kind() != sdk::Value::Kind::Map) return std::nullopt;
  const sdk::Value* delivery_tag = record.source_offset.find(kOffsetTagField);
  if (delivery_tag == nullptr || !delivery_tag->is_integer()) return std::nullopt;
  return Identity{*generation, static_cast<std::uint64_t>(delivery_tag->to_int64())};
}

void RabbitMqSourceTask::start(const sdk::ConfigMap& config) {
  settings_ = parse_source_settings(config);
  if (settings_.queues.empty()) throw sdk::ConfigError("rabbitmq.queue lists no queue");
  prefetch_ =
      settings_.prefetch_count > 0 ? static_cast<std::uint16_t>(settings_.prefetch_count) : kDefaultPrefetch;
  buffer_capacity_ = settings_.prefetch_global ? prefetch_ : prefetch_ * settings_.queues.size();
  if (settings_.prefetch_count == 0)
    log().info(
        "rabbitmq.prefetch.count is 0 (unlimited); the task asks for at most {} unacknowledged messages "
        "per consumer so that its buffer stays bounded",
        kDefaultPrefetch);
  mapper_ = std::make_unique<MessageMapper>(settings_.topic, settings_.format, settings_.key_source,
                                            settings_.key_header);
  try {
    connect(1);
  } catch (const AmqpError& e) {
    // No automatic recovery for the first connection (as the Java client): a wrong host, wrong credentials or
    // a missing queue fail the task now, with the broker's own words.
    throw sdk::ConnectError(e.what());
  }
  std::string queues;
  for (const auto& q : settings_.queues) queues += (queues.empty() ? "" : ", ") + q;
  log().info("Consuming [{}] from {} (prefetch {} per {}, manual acknowledgements)", queues, conn_->where(),
             prefetch_, settings_.prefetch_global ? "channel" : "consumer");
  io_thread_ = std::thread([this] { io_main(); });
}

void RabbitMqSourceTask::connect(std::uint64_t generation) {
  auto conn =
      std::make_unique<AmqpConnection>(settings_.connection, "sluice rabbitmq source " + instance_id_);
  conn->open_channel(kChannel);
  conn->qos(kChannel, prefetch_, settings_.prefetch_global);
  for (std::size_t i = 0; i < settings_.queues.size(); ++i)
    conn->consume(kChannel, settings_.queues[i], consumer_tag(generation, i));
  {
    std::lock_guard lock(mu_);
    generation_ = generation;
    window_ = AckWindow();
    handed_out_ = 0;
    completed_ = 0;
    buffer_.clear();
  }
  conn_ = std::move(conn);
  io_generation_ = generation;
  acked_ = 0;
}

std::vector<sdk::SourceRecord> RabbitMqSourceTask::poll() {
  std::vector<sdk::SourceRecord> out;
  std::unique_lock lock(mu_);
  const bool waiting_for_kafka = handed_out_ > completed_;
  cv_.wait_for(lock, waiting_for_kafka ? kBusyWait : kIdleWait,
               [&] { return !buffer_.empty() || fatal_.has_value() || is_stopping(); });
  if (fatal_) throw sdk::ConnectError(*fatal_);
  const std::size_t n = std::min(buffer_.size(), kMaxPollRecords);
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(std::move(buffer_.front()));
    buffer_.pop_front();
  }
  handed_out_ += n;
  return out;
}

void RabbitMqSourceTask::commit_record(const sdk::SourceRecord& record,
                                       const std::optional<sdk::RecordMetadata>& /*metadata*/) {
  // Acknowledged by Kafka (metadata set) or dropped by a transformation (nullopt): either way the message is
  // done with and may be acknowledged to the broker.
  std::optional<Identity> id = identify(record);
  if (!id) {
    if (!warned_unidentified_.exchange(true))
      log().warn(
          "commit_record got a record without this connector's consumer tag header or deliveryTag "
          "offset; it cannot be acknowledged (the broker will redeliver it)");
    return;
  }
  bool advanced = false;
  {
    std::lock_guard lock(mu_);
    if (id->generation != generation_) {
      // Delivered on a connection that is gone: the broker has requeued it, and its tag means nothing (or
      // another message) on the current channel.
      ++stale_commits_;
      return;
    }
    const AckWindow::Result r = window_.complete(id->tag);
    if (r == AckWindow::Result::Advanced || r == AckWindow::Result::Pending) ++completed_;
    advanced = r == AckWindow::Result::Advanced;
  }
  if (advanced) wake_io();
}

void RabbitMqSourceTask::on_stop_requested() {
  // Only poll() is woken: the I/O thread keeps acknowledging what Kafka confirms until stop().
  { std::lock_guard lock(mu_); }
  cv_.notify_all();
}

void RabbitMqSourceTask::stop() {
  io_stop_.store(true);
  wake_io();
  if (io_thread_.joinable()) io_thread_.join();
  std::lock_guard lock(mu_);
  log().info(
      "Stopped; {} records were acknowledged to the broker on the last connection, {} commits arrived "
      "for connections that were gone",
      window_.prefix(), stale_commits_);
}

void RabbitMqSourceTask::wake_io() {
  if (wake_pending_.exchange(true)) return;
  const std::uint64_t one = 1;
  // An eventfd write only fails when the counter would overflow, which a pending wake-up rules out.
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof(one));
}

void RabbitMqSourceTask::drain_wake() {
  // Clear the flag before reading, so that a wake-up racing with us is either read now or written anew.
  wake_pending_.store(false);
  std::uint64_t value = 0;
  [[maybe_unused]] ssize_t n = ::read(wake_.get(), &value, sizeof(value));
}

bool RabbitMqSourceTask::wait_for_wake(std::chrono::milliseconds timeout) {
  pollfd p{wake_.get(), POLLIN, 0};
  const int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (n > 0) {
    drain_wake();
    return true;
  }
  return false;
}

void RabbitMqSourceTask::fail(const std::string& message) {
  {
    std::lock_guard lock(mu_);
    fatal_ = message;
    buffer_.clear();
    generation_ = 0;
  }
  cv_.notify_all();
  log().error("{}", message);
}

void RabbitMqSourceTask::io_main() {
  while (!io_stop_.load()) {
    if (!conn_) {
      if (!recover()) break;
      continue;
    }
    try {
      io_step();
    } catch (const AmqpError& e) {
      if (!lose_connection(e)) break;
    } catch (const std::exception& e) {
      fail(std::string("The RabbitMQ source task's connection thread failed: ") + e.what());
      break;
    }
  }
  if (conn_) {
    try {
      flush_acks();  // what Kafka confirmed before the stop
    } catch (const AmqpError& e) {
      log().warn("Could not send the last acknowledgements: {}; the broker will redeliver those messages",
                 e.what());
    }
    conn_->close(std::chrono::milliseconds(settings_.shutdown_timeout_ms));
    conn_.reset();
  }
}

void RabbitMqSourceTask::io_step() {
  flush_acks();
  bool room = false;
  {
    std::lock_guard lock(mu_);
    room = buffer_.size() < buffer_capacity_;
  }
  bool read = room && conn_->has_buffered_input();
  if (!read) {
    pollfd fds[2] = {{conn_->fd(), static_cast<short>(room ? POLLIN : 0), 0}, {wake_.get(), POLLIN, 0}};
    const int n = ::poll(fds, 2, settings_.connection.tls ? kTlsTickMs : kTickMs);
    if (n < 0 && errno != EINTR)
      throw AmqpError(AmqpError::Kind::ConnectionLost, std::string("poll() failed: ") + std::strerror(errno));
    if ((fds[1].revents & POLLIN) != 0) drain_wake();
    // A quiet tick also reads: rabbitmq-c sends due heartbeats and notices missing ones while reading.
    read = n == 0 || (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) != 0;
  }
  if (read) read_deliveries();
}

void RabbitMqSourceTask::read_deliveries() {
  std::vector<sdk::SourceRecord> batch;
  for (std::size_t i = 0; i < kReadBatch; ++i) {
    Envelope envelope;
    if (!conn_->try_read(envelope)) break;
    const amqp_envelope_t& e = envelope.get();
    batch.push_back(mapper_->map(e, queue_of(e.consumer_tag)));
  }
  conn_->release_buffers();
  if (batch.empty()) return;
  {
    std::lock_guard lock(mu_);
    for (auto& r : batch) buffer_.push_back(std::move(r));
  }
  cv_.notify_all();
}

void RabbitMqSourceTask::flush_acks() {
  std::uint64_t upto = 0;
  {
    std::lock_guard lock(mu_);
    if (generation_ != io_generation_) return;
    upto = window_.prefix();
  }
  if (upto <= acked_) return;
  conn_->ack(kChannel, upto, /*multiple=*/true);
  log().trace("Acknowledged delivery tags up to {}", upto);
  acked_ = upto;
}

bool RabbitMqSourceTask::lose_connection(const AmqpError& error) {
  std::size_t unacknowledged = 0;
  {
    std::lock_guard lock(mu_);
    unacknowledged = buffer_.size() + static_cast<std::size_t>(handed_out_ - window_.prefix());
    buffer_.clear();
    generation_ = 0;
  }
  conn_.reset();  // closing the socket makes the broker requeue every unacknowledged message
  if (!settings_.automatic_recovery) {
    fail(
        "The connection to RabbitMQ was lost and rabbitmq.automatic.recovery.enabled is false, so the task "
        "stops (restart it to reconnect): " +
        std::string(error.what()));
    return false;
  }
  log().warn(
      "Lost the connection to RabbitMQ: {}. The broker redelivers the {} messages not yet acknowledged; "
      "reconnecting with backoff (rabbitmq.automatic.recovery.enabled=true)",
      error.what(), unacknowledged);
  return true;
}

bool RabbitMqSourceTask::recover() {
  const auto max_delay = std::max<std::chrono::milliseconds>(
      std::chrono::milliseconds(settings_.recovery_interval_ms), kFirstRetryDelay);
  auto delay = std::min<std::chrono::milliseconds>(kFirstRetryDelay, max_delay);
  auto last_warn = std::chrono::steady_clock::time_point{};
  for (int attempt = 1; !io_stop_.load(); ++attempt) {
    wait_for_wake(delay);
    if (io_stop_.load()) return false;
    try {
      connect(io_generation_ + 1);
      log().warn(
          "Reconnected to {} after {} attempt(s); consuming again with a new channel, basic.qos and "
          "consumers",
          conn_->where(), attempt);
      return true;
    } catch (const AmqpError& e) {
      if (e.kind() == AmqpError::Kind::QueueNotFound) {
        fail(e.what());
        return false;
      }
      const auto now = std::chrono::steady_clock::now();
      if (attempt == 1 || now - last_warn >= kRetryWarnEvery) {
        log().warn("Could not reconnect to RabbitMQ (attempt {}): {}; retrying with backoff up to {} ms",
                   attempt, e.what(), max_delay.count());
        last_warn = now;
      } else {
        log().debug("Could not reconnect to RabbitMQ (attempt {}): {}", attempt, e.what());
      }
      delay = std::min(delay * 2, max_delay);
    }
  }
  return false;
}

}  // namespace sluice::rabbitmq
