#pragma once
// How sluice's own Kafka protocol client (the group membership client) authenticates and encrypts, read from
// the same Java client keys a Kafka Connect worker uses: security.protocol, sasl.mechanism, sasl.jaas.config,
// ssl.truststore.*, ssl.keystore.*, ssl.key.password, ssl.endpoint.identification.algorithm. librdkafka's
// spellings (sasl.username, sasl.password, ssl.ca.location, ssl.certificate.location, ssl.key.location) are
// accepted too, so one worker config serves both clients.
//
// Supported: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL; SASL PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; trust and
// key material as PEM files, inline PEM (ssl.truststore.certificates, ssl.keystore.certificate.chain,
// ssl.keystore.key) or PKCS12 stores. Not supported (ConfigError saying so): GSSAPI and OAUTHBEARER, and
// Java's JKS store format (convert it to PKCS12 with keytool).

#include <optional>
#include <string>

#include "core/kafka/client.hpp"
#include "core/kafka/protocol/sasl.hpp"

namespace sluice::kafka {

enum class SecurityProtocol : std::uint8_t { Plaintext, Ssl, SaslPlaintext, SaslSsl };

const char* security_protocol_name(SecurityProtocol protocol);

struct SaslSettings {
  protocol::SaslMechanism mechanism = protocol::SaslMechanism::Plain;
  std::string username;
  std::string password;
};

struct TlsSettings {
  // Trusted CAs: any combination; none means the system's default trust store.
  std::string ca_file;            // PEM file
  std::string ca_pem;             // inline PEM
  std::string truststore_pkcs12;  // PKCS12 file
  std::string truststore_password;
  // Client certificate (mutual TLS), optional: PEM files, inline PEM or a PKCS12 keystore.
  std::string certificate_file;
  std::string key_file;
  std::string certificate_pem;
  std::string key_pem;
  std::string keystore_pkcs12;
  std::string keystore_password;
  std::string key_password;
  // ssl.endpoint.identification.algorithm=https (Kafka's default): the broker certificate must name the host.
  bool verify_hostname = true;
};

struct BrokerSecurity {
  SecurityProtocol protocol = SecurityProtocol::Plaintext;
  std::optional<SaslSettings> sasl;  // set for SASL_PLAINTEXT and SASL_SSL
  TlsSettings tls;                   // used for SSL and SASL_SSL

  bool uses_tls() const { return protocol == SecurityProtocol::Ssl || protocol == SecurityProtocol::SaslSsl; }
};

// Reads the keys above. Throws ConfigError with Kafka's wording where Kafka has one, e.g.
//   Invalid value FOO for configuration security.protocol: String must be one of: PLAINTEXT, SSL,
//   SASL_PLAINTEXT, SASL_SSL SASL mechanism GSSAPI is not supported by sluice's group membership client; use
//   PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 sasl.jaas.config must give a username and a password for SASL
//   mechanism PLAIN ssl.truststore.location /x.jks is a JKS store, which sluice cannot read; convert it to
//   PKCS12 (keytool -importkeystore -deststoretype PKCS12) or PEM
BrokerSecurity broker_security_from_properties(const Properties& properties);

}  // namespace sluice::kafka
