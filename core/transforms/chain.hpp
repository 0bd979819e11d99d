#pragma once
// A connector's transformation chain (Kafka's TransformationChain of TransformationStages) and the parser for
// Kafka's connector-config syntax that builds one:
//
//   transforms=a,b                       aliases, in order
//   transforms.a.type=<class or alias>   resolved through the PluginCatalog (kind Transformation)
//   transforms.a.<key>=...               passed to the transformation with "transforms.a." stripped
//   transforms.a.predicate=p             apply a only to records for which predicate p holds ...
//   transforms.a.negate=true             ... or does not hold
//   predicates=p                         predicate aliases
//   predicates.p.type=<class or alias>   (kind Predicate), predicates.p.<key> passed stripped
//
// The chain is owned by one task and used from its thread only. Exceptions from a step propagate unchanged;
// the worker decides about retries and errors.tolerance.

#include "core/api/plugin_catalog.hpp"
#include "core/api/transformation.hpp"
#include "core/config/config_def.hpp"
#include "core/data/record.hpp"

#include <memory>
#include <string>
#include <vector>

namespace sluice::transforms {

struct TransformationStep {
  std::string alias;
  std::unique_ptr<api::Transformation> transformation;
  std::unique_ptr<api::Predicate> predicate;  // null: the step applies to every record
  bool negate = false;
  std::string predicate_alias;  // for messages; empty without a predicate
  std::string class_name;       // the transformation's class (an alias resolved), for error reports
};

class TransformationChain {
 public:
  TransformationChain() = default;
  explicit TransformationChain(std::vector<TransformationStep> steps);

  // Runs each step in order (a step whose predicate, after negation, is false leaves the record alone).
  // Returns false as soon as a step drops the record.
  bool apply(data::ConnectRecord& record);
  // The same for a record read from Kafka; steps may also use its sink-only fields (InsertField's
  // offset.field).
  bool apply(data::SinkRecord& record);

  const std::vector<TransformationStep>& steps() const { return steps_; }
  bool empty() const { return steps_.empty(); }
  std::size_t size() const { return steps_.size(); }

 private:
  std::vector<TransformationStep> steps_;
};

// Builds and configures the chain a connector config describes. Throws ConfigError naming the key, e.g.
//   Missing required configuration "transforms.a.type" which has no default value.
//   Invalid value Foo for configuration transforms.a.type: Class Foo could not be found.
//   Invalid value p for configuration transforms.a.predicate: ...
// and errors of the plugins' own configuration with the transformation or predicate named.
TransformationChain build_transformation_chain(const config::RawConfig& connector_config,
                                               api::PluginCatalog& catalog);

// The class of `<prefix>type` (a transformation or predicate, by class name or alias), as the chain resolves
// it; throws ConfigError with Kafka's messages (missing, "Class X could not be found.", "Not a
// Transformation", "Transformation is abstract and cannot be created. Did you mean ...?"). The herder's
// validation uses it for transforms.<alias>.type and predicates.<alias>.type.
std::string resolve_type(const config::RawConfig& raw, const std::string& prefix, api::PluginKind kind,
                         const api::PluginCatalog& catalog);

}  // namespace sluice::transforms
