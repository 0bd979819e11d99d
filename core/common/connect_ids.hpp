#pragma once
// Small vocabulary shared by the worker, the herders and the REST layer.

#include <charconv>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

// A connector's task: "<connector>-<task>" in logs and internal topics.
struct ConnectorTaskId {
  std::string connector;
  int task = 0;
  auto operator<=>(const ConnectorTaskId&) const = default;
  std::string to_string() const { return connector + "-" + std::to_string(task); }
};

// "<connector>-<n>" back into an id (ConnectorTaskId::to_string's inverse, as internal-topic keys need): the
// connector name may contain '-', the task number follows the last one. nullopt when there is no number.
inline std::optional<ConnectorTaskId> parse_connector_task_id(std::string_view text) {
  const auto dash = text.rfind('-');
  if (dash == std::string_view::npos) return std::nullopt;
  int task = 0;
  const std::string_view digits = text.substr(dash + 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), task);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return ConnectorTaskId{std::string(text.substr(0, dash)), task};
}

// What the user asked a connector to be (Kafka's TargetState).
enum class TargetState : std::uint8_t { Started, Paused, Stopped };

inline const char* target_state_name(TargetState state) {
  switch (state) {
    case TargetState::Started: return "STARTED";
    case TargetState::Paused: return "PAUSED";
    case TargetState::Stopped: return "STOPPED";
  }
  return "STARTED";
}

// What a connector or task is (Kafka's AbstractStatus.State), as shown by the status endpoints.
enum class State : std::uint8_t { Unassigned, Running, Paused, Stopped, Failed, Restarting, Destroyed };

inline const char* state_name(State state) {
  switch (state) {
    case State::Unassigned: return "UNASSIGNED";
    case State::Running: return "RUNNING";
    case State::Paused: return "PAUSED";
    case State::Stopped: return "STOPPED";
    case State::Failed: return "FAILED";
    case State::Restarting: return "RESTARTING";
    case State::Destroyed: return "DESTROYED";
  }
  return "UNASSIGNED";
}

inline std::optional<State> parse_state(std::string_view text) {
  for (auto s : {State::Unassigned, State::Running, State::Paused, State::Stopped, State::Failed, State::Restarting,
                 State::Destroyed}) {
    if (text == state_name(s)) return s;
  }
  return std::nullopt;
}

}  // namespace sluice
