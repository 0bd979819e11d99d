#pragma once
// Settings of the distributed worker's three Kafka-backed stores (config, offsets, statuses), read from the
// worker config the way Kafka's DistributedConfig and the Kafka*BackingStore classes read them:
//   config.storage.topic (required), config.storage.replication.factor (3; the topic always has 1 partition)
//   offset.storage.topic (required), offset.storage.partitions (25), offset.storage.replication.factor (3)
//   status.storage.topic (required), status.storage.partitions (5), status.storage.replication.factor (3)
// -1 partitions or replication factor means the broker's default. The internal clients get the worker's
// connection settings only: bootstrap.servers, security.protocol, sasl.*, ssl.* and the worker-level network
// keys (never producer.*/consumer.*, which are for connectors' clients). Client ids are Kafka's:
// "<group.id>[-<client.id>]-configs", "-offsets", "-statuses".
//
// Plain values; no threads.

#include <chrono>
#include <map>
#include <string>

namespace sluice::storage {

// One internal topic and how the worker creates it when it is missing (always compacted).
struct KafkaTopicSettings {
  std::string topic;
  std::string config_key;  // the worker key naming the topic, e.g. "config.storage.topic" (for messages)
  std::string purpose;     // what it holds, e.g. "connector configurations" (for messages)
  int partitions = 1;
  int replication_factor = 3;  // -1: the broker's default
  // The config topic: more than one partition is refused (ordering of task configs and commits).
  bool require_single_partition = false;
};

struct KafkaStoreOptions {
  std::map<std::string, std::string> client;  // Kafka client properties shared by every internal client
  std::string client_id_base;                 // "<group.id>-" or "<group.id>-<client.id>-"
  std::string
      group_id;  // the worker's group.id; the readers' consumers carry it (never joined, nothing committed)
  std::string worker_id;  // "<host>:<port>", for log lines
  KafkaTopicSettings config_topic;
  KafkaTopicSettings offset_topic;
  KafkaTopicSettings status_topic;
  // Upper bound of every blocking step (start, read to end, a write and its read-back): Kafka's 30 s.
  std::chrono::milliseconds timeout{30000};
  // Extra producer properties for all three stores (tuning and tests, e.g. message.timeout.ms); applied last.
  std::map<std::string, std::string> producer_overrides;
};

// Reads the worker config. Throws ConfigError with Kafka's messages: `Missing required configuration
// "config.storage.topic" which has no default value.`, "Must specify topic for connector configuration.",
// "Offset storage topic must be specified", "Must specify topic for connector status.", and "Invalid value
// <v> for configuration <key>: ..." for partitions and replication factors.
KafkaStoreOptions kafka_store_options(const std::map<std::string, std::string>& worker,
                                      std::string worker_id);

}  // namespace sluice::storage
