#include "core/herder/config_transformer.hpp"

#include "core/api/plugin_catalog.hpp"
#include "core/common/errors.hpp"

#include <regex>
#include <set>
#include <string_view>
#include <utility>

namespace sluice::herder {
namespace {

// Kafka's ConfigTransformer.DEFAULT_PATTERN: ${provider:[path:]key}.
const std::regex& pattern() {
  static const std::regex instance(R"(\$\{([^}]*?):(([^}]*?):)?([^}]*?)\})");
  return instance;
}

std::vector<std::string> split_list(const std::string& value) {
  std::vector<std::string> out;
  std::string item;
  auto flush = [&] {
    auto begin = item.find_first_not_of(" \t\r\n");
    if (begin != std::string::npos) out.push_back(item.substr(begin, item.find_last_not_of(" \t\r\n") - begin + 1));
    item.clear();
  };
  for (char c : value) {
    if (c == ',') {
      flush();
    } else {
      item += c;
    }
  }
  flush();
  return out;
}

}  // namespace

ConfigTransformer::ConfigTransformer(api::PluginCatalog& plugins, const StringMap& worker_properties) {
  auto names = worker_properties.find("config.providers");
  if (names == worker_properties.end()) return;
  for (const auto& name : split_list(names->second)) {
    const std::string prefix = "config.providers." + name + ".";
    auto cls = worker_properties.find(prefix + "class");
    if (cls == worker_properties.end()) {
      throw ConfigError("Config provider " + name + " is listed in config.providers but " + prefix +
                        "class is not set; set it to the provider's class name");
    }
    std::unique_ptr<api::ConfigProvider> provider;
    try {
      provider = plugins.create_config_provider(cls->second);
    } catch (const ConnectError& e) {
      throw ConfigError("Config provider " + name + " (" + cls->second + ") cannot be created: " + e.what());
    }
    config::RawConfig params;
    const std::string param_prefix = prefix + "param.";
    for (const auto& [key, value] : worker_properties) {
      if (key.compare(0, param_prefix.size(), param_prefix) == 0) params.emplace(key.substr(param_prefix.size()), value);
    }
    provider->configure(params);
    providers_.emplace(name, std::move(provider));
  }
}

ConfigTransformer::~ConfigTransformer() = default;

StringMap ConfigTransformer::transform(const StringMap& config) const {
  if (providers_.empty()) return config;
  // provider -> path -> keys wanted, then one get() per path.
  std::map<std::string, std::map<std::string, std::set<std::string>>> wanted;
  for (const auto& [key, value] : config) {
    for (std::sregex_iterator it(value.begin(), value.end(), pattern()), end; it != end; ++it) {
      wanted[(*it)[1].str()][(*it)[3].matched ? (*it)[3].str() : ""].insert((*it)[4].str());
    }
  }
  if (wanted.empty()) return config;
  std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> found;
  {
    std::lock_guard lock(mu_);
    for (const auto& [provider_name, paths] : wanted) {
      auto provider = providers_.find(provider_name);
      if (provider == providers_.end()) continue;
      for (const auto& [path, keys] : paths) {
        auto data = provider->second->get(path, std::vector<std::string>(keys.begin(), keys.end()));
        found[provider_name][path] = std::move(data.values);
      }
    }
  }
  StringMap out;
  for (const auto& [key, value] : config) {
    std::string result;
    auto last = value.cbegin();
    for (std::sregex_iterator it(value.begin(), value.end(), pattern()), end; it != end; ++it) {
      const auto& m = *it;
      result.append(last, m[0].first);
      last = m[0].second;
      std::string replacement = m[0].str();
      if (auto p = found.find(m[1].str()); p != found.end()) {
        if (auto path = p->second.find(m[3].matched ? m[3].str() : ""); path != p->second.end()) {
          if (auto v = path->second.find(m[4].str()); v != path->second.end()) replacement = v->second;
        }
      }
      result += replacement;
    }
    result.append(last, value.cend());
    out.emplace(key, std::move(result));
  }
  return out;
}

}  // namespace sluice::herder
