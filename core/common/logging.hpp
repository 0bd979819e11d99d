#pragma once
// Logging setup: one named spdlog logger per module ("sluice.<module>"), levels changeable at runtime
// (the /admin/loggers endpoint drives set_level). Connector/task context is a message prefix that the
// runtime adds ("[my-connector|task-0] ...").

#include <cstdint>
#include <map>
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

// ---- Runtime level control (Kafka's Loggers, behind /admin/loggers) ----------------------------------------
// Logger names are the spdlog names ("sluice.rest", ...); the default logger is the root, named "root" as
// Kafka names log4j's root logger (so "sluice" stays free for the namespace's own logger); "root" in any case
// and "" both name it. Thread-safe.

struct LoggerState {
  Level level = Level::Info;
  std::optional<std::int64_t> last_modified;  // epoch ms of the last change made by set_namespace_level()
};

// Every known logger with its level, "root" included, except loggers that are OFF (as Kafka lists them).
std::map<std::string, LoggerState> logger_levels();
// One logger's level; nullopt when no logger of that name exists.
std::optional<LoggerState> logger_level(std::string_view name);
// Sets `level` on the logger `ns` (created when absent) and on every logger whose name starts with `ns`
// (Kafka's String.startsWith rule); "root" sets every logger. Loggers created later under `ns` start at that
// level. Returns the names of the loggers whose level actually changed, sorted (Kafka 4's setLevel).
std::vector<std::string> set_namespace_level(std::string_view ns, Level level);

}  // namespace sluice::log
