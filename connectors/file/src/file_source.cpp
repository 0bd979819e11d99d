#include "file_source.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "utf8.hpp"

namespace sluice::file {

namespace {
constexpr const char* kFileConfig = "file";
constexpr const char* kTopicConfig = "topic";
constexpr const char* kBatchSizeConfig = "batch.size";
constexpr std::int32_t kDefaultBatchSize = 2000;
constexpr const char* kFilenameField = "filename";
constexpr const char* kPositionField = "position";
constexpr std::size_t kReadChunk = 64 * 1024;
// Records reserved when a poll finds its first line: the default batch.size (2000) fits, so a full default
// batch is never moved to a larger vector; a huge batch.size still grows only as lines arrive.
constexpr std::size_t kInitialReserve = 4096;

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}
}  // namespace

// ---- connector ------------------------------------------------------------------------------------------

sdk::ConfigDef FileStreamSourceConnector::config_def() {
  using CD = sdk::ConfigDef;
  return CD()
      .define(kFileConfig, CD::Type::String, nullptr, CD::Importance::High,
              "Source filename. If not specified, the standard input will be used")
      .define(kTopicConfig, CD::Type::String, CD::no_default, CD::non_empty_string(), CD::Importance::High,
              "The topic to publish data to")
      .define(kBatchSizeConfig, CD::Type::Int, kDefaultBatchSize, CD::Importance::Low,
              "The maximum number of records the source task can read from the file each time it is polled");
}

void FileStreamSourceConnector::start(const sdk::ConfigMap& config) {
  props_ = config;
  sdk::Config parsed(config_def(), config);
  std::optional<std::string> file = parsed.get_string(kFileConfig);
  log().info("Starting file source connector reading from {}",
             file && !file->empty() ? file->c_str() : "standard input");
}

std::vector<sdk::ConfigMap> FileStreamSourceConnector::task_configs(std::int32_t /*max_tasks*/) {
  // Only one input stream makes sense: one task, with the connector's own config.
  return {props_};
}

bool FileStreamSourceConnector::alter_offsets(const sdk::ConfigMap& config,
                                              const std::vector<sdk::OffsetEntry>& offsets) {
  sdk::Config parsed(config_def(), config);
  std::optional<std::string> file = parsed.get_string(kFileConfig);
  if (!file || file->empty())
    throw sdk::ConnectError(
        std::string("Offsets cannot be modified if the '") + kFileConfig +
        "' configuration is unspecified. This is because stdin is used for input and offsets "
        "are not tracked.");
  // Entries for earlier files of this connector are allowed too: only their shape is checked here; the task
  // checks the position against the file it opens.
  for (const auto& entry : offsets) {
    const sdk::Value& offset = entry.offset;
    if (offset.is_null()) continue;  // a tombstone resets, whatever the partition looks like
    const sdk::Value* position =
        offset.kind() == sdk::Value::Kind::Map ? offset.find(kPositionField) : nullptr;
    if (position == nullptr)
      throw sdk::ConnectError(std::string("Offset objects should either be null or contain the key '") +
                              kPositionField + "'");
    if (!position->is_integer())
      throw sdk::ConnectError(std::string("The value for the '") + kPositionField +
                              "' key in the offset is expected to be a Long value");
    if (position->to_int64() < 0)
      throw sdk::ConnectError(std::string("The value for the '") + kPositionField +
                              "' key in the offset should be a non-negative value");
    const sdk::Value& partition = entry.partition;
    if (partition.is_null()) throw sdk::ConnectError("Partition objects cannot be null");
    if (partition.kind() != sdk::Value::Kind::Map || partition.find(kFilenameField) == nullptr)
      throw sdk::ConnectError(std::string("Partition objects should contain the key '") + kFilenameField +
                              "'");
  }
  return true;
}

// ---- task -----------------------------------------------------------------------------------------------

void FileStreamSourceTask::start(const sdk::ConfigMap& config) {
  sdk::Config parsed(FileStreamSourceConnector::config_def(), config);
  std::optional<std::string> file = parsed.get_string(kFileConfig);
  if (file && !file->empty()) {
    filename_ = *file;
  } else {
    filename_.reset();
    reading_stdin_ = true;
    open_ = true;  // tracking an offset for stdin makes no sense: stream_offset_ stays empty
  }
  std::optional<std::string> topic = parsed.get_string(kTopicConfig);
  if (!topic) throw sdk::ConnectError("FileStreamSourceTask config missing topic setting");
  topic_ = *topic;
  batch_size_ = parsed.get_int(kBatchSizeConfig);
  partition_ =
      sdk::Value::string_map({{kFilenameField, filename_ ? sdk::Value::string(*filename_) : sdk::Value()}});
  record_ = sdk::SourceRecord{
      .source_partition = partition_,
      .source_offset = sdk::Value::string_map({{kPositionField, sdk::Value()}}),
      .topic = topic_,
      .value_schema = value_schema_,
      .value = sdk::Value::string(""),
  };
}

bool FileStreamSourceTask::open_stream() {
  int fd = ::open(filename_->c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    // As Kafka: any failure to open (usually "does not exist yet") means wait and retry, never fail.
    if (!warned_missing_) {
      log().warn("Couldn't find file {} for FileStreamSourceTask, sleeping to wait for it to be created ({})",
                 log_filename(), std::strerror(err));
      warned_missing_ = true;
    } else {
      log().debug("Still waiting for file {} ({})", log_filename(), std::strerror(err));
    }
    return false;
  }
  UniqueFd owned(fd);
  std::int64_t position = 0;
  if (std::optional<sdk::Value> stored = context().offset(partition_); stored && !stored->is_null()) {
    const sdk::Value* pos = stored->kind() == sdk::Value::Kind::Map ? stored->find(kPositionField) : nullptr;
    if (pos != nullptr && !pos->is_null()) {
      if (!pos->is_integer()) throw sdk::ConnectError("Offset position is the incorrect type");
      position = pos->to_int64();
      if (position < 0) {
        log().warn("Ignoring negative stored position {} for {}; reading from the start", position,
                   log_filename());
        position = 0;
      }
      log().debug("Found previous offset, trying to skip to file offset {}", position);
      if (::lseek(owned.get(), static_cast<off_t>(position), SEEK_SET) < 0)
        throw sdk::ConnectError(std::string("Error while trying to seek to previous offset in file ") +
                                log_filename() + ": " + std::strerror(errno));
      log().debug("Skipped to offset {}", position);
    }
  }
  fd_ = std::move(owned);
  stream_offset_ = position;
  open_ = true;
  warned_missing_ = false;
  log().debug("Opened {} for reading", log_filename());
  return true;
}

bool FileStreamSourceTask::ready() const {
  if (!reading_stdin_) return true;
  pollfd p{STDIN_FILENO, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP)) != 0;
}

bool FileStreamSourceTask::extract_line(std::string& line) {
  // The first '\n', then the first '\r' before it (both memchr, which scans many bytes at a time; a
  // find_first_of("\r\n") would search the two-character set once per byte).
  const char* begin = buffer_.data() + buffer_start_;
  const char* end = buffer_.data() + buffer_.size();
  const char* newline = static_cast<const char*>(std::memchr(begin, '\n', static_cast<std::size_t>(end - begin)));
  const char* stop = newline != nullptr ? newline : end;
  const char* cr = static_cast<const char*>(std::memchr(begin, '\r', static_cast<std::size_t>(stop - begin)));
  if (cr != nullptr) stop = cr;
  if (stop == end) return false;
  const std::size_t i = static_cast<std::size_t>(stop - buffer_.data());
  std::size_t next = i + 1;
  if (buffer_[i] == '\r') {
    // "\r" may be the first half of "\r\n": decide only once the next byte is here.
    if (i + 1 >= buffer_.size()) return false;
    if (buffer_[i + 1] == '\n') next = i + 2;
  }
  utf8::sanitize_into(line, std::string_view(buffer_).substr(buffer_start_, i - buffer_start_));
  if (stream_offset_) *stream_offset_ += static_cast<std::int64_t>(next - buffer_start_);
  buffer_start_ = next;
  return true;
}

void FileStreamSourceTask::poll(sdk::SourceBatch& records) {
  if (!open_ && !open_stream()) {
    wait_for_stop(std::chrono::seconds(1));
    return;
  }
  const int fd = reading_stdin_ ? STDIN_FILENO : fd_.get();
  const auto batch = static_cast<std::size_t>(batch_size_ > 0 ? batch_size_ : 1);
  const bool trace = log().enabled(sdk::LogLevel::Trace);
  std::string& line = record_.value.as_string();
  sdk::Value& position = record_.source_offset.as_map().front().second;
  std::size_t taken = 0;
  auto take_lines = [&] {
    // As Kafka, each record gets the time it was read at; lines taken together are read within microseconds,
    // so they share one clock reading.
    record_.timestamp = now_ms();
    while (taken < batch) {
      if (!extract_line(line)) break;
      if (trace) log().trace("Read a line from {}", log_filename());
      if (taken == 0) records.reserve(std::min<std::size_t>(batch, kInitialReserve));
      position = stream_offset_ ? sdk::Value::int64(*stream_offset_) : sdk::Value();
      records.add(record_);
      ++taken;
    }
    // Drop consumed bytes once they dominate, so the buffer stays about one chunk long.
    if (buffer_start_ > 0 && buffer_start_ * 2 >= buffer_.size()) {
      buffer_.erase(0, buffer_start_);
      buffer_start_ = 0;
    }
  };

  take_lines();
  bool read_any = false;
  while (taken < batch && !is_stopping() && ready()) {
    const std::size_t old_size = buffer_.size();
    buffer_.resize(old_size + kReadChunk);
    ssize_t n = ::read(fd, buffer_.data() + old_size, kReadChunk);
    buffer_.resize(old_size + (n > 0 ? static_cast<std::size_t>(n) : 0));
    if (n < 0) {
      if (errno == EINTR) continue;
      // As Kafka: a read error ends this poll quietly; the next poll tries again.
      log().warn("Error reading {}: {}", log_filename(), std::strerror(errno));
      break;
    }
    if (n == 0) break;  // end of file for now
    log().trace("Read {} bytes from {}", n, log_filename());
    read_any = true;
    take_lines();
  }
  if (taken == 0 && !read_any) wait_for_stop(std::chrono::seconds(1));
}

void FileStreamSourceTask::stop() {
  log().trace("Stopping");
  if (fd_ && fd_.reset() != 0)
    log().error("Failed to close FileStreamSourceTask stream: {}", std::strerror(errno));
  open_ = reading_stdin_;
}

}  // namespace sluice::file
