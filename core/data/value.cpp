#include "core/data/value.hpp"

#include "core/common/errors.hpp"
#include "core/data/schema.hpp"

#include <cmath>
#include <cstring>
#include <string>
#include <utility>

namespace sluice::data {

namespace {

[[noreturn]] void throw_kind(Value::Kind expected, Value::Kind found) {
  throw DataError(std::string("Expected ") + kind_name(expected) + " value but found " + kind_name(found));
}

// Java's Float.equals / Double.equals: NaN equals NaN, 0.0 differs from -0.0. Kafka compares boxed values,
// so a NaN survives an equality check after a round trip.
template <typename F>
bool java_float_equal(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof(F)) == 0;
}

// Kafka's maps are java.util.Map, whose equality ignores entry order.
bool map_equal(const Value::Map& a, const Value::Map& b) {
  if (a.size() != b.size()) return false;
  bool same_order = true;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].first != b[i].first || a[i].second != b[i].second) {
      same_order = false;
      break;
    }
  }
  if (same_order) return true;
  for (const auto& [key, value] : a) {
    bool found = false;
    for (const auto& [other_key, other_value] : b) {
      if (key == other_key) {
        found = other_value == value;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

const Value& null_value() {
  static const Value kNull;
  return kNull;
}

}  // namespace

const char* kind_name(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::Null: return "NULL";
    case Value::Kind::Boolean: return "BOOLEAN";
    case Value::Kind::Int8: return "INT8";
    case Value::Kind::Int16: return "INT16";
    case Value::Kind::Int32: return "INT32";
    case Value::Kind::Int64: return "INT64";
    case Value::Kind::Float32: return "FLOAT32";
    case Value::Kind::Float64: return "FLOAT64";
    case Value::Kind::String: return "STRING";
    case Value::Kind::Bytes: return "BYTES";
    case Value::Kind::Array: return "ARRAY";
    case Value::Kind::Map: return "MAP";
    case Value::Kind::Struct: return "STRUCT";
  }
  return "UNKNOWN";
}

// ---- Struct ----------------------------------------------------------------------------------------------

Struct::Struct(SchemaPtr schema) : schema_(std::move(schema)) {
  if (!schema_) throw DataError("Not a struct schema: null");
  if (schema_->type() != Type::Struct) {
    std::string text = "Schema{";
    if (schema_->name()) text += *schema_->name() + ":";
    text += type_upper_name(schema_->type());
    text += "}";
    throw DataError("Not a struct schema: " + text);
  }
  values_.resize(schema_->fields().size());
}

Struct::Struct(const Struct&) = default;
Struct::Struct(Struct&&) noexcept = default;
Struct& Struct::operator=(const Struct&) = default;
Struct& Struct::operator=(Struct&&) noexcept = default;
Struct::~Struct() = default;

Struct& Struct::put(std::string_view field_name, Value value) {
  const Field* field = schema_->field(field_name);
  if (!field) throw DataError(std::string(field_name) + " is not a valid field name");
  validate_value(field->schema, value, field->name);
  values_[field->index] = std::move(value);
  return *this;
}

Struct& Struct::put(const Field& field, Value value) {
  const auto& fields = schema_->fields();
  if (field.index >= fields.size() ||
      (&fields[field.index] != &field && fields[field.index].name != field.name)) {
    throw DataError(field.name + " is not a valid field name");
  }
  const Field& own = fields[field.index];
  validate_value(own.schema, value, own.name);
  values_[field.index] = std::move(value);
  return *this;
}

Value Struct::take(std::size_t index) {
  if (index >= values_.size()) {
    throw DataError("Field index " + std::to_string(index) + " is out of range for a struct with " +
                    std::to_string(values_.size()) + " fields");
  }
  return std::exchange(values_[index], Value());
}

const Value& Struct::get(std::string_view field_name) const {
  const Field* field = schema_->field(field_name);
  if (!field) throw DataError(std::string(field_name) + " is not a valid field name");
  return get(field->index);
}

const Value& Struct::get(std::size_t index) const {
  if (index >= values_.size()) {
    throw DataError("Field index " + std::to_string(index) + " is out of range for a struct with " +
                    std::to_string(values_.size()) + " fields");
  }
  const Value& value = values_[index];
  if (value.is_null()) {
    const auto& default_value = schema_->fields()[index].schema->default_value();
    if (default_value) return *default_value;
    return null_value();
  }
  return value;
}

void Struct::validate() const {
  for (const Field& field : schema_->fields()) {
    const Value& value = values_[field.index];
    if (value.is_null() && (field.schema->optional() || field.schema->default_value())) continue;
    validate_value(field.schema, value, field.name);
  }
}

bool Struct::operator==(const Struct& other) const {
  if (schema_ != other.schema_ && !(*schema_ == *other.schema_)) return false;
  return values_ == other.values_;
}

// ---- Value -----------------------------------------------------------------------------------------------

bool Value::as_bool() const {
  if (kind() != Kind::Boolean) throw_kind(Kind::Boolean, kind());
  return std::get<1>(v_);
}
std::int8_t Value::as_int8() const {
  if (kind() != Kind::Int8) throw_kind(Kind::Int8, kind());
  return std::get<2>(v_);
}
std::int16_t Value::as_int16() const {
  if (kind() != Kind::Int16) throw_kind(Kind::Int16, kind());
  return std::get<3>(v_);
}
std::int32_t Value::as_int32() const {
  if (kind() != Kind::Int32) throw_kind(Kind::Int32, kind());
  return std::get<4>(v_);
}
std::int64_t Value::as_int64() const {
  if (kind() != Kind::Int64) throw_kind(Kind::Int64, kind());
  return std::get<5>(v_);
}
float Value::as_float32() const {
  if (kind() != Kind::Float32) throw_kind(Kind::Float32, kind());
  return std::get<6>(v_);
}
double Value::as_float64() const {
  if (kind() != Kind::Float64) throw_kind(Kind::Float64, kind());
  return std::get<7>(v_);
}
const std::string& Value::as_string() const {
  if (kind() != Kind::String) throw_kind(Kind::String, kind());
  return std::get<8>(v_);
}
const std::string& Value::as_bytes() const {
  if (kind() != Kind::Bytes) throw_kind(Kind::Bytes, kind());
  return std::get<9>(v_).data;
}
std::string& Value::as_string() {
  if (kind() != Kind::String) throw_kind(Kind::String, kind());
  return std::get<8>(v_);
}
std::string& Value::as_bytes() {
  if (kind() != Kind::Bytes) throw_kind(Kind::Bytes, kind());
  return std::get<9>(v_).data;
}
const Value::Array& Value::as_array() const {
  if (kind() != Kind::Array) throw_kind(Kind::Array, kind());
  return std::get<10>(v_);
}
Value::Array& Value::as_array() {
  if (kind() != Kind::Array) throw_kind(Kind::Array, kind());
  return std::get<10>(v_);
}
const Value::Map& Value::as_map() const {
  if (kind() != Kind::Map) throw_kind(Kind::Map, kind());
  return std::get<11>(v_);
}
Value::Map& Value::as_map() {
  if (kind() != Kind::Map) throw_kind(Kind::Map, kind());
  return std::get<11>(v_);
}
const Struct& Value::as_struct() const {
  if (kind() != Kind::Struct) throw_kind(Kind::Struct, kind());
  return std::get<12>(v_);
}
Struct& Value::as_struct() {
  if (kind() != Kind::Struct) throw_kind(Kind::Struct, kind());
  return std::get<12>(v_);
}

std::int64_t Value::to_int64() const {
  switch (kind()) {
    case Kind::Int8: return std::get<2>(v_);
    case Kind::Int16: return std::get<3>(v_);
    case Kind::Int32: return std::get<4>(v_);
    case Kind::Int64: return std::get<5>(v_);
    default: throw DataError(std::string("Expected an integer value but found ") + kind_name(kind()));
  }
}

double Value::to_double() const {
  switch (kind()) {
    case Kind::Int8: return std::get<2>(v_);
    case Kind::Int16: return std::get<3>(v_);
    case Kind::Int32: return std::get<4>(v_);
    case Kind::Int64: return static_cast<double>(std::get<5>(v_));
    case Kind::Float32: return std::get<6>(v_);
    case Kind::Float64: return std::get<7>(v_);
    default: throw DataError(std::string("Expected a numeric value but found ") + kind_name(kind()));
  }
}

bool Value::operator==(const Value& other) const {
  if (kind() != other.kind()) return false;
  switch (kind()) {
    case Kind::Float32: return java_float_equal(std::get<6>(v_), std::get<6>(other.v_));
    case Kind::Float64: return java_float_equal(std::get<7>(v_), std::get<7>(other.v_));
    case Kind::Map: return map_equal(std::get<11>(v_), std::get<11>(other.v_));
    default: return v_ == other.v_;
  }
}

}  // namespace sluice::data
