#pragma once
// The per-record work of the task runners, with their error handling (RetryWithToleranceOperator):
//
//   SinkRecordProcessor    consumed message -> header, key and value converters -> transformation chain
//                          (Kafka's WorkerSinkTask.convertAndTransformRecord)
//   SourceRecordProcessor  polled record -> transformation chain -> header, key and value converters
//                          (Kafka's AbstractWorkerSourceTask.sendRecords / convertTransformedRecord)
//
// Each converter and each transformation step is one operation of the operator (stages HEADER_CONVERTER,
// KEY_CONVERTER, VALUE_CONVERTER, TRANSFORMATION with the converter's or transformation's class), so failures
// are retried, reported (log, dead letter queue) and tolerated or not with Kafka's rules. A predicate runs
// inside its step, as in Kafka's TransformationStage.
//
// Sink records keep the message's topic, partition and offset as original_* whatever the chain does to
// topic and partition, and the chain runs inside a SinkRecordScope so InsertField's offset.field sees the
// Kafka offset. Source records are transformed on a copy: the task's commit_record gets the original.
//
// Owned by a task runner and used from its thread only; the converters, chain and operator must outlive it.
// Also used by bench/transforms to measure exactly this path.

#include <optional>

#include "core/data/record.hpp"
#include "core/kafka/consumer.hpp"
#include "core/kafka/producer.hpp"
#include "core/transforms/chain.hpp"
#include "core/worker/converters.hpp"
#include "core/worker/error_handling.hpp"

namespace sluice::worker {

class SinkRecordProcessor {
 public:
  SinkRecordProcessor(Converters& converters, transforms::TransformationChain& chain,
                      RetryWithToleranceOperator& errors)
      : converters_(converters), chain_(chain), errors_(errors) {}

  // nullopt: a transformation dropped the record, or a tolerated failure skipped it (already reported).
  // Throws ConnectError when a failure is not tolerated, OperationAborted when the task stops during a retry.
  std::optional<data::SinkRecord> process(const kafka::Message& message);

 private:
  Converters& converters_;
  transforms::TransformationChain& chain_;
  RetryWithToleranceOperator& errors_;
};

class SourceRecordProcessor {
 public:
  SourceRecordProcessor(Converters& converters, transforms::TransformationChain& chain,
                        RetryWithToleranceOperator& errors)
      : converters_(converters), chain_(chain), errors_(errors) {}

  // The record to produce (topic, partition when set, key, value, headers, timestamp when set and >= 0);
  // nullopt as for sinks.
  std::optional<kafka::OutgoingRecord> process(const data::SourceRecord& original);
  // The same for a caller that no longer needs original's value: a converter whose bytes are the value
  // (StringConverter, ByteArrayConverter) moves it into the result instead of copying it.
  std::optional<kafka::OutgoingRecord> process_consuming(data::SourceRecord& original);

 private:
  std::optional<kafka::OutgoingRecord> convert(const data::SourceRecord& original, data::Value* consumable);

  Converters& converters_;
  transforms::TransformationChain& chain_;
  RetryWithToleranceOperator& errors_;
};

// Runs the chain's steps in order on `record`, each as one TRANSFORMATION operation; false when a step
// dropped the record or failed and the failure was tolerated.
bool apply_transformations(transforms::TransformationChain& chain, RetryWithToleranceOperator& errors,
                           data::ConnectRecord& record);

}  // namespace sluice::worker
