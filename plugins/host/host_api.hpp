#pragma once
// The host side of the ABI's runtime services: the sluice_host_api table every plugin instance gets, the
// per-instance sluice_context behind it, and the sluice_error a plugin fills when a call fails, turned
// into sluice's exception taxonomy.

#include "core/api/connector.hpp"
#include "core/common/errors.hpp"

#include <sluice/plugin_abi.h>

#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// The ABI declares sluice_context opaque; this is its definition. One per plugin instance (connector, task,
// converter, ...), created by the adapter that owns the instance and outliving it. At most one of the
// typed context pointers is set; none for converters, transformations, predicates and config providers.
struct sluice_context {
  sluice::api::InstanceContext* instance = nullptr;
  sluice::api::ConnectorContext* connector = nullptr;
  sluice::api::SourceTaskContext* source_task = nullptr;
  sluice::api::SinkTaskContext* sink_task = nullptr;
  std::string class_name;
  // Set by SourceTask::request_stop and stop(); is_stopping() also asks the runtime's context.
  std::atomic<bool> stop_requested{false};

  // Sink tasks, touched only from the task's own thread (inside its calls):
  // the partitions last handed out by sink_assignment (the plugin holds pointers into their topics) ...
  std::vector<sluice::api::TopicPartition> assignment;
  // ... and the records of the put() in progress, so an errant record the plugin reports by pointer maps
  // back to the exact SinkRecord (original topic, partition and offset included).
  const sluice_record* put_records = nullptr;
  std::size_t put_count = 0;
  const std::vector<sluice::data::SinkRecord>* put_source = nullptr;
};

namespace sluice::host {

// The table given to every plugin (init and create). Static storage; valid forever.
const sluice_host_api* host_api();

// A plugin error that keeps the Java class name the plugin reported (e.g. its own exception type) and its
// stack trace text, so statuses and DLQ headers show what the plugin said.
template <typename Base>
class PluginError final : public Base {
 public:
  PluginError(const std::string& message, std::string java_class, std::string trace)
      : Base(message), java_class_(std::move(java_class)), trace_(std::move(trace)) {}
  const char* java_class() const noexcept override {
    return java_class_.empty() ? Base::java_class() : java_class_.c_str();
  }
  const std::string& trace() const { return trace_; }
  const std::string& origin_trace() const noexcept override { return trace_; }

 private:
  std::string java_class_;
  std::string trace_;
};

// A sluice_error for one call. Not copyable: the plugin holds its address during the call.
class CallError {
 public:
  CallError();
  CallError(const CallError&) = delete;
  CallError& operator=(const CallError&) = delete;

  sluice_error* get() { return &err_; }
  bool was_set() const { return set_; }
  sluice_error_kind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  const std::string& error_class() const { return error_class_; }
  const std::string& trace() const { return trace_; }

  // Throws the error for a failed call: RetriableError for SLUICE_RETRIABLE, otherwise by the kind the
  // plugin set (ConnectError, RetriableError, DataError, ConfigError). Without a message, the text says
  // which call of which class failed.
  [[noreturn]] void raise(sluice_status status, std::string_view call, std::string_view class_name) const;
  // Does nothing for SLUICE_OK.
  void check(sluice_status status, std::string_view call, std::string_view class_name) const {
    if (status != SLUICE_OK) raise(status, call, class_name);
  }

 private:
  static void set_callback(sluice_error* self, sluice_error_kind kind, const char* error_class,
                           const char* message, const char* trace);

  sluice_error err_{};
  bool set_ = false;
  sluice_error_kind kind_ = SLUICE_ERROR_CONNECT;
  std::string error_class_;
  std::string message_;
  std::string trace_;
};

}  // namespace sluice::host
