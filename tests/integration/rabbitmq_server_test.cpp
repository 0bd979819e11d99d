// The harness's RabbitMQ launcher (tests/support/rabbitmq_server): a private broker that boots, serves AMQP
// and AMQPS, keeps durable data over a restart, freezes and thaws, and leaves no process (broker or epmd)
// behind.

#include "tests/support/rabbitmq_server.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/support/harness.hpp"

namespace sluice::test {
namespace {

using namespace std::chrono_literals;

bool port_accepts(std::uint16_t port) {
  const CommandResult r =
      run_command({"bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port)}, "", 10s);
  return r.status.success();
}

// The PIDs of epmd daemons listening on `port` (by their environment).
std::vector<pid_t> epmd_pids(std::uint16_t port) {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string comm = read_file(entry.path() / "comm");
    if (comm != "epmd\n") continue;
    const std::string stat = read_file(entry.path() / "stat");
    const auto paren = stat.rfind(')');
    if (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z') continue;
    std::string env = read_file(entry.path() / "environ");
    for (auto& c : env)
      if (c == '\0') c = '\n';
    if (("\n" + env).find("\nERL_EPMD_PORT=" + std::to_string(port) + "\n") != std::string::npos)
      out.push_back(std::stoi(pid));
  }
  return out;
}

TEST(RabbitMqServerTest, BootsServesRestartsFreezesAndCleansUp) {
  std::uint16_t port = 0, tls_port = 0, epmd_port = 0;
  std::string node;
  {
    RabbitMqServer server({.tls = true});
    port = server.port();
    tls_port = server.tls_port();
    node = server.node_name();
    epmd_port = server.epmd_port();
    EXPECT_EQ(epmd_pids(epmd_port).size(), 1u);  // the broker's own epmd, on its private port
    EXPECT_EQ(node, "rmq" + std::to_string(port) + "@localhost");
    EXPECT_EQ(server.url(), "amqp://guest:guest@127.0.0.1:" + std::to_string(port));
    EXPECT_TRUE(port_accepts(tls_port));
    EXPECT_TRUE(std::filesystem::exists(server.ca_file()));
    EXPECT_TRUE(std::filesystem::exists(server.client_cert_file()));
    EXPECT_TRUE(std::filesystem::exists(server.client_key_file()));

    {
      AmqpTestClient client(port);
      client.declare_queue("durable");
      client.publish_many(
          "durable", 100, [](std::size_t i) { return "m" + std::to_string(i); },
          [](std::size_t) {
            AmqpProperties p;
            p.delivery_mode = 2;
            return p;
          });
      EXPECT_EQ(client.message_count("durable"), 100u);
      EXPECT_EQ(client.message_count("absent"), std::nullopt);
      client.declare_queue("transient", /*durable=*/false);
      client.publish("transient", "gone after a restart");
      EXPECT_EQ(client.message_count("transient"), 1u);
    }

    server.stop();
    EXPECT_FALSE(server.running());
    EXPECT_FALSE(port_accepts(port));
    server.start();
    {
      AmqpTestClient client(port);
      EXPECT_EQ(client.message_count("durable"), 100u);  // persistent messages in a durable queue survive
      EXPECT_EQ(client.message_count("transient"), std::nullopt);
    }

    server.pause();
    // A frozen broker still has its listening socket (the kernel completes TCP handshakes) but never answers.
    EXPECT_THROW(AmqpTestClient{port}, std::runtime_error);
    server.resume();
    AmqpTestClient after(port);
    EXPECT_EQ(after.message_count("durable"), 100u);
  }
  // Destroyed: the broker and its private epmd are gone.
  EXPECT_FALSE(port_accepts(port));
  EXPECT_FALSE(port_accepts(tls_port));
  EXPECT_FALSE(port_accepts(epmd_port));
  EXPECT_TRUE(epmd_pids(epmd_port).empty());
}

}  // namespace
}  // namespace sluice::test
