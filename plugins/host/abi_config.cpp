#include "plugins/host/abi_config.hpp"

#include "core/common/errors.hpp"
#include "plugins/host/abi_data.hpp"
#include "plugins/host/host_api.hpp"

#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace sluice::host {
namespace {

config::Type to_config_type(sluice_config_type type) {
  switch (type) {
    case SLUICE_CONFIG_BOOLEAN: return config::Type::Boolean;
    case SLUICE_CONFIG_STRING: return config::Type::String;
    case SLUICE_CONFIG_INT: return config::Type::Int;
    case SLUICE_CONFIG_SHORT: return config::Type::Short;
    case SLUICE_CONFIG_LONG: return config::Type::Long;
    case SLUICE_CONFIG_DOUBLE: return config::Type::Double;
    case SLUICE_CONFIG_LIST: return config::Type::List;
    case SLUICE_CONFIG_CLASS: return config::Type::Class;
    default: return config::Type::Password;
  }
}

config::Importance to_importance(sluice_importance importance) {
  switch (importance) {
    case SLUICE_IMPORTANCE_HIGH: return config::Importance::High;
    case SLUICE_IMPORTANCE_MEDIUM: return config::Importance::Medium;
    default: return config::Importance::Low;
  }
}

config::Width to_width(sluice_width width) {
  switch (width) {
    case SLUICE_WIDTH_SHORT: return config::Width::Short;
    case SLUICE_WIDTH_MEDIUM: return config::Width::Medium;
    case SLUICE_WIDTH_LONG: return config::Width::Long;
    default: return config::Width::None;
  }
}

// A range with only an upper bound; core/config offers at_least and between only.
class AtMostValidator final : public config::Validator {
 public:
  explicit AtMostValidator(double max)
      : check_(config::validators::between(std::numeric_limits<double>::lowest(), max)),
        bound_text_(config::validators::at_least(max)->describe()) {}

  void ensure_valid(std::string_view name, const config::ParsedValue& value) const override {
    check_->ensure_valid(name, value);
  }
  std::string describe() const override {
    // at_least(max) describes itself as "[<max>,...]"; reuse its number formatting.
    const auto comma = bound_text_.find(",...]");
    return "[...," + bound_text_.substr(1, comma == std::string::npos ? std::string::npos : comma - 1) + "]";
  }

 private:
  config::ValidatorPtr check_;
  std::string bound_text_;
};

// Calls the plugin's validate callback with the parsed value's string form.
class PluginValidator final : public config::Validator {
 public:
  PluginValidator(config::Type type, sluice_status (*fn)(const char*, const char*, sluice_error*),
                  std::shared_ptr<const SharedLibrary> library)
      : type_(type), fn_(fn), library_(std::move(library)) {}

  void ensure_valid(std::string_view name, const config::ParsedValue& value) const override {
    const auto text = config::render(value, type_);
    CallError err;
    const std::string name_text(name);
    if (fn_(name_text.c_str(), text ? text->c_str() : nullptr, err.get()) == SLUICE_OK) return;
    const std::string shown =
        type_ == config::Type::Password ? std::string(config::Password::kHidden) : text.value_or("null");
    const std::string reason =
        err.message().empty() ? "Value was rejected by the plugin's validator" : err.message();
    // A plugin may already phrase the whole sentence the Kafka way.
    if (reason.rfind("Invalid value ", 0) == 0) throw ConfigError(reason);
    throw ConfigError("Invalid value " + shown + " for configuration " + name_text + ": " + reason);
  }
  std::string describe() const override { return ""; }

 private:
  config::Type type_;
  sluice_status (*fn_)(const char*, const char*, sluice_error*);
  std::shared_ptr<const SharedLibrary> library_;
};

// Runs several validators in order (Kafka's CompositeValidator).
class AllOfValidator final : public config::Validator {
 public:
  explicit AllOfValidator(std::vector<config::ValidatorPtr> parts) : parts_(std::move(parts)) {}

  void ensure_valid(std::string_view name, const config::ParsedValue& value) const override {
    for (const auto& part : parts_) part->ensure_valid(name, value);
  }
  std::string describe() const override {
    std::string out;
    for (const auto& part : parts_) {
      auto text = part->describe();
      if (text.empty()) continue;
      if (!out.empty()) out += ", ";
      out += text;
    }
    return out;
  }

 private:
  std::vector<config::ValidatorPtr> parts_;
};

std::vector<std::string> string_list(const char* const* items, std::size_t count) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) out.emplace_back(items[i]);
  return out;
}

config::ValidatorPtr validator_for(const sluice_config_key& key, config::Type type,
                                   const std::shared_ptr<const SharedLibrary>& library) {
  std::vector<config::ValidatorPtr> parts;
  if (key.has_min && key.has_max) {
    parts.push_back(config::validators::between(key.min, key.max));
  } else if (key.has_min) {
    parts.push_back(config::validators::at_least(key.min));
  } else if (key.has_max) {
    parts.push_back(std::make_shared<AtMostValidator>(key.max));
  }
  if (key.valid_value_count > 0) {
    auto valid = string_list(key.valid_values, key.valid_value_count);
    parts.push_back(type == config::Type::List ? config::validators::list_of(std::move(valid))
                                               : config::validators::in(std::move(valid)));
  }
  if (key.non_empty_string != 0) parts.push_back(config::validators::non_empty_string());
  if (key.validate != nullptr)
    parts.push_back(std::make_shared<PluginValidator>(type, key.validate, library));
  if (parts.empty()) return nullptr;
  if (parts.size() == 1) return parts.front();
  return std::make_shared<AllOfValidator>(std::move(parts));
}

}  // namespace

std::shared_ptr<const config::ConfigDef> config_def_from_abi(const sluice_component& component,
                                                             std::shared_ptr<const SharedLibrary> library) {
  auto def = std::make_shared<config::ConfigDef>();
  if (component.config_key_count == 0) return def;
  const std::size_t stride = component.config_keys[0].struct_size;
  for (std::size_t i = 0; i < component.config_key_count; ++i) {
    const auto& key = *abi_element(component.config_keys, stride, i);
    config::ConfigKey out;
    out.name = key.name;
    out.type = to_config_type(key.type);
    out.has_default = key.has_default != 0;
    if (out.has_default && key.default_value != nullptr) out.default_value = key.default_value;
    out.validator = validator_for(key, out.type, library);
    out.importance = to_importance(key.importance);
    out.documentation = key.documentation != nullptr ? key.documentation : "";
    if (key.group != nullptr) out.group = key.group;
    out.order_in_group = key.order_in_group;
    out.width = to_width(key.width);
    out.display_name = key.display_name != nullptr ? key.display_name : "";
    out.dependents = string_list(key.dependents, key.dependent_count);
    def->define(std::move(out));
  }
  return def;
}

}  // namespace sluice::host
