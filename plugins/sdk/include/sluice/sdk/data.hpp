#pragma once
// The Connect data model for plugin authors: Schema / SchemaBuilder, Value (a tagged union), Struct,
// Headers, and the logical types (Decimal, Date, Time, Timestamp) in their base representation, exactly
// as they cross the ABI: Decimal = BYTES holding the unscaled two's-complement big-endian integer (scale
// is the schema parameter "scale"), Date = INT32 days, Time = INT32 ms since midnight, Timestamp = INT64 ms.
//
// Schema is a cheap handle to immutable, shared data; an empty handle means "no schema" (schemaless).
// Value and Struct are plain copyable data. Nothing here is thread-aware; share read-only.

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sluice/plugin_abi.h"
#include "sluice/sdk/errors.hpp"

namespace sluice::sdk {

// Connect schema types; the numbers are the ABI's.
enum class Type : std::int32_t {
  Boolean = SLUICE_TYPE_BOOLEAN,
  Int8 = SLUICE_TYPE_INT8,
  Int16 = SLUICE_TYPE_INT16,
  Int32 = SLUICE_TYPE_INT32,
  Int64 = SLUICE_TYPE_INT64,
  Float32 = SLUICE_TYPE_FLOAT32,
  Float64 = SLUICE_TYPE_FLOAT64,
  String = SLUICE_TYPE_STRING,
  Bytes = SLUICE_TYPE_BYTES,
  Array = SLUICE_TYPE_ARRAY,
  Map = SLUICE_TYPE_MAP,
  Struct = SLUICE_TYPE_STRUCT,
};

// "INT32", "STRING", ... as Kafka's Schema.Type prints.
inline const char* type_name(Type t) {
  switch (t) {
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

class Value;
class Schema;
struct Field;
namespace detail {
struct SchemaData;
}

class Schema {
 public:
  using Parameters = std::vector<std::pair<std::string, std::string>>;

  Schema() = default;  // no schema
  explicit operator bool() const noexcept { return data_ != nullptr; }

  // Accessors require a non-empty handle (DataError otherwise).
  Type type() const;
  bool is_optional() const;
  const std::optional<std::string>& name() const;
  std::optional<std::int32_t> version() const;
  const std::optional<std::string>& doc() const;
  const Value* default_value() const;  // nullptr when there is none
  const Parameters& parameters() const;
  const std::string* parameter(std::string_view key) const;  // nullptr when absent
  const Schema& key_schema() const;                          // MAP; empty otherwise
  const Schema& value_schema() const;                        // MAP and ARRAY; empty otherwise
  const std::vector<Field>& fields() const;                  // STRUCT, in order
  const Field* field(std::string_view name) const;           // nullptr when absent

  // Structural equality, as Kafka's ConnectSchema.equals (two empty handles are equal).
  bool operator==(const Schema& other) const;
  // Identity of the shared data; equal for copies of one built schema.
  const void* identity() const noexcept { return data_.get(); }

  // Kafka's predefined schemas (Schema.STRING_SCHEMA, Schema.OPTIONAL_INT64_SCHEMA, ...).
  static Schema boolean(bool optional = false) { return primitive(Type::Boolean, optional); }
  static Schema int8(bool optional = false) { return primitive(Type::Int8, optional); }
  static Schema int16(bool optional = false) { return primitive(Type::Int16, optional); }
  static Schema int32(bool optional = false) { return primitive(Type::Int32, optional); }
  static Schema int64(bool optional = false) { return primitive(Type::Int64, optional); }
  static Schema float32(bool optional = false) { return primitive(Type::Float32, optional); }
  static Schema float64(bool optional = false) { return primitive(Type::Float64, optional); }
  static Schema string(bool optional = false) { return primitive(Type::String, optional); }
  static Schema bytes(bool optional = false) { return primitive(Type::Bytes, optional); }
  static Schema primitive(Type type, bool optional = false);

 private:
  friend class SchemaBuilder;
  explicit Schema(std::shared_ptr<const detail::SchemaData> data) : data_(std::move(data)) {}
  const detail::SchemaData& data() const;

  std::shared_ptr<const detail::SchemaData> data_;  // shared: schemas are immutable and used by many records
};

struct Field {
  std::string name;
  std::size_t index = 0;
  Schema schema;
  bool operator==(const Field& o) const { return name == o.name && index == o.index && schema == o.schema; }
};

// Raw bytes, kept apart from strings so the type tag is exact.
struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};

// A struct value: its schema plus one value per field, in field order (null = unset).
class Struct {
 public:
  explicit Struct(Schema schema);  // DataError unless a STRUCT schema

  const Schema& schema() const { return schema_; }
  // Sets a field; DataError for an unknown field or a value that does not fit the field's schema.
  Struct& put(std::string_view field, Value value);
  Struct& put(std::size_t index, Value value);
  // The field's value, or its schema default when unset (Kafka's Struct.get); DataError for unknown names.
  const Value& get(std::string_view field) const;
  const Value& get(std::size_t index) const;
  // Raw values, one per field; null where unset.
  const std::vector<Value>& values() const { return values_; }
  // DataError when a required field without default is unset (Kafka's Struct.validate).
  void validate() const;
  bool operator==(const Struct& other) const;

 private:
  Schema schema_;
  std::vector<Value> values_;
};

class Value {
 public:
  enum class Kind : std::uint8_t {
    Null,
    Boolean,
    Int8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    String,
    Bytes,
    Array,
    Map,
    Struct
  };
  using Array = std::vector<Value>;
  using Map = std::vector<std::pair<Value, Value>>;  // insertion order; keys may be any kind

 private:
  // Declared first: the typed accessors below are defined in terms of it.
  using Storage = std::variant<std::monostate, bool, std::int8_t, std::int16_t, std::int32_t, std::int64_t,
                               float, double, std::string, sdk::Bytes, Array, Map, sdk::Struct>;
  template <std::size_t I>
  const std::variant_alternative_t<I, Storage>& get(Kind expected) const {
    if (v_.index() != I) throw_kind(expected);
    return *std::get_if<I>(&v_);
  }
  template <std::size_t I>
  std::variant_alternative_t<I, Storage>& get(Kind expected) {
    if (v_.index() != I) throw_kind(expected);
    return *std::get_if<I>(&v_);
  }

 public:
  Value() = default;  // null
  Value(std::nullptr_t) {}
  static Value boolean(bool v) { return Value(Storage(std::in_place_index<1>, v)); }
  static Value int8(std::int8_t v) { return Value(Storage(std::in_place_index<2>, v)); }
  static Value int16(std::int16_t v) { return Value(Storage(std::in_place_index<3>, v)); }
  static Value int32(std::int32_t v) { return Value(Storage(std::in_place_index<4>, v)); }
  static Value int64(std::int64_t v) { return Value(Storage(std::in_place_index<5>, v)); }
  static Value float32(float v) { return Value(Storage(std::in_place_index<6>, v)); }
  static Value float64(double v) { return Value(Storage(std::in_place_index<7>, v)); }
  static Value string(std::string v) { return Value(Storage(std::in_place_index<8>, std::move(v))); }
  static Value bytes(std::string v) {
    return Value(Storage(std::in_place_index<9>, sdk::Bytes{std::move(v)}));
  }
  static Value array(Array v) { return Value(Storage(std::in_place_index<10>, std::move(v))); }
  static Value map(Map v) { return Value(Storage(std::in_place_index<11>, std::move(v))); }
  static Value structure(sdk::Struct v) { return Value(Storage(std::in_place_index<12>, std::move(v))); }
  // A map with string keys, e.g. a source partition: Value::string_map({{"filename", Value::string(f)}}).
  static Value string_map(std::initializer_list<std::pair<std::string, Value>> entries);

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return v_.index() == 0; }
  bool is_integer() const { return kind() >= Kind::Int8 && kind() <= Kind::Int64; }

  // Accessors throw DataError when the kind differs ("Expected INT32 value but found STRING").
  bool as_bool() const { return get<1>(Kind::Boolean); }
  std::int8_t as_int8() const { return get<2>(Kind::Int8); }
  std::int16_t as_int16() const { return get<3>(Kind::Int16); }
  std::int32_t as_int32() const { return get<4>(Kind::Int32); }
  std::int64_t as_int64() const { return get<5>(Kind::Int64); }
  float as_float32() const { return get<6>(Kind::Float32); }
  double as_float64() const { return get<7>(Kind::Float64); }
  const std::string& as_string() const { return get<8>(Kind::String); }
  std::string& as_string() { return get<8>(Kind::String); }  // e.g. to reuse its capacity for the next record
  const std::string& as_bytes() const { return get<9>(Kind::Bytes).data; }
  std::string& as_bytes() { return get<9>(Kind::Bytes).data; }
  const Array& as_array() const { return get<10>(Kind::Array); }
  Array& as_array() { return get<10>(Kind::Array); }
  const Map& as_map() const { return get<11>(Kind::Map); }
  Map& as_map() { return get<11>(Kind::Map); }
  const sdk::Struct& as_struct() const { return get<12>(Kind::Struct); }
  sdk::Struct& as_struct() { return get<12>(Kind::Struct); }

  // Any integer kind widened to int64; DataError otherwise.
  std::int64_t to_int64() const;
  // For a map: the value under the string key `key`, nullptr when absent; DataError when not a map.
  const Value* find(std::string_view key) const;

  bool operator==(const Value& other) const { return v_ == other.v_; }
  bool operator!=(const Value& other) const { return !(*this == other); }

 private:
  explicit Value(Storage v) : v_(std::move(v)) {}
  [[noreturn]] void throw_kind(Kind expected) const;

  Storage v_;
};

// "NULL", "BOOLEAN", "INT32", ... (upper case, as Kafka's Schema.Type).
inline const char* kind_name(Value::Kind kind) {
  static constexpr const char* kNames[] = {"NULL",  "BOOLEAN", "INT8",    "INT16",  "INT32",
                                           "INT64", "FLOAT32", "FLOAT64", "STRING", "BYTES",
                                           "ARRAY", "MAP",     "STRUCT"};
  return kNames[static_cast<std::size_t>(kind)];
}

// A configuration as Kafka's Map<String, String>. Keys whose value is null on the ABI side are absent.
using ConfigMap = std::map<std::string, std::string>;

// A schema and a value together (Kafka's SchemaAndValue); schema may be empty (schemaless).
struct SchemaAndValue {
  Schema schema;
  Value value;
};

struct Header {
  std::string key;
  Schema schema;  // empty: schemaless
  Value value;
  bool operator==(const Header& o) const { return key == o.key && schema == o.schema && value == o.value; }
};

// Record headers in order; keys may repeat (Kafka's ConnectHeaders).
class Headers {
 public:
  Headers() = default;
  Headers& add(std::string key, Value value, Schema schema = {}) {
    items_.push_back(Header{std::move(key), std::move(schema), std::move(value)});
    return *this;
  }
  // The last header with `key`, nullptr when none.
  const Header* last_with_name(std::string_view key) const {
    for (auto it = items_.rbegin(); it != items_.rend(); ++it)
      if (it->key == key) return &*it;
    return nullptr;
  }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const Header& operator[](std::size_t i) const { return items_[i]; }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  void clear() { items_.clear(); }
  bool operator==(const Headers&) const = default;

 private:
  std::vector<Header> items_;
};

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
  static SchemaBuilder array(Schema value_schema);
  static SchemaBuilder map(Schema key_schema, Schema value_schema);

  SchemaBuilder& optional();
  SchemaBuilder& required();
  SchemaBuilder& name(std::string name);
  SchemaBuilder& version(std::int32_t version);
  SchemaBuilder& doc(std::string doc);
  SchemaBuilder& parameter(std::string key, std::string value);
  // DataError when the value does not fit the schema built so far (set it after fields and optional()).
  SchemaBuilder& default_value(Value value);
  // STRUCT only; DataError on other types or a duplicate name (Kafka's messages).
  SchemaBuilder& field(std::string name, Schema schema);

  Schema build() const;

 private:
  std::shared_ptr<detail::SchemaData> data_;
};

// Checks `value` against `schema` as Kafka's ConnectSchema.validateValue; DataError naming `field` when it
// does not fit. An empty schema accepts anything; null fits an optional schema or one with a default.
inline void validate_value(const Schema& schema, const Value& value, std::string_view field = {});

// ---- logical types ---------------------------------------------------------------------------------------

namespace logical {
inline constexpr const char* kDecimal = SLUICE_LOGICAL_DECIMAL;
inline constexpr const char* kDate = SLUICE_LOGICAL_DATE;
inline constexpr const char* kTime = SLUICE_LOGICAL_TIME;
inline constexpr const char* kTimestamp = SLUICE_LOGICAL_TIMESTAMP;
inline constexpr const char* kScaleParameter = "scale";

// Builders as Kafka's Decimal.builder(scale), Date.builder(), Time.builder(), Timestamp.builder().
inline SchemaBuilder decimal(std::int32_t scale);
inline SchemaBuilder date();
inline SchemaBuilder time();
inline SchemaBuilder timestamp();

inline bool is(const Schema& schema, const char* logical_name);
// The "scale" parameter of a Decimal schema; DataError when missing or not a number.
inline std::int32_t decimal_scale(const Schema& schema);
// Minimal two's-complement big-endian bytes of `unscaled` (Java's BigInteger.toByteArray).
inline std::string decimal_bytes(std::int64_t unscaled);
// The unscaled value as a decimal digit string with sign ("-12345"); empty bytes read as 0.
inline std::string unscaled_to_string(std::string_view unscaled_bytes);
// Java's BigDecimal.toString for the unscaled bytes and scale, e.g. ("\x04\xD2", 2) -> "12.34".
inline std::string decimal_to_string(std::string_view unscaled_bytes, std::int32_t scale);
}  // namespace logical

// ======================================== implementation ==================================================

namespace detail {
struct SchemaData {
  Type type = Type::String;
  bool optional = false;
  std::optional<std::string> name;
  std::optional<std::int32_t> version;
  std::optional<std::string> doc;
  std::optional<Value> default_value;
  Schema::Parameters parameters;
  Schema key_schema;
  Schema value_schema;
  std::vector<Field> fields;
};
}  // namespace detail

inline const detail::SchemaData& Schema::data() const {
  if (!data_) throw DataError("The schema is absent (schemaless); it has no type, fields or parameters");
  return *data_;
}
inline Type Schema::type() const {
  return data().type;
}
inline bool Schema::is_optional() const {
  return data().optional;
}
inline const std::optional<std::string>& Schema::name() const {
  return data().name;
}
inline std::optional<std::int32_t> Schema::version() const {
  return data().version;
}
inline const std::optional<std::string>& Schema::doc() const {
  return data().doc;
}
inline const Value* Schema::default_value() const {
  const auto& d = data().default_value;
  return d ? &*d : nullptr;
}
inline const Schema::Parameters& Schema::parameters() const {
  return data().parameters;
}
inline const std::string* Schema::parameter(std::string_view key) const {
  for (const auto& [k, v] : data().parameters)
    if (k == key) return &v;
  return nullptr;
}
inline const Schema& Schema::key_schema() const {
  return data().key_schema;
}
inline const Schema& Schema::value_schema() const {
  return data().value_schema;
}
inline const std::vector<Field>& Schema::fields() const {
  return data().fields;
}
inline const Field* Schema::field(std::string_view name) const {
  for (const auto& f : data().fields)
    if (f.name == name) return &f;
  return nullptr;
}
inline bool Schema::operator==(const Schema& other) const {
  if (data_ == other.data_) return true;
  if (!data_ || !other.data_) return false;
  const auto& a = *data_;
  const auto& b = *other.data_;
  return a.type == b.type && a.optional == b.optional && a.name == b.name && a.version == b.version &&
         a.doc == b.doc && a.default_value == b.default_value && a.parameters == b.parameters &&
         a.key_schema == b.key_schema && a.value_schema == b.value_schema && a.fields == b.fields;
}
inline Schema Schema::primitive(Type type, bool optional) {
  if (type == Type::Array || type == Type::Map || type == Type::Struct)
    throw DataError(std::string("Schema::primitive cannot build a ") + type_name(type) +
                    " schema; use SchemaBuilder");
  auto d = std::make_shared<detail::SchemaData>();
  d->type = type;
  d->optional = optional;
  return Schema(std::move(d));
}

inline SchemaBuilder::SchemaBuilder(Type type) : data_(std::make_shared<detail::SchemaData>()) {
  data_->type = type;
}
inline SchemaBuilder SchemaBuilder::array(Schema value_schema) {
  if (!value_schema) throw DataError("An ARRAY schema needs a value schema");
  SchemaBuilder b(Type::Array);
  b.data_->value_schema = std::move(value_schema);
  return b;
}
inline SchemaBuilder SchemaBuilder::map(Schema key_schema, Schema value_schema) {
  if (!key_schema || !value_schema) throw DataError("A MAP schema needs a key schema and a value schema");
  SchemaBuilder b(Type::Map);
  b.data_->key_schema = std::move(key_schema);
  b.data_->value_schema = std::move(value_schema);
  return b;
}
inline SchemaBuilder& SchemaBuilder::optional() {
  data_->optional = true;
  return *this;
}
inline SchemaBuilder& SchemaBuilder::required() {
  data_->optional = false;
  return *this;
}
inline SchemaBuilder& SchemaBuilder::name(std::string name) {
  data_->name = std::move(name);
  return *this;
}
inline SchemaBuilder& SchemaBuilder::version(std::int32_t version) {
  data_->version = version;
  return *this;
}
inline SchemaBuilder& SchemaBuilder::doc(std::string doc) {
  data_->doc = std::move(doc);
  return *this;
}
inline SchemaBuilder& SchemaBuilder::parameter(std::string key, std::string value) {
  for (auto& [k, v] : data_->parameters) {
    if (k == key) {
      v = std::move(value);
      return *this;
    }
  }
  data_->parameters.emplace_back(std::move(key), std::move(value));
  return *this;
}
inline SchemaBuilder& SchemaBuilder::default_value(Value value) {
  validate_value(build(), value, "");
  data_->default_value = std::move(value);
  return *this;
}
inline SchemaBuilder& SchemaBuilder::field(std::string name, Schema schema) {
  if (data_->type != Type::Struct)
    throw DataError(std::string("Cannot create fields on type ") + type_name(data_->type));
  if (name.empty()) throw DataError("fieldName cannot be null.");
  if (!schema) throw DataError("fieldSchema for field " + name + " cannot be null.");
  for (const auto& f : data_->fields)
    if (f.name == name) throw DataError("Cannot create field because of field name duplication " + name);
  data_->fields.push_back(Field{std::move(name), data_->fields.size(), std::move(schema)});
  return *this;
}
inline Schema SchemaBuilder::build() const {
  // A copy, so that later builder calls never change a schema already handed out.
  return Schema(std::make_shared<const detail::SchemaData>(*data_));
}

inline void validate_value(const Schema& schema, const Value& value, std::string_view field) {
  if (!schema) return;
  const std::string for_field = field.empty() ? "" : " for field: \"" + std::string(field) + "\"";
  if (value.is_null()) {
    if (schema.is_optional() || schema.default_value() != nullptr) return;
    throw DataError("Invalid value: null used for required field: \"" + std::string(field) +
                    "\", schema type: " + type_name(schema.type()));
  }
  auto expected = static_cast<Value::Kind>(static_cast<int>(schema.type()));
  if (value.kind() != expected)
    throw DataError("Invalid value for schema with type " + std::string(type_name(schema.type())) + ": " +
                    kind_name(value.kind()) + for_field);
  switch (schema.type()) {
    case Type::Array:
      for (const auto& item : value.as_array()) validate_value(schema.value_schema(), item, field);
      break;
    case Type::Map:
      for (const auto& [k, v] : value.as_map()) {
        validate_value(schema.key_schema(), k, field);
        validate_value(schema.value_schema(), v, field);
      }
      break;
    case Type::Struct:
      if (!(value.as_struct().schema() == schema)) throw DataError("Struct schemas do not match" + for_field);
      break;
    default: break;
  }
}

inline Struct::Struct(Schema schema) : schema_(std::move(schema)) {
  if (!schema_ || schema_.type() != Type::Struct)
    throw DataError("Not a struct schema: " + std::string(schema_ ? type_name(schema_.type()) : "no schema"));
  values_.resize(schema_.fields().size());
}
inline Struct& Struct::put(std::string_view field, Value value) {
  const Field* f = schema_.field(field);
  if (f == nullptr) throw DataError(std::string(field) + " is not a valid field name");
  return put(f->index, std::move(value));
}
inline Struct& Struct::put(std::size_t index, Value value) {
  if (index >= values_.size())
    throw DataError("Struct field index " + std::to_string(index) + " is out of range");
  const Field& f = schema_.fields()[index];
  validate_value(f.schema, value, f.name);
  values_[index] = std::move(value);
  return *this;
}
inline const Value& Struct::get(std::size_t index) const {
  if (index >= values_.size())
    throw DataError("Struct field index " + std::to_string(index) + " is out of range");
  const Value& v = values_[index];
  if (v.is_null()) {
    const Value* d = schema_.fields()[index].schema.default_value();
    if (d != nullptr) return *d;
  }
  return v;
}
inline const Value& Struct::get(std::string_view field) const {
  const Field* f = schema_.field(field);
  if (f == nullptr) throw DataError(std::string(field) + " is not a valid field name");
  return get(f->index);
}
inline void Struct::validate() const {
  for (const auto& f : schema_.fields()) validate_value(f.schema, values_[f.index], f.name);
}
inline bool Struct::operator==(const Struct& other) const {
  return schema_ == other.schema_ && values_ == other.values_;
}

inline Value Value::string_map(std::initializer_list<std::pair<std::string, Value>> entries) {
  Map m;
  m.reserve(entries.size());
  for (const auto& [k, v] : entries) m.emplace_back(Value::string(k), v);
  return Value::map(std::move(m));
}
inline void Value::throw_kind(Kind expected) const {
  throw DataError(std::string("Expected ") + kind_name(expected) + " value but found " + kind_name(kind()));
}
inline std::int64_t Value::to_int64() const {
  switch (kind()) {
    case Kind::Int8: return as_int8();
    case Kind::Int16: return as_int16();
    case Kind::Int32: return as_int32();
    case Kind::Int64: return as_int64();
    default: throw DataError(std::string("Expected an integer value but found ") + kind_name(kind()));
  }
}
inline const Value* Value::find(std::string_view key) const {
  for (const auto& [k, v] : as_map())
    if (k.kind() == Kind::String && k.as_string() == key) return &v;
  return nullptr;
}

namespace logical {
inline SchemaBuilder decimal(std::int32_t scale) {
  SchemaBuilder b = SchemaBuilder::bytes();
  b.name(kDecimal).parameter(kScaleParameter, std::to_string(scale)).version(1);
  return b;
}
inline SchemaBuilder date() {
  SchemaBuilder b = SchemaBuilder::int32();
  b.name(kDate).version(1);
  return b;
}
inline SchemaBuilder time() {
  SchemaBuilder b = SchemaBuilder::int32();
  b.name(kTime).version(1);
  return b;
}
inline SchemaBuilder timestamp() {
  SchemaBuilder b = SchemaBuilder::int64();
  b.name(kTimestamp).version(1);
  return b;
}
inline bool is(const Schema& schema, const char* logical_name) {
  return schema && schema.name() && *schema.name() == logical_name;
}
inline std::int32_t decimal_scale(const Schema& schema) {
  const std::string* s = schema ? schema.parameter(kScaleParameter) : nullptr;
  if (s == nullptr) throw DataError("Invalid Decimal schema: scale parameter not found.");
  try {
    std::size_t used = 0;
    int v = std::stoi(*s, &used);
    if (used != s->size()) throw std::invalid_argument(*s);
    return v;
  } catch (const std::exception&) {
    throw DataError("Invalid scale parameter found in Decimal schema: " + *s);
  }
}
inline std::string decimal_bytes(std::int64_t unscaled) {
  std::string out;
  for (int i = 7; i >= 0; --i)
    out.push_back(static_cast<char>((static_cast<std::uint64_t>(unscaled) >> (8 * i)) & 0xFF));
  // Drop leading bytes that only repeat the sign.
  std::size_t start = 0;
  while (start + 1 < out.size()) {
    auto b = static_cast<unsigned char>(out[start]);
    auto next = static_cast<unsigned char>(out[start + 1]);
    if ((b == 0x00 && (next & 0x80) == 0) || (b == 0xFF && (next & 0x80) != 0))
      ++start;
    else
      break;
  }
  return out.substr(start);
}
inline std::string unscaled_to_string(std::string_view bytes) {
  if (bytes.empty()) return "0";
  bool negative = (static_cast<unsigned char>(bytes[0]) & 0x80) != 0;
  std::vector<std::uint8_t> mag(bytes.begin(), bytes.end());
  if (negative) {  // two's complement negate: invert and add one
    for (auto& b : mag) b = static_cast<std::uint8_t>(~b);
    for (std::size_t i = mag.size(); i-- > 0;) {
      if (++mag[i] != 0) break;
    }
  }
  std::string digits;
  // Repeated division by 10 of the big-endian magnitude; O(n^2), fine for decimal-sized numbers.
  std::size_t first = 0;
  while (first < mag.size() && mag[first] == 0) ++first;
  while (first < mag.size()) {
    unsigned rem = 0;
    for (std::size_t i = first; i < mag.size(); ++i) {
      unsigned cur = rem * 256 + mag[i];
      mag[i] = static_cast<std::uint8_t>(cur / 10);
      rem = cur % 10;
    }
    digits.push_back(static_cast<char>('0' + rem));
    while (first < mag.size() && mag[first] == 0) ++first;
  }
  if (digits.empty()) digits = "0";
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}
inline std::string decimal_to_string(std::string_view unscaled_bytes, std::int32_t scale) {
  std::string coeff = unscaled_to_string(unscaled_bytes);
  bool negative = !coeff.empty() && coeff[0] == '-';
  if (negative) coeff.erase(0, 1);
  const auto digits = static_cast<std::int64_t>(coeff.size());
  const std::int64_t adjusted = -static_cast<std::int64_t>(scale) + (digits - 1);
  std::string out = negative ? "-" : "";
  if (scale >= 0 && adjusted >= -6) {  // plain notation
    if (scale == 0) {
      out += coeff;
    } else if (digits > scale) {
      out += coeff.substr(0, static_cast<std::size_t>(digits - scale));
      out += '.';
      out += coeff.substr(static_cast<std::size_t>(digits - scale));
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(scale - digits), '0');
      out += coeff;
    }
  } else {  // scientific notation
    out += coeff[0];
    if (digits > 1) {
      out += '.';
      out += coeff.substr(1);
    }
    out += 'E';
    if (adjusted > 0) out += '+';
    out += std::to_string(adjusted);
  }
  return out;
}
}  // namespace logical

}  // namespace sluice::sdk
