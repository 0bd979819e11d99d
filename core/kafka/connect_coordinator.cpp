#include "core/kafka/connect_coordinator.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"

namespace sluice::kafka {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  static const auto log = log::get("sluice.kafka.connect-coordinator");
  return log;
}

template <typename T>
void remove_all(std::vector<T>& from, const std::vector<T>& what) {
  from.erase(std::remove_if(from.begin(), from.end(),
                            [&](const T& x) { return std::find(what.begin(), what.end(), x) != what.end(); }),
             from.end());
}

template <typename T>
void add_missing(std::vector<T>& to, const std::vector<T>& what) {
  for (const T& x : what) {
    if (std::find(to.begin(), to.end(), x) == to.end()) to.push_back(x);
  }
}

}  // namespace

ConnectCoordinatorConfig connect_coordinator_config(const Properties& worker, std::string rest_url) {
  ConnectCoordinatorConfig c;
  c.group = group_membership_config(worker, kConnectProtocolType);
  c.rest_url = std::move(rest_url);
  if (const auto it = worker.find("connect.protocol"); it != worker.end()) {
    c.protocol = parse_connect_protocol(it->second);
  }
  return c;
}

struct ConnectCoordinator::Impl final : GroupListener {
  Impl(ConnectCoordinatorConfig c, ConnectRebalanceListener& l)
      : config(std::move(c)), listener(l), current(config.protocol), membership(config.group, *this) {}

  std::vector<protocol::JoinGroupProtocol> metadata() override {
    ConnectWorkerState state;
    state.url = config.rest_url;
    state.config_offset = listener.config_offset();
    {
      std::lock_guard lock(mu);
      state.assignment = snapshot;
    }
    return connect_join_protocols(config.protocol, state);
  }

  void on_join_prepare(std::int32_t, const std::string&) override {
    logger()->info("[{}] Rebalance started", config.group.group_id);
    std::optional<ConnectAssignment> revoke;
    {
      std::lock_guard lock(mu);
      if (current == ConnectProtocol::Eager && snapshot && !snapshot->failed()) revoke = snapshot;
    }
    if (revoke) {
      logger()->debug("[{}] Revoking previous assignment", config.group.group_id);
      listener.on_revoked(revoke->leader, revoke->connectors, revoke->tasks);
    } else {
      logger()->debug(
          "[{}] Cooperative rebalance triggered. Keeping assignment until it's explicitly revoked.",
          config.group.group_id);
    }
  }

  GroupAssignments on_leader_elected(const std::string& leader_id, const std::string& protocol,
                                     const std::vector<GroupMember>& members, bool skip_assignment) override {
    const auto selected = connect_protocol_from_wire_name(protocol);
    if (!selected) {
      throw GroupFatalError("The group coordinator selected protocol '" + protocol +
                            "', which Kafka Connect does not define");
    }
    ConnectLeaderContext context;
    context.leader_id = leader_id;
    context.protocol = *selected;
    const GroupStatus status = membership.status();
    context.generation = status.generation;
    {
      std::lock_guard lock(mu);
      context.last_completed_generation = last_completed_generation;
    }
    for (const GroupMember& m : members)
      context.members.emplace(m.member_id, decode_connect_metadata(m.metadata));
    GroupAssignments out;
    if (skip_assignment) return out;
    std::map<std::string, ConnectAssignment> assignments = listener.on_leader_elected(context);
    const auto leader = context.members.find(leader_id);
    const std::int16_t version = connect_protocol_version(*selected);
    for (const auto& [member, state] : context.members) {
      auto it = assignments.find(member);
      ConnectAssignment a;
      if (it != assignments.end()) {
        a = it->second;
      } else {
        a.leader = leader_id;
        a.leader_url = leader != context.members.end() ? leader->second.url : std::string();
        a.config_offset = state.config_offset;
      }
      a.version = version;
      out.emplace(member, encode_connect_assignment(a, version));
    }
    return out;
  }

  void on_join_complete(std::int32_t generation, const std::string&, const std::string& protocol,
                        const protocol::Bytes& bytes) override {
    ConnectAssignment assignment;
    try {
      assignment = decode_connect_assignment(bytes);
    } catch (const protocol::DecodeError& e) {
      logger()->error("[{}] Cannot read the assignment from the group leader ({}); rejoining",
                      config.group.group_id, e.what());
      membership.request_rejoin("unreadable assignment");
      return;
    }
    const ConnectProtocol mode = connect_protocol_from_wire_name(protocol).value_or(ConnectProtocol::Eager);
    {
      std::lock_guard lock(mu);
      current = mode;
    }
    if (mode != ConnectProtocol::Eager) {
      if (!assignment.revoked_connectors.empty() || !assignment.revoked_tasks.empty()) {
        listener.on_revoked(assignment.leader, assignment.revoked_connectors, assignment.revoked_tasks);
      }
      std::lock_guard lock(mu);
      if (snapshot) {
        remove_all(snapshot->connectors, assignment.revoked_connectors);
        remove_all(snapshot->tasks, assignment.revoked_tasks);
        add_missing(assignment.connectors, snapshot->connectors);
        add_missing(assignment.tasks, snapshot->tasks);
      }
    }
    {
      std::lock_guard lock(mu);
      snapshot = assignment;
      last_completed_generation = generation;
    }
    listener.on_assigned(assignment, generation);
    if (assignment.failed()) {
      membership.request_rejoin("the assignment failed with error " + std::to_string(assignment.error));
    } else if (assignment.delay_ms > 0) {
      membership.schedule_rejoin(std::chrono::milliseconds(assignment.delay_ms), "scheduled rebalance");
    }
  }

  void on_membership_lost(const std::string& reason) override {
    std::optional<ConnectAssignment> revoke;
    {
      std::lock_guard lock(mu);
      if (snapshot && !snapshot->failed()) revoke = snapshot;
      snapshot.reset();
    }
    if (revoke) {
      logger()->info(
          "[{}] {}. Revoking previous assignment to avoid running tasks while not being a member of the "
          "group",
          config.group.group_id, reason);
      listener.on_revoked(revoke->leader, revoke->connectors, revoke->tasks);
    }
  }

  void on_fatal_error(const std::string& message) override { listener.on_fatal_error(message); }

  const ConnectCoordinatorConfig config;
  ConnectRebalanceListener& listener;
  mutable std::mutex mu;
  std::optional<ConnectAssignment> snapshot;
  std::int32_t last_completed_generation = -1;
  ConnectProtocol current;
  GroupMembership membership;  // last: its threads call the members above
};

ConnectCoordinator::ConnectCoordinator(ConnectCoordinatorConfig config, ConnectRebalanceListener& listener)
    : impl_(std::make_unique<Impl>(std::move(config), listener)) {}

ConnectCoordinator::~ConnectCoordinator() {
  stop(true);
}

void ConnectCoordinator::start() {
  impl_->membership.start();
}

void ConnectCoordinator::stop(bool leave_group) {
  impl_->membership.stop(leave_group);
}

void ConnectCoordinator::request_rejoin(const std::string& reason) {
  impl_->membership.request_rejoin(reason);
}

GroupStatus ConnectCoordinator::status() const {
  return impl_->membership.status();
}

std::optional<ConnectAssignment> ConnectCoordinator::assignment() const {
  std::lock_guard lock(impl_->mu);
  return impl_->snapshot;
}

ConnectProtocol ConnectCoordinator::current_protocol() const {
  std::lock_guard lock(impl_->mu);
  return impl_->current;
}

}  // namespace sluice::kafka
