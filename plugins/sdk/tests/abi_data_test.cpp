#include "sluice/sdk/abi_data.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sdk = sluice::sdk;
using sdk::Schema;
using sdk::SchemaBuilder;
using sdk::Value;

namespace {

Schema address_schema() {
  return SchemaBuilder::structure().name("Address").field("city", Schema::string()).build();
}

Schema rich_schema() {
  return SchemaBuilder::structure()
      .name("com.example.Rich")
      .version(3)
      .doc("docs")
      .parameter("p1", "v1")
      .field("flag", Schema::boolean())
      .field("i8", Schema::int8())
      .field("i16", Schema::int16())
      .field("i32", Schema::int32())
      .field("i64", Schema::int64())
      .field("f32", Schema::float32())
      .field("f64", Schema::float64())
      .field("text", SchemaBuilder::string().optional().default_value(Value::string("dflt")).build())
      .field("raw", Schema::bytes())
      .field("list", SchemaBuilder::array(Schema::int32()).build())
      .field("dict", SchemaBuilder::map(Schema::string(), Schema::int64()).build())
      .field("address", address_schema())
      .field("amount", sdk::logical::decimal(2).build())
      .build();
}

Value rich_value(const Schema& s) {
  sdk::Struct address(s.field("address")->schema);
  address.put("city", Value::string("Paris"));
  sdk::Struct st(s);
  st.put("flag", Value::boolean(true))
      .put("i8", Value::int8(-8))
      .put("i16", Value::int16(-16000))
      .put("i32", Value::int32(123456))
      .put("i64", Value::int64(-(1LL << 50)))
      .put("f32", Value::float32(1.25f))
      .put("f64", Value::float64(-2.5e300))
      .put("raw", Value::bytes(std::string("a\0b", 3)))
      .put("list", Value::array({Value::int32(1), Value::int32(2)}))
      .put("dict", Value::map({{Value::string("k"), Value::int64(7)}}))
      .put("address", Value::structure(address))
      .put("amount", Value::bytes(sdk::logical::decimal_bytes(1234)));
  return Value::structure(st);
}

TEST(ArenaTest, SchemaBecomesTheAbiStructure) {
  sdk::Arena arena;
  Schema s = rich_schema();
  const sluice_schema* c = arena.schema(s);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->struct_size, sizeof(sluice_schema));
  EXPECT_EQ(c->type, SLUICE_TYPE_STRUCT);
  EXPECT_EQ(c->optional, 0);
  EXPECT_EQ(c->has_version, 1);
  EXPECT_EQ(c->version, 3);
  EXPECT_STREQ(c->name, "com.example.Rich");
  EXPECT_STREQ(c->doc, "docs");
  ASSERT_EQ(c->parameter_count, 1u);
  EXPECT_STREQ(c->parameters[0].key, "p1");
  EXPECT_STREQ(c->parameters[0].value, "v1");
  ASSERT_EQ(c->field_count, 13u);
  EXPECT_STREQ(c->fields[7].name, "text");
  EXPECT_EQ(c->fields[7].schema->optional, 1);
  ASSERT_NE(c->fields[7].schema->default_value, nullptr);
  EXPECT_EQ(c->fields[7].schema->default_value->type, SLUICE_TYPE_STRING);
  EXPECT_EQ(std::string(c->fields[7].schema->default_value->u.bytes.data,
                        c->fields[7].schema->default_value->u.bytes.size),
            "dflt");
  EXPECT_EQ(c->fields[9].schema->type, SLUICE_TYPE_ARRAY);
  EXPECT_EQ(c->fields[9].schema->value_schema->type, SLUICE_TYPE_INT32);
  EXPECT_EQ(c->fields[10].schema->key_schema->type, SLUICE_TYPE_STRING);
  EXPECT_STREQ(c->fields[12].schema->name, SLUICE_LOGICAL_DECIMAL);
  EXPECT_EQ(arena.schema(s), c) << "one C schema per schema object and arena";
  EXPECT_EQ(arena.schema(Schema()), nullptr);
}

TEST(ArenaTest, ValueBecomesTheAbiStructure) {
  sdk::Arena arena;
  Schema s = rich_schema();
  sluice_value v = arena.value(rich_value(s));
  ASSERT_EQ(v.type, SLUICE_TYPE_STRUCT);
  EXPECT_EQ(v.u.strct.schema, arena.schema(s));
  ASSERT_EQ(v.u.strct.count, 13u);
  const sluice_value* f = v.u.strct.fields;
  EXPECT_EQ(f[0].type, SLUICE_TYPE_BOOLEAN);
  EXPECT_EQ(f[0].u.boolean, 1);
  EXPECT_EQ(f[1].type, SLUICE_TYPE_INT8);
  EXPECT_EQ(f[1].u.i64, -8);
  EXPECT_EQ(f[4].u.i64, -(1LL << 50));
  EXPECT_EQ(f[5].type, SLUICE_TYPE_FLOAT32);
  EXPECT_EQ(f[5].u.f64, 1.25);
  EXPECT_EQ(f[7].type, SLUICE_TYPE_NULL) << "unset field";
  EXPECT_EQ(f[8].type, SLUICE_TYPE_BYTES);
  EXPECT_EQ(std::string(f[8].u.bytes.data, f[8].u.bytes.size), std::string("a\0b", 3));
  EXPECT_EQ(f[9].u.array.count, 2u);
  EXPECT_EQ(f[9].u.array.items[1].u.i64, 2);
  EXPECT_EQ(f[10].u.map.count, 1u);
  EXPECT_EQ(f[10].u.map.values[0].u.i64, 7);
  EXPECT_EQ(f[11].u.strct.count, 1u);
}

TEST(ArenaTest, RoundTripThroughTheAbiIsLossless) {
  sdk::Arena arena;
  Schema s = rich_schema();
  Value original = rich_value(s);
  const sluice_schema* cs = arena.schema(s);
  sluice_value cv = arena.value(original);

  sdk::AbiReader reader;
  Schema back_schema = reader.schema(cs);
  Value back = reader.value(cv);
  EXPECT_EQ(back_schema, s);
  EXPECT_EQ(back, original);
  EXPECT_EQ(reader.schema(cs).identity(), back_schema.identity()) << "reader caches schemas by address";
}

TEST(ArenaTest, BorrowModeReferencesTheOriginalStrings) {
  Value v = Value::string("a fairly long string that is not stored inline");
  sdk::Arena borrow(sdk::Arena::Strings::Borrow);
  sluice_value b = borrow.value(v);
  EXPECT_EQ(b.u.bytes.data, v.as_string().data());

  sdk::Arena copy;
  sluice_value c = copy.value(v);
  EXPECT_NE(c.u.bytes.data, v.as_string().data());
  EXPECT_EQ(std::string(c.u.bytes.data, c.u.bytes.size), v.as_string());
}

TEST(ArenaTest, LargeAllocationsAndManyValuesStayValid) {
  sdk::Arena arena;
  std::string big(100000, 'x');
  Value::Array items;
  for (int i = 0; i < 2000; ++i) items.push_back(Value::string(std::to_string(i)));
  sluice_value a = arena.value(Value::array(items));
  sluice_value b = arena.value(Value::string(big));
  ASSERT_EQ(a.u.array.count, 2000u);
  EXPECT_EQ(std::string(a.u.array.items[1999].u.bytes.data, a.u.array.items[1999].u.bytes.size), "1999");
  EXPECT_EQ(std::string(b.u.bytes.data, b.u.bytes.size), big);
}

TEST(ArenaTest, ConsecutiveRecordsShareTheirTopicAndOffsetKeysButNeverMixThemUp) {
  // Copy mode remembers the last topic and the last string-keyed map's keys: records that repeat them
  // share one copy, and whatever changes (topic, keys, key types, schema) is copied anew.
  const auto record = [](std::string topic, Value offset, Schema value_schema) {
    return sdk::SourceRecord{.source_partition = Value::string_map({{"filename", Value::string("/x")}}),
                             .source_offset = std::move(offset),
                             .topic = std::move(topic),
                             .value_schema = std::move(value_schema),
                             .value = Value::string("v")};
  };
  const Schema bytes = Schema::bytes();
  const Schema text = Schema::string();
  std::vector<sdk::SourceRecord> in = {
      record("alpha", Value::string_map({{"position", Value::int64(1)}}), text),
      record("alpha", Value::string_map({{"position", Value::int64(2)}}), text),
      record("alphb", Value::string_map({{"position", Value::int64(3)}}), bytes),
      record("alphb", Value::string_map({{"positioN", Value::int64(4)}}), bytes),
      record("alpha", Value::string_map({{"positioN", Value::int64(5)}, {"line", Value::int64(6)}}),
             Schema::string()),
      record("alpha", Value::map({{Value::int32(7), Value::int64(8)}}), Schema::string()),
      record("alpha", Value::map({{Value::int32(7), Value::int64(9)}}), Schema::string()),
      record("", Value(), Schema()),
  };
  in[2].value = Value::bytes("b");
  in[3].value = Value::bytes("b");
  sdk::Arena arena;
  std::vector<sluice_record> out(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) arena.fill(out[i], in[i]);

  EXPECT_EQ(out[0].topic, out[1].topic);  // one copy
  EXPECT_NE(out[1].topic, out[2].topic);
  // The partition's keys and the offset's keys take turns: both are remembered.
  EXPECT_EQ(out[0].source_partition.u.map.keys, out[1].source_partition.u.map.keys);
  EXPECT_EQ(out[0].source_offset.u.map.keys, out[1].source_offset.u.map.keys);
  EXPECT_EQ(out[1].source_offset.u.map.keys, out[2].source_offset.u.map.keys);
  EXPECT_NE(out[2].source_offset.u.map.keys, out[3].source_offset.u.map.keys);
  EXPECT_NE(out[5].source_offset.u.map.keys, out[6].source_offset.u.map.keys);  // only string keys are shared
  EXPECT_EQ(out[0].value_schema, out[1].value_schema);
  EXPECT_NE(out[1].value_schema, out[2].value_schema);
  sdk::AbiReader reader;
  for (std::size_t i = 0; i < in.size(); ++i) {
    SCOPED_TRACE(i);
    const sdk::SourceRecord back = reader.source_record(out[i]);
    EXPECT_EQ(back.topic, in[i].topic);
    EXPECT_EQ(back.source_offset, in[i].source_offset);
    EXPECT_EQ(back.source_partition, in[i].source_partition);
    EXPECT_EQ(back.value_schema, in[i].value_schema);
    EXPECT_EQ(back.value, in[i].value);
  }
}

TEST(ArenaTest, AMovedFromArenaIsEmptyAndCanBeUsedAgain) {
  sdk::Arena first;
  sluice_record a{};
  first.fill(a, sdk::SourceRecord{.source_offset = Value::string_map({{"position", Value::int64(1)}}),
                                  .topic = "t",
                                  .value_schema = Schema::string(),
                                  .value = Value::string("one")});
  sdk::Arena second = std::move(first);
  // `first` fills new blocks of its own: nothing it writes lands in (or points into) what `second` owns.
  sluice_record b{};
  first.fill(b, sdk::SourceRecord{.source_offset = Value::string_map({{"position", Value::int64(2)}}),
                                  .topic = "t",
                                  .value_schema = Schema::string(),
                                  .value = Value::string("two")});
  EXPECT_NE(a.topic, b.topic);
  EXPECT_NE(a.source_offset.u.map.keys, b.source_offset.u.map.keys);
  EXPECT_NE(a.value_schema, b.value_schema);
  sdk::Arena third;
  third = std::move(second);
  first = sdk::Arena();
  sdk::AbiReader reader;
  EXPECT_EQ(reader.source_record(a).value, Value::string("one"));
  EXPECT_EQ(reader.source_record(a).source_offset, Value::string_map({{"position", Value::int64(1)}}));
}

TEST(RecordConversionTest, SourceRecordRoundTrip) {
  sdk::SourceRecord r{
      .source_partition = Value::string_map({{"filename", Value::string("/x")}}),
      .source_offset = Value::string_map({{"position", Value::int64(12)}}),
      .topic = "t",
      .partition = 3,
      .key_schema = Schema::string(true),
      .key = Value::string("k"),
      .value_schema = Schema::string(),
      .value = Value::string("v"),
      .timestamp = 1700000000000,
  };
  r.headers.add("h1", Value::int32(5), Schema::int32()).add("h2", Value());

  sdk::Arena arena;
  sluice_record c{};
  arena.fill(c, r);
  EXPECT_EQ(c.struct_size, sizeof(sluice_record));
  EXPECT_STREQ(c.topic, "t");
  EXPECT_EQ(c.partition, 3);
  EXPECT_EQ(c.timestamp, 1700000000000);
  EXPECT_EQ(c.kafka_offset, SLUICE_NO_OFFSET);
  ASSERT_EQ(c.header_count, 2u);
  EXPECT_STREQ(c.headers[0].key, "h1");
  EXPECT_EQ(c.headers[1].schema, nullptr);
  EXPECT_EQ(c.source_partition.type, SLUICE_TYPE_MAP);

  sdk::AbiReader reader;
  sdk::SourceRecord back = reader.source_record(c);
  EXPECT_EQ(back.topic, r.topic);
  EXPECT_EQ(back.partition, r.partition);
  EXPECT_EQ(back.key_schema, r.key_schema);
  EXPECT_EQ(back.key, r.key);
  EXPECT_EQ(back.value_schema, r.value_schema);
  EXPECT_EQ(back.value, r.value);
  EXPECT_EQ(back.timestamp, r.timestamp);
  EXPECT_EQ(back.headers, r.headers);
  EXPECT_EQ(back.source_partition, r.source_partition);
  EXPECT_EQ(back.source_offset, r.source_offset);
}

TEST(RecordConversionTest, AbsentPartitionAndTimestampUseTheAbiSentinels) {
  sdk::SourceRecord r{.topic = "t", .value = Value::string("v")};
  sdk::Arena arena;
  sluice_record c{};
  arena.fill(c, r);
  EXPECT_EQ(c.partition, SLUICE_NO_PARTITION);
  EXPECT_EQ(c.timestamp, SLUICE_NO_TIMESTAMP);
  EXPECT_EQ(c.key_schema, nullptr);
  EXPECT_EQ(c.key.type, SLUICE_TYPE_NULL);
  EXPECT_EQ(c.source_offset.type, SLUICE_TYPE_NULL);
  sdk::AbiReader reader;
  sdk::SourceRecord back = reader.source_record(c);
  EXPECT_FALSE(back.partition.has_value());
  EXPECT_FALSE(back.timestamp.has_value());
}

TEST(RecordConversionTest, SinkRecordAndRecordRoundTrip) {
  sdk::SinkRecord s{.topic = "in",
                    .kafka_partition = 2,
                    .value_schema = Schema::int64(),
                    .value = Value::int64(9),
                    .kafka_offset = 41,
                    .timestamp = 5,
                    .timestamp_type = sdk::TimestampType::LogAppendTime};
  sdk::Arena arena;
  sluice_record c{};
  arena.fill(c, s);
  EXPECT_EQ(c.kafka_offset, 41);
  EXPECT_EQ(c.timestamp_type, SLUICE_TIMESTAMP_LOG_APPEND_TIME);
  sdk::AbiReader reader;
  sdk::SinkRecord back = reader.sink_record(c);
  EXPECT_EQ(back.topic, "in");
  EXPECT_EQ(back.kafka_partition, 2);
  EXPECT_EQ(back.kafka_offset, 41);
  EXPECT_EQ(back.value, Value::int64(9));
  EXPECT_EQ(back.timestamp_type, sdk::TimestampType::LogAppendTime);

  sdk::Record any = reader.record(c);
  EXPECT_EQ(any.kafka_offset, 41);
  EXPECT_EQ(any.partition, 2);
  sluice_record c2{};
  arena.fill(c2, any);
  EXPECT_EQ(c2.kafka_offset, 41);
  EXPECT_EQ(c2.timestamp, 5);
}

TEST(ConfigConversionTest, NullValuesAreDropped) {
  sluice_string_pair entries[] = {{"a", "1"}, {"b", nullptr}, {"c", ""}};
  sluice_config c{entries, 3};
  sdk::ConfigMap m = sdk::AbiReader::config(&c);
  EXPECT_EQ(m, (sdk::ConfigMap{{"a", "1"}, {"c", ""}}));
  EXPECT_TRUE(sdk::AbiReader::config(nullptr).empty());

  sdk::Arena arena;
  sluice_config back = arena.config(m);
  ASSERT_EQ(back.count, 2u);
  EXPECT_STREQ(back.entries[0].key, "a");
  EXPECT_STREQ(back.entries[1].value, "");
}

TEST(AbiReaderTest, RejectsMalformedInput) {
  sdk::Arena arena;
  Schema s = address_schema();
  sluice_value v = arena.value(Value::structure(sdk::Struct(s)));
  v.u.strct.count = 0;
  sdk::AbiReader reader;
  try {
    reader.value(v);
    FAIL();
  } catch (const sdk::DataError& e) {
    EXPECT_STREQ(e.what(), "The host passed a struct with 0 values for a schema with 1 fields");
  }
  sluice_value bad{};
  bad.type = 99;
  try {
    reader.value(bad);
    FAIL();
  } catch (const sdk::DataError& e) {
    EXPECT_STREQ(e.what(), "The host passed a value with unknown type 99");
  }
  sluice_value small{};
  small.type = SLUICE_TYPE_INT8;
  small.u.i64 = 300;
  try {
    reader.value(small);
    FAIL();
  } catch (const sdk::DataError& e) {
    EXPECT_STREQ(e.what(), "The host passed an integer 300 out of range for its type");
  }
}

}  // namespace
