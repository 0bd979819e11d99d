#include "sluice/sdk/data.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sdk = sluice::sdk;
using sdk::Schema;
using sdk::SchemaBuilder;
using sdk::Value;

namespace {

Schema person_schema() {
  return SchemaBuilder::structure()
      .name("com.example.Person")
      .version(2)
      .doc("a person")
      .field("name", Schema::string())
      .field("age", Schema::int32(true))
      .field("score", SchemaBuilder::float64().default_value(Value::float64(1.5)).build())
      .build();
}

TEST(SchemaTest, BuilderSetsEveryAttribute) {
  Schema s = person_schema();
  EXPECT_EQ(s.type(), sdk::Type::Struct);
  EXPECT_FALSE(s.is_optional());
  EXPECT_EQ(s.name(), "com.example.Person");
  EXPECT_EQ(s.version(), 2);
  EXPECT_EQ(s.doc(), "a person");
  ASSERT_EQ(s.fields().size(), 3u);
  EXPECT_EQ(s.fields()[1].name, "age");
  EXPECT_EQ(s.fields()[1].index, 1u);
  EXPECT_TRUE(s.field("age")->schema.is_optional());
  EXPECT_EQ(s.field("missing"), nullptr);
  EXPECT_EQ(*s.field("score")->schema.default_value(), Value::float64(1.5));
}

TEST(SchemaTest, BuilderRejectsFieldsOnNonStructAndDuplicates) {
  try {
    SchemaBuilder::int32().field("a", Schema::string());
    FAIL() << "expected DataError";
  } catch (const sdk::DataError& e) {
    EXPECT_STREQ(e.what(), "Cannot create fields on type INT32");
  }
  try {
    SchemaBuilder::structure().field("a", Schema::string()).field("a", Schema::int8());
    FAIL() << "expected DataError";
  } catch (const sdk::DataError& e) {
    EXPECT_STREQ(e.what(), "Cannot create field because of field name duplication a");
  }
}

TEST(SchemaTest, DefaultValueMustFitTheSchema) {
  try {
    SchemaBuilder::int32().default_value(Value::string("x"));
    FAIL() << "expected DataError";
  } catch (const sdk::DataError& e) {
    EXPECT_STREQ(e.what(), "Invalid value for schema with type INT32: STRING");
  }
}

TEST(SchemaTest, EqualityIsStructuralAndBuiltSchemasDoNotChangeLater) {
  EXPECT_EQ(person_schema(), person_schema());
  EXPECT_NE(person_schema().identity(), person_schema().identity());
  EXPECT_FALSE(Schema::string() == Schema::string(true));
  EXPECT_TRUE(Schema() == Schema());
  EXPECT_FALSE(Schema() == Schema::string());

  SchemaBuilder b = SchemaBuilder::string();
  Schema before = b.build();
  b.optional();
  EXPECT_FALSE(before.is_optional());
}

TEST(SchemaTest, EmptySchemaHasNoAttributes) {
  Schema none;
  EXPECT_FALSE(none);
  EXPECT_THROW(none.type(), sdk::DataError);
}

TEST(StructTest, PutValidatesNamesAndTypes) {
  sdk::Struct st(person_schema());
  st.put("name", Value::string("ann")).put("age", Value::int32(40));
  EXPECT_EQ(st.get("name"), Value::string("ann"));
  EXPECT_EQ(st.get("score"), Value::float64(1.5)) << "unset field reads its default";
  EXPECT_TRUE(st.values()[2].is_null());

  try {
    st.put("nope", Value::int32(1));
    FAIL();
  } catch (const sdk::DataError& e) {
    EXPECT_STREQ(e.what(), "nope is not a valid field name");
  }
  try {
    st.put("age", Value::string("forty"));
    FAIL();
  } catch (const sdk::DataError& e) {
    EXPECT_STREQ(e.what(), "Invalid value for schema with type INT32: STRING for field: \"age\"");
  }
  try {
    st.put("name", Value());
    FAIL();
  } catch (const sdk::DataError& e) {
    EXPECT_STREQ(e.what(), "Invalid value: null used for required field: \"name\", schema type: STRING");
  }
}

TEST(StructTest, ValidateReportsMissingRequiredField) {
  sdk::Struct st(person_schema());
  try {
    st.validate();
    FAIL();
  } catch (const sdk::DataError& e) {
    EXPECT_STREQ(e.what(), "Invalid value: null used for required field: \"name\", schema type: STRING");
  }
  st.put("name", Value::string("bob"));
  EXPECT_NO_THROW(st.validate());
}

TEST(StructTest, NeedsAStructSchema) {
  try {
    sdk::Struct st(Schema::string());
    FAIL();
  } catch (const sdk::DataError& e) {
    EXPECT_STREQ(e.what(), "Not a struct schema: STRING");
  }
}

TEST(ValueTest, AccessorsCheckTheKind) {
  Value v = Value::string("x");
  EXPECT_EQ(v.kind(), Value::Kind::String);
  try {
    (void)v.as_int32();
    FAIL();
  } catch (const sdk::DataError& e) {
    EXPECT_STREQ(e.what(), "Expected INT32 value but found STRING");
  }
  EXPECT_TRUE(Value().is_null());
  EXPECT_EQ(Value::int8(-3).to_int64(), -3);
  EXPECT_EQ(Value::int64(1LL << 40).to_int64(), 1LL << 40);
  EXPECT_THROW((void)Value::float32(1).to_int64(), sdk::DataError);
  EXPECT_NE(Value::string("a"), Value::bytes("a"));
}

TEST(ValueTest, StringMapFind) {
  Value m = Value::string_map({{"filename", Value::string("/tmp/x")}, {"n", Value()}});
  ASSERT_NE(m.find("filename"), nullptr);
  EXPECT_EQ(*m.find("filename"), Value::string("/tmp/x"));
  ASSERT_NE(m.find("n"), nullptr);
  EXPECT_TRUE(m.find("n")->is_null());
  EXPECT_EQ(m.find("other"), nullptr);
  EXPECT_THROW((void)Value::int32(1).find("x"), sdk::DataError);
}

TEST(HeadersTest, KeepsOrderAndFindsLast) {
  sdk::Headers h;
  h.add("a", Value::int32(1)).add("b", Value::string("x"), Schema::string()).add("a", Value::int32(2));
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[1].key, "b");
  ASSERT_NE(h.last_with_name("a"), nullptr);
  EXPECT_EQ(h.last_with_name("a")->value, Value::int32(2));
  EXPECT_EQ(h.last_with_name("z"), nullptr);
}

TEST(LogicalTest, BuildersMatchKafka) {
  Schema d = sdk::logical::decimal(2).build();
  EXPECT_EQ(d.type(), sdk::Type::Bytes);
  EXPECT_EQ(d.name(), "org.apache.kafka.connect.data.Decimal");
  EXPECT_EQ(d.version(), 1);
  ASSERT_NE(d.parameter("scale"), nullptr);
  EXPECT_EQ(*d.parameter("scale"), "2");
  EXPECT_EQ(sdk::logical::decimal_scale(d), 2);

  EXPECT_EQ(sdk::logical::date().build().type(), sdk::Type::Int32);
  EXPECT_EQ(sdk::logical::date().build().name(), "org.apache.kafka.connect.data.Date");
  EXPECT_EQ(sdk::logical::time().build().name(), "org.apache.kafka.connect.data.Time");
  Schema ts = sdk::logical::timestamp().optional().build();
  EXPECT_EQ(ts.type(), sdk::Type::Int64);
  EXPECT_TRUE(ts.is_optional());
  EXPECT_TRUE(sdk::logical::is(ts, sdk::logical::kTimestamp));
  EXPECT_FALSE(sdk::logical::is(Schema(), sdk::logical::kTimestamp));
}

TEST(LogicalTest, DecimalBytesAreJavaBigIntegerBytes) {
  // Expected bytes from Java's BigInteger.valueOf(n).toByteArray().
  EXPECT_EQ(sdk::logical::decimal_bytes(-129), std::string("\xFF\x7F", 2));
  EXPECT_EQ(sdk::logical::decimal_bytes(128), std::string("\x00\x80", 2));
  EXPECT_EQ(sdk::logical::decimal_bytes(0), std::string("\x00", 1));
  EXPECT_EQ(sdk::logical::decimal_bytes(-1), std::string("\xFF", 1));
  EXPECT_EQ(sdk::logical::decimal_bytes(1234), std::string("\x04\xD2", 2));
}

TEST(LogicalTest, DecimalToStringIsBigDecimalToString) {
  using sdk::logical::decimal_to_string;
  // Expected text from Java's new BigDecimal(new BigInteger(bytes), scale).toString().
  EXPECT_EQ(decimal_to_string(std::string("\x04\xD2", 2), 2), "12.34");
  EXPECT_EQ(decimal_to_string(std::string("\xFB\x2E", 2), 2), "-12.34");
  EXPECT_EQ(decimal_to_string(sdk::logical::decimal_bytes(1), -3), "1E+3");
  EXPECT_EQ(decimal_to_string(sdk::logical::decimal_bytes(123), 10), "1.23E-8");
  EXPECT_EQ(decimal_to_string(sdk::logical::decimal_bytes(123), 5), "0.00123");
  EXPECT_EQ(decimal_to_string(sdk::logical::decimal_bytes(-5), 0), "-5");
  const unsigned char big[] = {1, 0x8E, 0xE9, 15, 0xF6, 0xC3, 115, 0xE0, 0xEE, 78, 63, 10, 0xD2};
  std::string big_bytes(reinterpret_cast<const char*>(big), sizeof big);
  EXPECT_EQ(sdk::logical::unscaled_to_string(big_bytes), "123456789012345678901234567890");
  EXPECT_EQ(decimal_to_string(big_bytes, 4), "12345678901234567890123456.7890");
  EXPECT_EQ(sdk::logical::unscaled_to_string(""), "0");
}

TEST(LogicalTest, DecimalScaleMustBeANumber) {
  try {
    sdk::logical::decimal_scale(SchemaBuilder::bytes().parameter("scale", "x").build());
    FAIL();
  } catch (const sdk::DataError& e) {
    EXPECT_STREQ(e.what(), "Invalid scale parameter found in Decimal schema: x");
  }
  try {
    sdk::logical::decimal_scale(Schema::bytes());
    FAIL();
  } catch (const sdk::DataError& e) {
    EXPECT_STREQ(e.what(), "Invalid Decimal schema: scale parameter not found.");
  }
}

}  // namespace
