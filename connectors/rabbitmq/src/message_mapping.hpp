#pragma once
// MessageMapper: one AMQP delivery -> one Kafka Connect SourceRecord.
//
// - value: the body as BYTES (default), as a UTF-8 STRING, or jcustenborder's Message envelope struct;
// - key: none (default), the message id, the correlation id, the routing key or one header's typed value;
// - timestamp: the AMQP timestamp property (seconds) in ms when present, else left to the producer;
// - headers, as Confluent's RabbitMQ source writes them: rabbitmq.consumer.tag, every basic property
//   (rabbitmq.content.type ... rabbitmq.app.id, rabbitmq.cluster.id when set), the envelope
//   (rabbitmq.delivery.tag, rabbitmq.redeliver, rabbitmq.exchange, rabbitmq.routing.key), then one
//   rabbitmq.headers.<name> per message header with its typed value (see convert_field);
// - source partition {"queue": <queue>}, source offset {"deliveryTag": <tag>}.
//
// Stateless apart from prebuilt schemas; safe to use from one thread at a time.

#include <amqp.h>

#include <string>

#include "rabbitmq_config.hpp"
#include "sluice/sdk/data.hpp"
#include "sluice/sdk/records.hpp"

namespace sluice::rabbitmq {

inline constexpr const char* kHeaderPrefix = "rabbitmq.";
inline constexpr const char* kConsumerTagHeader = "rabbitmq.consumer.tag";
inline constexpr const char* kUserHeaderPrefix = "rabbitmq.headers.";
inline constexpr const char* kPartitionQueueField = "queue";
inline constexpr const char* kOffsetTagField = "deliveryTag";

// The Connect form of one AMQP field value:
//   boolean -> BOOLEAN; signed 8/16/32/64-bit -> INT8/INT16/INT32/INT64; unsigned 8/16/32-bit -> the next
//   wider signed type; unsigned 64-bit -> INT64, or Decimal(scale 0) above INT64_MAX; float/double ->
//   FLOAT32/FLOAT64; decimal -> Decimal with the field's scale; long string -> STRING (invalid UTF-8 replaced
//   by U+FFFD); byte array -> BYTES; timestamp (seconds) -> Timestamp (ms); void -> null without schema;
//   table -> STRUCT with one field per entry (first wins on a repeated name), or a schemaless MAP when an
//   entry has no schema; array -> ARRAY of the items' common schema, ARRAY<STRING> when empty, or a
//   schemaless ARRAY when the items differ.
sdk::SchemaAndValue convert_field(const amqp_field_value_t& field);

// Java's new String(bytes, UTF_8): invalid sequences become U+FFFD.
std::string sanitize_utf8(const char* data, std::size_t size);

class MessageMapper {
 public:
  MessageMapper(std::string topic, MessageFormat format, KeySource key_source, std::string key_header);

  sdk::SourceRecord map(const amqp_envelope_t& envelope, const std::string& queue) const;

 private:
  sdk::Value envelope_value(const amqp_envelope_t& envelope) const;
  sdk::SchemaAndValue key_of(const amqp_envelope_t& envelope) const;

  std::string topic_;
  MessageFormat format_;
  KeySource key_source_;
  std::string key_header_;
};

}  // namespace sluice::rabbitmq
