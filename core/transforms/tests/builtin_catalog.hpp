#pragma once
// A PluginCatalog serving only the built-in transformations and predicates, plus one rejected class, for the
// chain parser tests.

#include "core/api/plugin_catalog.hpp"
#include "core/common/errors.hpp"
#include "core/transforms/builtins.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace sluice::transforms::testing {

class BuiltinCatalog final : public api::PluginCatalog {
 public:
  static constexpr std::string_view kRejectedClass = "com.example.BrokenTransform";

  BuiltinCatalog() : builtins_(builtin_transformations()) {}

  std::vector<api::PluginInfo> plugins() const override {
    std::vector<api::PluginInfo> out;
    for (const auto& b : builtins_) out.push_back(b.info);
    return out;
  }
  std::vector<api::RejectedPlugin> rejected() const override {
    return {api::RejectedPlugin{"/plugins/broken.so",
                                "broken.so was built for ABI 2; rebuild it against ABI 1."}};
  }
  const api::PluginInfo* find(std::string_view name) const override {
    const auto* b = lookup(name, std::nullopt);
    return b ? &b->info : nullptr;
  }
  std::optional<std::string> rejection_for(std::string_view name) const override {
    if (name == kRejectedClass) return rejected().front().reason;
    return std::nullopt;
  }

  std::unique_ptr<api::Connector> create_connector(std::string_view name, api::ConnectorContext&) override {
    throw NotFoundError("No connector " + std::string(name));
  }
  std::unique_ptr<api::SourceTask> create_source_task(std::string_view name,
                                                      api::SourceTaskContext&) override {
    throw NotFoundError("No connector " + std::string(name));
  }
  std::unique_ptr<api::SinkTask> create_sink_task(std::string_view name, api::SinkTaskContext&) override {
    throw NotFoundError("No connector " + std::string(name));
  }
  std::unique_ptr<api::Converter> create_converter(std::string_view name) override {
    throw NotFoundError("No converter " + std::string(name));
  }
  std::unique_ptr<api::HeaderConverter> create_header_converter(std::string_view name) override {
    throw NotFoundError("No header converter " + std::string(name));
  }
  std::unique_ptr<api::Transformation> create_transformation(std::string_view name) override {
    const auto* b = lookup(name, api::PluginKind::Transformation);
    if (!b) throw NotFoundError("No transformation " + std::string(name));
    ++created_;
    return b->make_transformation();
  }
  std::unique_ptr<api::Predicate> create_predicate(std::string_view name) override {
    const auto* b = lookup(name, api::PluginKind::Predicate);
    if (!b) throw NotFoundError("No predicate " + std::string(name));
    ++created_;
    return b->make_predicate();
  }
  std::unique_ptr<api::ConfigProvider> create_config_provider(std::string_view name) override {
    throw NotFoundError("No config provider " + std::string(name));
  }

  int created() const { return created_; }

 private:
  const api::BuiltinPlugin* lookup(std::string_view name, std::optional<api::PluginKind> kind) const {
    for (const auto& b : builtins_) {
      if (kind && b.info.kind != *kind) continue;
      if (b.info.class_name == name ||
          std::find(b.info.aliases.begin(), b.info.aliases.end(), name) != b.info.aliases.end()) {
        return &b;
      }
    }
    return nullptr;
  }

  std::vector<api::BuiltinPlugin> builtins_;
  int created_ = 0;
};

}  // namespace sluice::transforms::testing
