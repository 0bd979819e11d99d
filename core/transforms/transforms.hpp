#pragma once
// The built-in single message transforms and predicates (Kafka's org.apache.kafka.connect.transforms
// package), one factory and one static ConfigDef each. Instances are created unconfigured; call configure()
// once, then apply()/test() from one thread at a time. Between records they keep only their configuration
// and caches of what they derived from recent schemas (schema_cache.hpp), as Kafka's do. Those that reuse
// the record's own values (InsertField, ReplaceField, SetSchemaMetadata, MaskField) run every check before
// changing the record, so a failed apply() leaves it as it was.
//
// Data errors throw DataError with Kafka's messages; bad configurations throw ConfigError from configure().

#include "core/api/transformation.hpp"
#include "core/data/record.hpp"
#include "core/transforms/util.hpp"

#include <memory>

namespace sluice::transforms {

std::unique_ptr<api::Transformation> make_cast(Side side);
std::unique_ptr<api::Transformation> make_drop_headers();
std::unique_ptr<api::Transformation> make_extract_field(Side side);
std::unique_ptr<api::Transformation> make_filter();
std::unique_ptr<api::Transformation> make_flatten(Side side);
std::unique_ptr<api::Transformation> make_header_from(Side side);
std::unique_ptr<api::Transformation> make_hoist_field(Side side);
std::unique_ptr<api::Transformation> make_insert_field(Side side);
std::unique_ptr<api::Transformation> make_insert_header();
std::unique_ptr<api::Transformation> make_mask_field(Side side);
std::unique_ptr<api::Transformation> make_regex_router();
std::unique_ptr<api::Transformation> make_replace_field(Side side);
std::unique_ptr<api::Transformation> make_set_schema_metadata(Side side);
std::unique_ptr<api::Transformation> make_timestamp_converter(Side side);
std::unique_ptr<api::Transformation> make_timestamp_router();
std::unique_ptr<api::Transformation> make_value_to_key();

std::unique_ptr<api::Predicate> make_topic_name_matches();
std::unique_ptr<api::Predicate> make_has_header_key();
std::unique_ptr<api::Predicate> make_record_is_tombstone();

const config::ConfigDef& cast_config_def();
const config::ConfigDef& drop_headers_config_def();
const config::ConfigDef& extract_field_config_def();
const config::ConfigDef& filter_config_def();
const config::ConfigDef& flatten_config_def();
const config::ConfigDef& header_from_config_def();
const config::ConfigDef& hoist_field_config_def();
const config::ConfigDef& insert_field_config_def();
const config::ConfigDef& insert_header_config_def();
const config::ConfigDef& mask_field_config_def();
const config::ConfigDef& regex_router_config_def();
const config::ConfigDef& replace_field_config_def();
const config::ConfigDef& set_schema_metadata_config_def();
const config::ConfigDef& timestamp_converter_config_def();
const config::ConfigDef& timestamp_router_config_def();
const config::ConfigDef& value_to_key_config_def();
const config::ConfigDef& topic_name_matches_config_def();
const config::ConfigDef& has_header_key_config_def();
const config::ConfigDef& record_is_tombstone_config_def();

// Kafka hands transformations a SinkRecord or a SourceRecord; sluice's interface takes the common part. While
// a SinkRecordScope lives, transformations on this thread that are given exactly that record (by address) can
// read its sink-only fields: InsertField's offset.field needs the Kafka offset. TransformationChain opens the
// scope itself when applied to a SinkRecord.
class SinkRecordScope {
 public:
  explicit SinkRecordScope(const data::SinkRecord& record);
  ~SinkRecordScope();
  SinkRecordScope(const SinkRecordScope&) = delete;
  SinkRecordScope& operator=(const SinkRecordScope&) = delete;

 private:
  const data::SinkRecord* previous_;
};
// The sink record of the innermost open scope when it is `record` itself, else nullptr.
const data::SinkRecord* current_sink_record(const data::ConnectRecord& record);

}  // namespace sluice::transforms
