// MaskField$Key / MaskField$Value: replaces fields with the "empty" value of their type (0, false, "", the
// epoch, an empty array or map), or with a configured replacement for numeric and string fields.

#include "core/common/errors.hpp"
#include "core/data/text_format.hpp"
#include "core/data/logical.hpp"
#include "core/transforms/java_numbers.hpp"
#include "core/transforms/transforms.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sluice::transforms {

namespace {

using data::Value;

constexpr std::string_view kFields = "fields";
constexpr std::string_view kReplacement = "replacement";
constexpr std::string_view kPurpose = "mask fields";

bool is_temporal(const data::SchemaPtr& schema) {
  return schema && (data::logical::is_date(*schema) || data::logical::is_time(*schema) ||
                    data::logical::is_timestamp(*schema));
}

bool is_decimal(const data::SchemaPtr& schema) {
  return schema && data::logical::is_decimal(*schema);
}

// BigDecimal.longValue() of a literal: the low 64 bits of its integer part.
std::int64_t long_value(const data::DecimalLiteral& literal) {
  std::uint64_t low_bits = 0;
  const std::int64_t kept =
      static_cast<std::int64_t>(literal.digits.size()) - std::max<std::int64_t>(literal.scale, 0);
  for (std::int64_t i = 0; i < kept; ++i) {
    low_bits = low_bits * 10U + static_cast<std::uint64_t>(literal.digits[static_cast<std::size_t>(i)] - '0');
  }
  // Trailing zeros of a negative scale; 10^64 is a multiple of 2^64, so more than 64 leave nothing.
  for (std::int64_t i = 0; i < std::min<std::int64_t>(-literal.scale, 64); ++i) low_bits *= 10U;
  if (literal.negative) low_bits = ~low_bits + 1U;
  return static_cast<std::int64_t>(low_bits);
}

// The value Kafka's PRIMITIVE_VALUE_MAPPING (or an empty list/map) gives for this value's Java class.
Value empty_value(const data::SchemaPtr& schema, const Value& value) {
  switch (value.kind()) {
    case Value::Kind::Boolean: return Value::boolean(false);
    case Value::Kind::Int8: return Value::int8(0);
    case Value::Kind::Int16: return Value::int16(0);
    case Value::Kind::Int32: return Value::int32(0);
    case Value::Kind::Int64: return Value::int64(0);
    case Value::Kind::Float32: return Value::float32(0.0F);
    case Value::Kind::Float64: return Value::float64(0.0);
    case Value::Kind::String: return Value::string("");
    case Value::Kind::Array: return Value::array({});
    case Value::Kind::Map: return Value::map({});
    case Value::Kind::Bytes:
      if (is_decimal(schema)) return Value::bytes(std::string(1, '\0'));  // BigDecimal.ZERO
      break;
    default: break;
  }
  throw DataError("Cannot mask value of type: " + java_class(schema, value));
}

class MaskField final : public SideTransformation {
 public:
  explicit MaskField(Side side) : SideTransformation(side) {}

  void configure(const config::RawConfig& raw) override {
    const config::Config config(mask_field_config_def(), raw);
    fields_ = config.get_list(kFields);
    replacement_ = config.get_optional_string(kReplacement);
    replace_null_with_default_ = config.get_bool(kReplaceNullWithDefault);
  }

  bool apply(data::ConnectRecord& record) override {
    data::SchemaPtr& schema = schema_of(record);
    Value& value = value_of(record);
    // The record's value is changed in place (Kafka builds a copy): masked values are computed and checked
    // first, so a failure leaves the record as it was.
    pending_.clear();
    if (!schema) {
      require_map(value, kPurpose);
      Value::Map& map = value.as_map();
      for (std::size_t i = 0; i < fields_.size(); ++i) {
        const Value* current = map_find(map, fields_[i]);
        pending_.emplace_back(i, masked(nullptr, current ? *current : Value()));
      }
      for (auto& [i, masked_value] : pending_) map_put(map, fields_[i], std::move(masked_value));
      pending_.clear();
      return true;
    }
    require_struct(value, kPurpose);
    data::Struct& s = value.as_struct();
    const std::vector<data::Field>& fields = s.schema()->fields();
    for (const data::Field& field : fields) {
      const Value& current = struct_field(s, field, replace_null_with_default_);
      if (std::find(fields_.begin(), fields_.end(), field.name) != fields_.end()) {
        Value masked_value = masked(field.schema, current);
        data::validate_value(field.schema, masked_value, field.name);
        pending_.emplace_back(field.index, std::move(masked_value));
      } else {
        data::validate_value(field.schema, current, field.name);
        // Kafka's copy holds a null field's default explicitly; so must the struct changed in place.
        if (!current.is_null() && s.values()[field.index].is_null())
          pending_.emplace_back(field.index, current);
      }
    }
    for (auto& [index, updated] : pending_) s.put(fields[index], std::move(updated));
    pending_.clear();
    return true;
  }

  const config::ConfigDef& config_def() const override { return mask_field_config_def(); }

 private:
  Value masked(const data::SchemaPtr& schema, const Value& value) const {
    if (value.is_null()) return {};
    if (!replacement_) return empty_value(schema, value);
    return with_replacement(schema, value);
  }

  Value with_replacement(const data::SchemaPtr& schema, const Value& value) const {
    const std::string& r = *replacement_;
    const bool supported =
        !is_temporal(schema) &&
        (value.kind() == Value::Kind::String || (value.kind() == Value::Kind::Bytes && is_decimal(schema)) ||
         (value.kind() >= Value::Kind::Int8 && value.kind() <= Value::Kind::Float64));
    if (!supported) {
      throw DataError("Cannot mask value of type " + java_class(schema, value) + " with custom replacement.");
    }
    if (value.kind() == Value::Kind::String) return Value::string(r);
    // Kafka converts through BigDecimal (Values.convertTo*), so "1e3" or "12.7" are accepted for integers.
    const auto literal = data::parse_decimal_literal(r);
    if (!literal) throw DataError("Unable to convert " + r + " (class java.lang.String) to number");
    if (value.kind() == Value::Kind::Bytes) {
      return Value::bytes(data::logical::decimal_from_string(r, data::logical::decimal_scale(*schema)));
    }
    const std::int64_t as_long = long_value(*literal);
    const std::string scientific =
        (literal->negative ? "-" : "") + literal->digits + "e" + std::to_string(-literal->scale);
    const double as_double = std::strtod(scientific.c_str(), nullptr);
    switch (value.kind()) {
      case Value::Kind::Int8: return Value::int8(java_narrow<std::int8_t>(as_long));
      case Value::Kind::Int16: return Value::int16(java_narrow<std::int16_t>(as_long));
      case Value::Kind::Int32: return Value::int32(java_narrow<std::int32_t>(as_long));
      case Value::Kind::Int64: return Value::int64(as_long);
      case Value::Kind::Float32: return Value::float32(static_cast<float>(as_double));
      default: return Value::float64(as_double);
    }
  }

  std::vector<std::string> fields_;
  std::optional<std::string> replacement_;
  bool replace_null_with_default_ = true;
  std::vector<std::pair<std::size_t, Value>> pending_;  // new field values, applied once all are known
};

}  // namespace

const config::ConfigDef& mask_field_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define_required(std::string(kFields), config::Type::List, config::Importance::High,
                      "Names of fields to mask.", validators::non_empty_list());
    d.define(
        std::string(kReplacement), config::Type::String, std::nullopt, config::Importance::Low,
        "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string "
        "values only).",
        config::validators::non_empty_string());
    d.define(replace_null_with_default_key());
    return d;
  }();
  return def;
}

std::unique_ptr<api::Transformation> make_mask_field(Side side) {
  return std::make_unique<MaskField>(side);
}

}  // namespace sluice::transforms
