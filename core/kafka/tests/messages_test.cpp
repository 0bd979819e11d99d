// Byte layouts derived by hand from Apache Kafka's message specs
// (clients/src/main/resources/common/message/*.json): field order, "versions", "nullableVersions",
// "flexibleVersions" (compact lengths as N+1 unsigned varints, a tagged-field section after every struct).
#include "core/kafka/protocol/messages.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::kafka::protocol {
namespace {

Bytes str16(const std::string& s) {
  Bytes out;
  out.push_back(static_cast<std::uint8_t>(s.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(s.size()));
  for (char c : s) out.push_back(static_cast<std::uint8_t>(c));
  return out;
}

Bytes compact(const std::string& s) {
  Bytes out;
  out.push_back(static_cast<std::uint8_t>(s.size() + 1));
  for (char c : s) out.push_back(static_cast<std::uint8_t>(c));
  return out;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

const Bytes kI32_10000{0x00, 0x00, 0x27, 0x10};
const Bytes kI32_60000{0x00, 0x00, 0xEA, 0x60};

JoinGroupRequest sample_join() {
  JoinGroupRequest r;
  r.group_id = "g";
  r.session_timeout_ms = 10000;
  r.rebalance_timeout_ms = 60000;
  r.member_id = "";
  r.protocol_type = "connect";
  r.protocols = {{"default", {0x01, 0x02}}};
  return r;
}

TEST(Messages, RequestHeaderV1AndV2) {
  Writer w1;
  RequestHeader{ApiKey::JoinGroup, 5, 7, std::string("c")}.encode(w1);
  EXPECT_EQ(w1.data(), (Bytes{0x00, 0x0B, 0x00, 0x05, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 'c'}));
  Writer w2;
  RequestHeader{ApiKey::JoinGroup, 6, 7, std::string("c")}.encode(w2);
  // Header v2: ClientId stays a classic NULLABLE_STRING, then an empty tagged-field section.
  EXPECT_EQ(w2.data(), (Bytes{0x00, 0x0B, 0x00, 0x06, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 'c', 0x00}));
  Reader r(w2.data());
  const RequestHeader back = RequestHeader::decode(r);
  EXPECT_EQ(back.api, ApiKey::JoinGroup);
  EXPECT_EQ(back.api_version, 6);
  EXPECT_EQ(back.correlation_id, 7);
  EXPECT_EQ(back.client_id, std::optional<std::string>("c"));
  EXPECT_TRUE(r.at_end());
}

TEST(Messages, HeaderVersionsFollowFlexibleVersions) {
  EXPECT_EQ(request_header_version(ApiKey::JoinGroup, 5), 1);
  EXPECT_EQ(request_header_version(ApiKey::JoinGroup, 6), 2);
  EXPECT_EQ(response_header_version(ApiKey::SyncGroup, 3), 0);
  EXPECT_EQ(response_header_version(ApiKey::SyncGroup, 4), 1);
  EXPECT_EQ(request_header_version(ApiKey::ApiVersions, 3), 2);
  // ApiVersions responses always use header v0 (KIP-511).
  EXPECT_EQ(response_header_version(ApiKey::ApiVersions, 3), 0);
  EXPECT_FALSE(is_flexible(ApiKey::SaslHandshake, 1));
  EXPECT_TRUE(is_flexible(ApiKey::SaslAuthenticate, 2));
}

TEST(Messages, ApiVersionsRequest) {
  ApiVersionsRequest req{"sluice", "0.1.0"};
  EXPECT_TRUE(req.encode(2).empty());
  EXPECT_EQ(req.encode(3), cat({compact("sluice"), compact("0.1.0"), {0x00}}));
  const auto back = ApiVersionsRequest::decode(req.encode(3), 3);
  EXPECT_EQ(back.client_software_name, "sluice");
  EXPECT_EQ(back.client_software_version, "0.1.0");
}

TEST(Messages, ApiVersionsResponseV3SkipsTaggedFeatures) {
  const Bytes body{0x00, 0x00,                                // ErrorCode
                   0x03,                                      // 2 ApiKeys
                   0x00, 0x0B, 0x00, 0x00, 0x00, 0x09, 0x00,  // JoinGroup 0-9, no tags
                   0x00, 0x12, 0x00, 0x00, 0x00, 0x03, 0x00,  // ApiVersions 0-3
                   0x00, 0x00, 0x00, 0x00,                    // ThrottleTimeMs
                   0x01, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00,
                   0x00, 0x00, 0x00, 0x07};  // tag 1 (FinalizedFeaturesEpoch) = 7
  const auto r = ApiVersionsResponse::decode(body, 3);
  EXPECT_EQ(r.error_code, 0);
  ASSERT_EQ(r.api_keys.size(), 2u);
  EXPECT_EQ(r.api_keys.at(11), (VersionRange{0, 9}));
  EXPECT_EQ(r.api_keys.at(18), (VersionRange{0, 3}));
}

TEST(Messages, ApiVersionsResponseV0) {
  const Bytes body{0x00, 0x23, 0x00, 0x00, 0x00, 0x01, 0x00, 0x12, 0x00, 0x00, 0x00, 0x02};
  const auto r = ApiVersionsResponse::decode(body, 0);
  EXPECT_EQ(r.error_code, 35);
  EXPECT_EQ(r.api_keys.at(18), (VersionRange{0, 2}));
  EXPECT_EQ(ApiVersionsResponse::decode(r.encode(0), 0).api_keys, r.api_keys);
}

TEST(Messages, FindCoordinatorRequestAcrossVersions) {
  FindCoordinatorRequest req{"g", 0};
  EXPECT_EQ(req.encode(0), str16("g"));
  EXPECT_EQ(req.encode(2), cat({str16("g"), {0x00}}));
  EXPECT_EQ(req.encode(3), cat({compact("g"), {0x00}, {0x00}}));
  // v4: KeyType then CoordinatorKeys (compact array of compact strings).
  EXPECT_EQ(req.encode(4), cat({{0x00}, {0x02}, compact("g"), {0x00}}));
  for (std::int16_t v = 0; v <= 4; ++v)
    EXPECT_EQ(FindCoordinatorRequest::decode(req.encode(v), v).key, "g") << v;
}

TEST(Messages, FindCoordinatorResponseV2AndV4) {
  const Bytes v2 = cat({{0, 0, 0, 0}, {0, 0}, {0xFF, 0xFF}, {0, 0, 0, 1}, str16("h"), {0, 0, 0x23, 0x84}});
  const auto r2 = FindCoordinatorResponse::decode(v2, 2);
  EXPECT_EQ(r2.error_code, 0);
  EXPECT_EQ(r2.error_message, std::nullopt);
  EXPECT_EQ(r2.node_id, 1);
  EXPECT_EQ(r2.host, "h");
  EXPECT_EQ(r2.port, 9092);
  EXPECT_EQ(r2.encode(2), v2);

  const Bytes v4 = cat({{0, 0, 0, 0},
                        {0x02},
                        compact("g"),
                        {0, 0, 0, 1},
                        compact("h"),
                        {0, 0, 0x23, 0x84},
                        {0, 0},
                        {0x00},
                        {0x00},
                        {0x00}});
  const auto r4 = FindCoordinatorResponse::decode(v4, 4);
  EXPECT_EQ(r4.key, "g");
  EXPECT_EQ(r4.host, "h");
  EXPECT_EQ(r4.port, 9092);
  EXPECT_EQ(r4.encode(4), v4);
}

TEST(Messages, JoinGroupRequestV0V1V5V6V8) {
  const JoinGroupRequest req = sample_join();
  const Bytes protocols_v0 = cat({{0, 0, 0, 1}, str16("default"), {0, 0, 0, 2, 0x01, 0x02}});
  EXPECT_EQ(req.encode(0), cat({str16("g"), kI32_10000, str16(""), str16("connect"), protocols_v0}));
  EXPECT_EQ(req.encode(1),
            cat({str16("g"), kI32_10000, kI32_60000, str16(""), str16("connect"), protocols_v0}));
  EXPECT_EQ(
      req.encode(5),
      cat({str16("g"), kI32_10000, kI32_60000, str16(""), {0xFF, 0xFF}, str16("connect"), protocols_v0}));
  const Bytes protocols_v6 = cat({{0x02}, compact("default"), {0x03, 0x01, 0x02}, {0x00}});
  EXPECT_EQ(req.encode(6), cat({compact("g"),
                                kI32_10000,
                                kI32_60000,
                                compact(""),
                                {0x00},
                                compact("connect"),
                                protocols_v6,
                                {0x00}}));
  JoinGroupRequest with_reason = req;
  with_reason.reason = "r";
  EXPECT_EQ(with_reason.encode(8), cat({compact("g"),
                                        kI32_10000,
                                        kI32_60000,
                                        compact(""),
                                        {0x00},
                                        compact("connect"),
                                        protocols_v6,
                                        compact("r"),
                                        {0x00}}));
  // The reason is not sent below v8.
  EXPECT_EQ(with_reason.encode(7), req.encode(7));
}

TEST(Messages, JoinGroupRequestRoundTripsInEveryVersion) {
  JoinGroupRequest req = sample_join();
  req.reason = "rebalance";
  for (std::int16_t v = 0; v <= client_versions(ApiKey::JoinGroup).max; ++v) {
    const auto back = JoinGroupRequest::decode(req.encode(v), v);
    EXPECT_EQ(back.group_id, "g") << v;
    EXPECT_EQ(back.session_timeout_ms, 10000) << v;
    EXPECT_EQ(back.rebalance_timeout_ms, v >= 1 ? 60000 : -1) << v;
    EXPECT_EQ(back.protocol_type, "connect") << v;
    EXPECT_EQ(back.protocols, req.protocols) << v;
    EXPECT_EQ(back.reason, v >= 8 ? std::optional<std::string>("rebalance") : std::nullopt) << v;
  }
}

TEST(Messages, JoinGroupResponseV0V5V7V9) {
  const Bytes v0 = cat({{0, 0},
                        {0, 0, 0, 1},
                        str16("default"),
                        str16("m1"),
                        str16("m1"),
                        {0, 0, 0, 1},
                        str16("m1"),
                        {0, 0, 0, 1, 0xAA}});
  const auto r0 = JoinGroupResponse::decode(v0, 0);
  EXPECT_EQ(r0.generation_id, 1);
  EXPECT_EQ(r0.protocol_name, std::optional<std::string>("default"));
  EXPECT_EQ(r0.leader, "m1");
  EXPECT_EQ(r0.member_id, "m1");
  ASSERT_EQ(r0.members.size(), 1u);
  EXPECT_EQ(r0.members[0].metadata, Bytes{0xAA});
  EXPECT_EQ(r0.encode(0), v0);

  // v5: ThrottleTimeMs first, GroupInstanceId per member.
  const Bytes v5 = cat({{0, 0, 0, 0},
                        {0, 0},
                        {0, 0, 0, 1},
                        str16("default"),
                        str16("m1"),
                        str16("m1"),
                        {0, 0, 0, 1},
                        str16("m1"),
                        {0xFF, 0xFF},
                        {0, 0, 0, 1, 0xAA}});
  EXPECT_EQ(JoinGroupResponse::decode(v5, 5).members, r0.members);
  EXPECT_EQ(r0.encode(5), v5);

  JoinGroupResponse r7 = r0;
  r7.protocol_type = "connect";
  const Bytes v7 = cat({{0, 0, 0, 0},
                        {0, 0},
                        {0, 0, 0, 1},
                        compact("connect"),
                        compact("default"),
                        compact("m1"),
                        compact("m1"),
                        {0x02},
                        compact("m1"),
                        {0x00},
                        {0x02, 0xAA},
                        {0x00},
                        {0x00}});
  EXPECT_EQ(r7.encode(7), v7);
  const auto back7 = JoinGroupResponse::decode(v7, 7);
  EXPECT_EQ(back7.protocol_type, std::optional<std::string>("connect"));
  EXPECT_EQ(back7.members, r0.members);

  // v9: SkipAssignment after Leader.
  r7.skip_assignment = true;
  const Bytes v9 = cat({{0, 0, 0, 0},
                        {0, 0},
                        {0, 0, 0, 1},
                        compact("connect"),
                        compact("default"),
                        compact("m1"),
                        {0x01},
                        compact("m1"),
                        {0x02},
                        compact("m1"),
                        {0x00},
                        {0x02, 0xAA},
                        {0x00},
                        {0x00}});
  EXPECT_EQ(r7.encode(9), v9);
  EXPECT_TRUE(JoinGroupResponse::decode(v9, 9).skip_assignment);
}

TEST(Messages, JoinGroupErrorResponseFromLibrdkafkasMockWithNullStrings) {
  // rd_kafka_mock_handle_JoinGroup's error path writes null ProtocolName, Leader and MemberId at v5.
  const Bytes body = cat({{0, 0, 0, 0},
                          {0, 0x0F},
                          {0xFF, 0xFF, 0xFF, 0xFF},
                          {0xFF, 0xFF},
                          {0xFF, 0xFF},
                          {0xFF, 0xFF},
                          {0, 0, 0, 0}});
  const auto r = JoinGroupResponse::decode(body, 5);
  EXPECT_EQ(r.error_code, 15);
  EXPECT_EQ(r.generation_id, -1);
  EXPECT_EQ(r.member_id, "");
  EXPECT_TRUE(r.members.empty());
}

TEST(Messages, SyncGroupRequestV0V3V4V5) {
  SyncGroupRequest req;
  req.group_id = "g";
  req.generation_id = 3;
  req.member_id = "m1";
  req.protocol_type = "connect";
  req.protocol_name = "sessioned";
  req.assignments = {{"m1", {0xBB}}};
  const Bytes assignments_v0 = cat({{0, 0, 0, 1}, str16("m1"), {0, 0, 0, 1, 0xBB}});
  EXPECT_EQ(req.encode(0), cat({str16("g"), {0, 0, 0, 3}, str16("m1"), assignments_v0}));
  EXPECT_EQ(req.encode(3), cat({str16("g"), {0, 0, 0, 3}, str16("m1"), {0xFF, 0xFF}, assignments_v0}));
  const Bytes assignments_v4 = cat({{0x02}, compact("m1"), {0x02, 0xBB}, {0x00}});
  EXPECT_EQ(req.encode(4), cat({compact("g"), {0, 0, 0, 3}, compact("m1"), {0x00}, assignments_v4, {0x00}}));
  EXPECT_EQ(req.encode(5), cat({compact("g"),
                                {0, 0, 0, 3},
                                compact("m1"),
                                {0x00},
                                compact("connect"),
                                compact("sessioned"),
                                assignments_v4,
                                {0x00}}));
  const auto back = SyncGroupRequest::decode(req.encode(5), 5);
  EXPECT_EQ(back.protocol_name, std::optional<std::string>("sessioned"));
  EXPECT_EQ(back.assignments, req.assignments);
}

TEST(Messages, SyncGroupResponseV0V1V4V5) {
  SyncGroupResponse resp;
  resp.assignment = {0xCC, 0xDD};
  resp.protocol_type = "connect";
  resp.protocol_name = "compatible";
  EXPECT_EQ(resp.encode(0), (Bytes{0, 0, 0, 0, 0, 2, 0xCC, 0xDD}));
  EXPECT_EQ(resp.encode(1), (Bytes{0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0xCC, 0xDD}));
  EXPECT_EQ(resp.encode(4), (Bytes{0, 0, 0, 0, 0, 0, 0x03, 0xCC, 0xDD, 0x00}));
  EXPECT_EQ(resp.encode(5),
            cat({{0, 0, 0, 0, 0, 0}, compact("connect"), compact("compatible"), {0x03, 0xCC, 0xDD, 0x00}}));
  for (std::int16_t v = 0; v <= 5; ++v)
    EXPECT_EQ(SyncGroupResponse::decode(resp.encode(v), v).assignment, resp.assignment);
}

TEST(Messages, HeartbeatRequestAndResponse) {
  HeartbeatRequest req{"g", 3, "m1", std::nullopt};
  EXPECT_EQ(req.encode(0), cat({str16("g"), {0, 0, 0, 3}, str16("m1")}));
  EXPECT_EQ(req.encode(3), cat({str16("g"), {0, 0, 0, 3}, str16("m1"), {0xFF, 0xFF}}));
  EXPECT_EQ(req.encode(4), cat({compact("g"), {0, 0, 0, 3}, compact("m1"), {0x00}, {0x00}}));
  EXPECT_EQ(HeartbeatResponse::decode(Bytes{0, 0x1B}, 0).error_code, 27);
  EXPECT_EQ(HeartbeatResponse::decode(Bytes{0, 0, 0, 5, 0, 0x1B}, 3).throttle_time_ms, 5);
  EXPECT_EQ(HeartbeatResponse::decode(Bytes{0, 0, 0, 0, 0, 0x16, 0x00}, 4).error_code, 22);
  EXPECT_THROW(HeartbeatResponse::decode(Bytes{0, 0, 0, 0, 0, 0x16}, 4), DecodeError);  // missing tags
}

TEST(Messages, LeaveGroupRequestBeforeAndAfterBatching) {
  LeaveGroupRequest req{"g", "m1", std::nullopt, std::string("bye")};
  EXPECT_EQ(req.encode(0), cat({str16("g"), str16("m1")}));
  EXPECT_EQ(req.encode(1), req.encode(0));
  EXPECT_EQ(req.encode(3), cat({str16("g"), {0, 0, 0, 1}, str16("m1"), {0xFF, 0xFF}}));
  EXPECT_EQ(req.encode(4), cat({compact("g"), {0x02}, compact("m1"), {0x00}, {0x00}, {0x00}}));
  EXPECT_EQ(req.encode(5),
            cat({compact("g"), {0x02}, compact("m1"), {0x00}, compact("bye"), {0x00}, {0x00}}));
  for (std::int16_t v = 0; v <= 5; ++v)
    EXPECT_EQ(LeaveGroupRequest::decode(req.encode(v), v).member_id, "m1") << v;
}

TEST(Messages, LeaveGroupResponse) {
  LeaveGroupResponse resp;
  resp.members = {{"m1", std::nullopt, 0}};
  EXPECT_EQ(resp.encode(0), (Bytes{0, 0}));
  EXPECT_EQ(resp.encode(1), (Bytes{0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(resp.encode(3), cat({{0, 0, 0, 0, 0, 0}, {0, 0, 0, 1}, str16("m1"), {0xFF, 0xFF}, {0, 0}}));
  EXPECT_EQ(LeaveGroupResponse::decode(resp.encode(4), 4).members, resp.members);
}

TEST(Messages, SaslHandshakeAndAuthenticate) {
  EXPECT_EQ(SaslHandshakeRequest{"PLAIN"}.encode(1), str16("PLAIN"));
  const Bytes hs = cat({{0, 0x21}, {0, 0, 0, 2}, str16("PLAIN"), str16("SCRAM-SHA-256")});
  const auto r = SaslHandshakeResponse::decode(hs, 1);
  EXPECT_EQ(r.error_code, 33);
  EXPECT_EQ(r.mechanisms, (std::vector<std::string>{"PLAIN", "SCRAM-SHA-256"}));

  SaslAuthenticateRequest auth{{'x', 'y'}};
  EXPECT_EQ(auth.encode(1), (Bytes{0, 0, 0, 2, 'x', 'y'}));
  EXPECT_EQ(auth.encode(2), (Bytes{0x03, 'x', 'y', 0x00}));
  SaslAuthenticateResponse resp;
  resp.error_code = 58;
  resp.error_message = "bad";
  resp.session_lifetime_ms = 1000;
  EXPECT_EQ(resp.encode(1), cat({{0, 58}, str16("bad"), {0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0x03, 0xE8}}));
  EXPECT_EQ(resp.encode(2), cat({{0, 58}, compact("bad"), {0x01}, {0, 0, 0, 0, 0, 0, 0x03, 0xE8}, {0x00}}));
  const auto back = SaslAuthenticateResponse::decode(resp.encode(2), 2);
  EXPECT_EQ(back.error_message, std::optional<std::string>("bad"));
  EXPECT_EQ(back.session_lifetime_ms, 1000);
}

TEST(Messages, TrailingBytesAreAnError) {
  try {
    HeartbeatResponse::decode(Bytes{0, 0, 0, 0, 0, 0, 0xFF}, 3);
    FAIL() << "expected DecodeError";
  } catch (const DecodeError& e) {
    EXPECT_STREQ(e.what(), "Malformed Kafka protocol data: 1 unexpected bytes after HeartbeatResponse");
  }
}

TEST(Messages, ClientVersionRanges) {
  EXPECT_EQ(client_versions(ApiKey::JoinGroup), (VersionRange{0, 9}));
  EXPECT_EQ(client_versions(ApiKey::SyncGroup), (VersionRange{0, 5}));
  EXPECT_EQ(client_versions(ApiKey::Heartbeat), (VersionRange{0, 4}));
  EXPECT_EQ(client_versions(ApiKey::LeaveGroup), (VersionRange{0, 5}));
  EXPECT_EQ(client_versions(ApiKey::FindCoordinator), (VersionRange{0, 4}));
  EXPECT_EQ(client_versions(ApiKey::SaslHandshake), (VersionRange{1, 1}));
  EXPECT_STREQ(api_name(ApiKey::SaslAuthenticate), "SaslAuthenticate");
}

}  // namespace
}  // namespace sluice::kafka::protocol
