#pragma once
// The Connect value model: a tagged value (null, boolean, integers, floats, string, bytes, array, map,
// struct). Logical types (Decimal, Date, Time, Timestamp) are carried in their base representation,
// exactly as they cross the plugin ABI: Decimal = Bytes holding the unscaled two's-complement big-endian
// integer (scale is a schema parameter), Date = Int32 days, Time = Int32 ms, Timestamp = Int64 ms.
// Helpers in logical.hpp convert to and from human forms.
//
// Values are plain copyable data; no sharing, no threads of their own.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace sluice::data {

class Schema;
struct Field;
using SchemaPtr = std::shared_ptr<const Schema>;  // shared: schemas are immutable and reused by many records
class Value;

// Raw bytes, kept apart from strings so the type tag is exact.
struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};

// A struct value: its schema plus one value per field, in field order.
class Struct {
 public:
  explicit Struct(SchemaPtr schema);  // throws DataError unless schema is a STRUCT schema
  Struct(const Struct&);
  Struct(Struct&&) noexcept;
  Struct& operator=(const Struct&);
  Struct& operator=(Struct&&) noexcept;
  ~Struct();

  const SchemaPtr& schema() const { return schema_; }
  // Sets a field; throws DataError for an unknown field or a value that does not fit the field schema.
  Struct& put(std::string_view field, Value value);
  // The same for a Field of this struct's schema (Kafka's put(Field, Object)): no lookup by name. Throws
  // DataError when `field` is not this schema's field at that index or the value does not fit.
  Struct& put(const Field& field, Value value);
  // Moves a field's value out (leaving null), for transformations that rebuild a struct they own.
  Value take(std::size_t index);
  // The field's value (its default when unset, null when it has none); throws DataError for unknown names.
  const Value& get(std::string_view field) const;
  const Value& get(std::size_t index) const;
  const std::vector<Value>& values() const { return values_; }
  // Throws DataError when a required field without default is null (Kafka: Struct.validate()).
  void validate() const;
  bool operator==(const Struct& other) const;

 private:
  SchemaPtr schema_;
  std::vector<Value> values_;
};

class Value {
 public:
  enum class Kind : std::uint8_t {
    Null, Boolean, Int8, Int16, Int32, Int64, Float32, Float64, String, Bytes, Array, Map, Struct
  };
  using Array = std::vector<Value>;
  using Map = std::vector<std::pair<Value, Value>>;  // keeps insertion order; keys may be any kind

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
  static Value bytes(std::string v) { return Value(Storage(std::in_place_index<9>, Bytes{std::move(v)})); }
  static Value array(Array v) { return Value(Storage(std::in_place_index<10>, std::move(v))); }
  static Value map(Map v) { return Value(Storage(std::in_place_index<11>, std::move(v))); }
  static Value structure(Struct v) { return Value(Storage(std::in_place_index<12>, std::move(v))); }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return v_.index() == 0; }

  // Accessors throw DataError when the kind differs ("Expected INT32 value but found STRING").
  bool as_bool() const;
  std::int8_t as_int8() const;
  std::int16_t as_int16() const;
  std::int32_t as_int32() const;
  std::int64_t as_int64() const;
  float as_float32() const;
  double as_float64() const;
  const std::string& as_string() const;
  const std::string& as_bytes() const;
  std::string& as_string();  // mutable: lets a consumer of the value move its text or bytes out
  std::string& as_bytes();
  const Array& as_array() const;
  Array& as_array();
  const Map& as_map() const;
  Map& as_map();
  const Struct& as_struct() const;
  Struct& as_struct();

  // Widening helpers: any integer kind as int64, any number as double; throw DataError otherwise.
  std::int64_t to_int64() const;
  double to_double() const;

  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

 private:
  using Storage = std::variant<std::monostate, bool, std::int8_t, std::int16_t, std::int32_t, std::int64_t,
                               float, double, std::string, Bytes, Array, Map, Struct>;
  explicit Value(Storage v) : v_(std::move(v)) {}
  Storage v_;
};

// An immutable value shared by reference (a source partition, which the records of one run of a source task
// all carry): copying it copies a pointer, and two handles of one import compare by identity first.
class SharedValue {
 public:
  SharedValue() = default;  // null
  SharedValue(Value value) : p_(std::make_shared<const Value>(std::move(value))) {}  // NOLINT: implicit
  explicit SharedValue(std::shared_ptr<const Value> value) : p_(std::move(value)) {}

  const Value& get() const { return p_ ? *p_ : null_; }
  const Value& operator*() const { return get(); }
  const Value* operator->() const { return &get(); }
  bool is_null() const { return get().is_null(); }
  // True when both handles share one value (not merely equal ones).
  bool same(const SharedValue& other) const { return p_ == other.p_; }
  bool operator==(const SharedValue& other) const { return same(other) || get() == other.get(); }
  bool operator==(const Value& other) const { return get() == other; }

 private:
  static inline const Value null_{};
  std::shared_ptr<const Value> p_;
};

const char* kind_name(Value::Kind kind);  // "INT32", "STRING", ... (upper case, as Kafka's Schema.Type)

// A schema and a value together (Kafka's SchemaAndValue). schema may be null (schemaless).
struct SchemaAndValue {
  SchemaPtr schema;
  Value value;
};

}  // namespace sluice::data
