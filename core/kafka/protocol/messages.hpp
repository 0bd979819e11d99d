#pragma once
// The Kafka requests a group member needs, encoded and decoded exactly as Apache Kafka's message specs define
// them (clients/src/main/resources/common/message/*.json): ApiVersions, FindCoordinator, JoinGroup,
// SyncGroup, Heartbeat, LeaveGroup, SaslHandshake and SaslAuthenticate, every version from 0 to the newest
// this client implements, classic and flexible (compact strings, tagged fields) encodings, plus the request
// and response headers. Both directions are implemented for every message so tests (and test brokers) can
// round-trip them.
//
// Fields a version does not carry are ignored on encode and left at their defaults on decode, as Kafka's
// generated message classes do for ignorable fields.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/kafka/protocol/wire.hpp"

namespace sluice::kafka::protocol {

enum class ApiKey : std::int16_t {
  FindCoordinator = 10,
  JoinGroup = 11,
  Heartbeat = 12,
  LeaveGroup = 13,
  SyncGroup = 14,
  SaslHandshake = 17,
  ApiVersions = 18,
  SaslAuthenticate = 36,
};

// Kafka's name for the API ("JoinGroup").
const char* api_name(ApiKey api);

struct VersionRange {
  std::int16_t min = 0;
  std::int16_t max = -1;
  bool operator==(const VersionRange&) const = default;
};

// The versions this client can encode and decode.
VersionRange client_versions(ApiKey api);

// True when `version` of `api` uses the flexible encoding (compact strings, tagged fields).
bool is_flexible(ApiKey api, std::int16_t version);

// Header versions: requests use header v2 when flexible (v1 otherwise); responses use v1 when flexible
// (v0 otherwise), except ApiVersions responses, which always use v0 so that a client can read the answer to
// a version the broker does not know.
std::int16_t request_header_version(ApiKey api, std::int16_t version);
std::int16_t response_header_version(ApiKey api, std::int16_t version);

struct RequestHeader {
  ApiKey api = ApiKey::ApiVersions;
  std::int16_t api_version = 0;
  std::int32_t correlation_id = 0;
  // Always a classic NULLABLE_STRING, even in header v2 (the spec marks it "flexibleVersions": "none").
  std::optional<std::string> client_id;
  void encode(Writer& w) const;
  static RequestHeader decode(Reader& r);  // reads v1 or v2 depending on the api/version it finds
};

struct ResponseHeader {
  std::int32_t correlation_id = 0;
  void encode(Writer& w, std::int16_t header_version) const;
  static ResponseHeader decode(Reader& r, std::int16_t header_version);
};

// ---- ApiVersions (18) -----------------------------------------------------------------------------------

struct ApiVersionsRequest {
  std::string client_software_name;     // v3+
  std::string client_software_version;  // v3+
  Bytes encode(std::int16_t version) const;
  static ApiVersionsRequest decode(std::span<const std::uint8_t> body, std::int16_t version);
};

struct ApiVersionsResponse {
  std::int16_t error_code = 0;
  std::map<std::int16_t, VersionRange> api_keys;  // by api key
  std::int32_t throttle_time_ms = 0;              // v1+
  Bytes encode(std::int16_t version) const;
  static ApiVersionsResponse decode(std::span<const std::uint8_t> body, std::int16_t version);
};

// ---- FindCoordinator (10) -------------------------------------------------------------------------------

struct FindCoordinatorRequest {
  std::string key;           // v0-3 Key; v4+ the single entry of CoordinatorKeys
  std::int8_t key_type = 0;  // v1+; 0 = group
  Bytes encode(std::int16_t version) const;
  static FindCoordinatorRequest decode(std::span<const std::uint8_t> body, std::int16_t version);
};

struct FindCoordinatorResponse {
  std::int32_t throttle_time_ms = 0;  // v1+
  std::string key;                    // v4+ (echoed key)
  std::int16_t error_code = 0;
  std::optional<std::string> error_message;  // v1+
  std::int32_t node_id = -1;
  std::string host;
  std::int32_t port = -1;
  // v4+ carries a list; this client asks for one key and reads the first entry.
  Bytes encode(std::int16_t version) const;
  static FindCoordinatorResponse decode(std::span<const std::uint8_t> body, std::int16_t version);
};

// ---- JoinGroup (11) ------------------------------------------------------------------------------------

struct JoinGroupProtocol {
  std::string name;
  Bytes metadata;
  bool operator==(const JoinGroupProtocol&) const = default;
};

struct JoinGroupRequest {
  std::string group_id;
  std::int32_t session_timeout_ms = 0;
  std::int32_t rebalance_timeout_ms = -1;  // v1+
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v5+
  std::string protocol_type;
  std::vector<JoinGroupProtocol> protocols;
  std::optional<std::string> reason;  // v8+
  Bytes encode(std::int16_t version) const;
  static JoinGroupRequest decode(std::span<const std::uint8_t> body, std::int16_t version);
};

struct JoinGroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v5+
  Bytes metadata;
  bool operator==(const JoinGroupMember&) const = default;
};

struct JoinGroupResponse {
  std::int32_t throttle_time_ms = 0;  // v2+
  std::int16_t error_code = 0;
  std::int32_t generation_id = -1;
  std::optional<std::string> protocol_type;  // v7+
  std::optional<std::string> protocol_name;  // nullable from v7
  std::string leader;
  bool skip_assignment = false;  // v9+
  std::string member_id;
  std::vector<JoinGroupMember> members;
  Bytes encode(std::int16_t version) const;
  static JoinGroupResponse decode(std::span<const std::uint8_t> body, std::int16_t version);
};

// ---- SyncGroup (14) ------------------------------------------------------------------------------------

struct SyncGroupAssignment {
  std::string member_id;
  Bytes assignment;
  bool operator==(const SyncGroupAssignment&) const = default;
};

struct SyncGroupRequest {
  std::string group_id;
  std::int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v3+
  std::optional<std::string> protocol_type;      // v5+
  std::optional<std::string> protocol_name;      // v5+
  std::vector<SyncGroupAssignment> assignments;
  Bytes encode(std::int16_t version) const;
  static SyncGroupRequest decode(std::span<const std::uint8_t> body, std::int16_t version);
};

struct SyncGroupResponse {
  std::int32_t throttle_time_ms = 0;  // v1+
  std::int16_t error_code = 0;
  std::optional<std::string> protocol_type;  // v5+
  std::optional<std::string> protocol_name;  // v5+
  Bytes assignment;
  Bytes encode(std::int16_t version) const;
  static SyncGroupResponse decode(std::span<const std::uint8_t> body, std::int16_t version);
};

// ---- Heartbeat (12) ------------------------------------------------------------------------------------

struct HeartbeatRequest {
  std::string group_id;
  std::int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v3+
  Bytes encode(std::int16_t version) const;
  static HeartbeatRequest decode(std::span<const std::uint8_t> body, std::int16_t version);
};

struct HeartbeatResponse {
  std::int32_t throttle_time_ms = 0;  // v1+
  std::int16_t error_code = 0;
  Bytes encode(std::int16_t version) const;
  static HeartbeatResponse decode(std::span<const std::uint8_t> body, std::int16_t version);
};

// ---- LeaveGroup (13) -----------------------------------------------------------------------------------

struct LeaveGroupRequest {
  std::string group_id;
  // v0-2 send MemberId; v3+ send Members with this one identity.
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v3+
  std::optional<std::string> reason;             // v5+
  Bytes encode(std::int16_t version) const;
  static LeaveGroupRequest decode(std::span<const std::uint8_t> body, std::int16_t version);
};

struct LeaveGroupMemberResponse {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::int16_t error_code = 0;
  bool operator==(const LeaveGroupMemberResponse&) const = default;
};

struct LeaveGroupResponse {
  std::int32_t throttle_time_ms = 0;  // v1+
  std::int16_t error_code = 0;
  std::vector<LeaveGroupMemberResponse> members;  // v3+
  Bytes encode(std::int16_t version) const;
  static LeaveGroupResponse decode(std::span<const std::uint8_t> body, std::int16_t version);
};

// ---- SaslHandshake (17) and SaslAuthenticate (36) ------------------------------------------------------

struct SaslHandshakeRequest {
  std::string mechanism;
  Bytes encode(std::int16_t version) const;
  static SaslHandshakeRequest decode(std::span<const std::uint8_t> body, std::int16_t version);
};

struct SaslHandshakeResponse {
  std::int16_t error_code = 0;
  std::vector<std::string> mechanisms;
  Bytes encode(std::int16_t version) const;
  static SaslHandshakeResponse decode(std::span<const std::uint8_t> body, std::int16_t version);
};

struct SaslAuthenticateRequest {
  Bytes auth_bytes;
  Bytes encode(std::int16_t version) const;
  static SaslAuthenticateRequest decode(std::span<const std::uint8_t> body, std::int16_t version);
};

struct SaslAuthenticateResponse {
  std::int16_t error_code = 0;
  std::optional<std::string> error_message;
  Bytes auth_bytes;
  std::int64_t session_lifetime_ms = 0;  // v1+
  Bytes encode(std::int16_t version) const;
  static SaslAuthenticateResponse decode(std::span<const std::uint8_t> body, std::int16_t version);
};

}  // namespace sluice::kafka::protocol
