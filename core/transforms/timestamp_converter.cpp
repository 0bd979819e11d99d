// TimestampConverter$Key / TimestampConverter$Value: converts a timestamp field (or the whole key/value)
// between formatted strings, Unix epoch numbers and Connect's Date, Time and Timestamp types.
//
// Every conversion goes through epoch milliseconds, as Kafka goes through java.util.Date. Without a schema
// Kafka would produce java.util.Date objects for Date/Time/Timestamp targets; sluice produces their Connect
// base values instead (INT32 days, INT32 milliseconds of the day, INT64 milliseconds).

#include "core/common/errors.hpp"
#include "core/data/logical.hpp"
#include "core/transforms/date_format.hpp"
#include "core/transforms/transforms.hpp"

#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

namespace sluice::transforms {

namespace {

using data::Value;

constexpr std::string_view kField = "field";
constexpr std::string_view kTargetType = "target.type";
constexpr std::string_view kFormat = "format";
constexpr std::string_view kUnixPrecision = "unix.precision";
constexpr std::string_view kPurpose = "converting timestamp formats";

enum class Kind : std::uint8_t { String, Unix, Date, Time, Timestamp };
enum class Precision : std::uint8_t { Seconds, Milliseconds, Microseconds, Nanoseconds };

Kind kind_from_name(const std::string& name) {
  if (name == "string") return Kind::String;
  if (name == "unix") return Kind::Unix;
  if (name == "Date") return Kind::Date;
  if (name == "Time") return Kind::Time;
  return Kind::Timestamp;
}

Precision precision_from_name(const std::string& name) {
  if (name == "seconds") return Precision::Seconds;
  if (name == "microseconds") return Precision::Microseconds;
  if (name == "nanoseconds") return Precision::Nanoseconds;
  return Precision::Milliseconds;
}

bool is_blank(const std::string& text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) > ' ') return false;
  }
  return true;
}

// TimeUnit conversions: multiplication saturates, division truncates toward zero.
std::int64_t saturating_multiply(std::int64_t value, std::int64_t factor) {
  if (value > std::numeric_limits<std::int64_t>::max() / factor)
    return std::numeric_limits<std::int64_t>::max();
  if (value < std::numeric_limits<std::int64_t>::min() / factor)
    return std::numeric_limits<std::int64_t>::min();
  return value * factor;
}

data::SchemaPtr type_schema(Kind kind, bool optional) {
  static const data::SchemaPtr optional_date = data::logical::date_builder().optional().build();
  static const data::SchemaPtr optional_time = data::logical::time_builder().optional().build();
  static const data::SchemaPtr optional_timestamp = data::logical::timestamp_builder().optional().build();
  switch (kind) {
    case Kind::String: return optional ? data::Schema::optional_string() : data::Schema::string();
    case Kind::Unix: return optional ? data::Schema::optional_int64() : data::Schema::int64();
    case Kind::Date: return optional ? optional_date : data::logical::date_schema();
    case Kind::Time: return optional ? optional_time : data::logical::time_schema();
    case Kind::Timestamp: break;
  }
  return optional ? optional_timestamp : data::logical::timestamp_schema();
}

// Kafka's timestampTypeFromSchema.
Kind kind_from_schema(const data::Schema& schema) {
  if (data::logical::is_timestamp(schema)) return Kind::Timestamp;
  if (data::logical::is_date(schema)) return Kind::Date;
  if (data::logical::is_time(schema)) return Kind::Time;
  if (schema.type() == data::Type::String) return Kind::String;
  if (schema.type() == data::Type::Int64) return Kind::Unix;
  throw ConnectError("Schema " + schema_to_string(schema) +
                     " does not correspond to a known timestamp type format");
}

// Kafka's inferTimestampType for schemaless values (a java.util.Date cannot occur here).
Kind infer_kind(const Value& value) {
  if (value.kind() == Value::Kind::Int64) return Kind::Unix;
  if (value.kind() == Value::Kind::String) return Kind::String;
  throw DataError("TimestampConverter does not support " + java_class(value) + " objects as timestamps");
}

class TimestampConverter final : public SideTransformation {
 public:
  explicit TimestampConverter(Side side) : SideTransformation(side) {}

  void configure(const config::RawConfig& raw) override {
    const config::Config config(timestamp_converter_config_def(), raw);
    field_ = config.get_string(kField);
    target_ = kind_from_name(config.get_string(kTargetType));
    precision_ = precision_from_name(config.get_string(kUnixPrecision));
    replace_null_with_default_ = config.get_bool(kReplaceNullWithDefault);
    const std::string& pattern = config.get_string(kFormat);
    if (target_ == Kind::String && is_blank(pattern)) {
      throw ConfigError(
          "TimestampConverter requires format option to be specified when using string timestamps");
    }
    format_.reset();
    if (!is_blank(pattern)) {
      try {
        format_.emplace(pattern);
      } catch (const std::invalid_argument&) {
        throw ConfigError(
            "TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: " +
            pattern);
      }
    }
  }

  bool apply(data::ConnectRecord& record) override {
    data::SchemaPtr& schema = schema_of(record);
    Value& value = value_of(record);
    if (!schema) {
      if (value.is_null() || field_.empty()) {
        value = convert(value, std::nullopt);
        return true;
      }
      Value::Map updated = require_map(value, kPurpose);
      const Value* current = map_find(updated, field_);
      Value converted = convert(current ? *current : Value(), std::nullopt);
      map_put(updated, field_, std::move(converted));
      value = Value::map(std::move(updated));
      return true;
    }
    if (field_.empty()) {
      Value converted = convert(value, kind_from_schema(*schema));
      value = std::move(converted);
      schema = type_schema(target_, schema->optional());
      return true;
    }
    if (!value.is_null()) require_struct(value, kPurpose);
    data::SchemaPtr updated_schema = build_schema(*schema);
    if (!value.is_null()) value = Value::structure(convert_struct(value.as_struct(), updated_schema));
    schema = std::move(updated_schema);
    return true;
  }

  const config::ConfigDef& config_def() const override { return timestamp_converter_config_def(); }

 private:
  data::SchemaPtr build_schema(const data::Schema& source) const {
    data::SchemaBuilder builder = data::SchemaBuilder::structure();
    copy_schema_basics(source, builder);
    for (const data::Field& field : source.fields()) {
      builder.field(field.name,
                    field.name == field_ ? type_schema(target_, field.schema->optional()) : field.schema);
    }
    if (source.optional()) builder.optional();
    if (source.default_value()) {
      const data::SchemaPtr partial = builder.build();
      builder.default_value(Value::structure(convert_struct(source.default_value()->as_struct(), partial)));
    }
    return builder.build();
  }

  data::Struct convert_struct(const data::Struct& original, const data::SchemaPtr& updated_schema) const {
    data::Struct updated(updated_schema);
    for (const data::Field& field : original.schema()->fields()) {
      const Value& current = struct_field(original, field, replace_null_with_default_);
      updated.put(field.name,
                  field.name == field_ ? convert(current, kind_from_schema(*field.schema)) : current);
    }
    return updated;
  }

  // The source format comes from the schema, or is inferred from the value when there is none.
  Value convert(const Value& value, std::optional<Kind> source) const {
    if (value.is_null()) return {};
    const Kind from = source ? *source : infer_kind(value);
    return to_target(to_millis(value, from));
  }

  std::int64_t to_millis(const Value& value, Kind from) const {
    switch (from) {
      case Kind::String: {
        if (value.kind() != Value::Kind::String) {
          throw DataError("Expected string timestamp to be a String, but found " + java_class(value));
        }
        if (!format_) {
          throw DataError(
              "TimestampConverter requires format option to be specified when using string timestamps");
        }
        auto parsed = format_->parse(value.as_string());
        if (!parsed) {
          throw DataError("Could not parse timestamp: value (" + value.as_string() +
                          ") does not match pattern (" + format_->pattern() + ")");
        }
        return *parsed;
      }
      case Kind::Unix: {
        if (value.kind() != Value::Kind::Int64) {
          throw DataError("Expected Unix timestamp to be a Long, but found " + java_class(value));
        }
        const std::int64_t unix_time = value.as_int64();
        switch (precision_) {
          case Precision::Seconds: return saturating_multiply(unix_time, 1000);
          case Precision::Microseconds: return unix_time / 1000;
          case Precision::Nanoseconds: return unix_time / 1'000'000;
          case Precision::Milliseconds: break;
        }
        return unix_time;
      }
      case Kind::Date:
        if (value.kind() != Value::Kind::Int32) {
          throw DataError("Expected Date to be a java.util.Date, but found " + java_class(value));
        }
        return static_cast<std::int64_t>(value.as_int32()) * kMillisPerDay;
      case Kind::Time:
        if (value.kind() != Value::Kind::Int32) {
          throw DataError("Expected Time to be a java.util.Date, but found " + java_class(value));
        }
        return value.as_int32();
      case Kind::Timestamp: break;
    }
    if (value.kind() != Value::Kind::Int64) {
      throw DataError("Expected Timestamp to be a java.util.Date, but found " + java_class(value));
    }
    return value.as_int64();
  }

  Value to_target(std::int64_t millis) const {
    switch (target_) {
      case Kind::String: return Value::string(format_->format(millis));
      case Kind::Unix:
        switch (precision_) {
          case Precision::Seconds: return Value::int64(millis / 1000);
          case Precision::Microseconds: return Value::int64(saturating_multiply(millis, 1000));
          case Precision::Nanoseconds: return Value::int64(saturating_multiply(millis, 1'000'000));
          case Precision::Milliseconds: break;
        }
        return Value::int64(millis);
      case Kind::Date: return Value::int32(static_cast<std::int32_t>(floor_div(millis, kMillisPerDay)));
      case Kind::Time: return Value::int32(static_cast<std::int32_t>(floor_mod(millis, kMillisPerDay)));
      case Kind::Timestamp: break;
    }
    return Value::int64(millis);
  }

  std::string field_;
  Kind target_ = Kind::Timestamp;
  Precision precision_ = Precision::Milliseconds;
  std::optional<JavaDateFormat> format_;
  bool replace_null_with_default_ = true;
};

}  // namespace

const config::ConfigDef& timestamp_converter_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define(std::string(kField), config::Type::String, "", config::Importance::High,
             "The field containing the timestamp, or empty if the entire value is a timestamp");
    d.define_required(std::string(kTargetType), config::Type::String, config::Importance::High,
                      "The desired timestamp representation: string, unix, Date, Time, or Timestamp",
                      config::validators::in({"string", "unix", "Date", "Time", "Timestamp"}));
    d.define(std::string(kFormat), config::Type::String, "", config::Importance::Medium,
             "A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when "
             "type=string "
             "or used to parse the input if the input is a string.");
    d.define(
        std::string(kUnixPrecision), config::Type::String, "milliseconds", config::Importance::Low,
        "The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. "
        "Used "
        "to generate the output when type=unix or used to parse the input if the input is a Long.Note: This "
        "SMT "
        "will cause precision loss during conversions from, and to, values with sub-millisecond components.",
        config::validators::in({"nanoseconds", "microseconds", "milliseconds", "seconds"}));
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

std::unique_ptr<api::Transformation> make_timestamp_converter(Side side) {
  return std::make_unique<TimestampConverter>(side);
}

}  // namespace sluice::transforms
