#pragma once
// Connect schemas (Kafka's ConnectSchema / SchemaBuilder): type, optional, default, name, version, doc,
// parameters (insertion-ordered), and fields / key / value schemas. Immutable once built; shared through
// SchemaPtr across records and threads.

#include "core/common/errors.hpp"
#include "core/data/value.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::data {

enum class Type : std::uint8_t { Boolean, Int8, Int16, Int32, Int64, Float32, Float64, String, Bytes, Array, Map, Struct };

const char* type_name(Type type);        // Kafka's JSON names: "int8", "float", "double", "struct", ...
const char* type_upper_name(Type type);  // Kafka's Schema.Type names: "INT8", "FLOAT32", "STRUCT", ...
std::optional<Type> parse_type_name(std::string_view json_name);  // inverse of type_name
Value::Kind value_kind_for(Type type);   // the Value kind that a schema type holds

struct Field {
  std::string name;
  std::size_t index;
  SchemaPtr schema;
  bool operator==(const Field& other) const;
};

class Schema {
 public:
  Type type() const { return type_; }
  bool optional() const { return optional_; }
  const std::optional<Value>& default_value() const { return default_; }
  const std::optional<std::string>& name() const { return name_; }
  const std::optional<std::int32_t>& version() const { return version_; }
  const std::optional<std::string>& doc() const { return doc_; }
  const std::vector<std::pair<std::string, std::string>>& parameters() const { return parameters_; }
  const std::string* parameter(std::string_view key) const;  // nullptr when absent

  // STRUCT only (DataError otherwise): fields in order, and lookup by name (nullptr when absent).
  const std::vector<Field>& fields() const;
  const Field* field(std::string_view name) const;
  // MAP: key_schema and value_schema; ARRAY: value_schema. DataError otherwise.
  const SchemaPtr& key_schema() const;
  const SchemaPtr& value_schema() const;

  // Deep equality (Kafka's ConnectSchema.equals).
  bool operator==(const Schema& other) const;

  // Predefined schemas (Kafka's Schema.INT8_SCHEMA, OPTIONAL_INT8_SCHEMA, ...).
  static const SchemaPtr& boolean();
  static const SchemaPtr& int8();
  static const SchemaPtr& int16();
  static const SchemaPtr& int32();
  static const SchemaPtr& int64();
  static const SchemaPtr& float32();
  static const SchemaPtr& float64();
  static const SchemaPtr& string();
  static const SchemaPtr& bytes();
  static const SchemaPtr& optional_boolean();
  static const SchemaPtr& optional_int8();
  static const SchemaPtr& optional_int16();
  static const SchemaPtr& optional_int32();
  static const SchemaPtr& optional_int64();
  static const SchemaPtr& optional_float32();
  static const SchemaPtr& optional_float64();
  static const SchemaPtr& optional_string();
  static const SchemaPtr& optional_bytes();

 private:
  friend class SchemaBuilder;
  Schema() = default;

  Type type_ = Type::String;
  bool optional_ = false;
  std::optional<Value> default_;
  std::optional<std::string> name_;
  std::optional<std::int32_t> version_;
  std::optional<std::string> doc_;
  std::vector<std::pair<std::string, std::string>> parameters_;
  std::vector<Field> fields_;
  SchemaPtr key_schema_;
  SchemaPtr value_schema_;
};

// org.apache.kafka.connect.errors.SchemaBuilderException: a SchemaBuilder call was invalid.
class SchemaBuilderError : public DataError {
 public:
  using DataError::DataError;
  const char* java_class() const noexcept override {
    return "org.apache.kafka.connect.errors.SchemaBuilderException";
  }
};

// Builds schemas like Kafka's SchemaBuilder. Setting a property twice, adding a field to a non-struct or a
// duplicate field name, or a default that does not fit the schema throws SchemaBuilderError (a DataError).
class SchemaBuilder {
 public:
  explicit SchemaBuilder(Type type);
  static SchemaBuilder boolean() { return SchemaBuilder(Type::Boolean); }
  static SchemaBuilder int8() { return SchemaBuilder(Type::Int8); }
  static SchemaBuilder int16() { return SchemaBuilder(Type::Int16); }
  static SchemaBuilder int32() { return SchemaBuilder(Type::Int32); }
  static SchemaBuilder int64() { return SchemaBuilder(Type::Int64); }
  static SchemaBuilder float32() { return SchemaBuilder(Type::Float32); }
  static SchemaBuilder float64() { return SchemaBuilder(Type::Float64); }
  static SchemaBuilder string() { return SchemaBuilder(Type::String); }
  static SchemaBuilder bytes() { return SchemaBuilder(Type::Bytes); }
  static SchemaBuilder structure() { return SchemaBuilder(Type::Struct); }
  static SchemaBuilder array(SchemaPtr value_schema);
  static SchemaBuilder map(SchemaPtr key_schema, SchemaPtr value_schema);

  SchemaBuilder& optional();
  SchemaBuilder& required();
  SchemaBuilder& default_value(Value value);
  SchemaBuilder& name(std::string name);
  SchemaBuilder& version(std::int32_t version);
  SchemaBuilder& doc(std::string doc);
  SchemaBuilder& parameter(std::string key, std::string value);
  SchemaBuilder& field(std::string name, SchemaPtr schema);

  Type type() const { return schema_.type_; }
  SchemaPtr build() const;

 private:
  Schema schema_;
  // Kafka's builder keeps `optional` tri-state (unset/true/false): optional() after required() is an error.
  bool optional_set_ = false;
};

// Throws DataError when `value` does not fit `schema` (Kafka's ConnectSchema.validateValue): wrong kind,
// null for a required schema without default, struct with a different schema, map/array elements.
// `field_name` (may be empty) is named in the message.
void validate_value(const SchemaPtr& schema, const Value& value, std::string_view field_name = {});

// Infers a schema for a schemaless value where Kafka's Values.inferSchema can (primitives, arrays and maps
// of one type, structs); nullptr when it cannot.
SchemaPtr infer_schema(const Value& value);

}  // namespace sluice::data
