// Kafka Connect workers forming a group through the group coordinator of `sluice dev-kafka` (librdkafka's
// mock cluster: JoinGroup 0-5, SyncGroup 0-3, Heartbeat 0-3, LeaveGroup 0-1, FindCoordinator 0-2).
//
// Timing facts of the mock cluster these tests live with: the first join of an empty group waits 3 s
// (group.initial.rebalance.delay.ms) for more members; any later rebalance waits session.timeout.ms - 1 s
// for members to rejoin; a member without heartbeats is removed after session.timeout.ms. The tests use
// session.timeout.ms=6000 and heartbeat.interval.ms=500 (TEST-SERVERS.md).
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/kafka/connect_coordinator.hpp"
#include "core/kafka/dev_broker.hpp"
#include "core/kafka/group_membership.hpp"
#include "tests/support/dev_kafka.hpp"
#include "tests/support/wait.hpp"

namespace sluice::kafka {
namespace {

using namespace std::chrono_literals;
using test::wait_until;

const std::vector<std::string> kConnectors = {"a", "b", "c", "d"};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// A worker's side of the group: records what the coordinator tells it. As leader it spreads kConnectors
// round-robin over the members sorted by URL; cooperatively it revokes only what moves away.
class Worker final : public ConnectRebalanceListener {
 public:
  Worker(const std::string& bootstrap, const std::string& group, const std::string& name,
         ConnectProtocol mode, std::int64_t offset = 3)
      : name_(name), url_("http://" + name + ":8083/"), offset_(offset) {
    ConnectCoordinatorConfig config = connect_coordinator_config({{"bootstrap.servers", bootstrap},
                                                                  {"group.id", group},
                                                                  {"session.timeout.ms", "6000"},
                                                                  {"heartbeat.interval.ms", "500"},
                                                                  {"rebalance.timeout.ms", "20000"},
                                                                  {"client.id", name}},
                                                                 url_);
    config.protocol = mode;
    coordinator_ = std::make_unique<ConnectCoordinator>(config, *this);
  }

  void start() { coordinator_->start(); }
  void stop(bool leave) { coordinator_->stop(leave); }
  ConnectCoordinator& coordinator() { return *coordinator_; }
  const std::string& url() const { return url_; }

  std::int64_t config_offset() override { return offset_; }

  std::map<std::string, ConnectAssignment> on_leader_elected(const ConnectLeaderContext& context) override {
    std::vector<std::pair<std::string, std::string>> by_url;  // url, member
    for (const auto& [member, state] : context.members) by_url.emplace_back(state.url, member);
    std::sort(by_url.begin(), by_url.end());
    std::map<std::string, std::vector<std::string>> desired;
    for (std::size_t i = 0; i < kConnectors.size(); ++i)
      desired[by_url[i % by_url.size()].second].push_back(kConnectors[i]);
    std::map<std::string, ConnectAssignment> out;
    std::int64_t max_offset = -1;
    for (const auto& [member, state] : context.members)
      max_offset = std::max(max_offset, state.config_offset);
    for (const auto& [member, state] : context.members) {
      ConnectAssignment a;
      a.leader = context.leader_id;
      a.leader_url = context.members.at(context.leader_id).url;
      a.config_offset = max_offset;
      const std::vector<std::string> owned =
          state.assignment ? state.assignment->connectors : std::vector<std::string>{};
      for (const auto& c : desired[member]) {
        if (context.protocol == ConnectProtocol::Eager ||
            std::find(owned.begin(), owned.end(), c) == owned.end()) {
          a.connectors.push_back(c);
          a.tasks.push_back({c, 0});
        }
      }
      if (context.protocol != ConnectProtocol::Eager) {
        for (const auto& c : owned) {
          if (std::find(desired[member].begin(), desired[member].end(), c) == desired[member].end()) {
            a.revoked_connectors.push_back(c);
            a.revoked_tasks.push_back({c, 0});
          }
        }
      }
      out[member] = a;
    }
    std::lock_guard lock(mu_);
    leader_views_.push_back(context);
    return out;
  }

  void on_revoked(const std::string&, const std::vector<std::string>& connectors,
                  const std::vector<ConnectorTaskId>& tasks) override {
    std::lock_guard lock(mu_);
    events_.push_back("revoked " + join(sorted(connectors)) + " tasks " + std::to_string(tasks.size()));
  }

  void on_assigned(const ConnectAssignment& assignment, std::int32_t generation) override {
    std::lock_guard lock(mu_);
    events_.push_back("assigned " + join(sorted(assignment.connectors)));
    assignments_[generation] = assignment;
    last_generation_ = generation;
  }

  std::vector<std::string> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  std::optional<ConnectAssignment> assignment_of(std::int32_t generation) const {
    std::lock_guard lock(mu_);
    auto it = assignments_.find(generation);
    if (it == assignments_.end()) return std::nullopt;
    return it->second;
  }
  std::int32_t last_generation() const {
    std::lock_guard lock(mu_);
    return last_generation_;
  }
  std::vector<ConnectLeaderContext> leader_views() const {
    std::lock_guard lock(mu_);
    return leader_views_;
  }

 private:
  std::string name_;
  std::string url_;
  std::int64_t offset_;
  std::unique_ptr<ConnectCoordinator> coordinator_;
  mutable std::mutex mu_;
  std::vector<std::string> events_;
  std::map<std::int32_t, ConnectAssignment> assignments_;
  std::int32_t last_generation_ = -1;
  std::vector<ConnectLeaderContext> leader_views_;
};

// Every worker completed `generation` (or a later one).
bool all_at_generation(const std::vector<Worker*>& workers, std::int32_t generation) {
  return std::all_of(workers.begin(), workers.end(),
                     [&](Worker* w) { return w->last_generation() >= generation; });
}

class GroupMembershipTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { kafka_ = std::make_unique<test::DevKafka>(); }
  static void TearDownTestSuite() { kafka_.reset(); }

  // A group id per test: groups on the shared broker must not see each other.
  std::string group() const {
    return std::string("connect-") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  static std::unique_ptr<test::DevKafka> kafka_;
};

std::unique_ptr<test::DevKafka> GroupMembershipTest::kafka_;

TEST_F(GroupMembershipTest, ThreeWorkersFormAGroupAndEveryoneGetsTheLeadersAssignment) {
  Worker w1(kafka_->bootstrap(), group(), "w1", ConnectProtocol::Sessioned, 3);
  Worker w2(kafka_->bootstrap(), group(), "w2", ConnectProtocol::Sessioned, 7);
  Worker w3(kafka_->bootstrap(), group(), "w3", ConnectProtocol::Sessioned, 5);
  std::vector<Worker*> workers = {&w1, &w2, &w3};
  for (Worker* w : workers) w->start();
  ASSERT_TRUE(wait_until([&] { return all_at_generation(workers, 0); }, 30s,
                         "three workers to complete a rebalance"));

  // One generation, one leader; all three agree.
  const GroupStatus s1 = w1.coordinator().status();
  for (Worker* w : workers) {
    const GroupStatus s = w->coordinator().status();
    EXPECT_TRUE(s.stable);
    EXPECT_EQ(s.generation, s1.generation);
    EXPECT_EQ(s.leader_id, s1.leader_id);
    EXPECT_EQ(s.protocol, "sessioned");
    EXPECT_EQ(w->coordinator().current_protocol(), ConnectProtocol::Sessioned);
  }
  std::set<std::string> member_ids;
  for (Worker* w : workers) member_ids.insert(w->coordinator().status().member_id);
  EXPECT_EQ(member_ids.size(), 3u);

  // Exactly the leader saw every member's metadata: URL, config offset, no assignment yet.
  std::vector<ConnectLeaderContext> views;
  Worker* leader = nullptr;
  for (Worker* w : workers) {
    for (const auto& v : w->leader_views()) {
      views.push_back(v);
      leader = w;
    }
  }
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(leader->coordinator().status().member_id, s1.leader_id);
  EXPECT_EQ(views[0].protocol, ConnectProtocol::Sessioned);
  ASSERT_EQ(views[0].members.size(), 3u);
  std::map<std::string, std::int64_t> offsets;
  for (const auto& [id, state] : views[0].members) {
    EXPECT_TRUE(member_ids.contains(id));
    EXPECT_FALSE(state.assignment);
    offsets[state.url] = state.config_offset;
  }
  EXPECT_EQ(offsets, (std::map<std::string, std::int64_t>{{w1.url(), 3}, {w2.url(), 7}, {w3.url(), 5}}));

  // The leader's assignment reached each member through SyncGroup.
  const std::int32_t generation = s1.generation;
  const std::map<std::string, std::vector<std::string>> expected = {
      {"w1", {"a", "d"}}, {"w2", {"b"}}, {"w3", {"c"}}};
  for (auto [w, name] : {std::pair{&w1, "w1"}, std::pair{&w2, "w2"}, std::pair{&w3, "w3"}}) {
    const auto a = w->assignment_of(generation);
    ASSERT_TRUE(a) << name;
    EXPECT_EQ(a->connectors, expected.at(name)) << name;
    EXPECT_EQ(a->leader, s1.leader_id);
    EXPECT_EQ(a->leader_url, leader->url());
    EXPECT_EQ(a->config_offset, 7);
    EXPECT_EQ(a->version, 2);
    EXPECT_EQ(w->events(), (std::vector<std::string>{"assigned " + join(expected.at(name))})) << name;
  }

  // Versions: the newest each side supports (the mock's maxima are below ours).
  const GroupStatus s = w2.coordinator().status();
  EXPECT_EQ(s.api_versions.at("FindCoordinator"), 2);
  EXPECT_EQ(s.api_versions.at("JoinGroup"), 5);
  EXPECT_EQ(s.api_versions.at("SyncGroup"), 3);
  // The mock knows ApiVersions 0-2: it answers our v3 with UNSUPPORTED_VERSION and the client asks again with v2.
  EXPECT_EQ(s.api_versions.at("ApiVersions"), 2);

  // Heartbeats keep the group stable: well past session.timeout.ms nobody was evicted and nothing rebalanced.
  ASSERT_TRUE(wait_until(
      [&] {
        return std::all_of(workers.begin(), workers.end(),
                           [](Worker* w) { return w->coordinator().status().heartbeats >= 16; });
      },
      30s, "16 heartbeats (8 s at 500 ms) from each worker"));
  for (Worker* w : workers) {
    const GroupStatus after = w->coordinator().status();
    EXPECT_EQ(after.generation, generation);
    EXPECT_EQ(after.rebalances, 1);
    EXPECT_TRUE(after.stable);
    EXPECT_EQ(after.api_versions.at("Heartbeat"), 3);
  }
}

TEST_F(GroupMembershipTest, AMemberThatLeavesTriggersACooperativeRebalance) {
  Worker w1(kafka_->bootstrap(), group(), "w1", ConnectProtocol::Compatible);
  Worker w2(kafka_->bootstrap(), group(), "w2", ConnectProtocol::Compatible);
  Worker w3(kafka_->bootstrap(), group(), "w3", ConnectProtocol::Compatible);
  std::vector<Worker*> all = {&w1, &w2, &w3};
  for (Worker* w : all) w->start();
  ASSERT_TRUE(wait_until([&] { return all_at_generation(all, 0); }, 30s, "three workers to join"));
  const std::int32_t first = w1.coordinator().status().generation;

  w3.stop(true);
  EXPECT_EQ(w3.coordinator().status().api_versions.at("LeaveGroup"), 1);
  std::vector<Worker*> rest = {&w1, &w2};
  ASSERT_TRUE(wait_until([&] { return all_at_generation(rest, first + 1); }, 30s,
                         "the two remaining workers to rebalance after w3 left"));
  // Round-robin over two workers: w1 keeps a and gets c, gives up d; w2 keeps b and gets d. Only moved work
  // was revoked; each worker's complete assignment is what it kept plus what it got.
  EXPECT_EQ(w1.events(), (std::vector<std::string>{"assigned a,d", "revoked d tasks 1", "assigned a,c"}));
  EXPECT_EQ(w2.events(), (std::vector<std::string>{"assigned b", "assigned b,d"}));
  const auto a1 = w1.assignment_of(first + 1);
  ASSERT_TRUE(a1);
  EXPECT_EQ(a1->revoked_connectors, std::vector<std::string>{"d"});
  EXPECT_EQ(w1.coordinator().status().protocol, "compatible");
  for (Worker* w : rest) EXPECT_EQ(w->coordinator().status().rebalances, 2);
}

TEST_F(GroupMembershipTest, EagerWorkersRevokeEverythingBeforeEachRebalance) {
  Worker w1(kafka_->bootstrap(), group(), "w1", ConnectProtocol::Eager);
  Worker w2(kafka_->bootstrap(), group(), "w2", ConnectProtocol::Eager);
  w1.start();
  w2.start();
  std::vector<Worker*> both = {&w1, &w2};
  ASSERT_TRUE(wait_until([&] { return all_at_generation(both, 0); }, 30s, "two eager workers to join"));
  const std::int32_t first = w1.coordinator().status().generation;
  EXPECT_EQ(w1.coordinator().status().protocol, "default");

  w1.coordinator().request_rejoin("test");
  ASSERT_TRUE(
      wait_until([&] { return all_at_generation(both, first + 1); }, 30s, "a second eager rebalance"));
  EXPECT_EQ(w1.events(), (std::vector<std::string>{"assigned a,c", "revoked a,c tasks 2", "assigned a,c"}));
  EXPECT_EQ(w2.events(), (std::vector<std::string>{"assigned b,d", "revoked b,d tasks 2", "assigned b,d"}));
  EXPECT_EQ(w2.assignment_of(first + 1)->version, 0);
}

TEST_F(GroupMembershipTest, AMemberThatStopsHeartbeatingIsEvictedAfterTheSessionTimeout) {
  Worker w1(kafka_->bootstrap(), group(), "w1", ConnectProtocol::Sessioned);
  Worker w2(kafka_->bootstrap(), group(), "w2", ConnectProtocol::Sessioned);
  Worker w3(kafka_->bootstrap(), group(), "w3", ConnectProtocol::Sessioned);
  std::vector<Worker*> all = {&w1, &w2, &w3};
  for (Worker* w : all) w->start();
  ASSERT_TRUE(wait_until([&] { return all_at_generation(all, 0); }, 30s, "three workers to join"));
  const std::int32_t first = w1.coordinator().status().generation;

  // As if the process died: no LeaveGroup, no more heartbeats.
  const auto stopped_at = std::chrono::steady_clock::now();
  w3.stop(false);
  std::vector<Worker*> rest = {&w1, &w2};
  ASSERT_TRUE(wait_until([&] { return all_at_generation(rest, first + 1); }, 40s,
                         "the coordinator to evict w3 and the others to rebalance"));
  const auto took = std::chrono::steady_clock::now() - stopped_at;
  // Eviction waits for session.timeout.ms (6 s); a LeaveGroup would have started the rebalance at once.
  EXPECT_GE(took, 6s);
  const auto a1 = w1.assignment_of(first + 1);
  const auto a2 = w2.assignment_of(first + 1);
  ASSERT_TRUE(a1 && a2);
  std::vector<std::string> union_of = a1->connectors;
  union_of.insert(union_of.end(), a2->connectors.begin(), a2->connectors.end());
  EXPECT_EQ(sorted(union_of), kConnectors);
  EXPECT_EQ(w1.leader_views().size() + w2.leader_views().size(), 2u - (w3.leader_views().empty() ? 0u : 1u))
      << "one leader per generation";
}

// ---- failure handling, with the mock cluster in-process for error injection ------------------------------

class Member final : public GroupListener {
 public:
  std::vector<protocol::JoinGroupProtocol> metadata() override { return {{"default", {0x00, 0x01}}}; }
  void on_join_prepare(std::int32_t, const std::string&) override {}
  GroupAssignments on_leader_elected(const std::string&, const std::string&,
                                     const std::vector<GroupMember>& members, bool) override {
    GroupAssignments out;
    for (const auto& m : members) out[m.member_id] = protocol::Bytes{0x42};
    return out;
  }
  void on_join_complete(std::int32_t generation, const std::string&, const std::string&,
                        const protocol::Bytes& assignment) override {
    std::lock_guard lock(mu);
    completed.emplace_back(generation, assignment);
  }
  void on_fatal_error(const std::string& message) override {
    std::lock_guard lock(mu);
    fatal = message;
  }
  std::size_t completions() {
    std::lock_guard lock(mu);
    return completed.size();
  }
  std::mutex mu;
  std::vector<std::pair<std::int32_t, protocol::Bytes>> completed;
  std::optional<std::string> fatal;
};

GroupMembershipConfig fast_config(const std::string& bootstrap, const std::string& group) {
  GroupMembershipConfig c = group_membership_config({{"bootstrap.servers", bootstrap},
                                                     {"group.id", group},
                                                     {"session.timeout.ms", "6000"},
                                                     {"heartbeat.interval.ms", "500"},
                                                     {"rebalance.timeout.ms", "20000"}},
                                                    "connect");
  return c;
}

TEST(GroupMembershipFailures, JoinRetriesThroughCoordinatorErrorsAndRebalances) {
  DevBroker broker(3);
  // The first JoinGroup answers come back with errors the member must retry through.
  rd_kafka_mock_push_request_errors(&broker.mock_cluster(), 11 /* JoinGroup */, 4,
                                    RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
                                    RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS,
                                    RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_MEMBER_ID_REQUIRED);
  Member listener;
  GroupMembership member(fast_config(broker.bootstrap(), "retries"), listener);
  member.start();
  ASSERT_TRUE(
      wait_until([&] { return listener.completions() == 1; }, 30s, "the member to join despite the errors"));
  EXPECT_EQ(listener.completed[0].second, protocol::Bytes{0x42});
  EXPECT_TRUE(member.status().stable);
  member.stop();
}

TEST(GroupMembershipFailures, FollowsTheCoordinatorWhenItMoves) {
  DevBroker broker(3);
  Member listener;
  GroupMembership member(fast_config(broker.bootstrap(), "moving"), listener);
  member.start();
  ASSERT_TRUE(wait_until([&] { return listener.completions() == 1; }, 30s, "the member to join"));
  const GroupStatus before = member.status();
  ASSERT_GE(before.coordinator_id, 1);

  // Move the group to another broker. The old one answers heartbeats with NOT_COORDINATOR; the member finds
  // the new coordinator and keeps heartbeating there (the mock keeps group state cluster-wide, so no rejoin).
  const std::int32_t target = before.coordinator_id % 3 + 1;
  rd_kafka_mock_coordinator_set(&broker.mock_cluster(), "group", "moving", target);
  ASSERT_TRUE(wait_until(
      [&] {
        const GroupStatus s = member.status();
        return s.coordinator_id == target && s.stable && s.heartbeats >= before.heartbeats + 4;
      },
      30s, "heartbeats to the new coordinator"));
  const GroupStatus after = member.status();
  EXPECT_NE(after.coordinator, before.coordinator);
  EXPECT_EQ(after.generation, before.generation);
  member.stop();
}

TEST(GroupMembershipFailures, StopDuringAPendingJoinReturnsPromptly) {
  DevBroker broker(1);
  Member listener;
  GroupMembership member(fast_config(broker.bootstrap(), "stopping"), listener);
  member.start();
  // The mock holds the first JoinGroup of an empty group for 3 s (group.initial.rebalance.delay.ms).
  ASSERT_TRUE(wait_until([&] { return member.status().coordinator.has_value(); }, 10s, "the coordinator"));
  const auto started = std::chrono::steady_clock::now();
  member.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_EQ(listener.completions(), 0u);
  EXPECT_FALSE(member.status().running);
}

TEST(GroupMembershipFailures, InconsistentProtocolsStopTheMemberWithKafkasError) {
  DevBroker broker(1);
  rd_kafka_mock_push_request_errors(&broker.mock_cluster(), 11 /* JoinGroup */, 1,
                                    RD_KAFKA_RESP_ERR_INCONSISTENT_GROUP_PROTOCOL);
  Member listener;
  GroupMembership member(fast_config(broker.bootstrap(), "inconsistent"), listener);
  member.start();
  ASSERT_TRUE(wait_until(
      [&] {
        std::lock_guard lock(listener.mu);
        return listener.fatal.has_value();
      },
      20s, "the fatal error"));
  EXPECT_EQ(
      *listener.fatal,
      "JoinGroup for group inconsistent failed: INCONSISTENT_GROUP_PROTOCOL (The group member's supported "
      "protocols are incompatible with those of existing members or first group member tried to join with "
      "empty protocol type or empty protocol list.)");
  EXPECT_EQ(member.status().fatal_error, listener.fatal);
  EXPECT_FALSE(member.status().running);
  member.stop();
}

}  // namespace
}  // namespace sluice::kafka
