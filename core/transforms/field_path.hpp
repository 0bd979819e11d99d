#pragma once
// KIP-821 field paths (Kafka's SingleFieldPath and FieldSyntaxVersion). With `field.syntax.version=V1` a
// path is one field name taken literally; with V2 dots separate nested fields and backticks quote a name
// that contains dots (`foo.bar`.baz), a backslash escaping a backtick inside such a name.

#include "core/config/config_def.hpp"
#include "core/data/schema.hpp"

#include <string>
#include <vector>

namespace sluice::transforms {

enum class FieldSyntaxVersion : std::uint8_t { V1, V2 };

inline constexpr std::string_view kFieldSyntaxVersionConfig = "field.syntax.version";
// The `field.syntax.version` key (STRING, default "V1", V1 or V2 case-insensitively, HIGH).
config::ConfigKey field_syntax_version_key();
FieldSyntaxVersion parse_field_syntax_version(const std::string& text);

class SingleFieldPath {
 public:
  // Throws ConfigError for an unclosed backtick pair (V2).
  SingleFieldPath(const std::string& path, FieldSyntaxVersion version);

  const std::vector<std::string>& steps() const { return steps_; }
  // The field at this path in a struct schema, or nullptr when any step is missing. Throws DataError when an
  // intermediate step is not a struct ("Cannot look up fields on non-struct type").
  const data::Field* field_from(const data::Schema& schema) const;
  // The value at this path, or null when a step is missing or an intermediate value is null.
  data::Value value_from(const data::Struct& value, bool replace_null_with_default = true) const;
  data::Value value_from(const data::Value::Map& value) const;

 private:
  std::vector<std::string> steps_;
};

}  // namespace sluice::transforms
