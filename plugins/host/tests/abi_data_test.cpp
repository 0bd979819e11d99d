// Core data -> ABI C structures -> core data must give back equal schemas and values, for every type.

#include "plugins/host/abi_data.hpp"

#include "core/common/errors.hpp"
#include "core/data/logical.hpp"
#include "core/data/schema.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace sluice::host {
namespace {

using data::Schema;
using data::SchemaBuilder;
using data::Value;

TEST(HostAbiData, PrimitivesRoundTrip) {
  const std::vector<Value> values = {
      Value(),
      Value::boolean(true),
      Value::int8(-128),
      Value::int16(32767),
      Value::int32(std::numeric_limits<std::int32_t>::min()),
      Value::int64(std::numeric_limits<std::int64_t>::max()),
      Value::float32(1.5f),
      Value::float64(-2.25e300),
      Value::string("text with \0 inside"),
      Value::string(std::string("nul\0inside", 10)),
      Value::bytes(std::string("\x00\xff\x10", 3)),
      Value::string(""),
  };
  for (const auto& v : values) {
    AbiArena arena;
    const sluice_value abi = arena.value(v);
    AbiImporter importer;
    EXPECT_EQ(importer.value(abi), v) << data::kind_name(v.kind());
  }
}

TEST(HostAbiData, NestedSchemasAndValuesRoundTrip) {
  const auto decimal = data::logical::decimal_schema(2);
  const auto address = SchemaBuilder::structure()
                           .name("org.example.Address")
                           .field("street", Schema::string())
                           .field("zip", Schema::optional_int32())
                           .optional()
                           .build();
  const auto schema =
      SchemaBuilder::structure()
          .name("org.example.Person")
          .version(3)
          .doc("a person")
          .parameter("p1", "v1")
          .parameter("p0", "v0")
          .field("name", Schema::string())
          .field("price", decimal)
          .field("born", data::logical::date_schema())
          .field("tags", SchemaBuilder::array(Schema::string()).build())
          .field("scores", SchemaBuilder::map(Schema::string(), Schema::float64()).build())
          .field("address", address)
          .field("nickname", SchemaBuilder::string().optional().default_value(Value::string("none")).build())
          .build();
  data::Struct home(address);
  home.put("street", Value::string("Main St"));
  data::Struct person(schema);
  person.put("name", Value::string("Ada"));
  person.put("price", Value::bytes(data::logical::decimal_from_int64(12345)));
  person.put("born", Value::int32(-3));
  person.put("tags", Value::array({Value::string("a"), Value::string("b")}));
  person.put("scores", Value::map({{Value::string("x"), Value::float64(1.0)},
                                   {Value::string("y"), Value::float64(2.5)}}));
  person.put("address", Value::structure(home));
  const Value value = Value::structure(person);

  AbiArena arena;
  const sluice_schema* abi_schema = arena.schema(schema);
  const sluice_value abi_value = arena.value(value);
  EXPECT_EQ(abi_schema->field_count, 7u);
  EXPECT_STREQ(abi_schema->fields[1].schema->name, "org.apache.kafka.connect.data.Decimal");
  // Field defaults are applied on the way out, as Kafka's Struct.get does.
  EXPECT_EQ(abi_value.u.strct.fields[6].type, SLUICE_TYPE_STRING);
  // One schema object is converted once per arena.
  EXPECT_EQ(arena.schema(schema), abi_schema);
  EXPECT_EQ(abi_value.u.strct.schema, abi_schema);

  AbiImporter importer;
  const auto back_schema = importer.schema(abi_schema);
  ASSERT_NE(back_schema, nullptr);
  EXPECT_EQ(*back_schema, *schema);
  EXPECT_EQ(back_schema->parameters(), schema->parameters());
  data::Struct expected = person;
  expected.put("nickname", Value::string("none"));
  EXPECT_EQ(importer.value(abi_value), Value::structure(expected));
  EXPECT_EQ(importer.schema(abi_schema), back_schema);
}

TEST(HostAbiData, SourceRecordsOfOnePartitionShareItsImportedValue) {
  AbiArena arena;
  const auto abi_source = [&](const Value& partition) {
    data::ConnectRecord record;
    record.topic = "t";
    sluice_record abi{};
    arena.fill_record(record, abi);
    abi.source_partition = arena.value(partition);
    abi.source_offset = arena.value(Value::int64(1));
    return abi;
  };
  const auto file = [](Value v) { return Value::map({{Value::string("file"), std::move(v)}}); };
  AbiImporter importer;
  data::SourceRecord a, b, c, d, e;
  importer.fill_source_record(abi_source(file(Value::string("x"))), a);
  importer.fill_source_record(abi_source(file(Value::string("x"))), b);  // equal content, other memory
  EXPECT_EQ(a.source_partition, file(Value::string("x")));
  EXPECT_TRUE(a.source_partition.same(b.source_partition));
  // Not shared as soon as anything differs, the integer width included: each keeps its exact value.
  importer.fill_source_record(abi_source(file(Value::int32(1))), c);
  importer.fill_source_record(abi_source(file(Value::int64(1))), d);
  EXPECT_FALSE(c.source_partition.same(d.source_partition));
  EXPECT_EQ(c.source_partition, file(Value::int32(1)));
  EXPECT_EQ(d.source_partition, file(Value::int64(1)));
  importer.fill_source_record(abi_source(Value()), e);
  EXPECT_TRUE(e.source_partition.is_null());
  EXPECT_EQ(b.source_partition, file(Value::string("x"))) << "earlier records keep their partition";
}

TEST(HostAbiData, SourceRecordsWithoutHeadersAndWithTextOrBytesAreSeenInPlace) {
  AbiArena arena;
  data::ConnectRecord record;
  record.topic = "orders";
  record.partition = 3;
  record.key = Value::bytes(std::string("k\0y", 3));
  record.value_schema = data::Schema::string();
  record.value = Value::string("line one");
  record.timestamp = 1700000000123;
  sluice_record abi{};
  arena.fill_record(record, abi);
  AbiImporter importer;
  api::RawSourceRecord raw;
  ASSERT_TRUE(importer.view_source_record(abi, raw));
  EXPECT_EQ(raw.topic, "orders");
  EXPECT_EQ(raw.partition, 3);
  EXPECT_EQ(raw.key.kind, Value::Kind::Bytes);
  EXPECT_EQ(raw.key.bytes, std::string_view("k\0y", 3));
  EXPECT_EQ(raw.key.schema_type, std::nullopt);
  EXPECT_EQ(raw.value.kind, Value::Kind::String);
  EXPECT_EQ(raw.value.bytes, "line one");
  EXPECT_EQ(raw.value.bytes.data(), abi.value.u.bytes.data) << "seen in place, not copied";
  EXPECT_EQ(raw.value.schema_type, data::Type::String);
  EXPECT_EQ(raw.timestamp, 1700000000123);

  // A null value, no partition, no timestamp.
  record.partition.reset();
  record.value = Value();
  record.timestamp.reset();
  arena.fill_record(record, abi);
  ASSERT_TRUE(importer.view_source_record(abi, raw));
  EXPECT_EQ(raw.value.kind, Value::Kind::Null);
  EXPECT_EQ(raw.partition, std::nullopt);
  EXPECT_EQ(raw.timestamp, std::nullopt);

  // Other shapes are imported instead: headers, or a key or value of another kind.
  record.value = Value::int32(7);
  record.value_schema = nullptr;
  arena.fill_record(record, abi);
  EXPECT_FALSE(importer.view_source_record(abi, raw));
  record.value = Value::string("x");
  record.headers.add(data::Header{"h", nullptr, Value::string("v")});
  arena.fill_record(record, abi);
  EXPECT_FALSE(importer.view_source_record(abi, raw));

  // What the view reads is checked as the import checks it.
  record.headers = data::Headers();
  arena.fill_record(record, abi);
  sluice_record bad = abi;
  bad.topic = nullptr;
  EXPECT_THROW(importer.view_source_record(bad, raw), DataError);
  bad = abi;
  bad.value.u.bytes.data = nullptr;
  bad.value.u.bytes.size = 4;
  EXPECT_THROW(importer.view_source_record(bad, raw), DataError);
}

TEST(HostAbiData, SinkRecordsCarryKafkaCoordinatesAndHeaders) {
  data::SinkRecord record;
  record.topic = "t";
  record.partition = 4;
  record.key = Value::string("k");
  record.value_schema = Schema::int64();
  record.value = Value::int64(9);
  record.timestamp = 77;
  record.timestamp_type = data::TimestampType::CreateTime;
  record.kafka_offset = 123;
  record.headers.add("a", Schema::string(), Value::string("1"));
  record.headers.add("a", nullptr, Value());
  AbiArena arena;
  sluice_record abi{};
  arena.fill_sink_record(record, abi);
  EXPECT_EQ(abi.struct_size, sizeof(sluice_record));
  EXPECT_STREQ(abi.topic, "t");
  EXPECT_EQ(abi.partition, 4);
  EXPECT_EQ(abi.key_schema, nullptr);
  EXPECT_EQ(abi.timestamp_type, SLUICE_TIMESTAMP_CREATE_TIME);
  EXPECT_EQ(abi.kafka_offset, 123);
  EXPECT_EQ(abi.header_count, 2u);
  EXPECT_EQ(abi.source_offset.type, SLUICE_TYPE_NULL);

  AbiImporter importer;
  const auto back = importer.sink_record(abi);
  EXPECT_EQ(back.topic, "t");
  EXPECT_EQ(back.partition, 4);
  EXPECT_EQ(back.key, Value::string("k"));
  EXPECT_EQ(*back.value_schema, *Schema::int64());
  EXPECT_EQ(back.value, Value::int64(9));
  EXPECT_EQ(back.timestamp, 77);
  EXPECT_EQ(back.timestamp_type, data::TimestampType::CreateTime);
  EXPECT_EQ(back.kafka_offset, 123);
  EXPECT_EQ(back.headers, record.headers);

  data::ConnectRecord no_partition;
  no_partition.topic = "u";
  arena.fill_record(no_partition, abi);
  EXPECT_EQ(abi.partition, SLUICE_NO_PARTITION);
  EXPECT_EQ(abi.timestamp, SLUICE_NO_TIMESTAMP);
  data::ConnectRecord out;
  importer.fill_record(abi, out);
  EXPECT_EQ(out.partition, std::nullopt);
  EXPECT_EQ(out.timestamp, std::nullopt);
}

TEST(HostAbiData, MalformedPluginDataIsADataError) {
  AbiImporter importer;
  sluice_value v{};
  v.type = 99;
  try {
    importer.value(v);
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(), "A plugin passed a value of unknown type 99");
  }
  v.type = SLUICE_TYPE_STRUCT;
  EXPECT_THROW(importer.value(v), DataError);
  sluice_schema array{};
  array.struct_size = sizeof array;
  array.type = SLUICE_TYPE_ARRAY;
  try {
    importer.schema(&array);
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(), "A plugin passed a array schema without its value schema");
  }
  // A schema that contains itself is cut off instead of recursing forever.
  sluice_schema loop{};
  loop.struct_size = sizeof loop;
  loop.type = SLUICE_TYPE_ARRAY;
  loop.value_schema = &loop;
  EXPECT_THROW(importer.schema(&loop), DataError);
}

TEST(HostAbiData, ConfigsBothWays) {
  // The C structures borrow the strings: the config outlives them.
  const config::RawConfig raw{{"a", "1"}, {"b", std::nullopt}};
  AbiArena arena;
  const sluice_config c = arena.config(raw);
  ASSERT_EQ(c.count, 2u);
  EXPECT_STREQ(c.entries[0].key, "a");
  EXPECT_STREQ(c.entries[0].value, "1");
  EXPECT_EQ(c.entries[1].value, nullptr);
  EXPECT_EQ(to_string_map(c), (api::StringMap{{"a", "1"}}));
}

}  // namespace
}  // namespace sluice::host
