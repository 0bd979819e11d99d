#include "core/worker/config_providers.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "core/common/errors.hpp"

namespace sluice::worker {
namespace {

namespace fs = std::filesystem;

// A private directory under the system temp dir, removed at the end.
class ConfigProviders : public ::testing::Test {
 protected:
  ConfigProviders() {
    std::string pattern = (fs::temp_directory_path() / "sluice-providers-XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
  }
  ~ConfigProviders() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path write(const std::string& name, const std::string& content) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::unique_ptr<api::ConfigProvider> make(const std::string& alias, config::RawConfig params = {}) {
    for (auto& plugin : builtin_config_providers()) {
      const auto& aliases = plugin.info.aliases;
      if (plugin.info.class_name == alias ||
          std::find(aliases.begin(), aliases.end(), alias) != aliases.end()) {
        auto provider = plugin.make_config_provider();
        provider->configure(params);
        return provider;
      }
    }
    ADD_FAILURE() << "no provider " << alias;
    return nullptr;
  }

  fs::path dir_;
};

TEST_F(ConfigProviders, AreListedUnderKafkasClassNamesAndAliases) {
  std::vector<std::string> names;
  for (const auto& plugin : builtin_config_providers()) {
    EXPECT_EQ(plugin.info.kind, api::PluginKind::ConfigProvider);
    EXPECT_EQ(plugin.info.location, "builtin");
    ASSERT_NE(plugin.info.config_def, nullptr);
    names.push_back(plugin.info.class_name + " " + plugin.info.aliases.at(0) + " " +
                    plugin.info.aliases.at(1));
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{
                "org.apache.kafka.common.config.provider.FileConfigProvider FileConfigProvider File",
                "org.apache.kafka.common.config.provider.DirectoryConfigProvider DirectoryConfigProvider "
                "Directory",
                "org.apache.kafka.common.config.provider.EnvVarConfigProvider EnvVarConfigProvider EnvVar"}));
}

TEST_F(ConfigProviders, FileProviderReadsJavaPropertiesFiles) {
  const auto file =
      write("secrets.properties", "# comment\ndb.user = alice\ndb.password=s3cr\\u0065t\nempty=\n");
  auto provider = make("org.apache.kafka.common.config.provider.FileConfigProvider");
  const auto some = provider->get(file.string(), {"db.password", "missing"});
  EXPECT_EQ(some.values, (std::map<std::string, std::string>{{"db.password", "s3cret"}}));
  EXPECT_FALSE(some.ttl_ms.has_value());
  const auto all = provider->get(file.string(), {});
  EXPECT_EQ(all.values, (std::map<std::string, std::string>{
                            {"db.password", "s3cret"}, {"db.user", "alice"}, {"empty", ""}}));
  EXPECT_TRUE(provider->get("", {"db.user"}).values.empty());
  try {
    provider->get((dir_ / "nope.properties").string(), {"x"});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "Could not read properties from file " + (dir_ / "nope.properties").string());
  }
}

TEST_F(ConfigProviders, DirectoryProviderReadsWholeFilesByName) {
  write("secrets/db-password", "p4ss\nword\n");
  write("secrets/api-key", "k");
  write("secrets/nested/ignored", "x");
  auto provider = make("DirectoryConfigProvider");
  const std::string dir = (dir_ / "secrets").string();
  EXPECT_EQ(provider->get(dir, {"db-password", "nested"}).values,
            (std::map<std::string, std::string>{{"db-password", "p4ss\nword\n"}}));
  EXPECT_EQ(provider->get(dir, {}).values,
            (std::map<std::string, std::string>{{"api-key", "k"}, {"db-password", "p4ss\nword\n"}}));
  EXPECT_TRUE(provider->get((dir_ / "secrets/api-key").string(), {}).values.empty());  // not a directory
}

TEST_F(ConfigProviders, AllowedPathsConfineFileAndDirectoryProviders) {
  const auto inside = write("allowed/app.properties", "k=v\n");
  const auto outside = write("other/app.properties", "k=v\n");
  auto provider = make("File", {{"allowed.paths", (dir_ / "allowed").string()}});
  EXPECT_EQ(provider->get(inside.string(), {"k"}).values, (std::map<std::string, std::string>{{"k", "v"}}));
  EXPECT_TRUE(provider->get(outside.string(), {"k"}).values.empty());
  // No escaping through "..".
  EXPECT_TRUE(provider->get((dir_ / "allowed/../other/app.properties").string(), {"k"}).values.empty());
  try {
    make("Directory", {{"allowed.paths", "relative/dir"}});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "Path relative/dir is not valid. The path should be absolute and exist");
  }
}

TEST_F(ConfigProviders, EnvVarProviderReadsAllowedVariablesWithoutPath) {
  ::setenv("SLUICE_TEST_SECRET", "from-env", 1);
  ::setenv("SLUICE_OTHER", "hidden", 1);
  auto provider = make("EnvVarConfigProvider", {{"allowlist.pattern", "SLUICE_TEST_.*"}});
  EXPECT_EQ(provider->get("", {"SLUICE_TEST_SECRET", "SLUICE_OTHER", "SLUICE_NOT_SET"}).values,
            (std::map<std::string, std::string>{{"SLUICE_TEST_SECRET", "from-env"}}));
  auto open = make("EnvVar");
  EXPECT_EQ(open->get("", {"SLUICE_OTHER"}).values,
            (std::map<std::string, std::string>{{"SLUICE_OTHER", "hidden"}}));
  try {
    open->get("/some/path", {"SLUICE_OTHER"});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "Path is not supported for EnvVarConfigProvider, invalid value '/some/path'");
  }
}

}  // namespace
}  // namespace sluice::worker
