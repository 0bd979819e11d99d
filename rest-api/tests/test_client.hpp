#pragma once
// A tiny blocking HTTP/1.1 client for the REST tests (Boost.Beast), with a receive timeout so a broken
// server fails a test instead of hanging it. One HttpClient = one TCP connection (keep-alive).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sluice::rest::testing {

struct Response {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  bool has_header(const std::string& name) const { return headers.count(name) != 0; }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port);
  ~HttpClient();
  // Sends one request on this connection. A body is sent with Content-Type: application/json unless
  // `headers` sets another one.
  Response request(const std::string& method, const std::string& target,
                   const std::optional<std::string>& body = std::nullopt,
                   const std::vector<std::pair<std::string, std::string>>& headers = {});
  // True when the server has closed the connection (a read returns EOF).
  bool closed_by_server();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// One request on a fresh connection.
Response http(std::uint16_t port, const std::string& method, const std::string& target,
              const std::optional<std::string>& body = std::nullopt,
              const std::vector<std::pair<std::string, std::string>>& headers = {});

// Writes raw bytes and returns everything the server sends until it closes the connection (or 10 s pass).
std::string raw_exchange(std::uint16_t port, const std::string& bytes);

}  // namespace sluice::rest::testing
