#pragma once
// RestServer: Kafka Connect's REST API over HTTP/1.1 (Boost.Beast, hidden behind a pimpl).
//
// Lifecycle: construct (parses `listeners`; throws ConfigError), start() (binds every listener and starts
// the threads; throws ConnectError when a port cannot be bound), set_herder() whenever the runtime is ready
// (until then every path answers 404, like Kafka during startup), stop() (stops accepting, lets requests in
// progress finish for up to shutdown_timeout, closes the remaining connections, joins its threads; bounded
// as long as herder calls are). The destructor calls stop().
//
// Threads: one I/O thread runs all sockets; herder calls run on a pool of `threads` threads, so a slow
// herder call never stalls other connections. A request whose herder call takes longer than
// request_timeout is answered 500 "Request timed out" (the call itself runs to completion in the
// background, as in Kafka). Every request is logged at INFO on logger "sluice.rest" in Jetty's NCSA form:
//   127.0.0.1 - - [24/Oct/2024:10:00:00 +0000] "GET /connectors HTTP/1.1" 200 2 "-" "curl/7.88.1" 3

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sluice::herder {
class Herder;
}

namespace sluice::rest {

struct RestServerConfig {
  // Kafka's `listeners`: comma-separated http://host:port; empty host = all interfaces, port 0 = any free
  // port.
  std::string listeners = "http://:8083";
  std::optional<std::string> advertised_host_name;     // rest.advertised.host.name
  std::optional<int> advertised_port;                  // rest.advertised.port
  std::optional<std::string> advertised_listener;      // rest.advertised.listener (http)
  std::size_t max_request_body_bytes = 1024 * 1024;    // larger bodies: 413 and the connection is closed
  int threads = 4;                                     // herder-call threads
  std::chrono::milliseconds request_timeout{90'000};   // Kafka's DEFAULT_REST_REQUEST_TIMEOUT_MS
  std::chrono::milliseconds idle_timeout{30'000};      // keep-alive connections idle longer are closed
  std::chrono::milliseconds shutdown_timeout{10'000};  // stop(): grace period for requests in progress

  // Reads the worker keys listeners, rest.advertised.host.name, rest.advertised.port and
  // rest.advertised.listener (absent keys keep the defaults). Throws ConfigError for a bad port.
  static RestServerConfig from_worker_properties(const std::map<std::string, std::string>& properties);
};

class RestServer {
 public:
  explicit RestServer(RestServerConfig config);
  ~RestServer();
  RestServer(const RestServer&) = delete;
  RestServer& operator=(const RestServer&) = delete;

  void start();
  void stop();

  // The herder must outlive its use: set nullptr (or stop()) before destroying it.
  void set_herder(herder::Herder* herder);

  // Bound ports, one per listener, in `listeners` order (after start()).
  std::vector<std::uint16_t> ports() const;
  // The URL other workers use, e.g. "http://worker1:8083/" (Kafka's RestServer.advertisedUrl()).
  std::string advertised_url() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::rest
