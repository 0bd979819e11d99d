// Every load-time check has a fixture, and its rejection message is asserted verbatim.

#include "plugins/host/registry.hpp"

#include "plugins/host/tests/test_support.hpp"

#include <gtest/gtest.h>

#include <sluice/plugin_abi.h>

namespace sluice::host {
namespace {

using testing::fixture_dir;
using testing::fixture_file;

// Loads one fixture directory and returns the reasons of everything rejected.
std::vector<std::string> reasons_for(const std::string& fixture) {
  PluginRegistry registry;
  const auto report = registry.load_plugin_path(fixture_dir(fixture));
  EXPECT_EQ(report.loaded, 0u) << fixture;
  EXPECT_TRUE(report.path_errors.empty()) << fixture;
  EXPECT_TRUE(registry.plugins().empty()) << fixture;
  std::vector<std::string> out;
  for (const auto& r : registry.rejected()) out.push_back(r.reason);
  return out;
}

std::string rejected(const std::string& fixture, const std::string& rest) {
  return "Plugin " + fixture_file(fixture) + " was rejected: " + rest;
}

TEST(HostLoadChecks, NotASharedLibrary) {
  EXPECT_EQ(
      reasons_for("not_a_library"),
      std::vector<std::string>{rejected(
          "not_a_library",
          "expected an ELF shared library but found a file that does not start with the ELF magic bytes; "
          "replace it with a plugin built by sluice_add_plugin() or remove it from the plugin path.")});
}

TEST(HostLoadChecks, DlopenFailureIncludesDlerror) {
  const auto file = fixture_file("dlopen_fails");
  EXPECT_EQ(
      reasons_for("dlopen_fails"),
      std::vector<std::string>{rejected(
          "dlopen_fails", "expected dlopen(RTLD_NOW|RTLD_LOCAL) to succeed but found the error \"" + file +
                              ": undefined symbol: sluice_fixture_function_that_does_not_exist\"; put the "
                              "libraries it depends on next to it (its RUNPATH is $ORIGIN) or rebuild it for "
                              "this system.")});
}

TEST(HostLoadChecks, MissingEntrySymbol) {
  EXPECT_EQ(reasons_for("no_entry"),
            std::vector<std::string>{rejected(
                "no_entry",
                "expected the entry symbol sluice_plugin_v1 but found no such exported symbol; build the "
                "plugin with sluice_add_plugin() and the sluice SDK, which export it.")});
}

TEST(HostLoadChecks, OnlyANewerEntrySymbolSaysTheHostIsTooOld) {
  EXPECT_EQ(
      reasons_for("newer_entry"),
      std::vector<std::string>{rejected(
          "newer_entry",
          "expected the entry symbol sluice_plugin_v1 but found only sluice_plugin_v2, so the plugin needs a "
          "newer sluice; upgrade sluice or use a build of the plugin for plugin ABI 1.")});
}

TEST(HostLoadChecks, EntryReturnsNull) {
  EXPECT_EQ(
      reasons_for("null_descriptor"),
      std::vector<std::string>{rejected("null_descriptor",
                                        "expected sluice_plugin_v1() to return a plugin descriptor but found "
                                        "NULL; fix the plugin's entry function to return its static "
                                        "descriptor.")});
}

TEST(HostLoadChecks, BadMagic) {
  EXPECT_EQ(
      reasons_for("bad_magic"),
      std::vector<std::string>{rejected("bad_magic",
                                        "expected descriptor magic 0x31434C53 but found 0xDEADBEEF; rebuild "
                                        "the plugin against sluice's SDK 1.x.")});
}

TEST(HostLoadChecks, DescriptorTooSmall) {
  // The ABI 1.0 descriptor ends with init at offset 56 on LP64: 64 bytes.
  static_assert(sizeof(void*) == 8, "the expected size below is for LP64");
  EXPECT_EQ(reasons_for("small_descriptor"),
            std::vector<std::string>{
                rejected("small_descriptor",
                         "expected a descriptor struct_size of at least 64 bytes but found 16; "
                         "rebuild the plugin against sluice's SDK 1.x.")});
}

TEST(HostLoadChecks, AbiMajorMismatch) {
  EXPECT_EQ(
      reasons_for("abi_major_2"),
      std::vector<std::string>{rejected("abi_major_2",
                                        "expected plugin ABI major version 1 but found 2; rebuild the plugin "
                                        "against sluice's SDK 1.x.")});
}

TEST(HostLoadChecks, AbiMinorNewerThanHost) {
  EXPECT_EQ(reasons_for("abi_minor_99"),
            std::vector<std::string>{rejected(
                "abi_minor_99",
                "expected plugin ABI minor version 1 or lower but found 99; upgrade sluice to a release that "
                "supports plugin ABI 1.99 or rebuild the plugin against sluice's SDK 1.1.")});
}

TEST(HostLoadChecks, PlatformMismatch) {
  const std::string platform = SLUICE_ABI_PLATFORM;
  EXPECT_EQ(reasons_for("wrong_platform"),
            std::vector<std::string>{
                rejected("wrong_platform", "expected platform " + platform +
                                               " but found plan9-mips-none; use a build of the "
                                               "plugin for " +
                                               platform + ".")});
}

TEST(HostLoadChecks, MissingRequiredCallback) {
  EXPECT_EQ(
      reasons_for("missing_callback"),
      std::vector<std::string>{rejected(
          "missing_callback",
          "expected the source_task vtable of org.sluice.fixture.PollLessSourceConnector (source connector) "
          "to provide poll but found NULL; implement poll or build the plugin with the sluice SDK.")});
}

TEST(HostLoadChecks, DuplicateConfigKey) {
  EXPECT_EQ(
      reasons_for("bad_config_table"),
      std::vector<std::string>{rejected("bad_config_table",
                                        "expected the config key names of org.sluice.fixture.BrokenConverter "
                                        "(converter) to be unique but found \"topic\" twice; remove the "
                                        "duplicate key.")});
}

TEST(HostLoadChecks, DefaultThatDoesNotParseAsItsType) {
  EXPECT_EQ(reasons_for("bad_default"),
            std::vector<std::string>{
                rejected("bad_default",
                         "expected the config table of org.sluice.fixture.BrokenConverter "
                         "(converter) to be valid but found the error \"Invalid value lots for "
                         "configuration batch.size: Not a number of type INT\"; fix the "
                         "component's config table.")});
}

TEST(HostLoadChecks, InitFailureCarriesThePluginsError) {
  EXPECT_EQ(reasons_for("init_fails"), std::vector<std::string>{rejected(
                                           "init_fails",
                                           "expected init to succeed but found the error \"license file "
                                           "/etc/fixture/license.key is missing\"; fix the cause the plugin "
                                           "reports or remove it from plugin.path.")});
}

TEST(HostLoadChecks, DuplicateClassNameAndAliasAcrossPluginsRejectTheLaterOnes) {
  PluginRegistry registry;
  const auto report = registry.load_plugin_path(fixture_dir("duplicate"));
  EXPECT_EQ(report.loaded, 1u);
  EXPECT_EQ(report.rejected, 2u);
  const std::string a = fixture_dir("duplicate") + "/libsluice_fixture_dup_a.so";
  const std::string b = fixture_dir("duplicate") + "/libsluice_fixture_dup_b.so";
  const std::string c = fixture_dir("duplicate") + "/libsluice_fixture_dup_c.so";
  const auto rejected = registry.rejected();
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_EQ(rejected[0].location, b);
  EXPECT_EQ(rejected[0].reason,
            "Plugin " + b +
                " was rejected: expected class name org.sluice.fixture.DupConverter (converter) "
                "to be unique but found it already provided by " +
                a + "; remove one of the two plugins from plugin.path.");
  EXPECT_EQ(rejected[1].location, c);
  EXPECT_EQ(rejected[1].reason, "Plugin " + c +
                                    " was rejected: expected alias Dup of org.sluice.fixture.OtherConverter "
                                    "(converter) to be unique but found it already used by "
                                    "org.sluice.fixture.DupConverter from " +
                                    a + "; remove one of the two plugins from plugin.path.");
  const auto plugins = registry.plugins();
  ASSERT_EQ(plugins.size(), 1u);
  EXPECT_EQ(plugins[0].location, a);
}

TEST(HostLoadChecks, MissingPluginPathDirectoryIsReportedAndOthersStillLoad) {
  PluginRegistry registry;
  const std::string missing = fixture_dir("no-such-directory");
  const auto report = registry.load_plugin_path(missing + "," + fixture_dir("good"));
  EXPECT_EQ(report.loaded, 1u);
  ASSERT_EQ(report.path_errors.size(), 1u);
  const std::string reason = "Plugin path " + missing +
                             " was rejected: expected a directory but found nothing at that path; create the "
                             "directory or remove it from plugin.path.";
  EXPECT_EQ(report.path_errors[0].reason, reason);
  ASSERT_EQ(registry.rejected().size(), 1u);
  EXPECT_EQ(registry.rejected()[0].reason, reason);
}

}  // namespace
}  // namespace sluice::host
