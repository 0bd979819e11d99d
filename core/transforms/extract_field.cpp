// ExtractField$Key / ExtractField$Value: replaces the key/value with one of its fields (nested with V2
// paths).

#include "core/common/errors.hpp"
#include "core/transforms/field_path.hpp"
#include "core/transforms/transforms.hpp"

#include <optional>

namespace sluice::transforms {

namespace {

constexpr std::string_view kField = "field";
constexpr std::string_view kPurpose = "field extraction";

class ExtractField final : public SideTransformation {
 public:
  explicit ExtractField(Side side) : SideTransformation(side) {}

  void configure(const config::RawConfig& raw) override {
    const config::Config config(extract_field_config_def(), raw);
    original_path_ = config.get_string(kField);
    path_.emplace(original_path_, parse_field_syntax_version(config.get_string(kFieldSyntaxVersionConfig)));
    replace_null_with_default_ = config.get_bool(kReplaceNullWithDefault);
  }

  bool apply(data::ConnectRecord& record) override {
    data::SchemaPtr& schema = schema_of(record);
    data::Value& value = value_of(record);
    if (!schema) {
      if (value.is_null()) return true;
      const data::Value::Map& map = require_map(value, kPurpose);
      value = path_->value_from(map);
      return true;
    }
    if (!value.is_null()) require_struct(value, kPurpose);
    const data::Field* field = path_->field_from(*schema);
    if (field == nullptr) throw DataError("Unknown field: " + original_path_);
    data::SchemaPtr field_schema = field->schema;
    if (!value.is_null()) value = path_->value_from(value.as_struct(), replace_null_with_default_);
    schema = std::move(field_schema);
    return true;
  }

  const config::ConfigDef& config_def() const override { return extract_field_config_def(); }

 private:
  std::string original_path_;
  std::optional<SingleFieldPath> path_;
  bool replace_null_with_default_ = true;
};

}  // namespace

const config::ConfigDef& extract_field_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define_required(std::string(kField), config::Type::String, config::Importance::Medium,
                      "Field name to extract.");
    d.define(replace_null_with_default_key());
    d.define(field_syntax_version_key());
    return d;
  }();
  return def;
}

std::unique_ptr<api::Transformation> make_extract_field(Side side) {
  return std::make_unique<ExtractField>(side);
}

}  // namespace sluice::transforms
