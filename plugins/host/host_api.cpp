#include "plugins/host/host_api.hpp"

#include "core/common/logging.hpp"
#include "plugins/host/abi_data.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

#ifndef SLUICE_HOST_VERSION
#define SLUICE_HOST_VERSION "0.0.0"
#endif

namespace sluice::host {
namespace {

// Plugins call through a C table: no exception may escape back into plugin code, so every entry point
// catches and logs.
template <typename F, typename R>
R guarded(const char* what, R fallback, F&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    try {
      log::get("sluice.plugin")->error("Host callback {} failed: {}", what, e.what());
    } catch (...) {
    }
  } catch (...) {
  }
  return fallback;
}

spdlog::logger& plugin_logger() {
  // Looked up once: the logger lives for the process, and log() is on hot paths.
  static const std::shared_ptr<spdlog::logger> logger = log::get("sluice.plugin");
  return *logger;
}

spdlog::level::level_enum to_spdlog(sluice_log_level level) {
  switch (level) {
    case SLUICE_LOG_TRACE: return spdlog::level::trace;
    case SLUICE_LOG_DEBUG: return spdlog::level::debug;
    case SLUICE_LOG_INFO: return spdlog::level::info;
    case SLUICE_LOG_WARN: return spdlog::level::warn;
    default: return spdlog::level::err;
  }
}

int32_t log_enabled(const sluice_context*, sluice_log_level level) {
  return guarded("log_enabled", int32_t{0},
                 [&] { return plugin_logger().should_log(to_spdlog(level)) ? 1 : 0; });
}

void log_message(const sluice_context* ctx, sluice_log_level level, const char* message, size_t size) {
  guarded("log", 0, [&] {
    auto& logger = plugin_logger();
    const auto spd_level = to_spdlog(level);
    if (!logger.should_log(spd_level)) return 0;
    const std::string_view text = message == nullptr ? std::string_view() : std::string_view(message, size);
    const std::string& prefix =
        ctx != nullptr && ctx->instance != nullptr ? ctx->instance->log_prefix() : std::string();
    logger.log(spd_level, "{}{}", prefix, text);
    return 0;
  });
}

int32_t is_stopping(const sluice_context* ctx) {
  return guarded("is_stopping", int32_t{0}, [&] {
    if (ctx == nullptr) return 0;
    if (ctx->stop_requested.load(std::memory_order_acquire)) return 1;
    return ctx->instance != nullptr && ctx->instance->is_stopping() ? 1 : 0;
  });
}

void wrong_context(const sluice_context* ctx, const char* function) {
  plugin_logger().warn(
      "Plugin class {} called {} on a context that does not support it; the call was ignored",
      ctx != nullptr ? ctx->class_name : std::string("(unknown)"), function);
}

void request_task_reconfiguration(sluice_context* ctx) {
  guarded("request_task_reconfiguration", 0, [&] {
    if (ctx == nullptr || ctx->connector == nullptr)
      return wrong_context(ctx, "request_task_reconfiguration"), 0;
    ctx->connector->request_task_reconfiguration();
    return 0;
  });
}

void raise_error(sluice_context* ctx, const char* message) {
  guarded("raise_error", 0, [&] {
    if (ctx == nullptr || ctx->connector == nullptr) return wrong_context(ctx, "raise_error"), 0;
    ctx->connector->raise_error(
        message != nullptr ? message
                           : fmt::format("Connector {} raised an error without a message", ctx->class_name));
    return 0;
  });
}

int32_t offset_read(sluice_context* ctx, const sluice_value* partition, sluice_value_visit visit,
                    void* user) {
  return guarded("offset_read", int32_t{0}, [&]() -> int32_t {
    if (ctx == nullptr || ctx->source_task == nullptr) return wrong_context(ctx, "offset_read"), 0;
    if (partition == nullptr || visit == nullptr) return 0;
    AbiImporter importer;
    const auto offset = ctx->source_task->offset(importer.value(*partition));
    if (!offset || offset->is_null()) return 0;
    AbiArena arena;
    const sluice_value abi_offset = arena.value(*offset);
    visit(user, &abi_offset);
    return 1;
  });
}

template <typename F>
void with_sink(sluice_context* ctx, const char* function, F&& body) {
  guarded(function, 0, [&] {
    if (ctx == nullptr || ctx->sink_task == nullptr) return wrong_context(ctx, function), 0;
    body(*ctx->sink_task);
    return 0;
  });
}

void sink_seek(sluice_context* ctx, const char* topic, int32_t partition, int64_t offset) {
  with_sink(ctx, "sink_seek", [&](api::SinkTaskContext& sink) {
    sink.seek(api::TopicPartition{topic != nullptr ? topic : "", partition}, offset);
  });
}

void sink_set_timeout(sluice_context* ctx, int64_t timeout_ms) {
  with_sink(ctx, "sink_set_timeout", [&](api::SinkTaskContext& sink) { sink.set_timeout(timeout_ms); });
}

void sink_pause(sluice_context* ctx, const char* topic, int32_t partition) {
  with_sink(ctx, "sink_pause", [&](api::SinkTaskContext& sink) {
    sink.pause(api::TopicPartition{topic != nullptr ? topic : "", partition});
  });
}

void sink_resume(sluice_context* ctx, const char* topic, int32_t partition) {
  with_sink(ctx, "sink_resume", [&](api::SinkTaskContext& sink) {
    sink.resume(api::TopicPartition{topic != nullptr ? topic : "", partition});
  });
}

void sink_request_commit(sluice_context* ctx) {
  with_sink(ctx, "sink_request_commit", [&](api::SinkTaskContext& sink) { sink.request_commit(); });
}

size_t sink_assignment(sluice_context* ctx, sluice_topic_partition* out, size_t capacity) {
  size_t total = 0;
  with_sink(ctx, "sink_assignment", [&](api::SinkTaskContext& sink) {
    ctx->assignment = sink.assignment();
    total = ctx->assignment.size();
    const size_t n = out == nullptr ? 0 : std::min(capacity, total);
    for (size_t i = 0; i < n; ++i) {
      out[i] = sluice_topic_partition{ctx->assignment[i].topic.c_str(), ctx->assignment[i].partition, 0};
    }
  });
  return total;
}

sluice_status errant_record_report(sluice_context* ctx, const sluice_record* record, const char* error_class,
                                   const char* message) {
  sluice_status status = SLUICE_FATAL;
  with_sink(ctx, "errant_record_report", [&](api::SinkTaskContext& sink) {
    if (record == nullptr) return;
    const std::string cls =
        error_class != nullptr ? error_class : "org.apache.kafka.connect.errors.ConnectException";
    const std::string text = message != nullptr ? message : "";
    // A pointer into the put() batch in progress maps back to the runtime's own record.
    if (ctx->put_records != nullptr && ctx->put_source != nullptr) {
      const auto* first = ctx->put_records;
      const size_t stride = first->struct_size;
      for (size_t i = 0; i < ctx->put_count && i < ctx->put_source->size(); ++i) {
        if (abi_element(first, stride, i) == record) {
          status = sink.report_errant((*ctx->put_source)[i], cls, text) ? SLUICE_OK : SLUICE_FATAL;
          return;
        }
      }
    }
    AbiImporter importer;
    status = sink.report_errant(importer.sink_record(*record), cls, text) ? SLUICE_OK : SLUICE_FATAL;
  });
  return status;
}

const sluice_host_api kHostApi = {
    sizeof(sluice_host_api),
    SLUICE_ABI_VERSION_MAJOR,
    SLUICE_ABI_VERSION_MINOR,
    SLUICE_HOST_VERSION,
    &log_enabled,
    &log_message,
    &is_stopping,
    &request_task_reconfiguration,
    &raise_error,
    &offset_read,
    &sink_seek,
    &sink_set_timeout,
    &sink_pause,
    &sink_resume,
    &sink_request_commit,
    &sink_assignment,
    &errant_record_report,
};

std::string status_name(sluice_status status) {
  switch (status) {
    case SLUICE_RETRIABLE: return "RETRIABLE";
    case SLUICE_FATAL: return "FATAL";
    default: return std::to_string(status);
  }
}

}  // namespace

const sluice_host_api* host_api() {
  return &kHostApi;
}

CallError::CallError() {
  err_.struct_size = sizeof(sluice_error);
  err_.set = &CallError::set_callback;
  err_.host_data = this;
}

void CallError::set_callback(sluice_error* self, sluice_error_kind kind, const char* error_class,
                             const char* message, const char* trace) {
  guarded("sluice_error.set", 0, [&] {
    if (self == nullptr || self->host_data == nullptr) return 0;
    auto* err = static_cast<CallError*>(self->host_data);
    err->set_ = true;
    err->kind_ = kind;
    err->error_class_ = error_class != nullptr ? error_class : "";
    err->message_ = message != nullptr ? message : "";
    err->trace_ = trace != nullptr ? trace : "";
    return 0;
  });
}

void CallError::raise(sluice_status status, std::string_view call, std::string_view class_name) const {
  std::string text = message_;
  if (text.empty()) {
    text = fmt::format("{}() of plugin class {} failed with status {} and no error message", call, class_name,
                       status_name(status));
  }
  if (status == SLUICE_RETRIABLE || (set_ && kind_ == SLUICE_ERROR_RETRIABLE)) {
    throw PluginError<RetriableError>(text, error_class_, trace_);
  }
  switch (set_ ? kind_ : SLUICE_ERROR_CONNECT) {
    case SLUICE_ERROR_DATA: throw PluginError<DataError>(text, error_class_, trace_);
    case SLUICE_ERROR_CONFIG: throw PluginError<ConfigError>(text, error_class_, trace_);
    default: throw PluginError<ConnectError>(text, error_class_, trace_);
  }
}

}  // namespace sluice::host
