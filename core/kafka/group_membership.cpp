#include "core/kafka/group_membership.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>  // before Asio: Boost 1.74's headers use std::exchange without including it

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/kafka/protocol/error_codes.hpp"
#include "core/kafka/protocol/sasl.hpp"

namespace sluice::kafka {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using protocol::ApiKey;
using protocol::ErrorCode;

std::shared_ptr<spdlog::logger> logger() {
  static const auto log = log::get("sluice.kafka.group");
  return log;
}

std::chrono::milliseconds ms_property(const Properties& p, const std::string& key, std::int64_t default_ms) {
  const auto it = p.find(key);
  if (it == p.end()) return std::chrono::milliseconds(default_ms);
  std::string text = it->second;
  text.erase(0, text.find_first_not_of(" \t"));
  text.erase(text.find_last_not_of(" \t") + 1);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw ConfigError("Invalid value " + it->second + " for configuration " + key +
                      ": Not a number of type INT");
  }
  if (value < 0) {
    throw ConfigError("Invalid value " + it->second + " for configuration " + key +
                      ": Value must be at least 0");
  }
  return std::chrono::milliseconds(value);
}

// The member lost its coordinator: find it again (the group state on the broker may be intact).
class CoordinatorLost : public RetriableError {
 public:
  using RetriableError::RetriableError;
};

// How long the leader waits before SyncGroup on librdkafka's mock cluster (see find_coordinator()).
constexpr std::chrono::milliseconds kMockLeaderSyncDelay{300};

bool is_fatal(std::int16_t code) {
  return code == ErrorCode::InconsistentGroupProtocol || code == ErrorCode::InvalidSessionTimeout ||
         code == ErrorCode::GroupAuthorizationFailed || code == ErrorCode::InvalidGroupId ||
         code == ErrorCode::GroupMaxSizeReached || code == ErrorCode::FencedInstanceId ||
         code == ErrorCode::UnsupportedVersion;
}

bool is_coordinator_error(std::int16_t code) {
  return code == ErrorCode::NotCoordinator || code == ErrorCode::CoordinatorNotAvailable;
}

}  // namespace

GroupMembershipConfig group_membership_config(const Properties& worker, std::string protocol_type) {
  GroupMembershipConfig c;
  const auto servers = worker.find("bootstrap.servers");
  c.bootstrap_servers = parse_bootstrap_servers(servers == worker.end() ? "localhost:9092" : servers->second);
  const auto group = worker.find("group.id");
  if (group == worker.end() || group->second.empty()) {
    throw ConfigError("Missing required configuration \"group.id\" which has no default value.");
  }
  c.group_id = group->second;
  if (const auto id = worker.find("client.id"); id != worker.end()) c.client_id = id->second;
  if (c.client_id.empty()) c.client_id = "sluice-" + c.group_id;
  c.protocol_type = std::move(protocol_type);
  c.session_timeout = ms_property(worker, "session.timeout.ms", 10000);
  c.rebalance_timeout = ms_property(worker, "rebalance.timeout.ms", 60000);
  c.heartbeat_interval = ms_property(worker, "heartbeat.interval.ms", 3000);
  c.request_timeout = ms_property(worker, "request.timeout.ms", 40000);
  c.retry_backoff = ms_property(worker, "retry.backoff.ms", 100);
  c.retry_backoff_max = ms_property(worker, "retry.backoff.max.ms", 1000);
  c.connection_setup_timeout = ms_property(worker, "socket.connection.setup.timeout.ms", 10000);
  if (c.heartbeat_interval >= c.session_timeout) {
    throw ConfigError("heartbeat.interval.ms (" + std::to_string(c.heartbeat_interval.count()) +
                      ") must be lower than session.timeout.ms (" +
                      std::to_string(c.session_timeout.count()) + ")");
  }
  c.security = broker_security_from_properties(worker);
  return c;
}

struct GroupMembership::Impl {
  enum class State { Unjoined, Rebalancing, Stable };

  Impl(GroupMembershipConfig c, GroupListener& l) : config(std::move(c)), listener(l) {
    if (config.bootstrap_servers.empty())
      throw ConfigError("No resolvable bootstrap urls given in bootstrap.servers");
    if (config.group_id.empty())
      throw ConfigError("Missing required configuration \"group.id\" which has no default value.");
    if (config.security.uses_tls()) tls = std::make_unique<TlsContext>(config.security.tls);
  }

  const GroupMembershipConfig config;
  GroupListener& listener;
  std::unique_ptr<TlsContext> tls;

  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread io_thread;
  std::thread rebalance_thread;
  std::thread heartbeat_thread;

  // Guards everything below (a std::mutex rather than sluice::Mutex: the condition variables need it).
  mutable std::mutex mu;
  std::condition_variable cv;     // wakes the rebalance thread
  std::condition_variable hb_cv;  // wakes the heartbeat thread
  bool started = false;
  bool stop_requested = false;
  bool stopped = false;
  bool leave_on_stop = true;
  bool rejoin_needed = true;
  std::string rejoin_reason = "initial join";
  std::optional<Clock::time_point> scheduled_rejoin;
  std::string scheduled_reason;
  bool needs_join_prepare = true;
  State state = State::Unjoined;
  std::int32_t generation = -1;
  std::int32_t last_completed_generation = -1;
  std::string member_id;
  std::string leader_id;
  std::string protocol_name;
  bool coordinator_unknown = true;
  std::optional<Clock::time_point> coordinator_lost_at;
  bool membership_lost_reported = false;
  // Shared by the rebalance thread (owner) and the heartbeat thread, which must keep the connection alive
  // while a Heartbeat is in flight even if the rebalance thread replaces it meanwhile.
  std::shared_ptr<BrokerConnection> coordinator;
  std::shared_ptr<BrokerConnection> connecting;  // being opened; stop() closes it to cut waits short
  std::optional<BrokerAddress> coordinator_address;
  std::int32_t coordinator_id = -1;
  bool coordinator_is_mock = false;
  std::int64_t heartbeats = 0;
  Clock::time_point last_heartbeat_ok{};
  Clock::time_point next_heartbeat{};
  std::map<std::string, std::int16_t> versions_used;
  std::int64_t rebalances = 0;
  std::optional<std::string> fatal_error;
  std::size_t next_bootstrap = 0;
  std::chrono::milliseconds backoff{0};

  ConnectionSettings connection_settings() const {
    ConnectionSettings s;
    s.client_id = config.client_id;
    s.sasl = config.security.sasl;
    s.tls = tls.get();
    s.verify_hostname = config.security.tls.verify_hostname;
    return s;
  }

  std::string group() const { return "group " + config.group_id; }

  void note_version(ApiKey api, std::int16_t v) {
    std::lock_guard lock(mu);
    versions_used[protocol::api_name(api)] = v;
  }

  // Requires mu. Forgets the coordinator (and closes its connection) so the rebalance thread finds it again.
  void mark_coordinator_unknown_locked(const std::string& reason) {
    if (!coordinator_unknown) {
      logger()->info(
          "[{}] Group coordinator {} is unavailable or invalid due to cause: {}. Rediscovery will be "
          "attempted.",
          config.group_id, coordinator_address ? coordinator_address->to_string() : "(unknown)", reason);
      coordinator_unknown = true;
      coordinator_lost_at = Clock::now();
      membership_lost_reported = false;
    }
    if (coordinator) coordinator->close();
    cv.notify_all();
  }

  void mark_coordinator_unknown(const std::string& reason) {
    std::lock_guard lock(mu);
    mark_coordinator_unknown_locked(reason);
  }

  void reset_generation_locked(bool forget_member_id) {
    generation = -1;
    if (forget_member_id) member_id.clear();
    state = State::Unjoined;
    rejoin_needed = true;
  }

  // Waits `d` unless stop() is called meanwhile; false when stopping.
  bool sleep_for(std::chrono::milliseconds d) {
    std::unique_lock lock(mu);
    cv.wait_for(lock, d, [&] { return stop_requested; });
    return !stop_requested;
  }

  std::chrono::milliseconds next_backoff() {
    backoff = backoff.count() == 0 ? config.retry_backoff : std::min(backoff * 2, config.retry_backoff_max);
    return backoff;
  }

  std::shared_ptr<BrokerConnection> open_connection(const BrokerAddress& address) {
    auto conn = std::make_shared<BrokerConnection>(io, connection_settings());
    {
      std::lock_guard lock(mu);
      if (stop_requested) throw BrokerConnectionError("stopping");
      connecting = conn;
    }
    try {
      conn->open(address, config.connection_setup_timeout);
    } catch (...) {
      std::lock_guard lock(mu);
      connecting.reset();
      throw;
    }
    std::lock_guard lock(mu);
    connecting.reset();
    return conn;
  }

  // Finds and connects to the coordinator when it is unknown. Throws on failure (the caller backs off).
  void ensure_coordinator() {
    {
      std::lock_guard lock(mu);
      if (!coordinator_unknown && coordinator && coordinator->is_open()) return;
      if (!coordinator_unknown) mark_coordinator_unknown_locked("the connection to the coordinator was lost");
    }
    try {
      find_coordinator();
    } catch (...) {
      report_membership_lost_if_overdue();
      throw;
    }
  }

  // Kafka Connect revokes its work when the coordinator stays unreachable for heartbeat.interval.ms
  // (WorkerCoordinator.poll): the group may have moved on without this member.
  void report_membership_lost_if_overdue() {
    std::string reason;
    {
      std::lock_guard lock(mu);
      if (membership_lost_reported || last_completed_generation < 0 || !coordinator_lost_at) return;
      const auto unreachable = Clock::now() - *coordinator_lost_at;
      if (unreachable < config.heartbeat_interval) return;
      membership_lost_reported = true;
      reset_generation_locked(false);
      reason = "the group coordinator was unreachable for " +
               std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(unreachable).count()) +
               " ms";
    }
    logger()->warn("[{}] Membership lost: {}", config.group_id, reason);
    listener.on_membership_lost(reason);
  }

  void find_coordinator() {
    BrokerAddress bootstrap;
    {
      std::lock_guard lock(mu);
      bootstrap = config.bootstrap_servers[next_bootstrap % config.bootstrap_servers.size()];
    }
    std::shared_ptr<BrokerConnection> conn;
    try {
      conn = open_connection(bootstrap);
    } catch (const BrokerConnectionError&) {
      std::lock_guard lock(mu);
      ++next_bootstrap;  // try the next bootstrap broker next time
      throw;
    }
    std::int16_t v = 0;
    protocol::FindCoordinatorRequest request{config.group_id, 0};
    const auto response = conn->request<protocol::FindCoordinatorResponse>(ApiKey::FindCoordinator, request,
                                                                           config.request_timeout, &v);
    note_version(ApiKey::FindCoordinator, v);
    if (response.error_code != 0) {
      conn->close();
      const std::string text = protocol::error_text(response.error_code);
      if (response.error_code == ErrorCode::GroupAuthorizationFailed) {
        throw GroupFatalError("FindCoordinator for " + group() + " failed: " + text);
      }
      throw BrokerConnectionError("FindCoordinator for " + group() + " failed: " + text);
    }
    const BrokerAddress address{response.host, response.port};
    if (!(address == bootstrap)) {
      conn->close();
      conn = open_connection(address);
    }
    // librdkafka's mock cluster (`sluice dev-kafka`) is the only "broker" without CreateTopics (every Kafka
    // since 0.10.1 has it). It completes a generation as soon as the leader's SyncGroup arrives and answers
    // followers that sync later with INVALID_REQUEST, so there the leader lets the followers sync first.
    const auto versions = conn->broker_versions();
    const bool mock = !versions.contains(19 /* CreateTopics */);
    std::lock_guard lock(mu);
    coordinator_is_mock = mock;
    versions_used["ApiVersions"] = conn->api_versions_version();
    coordinator = conn;
    coordinator_address = address;
    coordinator_id = response.node_id;
    coordinator_unknown = false;
    coordinator_lost_at.reset();
    logger()->info("[{}] Discovered group coordinator {} (id: {})", config.group_id, address.to_string(),
                   response.node_id);
    hb_cv.notify_all();  // a stable member resumes heartbeating, now to this coordinator
  }

  std::shared_ptr<BrokerConnection> coordinator_connection() {
    std::lock_guard lock(mu);
    if (coordinator_unknown || !coordinator) throw CoordinatorLost("the coordinator is unknown");
    return coordinator;
  }

  // One rebalance: JoinGroup (repeated as the coordinator asks), leader assignment, SyncGroup.
  void join_group() {
    bool prepare = false;
    std::int32_t prepare_generation = -1;
    std::string prepare_member;
    {
      std::lock_guard lock(mu);
      prepare = needs_join_prepare;
      needs_join_prepare = false;
      prepare_generation = last_completed_generation;
      prepare_member = member_id;
    }
    if (prepare) {
      logger()->info("[{}] (Re-)joining group", config.group_id);
      listener.on_join_prepare(prepare_generation, prepare_member);
    }

    for (;;) {
      auto conn = coordinator_connection();
      protocol::JoinGroupRequest join;
      join.group_id = config.group_id;
      join.session_timeout_ms = static_cast<std::int32_t>(config.session_timeout.count());
      join.rebalance_timeout_ms = static_cast<std::int32_t>(config.rebalance_timeout.count());
      join.protocol_type = config.protocol_type;
      join.protocols = listener.metadata();
      {
        std::lock_guard lock(mu);
        if (stop_requested) return;
        join.member_id = member_id;
        join.reason = rejoin_reason;
        state = State::Rebalancing;
        rejoin_needed = false;  // a request_rejoin() from now on asks for another round
        scheduled_rejoin.reset();
      }
      std::int16_t v = 0;
      // The coordinator holds JoinGroup until every member rejoined or rebalance.timeout.ms passed.
      const auto response = conn->request<protocol::JoinGroupResponse>(
          ApiKey::JoinGroup, join, config.rebalance_timeout + std::chrono::seconds(5), &v);
      note_version(ApiKey::JoinGroup, v);
      const std::int16_t code = response.error_code;
      if (code != 0) {
        const std::string text = protocol::error_text(code);
        std::unique_lock lock(mu);
        if (code == ErrorCode::MemberIdRequired) {
          member_id = response.member_id;  // KIP-394: join again with the id the coordinator assigned
          logger()->info("[{}] Request joining group due to: need to re-join with the given member-id: {}",
                         config.group_id, member_id);
          continue;
        }
        if (code == ErrorCode::UnknownMemberId || code == ErrorCode::IllegalGeneration) {
          logger()->info("[{}] JoinGroup failed with {}; resetting the generation and joining again",
                         config.group_id, text);
          reset_generation_locked(code == ErrorCode::UnknownMemberId);
          continue;
        }
        if (code == ErrorCode::RebalanceInProgress) continue;
        if (is_coordinator_error(code)) {
          mark_coordinator_unknown_locked(text);
          throw CoordinatorLost("JoinGroup for " + group() + " failed: " + text);
        }
        if (is_fatal(code)) throw GroupFatalError("JoinGroup for " + group() + " failed: " + text);
        lock.unlock();
        if (code == ErrorCode::CoordinatorLoadInProgress) {
          if (!sleep_for(next_backoff())) return;
          continue;
        }
        throw RetriableError("JoinGroup for " + group() + " failed: " + text);
      }

      const std::string protocol = response.protocol_name.value_or("");
      {
        std::lock_guard lock(mu);
        generation = response.generation_id;
        member_id = response.member_id;
        leader_id = response.leader;
        protocol_name = protocol;
      }
      logger()->info(
          "[{}] Successfully joined group with generation {} as member {} (leader {}, protocol {})",
          config.group_id, response.generation_id, response.member_id, response.leader, protocol);

      protocol::SyncGroupRequest sync;
      sync.group_id = config.group_id;
      sync.generation_id = response.generation_id;
      sync.member_id = response.member_id;
      sync.protocol_type = config.protocol_type;
      sync.protocol_name = protocol;
      if (response.leader == response.member_id) {
        std::vector<GroupMember> members;
        members.reserve(response.members.size());
        for (const auto& m : response.members)
          members.push_back({m.member_id, m.group_instance_id, m.metadata});
        const GroupAssignments assignments =
            listener.on_leader_elected(response.leader, protocol, members, response.skip_assignment);
        for (const auto& [id, bytes] : assignments) sync.assignments.push_back({id, bytes});
        bool mock = false;
        {
          std::lock_guard lock(mu);
          mock = coordinator_is_mock;
        }
        if (mock && response.members.size() > 1 && !sleep_for(kMockLeaderSyncDelay)) return;
      }
      const auto synced =
          conn->request<protocol::SyncGroupResponse>(ApiKey::SyncGroup, sync, config.request_timeout, &v);
      note_version(ApiKey::SyncGroup, v);
      if (synced.error_code != 0) {
        const std::string text = protocol::error_text(synced.error_code);
        std::lock_guard lock(mu);
        if (synced.error_code == ErrorCode::RebalanceInProgress) {
          logger()->info("[{}] SyncGroup failed: {}; joining again", config.group_id, text);
          continue;
        }
        if (synced.error_code == ErrorCode::UnknownMemberId ||
            synced.error_code == ErrorCode::IllegalGeneration) {
          logger()->info("[{}] SyncGroup failed: {}; resetting the generation and joining again",
                         config.group_id, text);
          reset_generation_locked(synced.error_code == ErrorCode::UnknownMemberId);
          continue;
        }
        if (is_coordinator_error(synced.error_code)) {
          mark_coordinator_unknown_locked(text);
          throw CoordinatorLost("SyncGroup for " + group() + " failed: " + text);
        }
        if (is_fatal(synced.error_code))
          throw GroupFatalError("SyncGroup for " + group() + " failed: " + text);
        throw RetriableError("SyncGroup for " + group() + " failed: " + text);
      }

      std::int32_t completed_generation = 0;
      std::string completed_member;
      {
        std::lock_guard lock(mu);
        state = State::Stable;
        last_completed_generation = generation;
        completed_generation = generation;
        completed_member = member_id;
        needs_join_prepare = true;
        membership_lost_reported = false;
        ++rebalances;
        last_heartbeat_ok = Clock::now();
        next_heartbeat = last_heartbeat_ok + config.heartbeat_interval;
        backoff = std::chrono::milliseconds(0);
      }
      hb_cv.notify_all();
      logger()->info("[{}] Successfully synced group in generation {}", config.group_id,
                     completed_generation);
      listener.on_join_complete(completed_generation, completed_member, protocol, synced.assignment);
      return;
    }
  }

  // Stops the member for good after an error no retry can fix.
  void fail(const std::string& message) {
    logger()->error("[{}] {}; the member stops", config.group_id, message);
    {
      std::lock_guard lock(mu);
      fatal_error = message;
      stop_requested = true;
      state = State::Unjoined;
    }
    hb_cv.notify_all();
    listener.on_fatal_error(message);
  }

  void run_rebalance_loop() {
    for (;;) {
      {
        std::unique_lock lock(mu);
        if (stop_requested) break;
      }
      try {
        ensure_coordinator();
        bool join_now = false;
        {
          std::unique_lock lock(mu);
          auto due = [&] {
            return stop_requested || coordinator_unknown || rejoin_needed ||
                   (scheduled_rejoin && Clock::now() >= *scheduled_rejoin);
          };
          if (!due()) {
            if (scheduled_rejoin) {
              cv.wait_until(lock, *scheduled_rejoin, due);
            } else {
              cv.wait(lock, due);
            }
          }
          if (stop_requested) break;
          if (scheduled_rejoin && Clock::now() >= *scheduled_rejoin) {
            rejoin_needed = true;
            rejoin_reason = scheduled_reason;
            scheduled_rejoin.reset();
          }
          join_now = rejoin_needed && !coordinator_unknown;
        }
        if (join_now) join_group();
      } catch (const GroupFatalError& e) {
        fail(e.what());
        break;
      } catch (const protocol::SaslError& e) {
        // Wrong credentials or mechanism: retrying cannot help (Kafka's clients fail the same way).
        fail(e.what());
        break;
      } catch (const UnsupportedVersionError& e) {
        fail(e.what());
        break;
      } catch (const std::exception& e) {
        bool stopping = false;
        {
          std::lock_guard lock(mu);
          stopping = stop_requested;
          rejoin_needed = true;
          if (state == State::Rebalancing) state = State::Unjoined;
        }
        if (stopping) break;
        const auto wait = next_backoff();
        logger()->info("[{}] {}; retrying in {} ms", config.group_id, e.what(), wait.count());
        if (dynamic_cast<const BrokerConnectionError*>(&e) != nullptr ||
            dynamic_cast<const CoordinatorLost*>(&e)) {
          mark_coordinator_unknown(e.what());
        }
        if (!sleep_for(wait)) break;
      }
    }
    leave_group_if_asked();
  }

  void leave_group_if_asked() {
    std::string id;
    std::shared_ptr<BrokerConnection> conn;
    std::optional<BrokerAddress> address;
    {
      std::lock_guard lock(mu);
      if (!leave_on_stop || member_id.empty() || fatal_error) return;
      id = member_id;
      if (coordinator && coordinator->is_open()) conn = coordinator;
      address = coordinator_address;
    }
    const auto budget = std::min(config.request_timeout, std::chrono::milliseconds(5000));
    try {
      if (!conn) {
        if (!address) return;
        conn = std::make_shared<BrokerConnection>(io, connection_settings());
        conn->open(*address, budget);
      }
      logger()->info(
          "[{}] Member {} sending LeaveGroup request to coordinator {} due to the member is being closed",
          config.group_id, id, conn->address().to_string());
      protocol::LeaveGroupRequest leave{config.group_id, id, std::nullopt,
                                        std::string("the member is being closed")};
      std::int16_t v = 0;
      const auto response =
          conn->request<protocol::LeaveGroupResponse>(ApiKey::LeaveGroup, leave, budget, &v);
      note_version(ApiKey::LeaveGroup, v);
      if (response.error_code != 0) {
        logger()->info("[{}] LeaveGroup request failed: {}", config.group_id,
                       protocol::error_text(response.error_code));
      }
    } catch (const std::exception& e) {
      logger()->info("[{}] LeaveGroup request failed: {}", config.group_id, e.what());
    }
    std::lock_guard lock(mu);
    generation = -1;
    member_id.clear();
    state = State::Unjoined;
  }

  void run_heartbeat_loop() {
    std::unique_lock lock(mu);
    for (;;) {
      if (stop_requested) return;
      if (state != State::Stable || coordinator_unknown) {
        hb_cv.wait(lock, [&] { return stop_requested || (state == State::Stable && !coordinator_unknown); });
        continue;
      }
      const auto now = Clock::now();
      if (now - last_heartbeat_ok > config.session_timeout) {
        logger()->info("[{}] No heartbeat answer for longer than session.timeout.ms ({} ms)", config.group_id,
                       config.session_timeout.count());
        mark_coordinator_unknown_locked("session timed out without receiving a heartbeat response");
        continue;
      }
      if (now < next_heartbeat) {
        hb_cv.wait_until(lock, next_heartbeat);
        continue;
      }
      next_heartbeat = now + config.heartbeat_interval;
      const std::int32_t sent_generation = generation;
      protocol::HeartbeatRequest request{config.group_id, generation, member_id, std::nullopt};
      auto conn = coordinator;
      lock.unlock();
      std::int16_t v = 0;
      std::optional<protocol::HeartbeatResponse> response;
      std::string failure;
      try {
        response = conn->request<protocol::HeartbeatResponse>(
            ApiKey::Heartbeat, request, std::min(config.request_timeout, config.session_timeout), &v);
      } catch (const std::exception& e) {
        failure = e.what();
      }
      lock.lock();
      versions_used["Heartbeat"] = v;
      if (stop_requested) return;
      if (generation != sent_generation || conn != coordinator) continue;  // the answer is about an old round
      if (!response) {
        mark_coordinator_unknown_locked("heartbeat failed: " + failure);
        continue;
      }
      const std::int16_t code = response->error_code;
      if (code == 0) {
        last_heartbeat_ok = Clock::now();
        ++heartbeats;
        continue;
      }
      const std::string text = protocol::error_text(code);
      if (code == ErrorCode::RebalanceInProgress) {
        if (!rejoin_needed) {
          logger()->info("[{}] Attempt to heartbeat failed since group is rebalancing", config.group_id);
          rejoin_needed = true;
          rejoin_reason = "group is rebalancing";
          cv.notify_all();
        }
        state = State::Unjoined;  // no more heartbeats until the rejoin completes
      } else if (code == ErrorCode::IllegalGeneration || code == ErrorCode::UnknownMemberId ||
                 code == ErrorCode::FencedInstanceId) {
        logger()->info("[{}] Attempt to heartbeat failed: {}; joining again", config.group_id, text);
        reset_generation_locked(code != ErrorCode::IllegalGeneration);
        rejoin_reason = "heartbeat failed: " + protocol::error_name(code);
        cv.notify_all();
      } else if (is_coordinator_error(code)) {
        mark_coordinator_unknown_locked(text);
      } else {
        logger()->warn("[{}] Heartbeat failed: {}", config.group_id, text);
      }
    }
  }
};

GroupMembership::GroupMembership(GroupMembershipConfig config, GroupListener& listener)
    : impl_(std::make_unique<Impl>(std::move(config), listener)) {}

GroupMembership::~GroupMembership() {
  stop(true);
}

void GroupMembership::start() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->started) throw std::logic_error("GroupMembership::start() called twice");
    impl_->started = true;
  }
  impl_->work.emplace(asio::make_work_guard(impl_->io));
  impl_->io_thread = std::thread([impl = impl_.get()] { impl->io.run(); });
  impl_->heartbeat_thread = std::thread([impl = impl_.get()] { impl->run_heartbeat_loop(); });
  impl_->rebalance_thread = std::thread([impl = impl_.get()] { impl->run_rebalance_loop(); });
}

void GroupMembership::stop(bool leave_group) {
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->started || impl_->stopped) return;
    if (impl_->rebalance_thread.get_id() == std::this_thread::get_id()) {
      throw std::logic_error("GroupMembership::stop() called from a GroupListener callback");
    }
    impl_->stopped = true;
    impl_->stop_requested = true;
    impl_->leave_on_stop = leave_group;
    // A JoinGroup can be held by the coordinator for up to rebalance.timeout.ms, a connection attempt for
    // socket.connection.setup.timeout.ms: cut them short (LeaveGroup reconnects if it needs to).
    if (impl_->state == Impl::State::Rebalancing && impl_->coordinator) impl_->coordinator->close();
    if (impl_->connecting) impl_->connecting->close();
  }
  impl_->cv.notify_all();
  impl_->hb_cv.notify_all();
  if (impl_->rebalance_thread.joinable()) impl_->rebalance_thread.join();  // it sent LeaveGroup
  {
    // Closing fails a Heartbeat still in flight at once instead of after its timeout.
    std::lock_guard lock(impl_->mu);
    if (impl_->coordinator) impl_->coordinator->close();
  }
  if (impl_->heartbeat_thread.joinable()) impl_->heartbeat_thread.join();
  {
    std::lock_guard lock(impl_->mu);
    impl_->coordinator.reset();
  }
  impl_->work.reset();
  impl_->io.stop();
  if (impl_->io_thread.joinable()) impl_->io_thread.join();
}

void GroupMembership::request_rejoin(const std::string& reason) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->rejoin_needed = true;
    impl_->rejoin_reason = reason;
  }
  impl_->cv.notify_all();
}

void GroupMembership::schedule_rejoin(std::chrono::milliseconds delay, const std::string& reason) {
  if (delay.count() <= 0) {
    request_rejoin(reason);
    return;
  }
  {
    std::lock_guard lock(impl_->mu);
    const auto at = Clock::now() + delay;
    if (!impl_->scheduled_rejoin || at < *impl_->scheduled_rejoin) {
      impl_->scheduled_rejoin = at;
      impl_->scheduled_reason = reason;
    }
  }
  impl_->cv.notify_all();
}

GroupStatus GroupMembership::status() const {
  std::lock_guard lock(impl_->mu);
  GroupStatus s;
  s.running = impl_->started && !impl_->stop_requested;
  s.stable = impl_->state == Impl::State::Stable && !impl_->coordinator_unknown;
  s.generation = impl_->generation;
  s.member_id = impl_->member_id;
  s.leader_id = impl_->leader_id;
  s.protocol = impl_->protocol_name;
  s.coordinator = impl_->coordinator_address;
  s.coordinator_id = impl_->coordinator_id;
  s.heartbeats = impl_->heartbeats;
  s.api_versions = impl_->versions_used;
  s.rebalances = impl_->rebalances;
  s.fatal_error = impl_->fatal_error;
  return s;
}

}  // namespace sluice::kafka
