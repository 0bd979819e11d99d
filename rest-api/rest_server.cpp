#include "rest-api/rest_server.hpp"

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/herder/herder.hpp"
#include "rest-api/error_mapper.hpp"
#include "core/herder/request_signature.hpp"
#include "rest-api/forwarder.hpp"
#include "rest-api/router.hpp"
#include "rest-api/url.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/host_name.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <thread>

namespace sluice::rest {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr auto kLingerTimeout = std::chrono::seconds(2);

std::string ncsa_time() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%d/%b/%Y:%H:%M:%S +0000", &tm);
  return buf;
}

std::string header_or_dash(const http::request<http::string_body>& req, http::field field) {
  auto it = req.find(field);
  return it == req.end() || it->value().empty() ? "-" : std::string(it->value());
}

}  // namespace

class Session;

// The server's state; RestServer::Impl is this class (a namespace-scope name so Session can use it).
class ServerCore {
 public:
  explicit ServerCore(RestServerConfig cfg)
      : config(std::move(cfg)),
        listeners(parse_listeners(config.listeners)),
        forwarder(config.request_timeout),
        router(forwarder),
        log(log::get("sluice.rest")) {
    if (config.threads < 1) {
      throw ConfigError("Invalid value " + std::to_string(config.threads) +
                        " for the REST server thread count: Value must be at least 1");
    }
    if (config.advertised_listener && to_lower(*config.advertised_listener) != "http") {
      throw ConfigError(
          "Invalid value " + *config.advertised_listener +
          " for configuration rest.advertised.listener: only http is supported (TLS listeners are not "
          "supported yet)");
    }
  }

  void start();
  void stop();
  void bind(const Listener& listener);  // called with mu held
  void accept(tcp::acceptor& acceptor);
  void retry_accept(tcp::acceptor& acceptor);
  std::string advertised_url() const;

  void request_started() {
    std::lock_guard lock(mu);
    ++in_flight;
  }
  void request_finished() {
    std::lock_guard lock(mu);
    --in_flight;
    if (in_flight == 0) idle_cv.notify_all();
  }
  void add_session(Session* raw, const std::shared_ptr<Session>& session) {
    std::lock_guard lock(mu);
    sessions.emplace(raw, session);
  }
  void remove_session(Session* raw) {
    std::lock_guard lock(mu);
    sessions.erase(raw);
  }

  const RestServerConfig config;
  const std::vector<Listener> listeners;
  std::atomic<herder::Herder*> herder{nullptr};
  std::atomic<bool> stopping{false};
  HttpForwarder forwarder;
  Router router;
  std::shared_ptr<spdlog::logger> log;

  // Declared before the I/O objects: sessions destroyed with the io_context still use them.
  mutable std::mutex mu;
  std::condition_variable idle_cv;
  int in_flight = 0;                                    // guarded by mu
  std::map<Session*, std::weak_ptr<Session>> sessions;  // guarded by mu
  std::vector<std::uint16_t> bound_ports;               // guarded by mu
  bool started = false;                                 // guarded by mu
  bool stopped = false;                                 // guarded by mu

  std::unique_ptr<net::io_context> ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::unique_ptr<net::thread_pool> pool;
  std::thread io_thread;
};

// One client connection. Lives on its own strand; reads one request at a time (keep-alive: the next one
// after the response is written), hands the request to the herder pool and writes the answer.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerCore& server, tcp::socket socket)
      : server_(server), stream_(std::move(socket)), timer_(stream_.get_executor()) {
    beast::error_code ec;
    auto remote = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? std::string("-") : remote.address().to_string();
    auto local = stream_.socket().local_endpoint(ec);
    if (!ec) {
      std::string host = local.address().to_string();
      if (local.address().is_v6()) host = "[" + host + "]";
      local_authority_ = host + ":" + std::to_string(local.port());
    }
  }

  ~Session() {
    if (in_flight_) server_.request_finished();
    server_.remove_session(this);
  }

  void start() {
    server_.add_session(this, shared_from_this());
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  // From any thread: closes the connection (used by RestServer::stop()).
  void close() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->timer_.cancel();
      beast::error_code ec;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      self->stream_.close();
    });
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(server_.config.max_request_body_bytes);
    stream_.expires_after(server_.config.idle_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    started_ = Clock::now();
    const auto& req = parser_->get();
    auto expect = req.find(http::field::expect);
    if (expect != req.end() && beast::iequals(expect->value(), "100-continue")) {
      // curl waits for this before sending a large body.
      auto interim =
          std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
      http::async_write(stream_, *interim,
                        [self = shared_from_this(), interim](beast::error_code wec, std::size_t) {
                          if (wec) return self->stream_.close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(server_.config.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    dispatch_request();
  }

  void on_read_error(beast::error_code ec) {
    // The request line is known even when the header failed (e.g. a Content-Length over the limit).
    if (parser_ && !parser_->get().method_string().empty()) remember_request_line(parser_->get());
    if (ec == http::error::body_limit) {
      return reject(413, "Request body is larger than the maximum of " +
                             std::to_string(server_.config.max_request_body_bytes) + " bytes");
    }
    if (ec == http::error::header_limit) return reject(431, routing_error_message(431));
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == http::error::partial_message) {
      stream_.close();
      return;
    }
    reject(400, "Malformed HTTP request: " + ec.message());
  }

  void remember_request_line(const http::request<http::string_body>& req) {
    method_ = std::string(req.method_string());
    target_ = std::string(req.target());
    version_ = req.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
    referer_ = header_or_dash(req, http::field::referer);
    user_agent_ = header_or_dash(req, http::field::user_agent);
    version_number_ = req.version();
  }

  void dispatch_request() {
    stream_.expires_never();
    const auto& req = parser_->get();
    remember_request_line(req);
    keep_alive_ = req.keep_alive();

    HttpRequest request;
    request.method = method_;
    request.target = target_;
    request.body = std::move(parser_->get().body());
    auto host = req.find(http::field::host);
    request.base_url = "http://" + (host != req.end() && !host->value().empty() ? std::string(host->value())
                                                                                : local_authority_);
    if (auto ct = req.find(http::field::content_type); ct != req.end())
      request.content_type = std::string(ct->value());
    if (auto auth = req.find(http::field::authorization); auth != req.end()) {
      request.authorization = std::string(auth->value());
    }
    if (auto sig = req.find(herder::kSignatureHeader); sig != req.end()) request.connect_signature = std::string(sig->value());
    if (auto alg = req.find(herder::kSignatureAlgorithmHeader); alg != req.end()) {
      request.connect_signature_algorithm = std::string(alg->value());
    }

    const std::uint64_t id = ++request_id_;
    awaiting_ = true;
    in_flight_ = true;
    server_.request_started();

    timer_.expires_after(server_.config.request_timeout);
    timer_.async_wait([self = shared_from_this(), id](beast::error_code ec) {
      if (ec) return;  // cancelled: the answer came first
      self->server_.log->error("Request '{} {}' timed out after {} ms", self->method_, self->target_,
                               self->server_.config.request_timeout.count());
      self->complete(id, HttpResponse{500, error_body(500, std::string("Request timed out")), {}});
    });

    net::post(*server_.pool, [self = shared_from_this(), id, request = std::move(request)] {
      HttpResponse response;
      try {
        response = self->server_.router.handle(self->server_.herder.load(), request);
      } catch (...) {
        ErrorResponse error = map_exception(std::current_exception());
        response = HttpResponse{error.status, std::move(error.body), {}};
      }
      net::post(self->stream_.get_executor(), [self, id, response = std::move(response)]() mutable {
        self->complete(id, std::move(response));
      });
    });
  }

  // Runs on the strand; the first of (answer, timeout) wins, a late answer is dropped.
  void complete(std::uint64_t id, HttpResponse response) {
    if (!awaiting_ || id != request_id_) return;
    awaiting_ = false;
    timer_.cancel();
    write(std::move(response), keep_alive_ && !server_.stopping.load(), false);
  }

  void reject(int status, const std::string& message) {
    if (method_.empty()) {
      method_ = "-";
      target_ = "-";
      version_ = "HTTP/1.1";
    }
    if (started_ == Clock::time_point{}) started_ = Clock::now();
    write(HttpResponse{status, error_body(status, message), {}}, false, true);
  }

  void write(HttpResponse response, bool keep_alive, bool linger) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->result(static_cast<unsigned>(response.status));
    res->version(version_number_);
    for (auto& [name, value] : response.headers) res->set(name, value);
    if (response.body) {
      res->set(http::field::content_type, "application/json");
      res->body() = std::move(*response.body);
    }
    res->keep_alive(keep_alive);
    // 204 carries no Content-Length (RFC 9110); everything else gets one.
    if (response.status != 204) res->prepare_payload();
    const std::size_t bytes = res->body().size();
    stream_.expires_after(server_.config.idle_timeout);
    http::async_write(
        stream_, *res,
        [self = shared_from_this(), res, keep_alive, linger, bytes](beast::error_code ec, std::size_t) {
          self->on_write(ec, res->result_int(), bytes, keep_alive, linger);
        });
  }

  void on_write(beast::error_code ec, unsigned status, std::size_t bytes, bool keep_alive, bool linger) {
    auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_).count();
    server_.log->info("{} - - [{}] \"{} {} {}\" {} {} \"{}\" \"{}\" {}", remote_, ncsa_time(), method_,
                      target_, version_, status, bytes, referer_, user_agent_, latency);
    if (in_flight_) {
      in_flight_ = false;
      server_.request_finished();
    }
    method_.clear();
    started_ = Clock::time_point{};
    if (ec) {
      stream_.close();
      return;
    }
    if (linger) return linger_close();
    if (!keep_alive) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream_.close();
      return;
    }
    read_header();
  }

  // After an early error response the client may still be sending its body; closing right away would make
  // the kernel reset the connection and the client could lose our response. Read and discard for a while.
  void linger_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTimeout);
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) {
                                self->stream_.close();
                                return;
                              }
                              self->drain();
                            });
  }

  ServerCore& server_;
  beast::tcp_stream stream_;
  net::steady_timer timer_;  // request timeout
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::array<char, 8192> drain_buffer_{};
  std::string remote_;
  std::string local_authority_ = "localhost";
  std::uint64_t request_id_ = 0;
  bool awaiting_ = false;   // a herder call for request_id_ has not been answered yet
  bool in_flight_ = false;  // counted in the server's in-flight requests
  bool keep_alive_ = false;
  unsigned version_number_ = 11;
  std::string method_, target_, version_, referer_ = "-", user_agent_ = "-";
  Clock::time_point started_{};
};

void ServerCore::start() {
  std::lock_guard lock(mu);
  if (started) throw ConnectError("REST server already started");
  ioc = std::make_unique<net::io_context>(1);
  try {
    for (const auto& listener : listeners) bind(listener);
  } catch (...) {
    acceptors.clear();
    bound_ports.clear();
    ioc.reset();
    throw;
  }
  started = true;
  pool = std::make_unique<net::thread_pool>(static_cast<std::size_t>(config.threads));
  work.emplace(ioc->get_executor());
  for (auto& acceptor : acceptors) accept(*acceptor);
  io_thread = std::thread([this] { ioc->run(); });
  std::string ports;
  for (auto p : bound_ports) ports += (ports.empty() ? "" : ",") + std::to_string(p);
  log->info("REST server listening on {} (ports {})", config.listeners, ports);
}

void ServerCore::bind(const Listener& listener) {
  beast::error_code ec;
  std::vector<tcp::endpoint> candidates;
  if (listener.host.empty()) {
    // All interfaces: dual-stack IPv6 when available, IPv4 otherwise.
    candidates = {tcp::endpoint(net::ip::address_v6::any(), listener.port),
                  tcp::endpoint(net::ip::address_v4::any(), listener.port)};
  } else {
    tcp::resolver resolver(*ioc);
    auto results = resolver.resolve(listener.host, std::to_string(listener.port), ec);
    if (ec) {
      throw ConnectError("Unable to start REST server: cannot resolve the host of listener " + listener.text +
                         " (" + ec.message() + ")");
    }
    for (const auto& r : results) candidates.push_back(r.endpoint());
  }
  for (const auto& endpoint : candidates) {
    auto acceptor = std::make_unique<tcp::acceptor>(*ioc);
    if (acceptor->open(endpoint.protocol(), ec)) continue;
    if (endpoint.address().is_v6() && endpoint.address().is_unspecified()) {
      acceptor->set_option(net::ip::v6_only(false), ec);
    }
    acceptor->set_option(net::socket_base::reuse_address(true), ec);
    if (acceptor->bind(endpoint, ec)) continue;
    if (acceptor->listen(net::socket_base::max_listen_connections, ec)) continue;
    bound_ports.push_back(acceptor->local_endpoint().port());
    acceptors.push_back(std::move(acceptor));
    return;
  }
  throw ConnectError("Unable to start REST server: cannot listen on " + listener.text + " (" +
                     (ec ? ec.message() : std::string("no address")) + ")");
}

void ServerCore::accept(tcp::acceptor& acceptor) {
  acceptor.async_accept(net::make_strand(*ioc), [this, &acceptor](beast::error_code ec, tcp::socket socket) {
    if (stopping.load() || ec == net::error::operation_aborted) return;
    if (ec) {
      // E.g. out of file descriptors: do not spin, try again shortly.
      log->warn("REST server failed to accept a connection: {}", ec.message());
      return retry_accept(acceptor);
    }
    std::make_shared<Session>(*this, std::move(socket))->start();
    accept(acceptor);
  });
}

void ServerCore::retry_accept(tcp::acceptor& acceptor) {
  auto timer = std::make_shared<net::steady_timer>(*ioc, std::chrono::milliseconds(100));
  timer->async_wait([this, timer, &acceptor](beast::error_code ec) {
    if (!ec && !stopping.load()) accept(acceptor);
  });
}

void ServerCore::stop() {
  {
    std::lock_guard lock(mu);
    if (!started || stopped) return;
    stopped = true;
  }
  stopping = true;
  log->info("Stopping REST server");
  net::post(*ioc, [this] {
    for (auto& acceptor : acceptors) {
      beast::error_code ignored;
      acceptor->close(ignored);
    }
  });
  {
    std::unique_lock lock(mu);
    if (!idle_cv.wait_for(lock, config.shutdown_timeout, [this] { return in_flight == 0; })) {
      log->warn("REST server stopping with {} request(s) still in progress", in_flight);
    }
  }
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mu);
    for (auto& [raw, weak] : sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->close();
  live.clear();
  pool->join();  // herder calls in progress finish (the Herder bounds them)
  work.reset();
  ioc->stop();
  io_thread.join();
  acceptors.clear();
  ioc.reset();  // destroys the sessions still referenced by pending handlers
  pool.reset();
  log->info("REST server stopped");
}

std::string ServerCore::advertised_url() const {
  std::string scheme = config.advertised_listener ? to_lower(*config.advertised_listener) : "http";
  std::string host;
  if (config.advertised_host_name && !config.advertised_host_name->empty()) {
    host = *config.advertised_host_name;
  } else if (!listeners.front().host.empty()) {
    host = listeners.front().host;
  } else {
    // Jetty's getURI(): the address of the local host name when bound to all interfaces.
    host = net::ip::host_name();
    try {
      net::io_context ctx;
      tcp::resolver resolver(ctx);
      for (const auto& r : resolver.resolve(tcp::v4(), host, "0")) {
        host = r.endpoint().address().to_string();
        break;
      }
    } catch (const std::exception&) {
      // keep the host name
    }
  }
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  int port = listeners.front().port;
  {
    std::lock_guard lock(mu);
    if (!bound_ports.empty()) port = bound_ports.front();
  }
  if (config.advertised_port) port = *config.advertised_port;
  return scheme + "://" + host + ":" + std::to_string(port) + "/";
}

class RestServer::Impl : public ServerCore {
 public:
  using ServerCore::ServerCore;
};

RestServerConfig RestServerConfig::from_worker_properties(
    const std::map<std::string, std::string>& properties) {
  RestServerConfig config;
  auto get = [&](const std::string& key) -> std::optional<std::string> {
    auto it = properties.find(key);
    if (it == properties.end()) return std::nullopt;
    return it->second;
  };
  if (auto v = get("listeners")) config.listeners = *v;
  if (auto v = get("rest.advertised.host.name"); v && !trim(*v).empty())
    config.advertised_host_name = trim(*v);
  if (auto v = get("rest.advertised.listener"); v && !trim(*v).empty()) config.advertised_listener = trim(*v);
  if (auto v = get("rest.advertised.port"); v && !trim(*v).empty()) {
    std::string text = trim(*v);
    int port = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      throw ConfigError("Invalid value " + text +
                        " for configuration rest.advertised.port: Not a number of type INT");
    }
    config.advertised_port = port;
  }
  return config;
}

RestServer::RestServer(RestServerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

RestServer::~RestServer() {
  stop();
}

void RestServer::start() {
  impl_->start();
}

void RestServer::stop() {
  impl_->stop();
}

void RestServer::set_herder(herder::Herder* herder) {
  impl_->herder.store(herder);
}

std::vector<std::uint16_t> RestServer::ports() const {
  std::lock_guard lock(impl_->mu);
  return impl_->bound_ports;
}

std::string RestServer::advertised_url() const {
  return impl_->advertised_url();
}

}  // namespace sluice::rest
