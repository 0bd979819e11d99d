#include "core/worker/record_processor.hpp"

#include "core/transforms/transforms.hpp"

namespace sluice::worker {
namespace {

data::TimestampType to_data(kafka::TimestampType type) {
  switch (type) {
    case kafka::TimestampType::CreateTime: return data::TimestampType::CreateTime;
    case kafka::TimestampType::LogAppendTime: return data::TimestampType::LogAppendTime;
    case kafka::TimestampType::None: break;
  }
  return data::TimestampType::None;
}

std::optional<std::string_view> view(const std::optional<std::string>& bytes) {
  return bytes ? std::optional<std::string_view>(*bytes) : std::nullopt;
}

}  // namespace

bool apply_transformations(transforms::TransformationChain& chain, RetryWithToleranceOperator& errors,
                           data::ConnectRecord& record) {
  for (const transforms::TransformationStep& step : chain.steps()) {
    const std::optional<bool> kept = errors.execute(Stage::Transformation, step.class_name, [&]() -> bool {
      if (step.predicate && step.predicate->test(record) == step.negate) return true;
      return step.transformation->apply(record);
    });
    if (!kept || !*kept) return false;
  }
  return true;
}

std::optional<data::SinkRecord> SinkRecordProcessor::process(const kafka::Message& message) {
  errors_.consumer_record(&message);
  data::SinkRecord record;
  // Headers first, so the key and value converters are given the record's headers (Kafka hands them the raw
  // Kafka headers, which core/api's converters do not take). Kafka converts key, value, then headers; the
  // order only shows when more than one of them fails.
  if (!message.headers.empty()) {
    auto headers = errors_.execute(Stage::HeaderConverter, converters_.header_class, [&] {
      data::Headers out;
      for (const kafka::Header& header : message.headers) {
        data::SchemaAndValue converted =
            converters_.header->to_connect(message.topic, header.key, view(header.value));
        out.add(header.key, converted.schema, std::move(converted.value));
      }
      return out;
    });
    if (!headers) return std::nullopt;
    record.headers = std::move(*headers);
  }
  auto key = errors_.execute(Stage::KeyConverter, converters_.key_class, [&] {
    return converters_.key->to_connect(message.topic, &record.headers, view(message.key));
  });
  if (!key) return std::nullopt;
  auto value = errors_.execute(Stage::ValueConverter, converters_.value_class, [&] {
    return converters_.value->to_connect(message.topic, &record.headers, view(message.value));
  });
  if (!value) return std::nullopt;
  record.key_schema = std::move(key->schema);
  record.key = std::move(key->value);
  record.value_schema = std::move(value->schema);
  record.value = std::move(value->value);
  record.topic = message.topic;
  record.partition = message.partition;
  record.kafka_offset = message.offset;
  record.timestamp_type = to_data(message.timestamp_type);
  if (record.timestamp_type != data::TimestampType::None) record.timestamp = message.timestamp;
  record.original_topic = message.topic;
  record.original_partition = message.partition;
  record.original_kafka_offset = message.offset;
  if (!chain_.empty()) {
    const transforms::SinkRecordScope scope(record);
    if (!apply_transformations(chain_, errors_, record)) return std::nullopt;
  }
  return record;
}

std::optional<kafka::OutgoingRecord> SourceRecordProcessor::process(const data::SourceRecord& original) {
  return convert(original, nullptr);
}

std::optional<kafka::OutgoingRecord> SourceRecordProcessor::process_consuming(data::SourceRecord& original) {
  return convert(original, &original.value);
}

std::optional<kafka::OutgoingRecord> SourceRecordProcessor::convert(const data::SourceRecord& original,
                                                                    data::Value* consumable) {
  errors_.source_record(&original);
  // Transformations work in place: on a copy, so that commit_record gets the record poll() returned.
  std::optional<data::SourceRecord> transformed;
  if (!chain_.empty()) {
    transformed.emplace(original);
    if (!apply_transformations(chain_, errors_, *transformed)) return std::nullopt;
    consumable = &transformed->value;  // the copy is this call's own
  }
  const data::SourceRecord& record = transformed ? *transformed : original;
  kafka::OutgoingRecord out;
  if (!record.headers.empty()) {
    auto headers = errors_.execute(Stage::HeaderConverter, converters_.header_class, [&] {
      std::vector<kafka::Header> converted;
      converted.reserve(record.headers.size());
      for (const data::Header& header : record.headers) {
        converted.push_back({header.key, converters_.header->from_connect(record.topic, header.key,
                                                                          header.schema, header.value)});
      }
      return converted;
    });
    if (!headers) return std::nullopt;
    out.headers = std::move(*headers);
  }
  auto key = errors_.execute(Stage::KeyConverter, converters_.key_class, [&] {
    return converters_.key->from_connect(record.topic, &record.headers, record.key_schema, record.key);
  });
  if (!key) return std::nullopt;
  // The value goes last: once it is converted nothing can fail, so a consumed value is never reported.
  auto value = errors_.execute(Stage::ValueConverter, converters_.value_class, [&] {
    if (consumable != nullptr) {
      return converters_.value->from_connect_consuming(record.topic, &record.headers, record.value_schema,
                                                       *consumable);
    }
    return converters_.value->from_connect(record.topic, &record.headers, record.value_schema, record.value);
  });
  if (!value) return std::nullopt;
  out.topic = record.topic;
  out.partition = record.partition;
  out.key = std::move(*key);
  out.value = std::move(*value);
  if (record.timestamp && *record.timestamp >= 0) out.timestamp = record.timestamp;
  return out;
}

}  // namespace sluice::worker
