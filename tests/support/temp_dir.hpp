#pragma once
// TempDir: a private directory under $TMPDIR (or /tmp), removed with everything in it when the owner
// goes out of scope. Movable, not copyable; not thread-safe.

#include <filesystem>
#include <string>
#include <string_view>

namespace sluice::test {

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "sluice-test");
  ~TempDir();
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }
  // Writes `content` to path()/name (creating parent directories) and returns the file's path.
  std::filesystem::path write(std::string_view name, std::string_view content) const;

 private:
  std::filesystem::path path_;
};

// The whole content of a file; empty when it does not exist.
std::string read_file(const std::filesystem::path& path);

}  // namespace sluice::test
