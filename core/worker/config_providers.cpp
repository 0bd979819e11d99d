#include "core/worker/config_providers.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/config/properties.hpp"

extern char** environ;

namespace sluice::worker {
namespace {

namespace fs = std::filesystem;

constexpr const char* kAllowedPaths = "allowed.paths";
constexpr const char* kAllowlistPattern = "allowlist.pattern";

std::shared_ptr<spdlog::logger> logger() {
  static const auto instance = log::get("sluice.config.provider");
  return instance;
}

std::optional<std::string> param(const config::RawConfig& config, const char* key) {
  const auto it = config.find(key);
  if (it == config.end()) return std::nullopt;
  return it->second;
}

// Kafka's AllowedPaths: absolute, existing paths; a path is allowed when, normalised, it starts with one of
// them component by component. Not configured: everything is allowed.
class AllowedPaths {
 public:
  void configure(const std::optional<std::string>& value) {
    roots_.reset();
    if (!value || value->empty()) return;
    std::vector<fs::path> roots;
    std::size_t start = 0;
    while (start <= value->size()) {
      const std::size_t comma = value->find(',', start);
      const std::string item =
          value->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      const fs::path normalised = fs::path(item).lexically_normal();
      std::error_code ec;
      if (!normalised.is_absolute() || !fs::exists(normalised, ec)) {
        throw ConfigError("Path " + normalised.string() +
                          " is not valid. The path should be absolute and exist");
      }
      roots.push_back(normalised);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    roots_ = std::move(roots);
  }

  // The path to read, or nullopt when it lies outside allowed.paths.
  std::optional<fs::path> check(const std::string& path) const {
    if (!roots_) return fs::path(path);
    const fs::path normalised = fs::path(path).lexically_normal();
    for (const fs::path& root : *roots_) {
      if (starts_with(normalised, root)) return normalised;
    }
    return std::nullopt;
  }

 private:
  static bool starts_with(const fs::path& path, const fs::path& root) {
    auto p = path.begin();
    for (auto r = root.begin(); r != root.end(); ++r, ++p) {
      if (r->empty()) continue;  // a trailing separator of the root
      if (p == path.end() || *p != *r) return false;
    }
    return true;
  }

  std::optional<std::vector<fs::path>> roots_;
};

const config::ConfigDef& paths_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define(
        kAllowedPaths, config::Type::String, "", config::Importance::Medium,
        "A comma separated list of paths that this config provider is allowed to access. If not set, all "
        "paths are allowed.");
    return d;
  }();
  return def;
}

const config::ConfigDef& env_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define(
        kAllowlistPattern, config::Type::String, ".*", config::Importance::Medium,
        "A pattern / regular expression that needs to match for environment variables to be used by this "
        "config provider.");
    return d;
  }();
  return def;
}

class FileConfigProvider final : public api::ConfigProvider {
 public:
  void configure(const config::RawConfig& config) override {
    allowed_.configure(param(config, kAllowedPaths));
  }

  Data get(const std::string& path, const std::vector<std::string>& keys) override {
    Data data;
    if (path.empty()) return data;
    const auto file = allowed_.check(path);
    if (!file) {
      logger()->warn("The path {} is not allowed to be accessed", path);
      return data;
    }
    std::vector<std::pair<std::string, std::string>> entries;
    try {
      entries = config::load_properties_file(*file);
    } catch (const ConnectError&) {
      throw ConfigError("Could not read properties from file " + path);
    }
    std::map<std::string, std::string> all;
    for (auto& [key, value] : entries) all[key] = std::move(value);
    if (keys.empty()) {
      data.values = std::move(all);
      return data;
    }
    for (const std::string& key : keys) {
      if (auto it = all.find(key); it != all.end()) data.values.emplace(key, it->second);
    }
    return data;
  }

 private:
  AllowedPaths allowed_;
};

class DirectoryConfigProvider final : public api::ConfigProvider {
 public:
  void configure(const config::RawConfig& config) override {
    allowed_.configure(param(config, kAllowedPaths));
  }

  Data get(const std::string& path, const std::vector<std::string>& keys) override {
    Data data;
    if (path.empty()) return data;
    const auto dir = allowed_.check(path);
    if (!dir) {
      logger()->warn("The path {} is not allowed to be accessed", path);
      return data;
    }
    std::error_code ec;
    if (!fs::is_directory(*dir, ec)) {
      logger()->warn("The path {} is not a directory", path);
      return data;
    }
    const std::set<std::string> wanted(keys.begin(), keys.end());
    fs::directory_iterator it(*dir, ec);
    if (ec) throw ConfigError("Could not list directory " + dir->string());
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) throw ConfigError("Could not list directory " + dir->string());
      std::error_code type_ec;
      if (!it->is_regular_file(type_ec)) continue;
      const std::string name = it->path().filename().string();
      if (!wanted.empty() && !wanted.contains(name)) continue;
      std::ifstream in(it->path(), std::ios::binary);
      std::ostringstream content;
      content << in.rdbuf();
      if (!in) throw ConfigError("Could not read file " + it->path().string() + " for property " + name);
      data.values.emplace(name, content.str());
    }
    return data;
  }

 private:
  AllowedPaths allowed_;
};

class EnvVarConfigProvider final : public api::ConfigProvider {
 public:
  void configure(const config::RawConfig& config) override {
    const auto pattern = param(config, kAllowlistPattern);
    if (!pattern)
      logger()->info("No pattern for environment variables provided. Using default pattern '(.*)'.");
    try {
      pattern_ = std::regex(pattern.value_or(".*"), std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw ConfigError("Invalid value " + *pattern + " for configuration " + kAllowlistPattern + ": " +
                        e.what());
    }
  }

  Data get(const std::string& path, const std::vector<std::string>& keys) override {
    if (!path.empty()) {
      logger()->error("Path is not supported for EnvVarConfigProvider, invalid value '{}'", path);
      throw ConfigError("Path is not supported for EnvVarConfigProvider, invalid value '" + path + "'");
    }
    Data data;
    const std::set<std::string> wanted(keys.begin(), keys.end());
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
      const std::string_view text(*entry);
      const std::size_t eq = text.find('=');
      if (eq == std::string_view::npos) continue;
      std::string name(text.substr(0, eq));
      if (!wanted.empty() && !wanted.contains(name)) continue;
      if (!std::regex_match(name, pattern_)) continue;
      data.values.emplace(std::move(name), std::string(text.substr(eq + 1)));
    }
    return data;
  }

 private:
  std::regex pattern_{".*"};
};

template <typename T>
api::BuiltinPlugin provider(std::string class_name, std::vector<std::string> aliases, std::string doc,
                            const config::ConfigDef& def) {
  api::BuiltinPlugin plugin;
  plugin.info.class_name = std::move(class_name);
  plugin.info.aliases = std::move(aliases);
  plugin.info.kind = api::PluginKind::ConfigProvider;
  plugin.info.location = "builtin";
  plugin.info.documentation = std::move(doc);
  plugin.info.config_def = &def;
  plugin.make_config_provider = [] { return std::unique_ptr<api::ConfigProvider>(std::make_unique<T>()); };
  return plugin;
}

}  // namespace

std::vector<api::BuiltinPlugin> builtin_config_providers() {
  std::vector<api::BuiltinPlugin> out;
  out.push_back(provider<FileConfigProvider>("org.apache.kafka.common.config.provider.FileConfigProvider",
                                             {"FileConfigProvider", "File"},
                                             "An implementation of ConfigProvider that represents a "
                                             "Properties file. All property keys and values are "
                                             "stored as cleartext.",
                                             paths_def()));
  out.push_back(
      provider<DirectoryConfigProvider>("org.apache.kafka.common.config.provider.DirectoryConfigProvider",
                                        {"DirectoryConfigProvider", "Directory"},
                                        "An implementation of ConfigProvider based on a directory of files. "
                                        "Property keys correspond to the names of "
                                        "(regular) files, and property values to their contents.",
                                        paths_def()));
  out.push_back(provider<EnvVarConfigProvider>("org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                                               {"EnvVarConfigProvider", "EnvVar"},
                                               "An implementation of ConfigProvider based on environment "
                                               "variables. Keys correspond to the names of the "
                                               "environment variables, values to their values.",
                                               env_def()));
  return out;
}

}  // namespace sluice::worker
