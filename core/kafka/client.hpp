#pragma once
// Small helpers around librdkafka configuration and clients, usable without including rdkafka.h.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/kafka/handles.hpp"

namespace sluice::kafka {

using Properties = std::map<std::string, std::string>;

// Sets one librdkafka property (global or default-topic). Throws ConfigError
//   Invalid librdkafka property <key>=<value>: <librdkafka's message>
// with the value shown as [hidden] for secrets (passwords, keys, client secrets), as Kafka masks them.
void set_property(rd_kafka_conf_t& conf, const std::string& key, const std::string& value);

// A new conf with every property set; same errors as set_property().
ConfHandle make_conf(const Properties& properties);

enum class ClientType { Producer, Consumer };

// Creates a client, taking ownership of `conf` (librdkafka keeps it on success; it is freed on failure).
// Throws ConfigError "Invalid librdkafka configuration for a <producer|consumer>: <librdkafka's message>"
// when librdkafka rejects the combination of properties.
KafkaHandle make_client(ClientType type, ConfHandle conf);
KafkaHandle make_client(ClientType type, const Properties& properties);

// Partition counts of every topic the cluster reports, from one Metadata request. Throws RetriableError
// "Timed out after <n> ms fetching Kafka metadata: <librdkafka's message>" when no broker answers.
std::map<std::string, int> fetch_partition_counts(rd_kafka_t& rk, std::chrono::milliseconds timeout);

// Kafka's topic name rules (org.apache.kafka.common.internals.Topic): nullopt for a valid name, otherwise
// Kafka's message, e.g. "Topic name is invalid: 'a b' contains one or more characters other than ASCII
// alphanumerics, '.', '_' and '-'".
std::optional<std::string> topic_name_error(std::string_view name);

// librdkafka's description of an error code (rd_kafka_err2str).
std::string error_text(int error_code);

}  // namespace sluice::kafka
