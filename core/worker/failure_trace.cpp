#include "core/worker/failure_trace.hpp"

#include <new>

#include "core/common/errors.hpp"

namespace sluice::worker {
namespace {

void append_causes(const std::exception& error, std::string& out) {
  try {
    std::rethrow_if_nested(error);
  } catch (const std::exception& cause) {
    out += "\nCaused by: " + java_class_of(cause) + ": " + cause.what();
    append_causes(cause, out);
  } catch (...) {
    out += "\nCaused by: unknown error";
  }
}

}  // namespace

std::string java_class_of(const std::exception& error) {
  if (const auto* connect = dynamic_cast<const ConnectError*>(&error)) return connect->java_class();
  if (dynamic_cast<const std::bad_alloc*>(&error) != nullptr) return "java.lang.OutOfMemoryError";
  // Anything else is a bug or a library failure; Kafka would show a RuntimeException subclass.
  return "java.lang.RuntimeException";
}

std::string failure_trace(const std::exception& error, std::string_view where) {
  std::string out = java_class_of(error) + ": " + error.what();
  out += "\n\tat ";
  out += where;
  append_causes(error, out);
  return out;
}

}  // namespace sluice::worker
