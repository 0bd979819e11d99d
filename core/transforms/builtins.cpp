#include "core/transforms/builtins.hpp"

#include "core/transforms/transforms.hpp"

#include <functional>
#include <string>
#include <utility>

namespace sluice::transforms {

namespace {

constexpr std::string_view kPackage = "org.apache.kafka.connect.transforms.";
constexpr std::string_view kPredicatePackage = "org.apache.kafka.connect.transforms.predicates.";

std::string variants_doc(std::string_view name) {
  const std::string base = std::string(kPackage) + std::string(name);
  return "<p/>Use the concrete transformation type designed for the record key (<code>" + base +
         "$Key</code>) or value (<code>" + base + "$Value</code>).";
}

api::PluginInfo info(std::string class_name, std::vector<std::string> aliases, api::PluginKind kind,
                     std::string documentation, const config::ConfigDef& def) {
  api::PluginInfo out;
  out.class_name = std::move(class_name);
  out.aliases = std::move(aliases);
  out.kind = kind;
  out.location = "builtin";
  out.documentation = std::move(documentation);
  out.config_def = &def;
  return out;
}

using SideFactory = std::unique_ptr<api::Transformation> (*)(Side);
using PlainFactory = std::unique_ptr<api::Transformation> (*)();
using PredicateFactory = std::unique_ptr<api::Predicate> (*)();

void add_variants(std::vector<api::BuiltinPlugin>& out, std::string_view name, const std::string& doc,
                  const config::ConfigDef& def, SideFactory make) {
  for (auto [suffix, side] : {std::pair{"$Key", Side::Key}, std::pair{"$Value", Side::Value}}) {
    api::BuiltinPlugin plugin;
    // Kafka's automatic aliases skip nested classes (their simple names, Key and Value, are ambiguous);
    // sluice also accepts "<Name>$Key" / "<Name>$Value", which is what users write by hand.
    plugin.info = info(std::string(kPackage) + std::string(name) + suffix, {std::string(name) + suffix},
                       api::PluginKind::Transformation, doc + variants_doc(name), def);
    plugin.make_transformation = [make, side = side] { return make(side); };
    out.push_back(std::move(plugin));
  }
}

void add_plain(std::vector<api::BuiltinPlugin>& out, std::string_view name, std::string doc,
               const config::ConfigDef& def, PlainFactory make) {
  api::BuiltinPlugin plugin;
  plugin.info = info(std::string(kPackage) + std::string(name), {std::string(name)},
                     api::PluginKind::Transformation, std::move(doc), def);
  plugin.make_transformation = [make] { return make(); };
  out.push_back(std::move(plugin));
}

void add_predicate(std::vector<api::BuiltinPlugin>& out, std::string_view name, std::string doc,
                   const config::ConfigDef& def, PredicateFactory make) {
  api::BuiltinPlugin plugin;
  plugin.info = info(std::string(kPredicatePackage) + std::string(name), {std::string(name)},
                     api::PluginKind::Predicate, std::move(doc), def);
  plugin.make_predicate = [make] { return make(); };
  out.push_back(std::move(plugin));
}

}  // namespace

std::vector<api::BuiltinPlugin> builtin_transformations() {
  std::vector<api::BuiltinPlugin> out;
  add_variants(
      out, "Cast",
      "Cast fields or the entire key or value to a specific type, e.g. to force an integer field to a "
      "smaller "
      "width. Cast from integers, floats, boolean and string to any other type, and cast binary to string "
      "(base64 encoded).",
      cast_config_def(), &make_cast);
  add_plain(out, "DropHeaders", "Removes one or more headers from each record.", drop_headers_config_def(),
            &make_drop_headers);
  add_variants(
      out, "ExtractField",
      "Extract the specified field from a Struct when schema present, or a Map in the case of schemaless "
      "data. Any null values are passed through unmodified.",
      extract_field_config_def(), &make_extract_field);
  add_plain(out, "Filter",
            "Drops all records, filtering them from subsequent transformations in the chain. This is "
            "intended to be "
            "used conditionally to filter out records matching (or not matching) a particular Predicate.",
            filter_config_def(), &make_filter);
  add_variants(
      out, "Flatten",
      "Flatten a nested data structure, generating names for each field by concatenating the field names at "
      "each level with a configurable delimiter character. Applies to Struct when schema present, or a Map "
      "in the case of schemaless data. Array fields and their contents are not modified. The default "
      "delimiter is '.'.",
      flatten_config_def(), &make_flatten);
  add_variants(
      out, "HeaderFrom",
      "Moves or copies fields in the key/value of a record into that record's headers. Corresponding "
      "elements of <code>fields</code> and <code>headers</code> together identify a field and the header it "
      "should be moved or copied to.",
      header_from_config_def(), &make_header_from);
  add_variants(
      out, "HoistField",
      "Wrap data using the specified field name in a Struct when schema present, or a Map in the case of "
      "schemaless data.",
      hoist_field_config_def(), &make_hoist_field);
  add_variants(out, "InsertField",
               "Insert field(s) using attributes from the record metadata or a configured static value.",
               insert_field_config_def(), &make_insert_field);
  add_plain(out, "InsertHeader", "Add a header to each record.", insert_header_config_def(),
            &make_insert_header);
  add_variants(
      out, "MaskField",
      "Mask specified fields with a valid null value for the field type (i.e. 0, false, empty string, and so "
      "on).<p/>For numeric and string fields, an optional replacement value can be specified that is "
      "converted to the correct type.",
      mask_field_config_def(), &make_mask_field);
  add_plain(
      out, "RegexRouter",
      "Update the record topic using the configured regular expression and replacement string.<p/>Under the "
      "hood, the regex is compiled to a <code>java.util.regex.Pattern</code>. If the pattern matches the "
      "input "
      "topic, <code>java.util.regex.Matcher#replaceFirst()</code> is used with the replacement string to "
      "obtain "
      "the new topic.",
      regex_router_config_def(), &make_regex_router);
  add_variants(out, "ReplaceField", "Filter or rename fields.", replace_field_config_def(),
               &make_replace_field);
  add_variants(out, "SetSchemaMetadata",
               "Set the schema name, version or both on the record's key or value schema.",
               set_schema_metadata_config_def(), &make_set_schema_metadata);
  add_variants(
      out, "TimestampConverter",
      "Convert timestamps between different formats such as Unix epoch, strings, and Connect Date/Timestamp "
      "types.Applies to individual fields or to the entire value.",
      timestamp_converter_config_def(), &make_timestamp_converter);
  add_plain(
      out, "TimestampRouter",
      "Update the record's topic field as a function of the original topic value and the record "
      "timestamp.<p/>This is mainly useful for sink connectors, since the topic field is often used to "
      "determine the equivalent entity name in the destination system(e.g. database table or search index "
      "name).",
      timestamp_router_config_def(), &make_timestamp_router);
  add_plain(out, "ValueToKey",
            "Replace the record key with a new key formed from a subset of fields in the record value.",
            value_to_key_config_def(), &make_value_to_key);

  add_predicate(out, "TopicNameMatches",
                "A predicate which is true for records with a topic name that matches the configured regular "
                "expression.",
                topic_name_matches_config_def(), &make_topic_name_matches);
  add_predicate(out, "HasHeaderKey",
                "A predicate which is true for records with at least one header with the configured name.",
                has_header_key_config_def(), &make_has_header_key);
  add_predicate(out, "RecordIsTombstone",
                "A predicate which is true for records which are tombstones (i.e. have null value).",
                record_is_tombstone_config_def(), &make_record_is_tombstone);
  return out;
}

}  // namespace sluice::transforms
