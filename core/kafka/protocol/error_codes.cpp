#include "core/kafka/protocol/error_codes.hpp"

namespace sluice::kafka::protocol {
namespace {

struct Entry {
  ErrorCode code;
  const char* name;
  const char* message;
};

constexpr Entry kEntries[] = {
    {ErrorCode::UnknownServerError, "UNKNOWN_SERVER_ERROR",
     "The server experienced an unexpected error when processing the request."},
    {ErrorCode::None, "NONE", ""},
    {ErrorCode::RequestTimedOut, "REQUEST_TIMED_OUT", "The request timed out."},
    {ErrorCode::NetworkException, "NETWORK_EXCEPTION",
     "The server disconnected before a response was received."},
    {ErrorCode::CoordinatorLoadInProgress, "COORDINATOR_LOAD_IN_PROGRESS",
     "The coordinator is loading and hence can't process requests."},
    {ErrorCode::CoordinatorNotAvailable, "COORDINATOR_NOT_AVAILABLE", "The coordinator is not available."},
    {ErrorCode::NotCoordinator, "NOT_COORDINATOR", "This is not the correct coordinator."},
    {ErrorCode::IllegalGeneration, "ILLEGAL_GENERATION", "Specified group generation id is not valid."},
    {ErrorCode::InconsistentGroupProtocol, "INCONSISTENT_GROUP_PROTOCOL",
     "The group member's supported protocols are incompatible with those of existing members or first group "
     "member "
     "tried to join with empty protocol type or empty protocol list."},
    {ErrorCode::InvalidGroupId, "INVALID_GROUP_ID", "The configured groupId is invalid."},
    {ErrorCode::UnknownMemberId, "UNKNOWN_MEMBER_ID", "The coordinator is not aware of this member."},
    {ErrorCode::InvalidSessionTimeout, "INVALID_SESSION_TIMEOUT",
     "The session timeout is not within the range allowed by the broker (as configured by "
     "group.min.session.timeout.ms and group.max.session.timeout.ms)."},
    {ErrorCode::RebalanceInProgress, "REBALANCE_IN_PROGRESS",
     "The group is rebalancing, so a rejoin is needed."},
    {ErrorCode::GroupAuthorizationFailed, "GROUP_AUTHORIZATION_FAILED", "Group authorization failed."},
    {ErrorCode::UnsupportedSaslMechanism, "UNSUPPORTED_SASL_MECHANISM",
     "The broker does not support the requested SASL mechanism."},
    {ErrorCode::IllegalSaslState, "ILLEGAL_SASL_STATE", "Request is not valid given the current SASL state."},
    {ErrorCode::UnsupportedVersion, "UNSUPPORTED_VERSION", "The version of API is not supported."},
    {ErrorCode::InvalidRequest, "INVALID_REQUEST",
     "This most likely occurs because of a request being malformed by the client library or the message was "
     "sent "
     "to an incompatible broker. See the broker logs for more details."},
    {ErrorCode::SaslAuthenticationFailed, "SASL_AUTHENTICATION_FAILED", "SASL Authentication failed."},
    {ErrorCode::GroupIdNotFound, "GROUP_ID_NOT_FOUND", "The group id does not exist."},
    {ErrorCode::MemberIdRequired, "MEMBER_ID_REQUIRED",
     "The group member needs to have a valid member id before actually entering a consumer group."},
    {ErrorCode::GroupMaxSizeReached, "GROUP_MAX_SIZE_REACHED",
     "The consumer group has reached its max size."},
    {ErrorCode::FencedInstanceId, "FENCED_INSTANCE_ID",
     "The broker rejected this static consumer since another consumer with the same group.instance.id has "
     "registered with a different member.id."},
};

const Entry* find(std::int16_t code) {
  for (const Entry& e : kEntries) {
    if (static_cast<std::int16_t>(e.code) == code) return &e;
  }
  return nullptr;
}

}  // namespace

std::string error_name(std::int16_t code) {
  const Entry* e = find(code);
  return e ? e->name : "UNKNOWN_ERROR_CODE_" + std::to_string(code);
}

std::string error_message(std::int16_t code) {
  const Entry* e = find(code);
  return e ? e->message : "Kafka error code " + std::to_string(code) + ".";
}

std::string error_text(std::int16_t code) {
  return error_name(code) + " (" + error_message(code) + ")";
}

}  // namespace sluice::kafka::protocol
