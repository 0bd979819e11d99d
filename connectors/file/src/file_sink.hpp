#pragma once
// FileStreamSinkConnector / FileStreamSinkTask: Kafka's file sink. Each record's value is written as Java's
// String.valueOf(value) plus "\n" (see sluice/sdk/java_format.hpp for the exact forms) to `file`, opened
// CREATE+APPEND, or to stdout when `file` is unset. flush() makes the file durable (fsync).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sluice/sdk/sdk.hpp"
#include "unique_fd.hpp"

namespace sluice::file {

class FileStreamSinkConnector final : public sdk::SinkConnector {
 public:
  static sdk::ConfigDef config_def();

  void start(const sdk::ConfigMap& config) override;
  // tasks.max copies of the connector's config (Kafka's FileStreamSinkConnector.taskConfigs).
  std::vector<sdk::ConfigMap> task_configs(std::int32_t max_tasks) override;
  void stop() override {}
  // The runtime manages sink offsets (the consumer group); nothing is kept elsewhere.
  bool alter_offsets(const sdk::ConfigMap&,
                     const std::map<sdk::TopicPartition, std::optional<std::int64_t>>&) override {
    return true;
  }

 private:
  sdk::ConfigMap props_;
};

// Owned by the host's task thread.
class FileStreamSinkTask final : public sdk::SinkTask {
 public:
  void start(const sdk::ConfigMap& config) override;
  void put(std::vector<sdk::SinkRecord> records) override;
  void flush(const sdk::OffsetMap& current) override;
  void stop() override;

 private:
  void write_all(const std::string& data);
  const char* log_filename() const { return filename_ ? filename_->c_str() : "stdout"; }

  static constexpr std::size_t kMaxKeptBuffer = 4 << 20;

  std::optional<std::string> filename_;  // nullopt: stdout
  UniqueFd fd_;                          // the file; stdout is never owned
  int out_ = -1;                         // where lines go: fd_ or STDOUT_FILENO
  std::string out_buffer_;               // the lines of one put(), reused
};

}  // namespace sluice::file
