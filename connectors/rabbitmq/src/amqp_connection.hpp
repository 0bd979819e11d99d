#pragma once
// AmqpConnection: the one owner of a rabbitmq-c connection (amqp_connection_state_t) and its socket, and
// Envelope: the one owner of an amqp_envelope_t. Every failure becomes an AmqpError whose kind says what
// went wrong (could not connect, login refused, unknown virtual host, missing queue, connection lost, ...)
// and whose message names the broker and quotes the broker's own reply.
//
// Not thread-safe: rabbitmq-c connections must be used from one thread (the task's I/O thread, or the
// connector's validate call).

#include <amqp.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "rabbitmq_config.hpp"

namespace sluice::rabbitmq {

class AmqpError : public std::runtime_error {
 public:
  enum class Kind {
    Connect,         // no TCP/TLS connection (refused, unreachable, unknown host, TLS verification)
    Login,           // the broker refused the credentials
    VirtualHost,     // the virtual host does not exist or the user may not use it
    QueueNotFound,   // a queue does not exist (404 NOT_FOUND)
    Channel,         // the broker closed the channel for another reason (permissions, exclusive queue, ...)
    Cancelled,       // the broker cancelled a consumer (queue deleted, node down)
    ConnectionLost,  // an established connection failed: socket closed, heartbeat timeout, broker shutdown
  };
  AmqpError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// An amqp_envelope_t filled by AmqpConnection::try_read; freed on destruction.
class Envelope {
 public:
  Envelope() = default;
  ~Envelope() { reset(); }
  Envelope(const Envelope&) = delete;
  Envelope& operator=(const Envelope&) = delete;

  const amqp_envelope_t& get() const { return envelope_; }

 private:
  friend class AmqpConnection;
  void reset() {
    if (filled_) amqp_destroy_envelope(&envelope_);
    filled_ = false;
  }
  amqp_envelope_t envelope_{};
  bool filled_ = false;
};

class AmqpConnection {
 public:
  // Opens the TCP (or TLS) connection and logs in. Throws AmqpError (Connect, Login, VirtualHost).
  AmqpConnection(const ConnectionSettings& settings, const std::string& connection_name);
  ~AmqpConnection();
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;

  void open_channel(amqp_channel_t channel);
  void qos(amqp_channel_t channel, std::uint16_t prefetch_count, bool global);
  // Starts a manual-ack consumer; QueueNotFound when the queue does not exist.
  void consume(amqp_channel_t channel, const std::string& queue, const std::string& consumer_tag);
  // Passive queue.declare: the queue's message count; QueueNotFound when it does not exist (the channel is
  // closed by the broker then, and must be opened again before reuse).
  std::uint32_t declare_passive(amqp_channel_t channel, const std::string& queue);
  // basic.ack; ConnectionLost when it cannot be sent.
  void ack(amqp_channel_t channel, std::uint64_t delivery_tag, bool multiple);

  // Never blocks: reads one delivery into `out` and returns true, or returns false when no complete delivery
  // is buffered or readable right now. Services heartbeats. Throws ConnectionLost / Channel / Cancelled.
  bool try_read(Envelope& out);
  // True when rabbitmq-c holds unread bytes or frames, so poll(2) on fd() would not see them.
  bool has_buffered_input() const;
  int fd() const;
  // Drops memory kept for deliveries that were already read.
  void release_buffers();

  // Orderly connection.close, bounded by `timeout`; nothing is thrown. The destructor closes the socket
  // either way.
  void close(std::chrono::milliseconds timeout) noexcept;

  const std::string& where() const { return where_; }

 private:
  [[noreturn]] void fail_rpc(const amqp_rpc_reply_t& reply, amqp_channel_t channel, const std::string& what,
                             const std::string& queue);
  void check_rpc(amqp_channel_t channel, const std::string& what, const std::string& queue = {});
  void handle_unexpected_frame();

  amqp_connection_state_t conn_ = nullptr;
  std::string where_;    // for messages: "RabbitMQ at amqp://host:port, virtual host '/'"
  bool broken_ = false;  // the connection can no longer be used for an orderly close
};

// "refused", "timed out", ... for a failed TCP connect to host:port (a fresh attempt, used only to explain
// a failure rabbitmq-c reported without detail).
std::string explain_connect_failure(const std::string& host, int port, int timeout_ms);

}  // namespace sluice::rabbitmq
