// DropHeaders, InsertHeader and HeaderFrom.

#include "core/transforms/transforms.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::transforms {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test builders

template <typename T>
std::unique_ptr<T> configured(std::unique_ptr<T> t, const config::RawConfig& config) {
  t->configure(config);
  return t;
}

std::vector<std::string> header_keys(const data::Headers& headers) {
  std::vector<std::string> keys;
  for (const auto& h : headers) keys.push_back(h.key);
  return keys;
}

TEST(DropHeadersTest, DropsEveryHeaderWithAListedName) {
  auto r = value_record(nullptr, Value::string("v"));
  r.headers.add("a", Schema::string(), Value::string("1"));
  r.headers.add("b", Schema::string(), Value::string("2"));
  r.headers.add("a", Schema::string(), Value::string("3"));
  r.headers.add("c", nullptr, Value::int32(4));
  ASSERT_TRUE(configured(make_drop_headers(), cfg({{"names", "a,c"}}))->apply(r));
  EXPECT_EQ(header_keys(r.headers), std::vector<std::string>{"b"});

  auto untouched = value_record(nullptr, Value());
  untouched.headers.add("x", nullptr, Value::string("y"));
  ASSERT_TRUE(configured(make_drop_headers(), cfg({{"names", "a"}}))->apply(untouched));
  EXPECT_EQ(header_keys(untouched.headers), std::vector<std::string>{"x"});

  expect_error<ConfigError>(
      [] {
        configured(make_drop_headers(), cfg({{"names", ""}}));
      },
      "Invalid value [] for configuration names: Empty list");
}

TEST(InsertHeaderTest, AddsTheParsedLiteral) {
  auto r = value_record(nullptr, Value::string("v"));
  r.headers.add("existing", Schema::string(), Value::string("x"));
  ASSERT_TRUE(
      configured(make_insert_header(), cfg({{"header", "existing"}, {"value.literal", "42"}}))->apply(r));
  ASSERT_EQ(r.headers.size(), 2U);  // always added, even when a header of that name exists
  const data::Header* added = r.headers.last_with_name("existing");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->schema->type(), data::Type::Int8);
  EXPECT_EQ(added->value, Value::int8(42));

  auto text = value_record(nullptr, Value());
  ASSERT_TRUE(configured(make_insert_header(), cfg({{"header", "h"}, {"value.literal", "hello world"}}))
                  ->apply(text));
  EXPECT_EQ(text.headers.last_with_name("h")->value, Value::string("hello world"));

  auto flag = value_record(nullptr, Value());
  ASSERT_TRUE(
      configured(make_insert_header(), cfg({{"header", "h"}, {"value.literal", "true"}}))->apply(flag));
  EXPECT_EQ(flag.headers.last_with_name("h")->value, Value::boolean(true));
}

TEST(InsertHeaderTest, ConfigErrors) {
  expect_error<ConfigError>(
      [] {
        configured(make_insert_header(), cfg({{"header", "h"}}));
      },
      "Missing required configuration \"value.literal\" which has no default value.");
  expect_error<ConfigError>(
      [] {
        configured(make_insert_header(), cfg({{"value.literal", "1"}}));
      },
      "Missing required configuration \"header\" which has no default value.");
  config::RawConfig null_value = cfg({{"header", "h"}});
  null_value.emplace("value.literal", std::nullopt);
  expect_error<ConfigError>([&] { configured(make_insert_header(), null_value); },
                            "Invalid value null for configuration value.literal: entry must be non null");
}

SchemaPtr header_from_schema() {
  return SchemaBuilder::structure()
      .name("rec")
      .field("field1", Schema::string())
      .field("field2", Schema::int32())
      .field("keep", Schema::boolean())
      .build();
}

Value header_from_value() {
  Struct s(header_from_schema());
  s.put("field1", Value::string("a"));
  s.put("field2", Value::int32(2));
  s.put("keep", Value::boolean(true));
  return Value::structure(s);
}

std::unique_ptr<api::Transformation> header_from(Side side, const std::string& operation) {
  return configured(make_header_from(side),
                    cfg({{"fields", "field1,field2"}, {"headers", "h1,h2"}, {"operation", operation}}));
}

TEST(HeaderFromTest, CopyWithSchema) {
  auto r = value_record(header_from_schema(), header_from_value());
  r.headers.add("old", nullptr, Value::string("x"));
  ASSERT_TRUE(header_from(Side::Value, "copy")->apply(r));
  EXPECT_EQ(*r.value_schema, *header_from_schema());
  EXPECT_EQ(r.value, header_from_value());
  EXPECT_EQ(header_keys(r.headers), (std::vector<std::string>{"old", "h1", "h2"}));
  EXPECT_EQ(*r.headers.last_with_name("h1")->schema, *Schema::string());
  EXPECT_EQ(r.headers.last_with_name("h1")->value, Value::string("a"));
  EXPECT_EQ(r.headers.last_with_name("h2")->value, Value::int32(2));
}

TEST(HeaderFromTest, MoveWithSchemaOnTheKey) {
  auto r = key_record(header_from_schema(), header_from_value());
  ASSERT_TRUE(header_from(Side::Key, "move")->apply(r));
  ASSERT_EQ(r.key_schema->fields().size(), 1U);
  EXPECT_EQ(r.key_schema->fields()[0].name, "keep");
  EXPECT_EQ(r.key_schema->name(), std::optional<std::string>("rec"));
  EXPECT_EQ(r.key.as_struct().get("keep"), Value::boolean(true));
  EXPECT_EQ(r.headers.last_with_name("h2")->value, Value::int32(2));
}

TEST(HeaderFromTest, Schemaless) {
  auto r = value_record(nullptr, map_of({{"field1", Value::string("a")}, {"keep", Value::int32(1)}}));
  ASSERT_TRUE(header_from(Side::Value, "move")->apply(r));
  EXPECT_EQ(r.value, map_of({{"keep", Value::int32(1)}}));
  EXPECT_EQ(r.headers.last_with_name("h1")->value, Value::string("a"));
  EXPECT_EQ(r.headers.last_with_name("h1")->schema, nullptr);
  ASSERT_NE(r.headers.last_with_name("h2"), nullptr);  // a missing field gives a null header
  EXPECT_TRUE(r.headers.last_with_name("h2")->value.is_null());

  auto copy = value_record(nullptr, map_of({{"field1", Value::string("a")}}));
  ASSERT_TRUE(header_from(Side::Value, "copy")->apply(copy));
  EXPECT_EQ(copy.value, map_of({{"field1", Value::string("a")}}));
}

TEST(HeaderFromTest, Errors) {
  expect_error<ConfigError>(
      [] {
        configured(make_header_from(Side::Value),
                   cfg({{"fields", "a,b"}, {"headers", "h"}, {"operation", "copy"}}));
      },
      "'fields' config must have the same number of elements as 'headers' config.");
  expect_error<ConfigError>(
      [] {
        configured(make_header_from(Side::Value),
                   cfg({{"fields", "a"}, {"headers", "h"}, {"operation", "swap"}}));
      },
      "Invalid value swap for configuration operation: String must be one of: move, copy");
  auto not_struct = value_record(Schema::int32(), Value::int32(1));
  expect_error<DataError>([&] { header_from(Side::Value, "copy")->apply(not_struct); },
                          "Only Struct objects supported for [header copy], found: java.lang.Integer");
  auto not_map = value_record(nullptr, Value());
  expect_error<DataError>([&] { header_from(Side::Value, "move")->apply(not_map); },
                          "Only Map objects supported in absence of schema for [header move], found: null");
  auto schema = SchemaBuilder::structure().field("field1", Schema::string()).build();
  Struct s(schema);
  s.put("field1", Value::string("a"));
  auto missing = value_record(schema, Value::structure(s));
  expect_error<DataError>([&] { header_from(Side::Value, "copy")->apply(missing); },
                          "Field does not exist: field2");
}

}  // namespace
}  // namespace sluice::transforms
