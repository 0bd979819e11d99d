#pragma once
// Logging through the host: the host adds the [connector|task-N] context and routes the line to its own
// logger, so a plugin never configures logging. Messages use "{}" placeholders, filled in order:
//
//   log().info("Opened {} for reading at position {}", path, position);
//
// Arguments may be anything string-like, integers, floating point numbers, bool or char. Formatting only
// happens when the host says the level is enabled. Safe from any thread.

#include <charconv>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "sluice/plugin_abi.h"
#include "sluice/sdk/java_number.hpp"

namespace sluice::sdk {

enum class LogLevel : std::int32_t {
  Trace = SLUICE_LOG_TRACE,
  Debug = SLUICE_LOG_DEBUG,
  Info = SLUICE_LOG_INFO,
  Warn = SLUICE_LOG_WARN,
  Error = SLUICE_LOG_ERROR,
};

namespace detail {
template <class T>
void append_arg(std::string& out, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::is_same_v<T, char>) {
    out += v;
  } else if constexpr (std::is_integral_v<T>) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, r.ptr);
  } else if constexpr (std::is_same_v<T, float>) {
    out += java::float_to_string(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    out += java::double_to_string(static_cast<double>(v));
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    out += std::string_view(v);
  } else {
    static_assert(std::is_convertible_v<const T&, std::string_view>, "unsupported log argument type");
  }
}
inline void format_into(std::string& out, std::string_view fmt) {
  out += fmt;
}
template <class A, class... Rest>
void format_into(std::string& out, std::string_view fmt, const A& a, const Rest&... rest) {
  std::size_t pos = fmt.find("{}");
  if (pos == std::string_view::npos) {
    out += fmt;
    return;
  }
  out += fmt.substr(0, pos);
  append_arg(out, a);
  format_into(out, fmt.substr(pos + 2), rest...);
}
}  // namespace detail

// Replaces each "{}" in `fmt` with the next argument.
template <class... A>
std::string format(std::string_view fmt, const A&... args) {
  std::string out;
  out.reserve(fmt.size() + 16 * sizeof...(A));
  detail::format_into(out, fmt, args...);
  return out;
}

// A handle to the host's logger for one instance. Cheap to copy; does nothing until attached.
class Logger {
 public:
  Logger() = default;
  Logger(const sluice_host_api* host, const sluice_context* ctx) : host_(host), ctx_(ctx) {}

  bool enabled(LogLevel level) const {
    if (host_ == nullptr || host_->log == nullptr) return false;
    return host_->log_enabled == nullptr ||
           host_->log_enabled(ctx_, static_cast<sluice_log_level>(level)) != 0;
  }
  void log(LogLevel level, std::string_view message) const {
    if (host_ != nullptr && host_->log != nullptr)
      host_->log(ctx_, static_cast<sluice_log_level>(level), message.data(), message.size());
  }
  template <class... A>
  void trace(std::string_view fmt, const A&... a) const {
    emit(LogLevel::Trace, fmt, a...);
  }
  template <class... A>
  void debug(std::string_view fmt, const A&... a) const {
    emit(LogLevel::Debug, fmt, a...);
  }
  template <class... A>
  void info(std::string_view fmt, const A&... a) const {
    emit(LogLevel::Info, fmt, a...);
  }
  template <class... A>
  void warn(std::string_view fmt, const A&... a) const {
    emit(LogLevel::Warn, fmt, a...);
  }
  template <class... A>
  void error(std::string_view fmt, const A&... a) const {
    emit(LogLevel::Error, fmt, a...);
  }

 private:
  template <class... A>
  void emit(LogLevel level, std::string_view fmt, const A&... a) const {
    if (!enabled(level)) return;
    if constexpr (sizeof...(A) == 0) {
      log(level, fmt);
    } else {
      log(level, format(fmt, a...));
    }
  }

  const sluice_host_api* host_ = nullptr;
  const sluice_context* ctx_ = nullptr;
};

}  // namespace sluice::sdk
