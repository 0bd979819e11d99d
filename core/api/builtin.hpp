#pragma once
// Built-in (in-process) plugins: converters, header converters, transformations, predicates and config
// providers that ship inside the sluice binary. Their modules (core/convert, core/transforms) return lists
// of these; app/ registers them in the same catalog as .so plugins, so GET /connector-plugins lists both.

#include "core/api/plugin_catalog.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace sluice::api {

// Exactly one factory is set, matching info.kind. info.location is "builtin"; info.config_def points to a
// ConfigDef with static storage duration.
struct BuiltinPlugin {
  PluginInfo info;
  std::function<std::unique_ptr<Converter>()> make_converter;
  std::function<std::unique_ptr<HeaderConverter>()> make_header_converter;
  std::function<std::unique_ptr<Transformation>()> make_transformation;
  std::function<std::unique_ptr<Predicate>()> make_predicate;
  std::function<std::unique_ptr<ConfigProvider>()> make_config_provider;
};

}  // namespace sluice::api
