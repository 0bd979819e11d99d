// SetSchemaMetadata$Key / SetSchemaMetadata$Value: sets the name and/or version of the key/value schema.
// Everything else is kept, parameters included, so a renamed Decimal keeps its scale and its bytes stay
// valid.

#include "core/common/errors.hpp"
#include "core/transforms/schema_cache.hpp"
#include "core/transforms/transforms.hpp"

#include <optional>
#include <vector>

namespace sluice::transforms {

namespace {

constexpr std::string_view kSchemaName = "schema.name";
constexpr std::string_view kSchemaVersion = "schema.version";

data::SchemaPtr with_metadata(const data::Schema& schema, const std::optional<std::string>& name,
                              std::optional<std::int32_t> version) {
  data::SchemaBuilder builder = schema.type() == data::Type::Array
                                    ? data::SchemaBuilder::array(schema.value_schema())
                                : schema.type() == data::Type::Map
                                    ? data::SchemaBuilder::map(schema.key_schema(), schema.value_schema())
                                    : data::SchemaBuilder(schema.type());
  if (name) {
    builder.name(*name);
  } else if (schema.name()) {
    builder.name(*schema.name());
  }
  if (version) {
    builder.version(*version);
  } else if (schema.version()) {
    builder.version(*schema.version());
  }
  if (schema.doc()) builder.doc(*schema.doc());
  for (const auto& [key, value] : schema.parameters()) builder.parameter(key, value);
  if (schema.type() == data::Type::Struct) {
    for (const data::Field& field : schema.fields()) builder.field(field.name, field.schema);
  }
  if (schema.optional()) builder.optional();
  data::SchemaPtr without_default = builder.build();
  if (!schema.default_value()) return without_default;
  const data::Value& default_value = *schema.default_value();
  if (default_value.kind() == data::Value::Kind::Struct) {
    // The default struct must reference the new schema too.
    data::Struct moved(without_default);
    for (const data::Field& field : schema.fields())
      moved.put(field.name, default_value.as_struct().values()[field.index]);
    builder.default_value(data::Value::structure(std::move(moved)));
  } else {
    builder.default_value(default_value);
  }
  return builder.build();
}

class SetSchemaMetadata final : public SideTransformation {
 public:
  explicit SetSchemaMetadata(Side side) : SideTransformation(side) {}

  void configure(const config::RawConfig& raw) override {
    const config::Config config(set_schema_metadata_config_def(), raw);
    name_ = config.get_optional_string(kSchemaName);
    const config::ParsedValue& version = config.get(kSchemaVersion);
    if (const auto* v = std::get_if<std::int32_t>(&version)) version_ = *v;
    if (!name_ && !version_) throw ConfigError("Neither schema name nor version configured");
    replace_null_with_default_ = config.get_bool(kReplaceNullWithDefault);
  }

  bool apply(data::ConnectRecord& record) override {
    data::SchemaPtr& schema = schema_of(record);
    data::Value& value = value_of(record);
    if (value.is_null() && !schema) return true;
    require_schema(schema, "updating schema metadata");
    const data::SchemaPtr* cached = schema_updates_.find(schema);
    data::SchemaPtr updated_schema =
        cached ? *cached : schema_updates_.put(schema, with_metadata(*schema, name_, version_));
    if (value.kind() == data::Value::Kind::Struct) {
      data::Struct& original = value.as_struct();
      const std::vector<data::Field>& fields = updated_schema->fields();
      const std::vector<data::Field>& original_fields = original.schema()->fields();
      if (original_fields.size() != fields.size()) {
        throw DataError("Struct value does not match its schema: the schema has " +
                        std::to_string(fields.size()) + " fields, the struct " +
                        std::to_string(original_fields.size()));
      }
      // Struct.put's checks for every field before the original's values are moved.
      for (const data::Field& field : fields) {
        data::validate_value(field.schema,
                             struct_field(original, original_fields[field.index], replace_null_with_default_),
                             field.name);
      }
      data::Struct updated(updated_schema);
      for (const data::Field& field : fields) {
        updated.put(field,
                    take_struct_field(original, original_fields[field.index], replace_null_with_default_));
      }
      value = data::Value::structure(std::move(updated));
    }
    schema = std::move(updated_schema);
    return true;
  }

  const config::ConfigDef& config_def() const override { return set_schema_metadata_config_def(); }

 private:
  std::optional<std::string> name_;
  std::optional<std::int32_t> version_;
  bool replace_null_with_default_ = true;
  SchemaCache<data::SchemaPtr> schema_updates_;  // input schema -> the same with the new name / version
};

}  // namespace

const config::ConfigDef& set_schema_metadata_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define(std::string(kSchemaName), config::Type::String, std::nullopt, config::Importance::High,
             "Schema name to set.");
    d.define(std::string(kSchemaVersion), config::Type::Int, std::nullopt, config::Importance::High,
             "Schema version to set.");
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

std::unique_ptr<api::Transformation> make_set_schema_metadata(Side side) {
  return std::make_unique<SetSchemaMetadata>(side);
}

}  // namespace sluice::transforms
