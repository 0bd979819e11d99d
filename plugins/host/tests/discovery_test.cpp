#include "plugins/host/discovery.hpp"

#include "plugins/host/elf_inspect.hpp"
#include "plugins/host/tests/test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace sluice::host {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

void copy_into(const std::string& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  fs::copy_file(from, to);
}

TEST(HostPluginPath, TrimsEntriesAndIgnoresEmptyOnes) {
  EXPECT_EQ(split_plugin_path(" /a , ,/b,,  /c d  ,"), (std::vector<std::string>{"/a", "/b", "/c d"}));
  EXPECT_TRUE(split_plugin_path("").empty());
  EXPECT_TRUE(split_plugin_path(" , ,").empty());
}

TEST(HostDiscovery, FindsSoFilesAndOnePluginPerSubdirectoryInSortedOrder) {
  TempDir dir;
  const auto root = dir.path();
  write_text(root / "b-plugin.so", "not really a library");
  copy_into(testing::fixture_file("no_entry"), root / "a-plugin.so");
  // A plugin directory: the plugin and its private dependency; only the exporter is a plugin.
  copy_into(testing::good_plugin_file(), root / "m-good" / "libsluice_fixture_good.so");
  copy_into(testing::fixture_dir("good") + "/good-plugin/libsluice_fixture_good_helper.so",
            root / "m-good" / "libsluice_fixture_good_helper.so");
  // A directory where nothing exports the entry: every .so is a candidate, so each gets a reason.
  copy_into(testing::fixture_file("no_entry"), root / "c-broken" / "liby.so");
  write_text(root / "c-broken" / "libx.so", "text");
  write_text(root / "c-broken" / "README.md", "ignored");
  write_text(root / "notes.txt", "ignored");
  fs::create_directories(root / "empty");

  const auto result = discover_plugins({root.string()});
  EXPECT_TRUE(result.path_errors.empty());
  EXPECT_EQ(
      result.candidates,
      (std::vector<fs::path>{root / "a-plugin.so", root / "b-plugin.so", root / "c-broken" / "libx.so",
                             root / "c-broken" / "liby.so", root / "m-good" / "libsluice_fixture_good.so"}));
}

TEST(HostDiscovery, KeepsPluginPathOrderAcrossDirectories) {
  TempDir first;
  TempDir second;
  write_text(second.path() / "a.so", "x");
  write_text(first.path() / "z.so", "x");
  const auto result = discover_plugins({first.path().string(), second.path().string() + "/"});
  EXPECT_EQ(result.candidates, (std::vector<fs::path>{first.path() / "z.so", second.path() / "a.so"}));
}

TEST(HostDiscovery, MissingDirectoryIsAPathErrorWithAClearMessage) {
  TempDir dir;
  const auto missing = (dir.path() / "does-not-exist").string();
  const auto result = discover_plugins({missing});
  EXPECT_TRUE(result.candidates.empty());
  ASSERT_EQ(result.path_errors.size(), 1u);
  EXPECT_EQ(result.path_errors[0].location, missing);
  EXPECT_EQ(result.path_errors[0].reason,
            "Plugin path " + missing +
                " was rejected: expected a directory but found nothing at that path; create the directory or "
                "remove it from plugin.path.");
}

TEST(HostDiscovery, AFileInsteadOfADirectoryIsAPathError) {
  TempDir dir;
  const auto file = dir.path() / "plugin.so";
  write_text(file, "x");
  const auto result = discover_plugins({file.string()});
  ASSERT_EQ(result.path_errors.size(), 1u);
  EXPECT_EQ(
      result.path_errors[0].reason,
      "Plugin path " + file.string() +
          " was rejected: expected a directory but found a file; list the directory that contains it in "
          "plugin.path instead.");
}

TEST(HostElfInspect, TellsSharedLibrariesFromOtherFilesAndListsEntrySymbols) {
  const auto good = inspect_elf(testing::good_plugin_file());
  EXPECT_EQ(good.status, ElfInspection::Status::SharedObject);
  ASSERT_TRUE(good.entry_symbols.has_value());
  EXPECT_EQ(*good.entry_symbols, std::vector<std::string>{"sluice_plugin_v1"});

  const auto newer = inspect_elf(testing::fixture_file("newer_entry"));
  ASSERT_TRUE(newer.entry_symbols.has_value());
  EXPECT_EQ(*newer.entry_symbols, std::vector<std::string>{"sluice_plugin_v2"});

  const auto helper =
      inspect_elf(testing::fixture_dir("good") + "/good-plugin/libsluice_fixture_good_helper.so");
  EXPECT_EQ(helper.status, ElfInspection::Status::SharedObject);
  EXPECT_FALSE(helper.exports_any_entry());

  EXPECT_EQ(inspect_elf(testing::fixture_file("not_a_library")).status, ElfInspection::Status::NotElf);
  EXPECT_EQ(inspect_elf("/nonexistent/file.so").status, ElfInspection::Status::Unreadable);
}

TEST(HostElfInspect, ParsesEntrySymbolVersions) {
  EXPECT_EQ(entry_symbol_version("sluice_plugin_v1"), 1u);
  EXPECT_EQ(entry_symbol_version("sluice_plugin_v12"), 12u);
  EXPECT_FALSE(entry_symbol_version("sluice_plugin_v"));
  EXPECT_FALSE(entry_symbol_version("sluice_plugin_vx"));
  EXPECT_FALSE(entry_symbol_version("other"));
}

}  // namespace
}  // namespace sluice::host
