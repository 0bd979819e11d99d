// ReplaceField$Key / ReplaceField$Value: keeps (include), drops (exclude) and renames fields. The deprecated
// `whitelist` / `blacklist` keys still work as `include` / `exclude` when the new key is not set.

#include "core/transforms/schema_cache.hpp"
#include "core/transforms/transforms.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace sluice::transforms {

namespace {

using data::Value;

constexpr std::string_view kExclude = "exclude";
constexpr std::string_view kInclude = "include";
constexpr std::string_view kBlacklist = "blacklist";
constexpr std::string_view kWhitelist = "whitelist";
constexpr std::string_view kRenames = "renames";
constexpr std::string_view kPurpose = "field replacement";

using Renames = std::vector<std::pair<std::string, std::string>>;

Renames parse_renames(const std::vector<std::string>& mappings) {
  Renames renames;
  for (const auto& mapping : mappings) {
    const auto parts = java_split(mapping, ':');
    if (parts.size() != 2) {
      throw_invalid_config(kRenames, java_list_string(mappings), "Invalid rename mapping: " + mapping);
    }
    renames.emplace_back(parts[0], parts[1]);
  }
  return renames;
}

class RenamesValidator final : public config::Validator {
 public:
  void ensure_valid(std::string_view, const config::ParsedValue& value) const override {
    if (const auto* list = std::get_if<std::vector<std::string>>(&value)) parse_renames(*list);
  }
  std::string describe() const override {
    return "list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>";
  }
};

// ConfigUtils.translateDeprecatedConfigs: a deprecated key fills in for its replacement when that is unset.
config::RawConfig translate_deprecated(config::RawConfig raw) {
  for (auto [target, deprecated] : {std::pair{kInclude, kWhitelist}, std::pair{kExclude, kBlacklist}}) {
    auto old_it = raw.find(std::string(deprecated));
    if (old_it == raw.end()) continue;
    if (raw.find(std::string(target)) == raw.end()) raw.emplace(std::string(target), old_it->second);
    raw.erase(old_it);
  }
  return raw;
}

class ReplaceField final : public SideTransformation {
 public:
  explicit ReplaceField(Side side) : SideTransformation(side) {}

  void configure(const config::RawConfig& raw) override {
    const config::Config config(replace_field_config_def(), translate_deprecated(raw));
    exclude_ = config.get_list(kExclude);
    include_ = config.get_list(kInclude);
    renames_ = parse_renames(config.get_list(kRenames));
    replace_null_with_default_ = config.get_bool(kReplaceNullWithDefault);
  }

  bool apply(data::ConnectRecord& record) override {
    Value& value = value_of(record);
    if (value.is_null()) return true;
    data::SchemaPtr& schema = schema_of(record);
    if (!schema) {
      require_map(value, kPurpose);
      Value::Map& original = value.as_map();
      // Keys that have no string form fail before anything is moved.
      for (const auto& entry : original) {
        if (entry.first.kind() != Value::Kind::String) map_key_string(entry.first);
      }
      Value::Map updated;
      std::string converted;
      for (auto& [key, field_value] : original) {
        const std::string& name =
            key.kind() == Value::Kind::String ? key.as_string() : (converted = map_key_string(key));
        if (keeps(name)) map_put(updated, renamed(name), std::move(field_value));
      }
      value = Value::map(std::move(updated));
      return true;
    }
    require_struct(value, kPurpose);
    data::Struct& original = value.as_struct();
    const data::SchemaPtr source_schema = original.schema();
    const SchemaUpdate* update = schema_updates_.find(source_schema);
    if (update == nullptr) update = &schema_updates_.put(source_schema, build_update(*source_schema));
    data::SchemaPtr updated_schema = update->schema;
    const std::vector<data::Field>& source_fields = source_schema->fields();
    const std::vector<data::Field>& updated_fields = updated_schema->fields();
    // Struct.put's checks for every kept field before the original's values are moved.
    for (std::size_t i = 0; i < updated_fields.size(); ++i) {
      const data::Field& field = source_fields[update->source_index[i]];
      data::validate_value(updated_fields[i].schema,
                           struct_field(original, field, replace_null_with_default_), updated_fields[i].name);
    }
    data::Struct updated(updated_schema);
    for (std::size_t i = 0; i < updated_fields.size(); ++i) {
      const data::Field& field = source_fields[update->source_index[i]];
      updated.put(updated_fields[i], take_struct_field(original, field, replace_null_with_default_));
    }
    value = Value::structure(std::move(updated));
    schema = std::move(updated_schema);
    return true;
  }

  const config::ConfigDef& config_def() const override { return replace_field_config_def(); }

 private:
  bool keeps(const std::string& name) const {
    if (std::find(exclude_.begin(), exclude_.end(), name) != exclude_.end()) return false;
    return include_.empty() || std::find(include_.begin(), include_.end(), name) != include_.end();
  }

  // The updated schema for an input schema, and where each of its fields comes from.
  struct SchemaUpdate {
    data::SchemaPtr schema;
    std::vector<std::size_t> source_index;  // per updated field: the index of its field in the input schema
  };

  SchemaUpdate build_update(const data::Schema& source) const {
    data::SchemaBuilder builder = data::SchemaBuilder::structure();
    copy_schema_basics(source, builder);
    SchemaUpdate update;
    for (const data::Field& field : source.fields()) {
      if (!keeps(field.name)) continue;
      builder.field(renamed(field.name), field.schema);
      update.source_index.push_back(field.index);
    }
    update.schema = builder.build();
    return update;
  }

  std::string renamed(const std::string& name) const {
    // HashMap semantics: a later mapping of the same field wins.
    for (auto it = renames_.rbegin(); it != renames_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    return name;
  }

  std::vector<std::string> exclude_;
  std::vector<std::string> include_;
  Renames renames_;
  bool replace_null_with_default_ = true;
  SchemaCache<SchemaUpdate> schema_updates_;
};

}  // namespace

const config::ConfigDef& replace_field_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define(std::string(kExclude), config::Type::List, "", config::Importance::Medium,
             "Fields to exclude. This takes precedence over the fields to include.");
    d.define(std::string(kBlacklist), config::Type::List, std::nullopt, config::Importance::Low,
             "Deprecated. Use exclude instead.");
    d.define(std::string(kInclude), config::Type::List, "", config::Importance::Medium,
             "Fields to include. If specified, only these fields will be used.");
    d.define(std::string(kWhitelist), config::Type::List, std::nullopt, config::Importance::Low,
             "Deprecated. Use include instead.");
    d.define(std::string(kRenames), config::Type::List, "", config::Importance::Medium,
             "Field rename mappings.", std::make_shared<RenamesValidator>());
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

std::unique_ptr<api::Transformation> make_replace_field(Side side) {
  return std::make_unique<ReplaceField>(side);
}

}  // namespace sluice::transforms
