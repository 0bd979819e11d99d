#include "core/kafka/dev_broker.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/kafka/client.hpp"

namespace sluice::kafka {
namespace {

constexpr int kMaxReplicationFactor = 3;  // Kafka's usual default for internal topics

// The dummy producer has no bootstrap.servers, so librdkafka warns about it; none of that concerns the
// user of a dev broker. Route everything to the logger at debug level, keeping real errors visible.
void log_to_spdlog(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  auto* logger = static_cast<spdlog::logger*>(rd_kafka_opaque(rk));
  if (logger == nullptr) return;
  // syslog levels: 0..3 are emergency..error.
  const auto spd_level = level <= 3 ? spdlog::level::warn : spdlog::level::debug;
  logger->log(spd_level, "librdkafka {}: {}", facility, message);
}

}  // namespace

DevBroker::DevBroker(int brokers) : brokers_(brokers) {
  if (brokers < 1) {
    throw ConfigError("A dev broker needs at least 1 broker, got " + std::to_string(brokers));
  }
  logger_ = log::get("sluice.kafka.dev-broker");

  ConfHandle conf = make_conf({{"client.id", "sluice-dev-broker"}});
  rd_kafka_conf_set_opaque(conf.get(), logger_.get());
  rd_kafka_conf_set_log_cb(conf.get(), &log_to_spdlog);
  client_ = make_client(ClientType::Producer, std::move(conf));

  cluster_.reset(rd_kafka_mock_cluster_new(client_.get(), brokers));
  if (!cluster_) {
    throw ConnectError("Could not start the dev broker's mock Kafka cluster with " + std::to_string(brokers) +
                       " broker(s); see the sluice.kafka.dev-broker log for librdkafka's reason");
  }
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_.get());

  create_topic(kConfigTopic, kConfigTopicPartitions);
  create_topic(kOffsetTopic, kOffsetTopicPartitions);
  create_topic(kStatusTopic, kStatusTopicPartitions);
  logger_->debug("Dev broker with {} broker(s) listening at {}", brokers, bootstrap_);
}

DevBroker::~DevBroker() = default;

void DevBroker::create_topic(const std::string& name, int partitions) {
  if (auto error = topic_name_error(name)) throw ConfigError(*error);
  if (partitions < 1) throw ConfigError("Number of partitions must be larger than 0.");
  const int replication = std::min(brokers_, kMaxReplicationFactor);
  const rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_.get(), name.c_str(), partitions, replication);
  if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
    throw AlreadyExistsError("Topic '" + name + "' already exists.");
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw ConnectError("Could not create topic '" + name + "' on the dev broker: " + rd_kafka_err2str(err));
  }
}

}  // namespace sluice::kafka
