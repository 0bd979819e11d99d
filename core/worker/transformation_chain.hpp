#pragma once
// TransformationChain: the hook where a connector's single message transforms run, on every record of both
// paths (source: after poll(), before the converters; sink: after the converters, before put()). It works
// on the ConnectRecord part of a SourceRecord or SinkRecord in place, so source offsets and the original
// Kafka coordinates stay with the record.
//
// Today the chain built for a connector is the identity unless its config names transforms; the transforms
// issue owns the rest (the transforms.<alias>.* and predicates.<alias>.* keys, validation, error handling).
// A stage is Kafka's TransformationStage: a transformation, optionally guarded by a predicate (negate flips
// it). Owned by one task and called from its thread only.

#include <memory>
#include <string>
#include <vector>

#include "core/api/plugin_catalog.hpp"
#include "core/api/transformation.hpp"
#include "core/data/record.hpp"

namespace sluice::worker {

class TransformationChain {
 public:
  struct Stage {
    std::string alias;
    std::unique_ptr<api::Transformation> transformation;
    std::unique_ptr<api::Predicate> predicate;  // null: always apply
    bool negate = false;
  };

  TransformationChain() = default;  // the identity
  explicit TransformationChain(std::vector<Stage> stages) : stages_(std::move(stages)) {}

  // Applies the stages in order; false when one dropped the record (the caller then reports it as dropped).
  // Throws what a stage throws (DataError, ConnectError).
  bool apply(data::ConnectRecord& record) const;
  bool empty() const { return stages_.empty(); }
  std::size_t size() const { return stages_.size(); }

 private:
  std::vector<Stage> stages_;
};

// Kafka's ConnectorConfig.transformationStages: for each alias of `transforms`, the class in
// transforms.<alias>.type configured with transforms.<alias>.*, and the predicate named by
// transforms.<alias>.predicate (class predicates.<p>.type, configured with predicates.<p>.*), negated by
// transforms.<alias>.negate. Throws ConnectError naming the alias when a class is missing or unknown.
TransformationChain make_transformation_chain(const std::map<std::string, std::string>& connector_config,
                                              api::PluginCatalog& catalog);

}  // namespace sluice::worker
