#pragma once
// Exceptions a plugin throws, mirroring Kafka Connect's taxonomy, and the one place where any C++
// exception is turned into a sluice_status plus err->set(...) so that nothing unwinds across the ABI.
//
//   ConnectError   -> SLUICE_FATAL,     org.apache.kafka.connect.errors.ConnectException
//   RetriableError -> SLUICE_RETRIABLE, org.apache.kafka.connect.errors.RetriableException
//   DataError      -> SLUICE_FATAL,     org.apache.kafka.connect.errors.DataException
//   ConfigError    -> SLUICE_FATAL,     org.apache.kafka.common.config.ConfigException
//   anything else  -> SLUICE_FATAL, kind CONNECT, class = the C++ type name
//
// Nested exceptions (std::throw_with_nested) become "Caused by:" lines in the trace, like a Java trace.

#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>

#include "sluice/plugin_abi.h"

namespace sluice::sdk {

inline constexpr const char* kConnectExceptionClass = "org.apache.kafka.connect.errors.ConnectException";
inline constexpr const char* kRetriableExceptionClass = "org.apache.kafka.connect.errors.RetriableException";
inline constexpr const char* kDataExceptionClass = "org.apache.kafka.connect.errors.DataException";
inline constexpr const char* kConfigExceptionClass = "org.apache.kafka.common.config.ConfigException";

// Base of every SDK exception. `error_class` is the name a user sees in statuses and traces; a plugin may
// pass its own (for example "com.example.ThrottledException") to a subclass.
class ConnectError : public std::runtime_error {
 public:
  explicit ConnectError(const std::string& message) : ConnectError(message, kConnectExceptionClass) {}
  ConnectError(const std::string& message, std::string error_class)
      : ConnectError(message, std::move(error_class), SLUICE_ERROR_CONNECT) {}

  const std::string& error_class() const noexcept { return *error_class_; }
  sluice_error_kind kind() const noexcept { return kind_; }

 protected:
  ConnectError(const std::string& message, std::string error_class, sluice_error_kind kind)
      : std::runtime_error(message),
        error_class_(std::make_shared<const std::string>(std::move(error_class))),
        kind_(kind) {}

 private:
  // shared: exceptions must be nothrow-copyable, so the name is shared rather than copied.
  std::shared_ptr<const std::string> error_class_;
  sluice_error_kind kind_;
};

// Transient: the host retries the same call (the same batch) with backoff.
class RetriableError : public ConnectError {
 public:
  explicit RetriableError(const std::string& message)
      : ConnectError(message, kRetriableExceptionClass, SLUICE_ERROR_RETRIABLE) {}
  RetriableError(const std::string& message, std::string error_class)
      : ConnectError(message, std::move(error_class), SLUICE_ERROR_RETRIABLE) {}
};

// Bad data: a value that does not fit its schema, an unparseable payload.
class DataError : public ConnectError {
 public:
  explicit DataError(const std::string& message)
      : ConnectError(message, kDataExceptionClass, SLUICE_ERROR_DATA) {}
};

// A bad configuration value. The three-argument form builds Kafka's text:
//   Invalid value <value> for configuration <name>: <reason>
class ConfigError : public ConnectError {
 public:
  explicit ConfigError(const std::string& message)
      : ConnectError(message, kConfigExceptionClass, SLUICE_ERROR_CONFIG) {}
  ConfigError(std::string_view name, std::string_view value, std::string_view reason)
      : ConfigError(invalid_value_message(name, value, reason)) {}

  static std::string invalid_value_message(std::string_view name, std::string_view value,
                                           std::string_view reason) {
    std::string m = "Invalid value ";
    m.append(value).append(" for configuration ").append(name);
    if (!reason.empty()) m.append(": ").append(reason);
    return m;
  }
};

namespace detail {

inline std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(mangled, nullptr, nullptr, &status),
                                             std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(mangled);
}

struct ErrorInfo {
  sluice_error_kind kind = SLUICE_ERROR_CONNECT;
  sluice_status status = SLUICE_FATAL;
  std::string error_class;
  std::string message;
};

// Describes one exception (not its causes).
inline ErrorInfo describe(const std::exception_ptr& ep) {
  ErrorInfo info;
  try {
    std::rethrow_exception(ep);
  } catch (const ConnectError& e) {
    info.kind = e.kind();
    info.status = e.kind() == SLUICE_ERROR_RETRIABLE ? SLUICE_RETRIABLE : SLUICE_FATAL;
    info.error_class = e.error_class();
    info.message = e.what();
  } catch (const std::bad_alloc& e) {
    info.error_class = "java.lang.OutOfMemoryError";
    info.message = e.what();
  } catch (const std::exception& e) {
    info.error_class = demangle(typeid(e).name());
    info.message = e.what();
  } catch (...) {
    // A thrown int, string literal or foreign object: there is nothing to read from it.
    info.error_class = "unknown";
    info.message = "a value that is not a std::exception was thrown";
  }
  return info;
}

inline std::exception_ptr nested_cause(const std::exception_ptr& ep) {
  try {
    std::rethrow_exception(ep);
  } catch (const std::nested_exception& n) {
    return n.nested_ptr();
  } catch (...) {
  }
  return nullptr;
}

// "<class>: <message>" followed by one "Caused by: <class>: <message>" line per nested exception.
inline std::string trace_of(const std::exception_ptr& ep) {
  std::string trace;
  int depth = 0;
  for (std::exception_ptr cur = ep; cur && depth < 32; cur = nested_cause(cur), ++depth) {
    ErrorInfo info = describe(cur);
    if (depth > 0) trace += "\nCaused by: ";
    trace += info.error_class;
    if (!info.message.empty()) trace += ": " + info.message;
  }
  return trace;
}

inline void set_error(sluice_error* err, sluice_error_kind kind, const char* error_class, const char* message,
                      const char* trace) noexcept {
  if (err != nullptr && err->set != nullptr) err->set(err, kind, error_class, message, trace);
}

}  // namespace detail

// Reports the exception currently being handled through `err` and returns the status for it. Call only
// inside a catch block. Never throws.
inline sluice_status report_current_exception(sluice_error* err) noexcept {
  std::exception_ptr ep = std::current_exception();
  try {
    detail::ErrorInfo info = detail::describe(ep);
    std::string trace = detail::trace_of(ep);
    detail::set_error(err, info.kind, info.error_class.c_str(), info.message.c_str(), trace.c_str());
    return info.status;
  } catch (...) {
    // Out of memory while describing the failure: report what needs no allocation.
    detail::set_error(err, SLUICE_ERROR_CONNECT, "java.lang.OutOfMemoryError", "out of memory", nullptr);
    return SLUICE_FATAL;
  }
}

// Runs `f` and turns any exception into a status. Every vtable thunk goes through here.
template <class F>
sluice_status guard(sluice_error* err, F&& f) noexcept {
  try {
    f();
    return SLUICE_OK;
  } catch (...) {
    return report_current_exception(err);
  }
}

}  // namespace sluice::sdk
