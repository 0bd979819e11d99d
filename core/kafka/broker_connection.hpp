#pragma once
// One TCP (optionally TLS) connection to one Kafka broker, speaking Kafka's request/response protocol: size-
// prefixed frames, request headers with correlation ids, pipelined in-flight requests matched to responses.
// open() connects, negotiates versions with ApiVersions and authenticates with SASL when configured; call()
// sends one request and blocks until its response arrives or a timeout passes.
//
// Ownership and threads: the owner supplies a boost::asio::io_context that some other thread runs; all socket
// work happens on that thread. open(), call() and close() may be called from any other thread, concurrently
// (a heartbeat thread and a rebalance thread share the coordinator connection). Never call them from the
// io_context's own thread: they block on it. A connection is opened once; after close() or any failure it
// stays closed and a new BrokerConnection is made.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/errors.hpp"
#include "core/kafka/broker_security.hpp"
#include "core/kafka/protocol/messages.hpp"

namespace boost::asio {
class io_context;
}

namespace sluice::kafka {

struct BrokerAddress {
  std::string host;
  int port = 0;
  std::string to_string() const { return host + ":" + std::to_string(port); }
  bool operator==(const BrokerAddress&) const = default;
};

// Parses `bootstrap.servers` ("host:port,host:port", IPv6 as [::1]:9092). Throws ConfigError
// "Invalid url in bootstrap.servers: <entry>" (Kafka's message) for an entry without a valid port, and
// "No resolvable bootstrap urls given in bootstrap.servers" when the list is empty.
std::vector<BrokerAddress> parse_bootstrap_servers(std::string_view servers);

// The network failed, timed out or the broker closed the connection: retry, possibly elsewhere.
class BrokerConnectionError : public RetriableError {
 public:
  using RetriableError::RetriableError;
};

// The broker supports no version of an API that this client implements.
class UnsupportedVersionError : public ConnectError {
 public:
  using ConnectError::ConnectError;
};

// A TLS client context built once from TlsSettings (CA, client certificate, verification) and shared by every
// connection of its owner; it must outlive them. Throws ConfigError naming the file or key that failed to
// load.
class TlsContext {
 public:
  explicit TlsContext(const TlsSettings& settings);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  struct Impl;
  Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct ConnectionSettings {
  std::string client_id;
  std::string software_name = "sluice";
  std::string software_version = "0.1.0";
  std::optional<SaslSettings> sasl;
  const TlsContext* tls = nullptr;  // non-null: TLS; host name checks as configured in the context
  bool verify_hostname = true;
};

class BrokerConnection {
 public:
  BrokerConnection(boost::asio::io_context& io, ConnectionSettings settings);
  ~BrokerConnection();  // closes
  BrokerConnection(const BrokerConnection&) = delete;
  BrokerConnection& operator=(const BrokerConnection&) = delete;

  // Connects to `address` (resolve, TCP, TLS handshake), negotiates API versions and authenticates, all
  // within `timeout`. Throws BrokerConnectionError for network failures and timeouts, protocol::SaslError for
  // a failed authentication, UnsupportedVersionError when the broker's versions do not overlap ours.
  void open(const BrokerAddress& address, std::chrono::milliseconds timeout);

  // Fails every in-flight call with BrokerConnectionError and closes the socket. Idempotent.
  void close();
  bool is_open() const;
  const BrokerAddress& address() const;

  // The highest version of `api` both sides support (after open()). Throws UnsupportedVersionError
  // "The broker <host:port> supports <Api> versions <a>-<b> but sluice needs <c>-<d>".
  std::int16_t version_for(protocol::ApiKey api) const;
  // Every API the broker listed in its ApiVersions response, by api key.
  std::map<std::int16_t, protocol::VersionRange> broker_versions() const;
  // The ApiVersions version the broker answered during open() (-1 before).
  std::int16_t api_versions_version() const;

  // Sends one request and returns the response body (header checked and removed). Throws
  // BrokerConnectionError when the connection fails or no response comes within `timeout`; a timeout also
  // closes the connection, because a late response could no longer be trusted.
  protocol::Bytes call(protocol::ApiKey api, std::int16_t version, const protocol::Bytes& body,
                       std::chrono::milliseconds timeout);

  // Negotiates the version, encodes, calls and decodes: `resp = conn.request<JoinGroupResponse>(req,
  // timeout)`.
  template <typename Response, typename Request>
  Response request(protocol::ApiKey api, const Request& req, std::chrono::milliseconds timeout,
                   std::int16_t* used_version = nullptr) {
    const std::int16_t v = version_for(api);
    if (used_version) *used_version = v;
    return Response::decode(call(api, v, req.encode(v), timeout), v);
  }

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;  // shared with the io thread's pending handlers, which may outlive this object
};

}  // namespace sluice::kafka
