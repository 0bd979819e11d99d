#pragma once
// DevBroker: an in-memory Kafka cluster for development and tests, built on librdkafka's mock cluster.
//
// What it is: brokers listening on 127.0.0.1 at ports the OS picks (librdkafka 2.0.2 cannot choose the
// port, so always read bootstrap()). It supports produce/fetch, consumer groups and the group membership
// APIs, idempotent producers, headers and timestamps. It has no CreateTopics/DeleteTopics/DescribeConfigs,
// so topics are created through create_topic(); a topic that a client produces to (or asks metadata for)
// before it was created is auto-created with 4 partitions, the mock cluster's default. All data lives in
// memory and is gone when the DevBroker is destroyed.
//
// On construction it creates Kafka Connect's default internal topics with the partition counts Kafka
// Connect uses by default: connect-configs 1, connect-offsets 25, connect-status 5.
//
// Ownership and threads: the owner controls the lifetime; the destructor stops the brokers. The mock
// cluster runs on its own librdkafka thread; create_topic() and the accessors may be called from any
// thread. It prints nothing: librdkafka's log lines go to the spdlog logger "sluice.kafka.dev-broker"
// (debug level, warnings for errors).

#include <memory>
#include <string>

#include "core/kafka/handles.hpp"

namespace spdlog {
class logger;
}

namespace sluice::kafka {

class DevBroker {
 public:
  // Kafka Connect's default internal topic names and partition counts (DistributedConfig defaults).
  static constexpr const char* kConfigTopic = "connect-configs";
  static constexpr int kConfigTopicPartitions = 1;
  static constexpr const char* kOffsetTopic = "connect-offsets";
  static constexpr int kOffsetTopicPartitions = 25;
  static constexpr const char* kStatusTopic = "connect-status";
  static constexpr int kStatusTopicPartitions = 5;
  // Partitions of a topic the mock cluster creates on first use.
  static constexpr int kAutoCreatedTopicPartitions = 4;

  // Starts `brokers` brokers (at least 1). Throws ConfigError for brokers < 1 and ConnectError when the
  // mock cluster cannot start.
  explicit DevBroker(int brokers = 1);
  ~DevBroker();
  DevBroker(const DevBroker&) = delete;
  DevBroker& operator=(const DevBroker&) = delete;

  // Comma-separated host:port list of every broker, for bootstrap.servers.
  const std::string& bootstrap() const { return bootstrap_; }
  int broker_count() const { return brokers_; }

  // Creates a topic with `partitions` partitions, replicated on min(brokers, 3) brokers. Throws ConfigError
  // with Kafka's message for an invalid name ("Topic name is invalid: ...") or partition count ("Number of
  // partitions must be larger than 0."), AlreadyExistsError "Topic '<name>' already exists." when the topic
  // exists (including auto-created ones), ConnectError for anything else.
  void create_topic(const std::string& name, int partitions);

  // For failure injection (rd_kafka_mock_broker_set_down, rd_kafka_mock_push_request_errors, ...).
  rd_kafka_mock_cluster_t& mock_cluster() { return *cluster_; }

 private:
  int brokers_;
  // Declared before the handles: librdkafka's log callback uses it until the client is destroyed.
  std::shared_ptr<spdlog::logger> logger_;
  KafkaHandle client_;         // the dummy producer the mock cluster is attached to
  MockClusterHandle cluster_;  // destroyed first (members are destroyed in reverse order)
  std::string bootstrap_;
};

}  // namespace sluice::kafka
