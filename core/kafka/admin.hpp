#pragma once
// Admin: synchronous metadata, topic and consumer-group operations (Kafka's Admin client, the part the worker
// needs): partition counts, the cluster id, creating topics, a group's committed offsets, altering and deleting
// them, deleting a group, partition watermarks.
//
// The dev broker (librdkafka's mock cluster, see dev_broker.hpp) has no CreateTopics, OffsetDelete or
// DeleteGroups. librdkafka 2.0.2 aborts the whole process (an assertion in its request code) when an
// OffsetDelete or DeleteGroups request fails because the broker lacks the API, and a CreateTopics request
// only times out there ("Failed while waiting for controller"), so these calls first check is_dev_broker()
// and throw KafkaError (code RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE) there instead of sending the request.
// Callers choose a fallback.
//
// Threads: every method blocks the calling thread up to its timeout; one Admin may be used from several
// threads (librdkafka handles are thread-safe).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/kafka/client.hpp"
#include "core/kafka/consumer.hpp"
#include "core/kafka/handles.hpp"
#include "core/kafka/producer.hpp"

namespace sluice::kafka {

// A topic to create (Kafka's NewTopic). -1 partitions or replication factor: the broker's default (brokers
// 2.4 and newer).
struct NewTopic {
  std::string name;
  int partitions = -1;
  int replication_factor = -1;
  std::map<std::string, std::string> configs;  // topic configs, e.g. cleanup.policy=compact
};

class Admin {
 public:
  // `properties`: Java or librdkafka client properties (bootstrap.servers, security settings).
  Admin(const Properties& properties, std::string name);

  // The cluster id from Metadata; throws KafkaError when no broker answers in time.
  std::string cluster_id(std::chrono::milliseconds timeout);
  // True when the cluster is librdkafka's mock cluster (cluster ids "mockCluster<hex>").
  bool is_dev_broker(std::chrono::milliseconds timeout);

  // Partition counts of every topic in the cluster (one Metadata request).
  std::map<std::string, int> partition_counts(std::chrono::milliseconds timeout);
  // The partition count of one topic (a Metadata request for that topic only), nullopt while the broker does
  // not know it or has no leader for it yet. Brokers that create topics on first use (the dev broker, Kafka
  // with auto.create.topics.enable) may create it on this request. Throws KafkaError when no broker answers in
  // time or the broker refuses (e.g. TOPIC_AUTHORIZATION_FAILED).
  std::optional<int> partition_count(const std::string& topic, std::chrono::milliseconds timeout);

  // Creates a topic (CreateTopics). True when it was created, false when it already existed. Throws KafkaError
  // with the broker's message otherwise (e.g. INVALID_REPLICATION_FACTOR), and _UNSUPPORTED_FEATURE on the dev
  // broker without sending the request.
  bool create_topic(const NewTopic& topic, std::chrono::milliseconds timeout);

  // A group's committed next-offsets. `partitions` nullopt: every partition the group committed (the dev
  // broker answers this with nothing; pass the partitions there). Partitions without a committed offset
  // are absent. Throws KafkaError.
  std::map<TopicPartition, std::int64_t> list_group_offsets(const std::string& group,
                                                            const std::optional<std::vector<TopicPartition>>& partitions,
                                                            std::chrono::milliseconds timeout);
  // Commits offsets for an (empty) group. Throws KafkaError naming the first failing partition, e.g. code
  // UNKNOWN_MEMBER_ID when members of the group are still active.
  void alter_group_offsets(const std::string& group, const std::map<TopicPartition, std::int64_t>& offsets,
                           std::chrono::milliseconds timeout);
  // Deletes committed offsets (OffsetDelete). Throws KafkaError (GROUP_SUBSCRIBED_TO_TOPIC while members
  // consume these topics; _UNSUPPORTED_FEATURE on the dev broker).
  void delete_group_offsets(const std::string& group, const std::vector<TopicPartition>& partitions,
                            std::chrono::milliseconds timeout);
  // Deletes the group. False when it did not exist. Throws KafkaError (NON_EMPTY_GROUP while members are
  // active; _UNSUPPORTED_FEATURE on the dev broker).
  bool delete_group(const std::string& group, std::chrono::milliseconds timeout);

  // Low and high watermark of a partition.
  std::pair<std::int64_t, std::int64_t> watermarks(const TopicPartition& tp, std::chrono::milliseconds timeout);

  rd_kafka_t& handle() { return *rk_; }

 private:
  std::string name_;
  std::atomic<int> dev_broker_{-1};  // -1 unknown, 0 no, 1 yes
  KafkaHandle rk_;
};

}  // namespace sluice::kafka
