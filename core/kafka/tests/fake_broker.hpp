#pragma once
// FakeBroker: a one-node Kafka group coordinator for tests of what librdkafka's mock cluster cannot do: TLS,
// SASL PLAIN/SCRAM (server side computed independently of the client with OpenSSL), the newest flexible
// versions of every group API (JoinGroup 9, SyncGroup 5, ...), MEMBER_ID_REQUIRED, and a broker that only
// knows older ApiVersions versions. It runs a single-member group: JoinGroup elects the caller, SyncGroup
// hands back the leader's assignment. Requests it receives are logged as "<Api> v<version>".
//
// Threads: its own io thread; accessors are thread-safe. Bound to 127.0.0.1 on a port the OS picks.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/kafka/broker_security.hpp"
#include "core/kafka/protocol/messages.hpp"

namespace sluice::kafka::test {

struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
};

// A self-signed certificate (EC P-256) for `common_name` with the given subjectAltName entries, e.g.
// "DNS:localhost,IP:127.0.0.1" (empty: none).
TestCertificate make_self_signed_certificate(const std::string& common_name,
                                             const std::string& subject_alt_names);

class FakeBroker {
 public:
  struct Options {
    std::optional<TestCertificate> tls;
    std::optional<SaslSettings> sasl;  // the mechanism and the one account the broker accepts
    std::int16_t max_api_versions_version = 3;
    // Advertised version ranges that differ from the newest this client implements.
    std::map<protocol::ApiKey, protocol::VersionRange> versions;
  };

  explicit FakeBroker(Options options);
  ~FakeBroker();
  FakeBroker(const FakeBroker&) = delete;
  FakeBroker& operator=(const FakeBroker&) = delete;

  int port() const;
  std::string bootstrap() const { return "127.0.0.1:" + std::to_string(port()); }
  std::vector<std::string> requests() const;
  std::optional<std::string> authenticated_user() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::kafka::test
