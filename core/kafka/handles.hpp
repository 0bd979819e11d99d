#pragma once
// RAII owners for librdkafka's C handles. This header forward-declares the C structs so that modules
// holding a handle do not pull in rdkafka.h; the deleters are defined in handles.cpp. Every
// create/destroy pair of librdkafka lives here and nowhere else.

#include <memory>

// Same typedefs as rdkafka.h / rdkafka_mock.h (a repeated identical typedef is valid C++).
typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_conf_s rd_kafka_conf_t;
typedef struct rd_kafka_topic_s rd_kafka_topic_t;
typedef struct rd_kafka_topic_partition_list_s rd_kafka_topic_partition_list_t;
typedef struct rd_kafka_headers_s rd_kafka_headers_t;
typedef struct rd_kafka_message_s rd_kafka_message_t;
typedef struct rd_kafka_metadata rd_kafka_metadata_t;
typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace sluice::kafka {

// One deleter for every handle type; unique_ptr picks the overload.
struct HandleDeleter {
  // Destroys a client. For a consumer this also closes it (leaves the group) first, as
  // rd_kafka_destroy() does; call rd_kafka_consumer_close() earlier when the close must be observed.
  void operator()(rd_kafka_t* rk) const noexcept;
  void operator()(rd_kafka_conf_t* conf) const noexcept;
  void operator()(rd_kafka_topic_t* rkt) const noexcept;
  void operator()(rd_kafka_topic_partition_list_t* list) const noexcept;
  void operator()(rd_kafka_headers_t* headers) const noexcept;
  void operator()(rd_kafka_message_t* message) const noexcept;
  void operator()(const rd_kafka_metadata_t* metadata) const noexcept;
  // The mock cluster must be destroyed before the rd_kafka_t it was created on.
  void operator()(rd_kafka_mock_cluster_t* cluster) const noexcept;
};

using KafkaHandle = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using ConfHandle = std::unique_ptr<rd_kafka_conf_t, HandleDeleter>;
using TopicHandle = std::unique_ptr<rd_kafka_topic_t, HandleDeleter>;
using PartitionListHandle = std::unique_ptr<rd_kafka_topic_partition_list_t, HandleDeleter>;
// Only for headers the caller still owns: once passed to rd_kafka_producev(RD_KAFKA_V_HEADERS) and the
// call succeeded, librdkafka owns them, so release() the handle at that point.
using HeadersHandle = std::unique_ptr<rd_kafka_headers_t, HandleDeleter>;
using MessageHandle = std::unique_ptr<rd_kafka_message_t, HandleDeleter>;
using MetadataHandle = std::unique_ptr<const rd_kafka_metadata_t, HandleDeleter>;
using MockClusterHandle = std::unique_ptr<rd_kafka_mock_cluster_t, HandleDeleter>;

}  // namespace sluice::kafka
