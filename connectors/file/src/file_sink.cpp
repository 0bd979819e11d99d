#include "file_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>

#include "sluice/sdk/java_format.hpp"

namespace sluice::file {

namespace {
constexpr const char* kFileConfig = "file";

// Throws `message` as a ConnectError with the errno failure nested as its cause.
[[noreturn]] void throw_io_error(int err, const std::string& what, const std::string& message) {
  try {
    throw std::system_error(err, std::generic_category(), what);
  } catch (...) {
    std::throw_with_nested(sdk::ConnectError(message));
  }
}
}  // namespace

// ---- connector ------------------------------------------------------------------------------------------

sdk::ConfigDef FileStreamSinkConnector::config_def() {
  using CD = sdk::ConfigDef;
  return CD().define(kFileConfig, CD::Type::String, nullptr, CD::Importance::High,
                     "Destination filename. If not specified, the standard output will be used");
}

void FileStreamSinkConnector::start(const sdk::ConfigMap& config) {
  // As Kafka: the connector's config is kept as it is; tasks parse (and trim) it.
  props_ = config;
}

std::vector<sdk::ConfigMap> FileStreamSinkConnector::task_configs(std::int32_t max_tasks) {
  // As Kafka: tasks.max copies of the connector's own config.
  return std::vector<sdk::ConfigMap>(static_cast<std::size_t>(std::max<std::int32_t>(max_tasks, 0)), props_);
}

// ---- task -----------------------------------------------------------------------------------------------

void FileStreamSinkTask::start(const sdk::ConfigMap& config) {
  sdk::Config parsed(FileStreamSinkConnector::config_def(), config);
  filename_ = parsed.get_string(kFileConfig);
  if (!filename_) {
    out_ = STDOUT_FILENO;
    return;
  }
  int fd = ::open(filename_->c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd < 0)
    throw_io_error(errno, "open " + *filename_,
                   "Couldn't find or create file '" + *filename_ + "' for FileStreamSinkTask");
  fd_ = UniqueFd(fd);
  out_ = fd;
}

void FileStreamSinkTask::put(std::vector<sdk::SinkRecord> records) {
  // One write per batch: each line is complete in the file as soon as put returns. The buffer keeps its
  // capacity from one batch to the next.
  const bool trace = log().enabled(sdk::LogLevel::Trace);
  out_buffer_.clear();
  for (const auto& record : records) {
    const std::size_t start = out_buffer_.size();
    if (record.value.kind() == sdk::Value::Kind::String) {
      out_buffer_ += record.value.as_string();  // String.valueOf(a String) is the string itself
    } else {
      out_buffer_ += sdk::java::to_string(record.value, record.value_schema);
    }
    if (trace)
      log().trace("Writing line to {}: {}", log_filename(), std::string_view(out_buffer_).substr(start));
    out_buffer_ += '\n';
  }
  write_all(out_buffer_);
  // A batch far larger than usual does not pin its memory until the task stops.
  if (out_buffer_.capacity() > kMaxKeptBuffer) std::string().swap(out_buffer_);
}

void FileStreamSinkTask::write_all(const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(out_, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_io_error(errno, std::string("write ") + log_filename(),
                     std::string("Failed to write to ") + log_filename() + " for FileStreamSinkTask");
    }
    done += static_cast<std::size_t>(n);
  }
}

void FileStreamSinkTask::flush(const sdk::OffsetMap& /*current*/) {
  log().trace("Flushing output stream for {}", log_filename());
  // stdout may be a pipe or terminal, where fsync has nothing to do (EINVAL): only files must be durable.
  if (fd_ && ::fsync(fd_.get()) != 0)
    throw_io_error(errno, std::string("fsync ") + log_filename(),
                   std::string("Failed to flush ") + log_filename() + " for FileStreamSinkTask");
}

void FileStreamSinkTask::stop() {
  if (fd_ && fd_.reset() != 0) log().error("Failed to close {}: {}", log_filename(), std::strerror(errno));
  out_ = -1;
}

}  // namespace sluice::file
