#include "core/kafka/protocol/sasl.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <map>
#include <vector>

namespace sluice::kafka::protocol {
namespace {

// Kafka's ScramMechanism minimum iteration count for both SHA-256 and SHA-512.
constexpr int kMinIterations = 4096;

const EVP_MD* digest(ScramHash hash) {
  switch (hash) {
    case ScramHash::Sha1: return EVP_sha1();
    case ScramHash::Sha256: return EVP_sha256();
    case ScramHash::Sha512: return EVP_sha512();
  }
  return EVP_sha256();
}

const char* mechanism_of(ScramHash hash) {
  switch (hash) {
    case ScramHash::Sha1: return "SCRAM-SHA-1";
    case ScramHash::Sha256: return "SCRAM-SHA-256";
    case ScramHash::Sha512: return "SCRAM-SHA-512";
  }
  return "SCRAM";
}

const char* digest_name(ScramHash hash) {
  switch (hash) {
    case ScramHash::Sha1: return "SHA1";
    case ScramHash::Sha256: return "SHA256";
    case ScramHash::Sha512: return "SHA512";
  }
  return "SHA256";
}

std::string hmac(ScramHash hash, std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  std::size_t len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, digest_name(hash), nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), out.size(),
                &len) == nullptr) {
    throw SaslError(std::string("OpenSSL could not compute HMAC for ") + mechanism_of(hash));
  }
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

std::string hash_of(ScramHash hash, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, digest(hash), nullptr) != 1) {
    throw SaslError(std::string("OpenSSL could not compute the digest for ") + mechanism_of(hash));
  }
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

std::string salted_password(ScramHash hash, std::string_view password, std::string_view salt,
                            int iterations) {
  const int size = EVP_MD_size(digest(hash));
  std::string out(static_cast<std::size_t>(size), '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        iterations, digest(hash), size, reinterpret_cast<unsigned char*>(out.data())) != 1) {
    throw SaslError(std::string("OpenSSL could not derive the salted password for ") + mechanism_of(hash));
  }
  return out;
}

std::string xor_bytes(std::string_view a, std::string_view b) {
  std::string out(a.size(), '\0');
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = static_cast<char>(a[i] ^ b[i]);
  return out;
}

std::string sasl_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '=') {
      out += "=3D";
    } else if (c == ',') {
      out += "=2C";
    } else {
      out += c;
    }
  }
  return out;
}

std::string random_nonce() {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::array<unsigned char, 32> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
    throw SaslError("OpenSSL could not generate a SCRAM nonce");
  std::string out;
  for (unsigned char b : raw) out += kAlphabet[b % kAlphabet.size()];
  return out;
}

// "a=1,b=2" -> {a:1, b:2}; values may contain '='.
std::map<char, std::string> attributes(std::string_view message) {
  std::map<char, std::string> out;
  std::size_t start = 0;
  while (start <= message.size()) {
    const std::size_t comma = message.find(',', start);
    const std::string_view item =
        message.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (item.size() >= 2 && item[1] == '=') out.emplace(item[0], std::string(item.substr(2)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

const char* sasl_mechanism_name(SaslMechanism mechanism) {
  switch (mechanism) {
    case SaslMechanism::Plain: return "PLAIN";
    case SaslMechanism::ScramSha256: return "SCRAM-SHA-256";
    case SaslMechanism::ScramSha512: return "SCRAM-SHA-512";
  }
  return "PLAIN";
}

std::optional<SaslMechanism> parse_sasl_mechanism(std::string_view name) {
  for (SaslMechanism m : {SaslMechanism::Plain, SaslMechanism::ScramSha256, SaslMechanism::ScramSha512}) {
    if (name == sasl_mechanism_name(m)) return m;
  }
  return std::nullopt;
}

Bytes plain_auth_message(std::string_view username, std::string_view password) {
  Bytes out;
  out.push_back(0);
  out.insert(out.end(), username.begin(), username.end());
  out.push_back(0);
  out.insert(out.end(), password.begin(), password.end());
  return out;
}

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes.
  std::size_t size = static_cast<std::size_t>(n);
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

ScramClient::ScramClient(ScramHash hash, std::string username, std::string password, std::string nonce)
    : hash_(hash),
      username_(std::move(username)),
      password_(std::move(password)),
      nonce_(nonce.empty() ? random_nonce() : std::move(nonce)) {
  client_first_bare_ = "n=" + sasl_name(username_) + ",r=" + nonce_;
}

std::string ScramClient::client_first_message() const {
  return "n,," + client_first_bare_;
}

std::string ScramClient::client_final_message(std::string_view server_first) {
  const std::string mechanism = mechanism_of(hash_);
  const auto attrs = attributes(server_first);
  if (attrs.contains('e')) {
    throw SaslError(mechanism + " authentication failed: the broker answered " + attrs.at('e'));
  }
  const auto r = attrs.find('r');
  const auto s = attrs.find('s');
  const auto i = attrs.find('i');
  if (r == attrs.end() || s == attrs.end() || i == attrs.end()) {
    throw SaslError("Invalid " + mechanism +
                    " server-first message from the broker (expected r=, s= and i=)");
  }
  const std::string& server_nonce = r->second;
  if (server_nonce.size() <= nonce_.size() || server_nonce.compare(0, nonce_.size(), nonce_) != 0) {
    throw SaslError("Invalid " + mechanism +
                    " server nonce from the broker: it does not extend the client nonce");
  }
  const auto salt = base64_decode(s->second);
  if (!salt) throw SaslError("Invalid " + mechanism + " salt from the broker: not base64");
  int iterations = 0;
  const auto [end, ec] = std::from_chars(i->second.data(), i->second.data() + i->second.size(), iterations);
  if (ec != std::errc() || end != i->second.data() + i->second.size()) {
    throw SaslError("Invalid " + mechanism + " iteration count from the broker: " + i->second);
  }
  if (iterations < kMinIterations) {
    throw SaslError("Requested iterations " + std::to_string(iterations) + " is less than minimum " +
                    std::to_string(kMinIterations) + " for " + mechanism);
  }

  const std::string without_proof = "c=biws,r=" + server_nonce;
  const std::string auth_message = client_first_bare_ + "," + std::string(server_first) + "," + without_proof;
  const std::string salted = salted_password(hash_, password_, *salt, iterations);
  const std::string client_key = hmac(hash_, salted, "Client Key");
  const std::string stored_key = hash_of(hash_, client_key);
  const std::string client_signature = hmac(hash_, stored_key, auth_message);
  const std::string proof = xor_bytes(client_key, client_signature);
  const std::string server_key = hmac(hash_, salted, "Server Key");
  expected_server_signature_ = base64_encode(hmac(hash_, server_key, auth_message));
  return without_proof + ",p=" + base64_encode(proof);
}

void ScramClient::verify_server_final(std::string_view server_final) const {
  const std::string mechanism = mechanism_of(hash_);
  const auto attrs = attributes(server_final);
  if (attrs.contains('e')) {
    throw SaslError(mechanism + " authentication failed: the broker answered " + attrs.at('e'));
  }
  const auto v = attrs.find('v');
  if (v == attrs.end())
    throw SaslError("Invalid " + mechanism + " server-final message from the broker (expected v=)");
  if (expected_server_signature_.empty() || v->second.size() != expected_server_signature_.size() ||
      CRYPTO_memcmp(v->second.data(), expected_server_signature_.data(), v->second.size()) != 0) {
    throw SaslError("Invalid " + mechanism +
                    " server signature: the broker did not prove it knows the password");
  }
}

}  // namespace sluice::kafka::protocol
