#include "core/storage/file_offset_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sstream>

#include "core/common/errors.hpp"
#include "core/convert/json_writer.hpp"
#include "core/common/logging.hpp"
#include "core/storage/java_offsets_file.hpp"
#include "core/storage/offset_codec.hpp"

namespace sluice::storage {
namespace {

constexpr const char* kFormat = "sluice-offsets";

std::shared_ptr<spdlog::logger> logger() {
  static const auto log = log::get("sluice.storage");
  return log;
}
constexpr int kVersion = 1;

// The one owner of a file descriptor in this file.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error (close can report a failed write-back on some file systems).
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::string errno_text() {
  return std::strerror(errno);
}

[[noreturn]] void write_failed(const std::filesystem::path& file, const std::string& step) {
  throw ConnectError("Could not write source offsets to " + file.string() + " (" + step + ": " + errno_text() +
                     "); check that its directory exists and is writable and that the disk is not full");
}

[[noreturn]] void unreadable(const std::filesystem::path& file, const std::string& reason) {
  throw ConnectError("Could not read source offsets from " + file.string() + ": " + reason +
                     ". It was not written by sluice or it is damaged: restore it from a backup, or move it away to "
                     "start without stored offsets (source connectors then start from the beginning of their data)");
}

std::string render(const OffsetTable& table) {
  std::string out = "{\"format\":\"";
  out += kFormat;
  out += "\",\"version\":" + std::to_string(kVersion) + ",\"offsets\":[";
  bool first = true;
  for (const StoredOffset* entry : table.entries()) {
    out += first ? "\n" : ",\n";
    first = false;
    out += "{\"key\":";
    convert::json::append_string(out, entry->key_json);
    out += ",\"value\":";
    convert::json::append_string(out, entry->value_json);
    out += "}";
  }
  out += "\n]}\n";
  return out;
}

}  // namespace

FileOffsetStore::FileOffsetStore(std::filesystem::path file) : file_(std::move(file)) {}

void FileOffsetStore::start() {
  std::ifstream in(file_, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(file_)) {
      MutexLock lock(mu_);
      table_ = OffsetTable{};
      return;
    }
    unreadable(file_, "it cannot be opened (" + errno_text() + ")");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  OffsetTable loaded;
  if (!text.empty()) {
    if (is_java_serialized(text)) {
      load_kafka_file(text, loaded);
      MutexLock lock(mu_);
      table_ = std::move(loaded);
      return;
    }
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      unreadable(file_, std::string("it is not valid JSON (") + e.what() + ")");
    }
    if (!doc.is_object() || doc.value("format", std::string()) != kFormat || !doc.contains("offsets") ||
        !doc["offsets"].is_array()) {
      unreadable(file_, "it is not a sluice offsets file (expected an object with \"format\":\"sluice-offsets\" and "
                        "an \"offsets\" array)");
    }
    if (!doc["version"].is_number_integer() || doc["version"].get<int>() > kVersion) {
      unreadable(file_, "its format version " + doc["version"].dump() + " is newer than this sluice understands (" +
                            std::to_string(kVersion) + ")");
    }
    std::size_t index = 0;
    for (const auto& item : doc["offsets"]) {
      if (!item.is_object() || !item.contains("key") || !item["key"].is_string() || !item.contains("value") ||
          !item["value"].is_string()) {
        unreadable(file_, "entry " + std::to_string(index) + " is not an object with string fields key and value");
      }
      StoredOffset stored;
      stored.key_json = item["key"].get<std::string>();
      stored.value_json = item["value"].get<std::string>();
      std::string connector;
      try {
        auto key = parse_offset_key(stored.key_json);
        connector = std::move(key.first);
        stored.partition = std::move(key.second);
        stored.offset = parse_offset_value(stored.value_json);
      } catch (const ConnectError& e) {
        unreadable(file_, "entry " + std::to_string(index) + ": " + e.what());
      }
      if (!stored.offset.is_null()) loaded.load(connector, std::move(stored));
      ++index;
    }
  }
  MutexLock lock(mu_);
  table_ = std::move(loaded);
}

void FileOffsetStore::load_kafka_file(const std::string& text, OffsetTable& table) {
  std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> raw;
  try {
    raw = read_java_offsets_map(text);
  } catch (const DataError& e) {
    unreadable(file_, e.what());
  }
  std::size_t count = 0;
  for (auto& [key, value] : raw) {
    if (!key || !value) continue;  // no partition, or a deleted offset
    StoredOffset stored;
    std::string connector;
    try {
      auto parsed = parse_offset_key(*key);
      connector = std::move(parsed.first);
      stored.partition = std::move(parsed.second);
      stored.offset = parse_offset_value(*value);
    } catch (const ConnectError& e) {
      unreadable(file_, std::string("an entry of Kafka Connect's offsets file: ") + e.what());
    }
    if (stored.offset.is_null()) continue;
    stored.key_json = std::move(*key);
    stored.value_json = std::move(*value);
    table.load(connector, std::move(stored));
    ++count;
  }
  // The next commit replaces the file in sluice's format; Kafka Connect could not read that one, so keep
  // the original for a way back.
  const std::filesystem::path backup = file_.string() + ".kafka-backup";
  std::error_code ec;
  std::filesystem::copy_file(file_, backup, std::filesystem::copy_options::skip_existing, ec);
  logger()->info("Read {} source offsets from Kafka Connect's offsets file {}; the next offset commit rewrites it in "
                 "sluice's format{}",
                 count, file_.string(),
                 ec ? " (could not keep a copy of the original: " + ec.message() + ")"
                    : " (the original is kept as " + backup.string() + ")");
}

std::optional<data::Value> FileOffsetStore::get(const std::string& connector, const data::Value& partition) {
  MutexLock lock(mu_);
  return table_.get(connector, partition);
}

void FileOffsetStore::put(const std::string& connector, const std::vector<OffsetEntry>& entries) {
  MutexLock lock(mu_);
  OffsetTable next = table_;
  next.apply(connector, entries);
  write(next);  // throws before the in-memory state changes: all or nothing
  table_ = std::move(next);
}

std::vector<std::pair<data::Value, data::Value>> FileOffsetStore::all(const std::string& connector) {
  MutexLock lock(mu_);
  return table_.all(connector);
}

void FileOffsetStore::write(const OffsetTable& table) {
  const std::string content = render(table);
  const std::filesystem::path tmp = file_.string() + ".tmp";
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) write_failed(file_, "creating " + tmp.string());
    std::size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        write_failed(file_, "writing " + tmp.string());
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) write_failed(file_, "syncing " + tmp.string());
    if (fd.close() != 0) write_failed(file_, "closing " + tmp.string());
  }
  if (::rename(tmp.c_str(), file_.c_str()) != 0) write_failed(file_, "renaming " + tmp.string());
  // The rename is durable only once the directory entry is.
  std::filesystem::path dir = file_.parent_path();
  if (dir.empty()) dir = ".";
  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0) write_failed(file_, "syncing directory " + dir.string());
}

}  // namespace sluice::storage
