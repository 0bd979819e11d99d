#pragma once
// The group leader's assignment of connectors and tasks to workers, as Kafka Connect computes it:
//   - IncrementalCooperativeAssignor (Kafka's class of the same name, KIP-415) for connect.protocol
//     compatible/sessioned: keeps work where it runs, revokes only what must move (deleted, duplicated, or
//     above a balanced load), hands new and lost work to the least loaded workers, and when a worker
//     disappears waits up to scheduled.rebalance.max.delay.ms for it to come back before reassigning its
//     work (0 = at once). Consecutive revoking rebalances are spaced out with Kafka's exponential backoff.
//   - eager_assignment (Kafka's EagerAssignor) for connect.protocol=eager: connectors round-robin over the
//     workers sorted by member id, then every task round-robin, continuing from where the connectors ended.
// Both answer CONFIG_MISMATCH to everyone when the leader's config snapshot is behind a member's.
//
// Pure logic: no I/O; time comes from the caller. IncrementalCooperativeAssignor keeps state between
// rebalances (the previous assignment, the scheduled delay) and, like Kafka's, is not thread-safe: the
// leader's rebalance thread owns it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/common/connect_ids.hpp"
#include "core/kafka/connect_coordinator.hpp"
#include "core/kafka/connect_protocol.hpp"

namespace sluice::herder {

// What the leader assigns from (the parts of Kafka's ClusterConfigState that assignment needs).
struct ClusterConfigSnapshot {
  std::int64_t offset = -1;                // config topic offset the snapshot reflects
  std::map<std::string, int> task_counts;  // every configured connector -> its number of task configs
};

// Connectors and tasks in insertion order without duplicates (Kafka uses LinkedHashSets).
struct ConnectorsAndTasks {
  std::vector<std::string> connectors;
  std::vector<ConnectorTaskId> tasks;
  bool empty() const { return connectors.empty() && tasks.empty(); }
  bool operator==(const ConnectorsAndTasks&) const = default;
};

// The leader's result: each member's assignment message, and who runs what afterwards (Kafka's LeaderState,
// from which the herder answers "which worker owns connector X").
struct AssignmentResult {
  std::map<std::string, kafka::ConnectAssignment> assignments;  // by member id
  std::map<std::string, ConnectorsAndTasks> owned;  // by member id, after this round's revocations
};

// Kafka's ClusterAssignment: per worker, what is newly assigned, newly revoked, and everything it will run.
struct ClusterAssignment {
  std::map<std::string, ConnectorsAndTasks> newly_assigned;
  std::map<std::string, ConnectorsAndTasks> newly_revoked;
  std::map<std::string, ConnectorsAndTasks> all_assigned;
};

class IncrementalCooperativeAssignor {
 public:
  // `max_delay` is scheduled.rebalance.max.delay.ms (Kafka's default 300000). `now_ms` is the clock (tests
  // pass a fake one).
  explicit IncrementalCooperativeAssignor(std::chrono::milliseconds max_delay,
                                          std::function<std::int64_t()> now_ms = {});

  // The leader's job for one rebalance (performAssignment): decodes nothing, the coordinator already did.
  // `snapshot` should be the leader's latest config; `fresh_snapshot`, when given, is asked once if a member
  // reports a newer config offset (Kafka's configFreshSnapshot).
  AssignmentResult perform_assignment(const kafka::ConnectLeaderContext& context,
                                      const ClusterConfigSnapshot& snapshot,
                                      const std::function<ClusterConfigSnapshot()>& fresh_snapshot = {});

  // The assignment computation itself (Kafka's performTaskAssignment, visible for tests): members' current
  // connectors and tasks in, per-worker increments and revocations out.
  ClusterAssignment perform_task_assignment(
      const ClusterConfigSnapshot& snapshot, std::int32_t last_completed_generation,
      std::int32_t current_generation, const std::map<std::string, ConnectorsAndTasks>& member_assignments);

  // The delay sent with the last assignment (ms; 0 when no rebalance is scheduled).
  std::int32_t delay() const { return delay_; }
  // When the scheduled rebalance is due (clock ms; 0 when none).
  std::int64_t scheduled_rebalance() const { return scheduled_rebalance_; }

 private:
  void handle_lost_assignments(const ConnectorsAndTasks& lost, ConnectorsAndTasks& lost_to_reassign,
                               std::map<std::string, ConnectorsAndTasks>& next, std::int64_t now);
  void reset_delay();
  std::int64_t backoff(std::int64_t attempts) const;

  std::int32_t max_delay_;
  std::function<std::int64_t()> now_ms_;
  ConnectorsAndTasks previous_assignment_;
  ConnectorsAndTasks previous_revocation_;
  bool revoked_in_previous_ = false;
  std::vector<std::string> candidate_workers_;  // insertion order
  std::int64_t scheduled_rebalance_ = 0;
  std::int32_t delay_ = 0;
  std::int32_t previous_generation_ = -1;
  std::set<std::string> previous_members_;
  std::int64_t successive_revoking_rebalances_ = 0;
};

// Kafka's EagerAssignor (connect.protocol=eager).
AssignmentResult eager_assignment(const kafka::ConnectLeaderContext& context,
                                  const ClusterConfigSnapshot& snapshot,
                                  const std::function<ClusterConfigSnapshot()>& fresh_snapshot = {});

}  // namespace sluice::herder
