#pragma once
// A deliberately small HTTP/1.1 client for tests that talk to the REST API: one connection per request
// (`Connection: close`), 127.0.0.1 only. It is written on plain sockets rather than on curl or Beast so that
// a test can send exactly what it wants (no body at all, a body that is not JSON, another Content-Type, a
// body larger than the server accepts) and see every response header.
//
// A large body is sent in pieces while watching for an early answer, so a server that rejects the request
// after the headers (413) and closes the connection is still heard rather than lost to a reset.
//
//   sluice::test::HttpResponse r = sluice::test::http_request(port, "GET", "/connectors");
//   EXPECT_EQ(r.status, 200);
//
// Stateless; safe to call from any thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sluice::test {

struct HttpResponse {
  int status = 0;  // 0: no answer (connection refused, closed early, timed out)
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // in the order received
  std::string body;
  std::string error;  // why status is 0

  // First header with that name (case-insensitive).
  std::optional<std::string> header(const std::string& name) const;
};

struct HttpRequestOptions {
  // Content-Type sent with a body; nullopt: none. Default application/json, as Kafka's clients send it.
  std::optional<std::string> content_type = "application/json";
  std::map<std::string, std::string> extra_headers;
  std::chrono::milliseconds timeout = std::chrono::seconds(30);
};

// Sends `method target` to 127.0.0.1:`port`. `body` nullopt: no body, no Content-Length, no Content-Type;
// "" sends `Content-Length: 0` (what python's `requests.put(url)` sends) with the Content-Type.
HttpResponse http_request(std::uint16_t port, const std::string& method, const std::string& target,
                          const std::optional<std::string>& body = std::nullopt,
                          const HttpRequestOptions& options = {});

}  // namespace sluice::test
