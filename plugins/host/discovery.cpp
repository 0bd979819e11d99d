#include "plugins/host/discovery.hpp"

#include "plugins/host/elf_inspect.hpp"

#include <algorithm>
#include <system_error>

namespace sluice::host {
namespace fs = std::filesystem;
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

bool is_so_file(const fs::directory_entry& entry) {
  std::error_code ec;
  return entry.path().extension() == ".so" && entry.is_regular_file(ec);
}

// The directory's entries sorted by name, or a path error.
bool list_directory(const fs::path& dir, const char* what, std::vector<fs::directory_entry>& out,
                    std::vector<api::RejectedPlugin>& errors) {
  std::error_code ec;
  const auto status = fs::status(dir, ec);
  if (!fs::exists(status)) {
    errors.push_back({dir.string(), std::string(what) + " " + dir.string() +
                                        " was rejected: expected a directory but found nothing at that path; "
                                        "create the directory or remove it from plugin.path."});
    return false;
  }
  if (!fs::is_directory(status)) {
    errors.push_back({dir.string(), std::string(what) + " " + dir.string() +
                                        " was rejected: expected a directory but found a file; list the "
                                        "directory that contains it in plugin.path instead."});
    return false;
  }
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) out.push_back(*it);
  if (ec) {
    out.clear();
    errors.push_back(
        {dir.string(), std::string(what) + " " + dir.string() +
                           " was rejected: expected a readable directory but found the error \"" +
                           ec.message() + "\"; fix its permissions or remove it from plugin.path."});
    return false;
  }
  std::sort(out.begin(), out.end(),
            [](const fs::directory_entry& a, const fs::directory_entry& b) { return a.path() < b.path(); });
  return true;
}

void discover_subdirectory(const fs::path& dir, Discovery& result) {
  std::vector<fs::directory_entry> entries;
  if (!list_directory(dir, "Plugin directory", entries, result.path_errors)) return;
  std::vector<fs::path> libraries;
  std::vector<fs::path> exporters;
  for (const auto& entry : entries) {
    if (!is_so_file(entry)) continue;
    libraries.push_back(entry.path());
    if (inspect_elf(entry.path()).exports_any_entry()) exporters.push_back(entry.path());
  }
  const auto& chosen = exporters.empty() ? libraries : exporters;
  result.candidates.insert(result.candidates.end(), chosen.begin(), chosen.end());
}

}  // namespace

std::vector<std::string> split_plugin_path(std::string_view plugin_path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= plugin_path.size()) {
    auto end = plugin_path.find(',', start);
    if (end == std::string_view::npos) end = plugin_path.size();
    const auto item = trim(plugin_path.substr(start, end - start));
    if (!item.empty()) out.emplace_back(item);
    start = end + 1;
  }
  return out;
}

Discovery discover_plugins(const std::vector<std::string>& directories) {
  Discovery result;
  for (const auto& raw : directories) {
    // Absolute paths make every log line and rejection reason unambiguous.
    std::error_code ec;
    fs::path dir = fs::absolute(fs::path(raw), ec).lexically_normal();
    if (ec) dir = fs::path(raw);
    if (!dir.has_filename() && dir != dir.root_path()) dir = dir.parent_path();  // "/x/y/" -> "/x/y"
    std::vector<fs::directory_entry> entries;
    if (!list_directory(dir, "Plugin path", entries, result.path_errors)) continue;
    for (const auto& entry : entries) {
      std::error_code type_ec;
      if (entry.is_directory(type_ec)) {
        discover_subdirectory(entry.path(), result);
      } else if (is_so_file(entry)) {
        result.candidates.push_back(entry.path());
      }
    }
  }
  return result;
}

}  // namespace sluice::host
