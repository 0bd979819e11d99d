#include "file_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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
  // As Kafka: the raw value is passed on; tasks parse (and trim) it.
  auto it = config.find(kFileConfig);
  filename_ = it == config.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::vector<sdk::ConfigMap> FileStreamSinkConnector::task_configs(std::int32_t max_tasks) {
  std::vector<sdk::ConfigMap> configs;
  for (std::int32_t i = 0; i < max_tasks; ++i) {
    sdk::ConfigMap config;
    if (filename_) config[kFileConfig] = *filename_;
    configs.push_back(std::move(config));
  }
  return configs;
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
  // One write per batch: each line is complete in the file as soon as put returns.
  std::string out;
  for (const auto& record : records) {
    std::string line = sdk::java::to_string(record.value, record.value_schema);
    log().trace("Writing line to {}: {}", log_filename(), line);
    out += line;
    out += '\n';
  }
  write_all(out);
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
