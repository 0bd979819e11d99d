#include "message_mapping.hpp"

#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <limits>
#include <set>
#include <utility>
#include <vector>

#include "sluice/sdk/java_number.hpp"

namespace sluice::rabbitmq {

namespace {

using sdk::Schema;
using sdk::SchemaAndValue;
using sdk::SchemaBuilder;
using sdk::Value;

std::string text(amqp_bytes_t b) {
  return b.len == 0 || b.bytes == nullptr ? std::string()
                                          : std::string(static_cast<const char*>(b.bytes), b.len);
}

// Schemas built once and shared by every record (a Schema is an immutable shared handle).
struct Schemas {
  Schema string = Schema::string();
  Schema optional_string = Schema::string(true);
  Schema int32 = Schema::int32();
  Schema optional_int32 = Schema::int32(true);
  Schema int64 = Schema::int64();
  Schema boolean = Schema::boolean();
  Schema bytes = Schema::bytes();
  Schema timestamp = sdk::logical::timestamp().build();
  Schema optional_timestamp = sdk::logical::timestamp().optional().build();
  Schema string_array = SchemaBuilder::array(Schema::string()).build();
  // jcustenborder's envelope (com.github.jcustenborder.kafka.connect.rabbitmq.*), field for field.
  Schema envelope;
  Schema header_value;
  Schema basic_properties;
  Schema message;

  Schemas() {
    envelope = SchemaBuilder::structure()
                   .name("com.github.jcustenborder.kafka.connect.rabbitmq.Envelope")
                   .field("deliveryTag", int64)
                   .field("isRedeliver", boolean)
                   .field("exchange", optional_string)
                   .field("routingKey", optional_string)
                   .build();
    header_value = SchemaBuilder::structure()
                       .name("com.github.jcustenborder.kafka.connect.rabbitmq.BasicProperties.HeaderValue")
                       .field("type", string)
                       .field("timestamp", optional_timestamp)
                       .field("array", SchemaBuilder::array(Schema::string()).optional().build())
                       .field("int8", Schema::int8(true))
                       .field("int16", Schema::int16(true))
                       .field("int32", Schema::int32(true))
                       .field("int64", Schema::int64(true))
                       .field("float32", Schema::float32(true))
                       .field("float64", Schema::float64(true))
                       .field("boolean", Schema::boolean(true))
                       .field("string", optional_string)
                       .field("bytes", Schema::bytes(true))
                       .build();
    basic_properties = SchemaBuilder::structure()
                           .name("com.github.jcustenborder.kafka.connect.rabbitmq.BasicProperties")
                           .optional()
                           .field("contentType", optional_string)
                           .field("contentEncoding", optional_string)
                           .field("headers", SchemaBuilder::map(Schema::string(), header_value).build())
                           .field("deliveryMode", optional_int32)
                           .field("priority", optional_int32)
                           .field("correlationId", optional_string)
                           .field("replyTo", optional_string)
                           .field("expiration", optional_string)
                           .field("messageId", optional_string)
                           .field("timestamp", optional_timestamp)
                           .field("type", optional_string)
                           .field("userId", optional_string)
                           .field("appId", optional_string)
                           .build();
    message = SchemaBuilder::structure()
                  .name("com.github.jcustenborder.kafka.connect.rabbitmq.Message")
                  .field("consumerTag", string)
                  .field("envelope", envelope)
                  .field("basicProperties", basic_properties)
                  .field("body", bytes)
                  .build();
  }
};

const Schemas& schemas() {
  static const Schemas s;
  return s;
}

// Big-endian two's complement of an unsigned 64-bit number (a leading 0x00 keeps it positive).
std::string unsigned_decimal_bytes(std::uint64_t v) {
  std::string out(9, '\0');
  for (int i = 8; i >= 1; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
  std::size_t start = 0;
  while (start + 1 < out.size() && out[start] == '\0' &&
         (static_cast<unsigned char>(out[start + 1]) & 0x80) == 0)
    ++start;
  return out.substr(start);
}

SchemaAndValue decimal_value(std::int32_t scale, std::string unscaled) {
  return {sdk::logical::decimal(scale).build(), Value::bytes(std::move(unscaled))};
}

SchemaAndValue convert_table(const amqp_table_t& table) {
  std::vector<std::pair<std::string, SchemaAndValue>> entries;
  std::set<std::string> seen;
  bool all_typed = true;
  for (int i = 0; i < table.num_entries; ++i) {
    std::string name = text(table.entries[i].key);
    if (!seen.insert(name).second) continue;  // a repeated name: the first one wins
    SchemaAndValue v = convert_field(table.entries[i].value);
    // A struct field needs a schema and a name; otherwise the table stays a schemaless map.
    if ((!v.schema && !v.value.is_null()) || name.empty()) all_typed = false;
    entries.emplace_back(std::move(name), std::move(v));
  }
  if (!all_typed) {
    Value::Map map;
    for (auto& [name, v] : entries) map.emplace_back(Value::string(name), std::move(v.value));
    return {Schema(), Value::map(std::move(map))};
  }
  SchemaBuilder builder = SchemaBuilder::structure();
  for (const auto& [name, v] : entries) builder.field(name, v.schema ? v.schema : schemas().optional_string);
  sdk::Struct s(builder.build());
  for (std::size_t i = 0; i < entries.size(); ++i) s.put(i, std::move(entries[i].second.value));
  return {s.schema(), Value::structure(std::move(s))};
}

SchemaAndValue convert_array(const amqp_array_t& array) {
  std::vector<SchemaAndValue> items;
  items.reserve(static_cast<std::size_t>(array.num_entries));
  for (int i = 0; i < array.num_entries; ++i) items.push_back(convert_field(array.entries[i]));
  if (items.empty()) return {schemas().string_array, Value::array({})};
  bool same = true;
  for (const auto& item : items) same = same && item.schema && item.schema == items.front().schema;
  Value::Array values;
  values.reserve(items.size());
  for (auto& item : items) values.push_back(std::move(item.value));
  if (!same) return {Schema(), Value::array(std::move(values))};
  return {SchemaBuilder::array(items.front().schema).build(), Value::array(std::move(values))};
}

// ---- text forms for the envelope's HeaderValue ------------------------------------------------------------

void json_string(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

std::string base64(const std::string& in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const std::uint32_t n = (static_cast<unsigned char>(in[i]) << 16) |
                            (static_cast<unsigned char>(in[i + 1]) << 8) |
                            static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    const std::uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const std::uint32_t n =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string decimal_text(const amqp_decimal_t& d) {
  return sdk::logical::decimal_to_string(sdk::logical::decimal_bytes(static_cast<std::int64_t>(d.value)),
                                         d.decimals);
}

void json_field(std::string& out, const amqp_field_value_t& f);

void json_number(std::string& out, double v, bool is_float) {
  if (!std::isfinite(v)) {
    json_string(
        out, is_float ? sdk::java::float_to_string(static_cast<float>(v)) : sdk::java::double_to_string(v));
    return;
  }
  out += is_float ? sdk::java::float_to_string(static_cast<float>(v)) : sdk::java::double_to_string(v);
}

void json_field(std::string& out, const amqp_field_value_t& f) {
  switch (f.kind) {
    case AMQP_FIELD_KIND_BOOLEAN: out += f.value.boolean ? "true" : "false"; break;
    case AMQP_FIELD_KIND_I8: out += std::to_string(f.value.i8); break;
    case AMQP_FIELD_KIND_U8: out += std::to_string(f.value.u8); break;
    case AMQP_FIELD_KIND_I16: out += std::to_string(f.value.i16); break;
    case AMQP_FIELD_KIND_U16: out += std::to_string(f.value.u16); break;
    case AMQP_FIELD_KIND_I32: out += std::to_string(f.value.i32); break;
    case AMQP_FIELD_KIND_U32: out += std::to_string(f.value.u32); break;
    case AMQP_FIELD_KIND_I64: out += std::to_string(f.value.i64); break;
    case AMQP_FIELD_KIND_U64: out += std::to_string(f.value.u64); break;
    case AMQP_FIELD_KIND_F32: json_number(out, f.value.f32, true); break;
    case AMQP_FIELD_KIND_F64: json_number(out, f.value.f64, false); break;
    case AMQP_FIELD_KIND_DECIMAL: out += decimal_text(f.value.decimal); break;
    case AMQP_FIELD_KIND_UTF8: {
      const std::string raw = text(f.value.bytes);
      json_string(out, sanitize_utf8(raw.data(), raw.size()));
      break;
    }
    case AMQP_FIELD_KIND_BYTES: json_string(out, base64(text(f.value.bytes))); break;
    case AMQP_FIELD_KIND_TIMESTAMP:
      out += std::to_string(static_cast<std::int64_t>(f.value.u64) * 1000);
      break;
    case AMQP_FIELD_KIND_TABLE: {
      out += '{';
      for (int i = 0; i < f.value.table.num_entries; ++i) {
        if (i) out += ',';
        json_string(out, text(f.value.table.entries[i].key));
        out += ':';
        json_field(out, f.value.table.entries[i].value);
      }
      out += '}';
      break;
    }
    case AMQP_FIELD_KIND_ARRAY: {
      out += '[';
      for (int i = 0; i < f.value.array.num_entries; ++i) {
        if (i) out += ',';
        json_field(out, f.value.array.entries[i]);
      }
      out += ']';
      break;
    }
    default: out += "null"; break;
  }
}

std::string item_text(const amqp_field_value_t& f) {
  if (f.kind == AMQP_FIELD_KIND_UTF8) {
    const std::string raw = text(f.value.bytes);
    return sanitize_utf8(raw.data(), raw.size());
  }
  std::string out;
  json_field(out, f);
  return out;
}

// jcustenborder's HeaderValue: `type` names the field that holds the value. Types it has no field for
// (decimal, table, void) keep their text form in `string`.
Value header_value(const amqp_field_value_t& f) {
  sdk::Struct s(schemas().header_value);
  auto set = [&](const char* type, const char* field, Value v) {
    s.put("type", Value::string(type));
    if (field != nullptr) s.put(field, std::move(v));
  };
  switch (f.kind) {
    case AMQP_FIELD_KIND_BOOLEAN: set("boolean", "boolean", Value::boolean(f.value.boolean != 0)); break;
    case AMQP_FIELD_KIND_I8: set("int8", "int8", Value::int8(f.value.i8)); break;
    case AMQP_FIELD_KIND_U8: set("int16", "int16", Value::int16(f.value.u8)); break;
    case AMQP_FIELD_KIND_I16: set("int16", "int16", Value::int16(f.value.i16)); break;
    case AMQP_FIELD_KIND_U16: set("int32", "int32", Value::int32(f.value.u16)); break;
    case AMQP_FIELD_KIND_I32: set("int32", "int32", Value::int32(f.value.i32)); break;
    case AMQP_FIELD_KIND_U32: set("int64", "int64", Value::int64(f.value.u32)); break;
    case AMQP_FIELD_KIND_I64: set("int64", "int64", Value::int64(f.value.i64)); break;
    case AMQP_FIELD_KIND_U64:
      if (f.value.u64 <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        set("int64", "int64", Value::int64(static_cast<std::int64_t>(f.value.u64)));
      else
        set("decimal", "string", Value::string(std::to_string(f.value.u64)));
      break;
    case AMQP_FIELD_KIND_F32: set("float32", "float32", Value::float32(f.value.f32)); break;
    case AMQP_FIELD_KIND_F64: set("float64", "float64", Value::float64(f.value.f64)); break;
    case AMQP_FIELD_KIND_DECIMAL:
      set("decimal", "string", Value::string(decimal_text(f.value.decimal)));
      break;
    case AMQP_FIELD_KIND_UTF8: set("string", "string", Value::string(item_text(f))); break;
    case AMQP_FIELD_KIND_BYTES: set("bytes", "bytes", Value::bytes(text(f.value.bytes))); break;
    case AMQP_FIELD_KIND_TIMESTAMP:
      set("timestamp", "timestamp", Value::int64(static_cast<std::int64_t>(f.value.u64) * 1000));
      break;
    case AMQP_FIELD_KIND_ARRAY: {
      Value::Array items;
      for (int i = 0; i < f.value.array.num_entries; ++i)
        items.push_back(Value::string(item_text(f.value.array.entries[i])));
      set("array", "array", Value::array(std::move(items)));
      break;
    }
    case AMQP_FIELD_KIND_TABLE: set("table", "string", Value::string(item_text(f))); break;
    default: set("void", nullptr, Value()); break;
  }
  return Value::structure(std::move(s));
}

// ---- headers ---------------------------------------------------------------------------------------------

void add_string(sdk::Headers& h, const char* key, const amqp_basic_properties_t& p, amqp_flags_t flag,
                amqp_bytes_t value) {
  if ((p._flags & flag) != 0)
    h.add(key, Value::string(text(value)), schemas().string);
  else
    h.add(key, Value(), schemas().optional_string);
}

const amqp_field_value_t* find_header(const amqp_basic_properties_t& p, const std::string& name) {
  if ((p._flags & AMQP_BASIC_HEADERS_FLAG) == 0) return nullptr;
  for (int i = 0; i < p.headers.num_entries; ++i) {
    const amqp_bytes_t& k = p.headers.entries[i].key;
    if (k.len == name.size() && (k.len == 0 || std::memcmp(k.bytes, name.data(), k.len) == 0))
      return &p.headers.entries[i].value;
  }
  return nullptr;
}

Value optional_text(const amqp_basic_properties_t& p, amqp_flags_t flag, amqp_bytes_t value) {
  return (p._flags & flag) != 0 ? Value::string(text(value)) : Value();
}

}  // namespace

std::string sanitize_utf8(const char* data, std::size_t size) {
  const auto* s = reinterpret_cast<const unsigned char*>(data);
  std::string out;
  out.reserve(size);
  std::size_t i = 0;
  while (i < size) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    std::size_t need = 0;
    std::uint32_t min = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3;
      min = 0x10000;
    }
    if (need == 0) {  // not a lead byte
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    std::uint32_t cp = c & (0x3F >> need);
    std::size_t j = 1;
    bool ok = true;
    for (; j <= need; ++j) {
      if (i + j >= size || (s[i + j] & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (s[i + j] & 0x3F);
      // Overlongs, surrogates and values above U+10FFFF are malformed from the second byte on.
      if (j == 1 && need == 2 && ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F))) {
        ok = false;
        break;
      }
      if (j == 1 && need == 3 && ((c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))) {
        ok = false;
        break;
      }
    }
    if (!ok || cp < min) {
      // One replacement for the maximal valid prefix of the sequence, as Java's decoder does.
      out += "\xEF\xBF\xBD";
      i += j > 1 ? j : 1;
      continue;
    }
    out.append(data + i, need + 1);
    i += need + 1;
  }
  return out;
}

SchemaAndValue convert_field(const amqp_field_value_t& f) {
  const Schemas& sc = schemas();
  switch (f.kind) {
    case AMQP_FIELD_KIND_BOOLEAN: return {sc.boolean, Value::boolean(f.value.boolean != 0)};
    case AMQP_FIELD_KIND_I8: return {Schema::int8(), Value::int8(f.value.i8)};
    case AMQP_FIELD_KIND_U8: return {Schema::int16(), Value::int16(f.value.u8)};
    case AMQP_FIELD_KIND_I16: return {Schema::int16(), Value::int16(f.value.i16)};
    case AMQP_FIELD_KIND_U16: return {sc.int32, Value::int32(f.value.u16)};
    case AMQP_FIELD_KIND_I32: return {sc.int32, Value::int32(f.value.i32)};
    case AMQP_FIELD_KIND_U32: return {sc.int64, Value::int64(f.value.u32)};
    case AMQP_FIELD_KIND_I64: return {sc.int64, Value::int64(f.value.i64)};
    case AMQP_FIELD_KIND_U64:
      if (f.value.u64 <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return {sc.int64, Value::int64(static_cast<std::int64_t>(f.value.u64))};
      return decimal_value(0, unsigned_decimal_bytes(f.value.u64));
    case AMQP_FIELD_KIND_F32: return {Schema::float32(), Value::float32(f.value.f32)};
    case AMQP_FIELD_KIND_F64: return {Schema::float64(), Value::float64(f.value.f64)};
    case AMQP_FIELD_KIND_DECIMAL:
      // AMQP 0-9-1 (and RabbitMQ) define the unscaled value as an unsigned 32-bit integer.
      return decimal_value(f.value.decimal.decimals,
                           sdk::logical::decimal_bytes(static_cast<std::int64_t>(f.value.decimal.value)));
    case AMQP_FIELD_KIND_UTF8: {
      const auto* data = static_cast<const char*>(f.value.bytes.bytes);
      return {sc.string,
              Value::string(data == nullptr ? std::string() : sanitize_utf8(data, f.value.bytes.len))};
    }
    case AMQP_FIELD_KIND_BYTES: return {sc.bytes, Value::bytes(text(f.value.bytes))};
    case AMQP_FIELD_KIND_TIMESTAMP:
      return {sc.timestamp, Value::int64(static_cast<std::int64_t>(f.value.u64) * 1000)};
    case AMQP_FIELD_KIND_TABLE: return convert_table(f.value.table);
    case AMQP_FIELD_KIND_ARRAY: return convert_array(f.value.array);
    default: return {Schema(), Value()};  // void
  }
}

MessageMapper::MessageMapper(std::string topic, MessageFormat format, KeySource key_source,
                             std::string key_header)
    : topic_(std::move(topic)), format_(format), key_source_(key_source), key_header_(std::move(key_header)) {
  (void)schemas();  // build the shared schemas now rather than on the first delivery
}

SchemaAndValue MessageMapper::key_of(const amqp_envelope_t& env) const {
  const amqp_basic_properties_t& p = env.message.properties;
  const Schemas& sc = schemas();
  switch (key_source_) {
    case KeySource::None: return {};
    case KeySource::MessageId:
      return {sc.optional_string, optional_text(p, AMQP_BASIC_MESSAGE_ID_FLAG, p.message_id)};
    case KeySource::CorrelationId:
      return {sc.optional_string, optional_text(p, AMQP_BASIC_CORRELATION_ID_FLAG, p.correlation_id)};
    case KeySource::RoutingKey: return {sc.string, Value::string(text(env.routing_key))};
    case KeySource::Header: {
      const amqp_field_value_t* f = find_header(p, key_header_);
      if (f == nullptr) return {};
      return convert_field(*f);
    }
  }
  return {};
}

Value MessageMapper::envelope_value(const amqp_envelope_t& env) const {
  const Schemas& sc = schemas();
  const amqp_basic_properties_t& p = env.message.properties;
  sdk::Struct envelope(sc.envelope);
  envelope.put(0, Value::int64(static_cast<std::int64_t>(env.delivery_tag)))
      .put(1, Value::boolean(env.redelivered != 0))
      .put(2, Value::string(text(env.exchange)))
      .put(3, Value::string(text(env.routing_key)));

  Value::Map headers;
  if ((p._flags & AMQP_BASIC_HEADERS_FLAG) != 0) {
    for (int i = 0; i < p.headers.num_entries; ++i)
      headers.emplace_back(Value::string(text(p.headers.entries[i].key)),
                           header_value(p.headers.entries[i].value));
  }
  sdk::Struct props(sc.basic_properties);
  props.put("contentType", optional_text(p, AMQP_BASIC_CONTENT_TYPE_FLAG, p.content_type))
      .put("contentEncoding", optional_text(p, AMQP_BASIC_CONTENT_ENCODING_FLAG, p.content_encoding))
      .put("headers", Value::map(std::move(headers)))
      .put("deliveryMode",
           (p._flags & AMQP_BASIC_DELIVERY_MODE_FLAG) != 0 ? Value::int32(p.delivery_mode) : Value())
      .put("priority", (p._flags & AMQP_BASIC_PRIORITY_FLAG) != 0 ? Value::int32(p.priority) : Value())
      .put("correlationId", optional_text(p, AMQP_BASIC_CORRELATION_ID_FLAG, p.correlation_id))
      .put("replyTo", optional_text(p, AMQP_BASIC_REPLY_TO_FLAG, p.reply_to))
      .put("expiration", optional_text(p, AMQP_BASIC_EXPIRATION_FLAG, p.expiration))
      .put("messageId", optional_text(p, AMQP_BASIC_MESSAGE_ID_FLAG, p.message_id))
      .put("timestamp", (p._flags & AMQP_BASIC_TIMESTAMP_FLAG) != 0
                            ? Value::int64(static_cast<std::int64_t>(p.timestamp) * 1000)
                            : Value())
      .put("type", optional_text(p, AMQP_BASIC_TYPE_FLAG, p.type))
      .put("userId", optional_text(p, AMQP_BASIC_USER_ID_FLAG, p.user_id))
      .put("appId", optional_text(p, AMQP_BASIC_APP_ID_FLAG, p.app_id));

  sdk::Struct message(sc.message);
  message.put(0, Value::string(text(env.consumer_tag)))
      .put(1, Value::structure(std::move(envelope)))
      .put(2, Value::structure(std::move(props)))
      .put(3, Value::bytes(text(env.message.body)));
  return Value::structure(std::move(message));
}

sdk::SourceRecord MessageMapper::map(const amqp_envelope_t& env, const std::string& queue) const {
  const Schemas& sc = schemas();
  const amqp_basic_properties_t& p = env.message.properties;
  sdk::SourceRecord r;
  r.source_partition = Value::string_map({{kPartitionQueueField, Value::string(queue)}});
  r.source_offset =
      Value::string_map({{kOffsetTagField, Value::int64(static_cast<std::int64_t>(env.delivery_tag))}});
  r.topic = topic_;
  SchemaAndValue key = key_of(env);
  r.key_schema = std::move(key.schema);
  r.key = std::move(key.value);
  switch (format_) {
    case MessageFormat::Bytes:
      r.value_schema = sc.bytes;
      r.value = Value::bytes(text(env.message.body));
      break;
    case MessageFormat::String: {
      r.value_schema = sc.string;
      const auto* data = static_cast<const char*>(env.message.body.bytes);
      r.value = Value::string(data == nullptr ? std::string() : sanitize_utf8(data, env.message.body.len));
      break;
    }
    case MessageFormat::Envelope:
      r.value_schema = sc.message;
      r.value = envelope_value(env);
      break;
  }
  if ((p._flags & AMQP_BASIC_TIMESTAMP_FLAG) != 0)
    r.timestamp = static_cast<std::int64_t>(p.timestamp) * 1000;

  sdk::Headers& h = r.headers;
  h.add(kConsumerTagHeader, Value::string(text(env.consumer_tag)), sc.string);
  add_string(h, "rabbitmq.content.type", p, AMQP_BASIC_CONTENT_TYPE_FLAG, p.content_type);
  add_string(h, "rabbitmq.content.encoding", p, AMQP_BASIC_CONTENT_ENCODING_FLAG, p.content_encoding);
  // Confluent's connector writes 0 for an absent delivery mode or priority; so do we.
  h.add("rabbitmq.delivery.mode",
        Value::int32((p._flags & AMQP_BASIC_DELIVERY_MODE_FLAG) != 0 ? p.delivery_mode : 0), sc.int32);
  h.add("rabbitmq.priority", Value::int32((p._flags & AMQP_BASIC_PRIORITY_FLAG) != 0 ? p.priority : 0),
        sc.int32);
  add_string(h, "rabbitmq.correlation.id", p, AMQP_BASIC_CORRELATION_ID_FLAG, p.correlation_id);
  add_string(h, "rabbitmq.reply.to", p, AMQP_BASIC_REPLY_TO_FLAG, p.reply_to);
  add_string(h, "rabbitmq.expiration", p, AMQP_BASIC_EXPIRATION_FLAG, p.expiration);
  add_string(h, "rabbitmq.message.id", p, AMQP_BASIC_MESSAGE_ID_FLAG, p.message_id);
  if ((p._flags & AMQP_BASIC_TIMESTAMP_FLAG) != 0)
    h.add("rabbitmq.timestamp", Value::int64(static_cast<std::int64_t>(p.timestamp) * 1000), sc.timestamp);
  else
    h.add("rabbitmq.timestamp", Value(), sc.optional_timestamp);
  add_string(h, "rabbitmq.type", p, AMQP_BASIC_TYPE_FLAG, p.type);
  add_string(h, "rabbitmq.user.id", p, AMQP_BASIC_USER_ID_FLAG, p.user_id);
  add_string(h, "rabbitmq.app.id", p, AMQP_BASIC_APP_ID_FLAG, p.app_id);
  if ((p._flags & AMQP_BASIC_CLUSTER_ID_FLAG) != 0)
    h.add("rabbitmq.cluster.id", Value::string(text(p.cluster_id)), sc.string);
  h.add("rabbitmq.delivery.tag", Value::int64(static_cast<std::int64_t>(env.delivery_tag)), sc.int64);
  h.add("rabbitmq.redeliver", Value::boolean(env.redelivered != 0), sc.boolean);
  h.add("rabbitmq.exchange", Value::string(text(env.exchange)), sc.string);
  h.add("rabbitmq.routing.key", Value::string(text(env.routing_key)), sc.string);
  if ((p._flags & AMQP_BASIC_HEADERS_FLAG) != 0) {
    for (int i = 0; i < p.headers.num_entries; ++i) {
      SchemaAndValue v = convert_field(p.headers.entries[i].value);
      h.add(kUserHeaderPrefix + text(p.headers.entries[i].key), std::move(v.value), std::move(v.schema));
    }
  }
  return r;
}

}  // namespace sluice::rabbitmq
