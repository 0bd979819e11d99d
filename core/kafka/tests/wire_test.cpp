#include "core/kafka/protocol/wire.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace sluice::kafka::protocol {
namespace {

TEST(Wire, IntegersAreBigEndian) {
  Writer w;
  w.int8(-2);
  w.int16(0x0102);
  w.int32(-2);
  w.int64(0x0102030405060708LL);
  EXPECT_EQ(w.data(), (Bytes{0xFE, 0x01, 0x02, 0xFF, 0xFF, 0xFF, 0xFE, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                             0x07, 0x08}));
  Reader r(w.data());
  EXPECT_EQ(r.int8(), -2);
  EXPECT_EQ(r.int16(), 0x0102);
  EXPECT_EQ(r.int32(), -2);
  EXPECT_EQ(r.int64(), 0x0102030405060708LL);
  EXPECT_TRUE(r.at_end());
}

// Values from Kafka's ByteUtilsTest (unsigned varints) and the protobuf zig-zag table.
TEST(Wire, UnsignedVarints) {
  const std::vector<std::pair<std::uint32_t, Bytes>> cases = {
      {0, {0x00}},
      {1, {0x01}},
      {127, {0x7F}},
      {128, {0x80, 0x01}},
      {300, {0xAC, 0x02}},
      {16383, {0xFF, 0x7F}},
      {16384, {0x80, 0x80, 0x01}},
      {std::numeric_limits<std::uint32_t>::max(), {0xFF, 0xFF, 0xFF, 0xFF, 0x0F}},
  };
  for (const auto& [value, bytes] : cases) {
    Writer w;
    w.uvarint(value);
    EXPECT_EQ(w.data(), bytes) << value;
    Reader r(bytes);
    EXPECT_EQ(r.uvarint(), value);
    EXPECT_TRUE(r.at_end());
  }
}

TEST(Wire, ZigZagVarints) {
  const std::vector<std::pair<std::int32_t, Bytes>> cases = {
      {0, {0x00}},
      {-1, {0x01}},
      {1, {0x02}},
      {-2, {0x03}},
      {2147483647, {0xFE, 0xFF, 0xFF, 0xFF, 0x0F}},
      {-2147483647 - 1, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F}},
  };
  for (const auto& [value, bytes] : cases) {
    Writer w;
    w.varint(value);
    EXPECT_EQ(w.data(), bytes) << value;
    Reader r(bytes);
    EXPECT_EQ(r.varint(), value);
  }
}

TEST(Wire, MalformedVarintsAreRejected) {
  const Bytes too_long{0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  Reader r(too_long);
  EXPECT_THROW(r.uvarint(), DecodeError);
  const Bytes overflow{0xFF, 0xFF, 0xFF, 0xFF, 0x1F};
  Reader r2(overflow);
  EXPECT_THROW(r2.uvarint(), DecodeError);
}

TEST(Wire, ClassicAndCompactStrings) {
  Writer w;
  w.string("ab");
  w.nullable_string(std::nullopt);
  w.compact_string("ab");
  w.compact_nullable_string(std::nullopt);
  w.compact_string("");
  EXPECT_EQ(w.data(), (Bytes{0x00, 0x02, 'a', 'b', 0xFF, 0xFF, 0x03, 'a', 'b', 0x00, 0x01}));
  Reader r(w.data());
  EXPECT_EQ(r.string(), "ab");
  EXPECT_EQ(r.nullable_string(), std::nullopt);
  EXPECT_EQ(r.compact_string(), "ab");
  EXPECT_EQ(r.compact_nullable_string(), std::nullopt);
  EXPECT_EQ(r.compact_nullable_string(), std::optional<std::string>(""));
  EXPECT_TRUE(r.at_end());
}

TEST(Wire, NullWhereTheSchemaSaysStringReadsAsEmpty) {
  // librdkafka's mock cluster writes null member ids in JoinGroup error responses.
  const Bytes bytes{0xFF, 0xFF, 0x00};
  Reader r(bytes);
  EXPECT_EQ(r.string(), "");
  EXPECT_EQ(r.compact_string(), "");
}

TEST(Wire, BytesAndArrays) {
  Writer w;
  w.bytes(Bytes{1, 2});
  w.nullable_bytes(std::nullopt);
  w.compact_bytes(Bytes{3});
  w.compact_nullable_bytes(std::nullopt);
  w.array_length(2, false);
  w.array_length(2, true);
  w.null_array(false);
  w.null_array(true);
  EXPECT_EQ(w.data(), (Bytes{0,    0, 0, 2, 1, 2,    0xFF, 0xFF, 0xFF, 0xFF, 0x02, 3,
                             0x00, 0, 0, 0, 2, 0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}));
  Reader r(w.data());
  EXPECT_EQ(r.bytes(), (Bytes{1, 2}));
  EXPECT_EQ(r.nullable_bytes(), std::nullopt);
  EXPECT_EQ(r.compact_bytes(), Bytes{3});
  EXPECT_EQ(r.compact_nullable_bytes(), std::nullopt);
  // Counts are checked against the bytes left: two 0-byte elements fit in what remains here.
  EXPECT_EQ(r.array_length(false, 0), std::optional<std::size_t>(2));
  EXPECT_EQ(r.array_length(true, 0), std::optional<std::size_t>(2));
  EXPECT_EQ(r.array_length(false), std::nullopt);
  EXPECT_EQ(r.array_length(true), std::nullopt);
}

TEST(Wire, TaggedFieldsRoundTripAndUnknownTagsAreSkippable) {
  Writer w;
  w.tagged_fields({{0, {0xAA}}, {5, {0x01, 0x02}}});
  EXPECT_EQ(w.data(), (Bytes{0x02, 0x00, 0x01, 0xAA, 0x05, 0x02, 0x01, 0x02}));
  Reader r(w.data());
  const auto fields = r.tagged_fields();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[1].tag, 5u);
  EXPECT_EQ(fields[1].data, (Bytes{0x01, 0x02}));
  EXPECT_TRUE(r.at_end());
}

TEST(Wire, TruncationIsADecodeErrorNamingWhatWasRead) {
  const Bytes bytes{0x00, 0x05, 'a'};
  Reader r(bytes);
  try {
    r.string();
    FAIL() << "expected DecodeError";
  } catch (const DecodeError& e) {
    EXPECT_STREQ(e.what(), "Truncated Kafka protocol data: string needs 5 bytes but only 1 remain");
  }
}

TEST(Wire, CorruptArrayCountsAreRejectedBeforeAllocating) {
  const Bytes bytes{0x7F, 0xFF, 0xFF, 0xFF, 0x00};
  Reader r(bytes);
  try {
    r.array_length(false, 4);
    FAIL() << "expected DecodeError";
  } catch (const DecodeError& e) {
    EXPECT_STREQ(e.what(),
                 "Malformed Kafka protocol data: array of 2147483647 elements in 1 remaining bytes");
  }
}

}  // namespace
}  // namespace sluice::kafka::protocol
