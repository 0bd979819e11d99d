#include "core/transforms/transforms.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

namespace sluice::transforms {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test builders

constexpr std::int64_t kInstant = 1483425001864;  // 2017-01-03T06:30:01.864Z
constexpr std::int32_t kDate = 17169;             // 2017-01-03
constexpr std::int32_t kTime = 23401864;          // 06:30:01.864
constexpr std::int64_t kDateMillis = 1483401600000;
const std::string kPattern = "yyyy MM dd HH mm ss SSS";
const std::string kFormatted = "2017 01 03 06 30 01 864";

std::unique_ptr<api::Transformation> converter(Side side, config::RawConfig config) {
  auto t = make_timestamp_converter(side);
  t->configure(config);
  return t;
}

std::unique_ptr<api::Transformation> to(const std::string& target, const std::string& field = "",
                                        const std::string& precision = "milliseconds") {
  return converter(
      Side::Value,
      cfg({{"target.type", target}, {"format", kPattern}, {"field", field}, {"unix.precision", precision}}));
}

TEST(TimestampConverterTest, ConfigErrors) {
  expect_error<ConfigError>([] { converter(Side::Value, {}); },
                            "Missing required configuration \"target.type\" which has no default value.");
  expect_error<ConfigError>(
      [] {
        converter(Side::Value, cfg({{"target.type", "invalid"}}));
      },
      "Invalid value invalid for configuration target.type: String must be one of: string, unix, "
      "Date, Time, Timestamp");
  expect_error<ConfigError>(
      [] {
        converter(Side::Value, cfg({{"target.type", "string"}}));
      },
      "TimestampConverter requires format option to be specified when using string timestamps");
  expect_error<ConfigError>(
      [] {
        converter(Side::Value, cfg({{"target.type", "unix"}, {"format", "bad-format"}}));
      },
      "TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: "
      "bad-format");
  expect_error<ConfigError>(
      [] {
        converter(Side::Value, cfg({{"target.type", "unix"}, {"unix.precision", "minutes"}}));
      },
      "Invalid value minutes for configuration unix.precision: String must be one of: nanoseconds, "
      "microseconds, "
      "milliseconds, seconds");
}

TEST(TimestampConverterTest, SchemalessWholeValue) {
  struct Case {
    std::string target;
    Value input;
    Value expected;
  };
  for (const Case& c : {Case{"Timestamp", Value::int64(kInstant), Value::int64(kInstant)},
                        Case{"Timestamp", Value::string(kFormatted), Value::int64(kInstant)},
                        Case{"unix", Value::string(kFormatted), Value::int64(kInstant)},
                        Case{"string", Value::int64(kInstant), Value::string(kFormatted)},
                        Case{"Date", Value::int64(kInstant), Value::int32(kDate)},
                        Case{"Time", Value::int64(kInstant), Value::int32(kTime)},
                        Case{"Date", Value::int64(-1), Value::int32(-1)},
                        Case{"Time", Value::int64(-1), Value::int32(86'399'999)}}) {
    auto r = value_record(nullptr, c.input);
    ASSERT_TRUE(to(c.target)->apply(r)) << c.target;
    EXPECT_EQ(r.value_schema, nullptr);
    EXPECT_EQ(r.value, c.expected) << c.target;
  }
  auto tombstone = value_record(nullptr, Value());
  ASSERT_TRUE(to("unix")->apply(tombstone));
  EXPECT_TRUE(tombstone.value.is_null());
}

TEST(TimestampConverterTest, UnixPrecisions) {
  auto seconds_in = value_record(nullptr, Value::int64(1483425001));
  ASSERT_TRUE(to("string", "", "seconds")->apply(seconds_in));
  EXPECT_EQ(seconds_in.value, Value::string("2017 01 03 06 30 01 000"));

  auto micros_in = value_record(nullptr, Value::int64(1483425001864123));
  ASSERT_TRUE(to("string", "", "microseconds")->apply(micros_in));
  EXPECT_EQ(micros_in.value, Value::string(kFormatted));

  auto nanos_in = value_record(nullptr, Value::int64(1483425001864123456));
  ASSERT_TRUE(to("string", "", "nanoseconds")->apply(nanos_in));
  EXPECT_EQ(nanos_in.value, Value::string(kFormatted));

  for (const auto& [precision, expected] :
       std::vector<std::pair<std::string, std::int64_t>>{{"seconds", 1483425001},
                                                         {"milliseconds", kInstant},
                                                         {"microseconds", kInstant * 1000},
                                                         {"nanoseconds", kInstant * 1'000'000}}) {
    auto r = value_record(data::logical::timestamp_schema(), Value::int64(kInstant));
    ASSERT_TRUE(to("unix", "", precision)->apply(r)) << precision;
    EXPECT_EQ(r.value, Value::int64(expected)) << precision;
    EXPECT_EQ(*r.value_schema, *Schema::int64());
  }
}

TEST(TimestampConverterTest, WithSchemaWholeValue) {
  struct Case {
    SchemaPtr schema;
    Value input;
    std::string target;
    SchemaPtr expected_schema;
    Value expected;
  };
  for (const Case& c : {
           Case{data::logical::timestamp_schema(), Value::int64(kInstant), "string", Schema::string(),
                Value::string(kFormatted)},
           Case{data::logical::timestamp_schema(), Value::int64(kInstant), "Date",
                data::logical::date_schema(), Value::int32(kDate)},
           Case{data::logical::timestamp_schema(), Value::int64(kInstant), "Time",
                data::logical::time_schema(), Value::int32(kTime)},
           Case{data::logical::date_schema(), Value::int32(kDate), "Timestamp",
                data::logical::timestamp_schema(), Value::int64(kDateMillis)},
           Case{data::logical::time_schema(), Value::int32(kTime), "unix", Schema::int64(),
                Value::int64(kTime)},
           Case{Schema::string(), Value::string(kFormatted), "Timestamp", data::logical::timestamp_schema(),
                Value::int64(kInstant)},
           Case{Schema::int64(), Value::int64(kInstant), "Timestamp", data::logical::timestamp_schema(),
                Value::int64(kInstant)},
       }) {
    auto r = value_record(c.schema, c.input);
    ASSERT_TRUE(to(c.target)->apply(r)) << c.target;
    EXPECT_EQ(*r.value_schema, *c.expected_schema) << c.target;
    EXPECT_EQ(r.value, c.expected) << c.target;
  }
  auto optional_null = value_record(data::logical::timestamp_builder().optional().build(), Value());
  ASSERT_TRUE(to("Date")->apply(optional_null));
  EXPECT_TRUE(optional_null.value.is_null());
  EXPECT_EQ(*optional_null.value_schema, *data::logical::date_builder().optional().build());
}

TEST(TimestampConverterTest, FieldWithSchema) {
  auto schema = SchemaBuilder::structure()
                    .name("rec")
                    .field("id", Schema::string())
                    .field("ts", data::logical::timestamp_schema())
                    .build();
  Struct v(schema);
  v.put("id", Value::string("a"));
  v.put("ts", Value::int64(kInstant));
  auto r = value_record(schema, Value::structure(v));
  ASSERT_TRUE(to("string", "ts")->apply(r));
  EXPECT_EQ(r.value_schema->name(), std::optional<std::string>("rec"));
  EXPECT_EQ(*r.value_schema->field("ts")->schema, *Schema::string());
  EXPECT_EQ(r.value.as_struct().get("ts"), Value::string(kFormatted));
  EXPECT_EQ(r.value.as_struct().get("id"), Value::string("a"));

  auto key = key_record(schema, Value::structure(v));
  ASSERT_TRUE(converter(Side::Key, cfg({{"target.type", "unix"}, {"field", "ts"}}))->apply(key));
  EXPECT_EQ(key.key.as_struct().get("ts"), Value::int64(kInstant));

  auto tombstone =
      value_record(SchemaBuilder::structure().optional().field("ts", Schema::int64()).build(), Value());
  ASSERT_TRUE(to("Timestamp", "ts")->apply(tombstone));
  EXPECT_TRUE(tombstone.value.is_null());
  EXPECT_TRUE(data::logical::is_timestamp(*tombstone.value_schema->field("ts")->schema));
}

TEST(TimestampConverterTest, FieldSchemalessAndReplaceNullWithDefault) {
  auto r = value_record(nullptr, map_of({{"ts", Value::string(kFormatted)}, {"other", Value::int32(1)}}));
  ASSERT_TRUE(to("unix", "ts")->apply(r));
  EXPECT_EQ(entry(r.value, "ts"), Value::int64(kInstant));
  EXPECT_EQ(entry(r.value, "other"), Value::int32(1));

  auto schema =
      SchemaBuilder::structure()
          .field("ts", data::logical::timestamp_builder().optional().default_value(Value::int64(5)).build())
          .build();
  auto keep_null = value_record(schema, Value::structure(Struct(schema)));
  ASSERT_TRUE(
      converter(Side::Value,
                cfg({{"target.type", "unix"}, {"field", "ts"}, {"replace.null.with.default", "false"}}))
          ->apply(keep_null));
  EXPECT_TRUE(keep_null.value.as_struct().values()[0].is_null());
  auto use_default = value_record(schema, Value::structure(Struct(schema)));
  ASSERT_TRUE(converter(Side::Value, cfg({{"target.type", "unix"}, {"field", "ts"}}))->apply(use_default));
  EXPECT_EQ(use_default.value.as_struct().values()[0], Value::int64(5));
}

TEST(TimestampConverterTest, DataErrors) {
  auto unparseable = value_record(nullptr, Value::string("garbage"));
  expect_error<DataError>(
      [&] { to("unix")->apply(unparseable); },
      "Could not parse timestamp: value (garbage) does not match pattern (" + kPattern + ")");
  auto int32 = value_record(nullptr, Value::int32(1));
  expect_error<DataError>(
      [&] { to("unix")->apply(int32); },
      "TimestampConverter does not support class java.lang.Integer objects as timestamps");
  auto wrong_schema = value_record(Schema::int32(), Value::int32(1));
  expect_error<ConnectError>([&] { to("unix")->apply(wrong_schema); },
                             "Schema Schema{INT32} does not correspond to a known timestamp type format");
  auto not_map = value_record(nullptr, Value::int64(1));
  expect_error<DataError>(
      [&] { to("unix", "ts")->apply(not_map); },
      "Only Map objects supported in absence of schema for [converting timestamp formats], found: "
      "java.lang.Long");
  auto no_format = value_record(nullptr, Value::string("2017"));
  expect_error<DataError>(
      [&] {
        converter(Side::Value, cfg({{"target.type", "unix"}}))->apply(no_format);
      },
      "TimestampConverter requires format option to be specified when using string timestamps");
}

}  // namespace
}  // namespace sluice::transforms
