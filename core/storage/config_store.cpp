#include "core/storage/config_store.hpp"

#include <algorithm>

namespace sluice::storage {

TargetState ClusterConfigState::target_state(const std::string& connector) const {
  const auto it = target_states.find(connector);
  return it == target_states.end() ? TargetState::Started : it->second;
}

std::vector<ConnectorTaskId> ClusterConfigState::tasks(const std::string& connector) const {
  // Kafka's ClusterConfigState.tasks(): nothing while the connector's task configs are inconsistent,
  // otherwise ids 0..count-1 of the last commit.
  std::vector<ConnectorTaskId> out;
  if (inconsistent.count(connector) > 0) return out;
  const auto count = task_counts.find(connector);
  if (count == task_counts.end()) return out;
  out.reserve(static_cast<std::size_t>(std::max(0, count->second)));
  for (int task = 0; task < count->second; ++task) out.push_back({connector, task});
  return out;
}

}  // namespace sluice::storage
