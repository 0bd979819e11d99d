#include "core/common/errors.hpp"
#include "core/data/headers.hpp"

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

TEST(HeadersTest, AddAndLookUpKeepsOrderAndDuplicates) {
  Headers h;
  EXPECT_TRUE(h.empty());
  h.add("a", Schema::string(), Value::string("1"))
      .add("b", Schema::int32(), Value::int32(2))
      .add("a", Schema::string(), Value::string("3"));
  ASSERT_EQ(h.size(), 3U);
  EXPECT_EQ(h.items()[1].key, "b");
  EXPECT_EQ(h.last_with_name("a")->value, Value::string("3"));
  EXPECT_EQ(h.last_with_name("zzz"), nullptr);
  auto all = h.all_with_name("a");
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0]->value, Value::string("1"));
  int count = 0;
  for (const Header& header : h) {
    (void)header;
    ++count;
  }
  EXPECT_EQ(count, 3);
}

TEST(HeadersTest, SchemalessHeadersAreNotChecked) {
  Headers h;
  h.add("x", nullptr, Value::int64(5));
  h.add(Header{"y", nullptr, Value()});
  EXPECT_EQ(h.size(), 2U);
  EXPECT_EQ(h.last_with_name("y")->schema, nullptr);
}

TEST(HeadersTest, ValueMustMatchTheSchemaType) {
  Headers h;
  EXPECT_EQ(error_of([&] { h.add("a", Schema::int32(), Value::string("x")); }),
            "Expecting INT32 but found STRING");
  EXPECT_EQ(error_of([&] { h.add("a", Schema::string(), Value()); }),
            "A null value requires an optional schema but was Schema{STRING}");
  EXPECT_EQ(error_of([&] {
              h.add(Header{"a", Schema::int64(), Value::int32(1)});
            }),
            "Expecting INT64 but found INT32");
  EXPECT_NO_THROW(h.add("a", Schema::optional_string(), Value()));
  EXPECT_EQ(h.size(), 1U);
}

TEST(HeadersTest, RemoveAndRetainLatest) {
  Headers h;
  h.add("a", nullptr, Value::int32(1))
      .add("b", nullptr, Value::int32(2))
      .add("a", nullptr, Value::int32(3))
      .add("c", nullptr, Value::int32(4))
      .add("b", nullptr, Value::int32(5));
  Headers latest = h;
  latest.retain_latest();
  ASSERT_EQ(latest.size(), 3U);
  EXPECT_EQ(latest.items()[0].key, "a");
  EXPECT_EQ(latest.items()[0].value, Value::int32(3));
  EXPECT_EQ(latest.items()[1].key, "c");
  EXPECT_EQ(latest.items()[2].key, "b");
  EXPECT_EQ(latest.items()[2].value, Value::int32(5));
  h.remove("a");
  ASSERT_EQ(h.size(), 3U);
  EXPECT_EQ(h.all_with_name("a").size(), 0U);
}

TEST(HeadersTest, EqualityComparesSchemasDeeply) {
  Headers a;
  a.add("k", SchemaBuilder::string().build(), Value::string("v"));
  Headers b;
  b.add("k", Schema::string(), Value::string("v"));
  EXPECT_EQ(a, b);
  Headers c;
  c.add("k", Schema::optional_string(), Value::string("v"));
  EXPECT_FALSE(a == c);
  Headers d;
  d.add("k", nullptr, Value::string("v"));
  EXPECT_FALSE(a == d);
}

}  // namespace
}  // namespace sluice::data
