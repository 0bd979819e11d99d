#include "tests/support/wait.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

namespace sluice::test {

bool poll_until(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
  using namespace std::chrono_literals;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto interval = 1ms;
  while (true) {
    if (predicate()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(interval, deadline - now));
    interval = std::min(interval * 2, std::chrono::milliseconds(50));
  }
}

::testing::AssertionResult wait_until(const std::function<bool()>& predicate,
                                      std::chrono::milliseconds timeout, std::string_view description) {
  if (poll_until(predicate, timeout)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "Timed out after " << timeout.count() << " ms waiting for " << description;
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("free_port: socket() failed: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int error = errno;
    ::close(fd);
    throw std::runtime_error(std::string("free_port: bind/getsockname on 127.0.0.1 failed: ") +
                             std::strerror(error));
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace sluice::test
