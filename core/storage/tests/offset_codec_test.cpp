#include "core/storage/offset_codec.hpp"

#include <gtest/gtest.h>

#include "core/common/errors.hpp"
#include "core/storage/offset_store.hpp"

namespace sluice::storage {
namespace {

using data::Value;

Value smap(std::vector<std::pair<std::string, Value>> entries) {
  Value::Map m;
  for (auto& [k, v] : entries) m.emplace_back(Value::string(k), std::move(v));
  return Value::map(std::move(m));
}

std::string data_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

TEST(OffsetCodec, KeyAndValueAreKafkasCompactJson) {
  EXPECT_EQ(offset_key_json("local-file-source", smap({{"filename", Value::string("/tmp/in.txt")}})),
            R"(["local-file-source",{"filename":"/tmp/in.txt"}])");
  EXPECT_EQ(offset_value_json(smap({{"position", Value::int64(12)}})), R"({"position":12})");
  EXPECT_EQ(offset_value_json(smap({{"a", Value::int32(1)},
                                    {"b", Value::boolean(true)},
                                    {"c", Value()},
                                    {"d", Value::float64(1.5)},
                                    {"e", Value::string("x\"y")}})),
            R"({"a":1,"b":true,"c":null,"d":1.5,"e":"x\"y"})");
  EXPECT_EQ(offset_key_json("c", Value()), R"(["c",null])");
}

TEST(OffsetCodec, ContentKeyIgnoresKeyOrderAndIntegerWidth) {
  EXPECT_EQ(partition_content_key(smap({{"b", Value::string("x")}, {"a", Value::int32(1)}})),
            partition_content_key(smap({{"a", Value::int64(1)}, {"b", Value::string("x")}})));
  EXPECT_NE(partition_content_key(smap({{"a", Value::int64(1)}})),
            partition_content_key(smap({{"a", Value::int64(2)}})));
  EXPECT_NE(partition_content_key(smap({{"a", Value::int64(1)}})),
            partition_content_key(smap({{"a", Value::string("1")}})));
}

TEST(OffsetCodec, ParsesKeysAndValuesBackWithIntegersAsLong) {
  const auto [connector, partition] = parse_offset_key(R"(["my-conn",{"filename":"/f","n":3}])");
  EXPECT_EQ(connector, "my-conn");
  EXPECT_EQ(partition, smap({{"filename", Value::string("/f")}, {"n", Value::int64(3)}}));
  EXPECT_EQ(parse_offset_value(R"({"position":12})"), smap({{"position", Value::int64(12)}}));
  EXPECT_TRUE(parse_offset_value("null").is_null());
}

TEST(OffsetCodec, RejectsKeysThatAreNotConnectorAndPartition) {
  EXPECT_EQ(data_error([] { parse_offset_key(R"({"a":1})"); }),
            R"(Offset key {"a":1} is not a JSON array of the connector name and a partition)");
  EXPECT_EQ(data_error([] { parse_offset_key(R"(["c",5])"); }), R"(Offset key ["c",5] does not hold a partition object)");
  EXPECT_EQ(data_error([] { parse_offset_value("[1]"); }), "Offset value [1] is not a JSON object");
}

TEST(OffsetCodec, ValidatesFormatWithKafkasMessages) {
  EXPECT_NO_THROW(validate_offset_format(Value()));
  EXPECT_NO_THROW(validate_offset_format(smap({{"a", Value::int64(1)}, {"b", Value()}, {"c", Value::bytes("x")}})));
  EXPECT_EQ(data_error([] { validate_offset_format(Value::string("x")); }), "Offsets must be specified as a Map");
  EXPECT_EQ(data_error([] {
              validate_offset_format(Value::map({{Value::int32(1), Value::string("v")}}));
            }),
            "Offsets may only use String keys");
  EXPECT_EQ(data_error([] { validate_offset_format(smap({{"k", Value::array({})}})); }),
            "Offsets may only contain primitive types as values, but field k contains ARRAY");
  EXPECT_EQ(data_error([] { validate_offset_format(smap({{"k", smap({})}})); }),
            "Offsets may only contain primitive types as values, but field k contains MAP");
}

}  // namespace
}  // namespace sluice::storage
