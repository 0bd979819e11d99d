// The header transformations: DropHeaders, InsertHeader and HeaderFrom$Key / HeaderFrom$Value.

#include "core/common/errors.hpp"
#include "core/data/values.hpp"
#include "core/transforms/transforms.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace sluice::transforms {

namespace {

using data::Value;

// ---- DropHeaders ------------------------------------------------------------------------------------------

constexpr std::string_view kNames = "names";

class DropHeaders final : public api::Transformation {
 public:
  void configure(const config::RawConfig& raw) override {
    const config::Config config(drop_headers_config_def(), raw);
    names_ = config.get_list(kNames);
  }

  bool apply(data::ConnectRecord& record) override {
    data::Headers kept;
    for (const data::Header& header : record.headers) {
      if (std::find(names_.begin(), names_.end(), header.key) == names_.end()) kept.add(header);
    }
    if (kept.size() != record.headers.size()) record.headers = std::move(kept);
    return true;
  }

  const config::ConfigDef& config_def() const override { return drop_headers_config_def(); }

 private:
  std::vector<std::string> names_;
};

// ---- InsertHeader -----------------------------------------------------------------------------------------

constexpr std::string_view kHeader = "header";
constexpr std::string_view kLiteralValue = "value.literal";

class InsertHeader final : public api::Transformation {
 public:
  void configure(const config::RawConfig& raw) override {
    const config::Config config(insert_header_config_def(), raw);
    header_ = config.get_string(kHeader);
    // Kafka parses the literal once with Values.parseString: "42" becomes an INT8 header, "true" a BOOLEAN.
    literal_ = data::values::parse_string(config.get_string(kLiteralValue));
  }

  bool apply(data::ConnectRecord& record) override {
    record.headers.add(data::Header{header_, literal_.schema, literal_.value});
    return true;
  }

  const config::ConfigDef& config_def() const override { return insert_header_config_def(); }

 private:
  std::string header_;
  data::SchemaAndValue literal_;
};

// ---- HeaderFrom -------------------------------------------------------------------------------------------

constexpr std::string_view kFields = "fields";
constexpr std::string_view kHeaders = "headers";
constexpr std::string_view kOperation = "operation";

class HeaderFrom final : public SideTransformation {
 public:
  explicit HeaderFrom(Side side) : SideTransformation(side) {}

  void configure(const config::RawConfig& raw) override {
    const config::Config config(header_from_config_def(), raw);
    fields_ = config.get_list(kFields);
    headers_ = config.get_list(kHeaders);
    if (fields_.size() != headers_.size()) {
      throw ConfigError("'fields' config must have the same number of elements as 'headers' config.");
    }
    move_ = config.get_string(kOperation) == "move";
    replace_null_with_default_ = config.get_bool(kReplaceNullWithDefault);
  }

  bool apply(data::ConnectRecord& record) override {
    data::SchemaPtr& schema = schema_of(record);
    Value& value = value_of(record);
    const std::string purpose = std::string("header ") + (move_ ? "move" : "copy");
    data::Headers headers = record.headers;
    if (!schema) {
      Value::Map updated = require_map(value, purpose);
      const Value::Map& original = value.as_map();
      for (std::size_t i = 0; i < fields_.size(); ++i) {
        const Value* field_value = map_find(original, fields_[i]);
        if (move_) map_remove(updated, fields_[i]);
        headers.add(data::Header{headers_[i], nullptr, field_value ? *field_value : Value()});
      }
      value = Value::map(std::move(updated));
      record.headers = std::move(headers);
      return true;
    }

    const data::Struct& original = require_struct(value, purpose);
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      const data::Field* field = schema->field(fields_[i]);
      if (field == nullptr) throw DataError("Field does not exist: " + fields_[i]);
      headers.add(headers_[i], field->schema, struct_field(original, *field, replace_null_with_default_));
    }
    if (move_) {
      data::SchemaBuilder builder = data::SchemaBuilder::structure();
      copy_schema_basics(*schema, builder);
      for (const data::Field& field : schema->fields()) {
        if (std::find(fields_.begin(), fields_.end(), field.name) == fields_.end()) {
          builder.field(field.name, field.schema);
        }
      }
      data::SchemaPtr updated_schema = builder.build();
      data::Struct updated(updated_schema);
      for (const data::Field& field : updated_schema->fields()) {
        updated.put(field.name, struct_field(original, *original.schema()->field(field.name),
                                             replace_null_with_default_));
      }
      value = Value::structure(std::move(updated));
      schema = std::move(updated_schema);
    }
    record.headers = std::move(headers);
    return true;
  }

  const config::ConfigDef& config_def() const override { return header_from_config_def(); }

 private:
  std::vector<std::string> fields_;
  std::vector<std::string> headers_;
  bool move_ = false;
  bool replace_null_with_default_ = true;
};

}  // namespace

const config::ConfigDef& drop_headers_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define_required(std::string(kNames), config::Type::List, config::Importance::High,
                      "The name of the headers to be removed.", validators::non_empty_list());
    return d;
  }();
  return def;
}

const config::ConfigDef& insert_header_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define_required(std::string(kHeader), config::Type::String, config::Importance::High,
                      "The name of the header.", config::validators::non_null());
    d.define_required(std::string(kLiteralValue), config::Type::String, config::Importance::High,
                      "The literal value that is to be set as the header value on all records.",
                      config::validators::non_null());
    return d;
  }();
  return def;
}

const config::ConfigDef& header_from_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define_required(std::string(kFields), config::Type::List, config::Importance::High,
                      "Field names in the record whose values are to be copied or moved to headers.",
                      validators::non_empty_list());
    d.define_required(std::string(kHeaders), config::Type::List, config::Importance::High,
                      "Header names, in the same order as the field names listed in the fields configuration "
                      "property.",
                      validators::non_empty_list());
    d.define_required(
        std::string(kOperation), config::Type::String, config::Importance::High,
        "Either <code>move</code> if the fields are to be moved to the headers (removed from the "
        "key/value), or <code>copy</code> if the fields are to be copied to the headers (retained in the "
        "key/value).",
        config::validators::in({"move", "copy"}));
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

std::unique_ptr<api::Transformation> make_drop_headers() {
  return std::make_unique<DropHeaders>();
}
std::unique_ptr<api::Transformation> make_insert_header() {
  return std::make_unique<InsertHeader>();
}
std::unique_ptr<api::Transformation> make_header_from(Side side) {
  return std::make_unique<HeaderFrom>(side);
}

}  // namespace sluice::transforms
