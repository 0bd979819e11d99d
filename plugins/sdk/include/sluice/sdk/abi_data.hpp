#pragma once
// Conversion between the SDK's data model and the ABI's plain C structures.
//
// Arena: owns every C structure built for one record, batch or call (values, schemas, headers, strings).
//   Pointers it hands out stay valid until the arena is destroyed or cleared. In Borrow mode, strings that
//   live in std::string objects (topics, field names, string values) are referenced rather than copied; the
//   caller then keeps those objects alive and unmoved for as long as the C structures are used (the source
//   task batch does: it owns the original records next to the arena).
// AbiReader: turns borrowed C structures into SDK objects (always copies). It caches schemas by address, so
//   one reader must not outlive the call whose structures it read.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sluice/plugin_abi.h"
#include "sluice/sdk/data.hpp"
#include "sluice/sdk/errors.hpp"
#include "sluice/sdk/records.hpp"

namespace sluice::sdk {

class Arena {
 public:
  enum class Strings { Copy, Borrow };

  explicit Arena(Strings mode = Strings::Copy) : mode_(mode) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  // A moved-from arena is empty (its blocks, and what it remembers of them, went to the other).
  Arena(Arena&& other) noexcept { *this = std::move(other); }
  Arena& operator=(Arena&& other) noexcept {
    if (this == &other) return *this;
    mode_ = other.mode_;
    blocks_ = std::move(other.blocks_);
    cur_ = std::exchange(other.cur_, nullptr);
    left_ = std::exchange(other.left_, 0);
    block_size_ = std::exchange(other.block_size_, 0);
    schema_cache_ = std::move(other.schema_cache_);
    schemas_alive_ = std::move(other.schemas_alive_);
    memo_ = std::exchange(other.memo_, Memo{});
    other.clear();
    return *this;
  }

  // `n` value-initialised objects of a C structure type; valid until the arena goes.
  template <class T>
  T* allocate(std::size_t n) {
    static_assert(std::is_trivially_destructible_v<T>, "the arena never runs destructors");
    if (n == 0) return nullptr;
    T* p = static_cast<T*>(raw(sizeof(T) * n, alignof(T)));
    std::uninitialized_value_construct_n(p, n);
    return p;
  }
  // A NUL-terminated copy.
  const char* copy_string(std::string_view s) {
    char* p = static_cast<char*>(raw(s.size() + 1, 1));
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
  }
  // NUL-terminated; borrowed from `s` in Borrow mode.
  const char* str(const std::string& s) { return mode_ == Strings::Borrow ? s.c_str() : copy_string(s); }

  const sluice_schema* schema(const Schema& s);  // nullptr for an empty (schemaless) handle
  sluice_value value(const Value& v);
  const sluice_header* headers(const Headers& h);
  void fill(sluice_record& out, const SourceRecord& r);
  // The same, with `partition` (a value already filled into this arena) as the record's source partition
  // instead of a new copy of r.source_partition.
  void fill(sluice_record& out, const SourceRecord& r, const sluice_value& partition);
  void fill(sluice_record& out, const SinkRecord& r);
  void fill(sluice_record& out, const Record& r);
  // The entries point into this arena (and into `config` in Borrow mode).
  sluice_config config(const ConfigMap& config);

  void clear() {
    blocks_.clear();
    cur_ = nullptr;
    left_ = 0;
    block_size_ = 0;
    schema_cache_.clear();
    schemas_alive_.clear();
    memo_ = Memo{};
  }

 private:
  // Blocks double from the first size up to the largest: a call's few structures take one small block, a
  // batch of thousands of records a few large ones.
  static constexpr std::size_t kFirstBlockSize = 8192;
  static constexpr std::size_t kLargestBlockSize = 256 * 1024;

  void* raw(std::size_t size, std::size_t align) {
    std::size_t pad = cur_ ? (align - reinterpret_cast<std::uintptr_t>(cur_) % align) % align : 0;
    if (cur_ == nullptr || pad + size > left_) {
      const std::size_t next =
          blocks_.empty() ? kFirstBlockSize : std::min(2 * block_size_, kLargestBlockSize);
      const std::size_t block = std::max(size + align, next);
      block_size_ = next;
      blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(block));  // allocate() initialises
      cur_ = blocks_.back().get();
      left_ = block;
      pad = (align - reinterpret_cast<std::uintptr_t>(cur_) % align) % align;
    }
    std::byte* p = cur_ + pad;
    cur_ = p + size;
    left_ -= pad + size;
    return p;
  }
  void fill_value(sluice_value& out, const Value& v);
  // The topic, NUL-terminated; in Copy mode one copy serves consecutive records with the same topic.
  const char* topic(const std::string& s);
  // Whether a map's keys are all strings equal to the C keys `keys[0..count)`.
  static bool same_string_keys(const sluice_value* keys, std::size_t count,
                               const std::vector<std::pair<Value, Value>>& entries);
  void fill_common(sluice_record& out, const std::string& topic, std::optional<std::int32_t> partition,
                   const Schema& key_schema, const Value& key, const Schema& value_schema, const Value& value,
                   std::optional<std::int64_t> timestamp, TimestampType timestamp_type,
                   const Headers& headers);

  Strings mode_;
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* cur_ = nullptr;
  std::size_t left_ = 0;
  std::size_t block_size_ = 0;  // the last block's nominal size (the next one doubles it, up to the largest)
  std::unordered_map<const void*, const sluice_schema*> schema_cache_;
  // Keeps cached schemas alive so that a cached address is never reused by another schema.
  std::vector<Schema> schemas_alive_;
  // What the records before had, in this arena (a task that reads many small records mostly repeats its
  // topic, its value schema and the keys of its offset map): reused instead of looked up or copied again.
  struct Memo {
    const void* schema_identity = nullptr;
    const sluice_schema* schema = nullptr;
    const char* topic = nullptr;  // Copy mode: the last topic copied
    std::size_t topic_size = 0;
    // Copy mode: the keys of the last two string-keyed maps with different keys (a record's source partition
    // and its source offset), the latest first.
    struct Keys {
      const sluice_value* keys = nullptr;
      std::size_t count = 0;
    };
    Keys map_keys[2];
  };
  Memo memo_;
};

class AbiReader {
 public:
  Schema schema(const sluice_schema* s);  // empty handle for nullptr
  Value value(const sluice_value& v);
  Headers headers(const sluice_header* h, std::size_t count);
  SourceRecord source_record(const sluice_record& r);
  SinkRecord sink_record(const sluice_record& r);
  Record record(const sluice_record& r);
  static ConfigMap config(const sluice_config* c);

 private:
  static std::string text(const char* s, const char* what) {
    if (s == nullptr) throw DataError(std::string("The host passed a null ") + what);
    return std::string(s);
  }

  std::unordered_map<const sluice_schema*, Schema> cache_;
};

// ======================================== implementation ==================================================

inline const sluice_schema* Arena::schema(const Schema& s) {
  if (!s) return nullptr;
  if (s.identity() == memo_.schema_identity) return memo_.schema;
  if (auto it = schema_cache_.find(s.identity()); it != schema_cache_.end()) {
    memo_.schema_identity = s.identity();
    memo_.schema = it->second;
    return it->second;
  }
  sluice_schema* out = allocate<sluice_schema>(1);
  out->struct_size = sizeof(sluice_schema);
  out->type = static_cast<sluice_type>(s.type());
  out->optional = s.is_optional() ? 1 : 0;
  out->has_version = s.version() ? 1 : 0;
  out->version = s.version().value_or(0);
  out->name = s.name() ? str(*s.name()) : nullptr;
  out->doc = s.doc() ? str(*s.doc()) : nullptr;
  if (const Value* d = s.default_value()) {
    sluice_value* dv = allocate<sluice_value>(1);
    fill_value(*dv, *d);
    out->default_value = dv;
  }
  const auto& params = s.parameters();
  if (!params.empty()) {
    sluice_string_pair* p = allocate<sluice_string_pair>(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      p[i].key = str(params[i].first);
      p[i].value = str(params[i].second);
    }
    out->parameters = p;
    out->parameter_count = params.size();
  }
  out->key_schema = schema(s.key_schema());
  out->value_schema = schema(s.value_schema());
  const auto& fields = s.fields();
  if (!fields.empty()) {
    sluice_field* f = allocate<sluice_field>(fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) {
      f[i].name = str(fields[i].name);
      f[i].schema = schema(fields[i].schema);
    }
    out->fields = f;
    out->field_count = fields.size();
  }
  schema_cache_.emplace(s.identity(), out);
  schemas_alive_.push_back(s);
  return out;
}

inline const char* Arena::topic(const std::string& s) {
  if (mode_ == Strings::Borrow) return s.c_str();
  if (memo_.topic != nullptr && s.size() == memo_.topic_size &&
      std::memcmp(s.data(), memo_.topic, s.size()) == 0)
    return memo_.topic;
  memo_.topic = copy_string(s);
  memo_.topic_size = s.size();
  return memo_.topic;
}

inline bool Arena::same_string_keys(const sluice_value* keys, std::size_t count,
                                    const std::vector<std::pair<Value, Value>>& entries) {
  if (keys == nullptr || count != entries.size()) return false;
  for (std::size_t i = 0; i < count; ++i) {
    const Value& key = entries[i].first;
    if (key.kind() != Value::Kind::String || keys[i].type != SLUICE_TYPE_STRING) return false;
    const std::string& s = key.as_string();
    if (s.size() != keys[i].u.bytes.size || std::memcmp(s.data(), keys[i].u.bytes.data, s.size()) != 0)
      return false;
  }
  return true;
}

inline sluice_value Arena::value(const Value& v) {
  sluice_value out{};
  fill_value(out, v);
  return out;
}

inline void Arena::fill_value(sluice_value& out, const Value& v) {
  out = sluice_value{};
  using K = Value::Kind;
  switch (v.kind()) {
    case K::Null: out.type = SLUICE_TYPE_NULL; break;
    case K::Boolean:
      out.type = SLUICE_TYPE_BOOLEAN;
      out.u.boolean = v.as_bool() ? 1 : 0;
      break;
    case K::Int8:
      out.type = SLUICE_TYPE_INT8;
      out.u.i64 = v.as_int8();
      break;
    case K::Int16:
      out.type = SLUICE_TYPE_INT16;
      out.u.i64 = v.as_int16();
      break;
    case K::Int32:
      out.type = SLUICE_TYPE_INT32;
      out.u.i64 = v.as_int32();
      break;
    case K::Int64:
      out.type = SLUICE_TYPE_INT64;
      out.u.i64 = v.as_int64();
      break;
    case K::Float32:
      out.type = SLUICE_TYPE_FLOAT32;
      out.u.f64 = v.as_float32();
      break;
    case K::Float64:
      out.type = SLUICE_TYPE_FLOAT64;
      out.u.f64 = v.as_float64();
      break;
    case K::String:
    case K::Bytes: {
      const std::string& s = v.kind() == K::String ? v.as_string() : v.as_bytes();
      out.type = v.kind() == K::String ? SLUICE_TYPE_STRING : SLUICE_TYPE_BYTES;
      out.u.bytes.data = mode_ == Strings::Borrow ? s.data() : copy_string(s);
      out.u.bytes.size = s.size();
      break;
    }
    case K::Array: {
      const auto& items = v.as_array();
      sluice_value* arr = allocate<sluice_value>(items.size());
      for (std::size_t i = 0; i < items.size(); ++i) fill_value(arr[i], items[i]);
      out.type = SLUICE_TYPE_ARRAY;
      out.u.array.items = arr;
      out.u.array.count = items.size();
      break;
    }
    case K::Map: {
      const auto& entries = v.as_map();
      sluice_value* values = allocate<sluice_value>(entries.size());
      // C structures are read only: maps with the same string keys (a source offset, record after record)
      // share one copy of them.
      const sluice_value* keys = nullptr;
      if (mode_ == Strings::Copy) {
        for (Memo::Keys& known : memo_.map_keys) {
          if (same_string_keys(known.keys, known.count, entries)) {
            keys = known.keys;
            std::swap(known, memo_.map_keys[0]);
            break;
          }
        }
      }
      if (keys != nullptr) {
        for (std::size_t i = 0; i < entries.size(); ++i) fill_value(values[i], entries[i].second);
      } else {
        sluice_value* filled = allocate<sluice_value>(entries.size());
        bool string_keys = !entries.empty();
        for (std::size_t i = 0; i < entries.size(); ++i) {
          fill_value(filled[i], entries[i].first);
          fill_value(values[i], entries[i].second);
          string_keys = string_keys && filled[i].type == SLUICE_TYPE_STRING;
        }
        keys = filled;
        if (mode_ == Strings::Copy && string_keys) {
          memo_.map_keys[1] = memo_.map_keys[0];
          memo_.map_keys[0] = {filled, entries.size()};
        }
      }
      out.type = SLUICE_TYPE_MAP;
      out.u.map.keys = keys;
      out.u.map.values = values;
      out.u.map.count = entries.size();
      break;
    }
    case K::Struct: {
      const Struct& st = v.as_struct();
      const auto& values = st.values();
      sluice_value* fields = allocate<sluice_value>(values.size());
      for (std::size_t i = 0; i < values.size(); ++i) fill_value(fields[i], values[i]);
      out.type = SLUICE_TYPE_STRUCT;
      out.u.strct.schema = schema(st.schema());
      out.u.strct.fields = fields;
      out.u.strct.count = values.size();
      break;
    }
  }
}

inline const sluice_header* Arena::headers(const Headers& h) {
  if (h.empty()) return nullptr;
  sluice_header* out = allocate<sluice_header>(h.size());
  for (std::size_t i = 0; i < h.size(); ++i) {
    out[i].key = str(h[i].key);
    out[i].schema = schema(h[i].schema);
    fill_value(out[i].value, h[i].value);
  }
  return out;
}

inline void Arena::fill_common(sluice_record& out, const std::string& topic,
                               std::optional<std::int32_t> partition, const Schema& key_schema,
                               const Value& key, const Schema& value_schema, const Value& value,
                               std::optional<std::int64_t> timestamp, TimestampType timestamp_type,
                               const Headers& headers) {
  out = sluice_record{};
  out.struct_size = sizeof(sluice_record);
  out.topic = this->topic(topic);
  out.partition = partition.value_or(SLUICE_NO_PARTITION);
  out.key_schema = schema(key_schema);
  fill_value(out.key, key);
  out.value_schema = schema(value_schema);
  fill_value(out.value, value);
  out.timestamp = timestamp.value_or(SLUICE_NO_TIMESTAMP);
  out.timestamp_type = static_cast<sluice_timestamp_type>(timestamp_type);
  out.headers = this->headers(headers);
  out.header_count = headers.size();
  out.kafka_offset = SLUICE_NO_OFFSET;
}

inline void Arena::fill(sluice_record& out, const SourceRecord& r) {
  fill_common(out, r.topic, r.partition, r.key_schema, r.key, r.value_schema, r.value, r.timestamp,
              r.timestamp ? TimestampType::CreateTime : TimestampType::None, r.headers);
  fill_value(out.source_partition, r.source_partition);
  fill_value(out.source_offset, r.source_offset);
}

inline void Arena::fill(sluice_record& out, const SourceRecord& r, const sluice_value& partition) {
  fill_common(out, r.topic, r.partition, r.key_schema, r.key, r.value_schema, r.value, r.timestamp,
              r.timestamp ? TimestampType::CreateTime : TimestampType::None, r.headers);
  out.source_partition = partition;
  fill_value(out.source_offset, r.source_offset);
}

inline void Arena::fill(sluice_record& out, const SinkRecord& r) {
  fill_common(out, r.topic, r.kafka_partition, r.key_schema, r.key, r.value_schema, r.value, r.timestamp,
              r.timestamp_type, r.headers);
  out.kafka_offset = r.kafka_offset;
}

inline void Arena::fill(sluice_record& out, const Record& r) {
  fill_common(out, r.topic, r.partition, r.key_schema, r.key, r.value_schema, r.value, r.timestamp,
              r.timestamp_type, r.headers);
  fill_value(out.source_partition, r.source_partition);
  fill_value(out.source_offset, r.source_offset);
  out.kafka_offset = r.kafka_offset.value_or(SLUICE_NO_OFFSET);
}

inline sluice_config Arena::config(const ConfigMap& config) {
  sluice_config out{};
  sluice_string_pair* entries = allocate<sluice_string_pair>(config.size());
  std::size_t i = 0;
  for (const auto& [k, v] : config) {
    entries[i].key = str(k);
    entries[i].value = str(v);
    ++i;
  }
  out.entries = entries;
  out.count = config.size();
  return out;
}

inline Schema AbiReader::schema(const sluice_schema* s) {
  if (s == nullptr) return {};
  if (auto it = cache_.find(s); it != cache_.end()) return it->second;
  if (s->type < SLUICE_TYPE_BOOLEAN || s->type > SLUICE_TYPE_STRUCT)
    throw DataError("The host passed a schema with unknown type " + std::to_string(s->type));
  auto type = static_cast<Type>(s->type);
  SchemaBuilder b = type == Type::Array ? SchemaBuilder::array(schema(s->value_schema))
                    : type == Type::Map ? SchemaBuilder::map(schema(s->key_schema), schema(s->value_schema))
                                        : SchemaBuilder(type);
  if (s->optional) b.optional();
  if (s->name) b.name(s->name);
  if (s->has_version) b.version(s->version);
  if (s->doc) b.doc(s->doc);
  for (std::size_t i = 0; i < s->parameter_count; ++i) {
    const auto& p = s->parameters[i];
    b.parameter(text(p.key, "schema parameter key"), p.value ? p.value : "");
  }
  for (std::size_t i = 0; i < s->field_count; ++i)
    b.field(text(s->fields[i].name, "field name"), schema(s->fields[i].schema));
  if (s->default_value) b.default_value(value(*s->default_value));
  Schema out = b.build();
  cache_.emplace(s, out);
  return out;
}

inline Value AbiReader::value(const sluice_value& v) {
  auto in_range = [&](std::int64_t lo, std::int64_t hi) {
    if (v.u.i64 < lo || v.u.i64 > hi)
      throw DataError("The host passed an integer " + std::to_string(v.u.i64) + " out of range for its type");
    return v.u.i64;
  };
  switch (v.type) {
    case SLUICE_TYPE_NULL: return Value();
    case SLUICE_TYPE_BOOLEAN: return Value::boolean(v.u.boolean != 0);
    case SLUICE_TYPE_INT8: return Value::int8(static_cast<std::int8_t>(in_range(INT8_MIN, INT8_MAX)));
    case SLUICE_TYPE_INT16: return Value::int16(static_cast<std::int16_t>(in_range(INT16_MIN, INT16_MAX)));
    case SLUICE_TYPE_INT32: return Value::int32(static_cast<std::int32_t>(in_range(INT32_MIN, INT32_MAX)));
    case SLUICE_TYPE_INT64: return Value::int64(v.u.i64);
    case SLUICE_TYPE_FLOAT32: return Value::float32(static_cast<float>(v.u.f64));
    case SLUICE_TYPE_FLOAT64: return Value::float64(v.u.f64);
    case SLUICE_TYPE_STRING:
    case SLUICE_TYPE_BYTES: {
      if (v.u.bytes.data == nullptr && v.u.bytes.size != 0)
        throw DataError("The host passed null string data");
      std::string s = v.u.bytes.size ? std::string(v.u.bytes.data, v.u.bytes.size) : std::string();
      return v.type == SLUICE_TYPE_STRING ? Value::string(std::move(s)) : Value::bytes(std::move(s));
    }
    case SLUICE_TYPE_ARRAY: {
      Value::Array items;
      items.reserve(v.u.array.count);
      for (std::size_t i = 0; i < v.u.array.count; ++i) items.push_back(value(v.u.array.items[i]));
      return Value::array(std::move(items));
    }
    case SLUICE_TYPE_MAP: {
      Value::Map entries;
      entries.reserve(v.u.map.count);
      for (std::size_t i = 0; i < v.u.map.count; ++i)
        entries.emplace_back(value(v.u.map.keys[i]), value(v.u.map.values[i]));
      return Value::map(std::move(entries));
    }
    case SLUICE_TYPE_STRUCT: {
      Schema s = schema(v.u.strct.schema);
      Struct st(s);
      if (v.u.strct.count != s.fields().size())
        throw DataError("The host passed a struct with " + std::to_string(v.u.strct.count) +
                        " values for a schema with " + std::to_string(s.fields().size()) + " fields");
      for (std::size_t i = 0; i < v.u.strct.count; ++i) st.put(i, value(v.u.strct.fields[i]));
      return Value::structure(std::move(st));
    }
    default: throw DataError("The host passed a value with unknown type " + std::to_string(v.type));
  }
}

inline Headers AbiReader::headers(const sluice_header* h, std::size_t count) {
  Headers out;
  for (std::size_t i = 0; i < count; ++i)
    out.add(text(h[i].key, "header key"), value(h[i].value), schema(h[i].schema));
  return out;
}

inline SourceRecord AbiReader::source_record(const sluice_record& r) {
  SourceRecord out;
  out.source_partition = value(r.source_partition);
  out.source_offset = value(r.source_offset);
  out.topic = text(r.topic, "topic");
  if (r.partition != SLUICE_NO_PARTITION) out.partition = r.partition;
  out.key_schema = schema(r.key_schema);
  out.key = value(r.key);
  out.value_schema = schema(r.value_schema);
  out.value = value(r.value);
  if (r.timestamp != SLUICE_NO_TIMESTAMP) out.timestamp = r.timestamp;
  out.headers = headers(r.headers, r.header_count);
  return out;
}

inline SinkRecord AbiReader::sink_record(const sluice_record& r) {
  SinkRecord out;
  out.topic = text(r.topic, "topic");
  out.kafka_partition = r.partition;
  out.key_schema = schema(r.key_schema);
  out.key = value(r.key);
  out.value_schema = schema(r.value_schema);
  out.value = value(r.value);
  out.kafka_offset = r.kafka_offset;
  if (r.timestamp != SLUICE_NO_TIMESTAMP) out.timestamp = r.timestamp;
  out.timestamp_type = static_cast<TimestampType>(r.timestamp_type);
  out.headers = headers(r.headers, r.header_count);
  return out;
}

inline Record AbiReader::record(const sluice_record& r) {
  Record out;
  out.topic = text(r.topic, "topic");
  if (r.partition != SLUICE_NO_PARTITION) out.partition = r.partition;
  out.key_schema = schema(r.key_schema);
  out.key = value(r.key);
  out.value_schema = schema(r.value_schema);
  out.value = value(r.value);
  if (r.timestamp != SLUICE_NO_TIMESTAMP) out.timestamp = r.timestamp;
  out.timestamp_type = static_cast<TimestampType>(r.timestamp_type);
  out.headers = headers(r.headers, r.header_count);
  out.source_partition = value(r.source_partition);
  out.source_offset = value(r.source_offset);
  if (r.kafka_offset != SLUICE_NO_OFFSET) out.kafka_offset = r.kafka_offset;
  return out;
}

inline ConfigMap AbiReader::config(const sluice_config* c) {
  ConfigMap out;
  if (c == nullptr) return out;
  for (std::size_t i = 0; i < c->count; ++i) {
    const auto& e = c->entries[i];
    if (e.key != nullptr && e.value != nullptr) out[e.key] = e.value;
  }
  return out;
}

}  // namespace sluice::sdk
