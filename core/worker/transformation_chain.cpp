#include "core/worker/transformation_chain.hpp"

#include <cctype>

#include "core/common/errors.hpp"

namespace sluice::worker {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    std::string item = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!item.empty()) out.push_back(std::move(item));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

config::RawConfig prefixed(const std::map<std::string, std::string>& config, const std::string& prefix) {
  config::RawConfig out;
  for (const auto& [key, value] : config) {
    if (key.size() > prefix.size() && key.starts_with(prefix)) out.emplace(key.substr(prefix.size()), value);
  }
  return out;
}

std::string required(const std::map<std::string, std::string>& config, const std::string& key,
                     const std::string& what) {
  const auto it = config.find(key);
  if (it == config.end() || trim(it->second).empty())
    throw ConnectError("Missing required configuration \"" + key + "\" which has no default value. (" + what + ")");
  return trim(it->second);
}

}  // namespace

bool TransformationChain::apply(data::ConnectRecord& record) const {
  for (const Stage& stage : stages_) {
    if (stage.predicate && stage.predicate->test(record) == stage.negate) continue;
    if (!stage.transformation->apply(record)) return false;
  }
  return true;
}

TransformationChain make_transformation_chain(const std::map<std::string, std::string>& connector_config,
                                              api::PluginCatalog& catalog) {
  const auto transforms = connector_config.find("transforms");
  if (transforms == connector_config.end()) return {};
  std::vector<TransformationChain::Stage> stages;
  for (const std::string& alias : split_list(transforms->second)) {
    const std::string prefix = "transforms." + alias + ".";
    TransformationChain::Stage stage;
    stage.alias = alias;
    stage.transformation =
        catalog.create_transformation(required(connector_config, prefix + "type", "transformation " + alias));
    config::RawConfig settings = prefixed(connector_config, prefix);
    const auto predicate_alias = settings.find("predicate");
    const auto negate = settings.find("negate");
    std::optional<std::string> predicate_name;
    if (predicate_alias != settings.end() && predicate_alias->second) predicate_name = trim(*predicate_alias->second);
    if (negate != settings.end() && negate->second) {
      std::string lower = trim(*negate->second);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      stage.negate = lower == "true";
    }
    // As Kafka: the stage keys are removed, "type" stays in what the transformation sees.
    settings.erase("predicate");
    settings.erase("negate");
    stage.transformation->configure(settings);
    if (predicate_name && !predicate_name->empty()) {
      const std::string predicate_prefix = "predicates." + *predicate_name + ".";
      stage.predicate = catalog.create_predicate(
          required(connector_config, predicate_prefix + "type", "predicate " + *predicate_name));
      config::RawConfig predicate_settings = prefixed(connector_config, predicate_prefix);
      stage.predicate->configure(predicate_settings);
    }
    stages.push_back(std::move(stage));
  }
  return TransformationChain(std::move(stages));
}

}  // namespace sluice::worker
