#pragma once
// The Kafka error codes a group member meets (org.apache.kafka.common.protocol.Errors), with Kafka's names
// and default messages for log lines and exceptions.

#include <cstdint>
#include <string>

namespace sluice::kafka::protocol {

enum class ErrorCode : std::int16_t {
  UnknownServerError = -1,
  None = 0,
  RequestTimedOut = 7,
  NetworkException = 13,
  CoordinatorLoadInProgress = 14,
  CoordinatorNotAvailable = 15,
  NotCoordinator = 16,
  IllegalGeneration = 22,
  InconsistentGroupProtocol = 23,
  InvalidGroupId = 24,
  UnknownMemberId = 25,
  InvalidSessionTimeout = 26,
  RebalanceInProgress = 27,
  GroupAuthorizationFailed = 30,
  UnsupportedSaslMechanism = 33,
  IllegalSaslState = 34,
  UnsupportedVersion = 35,
  InvalidRequest = 42,
  SaslAuthenticationFailed = 58,
  GroupIdNotFound = 69,
  MemberIdRequired = 79,
  GroupMaxSizeReached = 81,
  FencedInstanceId = 82,
};

inline bool operator==(std::int16_t code, ErrorCode e) {
  return code == static_cast<std::int16_t>(e);
}

// "REBALANCE_IN_PROGRESS"; "UNKNOWN_ERROR_CODE_<n>" for codes not listed above.
std::string error_name(std::int16_t code);
// Kafka's message for the code ("The group is rebalancing, so a rejoin is needed.").
std::string error_message(std::int16_t code);
// "REBALANCE_IN_PROGRESS (The group is rebalancing, so a rejoin is needed.)"
std::string error_text(std::int16_t code);

}  // namespace sluice::kafka::protocol
