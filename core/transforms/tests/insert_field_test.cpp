#include "core/transforms/chain.hpp"
#include "core/transforms/transforms.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

namespace sluice::transforms {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test builders

const config::RawConfig kAllFields = cfg({{"topic.field", "topic_field!"},
                                          {"partition.field", "partition_field"},
                                          {"timestamp.field", "timestamp_field?"},
                                          {"static.field", "instance_id"},
                                          {"static.value", "my-instance-id"}});

std::unique_ptr<api::Transformation> insert(Side side, const config::RawConfig& config = kAllFields) {
  auto t = make_insert_field(side);
  t->configure(config);
  return t;
}

TEST(InsertFieldTest, TopLevelStructRequired) {
  auto r = value_record(Schema::int32(), Value::int32(42));
  expect_error<DataError>(
      [&] {
        insert(Side::Value, cfg({{"topic.field", "topic_field"}}))->apply(r);
      },
      "Only Struct objects supported for [field insertion], found: java.lang.Integer");
  auto schemaless = value_record(nullptr, Value::int32(42));
  expect_error<DataError>(
      [&] {
        insert(Side::Value, cfg({{"topic.field", "topic_field"}}))->apply(schemaless);
      },
      "Only Map objects supported in absence of schema for [field insertion], found: "
      "java.lang.Integer");
}

TEST(InsertFieldTest, CopiesSchemaAndInsertsConfiguredFields) {
  auto schema = SchemaBuilder::structure()
                    .name("name")
                    .version(1)
                    .doc("doc")
                    .field("magic", Schema::optional_int64())
                    .build();
  Struct v(schema);
  v.put("magic", Value::int64(42));
  auto r = value_record(schema, Value::structure(v), "test");
  r.timestamp = 789;
  ASSERT_TRUE(insert(Side::Value)->apply(r));
  const auto& s = r.value_schema;
  EXPECT_EQ(s->name(), std::optional<std::string>("name"));
  EXPECT_EQ(s->version(), std::optional<std::int32_t>(1));
  EXPECT_EQ(s->doc(), std::optional<std::string>("doc"));
  EXPECT_EQ(*s->field("magic")->schema, *Schema::optional_int64());
  EXPECT_EQ(*s->field("topic_field")->schema, *Schema::string());
  EXPECT_EQ(*s->field("partition_field")->schema, *Schema::optional_int32());
  EXPECT_EQ(*s->field("timestamp_field")->schema, *data::logical::timestamp_builder().optional().build());
  EXPECT_EQ(*s->field("instance_id")->schema, *Schema::optional_string());
  const Struct& out = r.value.as_struct();
  EXPECT_EQ(out.get("magic"), Value::int64(42));
  EXPECT_EQ(out.get("topic_field"), Value::string("test"));
  EXPECT_EQ(out.get("partition_field"), Value::int32(0));
  EXPECT_EQ(out.get("timestamp_field"), Value::int64(789));
  EXPECT_EQ(out.get("instance_id"), Value::string("my-instance-id"));
}

TEST(InsertFieldTest, SchemalessInsertsConfiguredFields) {
  auto r = value_record(nullptr, map_of({{"magic", Value::int64(42)}}), "test");
  r.timestamp = 123;
  ASSERT_TRUE(insert(Side::Value)->apply(r));
  EXPECT_EQ(entry(r.value, "magic"), Value::int64(42));
  EXPECT_EQ(entry(r.value, "topic_field"), Value::string("test"));
  EXPECT_EQ(entry(r.value, "partition_field"), Value::int32(0));
  EXPECT_EQ(entry(r.value, "timestamp_field"), Value::int64(123));
  EXPECT_EQ(entry(r.value, "instance_id"), Value::string("my-instance-id"));
}

TEST(InsertFieldTest, TombstonesAndNullKeysAreLeftAlone) {
  auto schemaless = value_record(nullptr, Value(), "test");
  ASSERT_TRUE(insert(Side::Value)->apply(schemaless));
  EXPECT_TRUE(schemaless.value.is_null());
  EXPECT_EQ(schemaless.value_schema, nullptr);

  auto schema = SchemaBuilder::structure().name("name").field("magic", Schema::optional_int64()).build();
  auto with_schema = value_record(schema, Value(), "test");
  ASSERT_TRUE(insert(Side::Value)->apply(with_schema));
  EXPECT_TRUE(with_schema.value.is_null());
  EXPECT_EQ(with_schema.value_schema, schema);

  // The key transformation still works on a record whose value is a tombstone.
  auto key = key_record(nullptr, map_of({{"magic", Value::int64(42)}}), "test");
  ASSERT_TRUE(insert(Side::Key)->apply(key));
  EXPECT_EQ(entry(key.key, "topic_field"), Value::string("test"));
  EXPECT_FALSE(has_entry(key.key, "timestamp_field"));
  EXPECT_TRUE(key.value.is_null());

  auto null_key = value_record(nullptr, map_of({{"magic", Value::int64(42)}}), "test");
  ASSERT_TRUE(insert(Side::Key)->apply(null_key));
  EXPECT_TRUE(null_key.key.is_null());
}

TEST(InsertFieldTest, MissingPartitionAndTimestampStayUnset) {
  auto schema = SchemaBuilder::structure().field("magic", Schema::int32()).build();
  Struct v(schema);
  v.put("magic", Value::int32(1));
  auto r = value_record(schema, Value::structure(v));
  r.partition.reset();
  ASSERT_TRUE(insert(Side::Value)->apply(r));
  EXPECT_TRUE(r.value.as_struct().get("partition_field").is_null());
  EXPECT_TRUE(r.value.as_struct().get("timestamp_field").is_null());
}

TEST(InsertFieldTest, OffsetNeedsASinkRecord) {
  const auto config = cfg({{"offset.field", "offset!"}});
  auto source = value_record(nullptr, map_of({}));
  expect_error<DataError>([&] { insert(Side::Value, config)->apply(source); },
                          "Only SinkRecord supported for [field insertion], found: "
                          "org.apache.kafka.connect.source.SourceRecord");

  data::SinkRecord sink;
  sink.topic = "t";
  sink.kafka_offset = 1234;
  sink.value_schema = SchemaBuilder::structure().field("a", Schema::int32()).build();
  Struct v(sink.value_schema);
  v.put("a", Value::int32(1));
  sink.value = Value::structure(v);
  std::vector<TransformationStep> steps;
  steps.push_back(TransformationStep{"insert", insert(Side::Value, config), nullptr, false, ""});
  TransformationChain chain(std::move(steps));
  ASSERT_TRUE(chain.apply(sink));
  EXPECT_EQ(*sink.value_schema->field("offset")->schema, *Schema::int64());
  EXPECT_EQ(sink.value.as_struct().get("offset"), Value::int64(1234));

  data::SinkRecord schemaless;
  schemaless.kafka_offset = 7;
  schemaless.value = map_of({});
  {
    const SinkRecordScope scope(schemaless);
    ASSERT_TRUE(insert(Side::Value, config)->apply(schemaless));
  }
  EXPECT_EQ(entry(schemaless.value, "offset"), Value::int64(7));
}

TEST(InsertFieldTest, ReplaceNullWithDefault) {
  auto schema = SchemaBuilder::structure()
                    .field("a", SchemaBuilder::int32().optional().default_value(Value::int32(3)).build())
                    .build();
  auto keep = value_record(schema, Value::structure(Struct(schema)));
  ASSERT_TRUE(
      insert(Side::Value, cfg({{"topic.field", "t"}, {"replace.null.with.default", "false"}}))->apply(keep));
  EXPECT_TRUE(keep.value.as_struct().values()[0].is_null());
  auto fill = value_record(schema, Value::structure(Struct(schema)));
  ASSERT_TRUE(insert(Side::Value, cfg({{"topic.field", "t"}}))->apply(fill));
  EXPECT_EQ(fill.value.as_struct().values()[0], Value::int32(3));
}

}  // namespace
}  // namespace sluice::transforms
