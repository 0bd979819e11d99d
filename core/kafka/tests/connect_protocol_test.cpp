// Byte layouts derived from Kafka Connect's schemas (ConnectProtocol.CONFIG_STATE_V0, ASSIGNMENT_V0,
// CONNECTOR_ASSIGNMENT_V0; IncrementalCooperativeConnectProtocol.ALLOCATION_V1, ASSIGNMENT_V1) and the
// cross-version reads of Kafka's ConnectProtocolCompatibilityTest.
#include "core/kafka/connect_protocol.hpp"

#include <gtest/gtest.h>

#include "core/common/errors.hpp"

namespace sluice::kafka {
namespace {

using protocol::Bytes;

Bytes str16(const std::string& s) {
  Bytes out;
  out.push_back(static_cast<std::uint8_t>(s.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(s.size()));
  for (char c : s) out.push_back(static_cast<std::uint8_t>(c));
  return out;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes i32(std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  return {static_cast<std::uint8_t>(u >> 24), static_cast<std::uint8_t>(u >> 16),
          static_cast<std::uint8_t>(u >> 8), static_cast<std::uint8_t>(u)};
}

Bytes i64(std::int64_t v) {
  return cat({i32(static_cast<std::int32_t>(v >> 32)), i32(static_cast<std::int32_t>(v))});
}

const std::string kUrl = "http://w1:8083/";

ConnectAssignment sample_assignment() {
  ConnectAssignment a;
  a.leader = "leader";
  a.leader_url = kUrl;
  a.config_offset = 12;
  a.connectors = {"c1"};
  a.tasks = {{"c1", 0}, {"c2", 1}};
  a.revoked_connectors = {"c3"};
  a.revoked_tasks = {{"c3", 0}};
  a.delay_ms = 5000;
  return a;
}

TEST(ConnectProtocol, ModesNamesAndVersions) {
  EXPECT_STREQ(connect_protocol_wire_name(ConnectProtocol::Eager), "default");
  EXPECT_STREQ(connect_protocol_wire_name(ConnectProtocol::Compatible), "compatible");
  EXPECT_STREQ(connect_protocol_wire_name(ConnectProtocol::Sessioned), "sessioned");
  EXPECT_EQ(connect_protocol_version(ConnectProtocol::Sessioned), 2);
  EXPECT_EQ(parse_connect_protocol("EAGER"), ConnectProtocol::Eager);
  EXPECT_EQ(parse_connect_protocol("Sessioned"), ConnectProtocol::Sessioned);
  EXPECT_EQ(connect_protocol_from_wire_name("default"), ConnectProtocol::Eager);
  EXPECT_EQ(connect_protocol_from_wire_name("range"), std::nullopt);
  try {
    parse_connect_protocol("default");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "Unknown Connect protocol compatibility mode: default");
  }
}

TEST(ConnectProtocol, EagerMetadataLayout) {
  const ConnectWorkerState state{kUrl, 5, std::nullopt};
  const Bytes expected = cat({{0x00, 0x00}, str16(kUrl), i64(5)});
  EXPECT_EQ(encode_connect_metadata(state, 0), expected);
  EXPECT_EQ(decode_connect_metadata(expected), state);
}

TEST(ConnectProtocol, CooperativeMetadataWithoutAssignmentHasNullAllocation) {
  const ConnectWorkerState state{kUrl, 5, std::nullopt};
  EXPECT_EQ(encode_connect_metadata(state, 1), cat({{0x00, 0x01}, str16(kUrl), i64(5), i32(-1)}));
  EXPECT_EQ(encode_connect_metadata(state, 2), cat({{0x00, 0x02}, str16(kUrl), i64(5), i32(-1)}));
  EXPECT_EQ(decode_connect_metadata(encode_connect_metadata(state, 2)), state);
}

TEST(ConnectProtocol, EagerAssignmentLayout) {
  ConnectAssignment a;
  a.leader = "l";
  a.leader_url = "u";
  a.config_offset = 7;
  a.connectors = {"c"};
  a.tasks = {{"c", 0}, {"d", 2}};
  // Assignment: [connector "c": tasks -1, 0], [connector "d": tasks 2]
  const Bytes expected = cat({{0x00, 0x00},
                              {0x00, 0x00},
                              str16("l"),
                              str16("u"),
                              i64(7),
                              i32(2),
                              str16("c"),
                              i32(2),
                              i32(-1),
                              i32(0),
                              str16("d"),
                              i32(1),
                              i32(2)});
  EXPECT_EQ(encode_connect_assignment(a, 0), expected);
  const ConnectAssignment back = decode_connect_assignment(expected);
  EXPECT_EQ(back.version, 0);
  EXPECT_EQ(back.connectors, a.connectors);
  EXPECT_EQ(back.tasks, a.tasks);
  EXPECT_TRUE(back.revoked_connectors.empty());
  EXPECT_EQ(back.delay_ms, 0);
}

TEST(ConnectProtocol, CooperativeAssignmentLayout) {
  const ConnectAssignment a = sample_assignment();
  const Bytes expected = cat({{0x00, 0x01},
                              {0x00, 0x00},
                              str16("leader"),
                              str16(kUrl),
                              i64(12),
                              // Assignment
                              i32(2),
                              str16("c1"),
                              i32(2),
                              i32(-1),
                              i32(0),
                              str16("c2"),
                              i32(1),
                              i32(1),
                              // Revoked
                              i32(1),
                              str16("c3"),
                              i32(2),
                              i32(-1),
                              i32(0),
                              // ScheduledDelay
                              i32(5000)});
  EXPECT_EQ(encode_connect_assignment(a, 1), expected);
  ConnectAssignment back = decode_connect_assignment(expected);
  EXPECT_EQ(back, a);
  // Sessioned: the same fields under header version 2.
  Bytes sessioned = expected;
  sessioned[1] = 0x02;
  EXPECT_EQ(encode_connect_assignment(a, 2), sessioned);
  EXPECT_EQ(decode_connect_assignment(sessioned).version, 2);
}

TEST(ConnectProtocol, CooperativeMetadataEmbedsTheCurrentAssignment) {
  const ConnectWorkerState state{kUrl, 12, sample_assignment()};
  const Bytes allocation = encode_connect_assignment(sample_assignment(), 2);
  const Bytes expected = cat(
      {{0x00, 0x02}, str16(kUrl), i64(12), i32(static_cast<std::int32_t>(allocation.size())), allocation});
  EXPECT_EQ(encode_connect_metadata(state, 2), expected);
  ConnectWorkerState back = decode_connect_metadata(expected);
  ASSERT_TRUE(back.assignment);
  EXPECT_EQ(back.assignment->version, 2);  // the version of the layout it was read from
  back.assignment->version = state.assignment->version;
  EXPECT_EQ(back, state);
}

// ConnectProtocolCompatibilityTest: every reader reads every writer.
TEST(ConnectProtocol, EagerAndCooperativeReadEachOther) {
  const ConnectWorkerState state{kUrl, 1, sample_assignment()};
  const ConnectWorkerState eager_read = decode_connect_metadata(encode_connect_metadata(state, 0));
  EXPECT_EQ(eager_read.url, kUrl);
  EXPECT_EQ(eager_read.config_offset, 1);
  EXPECT_FALSE(eager_read.assignment);

  const ConnectAssignment coop = sample_assignment();
  const ConnectAssignment from_coop = decode_connect_assignment(encode_connect_assignment(coop, 1));
  EXPECT_EQ(from_coop.connectors, coop.connectors);
  EXPECT_EQ(from_coop.tasks, coop.tasks);
  const ConnectAssignment from_eager = decode_connect_assignment(encode_connect_assignment(coop, 0));
  EXPECT_EQ(from_eager.leader, "leader");
  EXPECT_EQ(from_eager.config_offset, 12);
  EXPECT_EQ(from_eager.tasks, coop.tasks);
  EXPECT_TRUE(from_eager.revoked_tasks.empty());
}

TEST(ConnectProtocol, NullArraysInCooperativeAssignmentsReadAsEmpty) {
  const Bytes bytes =
      cat({{0x00, 0x01}, {0x00, 0x01}, str16("l"), str16("u"), i64(3), i32(-1), i32(-1), i32(0)});
  const ConnectAssignment a = decode_connect_assignment(bytes);
  EXPECT_TRUE(a.failed());
  EXPECT_EQ(a.error, ConnectAssignment::kConfigMismatch);
  EXPECT_TRUE(a.connectors.empty());
  EXPECT_TRUE(a.revoked_tasks.empty());
}

TEST(ConnectProtocol, NegativeVersionsAreRejectedWithKafkasMessage) {
  const Bytes bytes = cat({{0xFF, 0xFF}, str16("u"), i64(0)});
  try {
    decode_connect_metadata(bytes);
    FAIL() << "expected DecodeError";
  } catch (const protocol::DecodeError& e) {
    EXPECT_STREQ(e.what(), "Unsupported subscription version: -1");
  }
}

TEST(ConnectProtocol, FutureVersionsAreReadAsTheFieldsWeKnow) {
  Bytes bytes = encode_connect_metadata({kUrl, 9, std::nullopt}, 1);
  bytes[1] = 0x07;
  const ConnectWorkerState state = decode_connect_metadata(bytes);
  EXPECT_EQ(state.config_offset, 9);
}

TEST(ConnectProtocol, JoinProtocolsInKafkasPreferenceOrder) {
  const ConnectWorkerState state{kUrl, 4, std::nullopt};
  auto names = [](const std::vector<protocol::JoinGroupProtocol>& ps) {
    std::vector<std::string> out;
    for (const auto& p : ps) out.push_back(p.name);
    return out;
  };
  const auto sessioned = connect_join_protocols(ConnectProtocol::Sessioned, state);
  EXPECT_EQ(names(sessioned), (std::vector<std::string>{"sessioned", "compatible", "default"}));
  EXPECT_EQ(sessioned[0].metadata, encode_connect_metadata(state, 2));
  EXPECT_EQ(sessioned[1].metadata, encode_connect_metadata(state, 1));
  EXPECT_EQ(sessioned[2].metadata, encode_connect_metadata(state, 0));
  EXPECT_EQ(names(connect_join_protocols(ConnectProtocol::Compatible, state)),
            (std::vector<std::string>{"compatible", "default"}));
  EXPECT_EQ(names(connect_join_protocols(ConnectProtocol::Eager, state)),
            (std::vector<std::string>{"default"}));
}

}  // namespace
}  // namespace sluice::kafka
