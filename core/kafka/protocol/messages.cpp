#include "core/kafka/protocol/messages.hpp"

namespace sluice::kafka::protocol {
namespace {

// Reads the end of a message: the tagged-field section of flexible versions, and nothing else.
void finish(Reader& r, bool flexible, const char* what) {
  if (flexible) r.tagged_fields();
  if (!r.at_end()) {
    throw DecodeError(std::string("Malformed Kafka protocol data: ") + std::to_string(r.remaining()) +
                      " unexpected bytes after " + what);
  }
}

// JSON spec "nullableVersions" fields that are nullable only from some version: before it, a null is written
// as an empty string (Kafka's generated code would refuse; sending "" is the harmless equivalent).
std::optional<std::string> nullable_from(bool nullable, const std::optional<std::string>& v) {
  if (nullable || v) return v;
  return std::string();
}

}  // namespace

const char* api_name(ApiKey api) {
  switch (api) {
    case ApiKey::FindCoordinator: return "FindCoordinator";
    case ApiKey::JoinGroup: return "JoinGroup";
    case ApiKey::Heartbeat: return "Heartbeat";
    case ApiKey::LeaveGroup: return "LeaveGroup";
    case ApiKey::SyncGroup: return "SyncGroup";
    case ApiKey::SaslHandshake: return "SaslHandshake";
    case ApiKey::ApiVersions: return "ApiVersions";
    case ApiKey::SaslAuthenticate: return "SaslAuthenticate";
  }
  return "Unknown";
}

VersionRange client_versions(ApiKey api) {
  switch (api) {
    case ApiKey::ApiVersions: return {0, 3};
    case ApiKey::FindCoordinator: return {0, 4};
    case ApiKey::JoinGroup: return {0, 9};
    case ApiKey::SyncGroup: return {0, 5};
    case ApiKey::Heartbeat: return {0, 4};
    case ApiKey::LeaveGroup: return {0, 5};
    // v0 sends the SASL tokens unframed after the handshake; every broker since Kafka 1.0 offers v1.
    case ApiKey::SaslHandshake: return {1, 1};
    case ApiKey::SaslAuthenticate: return {0, 2};
  }
  return {0, -1};
}

bool is_flexible(ApiKey api, std::int16_t version) {
  switch (api) {
    case ApiKey::ApiVersions: return version >= 3;
    case ApiKey::FindCoordinator: return version >= 3;
    case ApiKey::JoinGroup: return version >= 6;
    case ApiKey::SyncGroup: return version >= 4;
    case ApiKey::Heartbeat: return version >= 4;
    case ApiKey::LeaveGroup: return version >= 4;
    case ApiKey::SaslHandshake: return false;
    case ApiKey::SaslAuthenticate: return version >= 2;
  }
  return false;
}

std::int16_t request_header_version(ApiKey api, std::int16_t version) {
  return is_flexible(api, version) ? 2 : 1;
}

std::int16_t response_header_version(ApiKey api, std::int16_t version) {
  if (api == ApiKey::ApiVersions) return 0;
  return is_flexible(api, version) ? 1 : 0;
}

void RequestHeader::encode(Writer& w) const {
  w.int16(static_cast<std::int16_t>(api));
  w.int16(api_version);
  w.int32(correlation_id);
  w.nullable_string(client_id);
  if (request_header_version(api, api_version) >= 2) w.tagged_fields();
}

RequestHeader RequestHeader::decode(Reader& r) {
  RequestHeader h;
  h.api = static_cast<ApiKey>(r.int16());
  h.api_version = r.int16();
  h.correlation_id = r.int32();
  h.client_id = r.nullable_string();
  if (request_header_version(h.api, h.api_version) >= 2) r.tagged_fields();
  return h;
}

void ResponseHeader::encode(Writer& w, std::int16_t header_version) const {
  w.int32(correlation_id);
  if (header_version >= 1) w.tagged_fields();
}

ResponseHeader ResponseHeader::decode(Reader& r, std::int16_t header_version) {
  ResponseHeader h;
  h.correlation_id = r.int32();
  if (header_version >= 1) r.tagged_fields();
  return h;
}

// ---- ApiVersions ----------------------------------------------------------------------------------------

Bytes ApiVersionsRequest::encode(std::int16_t version) const {
  Writer w;
  if (version >= 3) {
    w.compact_string(client_software_name);
    w.compact_string(client_software_version);
    w.tagged_fields();
  }
  return w.take();
}

ApiVersionsRequest ApiVersionsRequest::decode(std::span<const std::uint8_t> body, std::int16_t version) {
  Reader r(body);
  ApiVersionsRequest m;
  if (version >= 3) {
    m.client_software_name = r.compact_string();
    m.client_software_version = r.compact_string();
  }
  finish(r, version >= 3, "ApiVersionsRequest");
  return m;
}

Bytes ApiVersionsResponse::encode(std::int16_t version) const {
  const bool flexible = version >= 3;
  Writer w;
  w.int16(error_code);
  w.array_length(api_keys.size(), flexible);
  for (const auto& [key, range] : api_keys) {
    w.int16(key);
    w.int16(range.min);
    w.int16(range.max);
    if (flexible) w.tagged_fields();
  }
  if (version >= 1) w.int32(throttle_time_ms);
  if (flexible) w.tagged_fields();
  return w.take();
}

ApiVersionsResponse ApiVersionsResponse::decode(std::span<const std::uint8_t> body, std::int16_t version) {
  const bool flexible = version >= 3;
  Reader r(body);
  ApiVersionsResponse m;
  m.error_code = r.int16();
  const auto n = r.array_length(flexible, 6);
  for (std::size_t i = 0; n && i < *n; ++i) {
    const std::int16_t key = r.int16();
    VersionRange range;
    range.min = r.int16();
    range.max = r.int16();
    if (flexible) r.tagged_fields();
    m.api_keys[key] = range;
  }
  if (version >= 1) m.throttle_time_ms = r.int32();
  // SupportedFeatures, FinalizedFeaturesEpoch and FinalizedFeatures are tagged fields a group member ignores.
  finish(r, flexible, "ApiVersionsResponse");
  return m;
}

// ---- FindCoordinator ------------------------------------------------------------------------------------

Bytes FindCoordinatorRequest::encode(std::int16_t version) const {
  const bool flexible = version >= 3;
  Writer w;
  if (version <= 3) w.string(key, flexible);
  if (version >= 1) w.int8(key_type);
  if (version >= 4) {
    w.array_length(1, true);
    w.compact_string(key);
  }
  if (flexible) w.tagged_fields();
  return w.take();
}

FindCoordinatorRequest FindCoordinatorRequest::decode(std::span<const std::uint8_t> body,
                                                      std::int16_t version) {
  const bool flexible = version >= 3;
  Reader r(body);
  FindCoordinatorRequest m;
  if (version <= 3) m.key = r.string(flexible);
  if (version >= 1) m.key_type = r.int8();
  if (version >= 4) {
    const auto n = r.array_length(true);
    for (std::size_t i = 0; n && i < *n; ++i) {
      std::string k = r.compact_string();
      if (i == 0) m.key = std::move(k);
    }
  }
  finish(r, flexible, "FindCoordinatorRequest");
  return m;
}

Bytes FindCoordinatorResponse::encode(std::int16_t version) const {
  const bool flexible = version >= 3;
  Writer w;
  if (version >= 1) w.int32(throttle_time_ms);
  if (version <= 3) {
    w.int16(error_code);
    if (version >= 1) w.nullable_string(error_message, flexible);
    w.int32(node_id);
    w.string(host, flexible);
    w.int32(port);
  } else {
    w.array_length(1, true);
    w.compact_string(key);
    w.int32(node_id);
    w.compact_string(host);
    w.int32(port);
    w.int16(error_code);
    w.compact_nullable_string(error_message);
    w.tagged_fields();
  }
  if (flexible) w.tagged_fields();
  return w.take();
}

FindCoordinatorResponse FindCoordinatorResponse::decode(std::span<const std::uint8_t> body,
                                                        std::int16_t version) {
  const bool flexible = version >= 3;
  Reader r(body);
  FindCoordinatorResponse m;
  if (version >= 1) m.throttle_time_ms = r.int32();
  if (version <= 3) {
    m.error_code = r.int16();
    if (version >= 1) m.error_message = r.nullable_string(flexible);
    m.node_id = r.int32();
    m.host = r.string(flexible);
    m.port = r.int32();
  } else {
    const auto n = r.array_length(true, 12);
    if (!n || *n == 0)
      throw DecodeError("Malformed Kafka protocol data: FindCoordinatorResponse lists no coordinator");
    for (std::size_t i = 0; i < *n; ++i) {
      FindCoordinatorResponse c;
      c.key = r.compact_string();
      c.node_id = r.int32();
      c.host = r.compact_string();
      c.port = r.int32();
      c.error_code = r.int16();
      c.error_message = r.compact_nullable_string();
      r.tagged_fields();
      if (i == 0) {
        m.key = std::move(c.key);
        m.node_id = c.node_id;
        m.host = std::move(c.host);
        m.port = c.port;
        m.error_code = c.error_code;
        m.error_message = std::move(c.error_message);
      }
    }
  }
  finish(r, flexible, "FindCoordinatorResponse");
  return m;
}

// ---- JoinGroup ------------------------------------------------------------------------------------------

Bytes JoinGroupRequest::encode(std::int16_t version) const {
  const bool flexible = version >= 6;
  Writer w;
  w.string(group_id, flexible);
  w.int32(session_timeout_ms);
  if (version >= 1) w.int32(rebalance_timeout_ms);
  w.string(member_id, flexible);
  if (version >= 5) w.nullable_string(group_instance_id, flexible);
  w.string(protocol_type, flexible);
  w.array_length(protocols.size(), flexible);
  for (const JoinGroupProtocol& p : protocols) {
    w.string(p.name, flexible);
    w.bytes(p.metadata, flexible);
    if (flexible) w.tagged_fields();
  }
  if (version >= 8) w.compact_nullable_string(reason);
  if (flexible) w.tagged_fields();
  return w.take();
}

JoinGroupRequest JoinGroupRequest::decode(std::span<const std::uint8_t> body, std::int16_t version) {
  const bool flexible = version >= 6;
  Reader r(body);
  JoinGroupRequest m;
  m.group_id = r.string(flexible);
  m.session_timeout_ms = r.int32();
  if (version >= 1) m.rebalance_timeout_ms = r.int32();
  m.member_id = r.string(flexible);
  if (version >= 5) m.group_instance_id = r.nullable_string(flexible);
  m.protocol_type = r.string(flexible);
  const auto n = r.array_length(flexible, 2);
  for (std::size_t i = 0; n && i < *n; ++i) {
    JoinGroupProtocol p;
    p.name = r.string(flexible);
    p.metadata = r.bytes(flexible);
    if (flexible) r.tagged_fields();
    m.protocols.push_back(std::move(p));
  }
  if (version >= 8) m.reason = r.compact_nullable_string();
  finish(r, flexible, "JoinGroupRequest");
  return m;
}

Bytes JoinGroupResponse::encode(std::int16_t version) const {
  const bool flexible = version >= 6;
  Writer w;
  if (version >= 2) w.int32(throttle_time_ms);
  w.int16(error_code);
  w.int32(generation_id);
  if (version >= 7) w.compact_nullable_string(protocol_type);
  w.nullable_string(nullable_from(version >= 7, protocol_name), flexible);
  w.string(leader, flexible);
  if (version >= 9) w.boolean(skip_assignment);
  w.string(member_id, flexible);
  w.array_length(members.size(), flexible);
  for (const JoinGroupMember& mem : members) {
    w.string(mem.member_id, flexible);
    if (version >= 5) w.nullable_string(mem.group_instance_id, flexible);
    w.bytes(mem.metadata, flexible);
    if (flexible) w.tagged_fields();
  }
  if (flexible) w.tagged_fields();
  return w.take();
}

JoinGroupResponse JoinGroupResponse::decode(std::span<const std::uint8_t> body, std::int16_t version) {
  const bool flexible = version >= 6;
  Reader r(body);
  JoinGroupResponse m;
  if (version >= 2) m.throttle_time_ms = r.int32();
  m.error_code = r.int16();
  m.generation_id = r.int32();
  if (version >= 7) m.protocol_type = r.compact_nullable_string();
  m.protocol_name = r.nullable_string(flexible);
  m.leader = r.string(flexible);
  if (version >= 9) m.skip_assignment = r.boolean();
  m.member_id = r.string(flexible);
  const auto n = r.array_length(flexible, 2);
  for (std::size_t i = 0; n && i < *n; ++i) {
    JoinGroupMember mem;
    mem.member_id = r.string(flexible);
    if (version >= 5) mem.group_instance_id = r.nullable_string(flexible);
    mem.metadata = r.bytes(flexible);
    if (flexible) r.tagged_fields();
    m.members.push_back(std::move(mem));
  }
  finish(r, flexible, "JoinGroupResponse");
  return m;
}

// ---- SyncGroup ------------------------------------------------------------------------------------------

Bytes SyncGroupRequest::encode(std::int16_t version) const {
  const bool flexible = version >= 4;
  Writer w;
  w.string(group_id, flexible);
  w.int32(generation_id);
  w.string(member_id, flexible);
  if (version >= 3) w.nullable_string(group_instance_id, flexible);
  if (version >= 5) {
    w.compact_nullable_string(protocol_type);
    w.compact_nullable_string(protocol_name);
  }
  w.array_length(assignments.size(), flexible);
  for (const SyncGroupAssignment& a : assignments) {
    w.string(a.member_id, flexible);
    w.bytes(a.assignment, flexible);
    if (flexible) w.tagged_fields();
  }
  if (flexible) w.tagged_fields();
  return w.take();
}

SyncGroupRequest SyncGroupRequest::decode(std::span<const std::uint8_t> body, std::int16_t version) {
  const bool flexible = version >= 4;
  Reader r(body);
  SyncGroupRequest m;
  m.group_id = r.string(flexible);
  m.generation_id = r.int32();
  m.member_id = r.string(flexible);
  if (version >= 3) m.group_instance_id = r.nullable_string(flexible);
  if (version >= 5) {
    m.protocol_type = r.compact_nullable_string();
    m.protocol_name = r.compact_nullable_string();
  }
  const auto n = r.array_length(flexible, 2);
  for (std::size_t i = 0; n && i < *n; ++i) {
    SyncGroupAssignment a;
    a.member_id = r.string(flexible);
    a.assignment = r.bytes(flexible);
    if (flexible) r.tagged_fields();
    m.assignments.push_back(std::move(a));
  }
  finish(r, flexible, "SyncGroupRequest");
  return m;
}

Bytes SyncGroupResponse::encode(std::int16_t version) const {
  const bool flexible = version >= 4;
  Writer w;
  if (version >= 1) w.int32(throttle_time_ms);
  w.int16(error_code);
  if (version >= 5) {
    w.compact_nullable_string(protocol_type);
    w.compact_nullable_string(protocol_name);
  }
  w.bytes(assignment, flexible);
  if (flexible) w.tagged_fields();
  return w.take();
}

SyncGroupResponse SyncGroupResponse::decode(std::span<const std::uint8_t> body, std::int16_t version) {
  const bool flexible = version >= 4;
  Reader r(body);
  SyncGroupResponse m;
  if (version >= 1) m.throttle_time_ms = r.int32();
  m.error_code = r.int16();
  if (version >= 5) {
    m.protocol_type = r.compact_nullable_string();
    m.protocol_name = r.compact_nullable_string();
  }
  m.assignment = r.bytes(flexible);
  finish(r, flexible, "SyncGroupResponse");
  return m;
}

// ---- Heartbeat ------------------------------------------------------------------------------------------

Bytes HeartbeatRequest::encode(std::int16_t version) const {
  const bool flexible = version >= 4;
  Writer w;
  w.string(group_id, flexible);
  w.int32(generation_id);
  w.string(member_id, flexible);
  if (version >= 3) w.nullable_string(group_instance_id, flexible);
  if (flexible) w.tagged_fields();
  return w.take();
}

HeartbeatRequest HeartbeatRequest::decode(std::span<const std::uint8_t> body, std::int16_t version) {
  const bool flexible = version >= 4;
  Reader r(body);
  HeartbeatRequest m;
  m.group_id = r.string(flexible);
  m.generation_id = r.int32();
  m.member_id = r.string(flexible);
  if (version >= 3) m.group_instance_id = r.nullable_string(flexible);
  finish(r, flexible, "HeartbeatRequest");
  return m;
}

Bytes HeartbeatResponse::encode(std::int16_t version) const {
  const bool flexible = version >= 4;
  Writer w;
  if (version >= 1) w.int32(throttle_time_ms);
  w.int16(error_code);
  if (flexible) w.tagged_fields();
  return w.take();
}

HeartbeatResponse HeartbeatResponse::decode(std::span<const std::uint8_t> body, std::int16_t version) {
  const bool flexible = version >= 4;
  Reader r(body);
  HeartbeatResponse m;
  if (version >= 1) m.throttle_time_ms = r.int32();
  m.error_code = r.int16();
  finish(r, flexible, "HeartbeatResponse");
  return m;
}

// ---- LeaveGroup -----------------------------------------------------------------------------------------

Bytes LeaveGroupRequest::encode(std::int16_t version) const {
  const bool flexible = version >= 4;
  Writer w;
  w.string(group_id, flexible);
  if (version <= 2) {
    w.string(member_id, flexible);
  } else {
    w.array_length(1, flexible);
    w.string(member_id, flexible);
    w.nullable_string(group_instance_id, flexible);
    if (version >= 5) w.compact_nullable_string(reason);
    if (flexible) w.tagged_fields();
  }
  if (flexible) w.tagged_fields();
  return w.take();
}

LeaveGroupRequest LeaveGroupRequest::decode(std::span<const std::uint8_t> body, std::int16_t version) {
  const bool flexible = version >= 4;
  Reader r(body);
  LeaveGroupRequest m;
  m.group_id = r.string(flexible);
  if (version <= 2) {
    m.member_id = r.string(flexible);
  } else {
    const auto n = r.array_length(flexible, 2);
    for (std::size_t i = 0; n && i < *n; ++i) {
      std::string id = r.string(flexible);
      auto instance = r.nullable_string(flexible);
      std::optional<std::string> reason;
      if (version >= 5) reason = r.compact_nullable_string();
      if (flexible) r.tagged_fields();
      if (i == 0) {
        m.member_id = std::move(id);
        m.group_instance_id = std::move(instance);
        m.reason = std::move(reason);
      }
    }
  }
  finish(r, flexible, "LeaveGroupRequest");
  return m;
}

Bytes LeaveGroupResponse::encode(std::int16_t version) const {
  const bool flexible = version >= 4;
  Writer w;
  if (version >= 1) w.int32(throttle_time_ms);
  w.int16(error_code);
  if (version >= 3) {
    w.array_length(members.size(), flexible);
    for (const LeaveGroupMemberResponse& mem : members) {
      w.string(mem.member_id, flexible);
      w.nullable_string(mem.group_instance_id, flexible);
      w.int16(mem.error_code);
      if (flexible) w.tagged_fields();
    }
  }
  if (flexible) w.tagged_fields();
  return w.take();
}

LeaveGroupResponse LeaveGroupResponse::decode(std::span<const std::uint8_t> body, std::int16_t version) {
  const bool flexible = version >= 4;
  Reader r(body);
  LeaveGroupResponse m;
  if (version >= 1) m.throttle_time_ms = r.int32();
  m.error_code = r.int16();
  if (version >= 3) {
    const auto n = r.array_length(flexible, 4);
    for (std::size_t i = 0; n && i < *n; ++i) {
      LeaveGroupMemberResponse mem;
      mem.member_id = r.string(flexible);
      mem.group_instance_id = r.nullable_string(flexible);
      mem.error_code = r.int16();
      if (flexible) r.tagged_fields();
      m.members.push_back(std::move(mem));
    }
  }
  finish(r, flexible, "LeaveGroupResponse");
  return m;
}

// ---- SASL -----------------------------------------------------------------------------------------------

Bytes SaslHandshakeRequest::encode(std::int16_t) const {
  Writer w;
  w.string(mechanism);
  return w.take();
}

SaslHandshakeRequest SaslHandshakeRequest::decode(std::span<const std::uint8_t> body, std::int16_t) {
  Reader r(body);
  SaslHandshakeRequest m;
  m.mechanism = r.string();
  finish(r, false, "SaslHandshakeRequest");
  return m;
}

Bytes SaslHandshakeResponse::encode(std::int16_t) const {
  Writer w;
  w.int16(error_code);
  w.array_length(mechanisms.size(), false);
  for (const std::string& s : mechanisms) w.string(s);
  return w.take();
}

SaslHandshakeResponse SaslHandshakeResponse::decode(std::span<const std::uint8_t> body, std::int16_t) {
  Reader r(body);
  SaslHandshakeResponse m;
  m.error_code = r.int16();
  const auto n = r.array_length(false, 2);
  for (std::size_t i = 0; n && i < *n; ++i) m.mechanisms.push_back(r.string());
  finish(r, false, "SaslHandshakeResponse");
  return m;
}

Bytes SaslAuthenticateRequest::encode(std::int16_t version) const {
  const bool flexible = version >= 2;
  Writer w;
  w.bytes(auth_bytes, flexible);
  if (flexible) w.tagged_fields();
  return w.take();
}

SaslAuthenticateRequest SaslAuthenticateRequest::decode(std::span<const std::uint8_t> body,
                                                        std::int16_t version) {
  const bool flexible = version >= 2;
  Reader r(body);
  SaslAuthenticateRequest m;
  m.auth_bytes = r.bytes(flexible);
  finish(r, flexible, "SaslAuthenticateRequest");
  return m;
}

Bytes SaslAuthenticateResponse::encode(std::int16_t version) const {
  const bool flexible = version >= 2;
  Writer w;
  w.int16(error_code);
  w.nullable_string(error_message, flexible);
  w.bytes(auth_bytes, flexible);
  if (version >= 1) w.int64(session_lifetime_ms);
  if (flexible) w.tagged_fields();
  return w.take();
}

SaslAuthenticateResponse SaslAuthenticateResponse::decode(std::span<const std::uint8_t> body,
                                                          std::int16_t version) {
  const bool flexible = version >= 2;
  Reader r(body);
  SaslAuthenticateResponse m;
  m.error_code = r.int16();
  m.error_message = r.nullable_string(flexible);
  m.auth_bytes = r.bytes(flexible);
  if (version >= 1) m.session_lifetime_ms = r.int64();
  finish(r, flexible, "SaslAuthenticateResponse");
  return m;
}

}  // namespace sluice::kafka::protocol
