#include "core/worker/failure_trace.hpp"

#include <algorithm>
#include <new>
#include <string_view>

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
  const std::string head = java_class_of(error) + ": " + error.what();
  std::string out = head + "\n\tat ";
  out += where;
  // A plugin's own trace (what it passed to err->set) follows, so its frames and causes show in the status;
  // its first line repeats the head when the plugin used the SDK, so that line is not written twice.
  if (const auto* connect = dynamic_cast<const ConnectError*>(&error); connect && !connect->origin_trace().empty()) {
    std::string_view extra = connect->origin_trace();
    if (extra.substr(0, extra.find('\n')) == head) extra.remove_prefix(std::min(extra.size(), head.size() + 1));
    if (!extra.empty()) {
      out += "\n";
      out += extra;
    }
  }
  append_causes(error, out);
  return out;
}

}  // namespace sluice::worker
