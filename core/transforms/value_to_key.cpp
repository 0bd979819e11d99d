// ValueToKey: replaces the key with a struct (or map) of some fields of the value.

#include "core/common/errors.hpp"
#include "core/transforms/schema_cache.hpp"
#include "core/transforms/transforms.hpp"

#include <string>
#include <vector>

namespace sluice::transforms {

namespace {

using data::Value;

constexpr std::string_view kFields = "fields";
constexpr std::string_view kPurpose = "copying fields from value to key";

class ValueToKey final : public api::Transformation {
 public:
  void configure(const config::RawConfig& raw) override {
    const config::Config config(value_to_key_config_def(), raw);
    fields_ = config.get_list(kFields);
    replace_null_with_default_ = config.get_bool(kReplaceNullWithDefault);
  }

  bool apply(data::ConnectRecord& record) override {
    if (!record.value_schema) {
      const Value::Map& value = require_map(record.value, kPurpose);
      Value::Map key;
      for (const std::string& field : fields_) {
        const Value* found = map_find(value, field);
        map_put(key, field, found ? *found : Value());
      }
      record.key_schema = nullptr;
      record.key = Value::map(std::move(key));
      return true;
    }
    const data::Struct& value = require_struct(record.value, kPurpose);
    const KeySchema* cached = key_schemas_.find(value.schema());
    const KeySchema& key_schema =
        cached ? *cached : key_schemas_.put(value.schema(), build_key_schema(*value.schema()));
    data::Struct key(key_schema.schema);
    const std::vector<data::Field>& value_fields = value.schema()->fields();
    const std::vector<data::Field>& key_fields = key_schema.schema->fields();
    for (std::size_t i = 0; i < key_fields.size(); ++i) {
      key.put(key_fields[i],
              struct_field(value, value_fields[key_schema.source_index[i]], replace_null_with_default_));
    }
    record.key_schema = key_schema.schema;
    record.key = Value::structure(std::move(key));
    return true;
  }

  const config::ConfigDef& config_def() const override { return value_to_key_config_def(); }

 private:
  // The key schema for a value schema, and the value field each key field comes from.
  struct KeySchema {
    data::SchemaPtr schema;
    std::vector<std::size_t> source_index;
  };

  KeySchema build_key_schema(const data::Schema& value_schema) const {
    data::SchemaBuilder builder = data::SchemaBuilder::structure();
    KeySchema out;
    for (const std::string& name : fields_) {
      const data::Field* field = value_schema.field(name);
      if (field == nullptr) throw DataError("Field does not exist: " + name);
      builder.field(name, field->schema);
      out.source_index.push_back(field->index);
    }
    out.schema = builder.build();
    return out;
  }

  std::vector<std::string> fields_;
  bool replace_null_with_default_ = true;
  SchemaCache<KeySchema> key_schemas_;
};

}  // namespace

const config::ConfigDef& value_to_key_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define_required(std::string(kFields), config::Type::List, config::Importance::High,
                      "Field names on the record value to extract as the record key.",
                      validators::non_empty_list());
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

std::unique_ptr<api::Transformation> make_value_to_key() {
  return std::make_unique<ValueToKey>();
}

}  // namespace sluice::transforms
