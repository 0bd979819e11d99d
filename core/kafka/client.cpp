#include "core/kafka/client.hpp"

#include <librdkafka/rdkafka.h>

#include <array>

#include "core/common/errors.hpp"

namespace sluice::kafka {
namespace {

// librdkafka properties whose values are secrets (its _RK_SENSITIVE set and friends).
bool is_secret(std::string_view key) {
  for (std::string_view marker :
       {"password", "secret", ".pem", "ssl_key", "sasl.jaas.config", "sasl.oauthbearer.config"}) {
    if (key.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

constexpr std::size_t kMaxTopicNameLength = 249;

}  // namespace

void set_property(rd_kafka_conf_t& conf, const std::string& key, const std::string& value) {
  std::array<char, 512> errstr{};
  if (rd_kafka_conf_set(&conf, key.c_str(), value.c_str(), errstr.data(), errstr.size()) !=
      RD_KAFKA_CONF_OK) {
    throw ConfigError("Invalid librdkafka property " + key + "=" + (is_secret(key) ? "[hidden]" : value) +
                      ": " + errstr.data());
  }
}

ConfHandle make_conf(const Properties& properties) {
  ConfHandle conf{rd_kafka_conf_new()};
  for (const auto& [key, value] : properties) set_property(*conf, key, value);
  return conf;
}

KafkaHandle make_client(ClientType type, ConfHandle conf) {
  std::array<char, 512> errstr{};
  const bool producer = type == ClientType::Producer;
  KafkaHandle rk{rd_kafka_new(producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER, conf.get(), errstr.data(),
                              errstr.size())};
  if (!rk) {
    throw ConfigError(std::string("Invalid librdkafka configuration for a ") +
                      (producer ? "producer" : "consumer") + ": " + errstr.data());
  }
  (void)conf.release();  // now owned by rk
  return rk;
}

KafkaHandle make_client(ClientType type, const Properties& properties) {
  return make_client(type, make_conf(properties));
}

std::map<std::string, int> fetch_partition_counts(rd_kafka_t& rk, std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(&rk, /*all_topics=*/1, nullptr, &raw, static_cast<int>(timeout.count()));
  MetadataHandle metadata{raw};
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw RetriableError("Timed out after " + std::to_string(timeout.count()) +
                         " ms fetching Kafka metadata: " + rd_kafka_err2str(err));
  }
  std::map<std::string, int> counts;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const auto& topic = metadata->topics[i];
    if (topic.err == RD_KAFKA_RESP_ERR_NO_ERROR) counts[topic.topic] = topic.partition_cnt;
  }
  return counts;
}

std::optional<std::string> topic_name_error(std::string_view name) {
  const std::string prefix = "Topic name is invalid: ";
  if (name.empty()) return prefix + "the empty string is not allowed";
  if (name == ".") return prefix + "'.' is not allowed";
  if (name == "..") return prefix + "'..' is not allowed";
  const std::string quoted = "'" + std::string(name) + "'";
  if (name.size() > kMaxTopicNameLength) {
    return prefix + "the length of " + quoted + " is longer than the max allowed length " +
           std::to_string(kMaxTopicNameLength);
  }
  for (const char c : name) {
    const bool valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_' || c == '-';
    if (!valid)
      return prefix + quoted +
             " contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'";
  }
  return std::nullopt;
}

std::string error_text(int error_code) {
  return rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(error_code));
}

}  // namespace sluice::kafka
