// HoistField$Key / HoistField$Value: wraps the key/value in a struct (or map) with a single field.

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
    data::SchemaPtr updated_schema = data::SchemaBuilder::structure().field(field_, schema).build();
    data::Struct updated(updated_schema);
    updated.put(field_, std::move(value));
    value = data::Value::structure(std::move(updated));
    schema = std::move(updated_schema);
    return true;
  }

  const config::ConfigDef& config_def() const override { return hoist_field_config_def(); }

 private:
  std::string field_;
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
