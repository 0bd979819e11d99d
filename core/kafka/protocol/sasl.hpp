#pragma once
// Client side of the SASL mechanisms Kafka offers over SaslAuthenticate that need nothing but a password:
// PLAIN (RFC 4616) and SCRAM-SHA-256 / SCRAM-SHA-512 (RFC 5802, RFC 7677), computed with OpenSSL's PBKDF2 and
// HMAC. Pure message computations, no I/O: the connection feeds the broker's messages in and sends ours out.
// A ScramClient is used by one thread for one authentication exchange.

#include <optional>
#include <string>
#include <string_view>

#include "core/common/errors.hpp"
#include "core/kafka/protocol/wire.hpp"

namespace sluice::kafka::protocol {

// Authentication failed or the broker's SASL messages were invalid. Not retriable: the credentials or the
// broker's configuration must change.
class SaslError : public ConnectError {
 public:
  using ConnectError::ConnectError;
};

enum class SaslMechanism : std::uint8_t { Plain, ScramSha256, ScramSha512 };

// "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512".
const char* sasl_mechanism_name(SaslMechanism mechanism);
// Exact (case-sensitive, as Kafka's sasl.mechanism) match of those names.
std::optional<SaslMechanism> parse_sasl_mechanism(std::string_view name);

// PLAIN's only message: authzid (empty) NUL authcid NUL password.
Bytes plain_auth_message(std::string_view username, std::string_view password);

// SHA-1 exists for RFC 5802's test vector; Kafka offers only SHA-256 and SHA-512.
enum class ScramHash : std::uint8_t { Sha1, Sha256, Sha512 };

class ScramClient {
 public:
  // `nonce` is the client nonce; empty picks 32 random alphanumeric characters (tests pass the RFC's nonce).
  ScramClient(ScramHash hash, std::string username, std::string password, std::string nonce = {});

  // "n,,n=<saslname>,r=<client nonce>" (no channel binding; ',' and '=' in the name escaped as =2C and =3D).
  std::string client_first_message() const;

  // Checks the server-first message (nonce extends ours, salt present, iterations >= 4096 as Kafka requires)
  // and returns "c=biws,r=<nonce>,p=<proof>". Throws SaslError naming what was wrong.
  std::string client_final_message(std::string_view server_first);

  // Checks "v=<server signature>"; an "e=<error>" or a wrong signature throws SaslError.
  void verify_server_final(std::string_view server_final) const;

 private:
  ScramHash hash_;
  std::string username_;
  std::string password_;
  std::string nonce_;
  std::string client_first_bare_;
  std::string expected_server_signature_;  // base64, set by client_final_message
};

// Base64 (RFC 4648, with padding), exposed for tests.
std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sluice::kafka::protocol
