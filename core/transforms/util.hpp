#pragma once
// Helpers shared by the built-in transformations: the key/value side a transformation works on, Kafka's
// Requirements messages (which name Java classes, so users see what Kafka would print), schema copying
// (SchemaUtil), map access for schemaless values, and the small validators Kafka's transforms use.

#include "core/api/transformation.hpp"
#include "core/config/config_def.hpp"
#include "core/data/record.hpp"
#include "core/data/schema.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::transforms {

// Kafka's $Key / $Value variants.
enum class Side : std::uint8_t { Key, Value };

inline data::SchemaPtr& operating_schema(data::ConnectRecord& record, Side side) {
  return side == Side::Key ? record.key_schema : record.value_schema;
}
inline data::Value& operating_value(data::ConnectRecord& record, Side side) {
  return side == Side::Key ? record.key : record.value;
}

// Base of the transformations that exist as $Key and $Value: they differ only in the record part they use.
class SideTransformation : public api::Transformation {
 protected:
  explicit SideTransformation(Side side) : side_(side) {}
  data::SchemaPtr& schema_of(data::ConnectRecord& record) const { return operating_schema(record, side_); }
  data::Value& value_of(data::ConnectRecord& record) const { return operating_value(record, side_); }

  Side side_;
};

// Java's getClass().getName() for the object Kafka would hold for this value: "java.lang.Integer",
// "[B" for bytes, "java.util.HashMap", "org.apache.kafka.connect.data.Struct"; "null" for null.
std::string java_class_name(const data::Value& value);
// As Java prints a Class in string concatenation: "class java.lang.Integer" ("null" for null).
std::string java_class(const data::Value& value);
// The Java class of a value described by a schema: logical types map to java.util.Date / BigDecimal.
std::string java_class(const data::SchemaPtr& schema, const data::Value& value);

// Kafka's Requirements: throw DataError with Kafka's text when the value is not what [purpose] needs.
const data::Struct& require_struct(const data::Value& value, std::string_view purpose);
const data::Value::Map& require_map(const data::Value& value, std::string_view purpose);
void require_schema(const data::SchemaPtr& schema, std::string_view purpose);

// Kafka's ConnectSchema.toString: "Schema{INT32}" or "Schema{name:INT64}".
std::string schema_to_string(const data::Schema& schema);

// SchemaUtil.copySchemaBasics(source, builder): name, version, doc and parameters.
void copy_schema_basics(const data::Schema& source, data::SchemaBuilder& builder);
// SchemaUtil.copySchemaBasics(source): a builder of the same type (and element schemas) with the basics.
data::SchemaBuilder copy_schema_basics(const data::Schema& source);

// Struct.get (default for null) or Struct.getWithoutDefault, as `replace.null.with.default` selects.
const data::Value& struct_field(const data::Struct& value, const data::Field& field,
                                bool replace_null_with_default);
// The same value moved out of a struct the caller owns and replaces (a default is copied, the field is left
// null): transformations rebuild the record's own struct without copying strings, arrays and maps.
data::Value take_struct_field(data::Struct& value, const data::Field& field, bool replace_null_with_default);

// Schemaless maps: entries keyed by strings, in insertion order.
const data::Value* map_find(const data::Value::Map& map, std::string_view key);
// HashMap.put: replaces the value of an existing key, else appends.
void map_put(data::Value::Map& map, std::string_view key, data::Value value);
void map_remove(data::Value::Map& map, std::string_view key);
// Java's String.valueOf for a map key (keys of schemaless maps are strings in practice).
std::string map_key_string(const data::Value& key);

// Java's List.toString: "[a, b]".
std::string java_list_string(const std::vector<std::string>& items);
// Java's String.split(regex) for a single literal character: trailing empty strings are removed, and the
// empty string splits into one empty string.
std::vector<std::string> java_split(std::string_view text, char separator);

// ConfigException(name, value, message): "Invalid value <value> for configuration <name>: <message>".
[[noreturn]] void throw_invalid_config(std::string_view name, std::string_view value,
                                       std::string_view message);

// The raw text of a parsed config value as Kafka prints it in messages (lists as "[a, b]", null as "null").
std::string parsed_value_text(const config::ParsedValue& value);

// The `replace.null.with.default` key of KIP-1040, shared by several transformations.
inline constexpr std::string_view kReplaceNullWithDefault = "replace.null.with.default";
config::ConfigKey replace_null_with_default_key();

namespace validators {
// NonEmptyListValidator: "Empty list"; shown as "non-empty list".
config::ValidatorPtr non_empty_list();
// RegexValidator: "Invalid regex: <reason>"; shown as "valid regex".
config::ValidatorPtr regex();
// ConfigDef.CompositeValidator: runs each in order.
config::ValidatorPtr composite(std::vector<config::ValidatorPtr> validators);
}  // namespace validators

}  // namespace sluice::transforms
