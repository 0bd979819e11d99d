#pragma once
// GroupMembership: a member of a Kafka consumer group with a custom protocol type, driving the classic group
// protocol itself (librdkafka exposes only the consumer protocol): FindCoordinator through the bootstrap
// brokers, JoinGroup (with MEMBER_ID_REQUIRED handling), SyncGroup, Heartbeat and LeaveGroup, each at the
// newest version both sides support (negotiated with ApiVersions on every connection). It follows Kafka's
// AbstractCoordinator: retries on coordinator moves (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE), rejoins on
// REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID, backs off exponentially between failed
// attempts, treats a session without a heartbeat answer for session.timeout.ms as a lost coordinator, and
// stops on errors no retry can fix (INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT,
// GROUP_AUTHORIZATION_FAILED, ..., a failed SASL authentication, no API version in common), reporting them
// through GroupListener::on_fatal_error and GroupStatus::fatal_error.
//
// Threads: start() launches three threads: the rebalance thread (finds the coordinator, joins and syncs, and
// calls every GroupListener method), the heartbeat thread (heartbeats every heartbeat.interval.ms while the
// member is stable, also while a listener callback runs) and the network thread (Boost.Asio; all socket I/O).
// Connections: one to a bootstrap broker to find the coordinator (closed afterwards unless it is the
// coordinator) and one to the coordinator. TLS and SASL come from BrokerSecurity.
//
// Ownership: the owner keeps the listener alive until stop() returns. stop() (also run by the destructor)
// sends LeaveGroup when asked to and joins the threads; never call it from a listener callback.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/kafka/broker_connection.hpp"
#include "core/kafka/broker_security.hpp"
#include "core/kafka/client.hpp"
#include "core/kafka/protocol/messages.hpp"

namespace sluice::kafka {

struct GroupMembershipConfig {
  std::vector<BrokerAddress> bootstrap_servers;
  std::string group_id;
  std::string client_id;
  std::string protocol_type;
  std::chrono::milliseconds session_timeout{10000};
  std::chrono::milliseconds rebalance_timeout{60000};
  std::chrono::milliseconds heartbeat_interval{3000};
  std::chrono::milliseconds request_timeout{40000};
  std::chrono::milliseconds retry_backoff{100};
  std::chrono::milliseconds retry_backoff_max{1000};
  std::chrono::milliseconds connection_setup_timeout{10000};
  BrokerSecurity security;
};

// Reads a distributed worker's keys with Kafka Connect's defaults: bootstrap.servers (localhost:9092),
// group.id (required), client.id, session.timeout.ms (10000), rebalance.timeout.ms (60000),
// heartbeat.interval.ms (3000), request.timeout.ms (40000), retry.backoff.ms (100), retry.backoff.max.ms
// (1000), socket.connection.setup.timeout.ms (10000) and the security keys (broker_security_from_properties).
// Throws ConfigError, e.g. `Missing required configuration "group.id" which has no default value.`,
// `Invalid value x for configuration session.timeout.ms: Not a number of type INT`, or
// "heartbeat.interval.ms (3000) must be lower than session.timeout.ms (3000)".
GroupMembershipConfig group_membership_config(const Properties& worker, std::string protocol_type);

// A group error that retrying cannot fix; the member stops and reports it (GroupStatus::fatal_error).
class GroupFatalError : public ConnectError {
 public:
  using ConnectError::ConnectError;
};

struct GroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  protocol::Bytes metadata;  // the metadata of the protocol the coordinator selected
};

// Assignment bytes by member id (the leader's SyncGroup payload).
using GroupAssignments = std::map<std::string, protocol::Bytes>;

// Called on the rebalance thread, one call at a time.
class GroupListener {
 public:
  virtual ~GroupListener() = default;
  // The protocols this member supports with their metadata, most preferred first; asked before every
  // JoinGroup.
  virtual std::vector<protocol::JoinGroupProtocol> metadata() = 0;
  // A rebalance is starting (once per rebalance, before the first JoinGroup); generation is the last one this
  // member completed (-1 if none).
  virtual void on_join_prepare(std::int32_t generation, const std::string& member_id) = 0;
  // This member was elected leader: the assignment of every member (all of them should get one).
  virtual GroupAssignments on_leader_elected(const std::string& leader_id, const std::string& protocol,
                                             const std::vector<GroupMember>& members,
                                             bool skip_assignment) = 0;
  // The rebalance completed with this member's assignment from the leader.
  virtual void on_join_complete(std::int32_t generation, const std::string& member_id,
                                const std::string& protocol, const protocol::Bytes& assignment) = 0;
  // The coordinator stayed unreachable for heartbeat.interval.ms while this member held an assignment: the
  // member can no longer be sure it still belongs to the group (Kafka Connect then stops its work).
  virtual void on_membership_lost(const std::string& reason) { (void)reason; }
  // An error no retry can fix stopped the member.
  virtual void on_fatal_error(const std::string& message) { (void)message; }
};

struct GroupStatus {
  bool running = false;
  bool stable = false;  // joined and synced, not rebalancing
  std::int32_t generation = -1;
  std::string member_id;
  std::string leader_id;
  std::string protocol;
  std::optional<BrokerAddress> coordinator;
  std::int32_t coordinator_id = -1;
  // API name -> version last used with the coordinator (ApiVersions, FindCoordinator, JoinGroup, ...).
  std::map<std::string, std::int16_t> api_versions;
  std::int64_t rebalances = 0;  // completed joins
  std::int64_t heartbeats = 0;  // successful heartbeats
  std::optional<std::string> fatal_error;
};

class GroupMembership {
 public:
  GroupMembership(GroupMembershipConfig config, GroupListener& listener);
  ~GroupMembership();
  GroupMembership(const GroupMembership&) = delete;
  GroupMembership& operator=(const GroupMembership&) = delete;

  // Starts the threads; the member joins the group in the background. Call once.
  void start();
  // Stops the threads. With leave_group, a member that joined sends LeaveGroup first (bounded by
  // min(request.timeout.ms, 5 s)) so the group rebalances at once; without it the coordinator notices only
  // after session.timeout.ms, as when a process dies. Idempotent.
  void stop(bool leave_group = true);

  // Rejoin the group as soon as possible (e.g. the config topic changed), or after `delay`.
  void request_rejoin(const std::string& reason);
  void schedule_rejoin(std::chrono::milliseconds delay, const std::string& reason);

  GroupStatus status() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::kafka
