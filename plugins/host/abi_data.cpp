#include "plugins/host/abi_data.hpp"

#include "core/common/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace sluice::host {
namespace {

constexpr std::size_t kBlockSize = 16 * 1024;
// Deeper nesting than this is a cycle or corruption in a plugin's structures, not real data.
constexpr int kMaxDepth = 64;

sluice_type abi_type(data::Type type) {
  switch (type) {
    case data::Type::Boolean: return SLUICE_TYPE_BOOLEAN;
    case data::Type::Int8: return SLUICE_TYPE_INT8;
    case data::Type::Int16: return SLUICE_TYPE_INT16;
    case data::Type::Int32: return SLUICE_TYPE_INT32;
    case data::Type::Int64: return SLUICE_TYPE_INT64;
    case data::Type::Float32: return SLUICE_TYPE_FLOAT32;
    case data::Type::Float64: return SLUICE_TYPE_FLOAT64;
    case data::Type::String: return SLUICE_TYPE_STRING;
    case data::Type::Bytes: return SLUICE_TYPE_BYTES;
    case data::Type::Array: return SLUICE_TYPE_ARRAY;
    case data::Type::Map: return SLUICE_TYPE_MAP;
    case data::Type::Struct: return SLUICE_TYPE_STRUCT;
  }
  return SLUICE_TYPE_NULL;
}

data::Type core_type(sluice_type type) {
  switch (type) {
    case SLUICE_TYPE_BOOLEAN: return data::Type::Boolean;
    case SLUICE_TYPE_INT8: return data::Type::Int8;
    case SLUICE_TYPE_INT16: return data::Type::Int16;
    case SLUICE_TYPE_INT32: return data::Type::Int32;
    case SLUICE_TYPE_INT64: return data::Type::Int64;
    case SLUICE_TYPE_FLOAT32: return data::Type::Float32;
    case SLUICE_TYPE_FLOAT64: return data::Type::Float64;
    case SLUICE_TYPE_STRING: return data::Type::String;
    case SLUICE_TYPE_BYTES: return data::Type::Bytes;
    case SLUICE_TYPE_ARRAY: return data::Type::Array;
    case SLUICE_TYPE_MAP: return data::Type::Map;
    case SLUICE_TYPE_STRUCT: return data::Type::Struct;
    default: throw DataError(fmt::format("A plugin passed a schema of unknown type {}", type));
  }
}

void check_depth(int depth) {
  if (depth > kMaxDepth) {
    throw DataError(fmt::format("A plugin passed a schema or value nested deeper than {} levels", kMaxDepth));
  }
}

std::string_view text_of(const sluice_value& value) {
  if (value.u.bytes.size > 0 && value.u.bytes.data == nullptr) {
    throw DataError("A plugin passed a string or bytes value with a NULL data pointer");
  }
  return value.u.bytes.size == 0 ? std::string_view()
                                 : std::string_view(value.u.bytes.data, value.u.bytes.size);
}

template <typename T>
void require_array(const T* items, std::size_t count, const char* what) {
  if (count > 0 && items == nullptr)
    throw DataError(fmt::format("A plugin passed {} with a NULL array", what));
}

// Whether importing `abi` gives a value equal to `v` with the same kinds, checked without allocating.
// Structs are never matched (they carry a schema); malformed input is left to the import to report.
bool imports_as(const sluice_value& abi, const data::Value& v, int depth) {
  using Kind = data::Value::Kind;
  if (depth > kMaxDepth) return false;
  const auto same_text = [&](const std::string& text) {
    const std::size_t size = abi.u.bytes.size;
    return size == text.size() && (size == 0 || (abi.u.bytes.data != nullptr &&
                                                 std::memcmp(abi.u.bytes.data, text.data(), size) == 0));
  };
  switch (abi.type) {
    case SLUICE_TYPE_NULL: return v.is_null();
    case SLUICE_TYPE_BOOLEAN: return v.kind() == Kind::Boolean && v.as_bool() == (abi.u.boolean != 0);
    case SLUICE_TYPE_INT8: return v.kind() == Kind::Int8 && v.as_int8() == static_cast<std::int8_t>(abi.u.i64);
    case SLUICE_TYPE_INT16:
      return v.kind() == Kind::Int16 && v.as_int16() == static_cast<std::int16_t>(abi.u.i64);
    case SLUICE_TYPE_INT32:
      return v.kind() == Kind::Int32 && v.as_int32() == static_cast<std::int32_t>(abi.u.i64);
    case SLUICE_TYPE_INT64: return v.kind() == Kind::Int64 && v.as_int64() == abi.u.i64;
    case SLUICE_TYPE_FLOAT32:
      return v.kind() == Kind::Float32 && v.as_float32() == static_cast<float>(abi.u.f64);
    case SLUICE_TYPE_FLOAT64: return v.kind() == Kind::Float64 && v.as_float64() == abi.u.f64;
    case SLUICE_TYPE_STRING: return v.kind() == Kind::String && same_text(v.as_string());
    case SLUICE_TYPE_BYTES: return v.kind() == Kind::Bytes && same_text(v.as_bytes());
    case SLUICE_TYPE_ARRAY: {
      if (v.kind() != Kind::Array || (abi.u.array.count > 0 && abi.u.array.items == nullptr)) return false;
      const auto& items = v.as_array();
      if (items.size() != abi.u.array.count) return false;
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (!imports_as(abi.u.array.items[i], items[i], depth + 1)) return false;
      }
      return true;
    }
    case SLUICE_TYPE_MAP: {
      if (v.kind() != Kind::Map || (abi.u.map.count > 0 && (abi.u.map.keys == nullptr || abi.u.map.values == nullptr)))
        return false;
      const auto& entries = v.as_map();
      if (entries.size() != abi.u.map.count) return false;
      for (std::size_t i = 0; i < entries.size(); ++i) {
        if (!imports_as(abi.u.map.keys[i], entries[i].first, depth + 1) ||
            !imports_as(abi.u.map.values[i], entries[i].second, depth + 1))
          return false;
      }
      return true;
    }
    default: return false;
  }
}

}  // namespace

// ---- AbiArena ------------------------------------------------------------------------------------------

void* AbiArena::allocate_bytes(std::size_t size, std::size_t align) {
  if (!blocks_.empty()) {
    const std::size_t aligned = (used_ + align - 1) / align * align;
    if (aligned + size <= blocks_.back().size) {
      used_ = aligned + size;
      return blocks_.back().data.get() + aligned;
    }
  }
  // new[] of std::byte is aligned for any fundamental type, which is all the C structures need.
  const std::size_t block_size = std::max(kBlockSize, size);
  blocks_.push_back(Block{std::make_unique<std::byte[]>(block_size), block_size});
  used_ = size;
  return blocks_.back().data.get();
}

void AbiArena::clear() {
  if (blocks_.size() > 1) blocks_.erase(blocks_.begin() + 1, blocks_.end());
  used_ = 0;
  schemas_.clear();
  schema_refs_.clear();
}

const char* AbiArena::copy(std::string_view text) {
  char* out = allocate<char>(text.size() + 1);
  if (!text.empty()) std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return out;
}

const sluice_schema* AbiArena::schema(const data::SchemaPtr& schema) {
  if (!schema) return nullptr;
  if (auto it = schemas_.find(schema.get()); it != schemas_.end()) return it->second;
  schema_refs_.push_back(schema);
  auto* out = allocate<sluice_schema>(1);
  // Registered before the children are built, so a schema reached twice is built once.
  schemas_.emplace(schema.get(), out);
  out->struct_size = sizeof(sluice_schema);
  out->type = abi_type(schema->type());
  out->optional = schema->optional() ? 1 : 0;
  if (schema->version()) {
    out->has_version = 1;
    out->version = *schema->version();
  }
  out->name = schema->name() ? schema->name()->c_str() : nullptr;
  out->doc = schema->doc() ? schema->doc()->c_str() : nullptr;
  if (schema->default_value()) {
    auto* def = allocate<sluice_value>(1);
    fill_value(*schema->default_value(), *def);
    out->default_value = def;
  }
  const auto& params = schema->parameters();
  if (!params.empty()) {
    auto* pairs = allocate<sluice_string_pair>(params.size());
    for (std::size_t i = 0; i < params.size(); ++i)
      pairs[i] = {params[i].first.c_str(), params[i].second.c_str()};
    out->parameters = pairs;
    out->parameter_count = params.size();
  }
  switch (schema->type()) {
    case data::Type::Array: out->value_schema = this->schema(schema->value_schema()); break;
    case data::Type::Map:
      out->key_schema = this->schema(schema->key_schema());
      out->value_schema = this->schema(schema->value_schema());
      break;
    case data::Type::Struct: {
      const auto& fields = schema->fields();
      auto* abi_fields = allocate<sluice_field>(fields.size());
      for (std::size_t i = 0; i < fields.size(); ++i) {
        abi_fields[i] = {fields[i].name.c_str(), this->schema(fields[i].schema)};
      }
      out->fields = abi_fields;
      out->field_count = fields.size();
      break;
    }
    default: break;
  }
  return out;
}

sluice_value AbiArena::value(const data::Value& value) {
  sluice_value out{};
  fill_value(value, out);
  return out;
}

void AbiArena::fill_value(const data::Value& value, sluice_value& out) {
  using Kind = data::Value::Kind;
  out = sluice_value{};
  switch (value.kind()) {
    case Kind::Null: out.type = SLUICE_TYPE_NULL; break;
    case Kind::Boolean:
      out.type = SLUICE_TYPE_BOOLEAN;
      out.u.boolean = value.as_bool() ? 1 : 0;
      break;
    case Kind::Int8:
      out.type = SLUICE_TYPE_INT8;
      out.u.i64 = value.as_int8();
      break;
    case Kind::Int16:
      out.type = SLUICE_TYPE_INT16;
      out.u.i64 = value.as_int16();
      break;
    case Kind::Int32:
      out.type = SLUICE_TYPE_INT32;
      out.u.i64 = value.as_int32();
      break;
    case Kind::Int64:
      out.type = SLUICE_TYPE_INT64;
      out.u.i64 = value.as_int64();
      break;
    case Kind::Float32:
      out.type = SLUICE_TYPE_FLOAT32;
      out.u.f64 = value.as_float32();
      break;
    case Kind::Float64:
      out.type = SLUICE_TYPE_FLOAT64;
      out.u.f64 = value.as_float64();
      break;
    case Kind::String: {
      const auto& s = value.as_string();
      out.type = SLUICE_TYPE_STRING;
      out.u.bytes.data = s.data();
      out.u.bytes.size = s.size();
      break;
    }
    case Kind::Bytes: {
      const auto& s = value.as_bytes();
      out.type = SLUICE_TYPE_BYTES;
      out.u.bytes.data = s.data();
      out.u.bytes.size = s.size();
      break;
    }
    case Kind::Array: {
      const auto& items = value.as_array();
      auto* abi_items = allocate<sluice_value>(items.size());
      for (std::size_t i = 0; i < items.size(); ++i) fill_value(items[i], abi_items[i]);
      out.type = SLUICE_TYPE_ARRAY;
      out.u.array.items = abi_items;
      out.u.array.count = items.size();
      break;
    }
    case Kind::Map: {
      const auto& entries = value.as_map();
      auto* keys = allocate<sluice_value>(entries.size());
      auto* values = allocate<sluice_value>(entries.size());
      for (std::size_t i = 0; i < entries.size(); ++i) {
        fill_value(entries[i].first, keys[i]);
        fill_value(entries[i].second, values[i]);
      }
      out.type = SLUICE_TYPE_MAP;
      out.u.map.keys = keys;
      out.u.map.values = values;
      out.u.map.count = entries.size();
      break;
    }
    case Kind::Struct: {
      const auto& s = value.as_struct();
      const std::size_t count = s.schema()->fields().size();
      auto* fields = allocate<sluice_value>(count);
      // get() applies field defaults, as Kafka's Struct.get does for every reader.
      for (std::size_t i = 0; i < count; ++i) fill_value(s.get(i), fields[i]);
      out.type = SLUICE_TYPE_STRUCT;
      out.u.strct.schema = schema(s.schema());
      out.u.strct.fields = fields;
      out.u.strct.count = count;
      break;
    }
  }
}

const sluice_header* AbiArena::headers(const data::Headers& headers) {
  if (headers.empty()) return nullptr;
  auto* out = allocate<sluice_header>(headers.size());
  std::size_t i = 0;
  for (const auto& h : headers) {
    out[i].key = h.key.c_str();
    out[i].schema = schema(h.schema);
    fill_value(h.value, out[i].value);
    ++i;
  }
  return out;
}

sluice_record* AbiArena::records(std::size_t count) {
  return allocate<sluice_record>(count);
}

void AbiArena::fill_record(const data::ConnectRecord& record, sluice_record& out) {
  out = sluice_record{};
  out.struct_size = sizeof(sluice_record);
  out.topic = record.topic.c_str();
  out.partition = record.partition.value_or(SLUICE_NO_PARTITION);
  out.key_schema = schema(record.key_schema);
  fill_value(record.key, out.key);
  out.value_schema = schema(record.value_schema);
  fill_value(record.value, out.value);
  out.timestamp = record.timestamp.value_or(SLUICE_NO_TIMESTAMP);
  out.timestamp_type = record.timestamp ? SLUICE_TIMESTAMP_CREATE_TIME : SLUICE_TIMESTAMP_NONE;
  out.headers = headers(record.headers);
  out.header_count = record.headers.size();
  out.kafka_offset = SLUICE_NO_OFFSET;
}

void AbiArena::fill_sink_record(const data::SinkRecord& record, sluice_record& out) {
  fill_record(record, out);
  switch (record.timestamp_type) {
    case data::TimestampType::None: out.timestamp_type = SLUICE_TIMESTAMP_NONE; break;
    case data::TimestampType::CreateTime: out.timestamp_type = SLUICE_TIMESTAMP_CREATE_TIME; break;
    case data::TimestampType::LogAppendTime: out.timestamp_type = SLUICE_TIMESTAMP_LOG_APPEND_TIME; break;
  }
  out.kafka_offset = record.kafka_offset;
}

sluice_config AbiArena::config(const api::StringMap& config) {
  auto* entries = allocate<sluice_string_pair>(config.size());
  std::size_t i = 0;
  for (const auto& [key, value] : config) entries[i++] = {key.c_str(), value.c_str()};
  return sluice_config{entries, config.size()};
}

sluice_config AbiArena::config(const config::RawConfig& config) {
  auto* entries = allocate<sluice_string_pair>(config.size());
  std::size_t i = 0;
  for (const auto& [key, value] : config) entries[i++] = {key.c_str(), value ? value->c_str() : nullptr};
  return sluice_config{entries, config.size()};
}

// ---- AbiImporter ---------------------------------------------------------------------------------------

data::SchemaPtr AbiImporter::schema(const sluice_schema* schema) {
  return schema_at(schema, 0);
}

data::SchemaPtr AbiImporter::schema_at(const sluice_schema* schema, int depth) {
  if (schema == nullptr) return nullptr;
  if (auto it = schemas_.find(schema); it != schemas_.end()) return it->second;
  check_depth(depth);
  const data::Type type = core_type(schema->type);
  auto child = [&](const sluice_schema* s, const char* what) {
    if (s == nullptr) {
      throw DataError(
          fmt::format("A plugin passed a {} schema without its {} schema", data::type_name(type), what));
    }
    return schema_at(s, depth + 1);
  };
  data::SchemaBuilder builder =
      type == data::Type::Array ? data::SchemaBuilder::array(child(schema->value_schema, "value"))
      : type == data::Type::Map
          ? data::SchemaBuilder::map(child(schema->key_schema, "key"), child(schema->value_schema, "value"))
          : data::SchemaBuilder(type);
  if (type == data::Type::Struct) {
    require_array(schema->fields, schema->field_count, "a struct schema's fields");
    for (std::size_t i = 0; i < schema->field_count; ++i) {
      const auto& f = schema->fields[i];
      if (f.name == nullptr) throw DataError("A plugin passed a struct schema field without a name");
      builder.field(f.name, child(f.schema, "field"));
    }
  }
  if (schema->optional != 0) builder.optional();
  if (schema->name != nullptr) builder.name(schema->name);
  if (schema->has_version != 0) builder.version(schema->version);
  if (schema->doc != nullptr) builder.doc(schema->doc);
  require_array(schema->parameters, schema->parameter_count, "schema parameters");
  for (std::size_t i = 0; i < schema->parameter_count; ++i) {
    const auto& p = schema->parameters[i];
    if (p.key == nullptr) throw DataError("A plugin passed a schema parameter without a key");
    builder.parameter(p.key, p.value != nullptr ? p.value : "");
  }
  if (schema->default_value != nullptr) builder.default_value(value_at(*schema->default_value, depth + 1));
  auto built = builder.build();
  schemas_.emplace(schema, built);
  return built;
}

data::Value AbiImporter::value(const sluice_value& value) {
  return value_at(value, 0);
}

data::Value AbiImporter::value_at(const sluice_value& value, int depth) {
  check_depth(depth);
  switch (value.type) {
    case SLUICE_TYPE_NULL: return data::Value();
    case SLUICE_TYPE_BOOLEAN: return data::Value::boolean(value.u.boolean != 0);
    case SLUICE_TYPE_INT8: return data::Value::int8(static_cast<std::int8_t>(value.u.i64));
    case SLUICE_TYPE_INT16: return data::Value::int16(static_cast<std::int16_t>(value.u.i64));
    case SLUICE_TYPE_INT32: return data::Value::int32(static_cast<std::int32_t>(value.u.i64));
    case SLUICE_TYPE_INT64: return data::Value::int64(value.u.i64);
    case SLUICE_TYPE_FLOAT32: return data::Value::float32(static_cast<float>(value.u.f64));
    case SLUICE_TYPE_FLOAT64: return data::Value::float64(value.u.f64);
    case SLUICE_TYPE_STRING: return data::Value::string(std::string(text_of(value)));
    case SLUICE_TYPE_BYTES: return data::Value::bytes(std::string(text_of(value)));
    case SLUICE_TYPE_ARRAY: {
      require_array(value.u.array.items, value.u.array.count, "an array value");
      data::Value::Array items;
      items.reserve(value.u.array.count);
      for (std::size_t i = 0; i < value.u.array.count; ++i)
        items.push_back(value_at(value.u.array.items[i], depth + 1));
      return data::Value::array(std::move(items));
    }
    case SLUICE_TYPE_MAP: {
      require_array(value.u.map.keys, value.u.map.count, "a map value's keys");
      require_array(value.u.map.values, value.u.map.count, "a map value's values");
      data::Value::Map entries;
      entries.reserve(value.u.map.count);
      for (std::size_t i = 0; i < value.u.map.count; ++i) {
        entries.emplace_back(value_at(value.u.map.keys[i], depth + 1),
                             value_at(value.u.map.values[i], depth + 1));
      }
      return data::Value::map(std::move(entries));
    }
    case SLUICE_TYPE_STRUCT: {
      if (value.u.strct.schema == nullptr)
        throw DataError("A plugin passed a struct value without its schema");
      auto struct_schema = schema_at(value.u.strct.schema, depth + 1);
      if (struct_schema->type() != data::Type::Struct) {
        throw DataError(fmt::format("A plugin passed a struct value whose schema is of type {}",
                                    data::type_name(struct_schema->type())));
      }
      const auto& fields = struct_schema->fields();
      if (value.u.strct.count != fields.size()) {
        throw DataError(
            fmt::format("A plugin passed a struct value with {} fields for a schema with {} fields",
                        value.u.strct.count, fields.size()));
      }
      require_array(value.u.strct.fields, value.u.strct.count, "a struct value's fields");
      data::Struct out(struct_schema);
      for (std::size_t i = 0; i < fields.size(); ++i) {
        auto field_value = value_at(value.u.strct.fields[i], depth + 1);
        // A null field stays unset, as in a Kafka Struct nobody put() it into.
        if (!field_value.is_null()) out.put(fields[i].name, std::move(field_value));
      }
      return data::Value::structure(std::move(out));
    }
    default: throw DataError(fmt::format("A plugin passed a value of unknown type {}", value.type));
  }
}

data::Headers AbiImporter::headers(const sluice_header* headers, std::size_t count) {
  data::Headers out;
  require_array(headers, count, "record headers");
  for (std::size_t i = 0; i < count; ++i) {
    const auto& h = headers[i];
    if (h.key == nullptr) throw DataError("A plugin passed a record header without a key");
    out.add(data::Header{h.key, schema(h.schema), value(h.value)});
  }
  return out;
}

void AbiImporter::fill_record(const sluice_record& record, data::ConnectRecord& out) {
  if (record.topic == nullptr) throw DataError("A plugin passed a record without a topic");
  out.topic = record.topic;
  out.partition =
      record.partition == SLUICE_NO_PARTITION ? std::nullopt : std::optional<std::int32_t>(record.partition);
  out.key_schema = schema(record.key_schema);
  out.key = value(record.key);
  out.value_schema = schema(record.value_schema);
  out.value = value(record.value);
  out.timestamp =
      record.timestamp == SLUICE_NO_TIMESTAMP ? std::nullopt : std::optional<std::int64_t>(record.timestamp);
  if (record.header_count > 0 || !out.headers.empty()) out.headers = headers(record.headers, record.header_count);
}

data::SourceRecord AbiImporter::source_record(const sluice_record& record) {
  data::SourceRecord out;
  fill_source_record(record, out);
  return out;
}

void AbiImporter::fill_source_record(const sluice_record& record, data::SourceRecord& out) {
  fill_record(record, out);
  out.source_partition = source_partition(record);
  out.source_offset = value(record.source_offset);
}

data::SharedValue AbiImporter::source_partition(const sluice_record& record) {
  const sluice_value& abi = record.source_partition;
  // A map at the same addresses as the previous record's (one SDK batch shares it between the records of a
  // run) is the same partition.
  const bool is_map = abi.type == SLUICE_TYPE_MAP;
  if (is_map && partition_keys_ != nullptr && abi.u.map.keys == partition_keys_ &&
      abi.u.map.values == partition_values_ && abi.u.map.count == partition_count_)
    return last_partition_;
  // Runs of records from one source partition share one imported partition value.
  if (!imports_as(abi, *last_partition_, 0)) last_partition_ = data::SharedValue(value(abi));
  partition_keys_ = is_map && abi.u.map.count > 0 ? abi.u.map.keys : nullptr;
  partition_values_ = is_map ? abi.u.map.values : nullptr;
  partition_count_ = is_map ? abi.u.map.count : 0;
  return last_partition_;
}

bool AbiImporter::view_source_record(const sluice_record& record, api::RawSourceRecord& out) {
  if (record.header_count > 0) return false;
  const auto raw = [&](const sluice_value& v, const sluice_schema* schema, api::RawValue& to) {
    switch (v.type) {
      case SLUICE_TYPE_NULL: to.kind = data::Value::Kind::Null; to.bytes = {}; break;
      case SLUICE_TYPE_STRING: to.kind = data::Value::Kind::String; to.bytes = text_of(v); break;
      case SLUICE_TYPE_BYTES: to.kind = data::Value::Kind::Bytes; to.bytes = text_of(v); break;
      default: return false;
    }
    // Cached by address for the batch: checked once per schema, as the import checks it.
    if (schema == nullptr) {
      to.schema_type.reset();
    } else if (schema == view_schema_) {
      to.schema_type = view_schema_type_;
    } else {
      view_schema_type_ = this->schema(schema)->type();
      view_schema_ = schema;
      to.schema_type = view_schema_type_;
    }
    return true;
  };
  if (!raw(record.key, record.key_schema, out.key) || !raw(record.value, record.value_schema, out.value)) return false;
  if (record.topic == nullptr) throw DataError("A plugin passed a record without a topic");
  out.topic = record.topic;
  out.partition =
      record.partition == SLUICE_NO_PARTITION ? std::nullopt : std::optional<std::int32_t>(record.partition);
  out.timestamp =
      record.timestamp == SLUICE_NO_TIMESTAMP ? std::nullopt : std::optional<std::int64_t>(record.timestamp);
  return true;
}

data::SinkRecord AbiImporter::sink_record(const sluice_record& record) {
  data::SinkRecord out;
  fill_record(record, out);
  out.kafka_offset = record.kafka_offset;
  switch (record.timestamp_type) {
    case SLUICE_TIMESTAMP_CREATE_TIME: out.timestamp_type = data::TimestampType::CreateTime; break;
    case SLUICE_TIMESTAMP_LOG_APPEND_TIME: out.timestamp_type = data::TimestampType::LogAppendTime; break;
    default: out.timestamp_type = data::TimestampType::None; break;
  }
  out.original_topic = out.topic;
  out.original_partition = out.partition.value_or(-1);
  out.original_kafka_offset = out.kafka_offset;
  return out;
}

api::StringMap to_string_map(const sluice_config& config) {
  api::StringMap out;
  require_array(config.entries, config.count, "a config");
  for (std::size_t i = 0; i < config.count; ++i) {
    const auto& e = config.entries[i];
    if (e.key == nullptr) throw DataError("A plugin passed a config entry without a key");
    if (e.value != nullptr) out[e.key] = e.value;
  }
  return out;
}

}  // namespace sluice::host
