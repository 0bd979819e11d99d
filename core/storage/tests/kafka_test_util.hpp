#pragma once
// Helpers for the Kafka-backed store tests: worker configs pointing at an in-process DevBroker, a plain
// producer that writes records the way a Java worker does (Java's murmur2 partitioner), a reader of the raw
// records of a topic, and Kafka's murmur2 to predict partitions. Used by one test thread at a time.

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/kafka/dev_broker.hpp"
#include "core/storage/kafka_store_config.hpp"

namespace sluice::storage::test_util {

using WorkerConfig = std::map<std::string, std::string>;

inline WorkerConfig worker_config(const kafka::DevBroker& broker) {
  return {{"bootstrap.servers", broker.bootstrap()},
          {"group.id", "connect-cluster"},
          {"config.storage.topic", kafka::DevBroker::kConfigTopic},
          {"offset.storage.topic", kafka::DevBroker::kOffsetTopic},
          {"status.storage.topic", kafka::DevBroker::kStatusTopic}};
}

inline KafkaStoreOptions store_options(const kafka::DevBroker& broker, const WorkerConfig& extra = {}) {
  WorkerConfig worker = worker_config(broker);
  for (const auto& [k, v] : extra) worker[k] = v;
  KafkaStoreOptions options = kafka_store_options(worker, "127.0.0.1:8083");
  options.timeout = std::chrono::seconds(20);
  return options;
}

struct RawRecord {
  std::string key;
  std::optional<std::string> value;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  bool operator==(const RawRecord&) const = default;
};

// Kafka's Utils.murmur2 and the default partitioner's choice for a keyed record.
inline std::int32_t java_partition(const std::string& key, int partitions) {
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  const int length = static_cast<int>(key.size());
  const std::uint32_t seed = 0x9747b28c;
  const std::uint32_t m = 0x5bd1e995;
  const int r = 24;
  std::uint32_t h = seed ^ static_cast<std::uint32_t>(length);
  const int length4 = length / 4;
  for (int i = 0; i < length4; ++i) {
    const int i4 = i * 4;
    std::uint32_t k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) |
                      (static_cast<std::uint32_t>(data[i4 + 3]) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  switch (length % 4) {
    case 3: h ^= static_cast<std::uint32_t>(data[(length & ~3) + 2]) << 16; [[fallthrough]];
    case 2: h ^= static_cast<std::uint32_t>(data[(length & ~3) + 1]) << 8; [[fallthrough]];
    case 1: h ^= data[length & ~3]; h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<std::int32_t>((h & 0x7fffffff) % static_cast<std::uint32_t>(partitions));
}

// Writes records in order to the partition a Java worker's producer picks, and waits for them.
inline void produce(const kafka::DevBroker& broker, const std::string& topic,
                    const std::vector<std::pair<std::string, std::optional<std::string>>>& records) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", broker.bootstrap().c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "partitioner", "murmur2_random", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  ASSERT_NE(rk, nullptr) << err;
  for (const auto& [key, value] : records) {
    void* v = value ? const_cast<char*>(value->data()) : nullptr;
    const std::size_t size = value ? value->size() : 0;
    ASSERT_EQ(rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()),
                                RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                                RD_KAFKA_V_VALUE(v, size), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  EXPECT_EQ(rd_kafka_flush(rk, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy(rk);
}

// Every record of the topic, partition by partition, in offset order.
inline std::vector<RawRecord> read_all(const kafka::DevBroker& broker, const std::string& topic,
                                       int partitions) {
  std::vector<RawRecord> out;
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", broker.bootstrap().c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", "raw-reader", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.partition.eof", "true", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
  rd_kafka_conf_set(conf, "fetch.wait.max.ms", "10", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  int eofs = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (eofs < partitions && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ++eofs;
    } else if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      RawRecord r;
      if (m->key != nullptr) r.key.assign(static_cast<const char*>(m->key), m->key_len);
      if (m->payload != nullptr) r.value.emplace(static_cast<const char*>(m->payload), m->len);
      r.partition = m->partition;
      r.offset = m->offset;
      out.push_back(std::move(r));
    }
    rd_kafka_message_destroy(m);
  }
  EXPECT_EQ(eofs, partitions) << "did not reach the end of every partition of " << topic;
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  std::stable_sort(out.begin(), out.end(), [](const RawRecord& a, const RawRecord& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });
  return out;
}

// key -> value of the records, in topic order (later records win), for compact comparisons.
inline std::vector<std::pair<std::string, std::optional<std::string>>> key_values(
    const std::vector<RawRecord>& records) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  for (const auto& r : records) out.emplace_back(r.key, r.value);
  return out;
}

}  // namespace sluice::storage::test_util
