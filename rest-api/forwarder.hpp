#pragma once
// Forwarding of leader-only requests to the leader's REST URL (Kafka's RestClient as used by
// HerderRequestHandler). The Router builds the URL and decides when to forward; a Forwarder only performs
// one HTTP exchange. HttpForwarder is the real one (Boost.Beast, plain http); tests may substitute another.

#include "core/herder/herder.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace sluice::rest {

struct ForwardRequest {
  std::string url;            // absolute, e.g. http://leader:8083/connectors?forward=true
  std::string method;         // GET, POST, PUT, PATCH, DELETE
  std::string body;           // empty: no body
  std::string authorization;  // copied from the original request when present (as Kafka does)
  std::vector<std::pair<std::string, std::string>> headers;  // more headers (inter-worker signatures)
};

struct ForwardResponse {
  int status = 0;
  std::string body;
};

// The target refused the connection: nothing listens at the leader's URL any more (the leader process is gone
// and the group has not noticed yet). The router answers this with Kafka's 409 "no known leader URL", which
// clients retry, rather than a 500 (Kafka's answer), because it is the same situation: a rebalance is due.
class TargetUnreachableError : public herder::RestError {
 public:
  explicit TargetUnreachableError(const std::string& message) : herder::RestError(500, message) {}
};

class Forwarder {
 public:
  virtual ~Forwarder() = default;
  // Performs the exchange. Throws herder::RestError(500, "IO Error trying to forward REST request: ...")
  // when the leader cannot be reached or does not answer in time (TargetUnreachableError when the connection
  // was refused).
  virtual ForwardResponse forward(const ForwardRequest& request) = 0;
};

// One connection per request (forwarding is rare: only leader-only writes on a follower). Thread-safe:
// each call owns its own io_context.
class HttpForwarder final : public Forwarder {
 public:
  explicit HttpForwarder(std::chrono::milliseconds timeout) : timeout_(timeout) {}
  ForwardResponse forward(const ForwardRequest& request) override;

 private:
  std::chrono::milliseconds timeout_;
};

}  // namespace sluice::rest
