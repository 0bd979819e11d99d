#pragma once
// Signatures of worker-to-worker requests (Kafka's InternalRequestSignature), used with connect.protocol=sessioned:
// the leader keeps a session key in the config topic (`session-key`), workers sign the body of internal requests
// (POST /connectors/{name}/tasks) with it and the leader checks the signature, so only cluster members can write
// task configs. Headers: X-Connect-Authorization = base64(HMAC(key, body)), X-Connect-Request-Signature-Algorithm.
// Pure functions over OpenSSL; thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace sluice::herder {

inline constexpr const char* kSignatureHeader = "X-Connect-Authorization";
inline constexpr const char* kSignatureAlgorithmHeader = "X-Connect-Request-Signature-Algorithm";

// True for the Java Mac names sluice can compute: HmacSHA1, HmacSHA224, HmacSHA256, HmacSHA384, HmacSHA512.
bool supported_mac_algorithm(std::string_view algorithm);

// base64(HMAC_algorithm(key, body)). Throws ConfigError for an unsupported algorithm.
std::string sign_request(std::string_view algorithm, std::string_view key, std::string_view body);

// Constant-time comparison of `signature_base64` with the body's signature under `key`.
bool signature_valid(std::string_view algorithm, std::string_view key, std::string_view body,
                     std::string_view signature_base64);

// `bytes` random bytes from OpenSSL's CSPRNG (a new session key). Throws ConnectError when it fails.
std::string random_key(std::size_t bytes);

}  // namespace sluice::herder
