#pragma once
// FileOffsetStore: standalone mode's offset.storage.file.filename. The file is a small JSON document holding
// Kafka Connect's offset records exactly as Kafka writes them to an offsets topic (key and value JSON bytes,
// kept as strings so nothing is reformatted):
//
//   {"format":"sluice-offsets","version":1,"offsets":[
//   {"key":"[\"local-file-source\",{\"filename\":\"/tmp/in.txt\"}]","value":"{\"position\":12}"}
//   ]}
//
// Every put() rewrites the whole file atomically: write <file>.tmp, fsync it, rename it over <file>, fsync
// the directory; a crash leaves either the old or the new file, never a torn one. start() loads the file
// (a missing or empty file means no offsets). A file that cannot be read throws ConnectError naming the
// file and what to do.
//
// Kafka Connect's own standalone offsets file (a Java-serialized HashMap<byte[], byte[]> of the same key and
// value bytes) is read too, so a Kafka Connect user can point sluice at it and resume; the next commit
// rewrites it in the format above and the original is kept as <file>.kafka-backup.
//
// Thread-safe; put() holds the lock while writing, so concurrent commits are serialised.

#include <filesystem>

#include "core/common/thread_annotations.hpp"
#include "core/storage/offset_store.hpp"
#include "core/storage/offset_table.hpp"

namespace sluice::storage {

class FileOffsetStore final : public OffsetStore {
 public:
  explicit FileOffsetStore(std::filesystem::path file);

  void start() override;
  void stop() override {}
  std::optional<data::Value> get(const std::string& connector, const data::Value& partition) override;
  void put(const std::string& connector, const std::vector<OffsetEntry>& entries) override;
  std::vector<std::pair<data::Value, data::Value>> all(const std::string& connector) override;

  const std::filesystem::path& file() const { return file_; }

 private:
  void write(const OffsetTable& table) SLUICE_REQUIRES(mu_);
  void load_kafka_file(const std::string& text, OffsetTable& table);

  const std::filesystem::path file_;
  Mutex mu_;
  OffsetTable table_ SLUICE_GUARDED_BY(mu_);
};

}  // namespace sluice::storage
