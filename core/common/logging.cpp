#include "core/common/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace sluice::log {
namespace {

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::Trace: return spdlog::level::trace;
    case Level::Debug: return spdlog::level::debug;
    case Level::Info: return spdlog::level::info;
    case Level::Warn: return spdlog::level::warn;
    case Level::Error: return spdlog::level::err;
    case Level::Off: return spdlog::level::off;
  }
  return spdlog::level::info;
}

Level from_spdlog(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return Level::Trace;
    case spdlog::level::debug: return Level::Debug;
    case spdlog::level::info: return Level::Info;
    case spdlog::level::warn: return Level::Warn;
    case spdlog::level::err:
    case spdlog::level::critical: return Level::Error;
    default: return Level::Off;
  }
}

std::once_flag g_init_once;

// Levels set through set_namespace_level(), so loggers created later inherit them (as log4j children do),
// and when each logger was last changed. Guarded by mu; never held while calling spdlog::get (which takes
// spdlog's registry lock) from inside spdlog::apply_all.
struct LevelControl {
  std::mutex mu;
  std::map<std::string, Level, std::less<>> namespace_levels;
  std::map<std::string, std::int64_t, std::less<>> last_modified;
};

LevelControl& control() {
  static LevelControl instance;
  return instance;
}

constexpr const char* kRootName = "root";

bool is_root_name(std::string_view name) {
  if (name.empty()) return true;
  if (name.size() != 4) return false;
  return std::equal(name.begin(), name.end(), kRootName,
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

// Every registered logger except the default one (the root), by spdlog name.
std::vector<std::shared_ptr<spdlog::logger>> named_loggers() {
  const auto root = spdlog::default_logger();
  std::vector<std::shared_ptr<spdlog::logger>> out;
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& logger) {
    if (logger != root) out.push_back(logger);
  });
  return out;
}

// The level a new logger starts at: the longest namespace set through the API that prefixes its name, else
// the root's level. Requires control().mu.
spdlog::level::level_enum inherited_level(const LevelControl& c, std::string_view name) {
  const std::string* best = nullptr;
  spdlog::level::level_enum level = spdlog::default_logger()->level();
  for (const auto& [ns, ns_level] : c.namespace_levels) {
    if (starts_with(name, ns) && (best == nullptr || ns.size() > best->size())) {
      best = &ns;
      level = to_spdlog(ns_level);
    }
  }
  return level;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Creates and registers a logger sharing the root's sinks, or returns the one another thread registered first.
std::shared_ptr<spdlog::logger> make_logger(const std::string& name, spdlog::level::level_enum level) {
  auto root = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(name, root->sinks().begin(), root->sinks().end());
  logger->set_level(level);
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    return spdlog::get(name);
  }
  return logger;
}

// Prints levels as Kafka Connect's log4j layout does (INFO, WARN, ERROR), not spdlog's "info"/"warning".
class KafkaLevelFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const char* name = "INFO";
    switch (msg.level) {
      case spdlog::level::trace: name = "TRACE"; break;
      case spdlog::level::debug: name = "DEBUG"; break;
      case spdlog::level::info: name = "INFO"; break;
      case spdlog::level::warn: name = "WARN"; break;
      case spdlog::level::err: name = "ERROR"; break;
      case spdlog::level::critical: name = "FATAL"; break;
      default: break;
    }
    dest.append(name, name + std::char_traits<char>::length(name));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<KafkaLevelFlag>(); }
};

}  // namespace

void init(Level level) {
  std::call_once(g_init_once, [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    // Named as Kafka reports log4j's root logger: "sluice" is the namespace of the module loggers, and a root
    // of that name would hide the "sluice" logger from /admin/loggers/sluice.
    auto root = std::make_shared<spdlog::logger>(kRootName, sink);
    spdlog::set_default_logger(root);
    // Kafka Connect's layout: "[2024-01-01 12:00:00,000] INFO message (logger)".
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<KafkaLevelFlag>('*').set_pattern("[%Y-%m-%d %H:%M:%S,%e] %* %v (%n)");
    spdlog::set_formatter(std::move(formatter));
  });
  spdlog::set_level(to_spdlog(level));
}

std::shared_ptr<spdlog::logger> get(const std::string& name) {
  if (auto existing = spdlog::get(name)) return existing;
  auto& c = control();
  std::lock_guard lock(c.mu);
  return make_logger(name, inherited_level(c, name));
}

std::optional<Level> parse_level(std::string_view text) {
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  if (upper == "TRACE") return Level::Trace;
  if (upper == "DEBUG") return Level::Debug;
  if (upper == "INFO") return Level::Info;
  if (upper == "WARN") return Level::Warn;
  if (upper == "ERROR" || upper == "FATAL") return Level::Error;
  if (upper == "OFF") return Level::Off;
  return std::nullopt;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::Trace: return "TRACE";
    case Level::Debug: return "DEBUG";
    case Level::Info: return "INFO";
    case Level::Warn: return "WARN";
    case Level::Error: return "ERROR";
    case Level::Off: return "OFF";
  }
  return "INFO";
}

std::map<std::string, LoggerState> logger_levels() {
  auto& c = control();
  std::lock_guard lock(c.mu);
  std::map<std::string, LoggerState> out;
  auto add = [&](const std::string& name, spdlog::level::level_enum level) {
    if (level == spdlog::level::off) return;
    LoggerState state{from_spdlog(level), std::nullopt};
    if (auto it = c.last_modified.find(name); it != c.last_modified.end()) state.last_modified = it->second;
    out[name] = state;
  };
  add(kRootName, spdlog::default_logger()->level());
  for (const auto& logger : named_loggers()) add(logger->name(), logger->level());
  return out;
}

std::optional<LoggerState> logger_level(std::string_view name) {
  auto& c = control();
  std::lock_guard lock(c.mu);
  std::shared_ptr<spdlog::logger> found;
  std::string reported(name);
  if (is_root_name(name)) {
    found = spdlog::default_logger();
    reported = kRootName;
  } else {
    for (const auto& logger : named_loggers()) {
      if (logger->name() == name) found = logger;
    }
  }
  if (!found) return std::nullopt;
  LoggerState state{from_spdlog(found->level()), std::nullopt};
  if (auto it = c.last_modified.find(reported); it != c.last_modified.end()) state.last_modified = it->second;
  return state;
}

std::vector<std::string> set_namespace_level(std::string_view ns, Level level) {
  auto& c = control();
  std::lock_guard lock(c.mu);
  const auto target = to_spdlog(level);
  const std::int64_t now = now_ms();
  std::vector<std::string> changed;
  auto apply = [&](const std::shared_ptr<spdlog::logger>& logger, const std::string& reported, bool is_new) {
    const bool differs = is_new || logger->level() != target;
    logger->set_level(target);
    if (differs) {
      c.last_modified[reported] = now;
      changed.push_back(reported);
    }
  };

  if (is_root_name(ns)) {
    // log4j's setAllLevels on the root: every logger, and every logger created later.
    c.namespace_levels.clear();
    apply(spdlog::default_logger(), kRootName, false);
    for (const auto& logger : named_loggers()) apply(logger, logger->name(), false);
  } else {
    const std::string name(ns);
    for (auto it = c.namespace_levels.begin(); it != c.namespace_levels.end();) {
      it = starts_with(it->first, name) ? c.namespace_levels.erase(it) : std::next(it);
    }
    c.namespace_levels[name] = level;
    bool present = false;
    for (const auto& logger : named_loggers()) {
      if (!starts_with(logger->name(), name)) continue;
      present = present || logger->name() == name;
      apply(logger, logger->name(), false);
    }
    if (!present) apply(make_logger(name, target), name, true);
  }
  std::sort(changed.begin(), changed.end());
  return changed;
}

}  // namespace sluice::log
