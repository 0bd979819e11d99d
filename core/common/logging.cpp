#include "core/common/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <string>

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

std::once_flag g_init_once;

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
    auto root = std::make_shared<spdlog::logger>("sluice", sink);
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
  auto root = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(name, root->sinks().begin(), root->sinks().end());
  logger->set_level(root->level());
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    // Another thread registered it first.
    return spdlog::get(name);
  }
  return logger;
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

}  // namespace sluice::log
