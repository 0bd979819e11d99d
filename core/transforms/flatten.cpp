// Flatten$Key / Flatten$Value: nested structs (or maps) become top-level fields named by joining the field
// names of every level with the delimiter. Arrays are carried over as they are.

#include "core/common/errors.hpp"
#include "core/transforms/transforms.hpp"

namespace sluice::transforms {

namespace {

using data::Type;
using data::Value;

constexpr std::string_view kDelimiter = "delimiter";
constexpr std::string_view kPurpose = "flattening";

bool is_passed_through(Type type) {
  switch (type) {
    case Type::Int8:
    case Type::Int16:
    case Type::Int32:
    case Type::Int64:
    case Type::Float32:
    case Type::Float64:
    case Type::Boolean:
    case Type::String:
    case Type::Bytes:
    case Type::Array: return true;
    default: return false;
  }
}

class Flatten final : public SideTransformation {
 public:
  explicit Flatten(Side side) : SideTransformation(side) {}

  void configure(const config::RawConfig& raw) override {
    const config::Config config(flatten_config_def(), raw);
    delimiter_ = config.get_string(kDelimiter);
  }

  bool apply(data::ConnectRecord& record) override {
    data::SchemaPtr& schema = schema_of(record);
    Value& value = value_of(record);
    if (!schema) {
      if (value.is_null()) return true;
      const Value::Map& original = require_map(value, kPurpose);
      Value::Map flat;
      flatten_map(original, "", flat);
      value = Value::map(std::move(flat));
      return true;
    }
    if (!value.is_null()) require_struct(value, kPurpose);
    if (schema->type() != Type::Struct) {
      // A non-struct schema with a null value: Kafka fails looking up fields of a non-struct schema.
      throw DataError("Cannot list fields on non-struct type");
    }
    data::SchemaBuilder builder = data::SchemaBuilder::structure();
    copy_schema_basics(*schema, builder);
    const Value* parent_default = schema->default_value() ? &*schema->default_value() : nullptr;
    build_schema(*schema, "", builder, schema->optional(), parent_default);
    // Kafka leaves the flattened schema required even when the original was optional; an optional original
    // stays optional here so that a null value still fits its schema.
    if (schema->optional()) builder.optional();
    data::SchemaPtr updated_schema = builder.build();
    if (!value.is_null()) {
      data::Struct updated(updated_schema);
      flatten_struct(&value.as_struct(), "", updated);
      value = Value::structure(std::move(updated));
    }
    schema = std::move(updated_schema);
    return true;
  }

  const config::ConfigDef& config_def() const override { return flatten_config_def(); }

 private:
  std::string field_name(const std::string& prefix, const std::string& name) const {
    return prefix.empty() ? name : prefix + delimiter_ + name;
  }

  void flatten_map(const Value::Map& original, const std::string& prefix, Value::Map& out) const {
    for (const auto& [key, entry] : original) {
      const std::string name = field_name(prefix, map_key_string(key));
      switch (entry.kind()) {
        case Value::Kind::Map: flatten_map(entry.as_map(), name, out); break;
        case Value::Kind::Struct:
          throw DataError("Flatten transformation does not support " + java_class(entry) +
                          " for record without schemas (for field " + name + ").");
        default: map_put(out, name, entry); break;
      }
    }
  }

  // Flattened fields are optional when any ancestor is, and take their default from the nearest ancestor
  // struct default when they have none of their own.
  void build_schema(const data::Schema& schema, const std::string& prefix, data::SchemaBuilder& out,
                    bool optional, const Value* default_from_parent) const {
    for (const data::Field& field : schema.fields()) {
      const std::string name = field_name(prefix, field.name);
      const bool field_optional = optional || field.schema->optional();
      const Value* field_default = nullptr;
      if (field.schema->default_value()) {
        field_default = &*field.schema->default_value();
      } else if (default_from_parent != nullptr && !default_from_parent->is_null()) {
        field_default = &default_from_parent->as_struct().get(field.index);
      }
      if (is_passed_through(field.schema->type())) {
        data::SchemaBuilder builder = copy_schema_basics(*field.schema);
        if (field_optional) builder.optional();
        if (field_default != nullptr && !field_default->is_null()) builder.default_value(*field_default);
        out.field(name, builder.build());
      } else if (field.schema->type() == Type::Struct) {
        build_schema(*field.schema, name, out, field_optional, field_default);
      } else {
        throw DataError(std::string("Flatten transformation does not support ") +
                        data::type_upper_name(field.schema->type()) + " for record with schemas (for field " +
                        name + ").");
      }
    }
  }

  void flatten_struct(const data::Struct* original, const std::string& prefix, data::Struct& out) const {
    if (original == nullptr) return;
    for (const data::Field& field : original->schema()->fields()) {
      const std::string name = field_name(prefix, field.name);
      if (is_passed_through(field.schema->type())) {
        out.put(name, original->get(field.index));
      } else if (field.schema->type() == Type::Struct) {
        const Value& nested = original->get(field.index);
        flatten_struct(nested.is_null() ? nullptr : &nested.as_struct(), name, out);
      } else {
        throw DataError(std::string("Flatten transformation does not support ") +
                        data::type_upper_name(field.schema->type()) + " for record with schemas (for field " +
                        name + ").");
      }
    }
  }

  std::string delimiter_ = ".";
};

}  // namespace

const config::ConfigDef& flatten_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define(
        std::string(kDelimiter), config::Type::String, ".", config::Importance::Medium,
        "Delimiter to insert between field names from the input record when generating field names for the "
        "output record");
    return d;
  }();
  return def;
}

std::unique_ptr<api::Transformation> make_flatten(Side side) {
  return std::make_unique<Flatten>(side);
}

}  // namespace sluice::transforms
