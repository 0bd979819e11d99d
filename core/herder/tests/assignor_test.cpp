// Scenarios and expected counts from Kafka's IncrementalCooperativeAssignorTest (two connectors with four
// tasks each; assertAssignment(connectors, tasks, revoked connectors, revoked tasks) counts over all
// workers), plus balance properties over many membership changes.
#include "core/herder/assignor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace sluice::herder {
namespace {

using kafka::ConnectAssignment;
using kafka::ConnectLeaderContext;
using kafka::ConnectProtocol;
using kafka::ConnectWorkerState;

constexpr std::int64_t kDelay = 300000;  // scheduled.rebalance.max.delay.ms default

struct Counts {
  std::size_t connectors = 0, tasks = 0, revoked_connectors = 0, revoked_tasks = 0;
  bool operator==(const Counts&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Counts& c) {
  return os << "(" << c.connectors << ", " << c.tasks << ", " << c.revoked_connectors << ", "
            << c.revoked_tasks << ")";
}

// Drives an assignor through rebalances the way a group does: members report what they run, the leader
// assigns, members apply revocations and assignments.
class Cluster {
 public:
  explicit Cluster(std::int64_t max_delay = kDelay)
      : assignor_(std::make_unique<IncrementalCooperativeAssignor>(std::chrono::milliseconds(max_delay),
                                                                   [this] { return now_; })),
        max_delay_(max_delay) {
    config_.offset = 1;
    config_.task_counts = {{"connector1", 4}, {"connector2", 4}};
  }

  void add(const std::string& worker) { running_[worker]; }
  void remove(const std::string& worker) { running_.erase(worker); }
  void sleep(std::int64_t ms) { now_ += ms; }
  // A new leader starts with a fresh assignor (no memory of earlier rounds).
  void new_leader() {
    assignor_ = std::make_unique<IncrementalCooperativeAssignor>(std::chrono::milliseconds(max_delay_),
                                                                 [this] { return now_; });
  }
  ClusterConfigSnapshot& config() { return config_; }

  // One rebalance; applies the result unless `deliver` is false (the SyncGroup failed).
  Counts rebalance(bool deliver = true) {
    last_ = assignor_->perform_task_assignment(config_, generation_, generation_ + 1, running_);
    ++generation_;
    Counts c;
    for (const auto& [w, a] : last_.newly_assigned) {
      c.connectors += a.connectors.size();
      c.tasks += a.tasks.size();
    }
    for (const auto& [w, r] : last_.newly_revoked) {
      c.revoked_connectors += r.connectors.size();
      c.revoked_tasks += r.tasks.size();
    }
    if (deliver) apply();
    return c;
  }

  std::int32_t delay() const { return assignor_->delay(); }
  const std::map<std::string, ConnectorsAndTasks>& running() const { return running_; }
  const ClusterAssignment& last() const { return last_; }

  // No work is lost or run twice, and loads differ by at most one.
  void expect_balanced_and_complete() const {
    std::vector<std::string> connectors;
    std::vector<ConnectorTaskId> tasks;
    std::size_t min_c = SIZE_MAX, max_c = 0, min_t = SIZE_MAX, max_t = 0;
    for (const auto& [w, a] : running_) {
      connectors.insert(connectors.end(), a.connectors.begin(), a.connectors.end());
      tasks.insert(tasks.end(), a.tasks.begin(), a.tasks.end());
      min_c = std::min(min_c, a.connectors.size());
      max_c = std::max(max_c, a.connectors.size());
      min_t = std::min(min_t, a.tasks.size());
      max_t = std::max(max_t, a.tasks.size());
    }
    std::sort(connectors.begin(), connectors.end());
    std::sort(tasks.begin(), tasks.end());
    std::vector<std::string> expected_connectors;
    std::vector<ConnectorTaskId> expected_tasks;
    for (const auto& [c, n] : config_.task_counts) {
      expected_connectors.push_back(c);
      for (int t = 0; t < n; ++t) expected_tasks.push_back({c, t});
    }
    EXPECT_EQ(connectors, expected_connectors);
    EXPECT_EQ(tasks, expected_tasks);
    EXPECT_LE(max_c - min_c, 1u) << "connectors are not balanced";
    EXPECT_LE(max_t - min_t, 1u) << "tasks are not balanced";
  }

 private:
  void apply() {
    for (auto& [w, current] : running_) {
      const auto& revoked = last_.newly_revoked[w];
      auto drop = [](auto& v, const auto& r) {
        v.erase(std::remove_if(v.begin(), v.end(),
                               [&](const auto& x) { return std::find(r.begin(), r.end(), x) != r.end(); }),
                v.end());
      };
      drop(current.connectors, revoked.connectors);
      drop(current.tasks, revoked.tasks);
      const auto& added = last_.newly_assigned[w];
      current.connectors.insert(current.connectors.end(), added.connectors.begin(), added.connectors.end());
      current.tasks.insert(current.tasks.end(), added.tasks.begin(), added.tasks.end());
    }
  }

  std::int64_t now_ = 1000000;
  std::unique_ptr<IncrementalCooperativeAssignor> assignor_;
  std::int64_t max_delay_;
  ClusterConfigSnapshot config_;
  std::map<std::string, ConnectorsAndTasks> running_;
  ClusterAssignment last_;
  std::int32_t generation_ = 1000;
};

TEST(IncrementalCooperativeAssignor, WorkerJoins) {
  Cluster cluster;
  cluster.add("worker1");
  EXPECT_EQ(cluster.rebalance(), (Counts{2, 8, 0, 0}));
  EXPECT_EQ(cluster.delay(), 0);
  cluster.add("worker2");
  // Only what must move is revoked; nothing is handed out in the same round.
  EXPECT_EQ(cluster.rebalance(), (Counts{0, 0, 1, 4}));
  EXPECT_TRUE(cluster.last().newly_revoked.at("worker2").empty());
  EXPECT_EQ(cluster.rebalance(), (Counts{1, 4, 0, 0}));
  EXPECT_EQ(cluster.last().newly_assigned.at("worker2").tasks.size(), 4u);
  EXPECT_EQ(cluster.rebalance(), (Counts{0, 0, 0, 0}));
  cluster.expect_balanced_and_complete();
}

// Kafka's testTaskAssignmentWhenWorkerJoinAfterRevocation, with the exponential backoff between consecutive
// revoking rebalances of current Kafka: the round right after a revocation revokes nothing,
// hands out what was revoked, and schedules a rebalance 40 ms later.
TEST(IncrementalCooperativeAssignor, WorkersJoinAfterRevocation) {
  Cluster cluster;
  cluster.add("worker1");
  EXPECT_EQ(cluster.rebalance(), (Counts{2, 8, 0, 0}));
  cluster.add("worker2");
  EXPECT_EQ(cluster.rebalance(), (Counts{0, 0, 1, 4}));
  cluster.add("worker3");
  EXPECT_EQ(cluster.rebalance(), (Counts{1, 4, 0, 0}));
  EXPECT_EQ(cluster.delay(), 40);
  std::vector<std::size_t> tasks;
  for (const auto& [w, a] : cluster.running()) tasks.push_back(a.tasks.size());
  std::sort(tasks.begin(), tasks.end());
  EXPECT_EQ(tasks, (std::vector<std::size_t>{2, 2, 4}));
  cluster.sleep(40);
  cluster.add("worker4");
  for (int i = 0; i < 4; ++i) cluster.rebalance();
  EXPECT_EQ(cluster.rebalance(), (Counts{0, 0, 0, 0}));
  EXPECT_EQ(cluster.delay(), 0);
  cluster.expect_balanced_and_complete();
}

TEST(IncrementalCooperativeAssignor, DepartedWorkersWorkWaitsForTheScheduledDelay) {
  Cluster cluster;
  cluster.add("worker1");
  cluster.add("worker2");
  EXPECT_EQ(cluster.rebalance(), (Counts{2, 8, 0, 0}));
  cluster.remove("worker2");
  EXPECT_EQ(cluster.rebalance(), (Counts{0, 0, 0, 0}));
  EXPECT_EQ(cluster.delay(), kDelay);
  cluster.sleep(kDelay / 2);
  EXPECT_EQ(cluster.rebalance(), (Counts{0, 0, 0, 0}));
  EXPECT_EQ(cluster.delay(), kDelay / 2);
  cluster.sleep(kDelay / 2 + 1);
  EXPECT_EQ(cluster.rebalance(), (Counts{1, 4, 0, 0}));
  EXPECT_EQ(cluster.delay(), 0);
  cluster.expect_balanced_and_complete();
}

TEST(IncrementalCooperativeAssignor, ABouncingWorkerGetsItsWorkBack) {
  Cluster cluster;
  cluster.add("worker1");
  cluster.add("worker2");
  EXPECT_EQ(cluster.rebalance(), (Counts{2, 8, 0, 0}));
  const ConnectorsAndTasks worker2_before = cluster.running().at("worker2");
  cluster.remove("worker2");
  EXPECT_EQ(cluster.rebalance(), (Counts{0, 0, 0, 0}));
  EXPECT_EQ(cluster.delay(), kDelay);
  cluster.sleep(kDelay / 2);
  EXPECT_EQ(cluster.rebalance(), (Counts{0, 0, 0, 0}));
  EXPECT_EQ(cluster.delay(), kDelay / 2);
  cluster.sleep(kDelay / 4);
  cluster.add("worker2");  // back, but empty (it restarted)
  EXPECT_EQ(cluster.rebalance(), (Counts{0, 0, 0, 0}));
  EXPECT_EQ(cluster.delay(), kDelay / 4);
  cluster.sleep(kDelay / 4);
  // The delay expired: the lost work goes to the worker that came back.
  EXPECT_EQ(cluster.rebalance(), (Counts{1, 4, 0, 0}));
  EXPECT_EQ(cluster.last().newly_assigned.at("worker2").connectors, worker2_before.connectors);
  EXPECT_EQ(cluster.last().newly_assigned.at("worker2").tasks.size(), 4u);
  EXPECT_EQ(cluster.delay(), 0);
  cluster.expect_balanced_and_complete();
}

TEST(IncrementalCooperativeAssignor, ZeroMaxDelayReassignsLostWorkImmediately) {
  Cluster cluster(0);
  cluster.add("worker1");
  cluster.add("worker2");
  cluster.add("worker3");
  EXPECT_EQ(cluster.rebalance(), (Counts{2, 8, 0, 0}));
  const std::size_t lost_tasks = cluster.running().at("worker3").tasks.size();
  const std::size_t lost_connectors = cluster.running().at("worker3").connectors.size();
  cluster.remove("worker3");
  EXPECT_EQ(cluster.rebalance(), (Counts{lost_connectors, lost_tasks, 0, 0}));
  EXPECT_EQ(cluster.delay(), 0);
  cluster.expect_balanced_and_complete();
}

TEST(IncrementalCooperativeAssignor, NewLeaderStartsFromWhatMembersReport) {
  Cluster cluster;
  cluster.add("worker1");
  cluster.add("worker2");
  cluster.add("worker3");
  EXPECT_EQ(cluster.rebalance(), (Counts{2, 8, 0, 0}));
  const ConnectorsAndTasks leader_work = cluster.running().at("worker1");
  cluster.remove("worker1");
  cluster.new_leader();
  // The new leader never saw worker1's work: it is simply unassigned, so it is assigned at once.
  EXPECT_EQ(cluster.rebalance(), (Counts{leader_work.connectors.size(), leader_work.tasks.size(), 0, 0}));
  EXPECT_EQ(cluster.delay(), 0);
  EXPECT_EQ(cluster.rebalance(), (Counts{0, 0, 0, 0}));
  cluster.expect_balanced_and_complete();
}

TEST(IncrementalCooperativeAssignor, AnUndeliveredAssignmentIsComputedAgainWithoutDelay) {
  Cluster cluster;
  cluster.add("worker1");
  cluster.add("worker2");
  EXPECT_EQ(cluster.rebalance(/*deliver=*/false), (Counts{2, 8, 0, 0}));
  // Members report the same (empty) state; nobody left, so nothing waits for a delay.
  EXPECT_EQ(cluster.rebalance(), (Counts{2, 8, 0, 0}));
  EXPECT_EQ(cluster.delay(), 0);
  cluster.expect_balanced_and_complete();
}

TEST(IncrementalCooperativeAssignor, DeletedConnectorsAreRevokedFromTheirWorkers) {
  Cluster cluster;
  cluster.add("worker1");
  cluster.add("worker2");
  EXPECT_EQ(cluster.rebalance(), (Counts{2, 8, 0, 0}));
  cluster.config().task_counts.erase("connector2");
  cluster.config().offset = 2;
  EXPECT_EQ(cluster.rebalance(), (Counts{0, 0, 1, 4}));
  for (const auto& [w, revoked] : cluster.last().newly_revoked) {
    for (const auto& t : revoked.tasks) EXPECT_EQ(t.connector, "connector2");
  }
  EXPECT_EQ(cluster.rebalance(), (Counts{0, 0, 0, 0}));
  for (const auto& [w, a] : cluster.running()) {
    for (const auto& t : a.tasks) EXPECT_EQ(t.connector, "connector1");
  }
}

TEST(IncrementalCooperativeAssignor, NewTasksGoToTheLeastLoadedWorkers) {
  Cluster cluster;
  cluster.add("worker1");
  cluster.add("worker2");
  EXPECT_EQ(cluster.rebalance(), (Counts{2, 8, 0, 0}));
  cluster.config().task_counts["connector3"] = 3;
  EXPECT_EQ(cluster.rebalance(), (Counts{1, 3, 0, 0}));
  cluster.rebalance();
  cluster.expect_balanced_and_complete();
}

TEST(IncrementalCooperativeAssignor, DuplicatedWorkIsRevokedEverywhereThenAssignedOnce) {
  Cluster cluster;
  cluster.add("worker1");
  cluster.add("worker2");
  EXPECT_EQ(cluster.rebalance(), (Counts{2, 8, 0, 0}));
  // worker2 claims one of worker1's tasks too (e.g. it missed a revocation).
  const ConnectorTaskId stolen = cluster.running().at("worker1").tasks.front();
  auto members = cluster.running();
  members["worker2"].tasks.push_back(stolen);
  IncrementalCooperativeAssignor assignor(std::chrono::milliseconds(kDelay), [] { return 0; });
  ClusterConfigSnapshot config{1, {{"connector1", 4}, {"connector2", 4}}};
  assignor.perform_task_assignment(config, -1, 1, cluster.running());
  const ClusterAssignment r = assignor.perform_task_assignment(config, 1, 2, members);
  EXPECT_EQ(r.newly_revoked.at("worker1").tasks, std::vector<ConnectorTaskId>{stolen});
  EXPECT_EQ(r.newly_revoked.at("worker2").tasks, std::vector<ConnectorTaskId>{stolen});
}

TEST(IncrementalCooperativeAssignor, ConsecutiveRevokingRebalancesAreDelayedWithBackoff) {
  Cluster cluster;
  cluster.config().task_counts = {{"connector1", 12}};
  cluster.add("worker1");
  EXPECT_EQ(cluster.rebalance(), (Counts{1, 12, 0, 0}));
  cluster.add("worker2");
  EXPECT_EQ(cluster.rebalance(), (Counts{0, 0, 0, 6}));  // revoking round
  EXPECT_EQ(cluster.delay(), 0);
  cluster.add("worker3");  // arrives before the revoked tasks were handed out
  // Another revocation would be needed right after one: Kafka's backoff (40 ms first) postpones it.
  const Counts c = cluster.rebalance();
  EXPECT_EQ(c.revoked_tasks, 0u);
  EXPECT_EQ(cluster.delay(), 40);
  cluster.sleep(40);
  for (int i = 0; i < 4; ++i) cluster.rebalance();
  cluster.expect_balanced_and_complete();
}

TEST(IncrementalCooperativeAssignor, StaysBalancedThroughRandomMembershipChanges) {
  std::mt19937 rng(42);
  Cluster cluster(0);
  cluster.config().task_counts = {{"a", 7}, {"b", 3}, {"c", 11}, {"d", 1}, {"e", 5}};
  std::vector<std::string> workers;
  int next_worker = 0;
  for (int round = 0; round < 40; ++round) {
    const bool add = workers.size() < 2 || (workers.size() < 7 && rng() % 2 == 0);
    if (add) {
      workers.push_back("w" + std::to_string(next_worker++));
      cluster.add(workers.back());
    } else {
      const std::size_t victim = rng() % workers.size();
      cluster.remove(workers[victim]);
      workers.erase(workers.begin() + static_cast<std::ptrdiff_t>(victim));
    }
    // Let the cluster converge: a handful of rebalances, as members rejoin after revocations.
    for (int i = 0; i < 6; ++i) cluster.rebalance();
    SCOPED_TRACE("round " + std::to_string(round) + " with " + std::to_string(workers.size()) + " workers");
    cluster.expect_balanced_and_complete();
    EXPECT_EQ(cluster.rebalance(), (Counts{0, 0, 0, 0})) << "a converged cluster is stable";
  }
}

TEST(IncrementalCooperativeAssignor, PerformAssignmentFillsKafkasFields) {
  IncrementalCooperativeAssignor assignor(std::chrono::milliseconds(kDelay), [] { return 0; });
  ConnectLeaderContext context;
  context.leader_id = "m1";
  context.protocol = ConnectProtocol::Sessioned;
  context.generation = 1;
  context.members = {{"m1", ConnectWorkerState{"http://w1/", 5, std::nullopt}},
                     {"m2", ConnectWorkerState{"http://w2/", 5, std::nullopt}}};
  const ClusterConfigSnapshot config{5, {{"connector1", 2}}};
  const AssignmentResult result = assignor.perform_assignment(context, config);
  ASSERT_EQ(result.assignments.size(), 2u);
  std::size_t tasks = 0;
  for (const auto& [member, a] : result.assignments) {
    EXPECT_EQ(a.version, 2);
    EXPECT_EQ(a.error, ConnectAssignment::kNoError);
    EXPECT_EQ(a.leader, "m1");
    EXPECT_EQ(a.leader_url, "http://w1/");
    EXPECT_EQ(a.config_offset, 5);
    EXPECT_EQ(a.delay_ms, 0);
    tasks += a.tasks.size();
    EXPECT_EQ(result.owned.at(member).tasks, a.tasks);
  }
  EXPECT_EQ(tasks, 2u);
}

TEST(Assignors, ALeaderBehindTheConfigTopicAnswersConfigMismatch) {
  ConnectLeaderContext context;
  context.leader_id = "m1";
  context.protocol = ConnectProtocol::Compatible;
  context.members = {{"m1", ConnectWorkerState{"http://w1/", 5, std::nullopt}},
                     {"m2", ConnectWorkerState{"http://w2/", 9, std::nullopt}}};
  const ClusterConfigSnapshot stale{5, {{"connector1", 2}}};
  IncrementalCooperativeAssignor assignor(std::chrono::milliseconds(kDelay), [] { return 0; });
  for (const AssignmentResult& r :
       {assignor.perform_assignment(context, stale), eager_assignment(context, stale)}) {
    ASSERT_EQ(r.assignments.size(), 2u);
    for (const auto& [member, a] : r.assignments) {
      EXPECT_EQ(a.error, ConnectAssignment::kConfigMismatch);
      EXPECT_EQ(a.config_offset, 9);
      EXPECT_EQ(a.leader_url, "http://w1/");
      EXPECT_TRUE(a.connectors.empty());
    }
  }
  // A fresh snapshot that caught up is used instead.
  bool asked = false;
  const AssignmentResult caught_up = assignor.perform_assignment(context, stale, [&] {
    asked = true;
    return ClusterConfigSnapshot{10, {{"connector1", 2}}};
  });
  EXPECT_TRUE(asked);
  EXPECT_EQ(caught_up.assignments.at("m1").error, ConnectAssignment::kNoError);
  EXPECT_EQ(caught_up.assignments.at("m1").config_offset, 10);
}

TEST(EagerAssignor, RoundRobinConnectorsThenTasksOverSortedMembers) {
  ConnectLeaderContext context;
  context.leader_id = "b";
  context.protocol = ConnectProtocol::Eager;
  context.members = {{"b", ConnectWorkerState{"http://b/", 3, std::nullopt}},
                     {"a", ConnectWorkerState{"http://a/", 3, std::nullopt}},
                     {"c", ConnectWorkerState{"http://c/", 2, std::nullopt}}};
  const ClusterConfigSnapshot config{3, {{"x", 2}, {"y", 3}}};
  const AssignmentResult r = eager_assignment(context, config);
  // Connectors x->a, y->b; tasks continue with c: x0->c, x1->a, y0->b, y1->c, y2->a.
  EXPECT_EQ(r.assignments.at("a").connectors, std::vector<std::string>{"x"});
  EXPECT_EQ(r.assignments.at("b").connectors, std::vector<std::string>{"y"});
  EXPECT_TRUE(r.assignments.at("c").connectors.empty());
  EXPECT_EQ(r.assignments.at("a").tasks, (std::vector<ConnectorTaskId>{{"x", 1}, {"y", 2}}));
  EXPECT_EQ(r.assignments.at("b").tasks, (std::vector<ConnectorTaskId>{{"y", 0}}));
  EXPECT_EQ(r.assignments.at("c").tasks, (std::vector<ConnectorTaskId>{{"x", 0}, {"y", 1}}));
  for (const auto& [m, a] : r.assignments) {
    EXPECT_EQ(a.version, 0);
    EXPECT_EQ(a.leader, "b");
    EXPECT_EQ(a.leader_url, "http://b/");
    EXPECT_EQ(a.config_offset, 3);
  }
}

}  // namespace
}  // namespace sluice::herder
