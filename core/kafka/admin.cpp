#include "core/kafka/admin.hpp"

#include <librdkafka/rdkafka.h>

#include <array>
#include <memory>

#include "core/kafka/client_config.hpp"

namespace sluice::kafka {
namespace {

// RAII for the admin API's C objects, local to this file (nothing else creates them).
struct AdminDeleter {
  void operator()(rd_kafka_queue_t* q) const noexcept { rd_kafka_queue_destroy(q); }
  void operator()(rd_kafka_event_t* e) const noexcept { rd_kafka_event_destroy(e); }
  void operator()(rd_kafka_AdminOptions_t* o) const noexcept { rd_kafka_AdminOptions_destroy(o); }
  void operator()(rd_kafka_ListConsumerGroupOffsets_t* r) const noexcept { rd_kafka_ListConsumerGroupOffsets_destroy(r); }
  void operator()(rd_kafka_AlterConsumerGroupOffsets_t* r) const noexcept { rd_kafka_AlterConsumerGroupOffsets_destroy(r); }
  void operator()(rd_kafka_DeleteConsumerGroupOffsets_t* r) const noexcept { rd_kafka_DeleteConsumerGroupOffsets_destroy(r); }
  void operator()(rd_kafka_DeleteGroup_t* r) const noexcept { rd_kafka_DeleteGroup_destroy(r); }
  void operator()(rd_kafka_NewTopic_t* t) const noexcept { rd_kafka_NewTopic_destroy(t); }
};
template <typename T>
using Owned = std::unique_ptr<T, AdminDeleter>;

using Clock = std::chrono::steady_clock;

Owned<rd_kafka_AdminOptions_t> options(rd_kafka_t* rk, rd_kafka_admin_op_t op, std::chrono::milliseconds timeout) {
  Owned<rd_kafka_AdminOptions_t> o{rd_kafka_AdminOptions_new(rk, op)};
  char err[256];
  rd_kafka_AdminOptions_set_request_timeout(o.get(), static_cast<int>(timeout.count()), err, sizeof err);
  return o;
}

// Waits for the admin result on `queue`; throws KafkaError for a request-level error.
Owned<rd_kafka_event_t> await(rd_kafka_queue_t* queue, std::chrono::milliseconds timeout, const std::string& what) {
  // A little longer than the request timeout, so librdkafka's own timeout error wins.
  Owned<rd_kafka_event_t> event{rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 1000)};
  if (!event) {
    throw KafkaError(what + ": no answer within " + std::to_string(timeout.count()) + " ms",
                     RD_KAFKA_RESP_ERR__TIMED_OUT, true);
  }
  if (const rd_kafka_resp_err_t err = rd_kafka_event_error(event.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError(what + ": " + rd_kafka_event_error_string(event.get()), err,
                     err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT);
  }
  return event;
}

// Throws for a group-level error or the first partition-level error of a group result.
void check_group_result(const rd_kafka_group_result_t* result, const std::string& what) {
  if (const rd_kafka_error_t* e = rd_kafka_group_result_error(result)) {
    throw KafkaError(what + ": " + rd_kafka_error_string(e), rd_kafka_error_code(e), rd_kafka_error_is_retriable(e));
  }
  if (const rd_kafka_topic_partition_list_t* parts = rd_kafka_group_result_partitions(result)) {
    for (int i = 0; i < parts->cnt; ++i) {
      const auto& p = parts->elems[i];
      if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw KafkaError(what + " (" + std::string(p.topic) + "-" + std::to_string(p.partition) + "): " +
                             rd_kafka_err2str(p.err),
                         p.err, false);
      }
    }
  }
}

}  // namespace

Admin::Admin(const Properties& properties, std::string name) : name_(std::move(name)) {
  ClientConf conf = make_client_conf(properties, name_);
  rk_ = make_client(ClientType::Producer, std::move(conf.conf));
}

std::string Admin::cluster_id(std::chrono::milliseconds timeout) {
  char* id = rd_kafka_clusterid(rk_.get(), static_cast<int>(timeout.count()));
  if (id == nullptr) {
    throw KafkaError("The " + name_ + " could not read the Kafka cluster id within " + std::to_string(timeout.count()) +
                         " ms; check bootstrap.servers and that the brokers are reachable",
                     RD_KAFKA_RESP_ERR__TIMED_OUT, true);
  }
  std::string out = id;
  rd_kafka_mem_free(rk_.get(), id);
  return out;
}

bool Admin::is_dev_broker(std::chrono::milliseconds timeout) {
  int known = dev_broker_.load();
  if (known < 0) {
    known = cluster_id(timeout).starts_with("mockCluster") ? 1 : 0;
    dev_broker_.store(known);
  }
  return known == 1;
}

std::map<std::string, int> Admin::partition_counts(std::chrono::milliseconds timeout) {
  return fetch_partition_counts(*rk_, timeout);
}

std::optional<int> Admin::partition_count(const std::string& topic, std::chrono::milliseconds timeout) {
  TopicHandle rkt{rd_kafka_topic_new(rk_.get(), topic.c_str(), nullptr)};
  if (!rkt) {
    throw KafkaError("The " + name_ + " could not look up topic " + topic + ": " +
                         rd_kafka_err2str(rd_kafka_last_error()),
                     rd_kafka_last_error(), false);
  }
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk_.get(), /*all_topics=*/0, rkt.get(), &raw, static_cast<int>(timeout.count()));
  MetadataHandle metadata{raw};
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError("The " + name_ + " could not read the metadata of topic " + topic + " within " +
                         std::to_string(timeout.count()) + " ms: " + rd_kafka_err2str(err),
                     err, true);
  }
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const auto& t = metadata->topics[i];
    if (topic != t.topic) continue;
    switch (t.err) {
      case RD_KAFKA_RESP_ERR_NO_ERROR:
        if (t.partition_cnt > 0) return t.partition_cnt;
        return std::nullopt;
      case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
        return std::nullopt;
      default:
        throw KafkaError("The " + name_ + " could not read the metadata of topic " + topic + ": " +
                             rd_kafka_err2str(t.err),
                         t.err, false);
    }
  }
  return std::nullopt;
}

bool Admin::create_topic(const NewTopic& topic, std::chrono::milliseconds timeout) {
  const std::string what = "The " + name_ + " could not create topic " + topic.name;
  if (is_dev_broker(timeout)) {
    throw KafkaError(what + ": the dev broker has no CreateTopics API", RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE, false);
  }
  std::array<char, 512> errstr{};
  Owned<rd_kafka_NewTopic_t> request{rd_kafka_NewTopic_new(topic.name.c_str(), topic.partitions,
                                                           topic.replication_factor, errstr.data(), errstr.size())};
  if (!request) throw KafkaError(what + ": " + errstr.data(), RD_KAFKA_RESP_ERR__INVALID_ARG, false);
  for (const auto& [key, value] : topic.configs) {
    if (const rd_kafka_resp_err_t err = rd_kafka_NewTopic_set_config(request.get(), key.c_str(), value.c_str());
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw KafkaError(what + ": invalid topic config " + key + "=" + value + ": " + rd_kafka_err2str(err), err,
                       false);
    }
  }
  Owned<rd_kafka_queue_t> queue{rd_kafka_queue_new(rk_.get())};
  auto opts = options(rk_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout);
  rd_kafka_AdminOptions_set_operation_timeout(opts.get(), static_cast<int>(timeout.count()), errstr.data(),
                                              errstr.size());
  rd_kafka_NewTopic_t* requests[] = {request.get()};
  rd_kafka_CreateTopics(rk_.get(), requests, 1, opts.get(), queue.get());
  Owned<rd_kafka_event_t> event = await(queue.get(), timeout, what);
  const auto* result = rd_kafka_event_CreateTopics_result(event.get());
  std::size_t count = 0;
  const rd_kafka_topic_result_t** topics = rd_kafka_CreateTopics_result_topics(result, &count);
  for (std::size_t i = 0; i < count; ++i) {
    const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(topics[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
    if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) return false;
    const char* message = rd_kafka_topic_result_error_string(topics[i]);
    throw KafkaError(what + ": " + (message != nullptr ? message : rd_kafka_err2str(err)) + " (" +
                         rd_kafka_err2name(err) + ")",
                     err, false);
  }
  throw KafkaError(what + ": the broker's answer did not mention the topic", RD_KAFKA_RESP_ERR__BAD_MSG, false);
}

std::map<TopicPartition, std::int64_t> Admin::list_group_offsets(
    const std::string& group, const std::optional<std::vector<TopicPartition>>& partitions,
    std::chrono::milliseconds timeout) {
  const std::string what = "The " + name_ + " could not list the offsets of consumer group " + group;
  PartitionListHandle list;
  if (partitions) list = to_partition_list(*partitions);
  Owned<rd_kafka_ListConsumerGroupOffsets_t> request{rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), list.get())};
  Owned<rd_kafka_queue_t> queue{rd_kafka_queue_new(rk_.get())};
  auto opts = options(rk_.get(), RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeout);
  rd_kafka_ListConsumerGroupOffsets_t* requests[] = {request.get()};
  rd_kafka_ListConsumerGroupOffsets(rk_.get(), requests, 1, opts.get(), queue.get());
  Owned<rd_kafka_event_t> event = await(queue.get(), timeout, what);
  const auto* result = rd_kafka_event_ListConsumerGroupOffsets_result(event.get());
  std::size_t count = 0;
  const rd_kafka_group_result_t** groups = rd_kafka_ListConsumerGroupOffsets_result_groups(result, &count);
  std::map<TopicPartition, std::int64_t> out;
  for (std::size_t g = 0; g < count; ++g) {
    if (const rd_kafka_error_t* e = rd_kafka_group_result_error(groups[g])) {
      throw KafkaError(what + ": " + rd_kafka_error_string(e), rd_kafka_error_code(e), rd_kafka_error_is_retriable(e));
    }
    const rd_kafka_topic_partition_list_t* parts = rd_kafka_group_result_partitions(groups[g]);
    for (int i = 0; parts != nullptr && i < parts->cnt; ++i) {
      const auto& p = parts->elems[i];
      // Kafka's listConsumerGroupOffsets leaves out partitions without a committed offset.
      if (p.err == RD_KAFKA_RESP_ERR_NO_ERROR && p.offset >= 0) out[{p.topic, p.partition}] = p.offset;
    }
  }
  return out;
}

void Admin::alter_group_offsets(const std::string& group, const std::map<TopicPartition, std::int64_t>& offsets,
                                std::chrono::milliseconds timeout) {
  if (offsets.empty()) return;
  const std::string what = "The " + name_ + " could not alter the offsets of consumer group " + group;
  PartitionListHandle list = to_partition_list(offsets);
  Owned<rd_kafka_AlterConsumerGroupOffsets_t> request{rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list.get())};
  Owned<rd_kafka_queue_t> queue{rd_kafka_queue_new(rk_.get())};
  auto opts = options(rk_.get(), RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, timeout);
  rd_kafka_AlterConsumerGroupOffsets_t* requests[] = {request.get()};
  rd_kafka_AlterConsumerGroupOffsets(rk_.get(), requests, 1, opts.get(), queue.get());
  Owned<rd_kafka_event_t> event = await(queue.get(), timeout, what);
  const auto* result = rd_kafka_event_AlterConsumerGroupOffsets_result(event.get());
  std::size_t count = 0;
  const rd_kafka_group_result_t** groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(result, &count);
  for (std::size_t g = 0; g < count; ++g) check_group_result(groups[g], what);
}

void Admin::delete_group_offsets(const std::string& group, const std::vector<TopicPartition>& partitions,
                                 std::chrono::milliseconds timeout) {
  if (partitions.empty()) return;
  const std::string what = "The " + name_ + " could not delete the offsets of consumer group " + group;
  if (is_dev_broker(timeout)) {
    throw KafkaError(what + ": the dev broker has no OffsetDelete API", RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE, false);
  }
  PartitionListHandle list = to_partition_list(partitions);
  Owned<rd_kafka_DeleteConsumerGroupOffsets_t> request{
      rd_kafka_DeleteConsumerGroupOffsets_new(group.c_str(), list.get())};
  Owned<rd_kafka_queue_t> queue{rd_kafka_queue_new(rk_.get())};
  auto opts = options(rk_.get(), RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS, timeout);
  rd_kafka_DeleteConsumerGroupOffsets_t* requests[] = {request.get()};
  rd_kafka_DeleteConsumerGroupOffsets(rk_.get(), requests, 1, opts.get(), queue.get());
  Owned<rd_kafka_event_t> event = await(queue.get(), timeout, what);
  const auto* result = rd_kafka_event_DeleteConsumerGroupOffsets_result(event.get());
  std::size_t count = 0;
  const rd_kafka_group_result_t** groups = rd_kafka_DeleteConsumerGroupOffsets_result_groups(result, &count);
  for (std::size_t g = 0; g < count; ++g) check_group_result(groups[g], what);
}

bool Admin::delete_group(const std::string& group, std::chrono::milliseconds timeout) {
  const std::string what = "The " + name_ + " could not delete consumer group " + group;
  if (is_dev_broker(timeout)) {
    throw KafkaError(what + ": the dev broker has no DeleteGroups API", RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE, false);
  }
  Owned<rd_kafka_DeleteGroup_t> request{rd_kafka_DeleteGroup_new(group.c_str())};
  Owned<rd_kafka_queue_t> queue{rd_kafka_queue_new(rk_.get())};
  auto opts = options(rk_.get(), RD_KAFKA_ADMIN_OP_DELETEGROUPS, timeout);
  rd_kafka_DeleteGroup_t* requests[] = {request.get()};
  rd_kafka_DeleteGroups(rk_.get(), requests, 1, opts.get(), queue.get());
  Owned<rd_kafka_event_t> event = await(queue.get(), timeout, what);
  const auto* result = rd_kafka_event_DeleteGroups_result(event.get());
  std::size_t count = 0;
  const rd_kafka_group_result_t** groups = rd_kafka_DeleteGroups_result_groups(result, &count);
  for (std::size_t g = 0; g < count; ++g) {
    if (const rd_kafka_error_t* e = rd_kafka_group_result_error(groups[g])) {
      if (rd_kafka_error_code(e) == RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND) return false;
    }
    check_group_result(groups[g], what);
  }
  return true;
}

std::pair<std::int64_t, std::int64_t> Admin::watermarks(const TopicPartition& tp, std::chrono::milliseconds timeout) {
  std::int64_t low = -1;
  std::int64_t high = -1;
  const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(rk_.get(), tp.topic.c_str(), tp.partition, &low,
                                                                   &high, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError("The " + name_ + " could not read the offsets of " + tp.topic + "-" +
                         std::to_string(tp.partition) + ": " + rd_kafka_err2str(err),
                     err, err == RD_KAFKA_RESP_ERR__TIMED_OUT);
  }
  return {low, high};
}

}  // namespace sluice::kafka
