#include "core/data/schema.hpp"

#include "core/common/errors.hpp"

#include <algorithm>
#include <string>

namespace sluice::data {

namespace {

bool schema_ptr_equal(const SchemaPtr& a, const SchemaPtr& b) {
  if (a == b) return true;
  if (!a || !b) return false;
  return *a == *b;
}

// Kafka keeps parameters in a LinkedHashMap; Map.equals ignores insertion order.
bool parameters_equal(const std::vector<std::pair<std::string, std::string>>& a,
                      const std::vector<std::pair<std::string, std::string>>& b) {
  if (a.size() != b.size()) return false;
  return std::all_of(a.begin(), a.end(),
                     [&b](const auto& entry) { return std::find(b.begin(), b.end(), entry) != b.end(); });
}

// Where a value sits, for messages: "value", "field: \"name\"", "element of array field: \"name\"", ...
// Built only when a message needs it, so validating a valid value allocates nothing.
struct Location {
  const char* prefix = nullptr;  // nullptr at the top, else "element of array ", "key of map ", ...
  const Location* parent = nullptr;
  std::string_view field_name;  // at the top; empty for a value that is not a field

  std::string text() const {
    if (prefix != nullptr) return prefix + parent->text();
    if (field_name.empty()) return "value";
    return "field: \"" + std::string(field_name) + "\"";
  }
};

void validate_at(const SchemaPtr& schema, const Value& value, const Location& location) {
  if (!schema) throw DataError("No schema defined for " + location.text());
  if (value.is_null()) {
    if (!schema->optional() && !schema->default_value()) {
      throw DataError("Invalid value: null used for required " + location.text() +
                      ", schema type: " + type_upper_name(schema->type()));
    }
    return;
  }
  if (value.kind() != value_kind_for(schema->type())) {
    std::string message = "Invalid value for schema";
    if (schema->name()) message += " \"" + *schema->name() + "\"";
    message += std::string(" with type ") + type_upper_name(schema->type()) + ": found " +
               kind_name(value.kind()) + " for " + location.text();
    throw DataError(message);
  }
  switch (schema->type()) {
    case Type::Struct: {
      const Struct& s = value.as_struct();
      if (s.schema() != schema && !(*s.schema() == *schema)) {
        throw DataError("Struct schemas do not match for " + location.text() + ".");
      }
      s.validate();
      break;
    }
    case Type::Array: {
      const Location element_location{"element of array ", &location, {}};
      for (const Value& element : value.as_array())
        validate_at(schema->value_schema(), element, element_location);
      break;
    }
    case Type::Map: {
      const Location key_location{"key of map ", &location, {}};
      const Location value_location{"value of map ", &location, {}};
      for (const auto& [k, v] : value.as_map()) {
        validate_at(schema->key_schema(), k, key_location);
        validate_at(schema->value_schema(), v, value_location);
      }
      break;
    }
    default: break;
  }
}

SchemaPtr make_predefined(Type type, bool optional) {
  SchemaBuilder builder(type);
  if (optional) builder.optional();
  return builder.build();
}

// Kafka's Values.SchemaDetector: the elements of an inferred array / map must all have the same type; a null
// element makes the element schema optional.
class SchemaDetector {
 public:
  bool can_detect(const Value& value) {
    if (value.is_null()) {
      optional_ = true;
      return true;
    }
    SchemaPtr schema = infer_schema(value);
    if (!schema) return false;
    if (!known_) {
      known_ = schema;
      return true;
    }
    if (known_->type() != schema->type()) return false;
    // Primitive element types are fully described by their type; complex ones must agree completely.
    if (schema->type() == Type::Array || schema->type() == Type::Map || schema->type() == Type::Struct) {
      return *known_ == *schema;
    }
    return true;
  }

  SchemaPtr schema() const {
    if (!known_) return nullptr;
    if (!optional_ || known_->optional()) return known_;
    switch (known_->type()) {
      case Type::Array:
      case Type::Map:
      case Type::Struct: return nullptr;  // no way to make a copy optional without rebuilding it; give up
      default: return make_predefined(known_->type(), true);
    }
  }

 private:
  SchemaPtr known_;
  bool optional_ = false;
};

}  // namespace

const char* type_name(Type type) {
  switch (type) {
    case Type::Boolean: return "boolean";
    case Type::Int8: return "int8";
    case Type::Int16: return "int16";
    case Type::Int32: return "int32";
    case Type::Int64: return "int64";
    case Type::Float32: return "float";
    case Type::Float64: return "double";
    case Type::String: return "string";
    case Type::Bytes: return "bytes";
    case Type::Array: return "array";
    case Type::Map: return "map";
    case Type::Struct: return "struct";
  }
  return "unknown";
}

const char* type_upper_name(Type type) {
  switch (type) {
    case Type::Boolean: return "BOOLEAN";
    case Type::Int8: return "INT8";
    case Type::Int16: return "INT16";
    case Type::Int32: return "INT32";
    case Type::Int64: return "INT64";
    case Type::Float32: return "FLOAT32";
    case Type::Float64: return "FLOAT64";
    case Type::String: return "STRING";
    case Type::Bytes: return "BYTES";
    case Type::Array: return "ARRAY";
    case Type::Map: return "MAP";
    case Type::Struct: return "STRUCT";
  }
  return "UNKNOWN";
}

std::optional<Type> parse_type_name(std::string_view json_name) {
  static constexpr Type kAll[] = {Type::Boolean, Type::Int8,    Type::Int16,   Type::Int32,
                                  Type::Int64,   Type::Float32, Type::Float64, Type::String,
                                  Type::Bytes,   Type::Array,   Type::Map,     Type::Struct};
  for (Type type : kAll) {
    if (json_name == type_name(type)) return type;
  }
  return std::nullopt;
}

Value::Kind value_kind_for(Type type) {
  switch (type) {
    case Type::Boolean: return Value::Kind::Boolean;
    case Type::Int8: return Value::Kind::Int8;
    case Type::Int16: return Value::Kind::Int16;
    case Type::Int32: return Value::Kind::Int32;
    case Type::Int64: return Value::Kind::Int64;
    case Type::Float32: return Value::Kind::Float32;
    case Type::Float64: return Value::Kind::Float64;
    case Type::String: return Value::Kind::String;
    case Type::Bytes: return Value::Kind::Bytes;
    case Type::Array: return Value::Kind::Array;
    case Type::Map: return Value::Kind::Map;
    case Type::Struct: return Value::Kind::Struct;
  }
  return Value::Kind::Null;
}

bool Field::operator==(const Field& other) const {
  return name == other.name && index == other.index && schema_ptr_equal(schema, other.schema);
}

// ---- Schema ----------------------------------------------------------------------------------------------

const std::string* Schema::parameter(std::string_view key) const {
  for (const auto& [k, v] : parameters_) {
    if (k == key) return &v;
  }
  return nullptr;
}

const std::vector<Field>& Schema::fields() const {
  if (type_ != Type::Struct) throw DataError("Cannot list fields on non-struct type");
  return fields_;
}

const Field* Schema::field(std::string_view name) const {
  if (type_ != Type::Struct) throw DataError("Cannot look up fields on non-struct type");
  for (const Field& f : fields_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const SchemaPtr& Schema::key_schema() const {
  if (type_ != Type::Map) throw DataError("Cannot look up key schema on non-map type");
  return key_schema_;
}

const SchemaPtr& Schema::value_schema() const {
  if (type_ != Type::Map && type_ != Type::Array) {
    throw DataError("Cannot look up value schema on non-array and non-map type");
  }
  return value_schema_;
}

bool Schema::operator==(const Schema& other) const {
  if (this == &other) return true;
  return optional_ == other.optional_ && version_ == other.version_ && name_ == other.name_ &&
         doc_ == other.doc_ && type_ == other.type_ && default_ == other.default_ &&
         fields_ == other.fields_ && schema_ptr_equal(key_schema_, other.key_schema_) &&
         schema_ptr_equal(value_schema_, other.value_schema_) &&
         parameters_equal(parameters_, other.parameters_);
}

#define SLUICE_PREDEFINED(fn, type, opt)                        \
  const SchemaPtr& Schema::fn() {                               \
    static const SchemaPtr schema = make_predefined(type, opt); \
    return schema;                                              \
  }
SLUICE_PREDEFINED(boolean, Type::Boolean, false)
SLUICE_PREDEFINED(int8, Type::Int8, false)
SLUICE_PREDEFINED(int16, Type::Int16, false)
SLUICE_PREDEFINED(int32, Type::Int32, false)
SLUICE_PREDEFINED(int64, Type::Int64, false)
SLUICE_PREDEFINED(float32, Type::Float32, false)
SLUICE_PREDEFINED(float64, Type::Float64, false)
SLUICE_PREDEFINED(string, Type::String, false)
SLUICE_PREDEFINED(bytes, Type::Bytes, false)
SLUICE_PREDEFINED(optional_boolean, Type::Boolean, true)
SLUICE_PREDEFINED(optional_int8, Type::Int8, true)
SLUICE_PREDEFINED(optional_int16, Type::Int16, true)
SLUICE_PREDEFINED(optional_int32, Type::Int32, true)
SLUICE_PREDEFINED(optional_int64, Type::Int64, true)
SLUICE_PREDEFINED(optional_float32, Type::Float32, true)
SLUICE_PREDEFINED(optional_float64, Type::Float64, true)
SLUICE_PREDEFINED(optional_string, Type::String, true)
SLUICE_PREDEFINED(optional_bytes, Type::Bytes, true)
#undef SLUICE_PREDEFINED

// ---- SchemaBuilder ---------------------------------------------------------------------------------------

SchemaBuilder::SchemaBuilder(Type type) {
  schema_.type_ = type;
}

SchemaBuilder SchemaBuilder::array(SchemaPtr value_schema) {
  if (!value_schema) throw SchemaBuilderError("valueSchema cannot be null.");
  SchemaBuilder builder(Type::Array);
  builder.schema_.value_schema_ = std::move(value_schema);
  return builder;
}

SchemaBuilder SchemaBuilder::map(SchemaPtr key_schema, SchemaPtr value_schema) {
  if (!key_schema) throw SchemaBuilderError("keySchema cannot be null.");
  if (!value_schema) throw SchemaBuilderError("valueSchema cannot be null.");
  SchemaBuilder builder(Type::Map);
  builder.schema_.key_schema_ = std::move(key_schema);
  builder.schema_.value_schema_ = std::move(value_schema);
  return builder;
}

SchemaBuilder& SchemaBuilder::optional() {
  if (optional_set_ && !schema_.optional_) {
    throw SchemaBuilderError("Invalid SchemaBuilder call: optional has already been set.");
  }
  optional_set_ = true;
  schema_.optional_ = true;
  return *this;
}

SchemaBuilder& SchemaBuilder::required() {
  if (optional_set_ && schema_.optional_) {
    throw SchemaBuilderError("Invalid SchemaBuilder call: optional has already been set.");
  }
  optional_set_ = true;
  schema_.optional_ = false;
  return *this;
}

SchemaBuilder& SchemaBuilder::default_value(Value value) {
  if (schema_.default_ && !(*schema_.default_ == value)) {
    throw SchemaBuilderError("Invalid SchemaBuilder call: default has already been set.");
  }
  // Validate against the schema as built so far (Kafka validates against the builder itself).
  auto current = std::make_shared<const Schema>(schema_);
  try {
    validate_at(current, value, Location{});
  } catch (const DataError& e) {
    throw SchemaBuilderError(std::string("Invalid default value: ") + e.what());
  }
  // A null default on an optional schema is "no default", as in Kafka where defaultValue == null means unset.
  if (value.is_null()) {
    schema_.default_.reset();
  } else {
    schema_.default_ = std::move(value);
  }
  return *this;
}

SchemaBuilder& SchemaBuilder::name(std::string name) {
  if (schema_.name_ && *schema_.name_ != name) {
    throw SchemaBuilderError("Invalid SchemaBuilder call: name has already been set.");
  }
  schema_.name_ = std::move(name);
  return *this;
}

SchemaBuilder& SchemaBuilder::version(std::int32_t version) {
  if (schema_.version_ && *schema_.version_ != version) {
    throw SchemaBuilderError("Invalid SchemaBuilder call: version has already been set.");
  }
  schema_.version_ = version;
  return *this;
}

SchemaBuilder& SchemaBuilder::doc(std::string doc) {
  if (schema_.doc_ && *schema_.doc_ != doc) {
    throw SchemaBuilderError("Invalid SchemaBuilder call: doc has already been set.");
  }
  schema_.doc_ = std::move(doc);
  return *this;
}

SchemaBuilder& SchemaBuilder::parameter(std::string key, std::string value) {
  // Kafka's LinkedHashMap.put: a repeated key replaces the value and keeps its original position.
  for (auto& [k, v] : schema_.parameters_) {
    if (k == key) {
      v = std::move(value);
      return *this;
    }
  }
  schema_.parameters_.emplace_back(std::move(key), std::move(value));
  return *this;
}

SchemaBuilder& SchemaBuilder::field(std::string name, SchemaPtr schema) {
  if (schema_.type_ != Type::Struct) {
    throw SchemaBuilderError(std::string("Cannot create fields on type ") + type_upper_name(schema_.type_));
  }
  if (name.empty()) throw SchemaBuilderError("fieldName cannot be null or empty.");
  if (!schema) throw SchemaBuilderError("fieldSchema for field " + name + " cannot be null.");
  for (const Field& f : schema_.fields_) {
    if (f.name == name)
      throw SchemaBuilderError("Cannot create field because of field name duplication " + name);
  }
  const std::size_t index = schema_.fields_.size();
  schema_.fields_.push_back(Field{std::move(name), index, std::move(schema)});
  return *this;
}

SchemaPtr SchemaBuilder::build() const {
  return std::make_shared<const Schema>(schema_);
}

// ---- validation and inference ----------------------------------------------------------------------------

void validate_value(const SchemaPtr& schema, const Value& value, std::string_view field_name) {
  validate_at(schema, value, Location{nullptr, nullptr, field_name});
}

SchemaPtr infer_schema(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::Null: return nullptr;
    case Value::Kind::Boolean: return Schema::boolean();
    case Value::Kind::Int8: return Schema::int8();
    case Value::Kind::Int16: return Schema::int16();
    case Value::Kind::Int32: return Schema::int32();
    case Value::Kind::Int64: return Schema::int64();
    case Value::Kind::Float32: return Schema::float32();
    case Value::Kind::Float64: return Schema::float64();
    case Value::Kind::String: return Schema::string();
    case Value::Kind::Bytes: return Schema::bytes();
    case Value::Kind::Array: {
      const auto& array = value.as_array();
      if (array.empty()) return nullptr;
      SchemaDetector detector;
      for (const Value& element : array) {
        if (!detector.can_detect(element)) return nullptr;
      }
      SchemaPtr element_schema = detector.schema();
      if (!element_schema) return nullptr;
      return SchemaBuilder::array(element_schema).build();
    }
    case Value::Kind::Map: {
      const auto& map = value.as_map();
      if (map.empty()) return nullptr;
      SchemaDetector keys;
      SchemaDetector values;
      for (const auto& [k, v] : map) {
        if (!keys.can_detect(k) || !values.can_detect(v)) return nullptr;
      }
      SchemaPtr key_schema = keys.schema();
      SchemaPtr value_schema = values.schema();
      if (!key_schema || !value_schema) return nullptr;
      return SchemaBuilder::map(key_schema, value_schema).build();
    }
    case Value::Kind::Struct: return value.as_struct().schema();
  }
  return nullptr;
}

}  // namespace sluice::data
