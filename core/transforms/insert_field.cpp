// InsertField$Key / InsertField$Value: adds the record's topic, partition, offset (sink records), timestamp
// and/or a static string as fields. A field name ending in '!' makes the field required, '?' (the default)
// optional.

#include "core/common/errors.hpp"
#include "core/data/logical.hpp"
#include "core/transforms/schema_cache.hpp"
#include "core/transforms/transforms.hpp"

#include <optional>
#include <vector>

namespace sluice::transforms {

namespace {

using data::Value;

constexpr std::string_view kTopicField = "topic.field";
constexpr std::string_view kPartitionField = "partition.field";
constexpr std::string_view kOffsetField = "offset.field";
constexpr std::string_view kTimestampField = "timestamp.field";
constexpr std::string_view kStaticField = "static.field";
constexpr std::string_view kStaticValue = "static.value";
constexpr std::string_view kPurpose = "field insertion";
constexpr std::string_view kOptionalityDoc =
    "Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the "
    "default).";

struct InsertionSpec {
  std::string name;
  bool optional = true;

  static std::optional<InsertionSpec> parse(const std::optional<std::string>& spec) {
    if (!spec) return std::nullopt;
    if (!spec->empty() && spec->back() == '?') return InsertionSpec{spec->substr(0, spec->size() - 1), true};
    if (!spec->empty() && spec->back() == '!') return InsertionSpec{spec->substr(0, spec->size() - 1), false};
    return InsertionSpec{*spec, true};
  }
};

std::int64_t sink_offset(const data::ConnectRecord& record) {
  const data::SinkRecord* sink = current_sink_record(record);
  if (sink == nullptr) {
    throw DataError("Only SinkRecord supported for [" + std::string(kPurpose) +
                    "], found: org.apache.kafka.connect.source.SourceRecord");
  }
  return sink->kafka_offset;
}

class InsertField final : public SideTransformation {
 public:
  explicit InsertField(Side side) : SideTransformation(side) {}

  void configure(const config::RawConfig& raw) override {
    const config::Config config(insert_field_config_def(), raw);
    topic_ = InsertionSpec::parse(config.get_optional_string(kTopicField));
    partition_ = InsertionSpec::parse(config.get_optional_string(kPartitionField));
    offset_ = InsertionSpec::parse(config.get_optional_string(kOffsetField));
    timestamp_ = InsertionSpec::parse(config.get_optional_string(kTimestampField));
    static_field_ = InsertionSpec::parse(config.get_optional_string(kStaticField));
    static_value_ = config.get_optional_string(kStaticValue);
    replace_null_with_default_ = config.get_bool(kReplaceNullWithDefault);
  }

  bool apply(data::ConnectRecord& record) override {
    Value& value = value_of(record);
    if (value.is_null()) return true;
    data::SchemaPtr& schema = schema_of(record);
    if (!schema) {
      require_map(value, kPurpose);
      // Everything that can fail comes before the record is changed.
      std::optional<std::int64_t> offset;
      if (offset_) offset = sink_offset(record);
      Value::Map& updated = value.as_map();
      if (topic_) map_put(updated, topic_->name, Value::string(record.topic));
      if (partition_ && record.partition) map_put(updated, partition_->name, Value::int32(*record.partition));
      if (offset) map_put(updated, offset_->name, Value::int64(*offset));
      if (timestamp_ && record.timestamp) map_put(updated, timestamp_->name, Value::int64(*record.timestamp));
      if (static_field_ && static_value_)
        map_put(updated, static_field_->name, Value::string(*static_value_));
      return true;
    }

    require_struct(value, kPurpose);
    data::Struct& original = value.as_struct();
    const data::SchemaPtr source_schema = original.schema();
    const data::SchemaPtr* cached = schema_updates_.find(source_schema);
    data::SchemaPtr updated_schema =
        cached ? *cached : schema_updates_.put(source_schema, build_schema(*source_schema));
    // Everything that can fail (Struct.put's checks, a source record's missing offset) comes before the
    // original's values are moved into the new struct.
    for (const data::Field& field : source_schema->fields()) {
      data::validate_value(field.schema, struct_field(original, field, replace_null_with_default_),
                           field.name);
    }
    std::optional<std::int64_t> offset;
    if (offset_) offset = sink_offset(record);
    data::Struct updated(updated_schema);
    const std::vector<data::Field>& updated_fields = updated_schema->fields();
    for (const data::Field& field : source_schema->fields()) {
      updated.put(updated_fields[field.index],
                  take_struct_field(original, field, replace_null_with_default_));
    }
    if (topic_) updated.put(topic_->name, Value::string(record.topic));
    if (partition_ && record.partition) updated.put(partition_->name, Value::int32(*record.partition));
    if (offset) updated.put(offset_->name, Value::int64(*offset));
    if (timestamp_ && record.timestamp) updated.put(timestamp_->name, Value::int64(*record.timestamp));
    if (static_field_ && static_value_) updated.put(static_field_->name, Value::string(*static_value_));
    value = Value::structure(std::move(updated));
    schema = std::move(updated_schema);
    return true;
  }

  const config::ConfigDef& config_def() const override { return insert_field_config_def(); }

 private:
  data::SchemaPtr build_schema(const data::Schema& source) const {
    data::SchemaBuilder builder = data::SchemaBuilder::structure();
    copy_schema_basics(source, builder);
    for (const data::Field& field : source.fields()) builder.field(field.name, field.schema);
    if (topic_)
      builder.field(topic_->name,
                    topic_->optional ? data::Schema::optional_string() : data::Schema::string());
    if (partition_) {
      builder.field(partition_->name,
                    partition_->optional ? data::Schema::optional_int32() : data::Schema::int32());
    }
    if (offset_)
      builder.field(offset_->name,
                    offset_->optional ? data::Schema::optional_int64() : data::Schema::int64());
    if (timestamp_) {
      static const data::SchemaPtr optional_timestamp = data::logical::timestamp_builder().optional().build();
      builder.field(timestamp_->name,
                    timestamp_->optional ? optional_timestamp : data::logical::timestamp_schema());
    }
    if (static_field_) {
      builder.field(static_field_->name,
                    static_field_->optional ? data::Schema::optional_string() : data::Schema::string());
    }
    return builder.build();
  }

  std::optional<InsertionSpec> topic_;
  std::optional<InsertionSpec> partition_;
  std::optional<InsertionSpec> offset_;
  std::optional<InsertionSpec> timestamp_;
  std::optional<InsertionSpec> static_field_;
  std::optional<std::string> static_value_;
  bool replace_null_with_default_ = true;
  SchemaCache<data::SchemaPtr> schema_updates_;  // input schema -> schema with the inserted fields
};

}  // namespace

const config::ConfigDef& insert_field_config_def() {
  static const config::ConfigDef def = [] {
    const std::string optionality(kOptionalityDoc);
    config::ConfigDef d;
    d.define(std::string(kTopicField), config::Type::String, std::nullopt, config::Importance::Medium,
             "Field name for Kafka topic. " + optionality);
    d.define(std::string(kPartitionField), config::Type::String, std::nullopt, config::Importance::Medium,
             "Field name for Kafka partition. " + optionality);
    d.define(std::string(kOffsetField), config::Type::String, std::nullopt, config::Importance::Medium,
             "Field name for Kafka offset - only applicable to sink connectors.<br/>" + optionality);
    d.define(std::string(kTimestampField), config::Type::String, std::nullopt, config::Importance::Medium,
             "Field name for record timestamp. " + optionality);
    d.define(std::string(kStaticField), config::Type::String, std::nullopt, config::Importance::Medium,
             "Field name for static data field. " + optionality);
    d.define(std::string(kStaticValue), config::Type::String, std::nullopt, config::Importance::Medium,
             "Static field value, if field name configured.");
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

std::unique_ptr<api::Transformation> make_insert_field(Side side) {
  return std::make_unique<InsertField>(side);
}

}  // namespace sluice::transforms
