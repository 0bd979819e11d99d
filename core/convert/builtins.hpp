#pragma once
// The converters and header converters built into sluice, listed for the plugin catalog under Kafka's class
// names and short aliases (StringConverter and String, JsonConverter and Json, ...). A class that is both a
// converter and a header converter in Kafka appears twice, once per kind.

#include "core/api/builtin.hpp"

#include <vector>

namespace sluice::convert {

std::vector<sluice::api::BuiltinPlugin> builtin_converters();

}  // namespace sluice::convert
