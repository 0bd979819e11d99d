#include <gtest/gtest.h>

#include "core/common/errors.hpp"
#include "core/kafka/broker_connection.hpp"
#include "core/kafka/broker_security.hpp"
#include "core/kafka/connect_coordinator.hpp"
#include "core/kafka/group_membership.hpp"

namespace sluice::kafka {
namespace {

template <typename F>
std::string config_error(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

TEST(BootstrapServers, ParsesHostsPortsAndIpv6) {
  const auto servers = parse_bootstrap_servers(" a:9092, PLAINTEXT://b.example:19092 ,[::1]:9093");
  ASSERT_EQ(servers.size(), 3u);
  EXPECT_EQ(servers[0], (BrokerAddress{"a", 9092}));
  EXPECT_EQ(servers[1], (BrokerAddress{"b.example", 19092}));
  EXPECT_EQ(servers[2], (BrokerAddress{"::1", 9093}));
  EXPECT_EQ(config_error([] { parse_bootstrap_servers("a:b"); }), "Invalid url in bootstrap.servers: a:b");
  EXPECT_EQ(config_error([] { parse_bootstrap_servers("a"); }), "Invalid url in bootstrap.servers: a");
  EXPECT_EQ(config_error([] { parse_bootstrap_servers(" , "); }),
            "No resolvable bootstrap urls given in bootstrap.servers");
}

TEST(GroupConfig, KafkaConnectDefaults) {
  const auto c = group_membership_config({{"group.id", "connect-cluster"}}, "connect");
  ASSERT_EQ(c.bootstrap_servers.size(), 1u);
  EXPECT_EQ(c.bootstrap_servers[0], (BrokerAddress{"localhost", 9092}));
  EXPECT_EQ(c.session_timeout.count(), 10000);
  EXPECT_EQ(c.rebalance_timeout.count(), 60000);
  EXPECT_EQ(c.heartbeat_interval.count(), 3000);
  EXPECT_EQ(c.request_timeout.count(), 40000);
  EXPECT_EQ(c.retry_backoff.count(), 100);
  EXPECT_EQ(c.protocol_type, "connect");
  EXPECT_EQ(c.security.protocol, SecurityProtocol::Plaintext);
}

TEST(GroupConfig, ReadsWorkerKeys) {
  const auto c = group_membership_config({{"group.id", "g"},
                                          {"bootstrap.servers", "k1:9092,k2:9092"},
                                          {"session.timeout.ms", "6000"},
                                          {"heartbeat.interval.ms", "500"},
                                          {"rebalance.timeout.ms", "20000"},
                                          {"client.id", "worker-1"}},
                                         "connect");
  EXPECT_EQ(c.bootstrap_servers.size(), 2u);
  EXPECT_EQ(c.session_timeout.count(), 6000);
  EXPECT_EQ(c.heartbeat_interval.count(), 500);
  EXPECT_EQ(c.rebalance_timeout.count(), 20000);
  EXPECT_EQ(c.client_id, "worker-1");
}

TEST(GroupConfig, ErrorMessages) {
  EXPECT_EQ(config_error([] { group_membership_config({}, "connect"); }),
            "Missing required configuration \"group.id\" which has no default value.");
  EXPECT_EQ(config_error([] {
              group_membership_config({{"group.id", "g"}, {"session.timeout.ms", "ten"}}, "connect");
            }),
            "Invalid value ten for configuration session.timeout.ms: Not a number of type INT");
  EXPECT_EQ(config_error([] {
              group_membership_config({{"group.id", "g"}, {"session.timeout.ms", "3000"}}, "connect");
            }),
            "heartbeat.interval.ms (3000) must be lower than session.timeout.ms (3000)");
}

TEST(GroupConfig, ConnectProtocolDefaultsToSessioned) {
  EXPECT_EQ(connect_coordinator_config({{"group.id", "g"}}, "http://w:8083/").protocol,
            ConnectProtocol::Sessioned);
  EXPECT_EQ(connect_coordinator_config({{"group.id", "g"}, {"connect.protocol", "eager"}}, "u").protocol,
            ConnectProtocol::Eager);
  EXPECT_EQ(config_error([] {
              connect_coordinator_config({{"group.id", "g"}, {"connect.protocol", "x"}}, "u");
            }),
            "Unknown Connect protocol compatibility mode: x");
}

TEST(BrokerSecurity, SaslSettingsFromJaasConfig) {
  const auto s = broker_security_from_properties({{"security.protocol", "sasl_plaintext"},
                                                  {"sasl.mechanism", "SCRAM-SHA-512"},
                                                  {"sasl.jaas.config",
                                                   "org.apache.kafka.common.security.scram.ScramLoginModule "
                                                   "required username=\"alice\" password=\"s3cret\";"}});
  EXPECT_EQ(s.protocol, SecurityProtocol::SaslPlaintext);
  ASSERT_TRUE(s.sasl);
  EXPECT_EQ(s.sasl->mechanism, protocol::SaslMechanism::ScramSha512);
  EXPECT_EQ(s.sasl->username, "alice");
  EXPECT_EQ(s.sasl->password, "s3cret");
  EXPECT_FALSE(s.uses_tls());
}

TEST(BrokerSecurity, LibrdkafkaSpellingsWork) {
  const auto s = broker_security_from_properties({{"security.protocol", "SASL_SSL"},
                                                  {"sasl.mechanisms", "PLAIN"},
                                                  {"sasl.username", "u"},
                                                  {"sasl.password", "p"},
                                                  {"ssl.ca.location", "/etc/ca.pem"},
                                                  {"ssl.endpoint.identification.algorithm", "none"}});
  EXPECT_TRUE(s.uses_tls());
  EXPECT_EQ(s.sasl->mechanism, protocol::SaslMechanism::Plain);
  EXPECT_EQ(s.tls.ca_file, "/etc/ca.pem");
  EXPECT_FALSE(s.tls.verify_hostname);
}

TEST(BrokerSecurity, HostNameVerificationFollowsKafka) {
  EXPECT_TRUE(broker_security_from_properties({{"security.protocol", "SSL"}}).tls.verify_hostname);
  EXPECT_FALSE(broker_security_from_properties(
                   {{"security.protocol", "SSL"}, {"ssl.endpoint.identification.algorithm", ""}})
                   .tls.verify_hostname);
}

TEST(BrokerSecurity, ErrorMessages) {
  EXPECT_EQ(config_error([] {
              broker_security_from_properties({{"security.protocol", "TLS"}});
            }),
            "Invalid value TLS for configuration security.protocol: String must be one of: PLAINTEXT, SSL, "
            "SASL_PLAINTEXT, SASL_SSL");
  EXPECT_EQ(config_error([] {
              broker_security_from_properties({{"security.protocol", "SASL_SSL"}});
            }),
            "SASL mechanism GSSAPI is not supported by sluice's group membership client; use PLAIN, "
            "SCRAM-SHA-256 or "
            "SCRAM-SHA-512");
  EXPECT_EQ(config_error([] {
              broker_security_from_properties(
                  {{"security.protocol", "SASL_PLAINTEXT"}, {"sasl.mechanism", "PLAIN"}});
            }),
            "sasl.jaas.config must give a username and a password for SASL mechanism PLAIN");
  EXPECT_EQ(
      config_error([] {
        broker_security_from_properties(
            {{"security.protocol", "SASL_PLAINTEXT"},
             {"sasl.mechanism", "PLAIN"},
             {"sasl.jaas.config", "com.sun.security.auth.module.Krb5LoginModule required;"}});
      }),
      "sasl.jaas.config uses com.sun.security.auth.module.Krb5LoginModule, which sluice's group membership "
      "client does not support; use PlainLoginModule or ScramLoginModule");
  EXPECT_EQ(config_error([] {
              broker_security_from_properties(
                  {{"security.protocol", "SSL"}, {"ssl.truststore.location", "/nope.jks"}});
            }),
            "Cannot read ssl.truststore.location /nope.jks: the file does not exist or is not readable");
}

}  // namespace
}  // namespace sluice::kafka
