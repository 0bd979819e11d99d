// Forwarding of leader-only requests: a follower RestServer whose herder throws NotLeaderError forwards the
// request to a second RestServer acting as leader and relays its answer (Kafka's HerderRequestHandler).
#include "core/common/errors.hpp"
#include "rest-api/forwarder.hpp"
#include "rest-api/tests/server_fixture.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace sluice::rest::testing {
namespace {

class ForwardingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_capture()->clear();
    leader_ = std::make_unique<RestServer>(local_config());
    leader_->start();
    leader_->set_herder(&leader_herder_);
    follower_ = std::make_unique<RestServer>(local_config());
    follower_->start();
    follower_->set_herder(&follower_herder_);
    leader_url_ = "http://127.0.0.1:" + std::to_string(leader_->ports().at(0)) + "/";
    follower_port_ = follower_->ports().at(0);
  }
  void TearDown() override {
    follower_->stop();
    leader_->stop();
  }
  // The follower's herder answers `method` with NotLeaderError pointing at `url`.
  void not_leader(FakeHerder& herder, const std::string& method, const std::string& url) {
    herder.fail(method, [url] {
      throw herder::NotLeaderError("Cannot complete request because this worker is not the leader", url);
    });
  }

  FakeHerder leader_herder_;
  FakeHerder follower_herder_;
  std::unique_ptr<RestServer> leader_;
  std::unique_ptr<RestServer> follower_;
  std::string leader_url_;
  std::uint16_t follower_port_ = 0;
};

TEST_F(ForwardingTest, CreateIsForwardedToTheLeaderAndRelayed) {
  not_leader(follower_herder_, "put_connector_config", leader_url_);
  auto r = http(follower_port_, "POST", "/connectors",
                std::string(R"({"name":"my conn","config":{"tasks.max":1}})"));
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body,
            R"({"name":"my conn","config":{"name":"my conn","tasks.max":"1"},"tasks":[],"type":"source"})");
  EXPECT_EQ(r.header("location"),
            "http://127.0.0.1:" + std::to_string(follower_port_) + "/connectors/my%20conn");
  auto call = leader_herder_.last_call("put_connector_config");
  ASSERT_TRUE(call);
  EXPECT_EQ(call->name, "my conn");
  EXPECT_EQ(call->config.at("tasks.max"), "1");
  EXPECT_TRUE(wait_for_log({"\"POST /connectors?forward=true HTTP/1.1\" 201", "\"kafka-connect\""}));
}

TEST_F(ForwardingTest, LeaderErrorsAreRelayedWithTheirStatusAndMessage) {
  leader_herder_.connectors_by_name["dup"] = herder::ConnectorInfo{"dup", {}, {}, "source"};
  not_leader(follower_herder_, "put_connector_config", leader_url_);
  auto r = http(follower_port_, "POST", "/connectors", std::string(R"({"name":"dup","config":{}})"));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body, error_json(409, "Connector dup already exists"));
}

TEST_F(ForwardingTest, RestartPlanQueryParametersAreForwarded) {
  leader_herder_.connectors_by_name["a"] = herder::ConnectorInfo{"a", {}, {{"a", 0}}, "sink"};
  herder::TaskStateInfo t0;
  t0.id = 0;
  t0.state = "FAILED";
  t0.worker_id = "l:8083";
  leader_herder_.statuses["a"] =
      herder::ConnectorStateInfo{"a", {"RUNNING", "l:8083", std::nullopt}, {t0}, "sink"};
  not_leader(follower_herder_, "restart_connector", leader_url_);
  auto r = http(follower_port_, "POST", "/connectors/a/restart?includeTasks=true&onlyFailed=true");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"name":"a","connector":{"state":"RUNNING","worker_id":"l:8083"},)"
                    R"("tasks":[{"id":0,"state":"RESTARTING","worker_id":"l:8083"}],"type":"sink"})");
  auto call = leader_herder_.last_call("restart_connector");
  ASSERT_TRUE(call);
  EXPECT_TRUE(call->restart.include_tasks);
  EXPECT_TRUE(call->restart.only_failed);
  EXPECT_TRUE(wait_for_log(
      {"\"POST /connectors/a/restart?forward=true&includeTasks=true&onlyFailed=true HTTP/1.1\" 202"}));
}

TEST_F(ForwardingTest, NoContentAnswersAreRelayed) {
  leader_herder_.connectors_by_name["a b"] = herder::ConnectorInfo{"a b", {}, {}, "sink"};
  not_leader(follower_herder_, "delete_connector", leader_url_);
  auto r = http(follower_port_, "DELETE", "/connectors/a%20b");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.body, "");
  EXPECT_TRUE(leader_herder_.last_call("delete_connector"));
  EXPECT_EQ(leader_herder_.connectors_by_name.count("a b"), 0u);
}

TEST_F(ForwardingTest, ForwardFalseMeansTwoHopsAreExhausted) {
  not_leader(follower_herder_, "delete_connector", leader_url_);
  auto r = http(follower_port_, "DELETE", "/connectors/a?forward=false");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(
      r.body,
      error_json(409, "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"));
  EXPECT_FALSE(leader_herder_.last_call("delete_connector"));
}

TEST_F(ForwardingTest, ForwardingLoopStopsAfterTwoHops) {
  // The "leader" does not know the leader either and points back at the follower.
  not_leader(follower_herder_, "stop_connector", leader_url_);
  not_leader(leader_herder_, "stop_connector", "http://127.0.0.1:" + std::to_string(follower_port_));
  auto r = http(follower_port_, "PUT", "/connectors/a/stop");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(
      r.body,
      error_json(409, "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"));
  EXPECT_TRUE(wait_for_log({"\"PUT /connectors/a/stop?forward=true HTTP/1.1\" 409"}));
  EXPECT_TRUE(wait_for_log({"\"PUT /connectors/a/stop?forward=false HTTP/1.1\" 409"}));
}

TEST_F(ForwardingTest, UnknownLeaderIs409) {
  not_leader(follower_herder_, "put_connector_config", "");
  auto r = http(follower_port_, "PUT", "/connectors/a/config", std::string("{}"));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body,
            error_json(409,
                       "Cannot complete request momentarily due to no known leader URL, likely because a "
                       "rebalance was underway."));
}

// Kafka answers 500 "IO Error trying to forward REST request: Connection refused" here; sluice answers the 409
// that clients retry: nothing listens at the leader's address, so the leader is gone and a rebalance is due.
TEST_F(ForwardingTest, RefusedLeaderConnectionIs409NoKnownLeader) {
  std::uint16_t closed_port = 0;
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor probe(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    closed_port = probe.local_endpoint().port();
  }
  not_leader(follower_herder_, "patch_connector_config", "http://127.0.0.1:" + std::to_string(closed_port));
  auto r = http(follower_port_, "PATCH", "/connectors/a/config", std::string("{}"));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body,
            error_json(409,
                       "Cannot complete request momentarily due to no known leader URL, likely because a "
                       "rebalance was underway."));
}

TEST(HttpForwarderTest, ARefusedConnectionIsTargetUnreachable) {
  std::uint16_t closed_port = 0;
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor probe(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    closed_port = probe.local_endpoint().port();
  }
  HttpForwarder forwarder(std::chrono::milliseconds(2000));
  try {
    forwarder.forward({"http://127.0.0.1:" + std::to_string(closed_port) + "/connectors", "GET", "", "", {}});
    FAIL() << "expected TargetUnreachableError";
  } catch (const TargetUnreachableError& e) {
    EXPECT_EQ(e.status(), 500);
    EXPECT_STREQ(e.what(), "IO Error trying to forward REST request: Connection refused");
  }
}

TEST(HttpForwarderTest, TimesOutOnASilentLeader) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor silent(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  HttpForwarder forwarder(std::chrono::milliseconds(200));
  try {
    forwarder.forward({"http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/connectors",
                       "GET", "", "", {}});
    FAIL() << "expected RestError";
  } catch (const herder::RestError& e) {
    EXPECT_EQ(e.status(), 500);
    EXPECT_STREQ(e.what(), "IO Error trying to forward REST request: timed out after 200 ms");
  }
}

}  // namespace
}  // namespace sluice::rest::testing
