#include "amqp_connection.hpp"

#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

namespace sluice::rabbitmq {

namespace {

constexpr const char* kSystemCaBundle = "/etc/ssl/certs/ca-certificates.crt";

std::string bytes_text(amqp_bytes_t b) {
  return b.len == 0 || b.bytes == nullptr ? std::string()
                                          : std::string(static_cast<const char*>(b.bytes), b.len);
}

// "NOT_FOUND - no queue 'q' in vhost '/' (reply code 404)"
std::string server_text(std::uint16_t code, amqp_bytes_t text) {
  return bytes_text(text) + " (reply code " + std::to_string(code) + ")";
}

// A timeval for rabbitmq-c: nullopt (infinite) for 0 ms.
std::optional<timeval> timeout_of(int ms) {
  if (ms <= 0) return std::nullopt;
  timeval tv{};
  tv.tv_sec = ms / 1000;
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

std::string tls_hint(int status) {
  switch (status) {
    case AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED:
      return "; the broker's certificate does not name this host (check rabbitmq.host, or set "
             "rabbitmq.ssl.verify.hostname=false)";
    case AMQP_STATUS_SSL_PEER_VERIFY_FAILED:
      return "; the broker's certificate is not signed by a trusted CA (check rabbitmq.ssl.ca.location)";
    case AMQP_STATUS_SSL_CONNECTION_FAILED:
    case AMQP_STATUS_SSL_ERROR:
      return "; the TLS handshake failed (is the port a TLS listener? check rabbitmq.port and "
             "rabbitmq.security.protocol)";
    default: return "";
  }
}

}  // namespace

std::string explain_connect_failure(const std::string& host, int port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    return "cannot resolve host '" + host + "' (" + ::gai_strerror(rc) + ")";
  std::string reason = "connection failed";
  const int wait_ms = timeout_ms <= 0 || timeout_ms > 5000 ? 5000 : timeout_ms;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      reason = std::strerror(errno);
      continue;
    }
    int err = 0;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      err = errno;
      if (err == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        const int n = ::poll(&p, 1, wait_ms);
        if (n == 0) {
          err = ETIMEDOUT;
        } else {
          socklen_t len = sizeof(err);
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        }
      }
    }
    ::close(fd);
    if (err == 0) {
      reason = "the connection was established but the AMQP handshake failed";
      break;
    }
    reason = std::strerror(err);
  }
  ::freeaddrinfo(found);
  return reason;
}

AmqpConnection::AmqpConnection(const ConnectionSettings& s, const std::string& connection_name)
    : conn_(amqp_new_connection()), where_("RabbitMQ at " + s.describe()) {
  if (conn_ == nullptr)
    throw AmqpError(AmqpError::Kind::Connect, "Out of memory creating an AMQP connection");
  amqp_socket_t* socket = s.tls ? amqp_ssl_socket_new(conn_) : amqp_tcp_socket_new(conn_);
  if (socket == nullptr) throw AmqpError(AmqpError::Kind::Connect, "Could not create a socket for " + where_);
  if (s.tls) {
    amqp_ssl_socket_set_verify_peer(socket, s.verify_peer ? 1 : 0);
    amqp_ssl_socket_set_verify_hostname(socket, s.verify_hostname ? 1 : 0);
    std::optional<std::string> ca = s.ca_path;
    if (!ca && std::filesystem::exists(kSystemCaBundle)) ca = kSystemCaBundle;
    if (ca) {
      if (int st = amqp_ssl_socket_set_cacert(socket, ca->c_str()); st != AMQP_STATUS_OK)
        throw AmqpError(AmqpError::Kind::Connect,
                        "Cannot read the CA certificate file '" + *ca +
                            "' (rabbitmq.ssl.ca.location): " + amqp_error_string2(st));
    }
    if (s.certificate_path && s.key_path) {
      if (s.key_password) amqp_ssl_socket_set_key_passwd(socket, s.key_password->c_str());
      if (int st = amqp_ssl_socket_set_key(socket, s.certificate_path->c_str(), s.key_path->c_str());
          st != AMQP_STATUS_OK)
        throw AmqpError(AmqpError::Kind::Connect,
                        "Cannot load the client certificate '" + *s.certificate_path + "' and key '" +
                            *s.key_path +
                            "' (rabbitmq.ssl.certificate.location, rabbitmq.ssl.key.location): " +
                            amqp_error_string2(st));
    }
  }

  std::optional<timeval> connect_timeout = timeout_of(s.connection_timeout_ms);
  if (int st = amqp_socket_open_noblock(socket, s.host.c_str(), s.port,
                                        connect_timeout ? &*connect_timeout : nullptr);
      st != AMQP_STATUS_OK) {
    std::string reason;
    if (st == AMQP_STATUS_SOCKET_ERROR || st == AMQP_STATUS_TCP_ERROR) {
      reason = explain_connect_failure(s.host, s.port, s.connection_timeout_ms);
    } else if (st == AMQP_STATUS_TIMEOUT) {
      reason = "no connection within " + std::to_string(s.connection_timeout_ms) +
               " ms (rabbitmq.connection.timeout.ms)";
    } else if (st == AMQP_STATUS_HOSTNAME_RESOLUTION_FAILED) {
      reason = "cannot resolve host '" + s.host + "'";
    } else {
      reason = amqp_error_string2(st);
    }
    throw AmqpError(AmqpError::Kind::Connect, "Could not connect to " + where_ + ": " + reason +
                                                  tls_hint(st) + "; check rabbitmq.host and rabbitmq.port");
  }

  std::optional<timeval> handshake_timeout = timeout_of(s.handshake_timeout_ms);
  amqp_set_handshake_timeout(conn_, handshake_timeout ? &*handshake_timeout : nullptr);
  // RPCs (channel.open, basic.qos, basic.consume, queue.declare) get the same bound, so that a stalled broker
  // cannot hang a task start.
  amqp_set_rpc_timeout(conn_, handshake_timeout ? &*handshake_timeout : nullptr);

  // consumer_cancel_notify: the broker tells us when a queue we consume is deleted (rabbitmq-c does not
  // advertise it by default); connection.blocked: we are told when publishers are throttled.
  amqp_table_entry_t capabilities[2];
  capabilities[0].key = amqp_cstring_bytes("consumer_cancel_notify");
  capabilities[0].value.kind = AMQP_FIELD_KIND_BOOLEAN;
  capabilities[0].value.value.boolean = 1;
  capabilities[1].key = amqp_cstring_bytes("connection.blocked");
  capabilities[1].value.kind = AMQP_FIELD_KIND_BOOLEAN;
  capabilities[1].value.value.boolean = 1;
  amqp_table_entry_t properties[2];
  properties[0].key = amqp_cstring_bytes("capabilities");
  properties[0].value.kind = AMQP_FIELD_KIND_TABLE;
  properties[0].value.value.table = amqp_table_t{2, capabilities};
  properties[1].key = amqp_cstring_bytes("connection_name");
  properties[1].value.kind = AMQP_FIELD_KIND_UTF8;
  properties[1].value.value.bytes = amqp_cstring_bytes(connection_name.c_str());
  const amqp_table_t client_properties{2, properties};

  const amqp_rpc_reply_t reply = amqp_login_with_properties(
      conn_, s.virtual_host.c_str(), s.channel_max, s.frame_max, s.heartbeat_seconds, &client_properties,
      AMQP_SASL_METHOD_PLAIN, s.username.c_str(), s.password.c_str());
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
  broken_ = true;
  if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
    const auto* close = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
    amqp_connection_close_ok_t ok{};
    amqp_send_method(conn_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
    const std::string text = server_text(close->reply_code, close->reply_text);
    if (close->reply_code == AMQP_ACCESS_REFUSED)
      throw AmqpError(AmqpError::Kind::Login, where_ + " refused the login of user '" + s.username + "': " +
                                                  text + "; check rabbitmq.username and rabbitmq.password");
    if (close->reply_code == AMQP_NOT_ALLOWED)
      throw AmqpError(AmqpError::Kind::VirtualHost, where_ + " refused virtual host '" + s.virtual_host +
                                                        "' for user '" + s.username + "': " + text +
                                                        "; check rabbitmq.virtual.host");
    throw AmqpError(AmqpError::Kind::Connect,
                    where_ + " closed the connection during the handshake: " + text);
  }
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT)
    throw AmqpError(AmqpError::Kind::Connect,
                    "The AMQP handshake with " + where_ + " did not complete within " +
                        std::to_string(s.handshake_timeout_ms) + " ms (rabbitmq.handshake.timeout.ms)");
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION)
    throw AmqpError(AmqpError::Kind::Connect, "The AMQP handshake with " + where_ +
                                                  " failed: " + amqp_error_string2(reply.library_error) +
                                                  tls_hint(reply.library_error));
  throw AmqpError(AmqpError::Kind::Connect, "The AMQP handshake with " + where_ + " failed");
}

AmqpConnection::~AmqpConnection() {
  if (conn_ != nullptr) amqp_destroy_connection(conn_);
}

void AmqpConnection::fail_rpc(const amqp_rpc_reply_t& reply, amqp_channel_t channel, const std::string& what,
                              const std::string& queue) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* close = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
        const std::uint16_t code = close->reply_code;
        const std::string text = server_text(code, close->reply_text);
        // The channel number may be opened again only after close-ok.
        amqp_channel_close_ok_t ok{};
        amqp_send_method(conn_, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
        if (code == AMQP_NOT_FOUND && !queue.empty())
          throw AmqpError(AmqpError::Kind::QueueNotFound, "Queue '" + queue + "' does not exist on " +
                                                              where_ + ": " + text +
                                                              "; create the queue or fix rabbitmq.queue");
        throw AmqpError(AmqpError::Kind::Channel, where_ + " refused " + what + ": " + text);
      }
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* close = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
        amqp_connection_close_ok_t ok{};
        amqp_send_method(conn_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
        broken_ = true;
        throw AmqpError(AmqpError::Kind::ConnectionLost,
                        where_ + " closed the connection during " + what + ": " +
                            server_text(close->reply_code, close->reply_text));
      }
      broken_ = true;
      throw AmqpError(AmqpError::Kind::ConnectionLost, where_ + " answered " + what + " unexpectedly");
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      broken_ = true;
      throw AmqpError(AmqpError::Kind::ConnectionLost,
                      what + " failed on " + where_ + ": " + amqp_error_string2(reply.library_error));
    default:
      broken_ = true;
      throw AmqpError(AmqpError::Kind::ConnectionLost, what + " got no reply from " + where_);
  }
}

void AmqpConnection::check_rpc(amqp_channel_t channel, const std::string& what, const std::string& queue) {
  const amqp_rpc_reply_t reply = amqp_get_rpc_reply(conn_);
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) fail_rpc(reply, channel, what, queue);
}

void AmqpConnection::open_channel(amqp_channel_t channel) {
  if (amqp_channel_open(conn_, channel) == nullptr) check_rpc(channel, "channel.open");
}

void AmqpConnection::qos(amqp_channel_t channel, std::uint16_t prefetch_count, bool global) {
  if (amqp_basic_qos(conn_, channel, 0, prefetch_count, global ? 1 : 0) == nullptr)
    check_rpc(channel, "basic.qos");
}

void AmqpConnection::consume(amqp_channel_t channel, const std::string& queue,
                             const std::string& consumer_tag) {
  if (amqp_basic_consume(conn_, channel, amqp_cstring_bytes(queue.c_str()),
                         amqp_cstring_bytes(consumer_tag.c_str()),
                         /*no_local=*/0, /*no_ack=*/0, /*exclusive=*/0, amqp_empty_table) == nullptr)
    check_rpc(channel, "basic.consume on queue '" + queue + "'", queue);
}

std::uint32_t AmqpConnection::declare_passive(amqp_channel_t channel, const std::string& queue) {
  const amqp_queue_declare_ok_t* ok =
      amqp_queue_declare(conn_, channel, amqp_cstring_bytes(queue.c_str()), /*passive=*/1, /*durable=*/0,
                         /*exclusive=*/0, /*auto_delete=*/0, amqp_empty_table);
  if (ok == nullptr) check_rpc(channel, "queue.declare (passive) of queue '" + queue + "'", queue);
  return ok != nullptr ? ok->message_count : 0;
}

void AmqpConnection::ack(amqp_channel_t channel, std::uint64_t delivery_tag, bool multiple) {
  if (int st = amqp_basic_ack(conn_, channel, delivery_tag, multiple ? 1 : 0); st != AMQP_STATUS_OK) {
    broken_ = true;
    throw AmqpError(AmqpError::Kind::ConnectionLost,
                    "Could not send basic.ack to " + where_ + ": " + amqp_error_string2(st));
  }
}

bool AmqpConnection::has_buffered_input() const {
  return amqp_frames_enqueued(conn_) != 0 || amqp_data_in_buffer(conn_) != 0;
}

int AmqpConnection::fd() const {
  return amqp_get_sockfd(conn_);
}

void AmqpConnection::release_buffers() {
  amqp_maybe_release_buffers(conn_);
}

bool AmqpConnection::try_read(Envelope& out) {
  out.reset();
  timeval immediate{0, 0};
  const amqp_rpc_reply_t reply = amqp_consume_message(conn_, &out.envelope_, &immediate, 0);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
    out.filled_ = true;
    return true;
  }
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
    if (reply.library_error == AMQP_STATUS_TIMEOUT) return false;
    if (reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
      handle_unexpected_frame();
      return false;
    }
    broken_ = true;
    if (reply.library_error == AMQP_STATUS_HEARTBEAT_TIMEOUT)
      throw AmqpError(AmqpError::Kind::ConnectionLost,
                      where_ + " sent no heartbeat within the negotiated timeout (missed heartbeats)");
    throw AmqpError(AmqpError::Kind::ConnectionLost,
                    "Reading from " + where_ + " failed: " + amqp_error_string2(reply.library_error));
  }
  broken_ = true;
  throw AmqpError(AmqpError::Kind::ConnectionLost, "Reading from " + where_ + " failed");
}

void AmqpConnection::handle_unexpected_frame() {
  timeval immediate{0, 0};
  amqp_frame_t frame{};
  const int st = amqp_simple_wait_frame_noblock(conn_, &frame, &immediate);
  if (st == AMQP_STATUS_TIMEOUT) return;
  if (st != AMQP_STATUS_OK) {
    broken_ = true;
    throw AmqpError(AmqpError::Kind::ConnectionLost,
                    "Reading from " + where_ + " failed: " + amqp_error_string2(st));
  }
  if (frame.frame_type != AMQP_FRAME_METHOD) return;  // a stray content frame: nothing to act on
  switch (frame.payload.method.id) {
    case AMQP_CHANNEL_CLOSE_METHOD: {
      const auto* close = static_cast<const amqp_channel_close_t*>(frame.payload.method.decoded);
      amqp_channel_close_ok_t ok{};
      amqp_send_method(conn_, frame.channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
      throw AmqpError(AmqpError::Kind::Channel,
                      where_ + " closed the channel: " + server_text(close->reply_code, close->reply_text));
    }
    case AMQP_CONNECTION_CLOSE_METHOD: {
      const auto* close = static_cast<const amqp_connection_close_t*>(frame.payload.method.decoded);
      amqp_connection_close_ok_t ok{};
      amqp_send_method(conn_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
      broken_ = true;
      throw AmqpError(AmqpError::Kind::ConnectionLost, where_ + " closed the connection: " +
                                                           server_text(close->reply_code, close->reply_text));
    }
    case AMQP_BASIC_CANCEL_METHOD: {
      const auto* cancel = static_cast<const amqp_basic_cancel_t*>(frame.payload.method.decoded);
      throw AmqpError(AmqpError::Kind::Cancelled, where_ + " cancelled consumer '" +
                                                      bytes_text(cancel->consumer_tag) +
                                                      "' (its queue was deleted or became unavailable)");
    }
    default: return;  // connection.blocked / unblocked and the like need no action from a consumer
  }
}

void AmqpConnection::close(std::chrono::milliseconds timeout) noexcept {
  if (broken_ || conn_ == nullptr) return;
  broken_ = true;
  std::optional<timeval> tv = timeout_of(static_cast<int>(timeout.count()));
  amqp_set_rpc_timeout(conn_, tv ? &*tv : nullptr);
  amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
}

}  // namespace sluice::rabbitmq
