// The group membership client against FakeBroker: what librdkafka's mock cluster cannot show (TLS, SASL,
// flexible versions of every group API, MEMBER_ID_REQUIRED, ApiVersions fallback). FakeBroker's SCRAM side
// is its own code (tests/fake_broker.cpp), so a mistake in the client's SCRAM would not cancel out.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <utility>  // before Asio (Boost 1.74 needs std::exchange)

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <thread>

#include "core/kafka/broker_connection.hpp"
#include "core/kafka/group_membership.hpp"
#include "core/kafka/tests/fake_broker.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/wait.hpp"

namespace sluice::kafka {
namespace {

using namespace std::chrono_literals;
using protocol::ApiKey;
using sluice::test::wait_until;

class Listener final : public GroupListener {
 public:
  std::vector<protocol::JoinGroupProtocol> metadata() override { return {{"sessioned", {0x00, 0x02}}}; }
  void on_join_prepare(std::int32_t, const std::string&) override {}
  GroupAssignments on_leader_elected(const std::string& leader, const std::string&,
                                     const std::vector<GroupMember>& members, bool) override {
    std::lock_guard lock(mu);
    elected_members = members.size();
    return {{leader, protocol::Bytes{0x0A, 0x0B}}};
  }
  void on_join_complete(std::int32_t generation, const std::string& member, const std::string& protocol,
                        const protocol::Bytes& assignment) override {
    std::lock_guard lock(mu);
    joined.push_back({generation, member, protocol, assignment});
  }
  void on_fatal_error(const std::string& message) override {
    std::lock_guard lock(mu);
    fatal = message;
  }
  struct Joined {
    std::int32_t generation;
    std::string member;
    std::string protocol;
    protocol::Bytes assignment;
  };
  std::size_t joins() {
    std::lock_guard lock(mu);
    return joined.size();
  }
  std::optional<std::string> fatal_error() {
    std::lock_guard lock(mu);
    return fatal;
  }
  std::mutex mu;
  std::vector<Joined> joined;
  std::size_t elected_members = 0;
  std::optional<std::string> fatal;
};

GroupMembershipConfig config_for(const std::string& bootstrap, Properties extra = {}) {
  extra["bootstrap.servers"] = bootstrap;
  extra["group.id"] = "g";
  extra["session.timeout.ms"] = "6000";
  extra["heartbeat.interval.ms"] = "100";
  return group_membership_config(extra, "connect");
}

std::size_t count(const std::vector<std::string>& v, const std::string& x) {
  return static_cast<std::size_t>(std::count(v.begin(), v.end(), x));
}

TEST(GroupMembershipFakeBroker, UsesTheNewestFlexibleVersionsAndTheMemberIdTheCoordinatorAssigns) {
  test::FakeBroker broker({});
  Listener listener;
  GroupMembership member(config_for(broker.bootstrap()), listener);
  member.start();
  ASSERT_TRUE(wait_until([&] { return listener.joins() == 1; }, 10s, "the member to join"));
  ASSERT_TRUE(wait_until([&] { return member.status().heartbeats >= 2; }, 10s, "heartbeats"));
  member.stop();

  {
    std::lock_guard lock(listener.mu);
    EXPECT_EQ(listener.joined[0].member, "fake-member-1");
    EXPECT_EQ(listener.joined[0].protocol, "sessioned");
    EXPECT_EQ(listener.joined[0].assignment, (protocol::Bytes{0x0A, 0x0B}));
    EXPECT_EQ(listener.elected_members, 1u);
  }
  const GroupStatus s = member.status();
  EXPECT_EQ(s.api_versions.at("ApiVersions"), 3);
  EXPECT_EQ(s.api_versions.at("FindCoordinator"), 4);
  EXPECT_EQ(s.api_versions.at("JoinGroup"), 9);
  EXPECT_EQ(s.api_versions.at("SyncGroup"), 5);
  EXPECT_EQ(s.api_versions.at("Heartbeat"), 4);
  EXPECT_EQ(s.api_versions.at("LeaveGroup"), 5);
  const auto requests = broker.requests();
  // KIP-394: the first JoinGroup gets MEMBER_ID_REQUIRED, the second carries the assigned id.
  EXPECT_EQ(count(requests, "JoinGroup v9"), 2u);
  EXPECT_EQ(count(requests, "SyncGroup v5"), 1u);
  EXPECT_EQ(count(requests, "LeaveGroup v5"), 1u);
  EXPECT_GE(count(requests, "Heartbeat v4"), 2u);
}

TEST(GroupMembershipFakeBroker, OlderBrokersGetOlderVersions) {
  test::FakeBroker broker({.max_api_versions_version = 2,
                           .versions = {{ApiKey::JoinGroup, {0, 4}},
                                        {ApiKey::SyncGroup, {0, 2}},
                                        {ApiKey::Heartbeat, {0, 2}},
                                        {ApiKey::LeaveGroup, {0, 2}},
                                        {ApiKey::FindCoordinator, {0, 1}}}});
  Listener listener;
  GroupMembership member(config_for(broker.bootstrap()), listener);
  member.start();
  ASSERT_TRUE(wait_until([&] { return listener.joins() == 1; }, 10s, "the member to join"));
  member.stop();
  const GroupStatus s = member.status();
  EXPECT_EQ(s.api_versions.at("ApiVersions"), 2);
  EXPECT_EQ(s.api_versions.at("JoinGroup"), 4);
  EXPECT_EQ(s.api_versions.at("SyncGroup"), 2);
  EXPECT_EQ(s.api_versions.at("LeaveGroup"), 2);
  EXPECT_EQ(s.api_versions.at("FindCoordinator"), 1);
  const auto requests = broker.requests();
  // The broker answered ApiVersions v3 with UNSUPPORTED_VERSION and its range; the client asked again with
  // v2.
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests[0], "ApiVersions v3");
  EXPECT_EQ(requests[1], "ApiVersions v2");
}

TEST(GroupMembershipFakeBroker, NoCommonVersionStopsTheMember) {
  test::FakeBroker broker({.versions = {{ApiKey::JoinGroup, {10, 12}}}});
  Listener listener;
  GroupMembership member(config_for(broker.bootstrap()), listener);
  member.start();
  ASSERT_TRUE(wait_until([&] { return listener.fatal_error().has_value(); }, 10s, "the fatal error"));
  EXPECT_EQ(*listener.fatal_error(), "The Kafka broker " + broker.bootstrap() +
                                         " supports JoinGroup versions 10-12 but sluice needs 0-9");
  member.stop();
}

TEST(GroupMembershipFakeBroker, SaslScramOverTls) {
  const auto cert = test::make_self_signed_certificate("localhost", "DNS:localhost,IP:127.0.0.1");
  test::FakeBroker broker(
      {.tls = cert, .sasl = SaslSettings{protocol::SaslMechanism::ScramSha512, "alice", "s3cret"}});
  sluice::test::TempDir dir;
  const auto ca = dir.write("ca.pem", cert.cert_pem);
  Listener listener;
  GroupMembership member(
      config_for(broker.bootstrap(),
                 {{"security.protocol", "SASL_SSL"},
                  {"sasl.mechanism", "SCRAM-SHA-512"},
                  {"sasl.jaas.config",
                   "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" "
                   "password=\"s3cret\";"},
                  {"ssl.truststore.type", "PEM"},
                  {"ssl.truststore.location", ca.string()}}),
      listener);
  member.start();
  ASSERT_TRUE(
      wait_until([&] { return listener.joins() == 1; }, 10s, "the member to join over TLS with SCRAM"));
  member.stop();
  EXPECT_EQ(broker.authenticated_user(), std::optional<std::string>("alice"));
  const auto requests = broker.requests();
  EXPECT_EQ(count(requests, "SaslHandshake v1"),
            1u);  // one connection: the bootstrap broker is the coordinator
  EXPECT_EQ(count(requests, "SaslAuthenticate v2"), 2u);
}

TEST(GroupMembershipFakeBroker, SaslPlainWithInlinePemTrust) {
  const auto cert = test::make_self_signed_certificate("localhost", "DNS:localhost,IP:127.0.0.1");
  test::FakeBroker broker({.tls = cert, .sasl = SaslSettings{protocol::SaslMechanism::Plain, "bob", "pw"}});
  Listener listener;
  GroupMembership member(
      config_for(broker.bootstrap(), {{"security.protocol", "SASL_SSL"},
                                      {"sasl.mechanism", "PLAIN"},
                                      {"sasl.jaas.config",
                                       "org.apache.kafka.common.security.plain.PlainLoginModule "
                                       "required username=\"bob\" password=\"pw\";"},
                                      {"ssl.truststore.certificates", cert.cert_pem}}),
      listener);
  member.start();
  ASSERT_TRUE(wait_until([&] { return listener.joins() == 1; }, 10s, "the member to join with PLAIN"));
  member.stop();
  EXPECT_EQ(broker.authenticated_user(), std::optional<std::string>("bob"));
}

TEST(GroupMembershipFakeBroker, WrongScramPasswordStopsTheMemberWithTheBrokersMessage) {
  test::FakeBroker broker({.sasl = SaslSettings{protocol::SaslMechanism::ScramSha256, "alice", "right"}});
  Listener listener;
  GroupMembership member(config_for(broker.bootstrap(), {{"security.protocol", "SASL_PLAINTEXT"},
                                                         {"sasl.mechanism", "SCRAM-SHA-256"},
                                                         {"sasl.username", "alice"},
                                                         {"sasl.password", "wrong"}}),
                         listener);
  member.start();
  ASSERT_TRUE(
      wait_until([&] { return listener.fatal_error().has_value(); }, 10s, "the authentication failure"));
  EXPECT_EQ(*listener.fatal_error(),
            "SASL authentication with Kafka broker " + broker.bootstrap() +
                " failed: Authentication failed during authentication due to invalid "
                "credentials with SASL mechanism SCRAM-SHA-256");
  EXPECT_FALSE(broker.authenticated_user());
  member.stop();
}

TEST(GroupMembershipFakeBroker, MechanismTheBrokerDoesNotOfferIsNamed) {
  test::FakeBroker broker({.sasl = SaslSettings{protocol::SaslMechanism::Plain, "u", "p"}});
  Listener listener;
  GroupMembership member(config_for(broker.bootstrap(), {{"security.protocol", "SASL_PLAINTEXT"},
                                                         {"sasl.mechanism", "SCRAM-SHA-256"},
                                                         {"sasl.username", "u"},
                                                         {"sasl.password", "p"}}),
                         listener);
  member.start();
  ASSERT_TRUE(wait_until([&] { return listener.fatal_error().has_value(); }, 10s, "the mechanism error"));
  EXPECT_EQ(*listener.fatal_error(), "Kafka broker " + broker.bootstrap() +
                                         " does not support SASL mechanism SCRAM-SHA-256; it offers: PLAIN");
  member.stop();
}

// BrokerConnection directly: TLS verification outcomes.
class Io {
 public:
  Io() : work_(boost::asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~Io() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  boost::asio::io_context& get() { return io_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

std::string open_error(const test::FakeBroker& broker, const TlsSettings& tls) {
  Io io;
  TlsContext context(tls);
  BrokerConnection conn(
      io.get(),
      ConnectionSettings{.client_id = "t", .tls = &context, .verify_hostname = tls.verify_hostname});
  try {
    conn.open(BrokerAddress{"127.0.0.1", broker.port()}, 5s);
  } catch (const BrokerConnectionError& e) {
    return e.what();
  }
  return "";
}

TEST(BrokerConnectionTls, UntrustedCertificatesAreRejected) {
  const auto cert = test::make_self_signed_certificate("localhost", "DNS:localhost,IP:127.0.0.1");
  const auto other = test::make_self_signed_certificate("someone-else", "DNS:localhost,IP:127.0.0.1");
  test::FakeBroker broker({.tls = cert});
  TlsSettings trusting_other;
  trusting_other.ca_pem = other.cert_pem;
  const std::string error = open_error(broker, trusting_other);
  EXPECT_EQ(
      error.rfind(
          "TLS handshake with Kafka broker " + broker.bootstrap() + " failed: certificate verify failed", 0),
      0u)
      << error;
  TlsSettings trusting_broker;
  trusting_broker.ca_pem = cert.cert_pem;
  EXPECT_EQ(open_error(broker, trusting_broker), "");
}

TEST(BrokerConnectionTls, HostNameVerificationFollowsEndpointIdentification) {
  const auto cert = test::make_self_signed_certificate("broker.example", "DNS:broker.example");
  test::FakeBroker broker({.tls = cert});
  TlsSettings tls;
  tls.ca_pem = cert.cert_pem;
  const std::string error = open_error(broker, tls);
  EXPECT_EQ(
      error.rfind(
          "TLS handshake with Kafka broker " + broker.bootstrap() + " failed: certificate verify failed", 0),
      0u)
      << error;
  tls.verify_hostname = false;  // ssl.endpoint.identification.algorithm=
  EXPECT_EQ(open_error(broker, tls), "");
}

TEST(BrokerConnectionTls, UnreadableTrustStoresAreConfigErrors) {
  TlsSettings tls;
  tls.ca_pem = "not a certificate";
  try {
    TlsContext context(tls);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "Cannot load ssl.truststore.certificates: no PEM certificate found");
  }
}

TEST(BrokerConnection, OpenTimesOutWhenTheBrokerNeverAnswers) {
  // A listening socket that never accepts still completes TCP; a broker that never answers ApiVersions
  // is what a timeout looks like here.
  boost::asio::io_context server_io;
  boost::asio::ip::tcp::acceptor acceptor(server_io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  Io io;
  BrokerConnection conn(io.get(), ConnectionSettings{.client_id = "t"});
  const int port = acceptor.local_endpoint().port();
  try {
    conn.open(BrokerAddress{"127.0.0.1", port}, 300ms);
    FAIL() << "expected BrokerConnectionError";
  } catch (const BrokerConnectionError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("Timed out after", 0), 0u) << e.what();
  }
  EXPECT_FALSE(conn.is_open());
}

}  // namespace
}  // namespace sluice::kafka
