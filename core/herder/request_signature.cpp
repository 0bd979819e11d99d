#include "core/herder/request_signature.hpp"

#include "core/common/errors.hpp"
#include "core/kafka/protocol/sasl.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace sluice::herder {
namespace {

const EVP_MD* digest_of(std::string_view algorithm) {
  if (algorithm == "HmacSHA1") return EVP_sha1();
  if (algorithm == "HmacSHA224") return EVP_sha224();
  if (algorithm == "HmacSHA256") return EVP_sha256();
  if (algorithm == "HmacSHA384") return EVP_sha384();
  if (algorithm == "HmacSHA512") return EVP_sha512();
  return nullptr;
}

std::string raw_mac(std::string_view algorithm, std::string_view key, std::string_view body) {
  const EVP_MD* md = digest_of(algorithm);
  if (md == nullptr) throw ConfigError("Unsupported request signature algorithm " + std::string(algorithm));
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
           body.size(), out, &length) == nullptr) {
    throw ConnectError("Could not compute the " + std::string(algorithm) + " signature of an internal request");
  }
  return std::string(reinterpret_cast<const char*>(out), length);
}

}  // namespace

bool supported_mac_algorithm(std::string_view algorithm) { return digest_of(algorithm) != nullptr; }

std::string sign_request(std::string_view algorithm, std::string_view key, std::string_view body) {
  return kafka::protocol::base64_encode(raw_mac(algorithm, key, body));
}

bool signature_valid(std::string_view algorithm, std::string_view key, std::string_view body,
                     std::string_view signature_base64) {
  if (!supported_mac_algorithm(algorithm)) return false;
  const auto given = kafka::protocol::base64_decode(signature_base64);
  if (!given) return false;
  const std::string expected = raw_mac(algorithm, key, body);
  return given->size() == expected.size() && CRYPTO_memcmp(given->data(), expected.data(), expected.size()) == 0;
}

std::string random_key(std::size_t bytes) {
  std::string key(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(bytes)) != 1) {
    throw ConnectError("Could not generate a session key: OpenSSL's random generator failed");
  }
  return key;
}

}  // namespace sluice::herder
