#include "core/kafka/handles.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace sluice::kafka {

void HandleDeleter::operator()(rd_kafka_t* rk) const noexcept {
  rd_kafka_destroy(rk);
}
void HandleDeleter::operator()(rd_kafka_conf_t* conf) const noexcept {
  rd_kafka_conf_destroy(conf);
}
void HandleDeleter::operator()(rd_kafka_topic_t* rkt) const noexcept {
  rd_kafka_topic_destroy(rkt);
}
void HandleDeleter::operator()(rd_kafka_topic_partition_list_t* list) const noexcept {
  rd_kafka_topic_partition_list_destroy(list);
}
void HandleDeleter::operator()(rd_kafka_headers_t* headers) const noexcept {
  rd_kafka_headers_destroy(headers);
}
void HandleDeleter::operator()(rd_kafka_message_t* message) const noexcept {
  rd_kafka_message_destroy(message);
}
void HandleDeleter::operator()(const rd_kafka_metadata_t* metadata) const noexcept {
  rd_kafka_metadata_destroy(metadata);
}
void HandleDeleter::operator()(rd_kafka_mock_cluster_t* cluster) const noexcept {
  rd_kafka_mock_cluster_destroy(cluster);
}

}  // namespace sluice::kafka
