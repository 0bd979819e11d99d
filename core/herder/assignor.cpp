#include "core/herder/assignor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "core/common/logging.hpp"

namespace sluice::herder {
namespace {

using kafka::ConnectAssignment;

std::shared_ptr<spdlog::logger> logger() {
  static const auto log = log::get("sluice.herder.assignor");
  return log;
}

template <typename T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

template <typename T>
void add_unique(std::vector<T>& to, const T& x) {
  if (!contains(to, x)) to.push_back(x);
}

template <typename T>
void add_all(std::vector<T>& to, const std::vector<T>& from) {
  for (const T& x : from) add_unique(to, x);
}

template <typename T>
void remove_all(std::vector<T>& from, const std::vector<T>& what) {
  from.erase(std::remove_if(from.begin(), from.end(), [&](const T& x) { return contains(what, x); }),
             from.end());
}

void add_all(ConnectorsAndTasks& to, const ConnectorsAndTasks& from) {
  add_all(to.connectors, from.connectors);
  add_all(to.tasks, from.tasks);
}

void remove_all(ConnectorsAndTasks& from, const ConnectorsAndTasks& what) {
  remove_all(from.connectors, what.connectors);
  remove_all(from.tasks, what.tasks);
}

// base minus every subtrahend, sorted (Kafka computes these with TreeSets).
ConnectorsAndTasks diff(const ConnectorsAndTasks& base,
                        std::initializer_list<const ConnectorsAndTasks*> subtract) {
  ConnectorsAndTasks out = base;
  for (const ConnectorsAndTasks* s : subtract) remove_all(out, *s);
  std::sort(out.connectors.begin(), out.connectors.end());
  std::sort(out.tasks.begin(), out.tasks.end());
  return out;
}

// Per worker: what it runs of `items`.
std::map<std::string, ConnectorsAndTasks> intersection(
    const ConnectorsAndTasks& items, const std::map<std::string, ConnectorsAndTasks>& members) {
  std::map<std::string, ConnectorsAndTasks> out;
  for (const auto& [worker, assignment] : members) {
    ConnectorsAndTasks& mine = out[worker];
    for (const auto& c : assignment.connectors) {
      if (contains(items.connectors, c)) add_unique(mine.connectors, c);
    }
    for (const auto& t : assignment.tasks) {
      if (contains(items.tasks, t)) add_unique(mine.tasks, t);
    }
  }
  return out;
}

void add_all(std::map<std::string, ConnectorsAndTasks>& to,
             const std::map<std::string, ConnectorsAndTasks>& from) {
  for (const auto& [worker, items] : from) add_all(to[worker], items);
}

void remove_all(std::map<std::string, ConnectorsAndTasks>& loads,
                const std::map<std::string, ConnectorsAndTasks>& what) {
  for (auto& [worker, load] : loads) {
    if (auto it = what.find(worker); it != what.end()) remove_all(load, it->second);
  }
}

// Revokes from each worker what exceeds a balanced share of `total` resources (Kafka's
// loadBalancingRevocations); `items` picks the connectors or the tasks of a load.
template <typename E, typename Get>
std::map<std::string, std::vector<E>> balancing_revocations(
    std::size_t total, const std::map<std::string, ConnectorsAndTasks>& workers, Get items) {
  const std::size_t n = workers.size();
  const std::size_t min_per_worker = total / n;
  const std::size_t workers_with_extra = total % n;
  std::size_t at_min = 0;
  std::size_t at_min_plus_one = 0;
  for (const auto& [w, load] : workers) {
    const std::size_t size = items(load).size();
    if (size == min_per_worker) ++at_min;
    if (size == min_per_worker + 1) ++at_min_plus_one;
  }
  std::map<std::string, std::vector<E>> out;
  if (at_min_plus_one == workers_with_extra && at_min + at_min_plus_one == n) return out;
  std::size_t extras_given = 0;
  for (const auto& [worker, load] : workers) {
    const std::vector<E>& current = items(load);
    const std::size_t size = current.size();
    if (size <= min_per_worker) continue;
    std::size_t max_for_worker = min_per_worker;
    if (extras_given < workers_with_extra) {
      ++extras_given;
      if (size == min_per_worker + 1) continue;
      max_for_worker = min_per_worker + 1;
    }
    std::vector<E>& revoked = out[worker];
    for (std::size_t i = 0; i + max_for_worker < size; ++i) revoked.push_back(current[i]);
  }
  return out;
}

std::map<std::string, ConnectorsAndTasks> load_balancing_revocations(
    const ConnectorsAndTasks& configured, const std::map<std::string, ConnectorsAndTasks>& workers) {
  std::map<std::string, ConnectorsAndTasks> out;
  const bool all_empty =
      std::all_of(workers.begin(), workers.end(), [](const auto& entry) { return entry.second.empty(); });
  if (all_empty || configured.empty()) return out;
  for (auto& [w, revoked] : balancing_revocations<std::string>(
           configured.connectors.size(), workers,
           [](const ConnectorsAndTasks& l) -> const auto& { return l.connectors; })) {
    out[w].connectors = std::move(revoked);
  }
  for (auto& [w, revoked] : balancing_revocations<ConnectorTaskId>(
           configured.tasks.size(), workers,
           [](const ConnectorsAndTasks& l) -> const auto& { return l.tasks; })) {
    out[w].tasks = std::move(revoked);
  }
  return out;
}

// Round-robin over the least loaded workers first (Kafka's assignConnectors/assignTasks): sort by load then
// name; each pass gives one item to every worker tied with the least loaded one.
template <typename E, typename Get>
void assign_round_robin(std::map<std::string, ConnectorsAndTasks>& loads, const std::vector<E>& to_assign,
                        Get items) {
  if (to_assign.empty() || loads.empty()) return;
  std::vector<std::pair<std::string, ConnectorsAndTasks*>> order;
  for (auto& [w, load] : loads) order.emplace_back(w, &load);
  std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    const std::size_t sa = items(*a.second).size();
    const std::size_t sb = items(*b.second).size();
    return sa != sb ? sa < sb : a.first < b.first;
  });
  auto next = to_assign.begin();
  while (next != to_assign.end()) {
    const std::size_t first_load = items(*order.front().second).size();
    std::size_t up_to = order.size();
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (items(*order[i].second).size() > first_load) {
        up_to = i;
        break;
      }
    }
    for (std::size_t i = 0; i < up_to && next != to_assign.end(); ++i)
      items(*order[i].second).push_back(*next++);
  }
}

ConnectorsAndTasks configured_of(const ClusterConfigSnapshot& snapshot) {
  ConnectorsAndTasks out;
  for (const auto& [connector, count] : snapshot.task_counts) {  // std::map: sorted, as Kafka's TreeSet
    out.connectors.push_back(connector);
    for (int t = 0; t < count; ++t) out.tasks.push_back(ConnectorTaskId{connector, t});
  }
  std::sort(out.tasks.begin(), out.tasks.end());
  return out;
}

std::int64_t max_offset_of(const kafka::ConnectLeaderContext& context) {
  std::int64_t max_offset = -1;
  bool first = true;
  for (const auto& [member, state] : context.members) {
    max_offset = first ? state.config_offset : std::max(max_offset, state.config_offset);
    first = false;
  }
  return max_offset;
}

// Kafka's ensureLeaderConfig: the snapshot to assign from and the offset to announce (the members' maximum,
// or the fresh snapshot's offset when the leader had to catch up), or nullopt when the leader is behind a
// member.
std::optional<std::pair<ClusterConfigSnapshot, std::int64_t>> leader_config(
    std::int64_t max_offset, const ClusterConfigSnapshot& snapshot,
    const std::function<ClusterConfigSnapshot()>& fresh_snapshot) {
  if (snapshot.offset >= max_offset) return std::pair{snapshot, max_offset};
  if (fresh_snapshot) {
    ClusterConfigSnapshot fresh = fresh_snapshot();
    if (fresh.offset >= max_offset) return std::pair{fresh, fresh.offset};
  }
  logger()->info(
      "Was selected to perform assignments, but do not have latest config found in sync request. "
      "Returning an empty configuration to trigger re-sync.");
  return std::nullopt;
}

std::string leader_url_of(const kafka::ConnectLeaderContext& context) {
  const auto it = context.members.find(context.leader_id);
  return it == context.members.end() ? std::string() : it->second.url;
}

AssignmentResult config_mismatch(const kafka::ConnectLeaderContext& context, std::int64_t max_offset) {
  AssignmentResult out;
  for (const auto& [member, state] : context.members) {
    ConnectAssignment a;
    a.version = kafka::connect_protocol_version(context.protocol);
    a.error = ConnectAssignment::kConfigMismatch;
    a.leader = context.leader_id;
    a.leader_url = leader_url_of(context);
    a.config_offset = max_offset;
    out.assignments[member] = a;
  }
  return out;
}

}  // namespace

IncrementalCooperativeAssignor::IncrementalCooperativeAssignor(std::chrono::milliseconds max_delay,
                                                               std::function<std::int64_t()> now_ms)
    : max_delay_(static_cast<std::int32_t>(max_delay.count())), now_ms_(std::move(now_ms)) {
  if (!now_ms_) {
    now_ms_ = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
  }
}

// Kafka's ExponentialBackoff(initial 1 ms, multiplier 40, max = scheduled.rebalance.max.delay.ms, no jitter):
// 40 ms, 1.6 s, 64 s, then the maximum. A maximum of 0 gives 0.
std::int64_t IncrementalCooperativeAssignor::backoff(std::int64_t attempts) const {
  const std::int64_t max_interval = max_delay_;
  const std::int64_t initial = std::min<std::int64_t>(max_interval, max_delay_ == 0 ? 0 : 1);
  const double exp_max =
      max_interval > initial
          ? std::log(static_cast<double>(max_interval) / std::max<double>(initial, 1)) / std::log(40.0)
          : 0;
  if (exp_max == 0) return initial;
  const double exp = std::min(static_cast<double>(attempts), exp_max);
  const auto value = static_cast<std::int64_t>(static_cast<double>(initial) * std::pow(40.0, exp));
  return std::min(value, max_interval);
}

void IncrementalCooperativeAssignor::reset_delay() {
  candidate_workers_.clear();
  scheduled_rebalance_ = 0;
  delay_ = 0;
}

void IncrementalCooperativeAssignor::handle_lost_assignments(const ConnectorsAndTasks& lost,
                                                             ConnectorsAndTasks& lost_to_reassign,
                                                             std::map<std::string, ConnectorsAndTasks>& next,
                                                             std::int64_t now) {
  if (lost.empty() && !revoked_in_previous_) {
    reset_delay();
    return;
  }
  bool all_previous_present = true;
  for (const std::string& m : previous_members_)
    all_previous_present = all_previous_present && next.contains(m);
  if (scheduled_rebalance_ <= 0 && all_previous_present) {
    // Nobody left: the work is missing because some worker missed the last assignment. Reassign it now.
    add_all(lost_to_reassign, lost);
    return;
  }
  if (max_delay_ == 0) {
    logger()->debug(
        "Scheduled rebalance delays are disabled (scheduled.rebalance.max.delay.ms = 0); reassigning "
        "all lost connectors and tasks immediately");
    add_all(lost_to_reassign, lost);
    return;
  }
  if (scheduled_rebalance_ > 0 && now >= scheduled_rebalance_) {
    // The delay expired: give the lost work to the workers that joined meanwhile, or to everyone.
    std::vector<std::string> candidates;
    for (const std::string& w : candidate_workers_) {
      if (next.contains(w)) candidates.push_back(w);
    }
    if (!candidates.empty()) {
      std::size_t i = 0;
      for (const std::string& c : lost.connectors)
        add_unique(next[candidates[i++ % candidates.size()]].connectors, c);
      i = 0;
      for (const ConnectorTaskId& t : lost.tasks)
        add_unique(next[candidates[i++ % candidates.size()]].tasks, t);
    } else {
      add_all(lost_to_reassign, lost);
    }
    reset_delay();
    revoked_in_previous_ = false;
    return;
  }
  for (const auto& [worker, load] : next) {
    if (load.empty()) add_unique(candidate_workers_, worker);
  }
  if (now < scheduled_rebalance_) {
    const std::int64_t remaining = scheduled_rebalance_ - now;
    delay_ = static_cast<std::int32_t>(remaining > 0 ? std::min<std::int64_t>(remaining, max_delay_) : 0);
  } else {
    delay_ = max_delay_;
  }
  scheduled_rebalance_ = now + delay_;
}

ClusterAssignment IncrementalCooperativeAssignor::perform_task_assignment(
    const ClusterConfigSnapshot& snapshot, std::int32_t last_completed_generation,
    std::int32_t current_generation, const std::map<std::string, ConnectorsAndTasks>& member_assignments) {
  const std::int64_t now = now_ms_();
  if (previous_generation_ != last_completed_generation) {
    // The leader did not complete the previous round (or a new leader took over): its memory is stale.
    previous_assignment_ = {};
  }

  const ConnectorsAndTasks configured = configured_of(snapshot);
  ConnectorsAndTasks active;
  for (const auto& [worker, assignment] : member_assignments) add_all(active, assignment);

  if (!previous_revocation_.empty()) {
    const bool revocation_ignored =
        std::any_of(previous_revocation_.connectors.begin(), previous_revocation_.connectors.end(),
                    [&](const std::string& c) { return contains(active.connectors, c); }) ||
        std::any_of(previous_revocation_.tasks.begin(), previous_revocation_.tasks.end(),
                    [&](const ConnectorTaskId& t) { return contains(active.tasks, t); });
    if (revocation_ignored) previous_assignment_ = active;
    previous_revocation_ = {};
  }

  const ConnectorsAndTasks deleted = diff(previous_assignment_, {&configured});
  ConnectorsAndTasks duplicated;
  {
    std::map<std::string, int> connector_count;
    std::map<ConnectorTaskId, int> task_count;
    for (const auto& [worker, assignment] : member_assignments) {
      for (const auto& c : assignment.connectors) ++connector_count[c];
      for (const auto& t : assignment.tasks) ++task_count[t];
    }
    for (const auto& [c, n] : connector_count) {
      if (n > 1) duplicated.connectors.push_back(c);
    }
    for (const auto& [t, n] : task_count) {
      if (n > 1) duplicated.tasks.push_back(t);
    }
  }
  const ConnectorsAndTasks lost = diff(previous_assignment_, {&active, &deleted});
  const ConnectorsAndTasks created = diff(configured, {&previous_assignment_, &active});

  // What each worker runs now, without deleted work: the base of the increments sent this round.
  std::map<std::string, ConnectorsAndTasks> current = member_assignments;
  for (auto& [worker, load] : current) remove_all(load, deleted);

  std::map<std::string, ConnectorsAndTasks> to_revoke;
  const auto deleted_to_revoke = intersection(deleted, member_assignments);
  add_all(to_revoke, deleted_to_revoke);
  const auto duplicated_to_revoke = intersection(duplicated, member_assignments);
  add_all(to_revoke, duplicated_to_revoke);

  std::map<std::string, ConnectorsAndTasks> next = member_assignments;
  remove_all(next, deleted_to_revoke);
  remove_all(next, duplicated_to_revoke);

  ConnectorsAndTasks lost_to_reassign;
  handle_lost_assignments(lost, lost_to_reassign, next, now);

  if (delay_ == 0) {
    const auto balancing = load_balancing_revocations(configured, next);
    if (revoked_in_previous_ && !balancing.empty()) {
      ++successive_revoking_rebalances_;
      delay_ = static_cast<std::int32_t>(backoff(successive_revoking_rebalances_));
      if (delay_ != 0) {
        scheduled_rebalance_ = now + delay_;
        logger()->debug("Skipping revocations in the current round with a delay of {} ms", delay_);
      } else {
        add_all(to_revoke, balancing);
        remove_all(next, balancing);
      }
    } else if (!balancing.empty()) {
      add_all(to_revoke, balancing);
      remove_all(next, balancing);
      revoked_in_previous_ = true;
    } else if (revoked_in_previous_) {
      revoked_in_previous_ = false;
      successive_revoking_rebalances_ = 0;
    }
  } else {
    logger()->debug("Delayed rebalance is active. Delaying {} ms before revoking connectors and tasks",
                    delay_);
    revoked_in_previous_ = false;
  }

  ConnectorsAndTasks to_assign = created;
  add_all(to_assign, lost_to_reassign);
  assign_round_robin(
      next, to_assign.connectors, [](ConnectorsAndTasks & l) -> auto& { return l.connectors; });
  assign_round_robin(
      next, to_assign.tasks, [](ConnectorsAndTasks & l) -> auto& { return l.tasks; });

  ClusterAssignment out;
  for (const auto& [worker, load] : next) {
    ConnectorsAndTasks increment = load;
    if (auto it = current.find(worker); it != current.end()) remove_all(increment, it->second);
    out.newly_assigned[worker] = increment;
    ConnectorsAndTasks revoked;
    if (auto it = to_revoke.find(worker); it != to_revoke.end()) revoked = it->second;
    out.newly_revoked[worker] = revoked;
    ConnectorsAndTasks all = load;
    remove_all(all, revoked);
    out.all_assigned[worker] = all;
  }

  // What the cluster runs after this round, remembering lost work as still assigned (it may come back).
  ConnectorsAndTasks previous;
  for (const auto& [worker, load] : next) add_all(previous, load);
  for (const auto& [worker, revoked] : to_revoke) {
    remove_all(previous, revoked);
    add_all(previous_revocation_, revoked);
  }
  add_all(previous, lost);
  previous_assignment_ = previous;
  previous_generation_ = current_generation;
  previous_members_.clear();
  for (const auto& [worker, assignment] : member_assignments) previous_members_.insert(worker);
  return out;
}

AssignmentResult IncrementalCooperativeAssignor::perform_assignment(
    const kafka::ConnectLeaderContext& context, const ClusterConfigSnapshot& snapshot,
    const std::function<ClusterConfigSnapshot()>& fresh_snapshot) {
  const std::int64_t max_offset = max_offset_of(context);
  const auto config = leader_config(max_offset, snapshot, fresh_snapshot);
  if (!config) return config_mismatch(context, max_offset);

  std::map<std::string, ConnectorsAndTasks> members;
  for (const auto& [member, state] : context.members) {
    ConnectorsAndTasks& a = members[member];
    if (state.assignment) {
      add_all(a.connectors, state.assignment->connectors);
      add_all(a.tasks, state.assignment->tasks);
    }
  }
  const ClusterAssignment cluster =
      perform_task_assignment(config->first, context.last_completed_generation, context.generation, members);

  AssignmentResult out;
  out.owned = cluster.all_assigned;
  for (const auto& [member, state] : context.members) {
    ConnectAssignment a;
    a.version = kafka::connect_protocol_version(context.protocol);
    a.leader = context.leader_id;
    a.leader_url = leader_url_of(context);
    a.config_offset = config->second;
    a.connectors = cluster.newly_assigned.at(member).connectors;
    a.tasks = cluster.newly_assigned.at(member).tasks;
    a.revoked_connectors = cluster.newly_revoked.at(member).connectors;
    a.revoked_tasks = cluster.newly_revoked.at(member).tasks;
    a.delay_ms = delay_;
    out.assignments[member] = a;
  }
  return out;
}

AssignmentResult eager_assignment(const kafka::ConnectLeaderContext& context,
                                  const ClusterConfigSnapshot& snapshot,
                                  const std::function<ClusterConfigSnapshot()>& fresh_snapshot) {
  const std::int64_t max_offset = max_offset_of(context);
  const auto config = leader_config(max_offset, snapshot, fresh_snapshot);
  if (!config) return config_mismatch(context, max_offset);

  std::vector<std::string> members;
  for (const auto& [member, state] : context.members) members.push_back(member);  // std::map: sorted
  AssignmentResult out;
  for (const std::string& m : members) out.owned[m];
  if (!members.empty()) {
    std::size_t next = 0;
    for (const auto& [connector, count] : config->first.task_counts) {
      out.owned[members[next++ % members.size()]].connectors.push_back(connector);
    }
    for (const auto& [connector, count] : config->first.task_counts) {
      for (int t = 0; t < count; ++t)
        out.owned[members[next++ % members.size()]].tasks.push_back({connector, t});
    }
  }
  for (const std::string& m : members) {
    ConnectAssignment a;
    a.version = 0;
    a.leader = context.leader_id;
    a.leader_url = leader_url_of(context);
    a.config_offset = config->second;
    a.connectors = out.owned[m].connectors;
    a.tasks = out.owned[m].tasks;
    out.assignments[m] = a;
  }
  return out;
}

}  // namespace sluice::herder
