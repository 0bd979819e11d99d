#pragma once
// FileStreamSourceConnector / FileStreamSourceTask: Kafka's file source, line by line.
//
// The task reads `file` (stdin when unset) and emits one record per line (\n, \r\n or \r; a trailing
// partial line waits for its terminator), value schema STRING, source partition {"filename": <file>} and
// source offset {"position": <bytes consumed through the terminator>}. It resumes from the stored position,
// waits for a file that does not exist yet, and never blocks a poll for more than about a second.
//
// Differences from Kafka, on purpose:
// - positions count bytes; Kafka counts UTF-16 chars but seeks in bytes, so the two agree for ASCII and
//   ours also resumes correctly after multi-byte UTF-8.
// - lines already buffered are returned on the next poll even when the file has no new data (Kafka leaves
//   them until more data arrives when batch.size cut a poll short).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "unique_fd.hpp"
#include "sluice/sdk/sdk.hpp"

namespace sluice::file {

class FileStreamSourceConnector final : public sdk::SourceConnector {
 public:
  static sdk::ConfigDef config_def();

  void start(const sdk::ConfigMap& config) override;
  std::vector<sdk::ConfigMap> task_configs(std::int32_t max_tasks) override;
  void stop() override {}
  bool alter_offsets(const sdk::ConfigMap& config, const std::vector<sdk::OffsetEntry>& offsets) override;

 private:
  sdk::ConfigMap props_;
};

// Owned by the host's task thread; request_stop may come from any thread.
class FileStreamSourceTask final : public sdk::SourceTask {
 public:
  void start(const sdk::ConfigMap& config) override;
  // Lines go straight into the host's batch: one SourceRecord is kept and only its value and offset change.
  void poll(sdk::SourceBatch& batch) override;
  using sdk::SourceTask::poll;
  void stop() override;

 private:
  // Opens the file and seeks to the stored position; false when it cannot be opened yet.
  bool open_stream();
  // Puts the next complete line of buffer_ into `line`, advancing the position past its terminator; false
  // (and `line` unchanged) when there is none.
  bool extract_line(std::string& line);
  // True when the stream has bytes to read now (stdin may not; a regular file always "has" them).
  bool ready() const;
  const char* log_filename() const { return filename_ ? filename_->c_str() : "stdin"; }

  std::optional<std::string> filename_;  // nullopt: stdin
  std::string topic_;
  std::int32_t batch_size_ = 2000;
  sdk::Value partition_;
  sdk::Schema value_schema_ = sdk::Schema::string();
  sdk::SourceRecord record_;  // the next record: partition, topic and schema set by start()

  UniqueFd fd_;        // the file; stdin is never owned
  bool open_ = false;  // fd_ (or stdin) is ready to read
  bool reading_stdin_ = false;
  bool warned_missing_ = false;
  std::string buffer_;  // bytes read but not yet returned as lines, from buffer_start_
  std::size_t buffer_start_ = 0;
  std::optional<std::int64_t> stream_offset_;  // nullopt for stdin (no offsets tracked)
};

}  // namespace sluice::file
