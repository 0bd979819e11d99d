#pragma once
// Small vocabulary shared by the worker, the herders and the REST layer.

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
