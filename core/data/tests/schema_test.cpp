#include "core/common/errors.hpp"
#include "core/data/logical.hpp"
#include "core/data/schema.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::data {
namespace {

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "<no DataError>";
}

TEST(SchemaTest, TypeNamesMatchKafka) {
  struct Row {
    Type type;
    const char* json;
    const char* upper;
    Value::Kind kind;
  };
  const Row rows[] = {
      {Type::Boolean, "boolean", "BOOLEAN", Value::Kind::Boolean},
      {Type::Int8, "int8", "INT8", Value::Kind::Int8},
      {Type::Int16, "int16", "INT16", Value::Kind::Int16},
      {Type::Int32, "int32", "INT32", Value::Kind::Int32},
      {Type::Int64, "int64", "INT64", Value::Kind::Int64},
      {Type::Float32, "float", "FLOAT32", Value::Kind::Float32},
      {Type::Float64, "double", "FLOAT64", Value::Kind::Float64},
      {Type::String, "string", "STRING", Value::Kind::String},
      {Type::Bytes, "bytes", "BYTES", Value::Kind::Bytes},
      {Type::Array, "array", "ARRAY", Value::Kind::Array},
      {Type::Map, "map", "MAP", Value::Kind::Map},
      {Type::Struct, "struct", "STRUCT", Value::Kind::Struct},
  };
  for (const Row& row : rows) {
    EXPECT_STREQ(type_name(row.type), row.json);
    EXPECT_STREQ(type_upper_name(row.type), row.upper);
    EXPECT_EQ(parse_type_name(row.json), row.type);
    EXPECT_EQ(value_kind_for(row.type), row.kind);
  }
  EXPECT_EQ(parse_type_name("float32"), std::nullopt);
  EXPECT_EQ(parse_type_name("INT8"), std::nullopt);
}

TEST(SchemaTest, PredefinedSchemas) {
  EXPECT_EQ(Schema::int8()->type(), Type::Int8);
  EXPECT_FALSE(Schema::int8()->optional());
  EXPECT_TRUE(Schema::optional_string()->optional());
  EXPECT_EQ(Schema::optional_string()->type(), Type::String);
  EXPECT_EQ(Schema::boolean()->type(), Type::Boolean);
  EXPECT_EQ(Schema::int16()->type(), Type::Int16);
  EXPECT_EQ(Schema::int32()->type(), Type::Int32);
  EXPECT_EQ(Schema::int64()->type(), Type::Int64);
  EXPECT_EQ(Schema::float32()->type(), Type::Float32);
  EXPECT_EQ(Schema::float64()->type(), Type::Float64);
  EXPECT_EQ(Schema::string()->type(), Type::String);
  EXPECT_EQ(Schema::bytes()->type(), Type::Bytes);
  EXPECT_TRUE(Schema::optional_boolean()->optional());
  EXPECT_TRUE(Schema::optional_int8()->optional());
  EXPECT_TRUE(Schema::optional_int16()->optional());
  EXPECT_TRUE(Schema::optional_int32()->optional());
  EXPECT_TRUE(Schema::optional_int64()->optional());
  EXPECT_TRUE(Schema::optional_float32()->optional());
  EXPECT_TRUE(Schema::optional_float64()->optional());
  EXPECT_TRUE(Schema::optional_bytes()->optional());
  // Same object on every call, and equal to a freshly built one.
  EXPECT_EQ(Schema::int32().get(), Schema::int32().get());
  EXPECT_EQ(*Schema::int32(), *SchemaBuilder::int32().build());
  EXPECT_FALSE(*Schema::int32() == *Schema::optional_int32());
  EXPECT_FALSE(Schema::int32()->name().has_value());
  EXPECT_FALSE(Schema::int32()->default_value().has_value());
}

TEST(SchemaTest, BuilderSetsEveryProperty) {
  auto schema = SchemaBuilder::int32()
                    .optional()
                    .name("com.example.Count")
                    .version(3)
                    .doc("a count")
                    .parameter("b", "2")
                    .parameter("a", "1")
                    .default_value(Value::int32(42))
                    .build();
  EXPECT_EQ(schema->type(), Type::Int32);
  EXPECT_TRUE(schema->optional());
  EXPECT_EQ(schema->name(), "com.example.Count");
  EXPECT_EQ(schema->version(), 3);
  EXPECT_EQ(schema->doc(), "a count");
  ASSERT_EQ(schema->parameters().size(), 2U);
  EXPECT_EQ(schema->parameters()[0].first, "b");  // insertion order kept
  EXPECT_EQ(*schema->parameter("a"), "1");
  EXPECT_EQ(schema->parameter("zzz"), nullptr);
  EXPECT_EQ(*schema->default_value(), Value::int32(42));
}

TEST(SchemaTest, BuilderParameterTwiceReplacesValueInPlace) {
  auto schema = SchemaBuilder::string().parameter("a", "1").parameter("b", "2").parameter("a", "3").build();
  ASSERT_EQ(schema->parameters().size(), 2U);
  EXPECT_EQ(schema->parameters()[0], (std::pair<std::string, std::string>("a", "3")));
}

TEST(SchemaTest, BuilderRejectsSettingAPropertyTwice) {
  EXPECT_EQ(error_of([] { SchemaBuilder::int32().name("a").name("b"); }),
            "Invalid SchemaBuilder call: name has already been set.");
  EXPECT_EQ(error_of([] { SchemaBuilder::int32().version(1).version(2); }),
            "Invalid SchemaBuilder call: version has already been set.");
  EXPECT_EQ(error_of([] { SchemaBuilder::int32().doc("a").doc("b"); }),
            "Invalid SchemaBuilder call: doc has already been set.");
  EXPECT_EQ(error_of([] { SchemaBuilder::int32().optional().required(); }),
            "Invalid SchemaBuilder call: optional has already been set.");
  EXPECT_EQ(error_of([] { SchemaBuilder::int32().required().optional(); }),
            "Invalid SchemaBuilder call: optional has already been set.");
  EXPECT_EQ(
      error_of([] { SchemaBuilder::int32().default_value(Value::int32(1)).default_value(Value::int32(2)); }),
      "Invalid SchemaBuilder call: default has already been set.");
  // Setting the same value again is allowed, as with Kafka's checkCanSet.
  EXPECT_NO_THROW(SchemaBuilder::int32().optional().optional().name("a").name("a"));
}

TEST(SchemaTest, BuilderErrorsAreSchemaBuilderErrors) {
  try {
    SchemaBuilder::int32().name("a").name("b");
    FAIL() << "expected SchemaBuilderError";
  } catch (const SchemaBuilderError& e) {
    EXPECT_STREQ(e.java_class(), "org.apache.kafka.connect.errors.SchemaBuilderException");
  }
}

TEST(SchemaTest, BuilderFieldRules) {
  EXPECT_EQ(error_of([] { SchemaBuilder::int32().field("f", Schema::int32()); }),
            "Cannot create fields on type INT32");
  EXPECT_EQ(
      error_of([] { SchemaBuilder::structure().field("f", Schema::int32()).field("f", Schema::string()); }),
      "Cannot create field because of field name duplication f");
  EXPECT_EQ(error_of([] { SchemaBuilder::structure().field("", Schema::int32()); }),
            "fieldName cannot be null or empty.");
  EXPECT_EQ(error_of([] { SchemaBuilder::structure().field("f", nullptr); }),
            "fieldSchema for field f cannot be null.");
  EXPECT_EQ(error_of([] { SchemaBuilder::array(nullptr); }), "valueSchema cannot be null.");
  EXPECT_EQ(error_of([] { SchemaBuilder::map(nullptr, Schema::int32()); }), "keySchema cannot be null.");
  EXPECT_EQ(error_of([] { SchemaBuilder::map(Schema::int32(), nullptr); }), "valueSchema cannot be null.");
}

TEST(SchemaTest, BuilderDefaultMustValidate) {
  EXPECT_EQ(error_of([] { SchemaBuilder::int32().default_value(Value::string("x")); }),
            "Invalid default value: Invalid value for schema with type INT32: found STRING for value");
  EXPECT_EQ(error_of([] { SchemaBuilder::int32().default_value(Value()); }),
            "Invalid default value: Invalid value: null used for required value, schema type: INT32");
  // A null default on an optional schema means "no default".
  auto schema = SchemaBuilder::int32().optional().default_value(Value()).build();
  EXPECT_FALSE(schema->default_value().has_value());
}

TEST(SchemaTest, StructFieldsAndLookups) {
  auto schema = SchemaBuilder::structure()
                    .name("com.example.Person")
                    .field("name", Schema::string())
                    .field("age", Schema::optional_int32())
                    .build();
  ASSERT_EQ(schema->fields().size(), 2U);
  EXPECT_EQ(schema->fields()[1].name, "age");
  EXPECT_EQ(schema->fields()[1].index, 1U);
  EXPECT_EQ(schema->field("name")->index, 0U);
  EXPECT_EQ(schema->field("missing"), nullptr);
  EXPECT_EQ(error_of([] { (void)Schema::int32()->fields(); }), "Cannot list fields on non-struct type");
  EXPECT_EQ(error_of([] { (void)Schema::int32()->field("x"); }), "Cannot look up fields on non-struct type");
  EXPECT_EQ(error_of([] { (void)Schema::int32()->key_schema(); }),
            "Cannot look up key schema on non-map type");
  EXPECT_EQ(error_of([] { (void)Schema::int32()->value_schema(); }),
            "Cannot look up value schema on non-array and non-map type");
  auto map = SchemaBuilder::map(Schema::string(), Schema::int64()).build();
  EXPECT_EQ(map->key_schema()->type(), Type::String);
  EXPECT_EQ(map->value_schema()->type(), Type::Int64);
  auto array = SchemaBuilder::array(Schema::float64()).build();
  EXPECT_EQ(array->value_schema()->type(), Type::Float64);
}

TEST(SchemaTest, DeepEquality) {
  auto make = [](const char* doc) {
    return SchemaBuilder::structure()
        .field("a", SchemaBuilder::array(Schema::int32()).build())
        .field("m", SchemaBuilder::map(Schema::string(), SchemaBuilder::string().doc(doc).build()).build())
        .build();
  };
  EXPECT_EQ(*make("x"), *make("x"));
  EXPECT_FALSE(*make("x") == *make("y"));
  // Parameter order does not matter (Kafka compares LinkedHashMaps with Map.equals).
  EXPECT_EQ(*SchemaBuilder::bytes().parameter("a", "1").parameter("b", "2").build(),
            *SchemaBuilder::bytes().parameter("b", "2").parameter("a", "1").build());
  EXPECT_FALSE(*SchemaBuilder::int32().default_value(Value::int32(1)).build() ==
               *SchemaBuilder::int32().default_value(Value::int32(2)).build());
  EXPECT_FALSE(*SchemaBuilder::int32().version(1).build() == *SchemaBuilder::int32().build());
}

TEST(StructTest, PutGetAndDefaults) {
  auto schema = SchemaBuilder::structure()
                    .field("name", Schema::string())
                    .field("age", SchemaBuilder::int32().default_value(Value::int32(18)).build())
                    .field("nick", Schema::optional_string())
                    .build();
  Struct s(schema);
  s.put("name", Value::string("Ann"));
  EXPECT_EQ(s.get("name"), Value::string("Ann"));
  EXPECT_EQ(s.get("age"), Value::int32(18));  // default when unset
  EXPECT_TRUE(s.get("nick").is_null());
  EXPECT_TRUE(s.values()[1].is_null());  // raw value stays unset
  EXPECT_EQ(s.get(std::size_t{0}), Value::string("Ann"));
  s.put("age", Value::int32(30));
  EXPECT_EQ(s.get("age"), Value::int32(30));
  EXPECT_NO_THROW(s.validate());
}

TEST(StructTest, ErrorsNameTheField) {
  auto schema = SchemaBuilder::structure()
                    .field("name", Schema::string())
                    .field("tags", SchemaBuilder::array(Schema::string()).build())
                    .build();
  Struct s(schema);
  EXPECT_EQ(error_of([&] { s.put("nope", Value::int32(1)); }), "nope is not a valid field name");
  EXPECT_EQ(error_of([&] { (void)s.get("nope"); }), "nope is not a valid field name");
  EXPECT_EQ(error_of([&] { s.put("name", Value::int32(1)); }),
            "Invalid value for schema with type STRING: found INT32 for field: \"name\"");
  EXPECT_EQ(error_of([&] {
              s.put("tags", Value::array({Value::string("a"), Value::int8(1)}));
            }),
            "Invalid value for schema with type STRING: found INT8 for element of array field: \"tags\"");
  EXPECT_EQ(error_of([&] { s.put("name", Value()); }),
            "Invalid value: null used for required field: \"name\", schema type: STRING");
  EXPECT_EQ(error_of([&] { s.validate(); }),
            "Invalid value: null used for required field: \"name\", schema type: STRING");
  EXPECT_EQ(error_of([] { Struct bad(Schema::int32()); }), "Not a struct schema: Schema{INT32}");
  EXPECT_EQ(error_of([] { Struct bad(logical::date_schema()); }),
            "Not a struct schema: Schema{org.apache.kafka.connect.data.Date:INT32}");
}

TEST(StructTest, PutByFieldAndTake) {
  auto schema = SchemaBuilder::structure()
                    .field("name", Schema::string())
                    .field("age", SchemaBuilder::int32().default_value(Value::int32(18)).build())
                    .build();
  auto other = SchemaBuilder::structure().field("age", Schema::int32()).build();
  Struct s(schema);
  const Field& name = schema->fields()[0];
  s.put(name, Value::string("a name longer than the small-string buffer"));
  EXPECT_EQ(s.get("name"), Value::string("a name longer than the small-string buffer"));
  EXPECT_EQ(error_of([&] { s.put(name, Value::int32(1)); }),
            "Invalid value for schema with type STRING: found INT32 for field: \"name\"");
  // A field of another schema is refused unless it is this schema's field at that index.
  EXPECT_EQ(error_of([&] { s.put(other->fields()[0], Value::int32(1)); }), "age is not a valid field name");
  EXPECT_EQ(error_of([&] {
              s.put(Field{"age", 7, Schema::int32()}, Value::int32(1));
            }),
            "age is not a valid field name");
  s.put(Field{"age", 1, Schema::int32()}, Value::int32(40));  // validated against this schema's field
  EXPECT_EQ(s.get("age"), Value::int32(40));

  EXPECT_EQ(s.take(0), Value::string("a name longer than the small-string buffer"));
  EXPECT_TRUE(s.values()[0].is_null());
  EXPECT_EQ(s.take(1), Value::int32(40));
  EXPECT_EQ(s.get("age"), Value::int32(18));  // back to the default
  EXPECT_TRUE(s.take(1).is_null());
  EXPECT_EQ(error_of([&] { s.take(2); }), "Field index 2 is out of range for a struct with 2 fields");
}

TEST(StructTest, EqualityComparesSchemaAndValues) {
  auto schema = SchemaBuilder::structure().field("a", Schema::int32()).build();
  auto same = SchemaBuilder::structure().field("a", Schema::int32()).build();
  auto other = SchemaBuilder::structure().field("b", Schema::int32()).build();
  EXPECT_EQ(Struct(schema).put("a", Value::int32(1)), Struct(same).put("a", Value::int32(1)));
  EXPECT_FALSE(Struct(schema).put("a", Value::int32(1)) == Struct(same).put("a", Value::int32(2)));
  EXPECT_FALSE(Struct(schema).put("a", Value::int32(1)) == Struct(other).put("b", Value::int32(1)));
}

TEST(ValidateValueTest, KindMustMatchForEveryType) {
  EXPECT_NO_THROW(validate_value(Schema::boolean(), Value::boolean(true)));
  EXPECT_NO_THROW(validate_value(Schema::int8(), Value::int8(1)));
  EXPECT_NO_THROW(validate_value(Schema::int16(), Value::int16(1)));
  EXPECT_NO_THROW(validate_value(Schema::int32(), Value::int32(1)));
  EXPECT_NO_THROW(validate_value(Schema::int64(), Value::int64(1)));
  EXPECT_NO_THROW(validate_value(Schema::float32(), Value::float32(1)));
  EXPECT_NO_THROW(validate_value(Schema::float64(), Value::float64(1)));
  EXPECT_NO_THROW(validate_value(Schema::string(), Value::string("")));
  EXPECT_NO_THROW(validate_value(Schema::bytes(), Value::bytes("")));
  EXPECT_NO_THROW(validate_value(logical::decimal_schema(2), Value::bytes(logical::decimal_from_int64(5))));
  EXPECT_NO_THROW(validate_value(logical::date_schema(), Value::int32(5)));
  EXPECT_NO_THROW(validate_value(logical::timestamp_schema(), Value::int64(5)));
  EXPECT_EQ(error_of([] { validate_value(Schema::int64(), Value::int32(1)); }),
            "Invalid value for schema with type INT64: found INT32 for value");
  EXPECT_EQ(
      error_of([] { validate_value(logical::timestamp_schema(), Value::int32(1), "ts"); }),
      "Invalid value for schema \"org.apache.kafka.connect.data.Timestamp\" with type INT64: found INT32 for "
      "field: \"ts\"");
  EXPECT_EQ(error_of([] { validate_value(Schema::bytes(), Value::string("x")); }),
            "Invalid value for schema with type BYTES: found STRING for value");
}

TEST(ValidateValueTest, NullNeedsOptionalOrDefault) {
  EXPECT_NO_THROW(validate_value(Schema::optional_int32(), Value()));
  EXPECT_NO_THROW(validate_value(SchemaBuilder::int32().default_value(Value::int32(1)).build(), Value()));
  EXPECT_EQ(error_of([] { validate_value(Schema::int32(), Value(), "count"); }),
            "Invalid value: null used for required field: \"count\", schema type: INT32");
  EXPECT_EQ(error_of([] { validate_value(nullptr, Value::int32(1), "x"); }),
            "No schema defined for field: \"x\"");
}

TEST(ValidateValueTest, RecursesIntoMapsArraysAndStructs) {
  auto map = SchemaBuilder::map(Schema::string(), Schema::int32()).build();
  EXPECT_NO_THROW(validate_value(map, Value::map({{Value::string("a"), Value::int32(1)}})));
  EXPECT_EQ(error_of([&] {
              validate_value(map, Value::map({{Value::int32(1), Value::int32(1)}}), "m");
            }),
            "Invalid value for schema with type STRING: found INT32 for key of map field: \"m\"");
  EXPECT_EQ(error_of([&] {
              validate_value(map, Value::map({{Value::string("a"), Value()}}), "m");
            }),
            "Invalid value: null used for required value of map field: \"m\", schema type: INT32");
  auto nested = SchemaBuilder::map(Schema::string(), SchemaBuilder::array(Schema::int8()).build()).build();
  EXPECT_EQ(error_of([&] {
              validate_value(nested, Value::map({{Value::string("a"), Value::array({Value::string("x")})}}));
            }),
            "Invalid value for schema with type INT8: found STRING for element of array value of map value");

  auto inner = SchemaBuilder::structure().field("x", Schema::int32()).build();
  auto outer = SchemaBuilder::structure().field("inner", inner).build();
  EXPECT_EQ(error_of([&] { Struct(outer).put("inner", Value::structure(Struct(inner))); }),
            "Invalid value: null used for required field: \"x\", schema type: INT32");
  auto other = SchemaBuilder::structure().field("y", Schema::int32()).build();
  EXPECT_EQ(error_of([&] {
              Struct(outer).put("inner", Value::structure(Struct(other).put("y", Value::int32(1))));
            }),
            "Struct schemas do not match for field: \"inner\".");
  Struct ok(outer);
  ok.put("inner", Value::structure(Struct(inner).put("x", Value::int32(1))));
  EXPECT_NO_THROW(validate_value(outer, Value::structure(ok)));
}

TEST(InferSchemaTest, PrimitivesAndContainers) {
  EXPECT_EQ(infer_schema(Value()), nullptr);
  EXPECT_EQ(*infer_schema(Value::string("x")), *Schema::string());
  EXPECT_EQ(*infer_schema(Value::boolean(true)), *Schema::boolean());
  EXPECT_EQ(*infer_schema(Value::int8(1)), *Schema::int8());
  EXPECT_EQ(*infer_schema(Value::int16(1)), *Schema::int16());
  EXPECT_EQ(*infer_schema(Value::int32(1)), *Schema::int32());
  EXPECT_EQ(*infer_schema(Value::int64(1)), *Schema::int64());
  EXPECT_EQ(*infer_schema(Value::float32(1)), *Schema::float32());
  EXPECT_EQ(*infer_schema(Value::float64(1)), *Schema::float64());
  EXPECT_EQ(*infer_schema(Value::bytes("x")), *Schema::bytes());
  EXPECT_EQ(*infer_schema(Value::array({Value::int32(1), Value::int32(2)})),
            *SchemaBuilder::array(Schema::int32()).build());
  EXPECT_EQ(*infer_schema(Value::array({Value::int32(1), Value()})),
            *SchemaBuilder::array(Schema::optional_int32()).build());
  EXPECT_EQ(infer_schema(Value::array({Value::int32(1), Value::string("x")})), nullptr);
  EXPECT_EQ(infer_schema(Value::array({})), nullptr);
  EXPECT_EQ(*infer_schema(Value::map({{Value::string("a"), Value::int64(1)}})),
            *SchemaBuilder::map(Schema::string(), Schema::int64()).build());
  EXPECT_EQ(infer_schema(Value::map({})), nullptr);
  auto schema = SchemaBuilder::structure().field("a", Schema::int32()).build();
  EXPECT_EQ(infer_schema(Value::structure(Struct(schema))), schema);
}

}  // namespace
}  // namespace sluice::data
