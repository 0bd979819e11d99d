#pragma once
// The transformations and predicates built into sluice, listed for the plugin catalog under Kafka's class
// names (org.apache.kafka.connect.transforms.Cast$Value, ...predicates.TopicNameMatches). Aliases are the
// ones Kafka's PluginUtils.computeAliases produces: the simple class name for top-level classes ("Filter",
// "RegexRouter", "TopicNameMatches"); nested $Key/$Value classes get none, because their simple names
// ("Key", "Value") are shared by many plugins and Kafka drops ambiguous aliases.

#include "core/api/builtin.hpp"

#include <vector>

namespace sluice::transforms {

std::vector<api::BuiltinPlugin> builtin_transformations();

}  // namespace sluice::transforms
