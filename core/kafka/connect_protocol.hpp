#pragma once
// Kafka Connect's group sub-protocol (org.apache.kafka.connect.runtime.distributed.ConnectProtocol,
// IncrementalCooperativeConnectProtocol, ConnectProtocolCompatibility): the member metadata a worker sends in
// JoinGroup and the assignment the leader hands out in SyncGroup, byte-compatible with Java workers so that
// sluice and Kafka Connect workers can share a group.
//
//   connect.protocol  wire name    version  metadata                                   assignment
//   eager             "default"    0        Version, Url, ConfigOffset                  Version, Error,
//   Leader,
//                                                                                      LeaderUrl,
//                                                                                      ConfigOffset,
//                                                                                      Assignment
//   compatible        "compatible" 1        ... + Allocation (NULLABLE_BYTES: the      ... + Revoked,
//                                           member's current assignment, itself         ScheduledDelay
//                                           encoded as an assignment)
//   sessioned         "sessioned"  2        same as compatible, header version 2        same, header version
//   2
//
// Strings are Kafka STRING (int16 length), arrays int32-counted, integers big-endian. A connector itself is
// listed as task id -1 (CONNECTOR_TASK) beside its tasks. Readers accept any version >= 0 and tolerate
// missing trailing fields (Java's TOLERATE_MISSING_FIELDS_WITH_DEFAULTS), so every mode reads every other.
// Pure functions; thread-safe.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/connect_ids.hpp"
#include "core/kafka/protocol/messages.hpp"

namespace sluice::kafka {

using protocol::Bytes;

// The worker's `connect.protocol` setting.
enum class ConnectProtocol : std::uint8_t { Eager, Compatible, Sessioned };

// Kafka Connect's group protocol type.
inline constexpr const char* kConnectProtocolType = "connect";
// A connector instance in an assignment's task list.
inline constexpr std::int32_t kConnectorTask = -1;

// "eager", "compatible", "sessioned" (the config values, Kafka's enum names in lower case).
const char* connect_protocol_config_name(ConnectProtocol protocol);
// "default", "compatible", "sessioned" (the protocol names sent in JoinGroup).
const char* connect_protocol_wire_name(ConnectProtocol protocol);
// 0, 1, 2.
std::int16_t connect_protocol_version(ConnectProtocol protocol);
// Parses a `connect.protocol` value, case-insensitively as Kafka does. Throws ConfigError
// "Unknown Connect protocol compatibility mode: <value>" (Kafka's message) otherwise.
ConnectProtocol parse_connect_protocol(std::string_view config_value);
// The mode a coordinator-selected protocol name stands for; nullopt for a name Kafka Connect does not define.
std::optional<ConnectProtocol> connect_protocol_from_wire_name(std::string_view name);

// An assignment (ConnectProtocol.Assignment for version 0, ConnectAssignment/ExtendedAssignment otherwise).
struct ConnectAssignment {
  static constexpr std::int16_t kNoError = 0;
  // Config offsets mismatched in a way the leader could not resolve: read the config topic to the end and
  // rejoin.
  static constexpr std::int16_t kConfigMismatch = 1;

  std::int16_t version = 1;
  std::int16_t error = kNoError;
  std::string leader;
  std::string leader_url;
  std::int64_t config_offset = -1;
  std::vector<std::string> connectors;
  std::vector<ConnectorTaskId> tasks;
  std::vector<std::string> revoked_connectors;  // version >= 1
  std::vector<ConnectorTaskId> revoked_tasks;   // version >= 1
  std::int32_t delay_ms = 0;                    // version >= 1: rejoin after this delay (scheduled rebalance)

  bool failed() const { return error != kNoError; }
  bool operator==(const ConnectAssignment&) const = default;
};

// What a worker tells the group when it joins (WorkerState / ExtendedWorkerState).
struct ConnectWorkerState {
  std::string url;                  // the worker's advertised REST URL
  std::int64_t config_offset = -1;  // how far it has read the config topic
  // The connectors and tasks it runs now (compatible/sessioned only); nullopt is encoded as a null
  // allocation.
  std::optional<ConnectAssignment> assignment;
  bool operator==(const ConnectWorkerState&) const = default;
};

// Member metadata in the layout of `version` (0, 1 or 2). Version 0 drops the allocation.
Bytes encode_connect_metadata(const ConnectWorkerState& state, std::int16_t version);
// Reads metadata of any version. Throws protocol::DecodeError "Unsupported subscription version: <v>" for a
// negative version (Kafka's message) and for truncated data.
ConnectWorkerState decode_connect_metadata(std::span<const std::uint8_t> data);

// An assignment in the layout of `version`: 0 writes the eager schema (no revocations, no delay).
Bytes encode_connect_assignment(const ConnectAssignment& assignment, std::int16_t version);
// Reads an assignment of any version (the version read is stored in the result).
ConnectAssignment decode_connect_assignment(std::span<const std::uint8_t> data);

// The JoinGroup protocols of a worker in `mode`, most preferred first, as Kafka Connect sends them:
// sessioned -> [sessioned, compatible, default]; compatible -> [compatible, default]; eager -> [default].
std::vector<protocol::JoinGroupProtocol> connect_join_protocols(ConnectProtocol mode,
                                                                const ConnectWorkerState& state);

}  // namespace sluice::kafka
