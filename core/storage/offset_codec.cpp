#include "core/storage/offset_codec.hpp"

#include <algorithm>
#include <mutex>

#include "core/common/errors.hpp"
#include "core/convert/json_converter.hpp"
#include "core/storage/offset_store.hpp"

namespace sluice::storage {
namespace {

using data::Value;

// Kafka's internal converter: JsonConverter with schemas.enable=false, the same for keys and values. The
// converter keeps no per-call state, but it is not documented as thread-safe, so each thread gets its own.
convert::JsonConverter& internal_converter() {
  thread_local convert::JsonConverter converter = [] {
    convert::JsonConverter c;
    c.configure({{"schemas.enable", "false"}}, /*is_key=*/false);
    return c;
  }();
  return converter;
}

std::string to_json(const Value& value) {
  auto bytes = internal_converter().from_connect("", nullptr, nullptr, value);
  return bytes ? *bytes : "null";
}

Value from_json(const std::string& json) {
  return internal_converter().to_connect("", nullptr, std::string_view(json)).value;
}

// Map entries sorted by key and integers widened, at every level.
Value canonical(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::Int8:
    case Value::Kind::Int16:
    case Value::Kind::Int32:
      return Value::int64(value.to_int64());
    case Value::Kind::Float32:
      return Value::float64(value.to_double());
    case Value::Kind::Array: {
      Value::Array items;
      for (const Value& v : value.as_array()) items.push_back(canonical(v));
      return Value::array(std::move(items));
    }
    case Value::Kind::Map: {
      Value::Map entries;
      for (const auto& [k, v] : value.as_map()) entries.emplace_back(canonical(k), canonical(v));
      std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return to_json(a.first) < to_json(b.first);
      });
      return Value::map(std::move(entries));
    }
    default:
      return value;
  }
}

bool is_primitive(Value::Kind kind) {
  return kind != Value::Kind::Array && kind != Value::Kind::Map && kind != Value::Kind::Struct;
}

}  // namespace

std::string offset_key_json(const std::string& connector, const Value& partition) {
  return to_json(Value::array({Value::string(connector), partition}));
}

std::string offset_value_json(const Value& offset) {
  return to_json(offset);
}

std::string partition_content_key(const Value& partition) {
  return to_json(canonical(partition));
}

std::pair<std::string, Value> parse_offset_key(const std::string& key_json) {
  Value key = from_json(key_json);
  if (key.kind() != Value::Kind::Array || key.as_array().size() != 2 ||
      key.as_array()[0].kind() != Value::Kind::String) {
    throw DataError("Offset key " + key_json + " is not a JSON array of the connector name and a partition");
  }
  const Value& partition = key.as_array()[1];
  if (!partition.is_null() && partition.kind() != Value::Kind::Map) {
    throw DataError("Offset key " + key_json + " does not hold a partition object");
  }
  return {key.as_array()[0].as_string(), partition};
}

Value parse_offset_value(const std::string& value_json) {
  Value value = from_json(value_json);
  if (!value.is_null() && value.kind() != Value::Kind::Map) {
    throw DataError("Offset value " + value_json + " is not a JSON object");
  }
  return value;
}

void validate_offset_format(const Value& value) {
  if (value.is_null()) return;
  if (value.kind() != Value::Kind::Map) throw DataError("Offsets must be specified as a Map");
  for (const auto& [k, v] : value.as_map()) {
    if (k.kind() != Value::Kind::String) throw DataError("Offsets may only use String keys");
    if (v.is_null()) continue;
    if (!is_primitive(v.kind())) {
      throw DataError("Offsets may only contain primitive types as values, but field " + k.as_string() +
                      " contains " + data::kind_name(v.kind()));
    }
  }
}

}  // namespace sluice::storage
