// HoistField$Key / HoistField$Value: wraps the key/value in a struct (or map) with a single field.

#include "core/transforms/schema_cache.hpp"
#include "core/transforms/transforms.hpp"

namespace sluice::transforms {

namespace {

constexpr std::string_view kField = "field";

class HoistField final : public SideTransformation {
 public:
  explicit HoistField(Side side) : SideTransformation(side) {}

  void configure(const config::RawConfig& raw) override {
    const config::Config config(hoist_field_config_def(), raw);
    field_ = config.get_string(kField);
  }

  bool apply(data::ConnectRecord& record) override {
    data::SchemaPtr& schema = schema_of(record);
    data::Value& value = value_of(record);
    if (!schema) {
      data::Value::Map map;
      map.emplace_back(data::Value::string(field_), std::move(value));
      value = data::Value::map(std::move(map));
      return true;
    }
    const data::SchemaPtr* cached = schema_updates_.find(schema);
    data::SchemaPtr updated_schema =
        cached ? *cached
               : schema_updates_.put(schema, data::SchemaBuilder::structure().field(field_, schema).build());
    // Struct.put's check before the value is moved into the new struct.
    data::validate_value(schema, value, field_);
    data::Struct updated(updated_schema);
    updated.put(updated_schema->fields().front(), std::move(value));
    value = data::Value::structure(std::move(updated));
    schema = std::move(updated_schema);
    return true;
  }

  const config::ConfigDef& config_def() const override { return hoist_field_config_def(); }

 private:
  std::string field_;
  SchemaCache<data::SchemaPtr> schema_updates_;  // input schema -> the struct schema wrapping it
};

}  // namespace

const config::ConfigDef& hoist_field_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define_required(std::string(kField), config::Type::String, config::Importance::Medium,
                      "Field name for the single field that will be created in the resulting Struct or Map.");
    return d;
  }();
  return def;
}

std::unique_ptr<api::Transformation> make_hoist_field(Side side) {
  return std::make_unique<HoistField>(side);
}

}  // namespace sluice::transforms
