#pragma once
// The REST resources: maps one HTTP request to Herder calls and one HTTP response, with Kafka Connect's
// paths, query parameters, statuses and bodies. Knows nothing of sockets (RestServer owns those), so it
// can be driven directly. Stateless apart from its Forwarder; thread-safe.
//
// Errors go through error_mapper. A herder::NotLeaderError is forwarded to the leader (Kafka's
// HerderRequestHandler.completeOrForwardRequest): without a `forward` query parameter the request is
// forwarded with forward=true (the leader may forward once more), with forward=true it is forwarded with
// forward=false, with forward=false it fails with 409 (two hops exhausted).

#include "rest-api/forwarder.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sluice::herder {
class Herder;
}

namespace sluice::rest {

struct HttpRequest {
  std::string method;  // "GET", ...
  std::string target;  // raw request target, e.g. "/connectors?expand=status"
  std::string body;
  std::string base_url;       // "http://<Host header>" used for Location headers
  std::string content_type;   // empty when absent
  std::string authorization;  // empty when absent; copied to forwarded requests
  // Inter-worker signature headers (X-Connect-Authorization, X-Connect-Request-Signature-Algorithm); empty when
  // absent; copied to forwarded requests.
  std::string connect_signature;
  std::string connect_signature_algorithm;
};

struct HttpResponse {
  int status = 200;
  std::optional<std::string> body;                           // nullopt: no entity (no Content-Type either)
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Location, Allow)
};

class Router {
 public:
  explicit Router(Forwarder& forwarder) : forwarder_(forwarder) {}

  // herder == nullptr: the worker is still starting, every path answers 404 (as Kafka before its
  // resources are registered).
  HttpResponse handle(herder::Herder* herder, const HttpRequest& request) const;

 private:
  Forwarder& forwarder_;
};

}  // namespace sluice::rest
