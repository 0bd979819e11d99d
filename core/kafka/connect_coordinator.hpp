#pragma once
// ConnectCoordinator: a Kafka Connect worker's membership in its cluster's group (Kafka's WorkerCoordinator),
// on top of GroupMembership with protocol type "connect". It sends the worker's URL, config offset and (for
// compatible/sessioned) its current assignment as member metadata, hands the leader every member's decoded
// metadata, encodes the leader's assignments in the selected protocol's layout, and turns each completed
// rebalance into on_revoked/on_assigned calls with Kafka Connect's semantics:
//   eager ("default"): before every rebalance everything is revoked; the new assignment is complete.
//   compatible/sessioned: only what the leader lists as revoked is stopped; the new assignment adds to what
//   the worker keeps, and on_assigned receives the complete result.
// A failed assignment (CONFIG_MISMATCH) makes the member rejoin after on_assigned returns (the listener reads
// the config topic to the end meanwhile); an assignment with a delay makes it rejoin after that delay
// (scheduled.rebalance.max.delay.ms).
//
// Threads: every ConnectRebalanceListener method runs on GroupMembership's rebalance thread, one at a time;
// heartbeats continue while they run. The accessors are thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/connect_ids.hpp"
#include "core/kafka/connect_protocol.hpp"
#include "core/kafka/group_membership.hpp"

namespace sluice::kafka {

struct ConnectCoordinatorConfig {
  GroupMembershipConfig group;  // protocol_type "connect"
  std::string rest_url;         // this worker's advertised REST URL
  ConnectProtocol protocol = ConnectProtocol::Sessioned;
};

// The worker keys of group_membership_config() plus connect.protocol (default "sessioned", as in
// Kafka 3.x/4.x).
ConnectCoordinatorConfig connect_coordinator_config(const Properties& worker, std::string rest_url);

// What the leader assigns from.
struct ConnectLeaderContext {
  std::string leader_id;
  ConnectProtocol protocol = ConnectProtocol::Sessioned;  // selected by the coordinator for this generation
  std::int32_t generation = -1;
  std::int32_t last_completed_generation = -1;        // of this member (the leader)
  std::map<std::string, ConnectWorkerState> members;  // by member id
};

class ConnectRebalanceListener {
 public:
  virtual ~ConnectRebalanceListener() = default;
  // How far this worker has read the config topic; asked before every JoinGroup.
  virtual std::int64_t config_offset() = 0;
  // Leader only: one assignment per member id. The error, leader, leader URL and config offset are the
  // assignor's to set; a member missing from the result gets an empty assignment.
  virtual std::map<std::string, ConnectAssignment> on_leader_elected(const ConnectLeaderContext& context) = 0;
  // Stop these connectors and tasks (eager: everything, before rejoining; cooperative: what the leader
  // revoked).
  virtual void on_revoked(const std::string& leader, const std::vector<std::string>& connectors,
                          const std::vector<ConnectorTaskId>& tasks) = 0;
  // The worker's complete assignment after a rebalance.
  virtual void on_assigned(const ConnectAssignment& assignment, std::int32_t generation) = 0;
  // The group stopped the member for good (see GroupListener::on_fatal_error).
  virtual void on_fatal_error(const std::string& message) { (void)message; }
};

class ConnectCoordinator {
 public:
  ConnectCoordinator(ConnectCoordinatorConfig config, ConnectRebalanceListener& listener);
  ~ConnectCoordinator();
  ConnectCoordinator(const ConnectCoordinator&) = delete;
  ConnectCoordinator& operator=(const ConnectCoordinator&) = delete;

  void start();
  void stop(bool leave_group = true);
  void request_rejoin(const std::string& reason);

  GroupStatus status() const;
  // The current complete assignment, if any.
  std::optional<ConnectAssignment> assignment() const;
  // The protocol the group uses now (the configured one until the first rebalance completes).
  ConnectProtocol current_protocol() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::kafka
