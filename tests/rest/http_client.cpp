#include "tests/rest/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace sluice::test {
namespace {

using Clock = std::chrono::steady_clock;

class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Waits for `events` on fd until the deadline; true when ready.
bool wait_fd(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

// Parses status line, headers and a Content-Length or chunked body out of `raw` (everything read until EOF).
void parse_response(const std::string& raw, HttpResponse& out) {
  const auto header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos) {
    out.error = "incomplete response: " + raw.substr(0, 200);
    return;
  }
  std::string_view head(raw.data(), header_end);
  auto line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  // "HTTP/1.1 200 OK"
  auto sp1 = status_line.find(' ');
  if (sp1 == std::string_view::npos) {
    out.error = "bad status line: " + std::string(status_line);
    return;
  }
  auto sp2 = status_line.find(' ', sp1 + 1);
  const std::string code(status_line.substr(sp1 + 1, sp2 == std::string_view::npos ? std::string_view::npos
                                                                                     : sp2 - sp1 - 1));
  if (sp2 != std::string_view::npos) out.reason = std::string(status_line.substr(sp2 + 1));
  std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    auto end = head.find("\r\n", pos);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(pos, end - pos);
    if (auto colon = line.find(':'); colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
      out.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    pos = end + 2;
  }
  std::string rest = raw.substr(header_end + 4);
  if (lower(out.header("Transfer-Encoding").value_or("")) == "chunked") {
    std::string body;
    std::size_t at = 0;
    for (;;) {
      auto eol = rest.find("\r\n", at);
      if (eol == std::string::npos) {
        out.error = "truncated chunked body";
        return;
      }
      std::size_t size = std::stoul(rest.substr(at, eol - at), nullptr, 16);
      if (size == 0) break;
      body += rest.substr(eol + 2, size);
      at = eol + 2 + size + 2;
    }
    out.body = std::move(body);
  } else if (auto length = out.header("Content-Length")) {
    const std::size_t n = std::stoul(*length);
    if (rest.size() < n) {
      out.error = "body shorter than Content-Length";
      return;
    }
    out.body = rest.substr(0, n);
  } else {
    out.body = std::move(rest);
  }
  try {
    out.status = std::stoi(code);
  } catch (const std::exception&) {
    out.error = "bad status code: " + code;
  }
}

}  // namespace

std::optional<std::string> HttpResponse::header(const std::string& name) const {
  const std::string wanted = lower(name);
  for (const auto& [key, value] : headers) {
    if (lower(key) == wanted) return value;
  }
  return std::nullopt;
}

HttpResponse http_request(std::uint16_t port, const std::string& method, const std::string& target,
                          const std::optional<std::string>& body, const HttpRequestOptions& options) {
  HttpResponse out;
  const auto deadline = Clock::now() + options.timeout;
  Socket socket;
  if (socket.fd() < 0) {
    out.error = std::string("socket: ") + std::strerror(errno);
    return out;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(socket.fd(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    out.error = std::string("connect: ") + std::strerror(errno);
    return out;
  }
  int one = 1;
  ::setsockopt(socket.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  std::string head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                     "\r\nConnection: close\r\nUser-Agent: sluice-rest-test\r\n";
  if (body) {
    if (options.content_type) head += "Content-Type: " + *options.content_type + "\r\n";
    head += "Content-Length: " + std::to_string(body->size()) + "\r\n";
  }
  for (const auto& [key, value] : options.extra_headers) head += key + ": " + value + "\r\n";
  head += "\r\n";

  // Headers, then the body in pieces; stop sending as soon as the server answers early (413 after headers).
  auto send_all = [&](std::string_view data) {
    while (!data.empty()) {
      pollfd p[1] = {{socket.fd(), POLLOUT | POLLIN, 0}};
      int n = ::poll(p, 1, remaining_ms(deadline));
      if (n <= 0) return false;
      if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) return false;  // an early answer (or a close)
      ssize_t sent = ::send(socket.fd(), data.data(), std::min<std::size_t>(data.size(), 64 * 1024), MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return false;
      }
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  };
  if (send_all(head) && body) send_all(*body);

  std::string raw;
  char buffer[64 * 1024];
  for (;;) {
    if (!wait_fd(socket.fd(), POLLIN, deadline)) {
      out.error = "timed out waiting for the response";
      break;
    }
    ssize_t n = ::recv(socket.fd(), buffer, sizeof buffer, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      // A reset after the full answer arrived still leaves a usable response.
      if (raw.empty()) out.error = std::string("recv: ") + std::strerror(errno);
      break;
    }
    raw.append(buffer, static_cast<std::size_t>(n));
    // A complete Content-Length response needs no EOF (a server may keep the socket open despite `close`).
    if (auto end = raw.find("\r\n\r\n"); end != std::string::npos) {
      HttpResponse probe;
      parse_response(raw, probe);
      if (probe.status != 0 && probe.header("Content-Length")) {
        return probe;
      }
    }
  }
  if (raw.empty()) {
    if (out.error.empty()) out.error = "connection closed without a response";
    return out;
  }
  parse_response(raw, out);
  return out;
}

}  // namespace sluice::test
