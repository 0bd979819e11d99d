#include "rest-api/forwarder.hpp"

#include "core/herder/herder.hpp"
#include "rest-api/url.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <optional>

namespace sluice::rest {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

[[noreturn]] void io_error(const std::string& what) {
  throw herder::RestError(500, "IO Error trying to forward REST request: " + what);
}

struct ParsedUrl {
  std::string host;
  std::string port;
  std::string target;
};

ParsedUrl parse_url(const std::string& url) {
  const std::string prefix = "http://";
  if (to_lower(url.substr(0, prefix.size())) != prefix) {
    io_error("unsupported URL " + url + " (only http:// leader URLs are supported)");
  }
  std::string rest = url.substr(prefix.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  ParsedUrl parsed;
  parsed.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (!authority.empty() && authority.front() == '[') {  // [ipv6]:port
    auto close = authority.find(']');
    parsed.host = authority.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    if (close != std::string::npos && close + 1 < authority.size() && authority[close + 1] == ':') {
      parsed.port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
    parsed.host = authority.substr(0, colon);
    parsed.port = authority.substr(colon + 1);
  } else {
    parsed.host = authority;
  }
  if (parsed.port.empty()) parsed.port = "80";
  if (parsed.host.empty()) io_error("no host in URL " + url);
  return parsed;
}

// Drives connect / write / read asynchronously so the whole exchange is bounded by one deadline
// (timeouts of beast::tcp_stream only apply to asynchronous operations).
class Exchange {
 public:
  Exchange(net::io_context& ioc, std::chrono::milliseconds timeout)
      : resolver_(ioc), stream_(ioc), timeout_(timeout) {}

  ForwardResponse run(net::io_context& ioc, const ParsedUrl& url, http::request<http::string_body>& request) {
    request_ = &request;
    stream_.expires_after(timeout_);
    resolver_.async_resolve(
        url.host, url.port, [this](beast::error_code ec, tcp::resolver::results_type results) {
          if (fail(ec)) return;
          stream_.async_connect(results, [this](beast::error_code ec2, const tcp::endpoint&) {
            refused_ = ec2 == net::error::connection_refused;
            if (fail(ec2)) return;
            http::async_write(stream_, *request_, [this](beast::error_code ec3, std::size_t) {
              if (fail(ec3)) return;
              parser_.body_limit(64 * 1024 * 1024);
              http::async_read(stream_, buffer_, parser_, [this](beast::error_code ec4, std::size_t) {
                if (fail(ec4)) return;
                beast::error_code ignored;
                stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
              });
            });
          });
        });
    ioc.run();
    if (error_ && refused_) throw TargetUnreachableError("IO Error trying to forward REST request: " + *error_);
    if (error_) io_error(*error_);
    auto response = parser_.release();
    return ForwardResponse{static_cast<int>(response.result_int()), std::move(response.body())};
  }

 private:
  bool fail(const beast::error_code& ec) {
    if (!ec) return false;
    error_ = ec == beast::error::timeout
                 ? std::string("timed out after ") + std::to_string(timeout_.count()) + " ms"
                 : ec.message();
    return true;
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  std::chrono::milliseconds timeout_;
  http::request<http::string_body>* request_ = nullptr;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
  std::optional<std::string> error_;
  bool refused_ = false;
};

}  // namespace

ForwardResponse HttpForwarder::forward(const ForwardRequest& request) {
  ParsedUrl url = parse_url(request.url);
  http::request<http::string_body> req;
  req.method_string(request.method);
  req.target(url.target);
  req.version(11);
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  req.set(http::field::host, host + ":" + url.port);
  req.set(http::field::accept, "application/json");
  req.set(http::field::user_agent, "kafka-connect");
  req.set(http::field::connection, "close");
  if (!request.authorization.empty()) req.set(http::field::authorization, request.authorization);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  if (!request.body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = request.body;
  }
  req.prepare_payload();
  net::io_context ioc;
  Exchange exchange(ioc, timeout_);
  return exchange.run(ioc, url, req);
}

}  // namespace sluice::rest
