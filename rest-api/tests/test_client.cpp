#include "rest-api/tests/test_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cctype>

namespace sluice::rest::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

void set_receive_timeout(tcp::socket& socket, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

}  // namespace

struct HttpClient::State {
  net::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
  std::uint16_t port = 0;
};

HttpClient::HttpClient(std::uint16_t port) : state_(std::make_unique<State>()) {
  state_->port = port;
  state_->socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  set_receive_timeout(state_->socket, 10);
}

HttpClient::~HttpClient() {
  beast::error_code ec;
  state_->socket.shutdown(tcp::socket::shutdown_both, ec);
}

Response HttpClient::request(const std::string& method, const std::string& target,
                             const std::optional<std::string>& body,
                             const std::vector<std::pair<std::string, std::string>>& headers) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(state_->port));
  req.set(http::field::user_agent, "rest-test/1.0");
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    req.set(name, value);
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (lower == "content-type") has_content_type = true;
  }
  if (body) {
    if (!has_content_type) req.set(http::field::content_type, "application/json");
    req.body() = *body;
    req.prepare_payload();
  }
  http::write(state_->socket, req);
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == "HEAD") parser.skip(true);
  http::read(state_->socket, state_->buffer, parser);
  auto res = parser.release();
  Response out;
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (const auto& field : res) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    out.headers[name] = std::string(field.value());
  }
  return out;
}

bool HttpClient::closed_by_server() {
  char byte = 0;
  beast::error_code ec;
  state_->socket.read_some(net::buffer(&byte, 1), ec);
  return ec == net::error::eof || ec == net::error::connection_reset;
}

Response http(std::uint16_t port, const std::string& method, const std::string& target,
              const std::optional<std::string>& body,
              const std::vector<std::pair<std::string, std::string>>& headers) {
  HttpClient client(port);
  return client.request(method, target, body, headers);
}

std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  set_receive_timeout(socket, 10);
  beast::error_code ec;
  net::write(socket, net::buffer(bytes), ec);
  std::string out;
  char buf[4096];
  while (true) {
    std::size_t n = socket.read_some(net::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

}  // namespace sluice::rest::testing
