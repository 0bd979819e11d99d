#pragma once
// Logging setup: one named spdlog logger per module ("sluice.<module>"), levels changeable at runtime
// (the /admin/loggers endpoint drives set_level). Connector/task context is a message prefix that the
// runtime adds ("[my-connector|task-0] ...").

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spdlog {
class logger;
}

namespace sluice::log {

enum class Level { Trace, Debug, Info, Warn, Error, Off };

// Configures the root sink (stderr, Kafka Connect-like pattern). Safe to call more than once.
void init(Level level = Level::Info);

// The logger for a module, created on first use, e.g. get("sluice.plugins.host").
std::shared_ptr<spdlog::logger> get(const std::string& name);

std::optional<Level> parse_level(std::string_view text);  // "INFO", "debug", ...
const char* level_name(Level level);                      // "INFO"

}  // namespace sluice::log
