// The HTTP server itself: startup window, keep-alive, limits, malformed requests, access log, timeouts,
// shutdown, listeners and the advertised URL.
#include "core/common/errors.hpp"
#include "rest-api/tests/server_fixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <future>

namespace sluice::rest::testing {
namespace {

using ServerTest = RestFixture;

TEST(RestServerStartupTest, EveryPathIs404UntilTheHerderIsSet) {
  log_capture()->clear();
  RestServer server(local_config());
  server.start();
  auto port = server.ports().at(0);
  for (const char* path : {"/", "/connectors", "/connector-plugins", "/nope"}) {
    auto r = http(port, "GET", path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body, R"({"error_code":404,"message":"HTTP 404 Not Found"})") << path;
  }
  EXPECT_EQ(http(port, "POST", "/connectors", std::string("{}")).status, 404);
  FakeHerder herder;
  server.set_herder(&herder);
  auto r = http(port, "GET", "/connectors");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[]");
  server.set_herder(nullptr);
  EXPECT_EQ(http(port, "GET", "/connectors").status, 404);
  server.stop();
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  add_connector("a");
  HttpClient client(port_);
  auto r1 = client.request("GET", "/connectors");
  auto r2 = client.request("PUT", "/connectors/a/pause");
  auto r3 = client.request("POST", "/connectors", std::string(R"({"name":"b","config":{}})"));
  auto r4 = client.request("GET", "/nope");
  auto r5 = client.request("DELETE", "/connectors/b");
  auto r6 = client.request("GET", "/connectors");
  EXPECT_EQ(r1.body, R"(["a"])");
  EXPECT_EQ(r2.status, 202);
  EXPECT_EQ(r3.status, 201);
  EXPECT_EQ(r4.status, 404);
  EXPECT_EQ(r5.status, 204);
  EXPECT_EQ(r6.body, R"(["a"])");
  EXPECT_NE(r6.header("connection"), "close");
}

TEST_F(ServerTest, HttpOneZeroWithoutKeepAliveClosesTheConnection) {
  std::string response = raw_exchange(port_, "GET /connectors HTTP/1.0\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("\r\n\r\n[]"), std::string::npos) << response;
}

TEST_F(ServerTest, AccessLogLineLikeJettys) {
  HttpClient client(port_);
  client.request("GET", "/connectors");
  auto line = wait_for_log({"\"GET /connectors HTTP/1.1\""});
  ASSERT_TRUE(line);
  // info 127.0.0.1 - - [dd/Mon/yyyy:HH:MM:SS +0000] "GET /connectors HTTP/1.1" 200 2 "-" "rest-test/1.0" <ms>
  // (checked by hand: std::regex trips a GCC 12 false -Wmaybe-uninitialized under sanitizers)
  const std::string prefix = "info 127.0.0.1 - - [";
  const std::string middle = " +0000] \"GET /connectors HTTP/1.1\" 200 2 \"-\" \"rest-test/1.0\" ";
  ASSERT_EQ(line->rfind(prefix, 0), 0u) << *line;
  std::string date = line->substr(prefix.size(), 20);  // 24/Oct/2024:10:00:00
  auto digits = [&](std::size_t from, std::size_t n) {
    return std::all_of(date.begin() + from, date.begin() + from + n,
                       [](unsigned char c) { return std::isdigit(c); });
  };
  EXPECT_TRUE(digits(0, 2) && date[2] == '/' && std::isupper(date[3]) && date[6] == '/' && digits(7, 4) &&
              date[11] == ':' && digits(12, 2) && date[14] == ':' && digits(15, 2) && date[17] == ':' &&
              digits(18, 2))
      << *line;
  ASSERT_EQ(line->compare(prefix.size() + 20, middle.size(), middle), 0) << *line;
  std::string latency = line->substr(prefix.size() + 20 + middle.size());
  EXPECT_FALSE(latency.empty());
  EXPECT_TRUE(std::all_of(latency.begin(), latency.end(), [](unsigned char c) { return std::isdigit(c); }))
      << *line;
}

class SmallBodyTest : public RestFixture {
 protected:
  RestServerConfig config() override {
    auto c = local_config();
    c.max_request_body_bytes = 1024;
    return c;
  }
};

TEST_F(SmallBodyTest, OversizedBodyIs413AndTheConnectionIsClosed) {
  std::string big = R"({"name":"a","config":{"x":")" + std::string(4096, 'x') + R"("}})";
  HttpClient client(port_);
  auto r = client.request("POST", "/connectors", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body,
            R"({"error_code":413,"message":"Request body is larger than the maximum of 1024 bytes"})");
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_FALSE(herder_.last_call("put_connector_config"));
  // The server is unharmed.
  EXPECT_EQ(get("/connectors").status, 200);
  EXPECT_EQ(send("POST", "/connectors", std::string(R"({"name":"a","config":{}})")).status, 201);
  ASSERT_TRUE(wait_for_log({"\"POST /connectors HTTP/1.1\" 413"}));
}

TEST_F(SmallBodyTest, OversizedChunkedBodyIs413) {
  std::string chunk(2000, 'y');
  std::ostringstream request;
  request << "POST /connectors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: "
             "chunked\r\n\r\n"
          << std::hex << chunk.size() << "\r\n"
          << chunk << "\r\n0\r\n\r\n";
  std::string response = raw_exchange(port_, request.str());
  EXPECT_EQ(response.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0), 0u) << response;
  EXPECT_NE(response.find(
                R"({"error_code":413,"message":"Request body is larger than the maximum of 1024 bytes"})"),
            std::string::npos);
}

TEST_F(ServerTest, Expect100ContinueGetsAnInterimResponse) {
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), port_});
  std::string body = R"({"name":"c","config":{}})";
  std::string head =
      "POST /connectors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n";
  net::write(socket, net::buffer(head));
  net::streambuf buf;
  net::read_until(socket, buf, "\r\n\r\n");
  std::string interim(net::buffers_begin(buf.data()), net::buffers_end(buf.data()));
  EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << interim;
  buf.consume(buf.size());
  net::write(socket, net::buffer(body));
  net::read_until(socket, buf, "\r\n\r\n");
  std::string final_head(net::buffers_begin(buf.data()), net::buffers_end(buf.data()));
  EXPECT_EQ(final_head.rfind("HTTP/1.1 201 Created\r\n", 0), 0u) << final_head;
}

TEST_F(ServerTest, MalformedHttpIs400WithKafkaErrorJson) {
  std::string response = raw_exchange(port_, "THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << response;
  EXPECT_NE(response.find(R"({"error_code":400,"message":"Malformed HTTP request: )"), std::string::npos)
      << response;
  EXPECT_EQ(get("/connectors").status, 200);
}

TEST_F(ServerTest, OversizedHeaderIs431) {
  std::string response = raw_exchange(
      port_, "GET /connectors HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'h') + "\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 431 ", 0), 0u) << response.substr(0, 200);
  EXPECT_NE(response.find(R"({"error_code":431,"message":"HTTP 431 Request Header Fields Too Large"})"),
            std::string::npos);
}

class TimeoutTest : public RestFixture {
 protected:
  RestServerConfig config() override {
    auto c = local_config();
    c.request_timeout = std::chrono::milliseconds(300);
    return c;
  }
};

TEST_F(TimeoutTest, SlowHerderCallIsAnsweredWith500RequestTimedOut) {
  herder_.block();
  HttpClient client(port_);
  auto r = client.request("GET", "/connectors");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"error_code":500,"message":"Request timed out"})");
  herder_.release();
  // The late answer is dropped; the connection keeps working.
  auto next = client.request("GET", "/");
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, R"({"version":"3.9.0","commit":"c0ffee","kafka_cluster_id":"cluster-1"})");
}

TEST(RestServerShutdownTest, StopLetsTheRequestInProgressFinish) {
  log_capture()->clear();
  FakeHerder herder;
  auto config = local_config();
  RestServer server(config);
  server.start();
  server.set_herder(&herder);
  auto port = server.ports().at(0);
  herder.block();
  auto pending = std::async(std::launch::async, [port] { return http(port, "GET", "/connectors"); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!herder.last_call("connectors") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(herder.last_call("connectors"));
  auto stopping = std::async(std::launch::async, [&server] { server.stop(); });
  ASSERT_TRUE(wait_for_log({"Stopping REST server"}));
  herder.release();
  auto r = pending.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_EQ(stopping.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  // New connections are refused once stopped.
  EXPECT_THROW(http(port, "GET", "/connectors"), std::exception);
}

TEST(RestServerShutdownTest, StopClosesIdleKeepAliveConnectionsAndIsIdempotent) {
  log_capture()->clear();
  FakeHerder herder;
  RestServer server(local_config());
  server.start();
  server.set_herder(&herder);
  HttpClient client(server.ports().at(0));
  EXPECT_EQ(client.request("GET", "/connectors").status, 200);
  auto started = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_TRUE(client.closed_by_server());
  server.stop();
}

TEST(RestServerConfigTest, BindsSeveralListenersAndReportsTheirPorts) {
  log_capture()->clear();
  FakeHerder herder;
  auto config = local_config();
  config.listeners = "http://127.0.0.1:0, http://localhost:0";
  RestServer server(config);
  server.start();
  server.set_herder(&herder);
  auto ports = server.ports();
  ASSERT_EQ(ports.size(), 2u);
  for (auto port : ports) EXPECT_EQ(http(port, "GET", "/connectors").status, 200);
  EXPECT_EQ(server.advertised_url(), "http://127.0.0.1:" + std::to_string(ports[0]) + "/");
}

TEST(RestServerConfigTest, AllInterfacesListenerAnswersOnLoopback) {
  log_capture()->clear();
  FakeHerder herder;
  auto config = local_config();
  config.listeners = "http://:0";
  RestServer server(config);
  server.start();
  server.set_herder(&herder);
  EXPECT_EQ(http(server.ports().at(0), "GET", "/connectors").status, 200);
  // Jetty advertises the local host's address when no host is given; never an empty host.
  EXPECT_EQ(server.advertised_url().find("http://:"), std::string::npos) << server.advertised_url();
}

TEST(RestServerConfigTest, AdvertisedUrlUsesTheAdvertisedKeys) {
  auto config = RestServerConfig::from_worker_properties({{"listeners", "http://127.0.0.1:0"},
                                                          {"rest.advertised.host.name", "worker1"},
                                                          {"rest.advertised.port", "9999"},
                                                          {"rest.advertised.listener", "HTTP"}});
  RestServer server(config);
  EXPECT_EQ(server.advertised_url(), "http://worker1:9999/");
  auto defaults = RestServerConfig::from_worker_properties({});
  EXPECT_EQ(defaults.listeners, "http://:8083");
  EXPECT_EQ(defaults.max_request_body_bytes, 1024u * 1024u);
  EXPECT_EQ(defaults.threads, 4);
  EXPECT_EQ(defaults.request_timeout, std::chrono::milliseconds(90000));
  try {
    RestServerConfig::from_worker_properties({{"rest.advertised.port", "eighty"}});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "Invalid value eighty for configuration rest.advertised.port: Not a number of type INT");
  }
}

TEST(RestServerConfigTest, TlsListenerIsAClearConfigError) {
  RestServerConfig config;
  config.listeners = "https://:8443";
  try {
    RestServer server(config);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "Invalid value https://:8443 for configuration listeners: TLS (https) listeners are not "
                 "supported yet; configure an http:// listener instead.");
  }
}

TEST(RestServerConfigTest, PortInUseFailsStartNamingTheListener) {
  log_capture()->clear();
  RestServer first(local_config());
  first.start();
  auto port = first.ports().at(0);
  auto config = local_config();
  config.listeners = "http://127.0.0.1:" + std::to_string(port);
  RestServer second(config);
  try {
    second.start();
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_EQ(std::string(e.what()), "Unable to start REST server: cannot listen on http://127.0.0.1:" +
                                         std::to_string(port) + " (Address already in use)");
  }
  second.stop();  // harmless after a failed start
}

}  // namespace
}  // namespace sluice::rest::testing
