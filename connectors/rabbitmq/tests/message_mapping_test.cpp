// MessageMapper and convert_field on hand-built rabbitmq-c envelopes: every field-table kind (including the
// ones RabbitMQ itself cannot carry, like unsigned 64-bit), every property, the three value formats and the
// key sources. The same mapping is checked end to end against a real broker in rabbitmq_connector_test.cpp.

#include "message_mapping.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace sluice::rabbitmq {
namespace {

using sdk::Schema;
using sdk::Value;

amqp_bytes_t b(const char* s) {
  return amqp_cstring_bytes(s);
}

amqp_field_value_t field(char kind) {
  amqp_field_value_t f{};
  f.kind = static_cast<std::uint8_t>(kind);
  return f;
}
amqp_field_value_t i32(std::int32_t v) {
  auto f = field(AMQP_FIELD_KIND_I32);
  f.value.i32 = v;
  return f;
}
amqp_field_value_t utf8(const char* s) {
  auto f = field(AMQP_FIELD_KIND_UTF8);
  f.value.bytes = b(s);
  return f;
}
amqp_table_entry_t entry(const char* key, amqp_field_value_t v) {
  return amqp_table_entry_t{b(key), v};
}

const sdk::Header* header(const sdk::SourceRecord& r, const std::string& key) {
  return r.headers.last_with_name(key);
}

TEST(ConvertFieldTest, IntegersKeepTheirSignAndWidenWhenUnsigned) {
  auto f = field(AMQP_FIELD_KIND_I8);
  f.value.i8 = -5;
  auto v = convert_field(f);
  EXPECT_EQ(v.schema.type(), sdk::Type::Int8);
  EXPECT_EQ(v.value, Value::int8(-5));

  f = field(AMQP_FIELD_KIND_U8);
  f.value.u8 = 200;
  v = convert_field(f);
  EXPECT_EQ(v.schema.type(), sdk::Type::Int16);
  EXPECT_EQ(v.value, Value::int16(200));

  f = field(AMQP_FIELD_KIND_I16);
  f.value.i16 = -300;
  EXPECT_EQ(convert_field(f).value, Value::int16(-300));

  f = field(AMQP_FIELD_KIND_U16);
  f.value.u16 = 60000;
  v = convert_field(f);
  EXPECT_EQ(v.schema.type(), sdk::Type::Int32);
  EXPECT_EQ(v.value, Value::int32(60000));

  EXPECT_EQ(convert_field(i32(-70000)).value, Value::int32(-70000));

  f = field(AMQP_FIELD_KIND_U32);
  f.value.u32 = 4000000000u;
  v = convert_field(f);
  EXPECT_EQ(v.schema.type(), sdk::Type::Int64);
  EXPECT_EQ(v.value, Value::int64(4000000000LL));

  f = field(AMQP_FIELD_KIND_I64);
  f.value.i64 = -5000000000LL;
  EXPECT_EQ(convert_field(f).value, Value::int64(-5000000000LL));

  f = field(AMQP_FIELD_KIND_U64);
  f.value.u64 = 42;
  v = convert_field(f);
  EXPECT_EQ(v.schema.type(), sdk::Type::Int64);
  EXPECT_EQ(v.value, Value::int64(42));
}

TEST(ConvertFieldTest, UnsignedSixtyFourBitAboveInt64MaxBecomesAnExactDecimal) {
  auto f = field(AMQP_FIELD_KIND_U64);
  f.value.u64 = std::numeric_limits<std::uint64_t>::max();
  auto v = convert_field(f);
  ASSERT_TRUE(v.schema);
  EXPECT_EQ(v.schema.name().value_or(""), "org.apache.kafka.connect.data.Decimal");
  EXPECT_EQ(*v.schema.parameter("scale"), "0");
  EXPECT_EQ(sdk::logical::decimal_to_string(v.value.as_bytes(), 0), "18446744073709551615");
}

TEST(ConvertFieldTest, FloatsBooleansStringsBytesTimestampsDecimalsAndVoid) {
  auto f = field(AMQP_FIELD_KIND_F32);
  f.value.f32 = 1.5f;
  EXPECT_EQ(convert_field(f).value, Value::float32(1.5f));
  f = field(AMQP_FIELD_KIND_F64);
  f.value.f64 = 2.25;
  EXPECT_EQ(convert_field(f).value, Value::float64(2.25));
  f = field(AMQP_FIELD_KIND_BOOLEAN);
  f.value.boolean = 1;
  EXPECT_EQ(convert_field(f).value, Value::boolean(true));

  auto s = convert_field(utf8("h\xC3\xA9llo"));
  EXPECT_EQ(s.schema.type(), sdk::Type::String);
  EXPECT_EQ(s.value, Value::string("h\xC3\xA9llo"));
  // Invalid UTF-8 is replaced, as Java decodes it.
  EXPECT_EQ(convert_field(utf8("a\xFF"
                               "b"))
                .value,
            Value::string("a\xEF\xBF\xBD"
                          "b"));

  f = field(AMQP_FIELD_KIND_BYTES);
  static const char raw[] = {'\0', '\x01', '\xFF'};
  f.value.bytes = amqp_bytes_t{3, const_cast<char*>(raw)};
  auto bytes = convert_field(f);
  EXPECT_EQ(bytes.schema.type(), sdk::Type::Bytes);
  EXPECT_EQ(bytes.value, Value::bytes(std::string(raw, 3)));

  f = field(AMQP_FIELD_KIND_TIMESTAMP);
  f.value.u64 = 1700000001;
  auto ts = convert_field(f);
  EXPECT_EQ(ts.schema.name().value_or(""), "org.apache.kafka.connect.data.Timestamp");
  EXPECT_EQ(ts.value, Value::int64(1700000001000LL));

  f = field(AMQP_FIELD_KIND_DECIMAL);
  f.value.decimal = amqp_decimal_t{2, 12345};
  auto dec = convert_field(f);
  EXPECT_EQ(dec.schema.name().value_or(""), "org.apache.kafka.connect.data.Decimal");
  EXPECT_EQ(*dec.schema.parameter("scale"), "2");
  EXPECT_EQ(sdk::logical::decimal_to_string(dec.value.as_bytes(), 2), "123.45");
  // The unscaled value is an unsigned 32-bit integer (AMQP 0-9-1 "long-uint").
  f.value.decimal = amqp_decimal_t{0, 4000000000u};
  EXPECT_EQ(sdk::logical::decimal_to_string(convert_field(f).value.as_bytes(), 0), "4000000000");

  auto v = convert_field(field(AMQP_FIELD_KIND_VOID));
  EXPECT_FALSE(v.schema);
  EXPECT_TRUE(v.value.is_null());
}

TEST(ConvertFieldTest, NestedTablesBecomeStructsAndArraysKeepTheirItemSchema) {
  auto inner_flag = field(AMQP_FIELD_KIND_BOOLEAN);
  inner_flag.value.boolean = 0;
  amqp_table_entry_t inner[] = {entry("c", inner_flag)};
  auto nested = field(AMQP_FIELD_KIND_TABLE);
  nested.value.table = amqp_table_t{1, inner};
  amqp_table_entry_t outer[] = {entry("a", i32(1)), entry("b", utf8("x")), entry("nested", nested),
                                entry("a", i32(99)), entry("v", field(AMQP_FIELD_KIND_VOID))};
  auto table = field(AMQP_FIELD_KIND_TABLE);
  table.value.table = amqp_table_t{5, outer};
  auto t = convert_field(table);
  ASSERT_TRUE(t.schema);
  ASSERT_EQ(t.schema.type(), sdk::Type::Struct);
  ASSERT_EQ(t.schema.fields().size(), 4u);  // the repeated "a" is dropped: the first one wins
  const sdk::Struct& s = t.value.as_struct();
  EXPECT_EQ(s.get("a"), Value::int32(1));
  EXPECT_EQ(s.get("b"), Value::string("x"));
  EXPECT_EQ(s.get("nested").as_struct().get("c"), Value::boolean(false));
  EXPECT_TRUE(s.get("v").is_null());
  EXPECT_TRUE(t.schema.field("v")->schema.is_optional());

  amqp_field_value_t items[] = {i32(1), i32(2), i32(3)};
  auto array = field(AMQP_FIELD_KIND_ARRAY);
  array.value.array = amqp_array_t{3, items};
  auto a = convert_field(array);
  ASSERT_TRUE(a.schema);
  EXPECT_EQ(a.schema.type(), sdk::Type::Array);
  EXPECT_EQ(a.schema.value_schema().type(), sdk::Type::Int32);
  EXPECT_EQ(a.value, Value::array({Value::int32(1), Value::int32(2), Value::int32(3)}));

  amqp_field_value_t mixed_items[] = {i32(1), utf8("two")};
  auto mixed = field(AMQP_FIELD_KIND_ARRAY);
  mixed.value.array = amqp_array_t{2, mixed_items};
  auto m = convert_field(mixed);
  EXPECT_FALSE(m.schema);  // no common schema: schemaless, still typed values
  EXPECT_EQ(m.value, Value::array({Value::int32(1), Value::string("two")}));

  auto empty = field(AMQP_FIELD_KIND_ARRAY);
  empty.value.array = amqp_array_t{0, nullptr};
  auto e = convert_field(empty);
  EXPECT_EQ(e.schema.type(), sdk::Type::Array);
  EXPECT_EQ(e.schema.value_schema().type(), sdk::Type::String);

  // A table holding a schemaless value cannot be a struct: it stays a schemaless map.
  amqp_table_entry_t with_mixed[] = {entry("m", mixed)};
  auto t2 = field(AMQP_FIELD_KIND_TABLE);
  t2.value.table = amqp_table_t{1, with_mixed};
  auto map = convert_field(t2);
  EXPECT_FALSE(map.schema);
  EXPECT_EQ(map.value.kind(), Value::Kind::Map);
}

// A delivery with every property set.
struct Delivery {
  amqp_table_entry_t headers[2];
  amqp_envelope_t env{};
  Delivery() {
    headers[0] = entry("tenant", utf8("acme"));
    headers[1] = entry("attempt", i32(3));
    env.channel = 1;
    env.consumer_tag = b("sluice-abc-1-0");
    env.delivery_tag = 17;
    env.redelivered = 1;
    env.exchange = b("orders-x");
    env.routing_key = b("orders.eu");
    env.message.body = b("{\"id\":1}");
    amqp_basic_properties_t& p = env.message.properties;
    p._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_CONTENT_ENCODING_FLAG | AMQP_BASIC_HEADERS_FLAG |
               AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_PRIORITY_FLAG | AMQP_BASIC_CORRELATION_ID_FLAG |
               AMQP_BASIC_REPLY_TO_FLAG | AMQP_BASIC_EXPIRATION_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG |
               AMQP_BASIC_TIMESTAMP_FLAG | AMQP_BASIC_TYPE_FLAG | AMQP_BASIC_USER_ID_FLAG |
               AMQP_BASIC_APP_ID_FLAG | AMQP_BASIC_CLUSTER_ID_FLAG;
    p.content_type = b("application/json");
    p.content_encoding = b("utf-8");
    p.headers = amqp_table_t{2, headers};
    p.delivery_mode = 2;
    p.priority = 7;
    p.correlation_id = b("corr-1");
    p.reply_to = b("replies");
    p.expiration = b("60000");
    p.message_id = b("msg-1");
    p.timestamp = 1700000000;
    p.type = b("order.created");
    p.user_id = b("guest");
    p.app_id = b("tests");
    p.cluster_id = b("c1");
  }
};

TEST(MessageMapperTest, BytesValueHeadersTimestampPartitionAndOffset) {
  Delivery d;
  MessageMapper mapper("orders", MessageFormat::Bytes, KeySource::None, "");
  sdk::SourceRecord r = mapper.map(d.env, "orders-q");
  EXPECT_EQ(r.topic, "orders");
  EXPECT_FALSE(r.partition.has_value());
  EXPECT_FALSE(r.key_schema);
  EXPECT_TRUE(r.key.is_null());
  ASSERT_TRUE(r.value_schema);
  EXPECT_EQ(r.value_schema.type(), sdk::Type::Bytes);
  EXPECT_FALSE(r.value_schema.is_optional());
  EXPECT_EQ(r.value, Value::bytes("{\"id\":1}"));
  EXPECT_EQ(r.timestamp, std::optional<std::int64_t>(1700000000000LL));
  EXPECT_EQ(r.source_partition, Value::string_map({{"queue", Value::string("orders-q")}}));
  EXPECT_EQ(r.source_offset, Value::string_map({{"deliveryTag", Value::int64(17)}}));

  std::vector<std::string> keys;
  for (const auto& h : r.headers) keys.push_back(h.key);
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "rabbitmq.consumer.tag",   "rabbitmq.content.type",   "rabbitmq.content.encoding",
                      "rabbitmq.delivery.mode",  "rabbitmq.priority",       "rabbitmq.correlation.id",
                      "rabbitmq.reply.to",       "rabbitmq.expiration",     "rabbitmq.message.id",
                      "rabbitmq.timestamp",      "rabbitmq.type",           "rabbitmq.user.id",
                      "rabbitmq.app.id",         "rabbitmq.cluster.id",     "rabbitmq.delivery.tag",
                      "rabbitmq.redeliver",      "rabbitmq.exchange",       "rabbitmq.routing.key",
                      "rabbitmq.headers.tenant", "rabbitmq.headers.attempt"}));
  EXPECT_EQ(header(r, "rabbitmq.consumer.tag")->value, Value::string("sluice-abc-1-0"));
  EXPECT_EQ(header(r, "rabbitmq.content.type")->value, Value::string("application/json"));
  EXPECT_EQ(header(r, "rabbitmq.delivery.mode")->value, Value::int32(2));
  EXPECT_EQ(header(r, "rabbitmq.delivery.mode")->schema.type(), sdk::Type::Int32);
  EXPECT_EQ(header(r, "rabbitmq.priority")->value, Value::int32(7));
  EXPECT_EQ(header(r, "rabbitmq.timestamp")->value, Value::int64(1700000000000LL));
  EXPECT_EQ(header(r, "rabbitmq.timestamp")->schema.name().value_or(""),
            "org.apache.kafka.connect.data.Timestamp");
  EXPECT_EQ(header(r, "rabbitmq.delivery.tag")->value, Value::int64(17));
  EXPECT_EQ(header(r, "rabbitmq.redeliver")->value, Value::boolean(true));
  EXPECT_EQ(header(r, "rabbitmq.exchange")->value, Value::string("orders-x"));
  EXPECT_EQ(header(r, "rabbitmq.routing.key")->value, Value::string("orders.eu"));
  EXPECT_EQ(header(r, "rabbitmq.headers.tenant")->value, Value::string("acme"));
  EXPECT_EQ(header(r, "rabbitmq.headers.attempt")->value, Value::int32(3));
}

TEST(MessageMapperTest, AbsentPropertiesAreNullOrZeroAsConfluentWritesThem) {
  Delivery d;
  d.env.message.properties._flags = 0;
  d.env.redelivered = 0;
  MessageMapper mapper("t", MessageFormat::Bytes, KeySource::MessageId, "");
  sdk::SourceRecord r = mapper.map(d.env, "q");
  EXPECT_FALSE(r.timestamp.has_value());
  EXPECT_TRUE(header(r, "rabbitmq.content.type")->value.is_null());
  EXPECT_TRUE(header(r, "rabbitmq.content.type")->schema.is_optional());
  EXPECT_EQ(header(r, "rabbitmq.delivery.mode")->value, Value::int32(0));
  EXPECT_EQ(header(r, "rabbitmq.priority")->value, Value::int32(0));
  EXPECT_TRUE(header(r, "rabbitmq.timestamp")->value.is_null());
  EXPECT_EQ(header(r, "rabbitmq.cluster.id"), nullptr);
  EXPECT_EQ(header(r, "rabbitmq.redeliver")->value, Value::boolean(false));
  EXPECT_EQ(r.headers.size(), 17u);  // no rabbitmq.headers.* and no cluster id
  // message.id as the key, but the message has none: a null key with an optional STRING schema.
  EXPECT_TRUE(r.key.is_null());
  EXPECT_TRUE(r.key_schema.is_optional());
}

TEST(MessageMapperTest, KeySources) {
  Delivery d;
  EXPECT_EQ(MessageMapper("t", MessageFormat::Bytes, KeySource::MessageId, "").map(d.env, "q").key,
            Value::string("msg-1"));
  EXPECT_EQ(MessageMapper("t", MessageFormat::Bytes, KeySource::CorrelationId, "").map(d.env, "q").key,
            Value::string("corr-1"));
  EXPECT_EQ(MessageMapper("t", MessageFormat::Bytes, KeySource::RoutingKey, "").map(d.env, "q").key,
            Value::string("orders.eu"));
  auto by_header = MessageMapper("t", MessageFormat::Bytes, KeySource::Header, "attempt").map(d.env, "q");
  EXPECT_EQ(by_header.key, Value::int32(3));
  EXPECT_EQ(by_header.key_schema.type(), sdk::Type::Int32);
  auto missing = MessageMapper("t", MessageFormat::Bytes, KeySource::Header, "nope").map(d.env, "q");
  EXPECT_TRUE(missing.key.is_null());
  EXPECT_FALSE(missing.key_schema);
}

TEST(MessageMapperTest, StringValueDecodesUtf8) {
  Delivery d;
  d.env.message.body = b("caf\xC3\xA9 \xFF");
  auto r = MessageMapper("t", MessageFormat::String, KeySource::None, "").map(d.env, "q");
  EXPECT_EQ(r.value_schema.type(), sdk::Type::String);
  EXPECT_EQ(r.value, Value::string("caf\xC3\xA9 \xEF\xBF\xBD"));
}

TEST(MessageMapperTest, EnvelopeValueFollowsJcustenbordersMessageStruct) {
  Delivery d;
  auto r = MessageMapper("t", MessageFormat::Envelope, KeySource::None, "").map(d.env, "q");
  ASSERT_EQ(r.value_schema.type(), sdk::Type::Struct);
  EXPECT_EQ(r.value_schema.name().value_or(""), "com.github.jcustenborder.kafka.connect.rabbitmq.Message");
  const sdk::Struct& m = r.value.as_struct();
  EXPECT_EQ(m.get("consumerTag"), Value::string("sluice-abc-1-0"));
  EXPECT_EQ(m.get("body"), Value::bytes("{\"id\":1}"));
  const sdk::Struct& env = m.get("envelope").as_struct();
  EXPECT_EQ(env.get("deliveryTag"), Value::int64(17));
  EXPECT_EQ(env.get("isRedeliver"), Value::boolean(true));
  EXPECT_EQ(env.get("exchange"), Value::string("orders-x"));
  EXPECT_EQ(env.get("routingKey"), Value::string("orders.eu"));
  const sdk::Struct& props = m.get("basicProperties").as_struct();
  EXPECT_EQ(props.get("contentType"), Value::string("application/json"));
  EXPECT_EQ(props.get("deliveryMode"), Value::int32(2));
  EXPECT_EQ(props.get("timestamp"), Value::int64(1700000000000LL));
  EXPECT_EQ(props.get("appId"), Value::string("tests"));
  const Value::Map& headers = props.get("headers").as_map();
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0].first, Value::string("tenant"));
  const sdk::Struct& tenant = headers[0].second.as_struct();
  EXPECT_EQ(tenant.get("type"), Value::string("string"));
  EXPECT_EQ(tenant.get("string"), Value::string("acme"));
  const sdk::Struct& attempt = headers[1].second.as_struct();
  EXPECT_EQ(attempt.get("type"), Value::string("int32"));
  EXPECT_EQ(attempt.get("int32"), Value::int32(3));
  EXPECT_TRUE(attempt.get("string").is_null());
  // The whole struct is valid against its schema.
  EXPECT_NO_THROW(sdk::validate_value(r.value_schema, r.value));
}

TEST(SanitizeUtf8Test, ValidTextIsUntouchedAndMalformedSequencesAreReplaced) {
  const std::string valid = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  EXPECT_EQ(sanitize_utf8(valid.data(), valid.size()), valid);
  const std::string truncated = "x\xE2\x82";
  EXPECT_EQ(sanitize_utf8(truncated.data(), truncated.size()), "x\xEF\xBF\xBD");
  const std::string overlong = "\xC0\xAF";
  EXPECT_EQ(sanitize_utf8(overlong.data(), overlong.size()), "\xEF\xBF\xBD\xEF\xBF\xBD");
  const std::string surrogate = "\xED\xA0\x80";
  EXPECT_EQ(sanitize_utf8(surrogate.data(), surrogate.size()), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace sluice::rabbitmq
