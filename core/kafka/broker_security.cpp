#include "core/kafka/broker_security.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>

#include "core/common/errors.hpp"
#include "core/kafka/client_config.hpp"

namespace sluice::kafka {
namespace {

std::string get(const Properties& p, const std::string& key) {
  const auto it = p.find(key);
  return it == p.end() ? std::string() : it->second;
}

std::string trim(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

enum class StoreFormat { Pem, Pkcs12, Jks };

// Java's default store type is JKS, but since Java 9 a "JKS" keystore loads PKCS12 files too; the file's
// first bytes tell the formats apart (JKS starts with 0xFEEDFEED, PEM with text, PKCS12 is DER: 0x30).
StoreFormat sniff_store(const std::string& key, const std::string& path, const std::string& declared_type) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ConfigError("Cannot read " + key + " " + path + ": the file does not exist or is not readable");
  std::array<unsigned char, 4> head{};
  in.read(reinterpret_cast<char*>(head.data()), head.size());
  if (in.gcount() >= 4 && head == std::array<unsigned char, 4>{0xFE, 0xED, 0xFE, 0xED})
    return StoreFormat::Jks;
  if (in.gcount() >= 1 && head[0] == 0x30) return StoreFormat::Pkcs12;
  if (declared_type == "PKCS12") return StoreFormat::Pkcs12;
  return StoreFormat::Pem;
}

void reject_jks(const std::string& key, const std::string& path) {
  throw ConfigError(
      key + " " + path +
      " is a JKS store, which sluice cannot read; convert it to PKCS12 (keytool -importkeystore "
      "-deststoretype PKCS12) or PEM");
}

}  // namespace

const char* security_protocol_name(SecurityProtocol protocol) {
  switch (protocol) {
    case SecurityProtocol::Plaintext: return "PLAINTEXT";
    case SecurityProtocol::Ssl: return "SSL";
    case SecurityProtocol::SaslPlaintext: return "SASL_PLAINTEXT";
    case SecurityProtocol::SaslSsl: return "SASL_SSL";
  }
  return "PLAINTEXT";
}

BrokerSecurity broker_security_from_properties(const Properties& properties) {
  BrokerSecurity out;
  const std::string protocol_value = trim(get(properties, "security.protocol"));
  if (!protocol_value.empty()) {
    bool found = false;
    for (SecurityProtocol p : {SecurityProtocol::Plaintext, SecurityProtocol::Ssl,
                               SecurityProtocol::SaslPlaintext, SecurityProtocol::SaslSsl}) {
      if (upper(protocol_value) == security_protocol_name(p)) {
        out.protocol = p;
        found = true;
      }
    }
    if (!found) {
      throw ConfigError("Invalid value " + protocol_value +
                        " for configuration security.protocol: String must be one of: PLAINTEXT, SSL, "
                        "SASL_PLAINTEXT, SASL_SSL");
    }
  }

  if (out.protocol == SecurityProtocol::SaslPlaintext || out.protocol == SecurityProtocol::SaslSsl) {
    // Kafka's default mechanism is GSSAPI, which needs Kerberos; saying so beats a failed handshake later.
    std::string mechanism_value = trim(get(properties, "sasl.mechanism"));
    if (mechanism_value.empty())
      mechanism_value = trim(get(properties, "sasl.mechanisms"));  // librdkafka spelling
    if (mechanism_value.empty()) mechanism_value = "GSSAPI";
    const auto mechanism = protocol::parse_sasl_mechanism(mechanism_value);
    if (!mechanism) {
      throw ConfigError("SASL mechanism " + mechanism_value +
                        " is not supported by sluice's group membership client; use PLAIN, SCRAM-SHA-256 or "
                        "SCRAM-SHA-512");
    }
    SaslSettings sasl;
    sasl.mechanism = *mechanism;
    const std::string jaas_text = get(properties, "sasl.jaas.config");
    if (!jaas_text.empty()) {
      const auto jaas = parse_jaas(jaas_text);
      if (!jaas)
        throw ConfigError(
            "Invalid value [hidden] for configuration sasl.jaas.config: not a JAAS login module");
      const bool password_module =
          jaas->module.ends_with("PlainLoginModule") || jaas->module.ends_with("ScramLoginModule");
      if (!password_module) {
        throw ConfigError(
            "sasl.jaas.config uses " + jaas->module +
            ", which sluice's group membership client does not support; use PlainLoginModule or "
            "ScramLoginModule");
      }
      if (auto it = jaas->options.find("username"); it != jaas->options.end()) sasl.username = it->second;
      if (auto it = jaas->options.find("password"); it != jaas->options.end()) sasl.password = it->second;
    } else {
      sasl.username = get(properties, "sasl.username");
      sasl.password = get(properties, "sasl.password");
    }
    if (sasl.username.empty() || sasl.password.empty()) {
      throw ConfigError(
          std::string("sasl.jaas.config must give a username and a password for SASL mechanism ") +
          protocol::sasl_mechanism_name(sasl.mechanism));
    }
    out.sasl = std::move(sasl);
  }

  if (out.uses_tls()) {
    TlsSettings& tls = out.tls;
    const std::string endpoint = get(properties, "ssl.endpoint.identification.algorithm");
    const bool endpoint_set = properties.contains("ssl.endpoint.identification.algorithm");
    // Kafka: "https" (the default) checks the host name, an empty value turns the check off; librdkafka says
    // "none".
    tls.verify_hostname = !endpoint_set || (!trim(endpoint).empty() && trim(endpoint) != "none");

    const std::string trust_type = upper(trim(get(properties, "ssl.truststore.type")));
    const std::string trust_location = trim(get(properties, "ssl.truststore.location"));
    if (!trust_location.empty()) {
      switch (sniff_store("ssl.truststore.location", trust_location, trust_type)) {
        case StoreFormat::Jks: reject_jks("ssl.truststore.location", trust_location); break;
        case StoreFormat::Pkcs12:
          tls.truststore_pkcs12 = trust_location;
          tls.truststore_password = get(properties, "ssl.truststore.password");
          break;
        case StoreFormat::Pem: tls.ca_file = trust_location; break;
      }
    }
    tls.ca_pem = get(properties, "ssl.truststore.certificates");
    if (tls.ca_file.empty()) tls.ca_file = trim(get(properties, "ssl.ca.location"));

    const std::string key_type = upper(trim(get(properties, "ssl.keystore.type")));
    const std::string key_location = trim(get(properties, "ssl.keystore.location"));
    if (!key_location.empty()) {
      switch (sniff_store("ssl.keystore.location", key_location, key_type)) {
        case StoreFormat::Jks: reject_jks("ssl.keystore.location", key_location); break;
        case StoreFormat::Pkcs12:
          tls.keystore_pkcs12 = key_location;
          tls.keystore_password = get(properties, "ssl.keystore.password");
          break;
        case StoreFormat::Pem:
          // A PEM keystore file holds the key and the certificate chain.
          tls.certificate_file = key_location;
          tls.key_file = key_location;
          break;
      }
    }
    tls.certificate_pem = get(properties, "ssl.keystore.certificate.chain");
    tls.key_pem = get(properties, "ssl.keystore.key");
    if (tls.certificate_file.empty())
      tls.certificate_file = trim(get(properties, "ssl.certificate.location"));
    if (tls.key_file.empty()) tls.key_file = trim(get(properties, "ssl.key.location"));
    tls.key_password = get(properties, "ssl.key.password");
    if (tls.key_password.empty() && key_type == "PEM")
      tls.key_password = get(properties, "ssl.keystore.password");
  }
  return out;
}

}  // namespace sluice::kafka
