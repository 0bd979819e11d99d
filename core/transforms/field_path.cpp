#include "core/transforms/field_path.hpp"

#include "core/common/errors.hpp"
#include "core/transforms/util.hpp"

#include <algorithm>
#include <cctype>

namespace sluice::transforms {

namespace {

[[noreturn]] void fail_incomplete_backtick(const std::string& path, std::size_t at) {
  throw ConfigError("Incomplete backtick pair in path: [" + path +
                    "], consider adding a backslash before backtick at " + "position " + std::to_string(at) +
                    " to escape it");
}

// Kafka's SingleFieldPath.buildFieldPathV2, step for step.
std::vector<std::string> parse_v2(const std::string& path) {
  std::vector<std::string> steps;
  std::size_t idx = 0;
  while (idx < path.size()) {
    if (path[idx] != '`') {
      const std::size_t start = idx;
      const std::size_t dot = path.find('.', idx);
      if (dot != std::string::npos) {
        steps.push_back(path.substr(start, dot - start));
        idx = dot + 1;
      } else {
        steps.push_back(path.substr(start));
        idx = path.size();
      }
      continue;
    }
    const std::size_t backtick_at = idx;
    ++idx;
    std::string field;
    std::size_t start = idx;
    while (true) {
      idx = path.find('`', idx);
      if (idx == std::string::npos) fail_incomplete_backtick(path, backtick_at);
      const bool escaped = path[idx - 1] == '\\';
      if (idx >= path.size() - 1) {
        if (escaped) fail_incomplete_backtick(path, backtick_at);
        field.append(path, start, idx - start);
        steps.push_back(field);
        ++idx;
        break;
      }
      if (path[idx + 1] != '.') {
        ++idx;  // a backtick inside the name; keep looking for one followed by a dot
        continue;
      }
      if (escaped) {
        field.append(path, start, idx - 1 - start);
        field += '`';
        ++idx;
        start = idx;
        continue;
      }
      field.append(path, start, idx - start);
      steps.push_back(field);
      idx += 2;
      break;
    }
  }
  if (!path.empty() && path.back() == '.') steps.emplace_back();
  return steps;
}

}  // namespace

config::ConfigKey field_syntax_version_key() {
  config::ConfigKey key;
  key.name = std::string(kFieldSyntaxVersionConfig);
  key.type = config::Type::String;
  key.has_default = true;
  key.default_value = "V1";
  key.validator = config::validators::in_case_insensitive({"V1", "V2"});
  key.importance = config::Importance::High;
  key.documentation =
      "Defines the version of the syntax to access fields. If set to <code>V1</code>, then the field paths "
      "are "
      "limited to access the elements at the root level of the struct or map. If set to <code>V2</code>, the "
      "syntax "
      "will support accessing nested elements. To access nested elements, dotted notation is used. If dots "
      "are "
      "already included in the field name, then backtick pairs can be used to wrap field names containing "
      "dots. "
      "E.g. to access the subfield <code>baz</code> from a field named \"foo.bar\" in a struct/map the "
      "following "
      "format can be used to access its elements: \"<code>foo.bar</code>.baz\".";
  return key;
}

FieldSyntaxVersion parse_field_syntax_version(const std::string& text) {
  std::string upper = text;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper == "V1") return FieldSyntaxVersion::V1;
  if (upper == "V2") return FieldSyntaxVersion::V2;
  throw_invalid_config(kFieldSyntaxVersionConfig, text, "Unrecognized field syntax version");
}

SingleFieldPath::SingleFieldPath(const std::string& path, FieldSyntaxVersion version) {
  if (version == FieldSyntaxVersion::V1) {
    steps_.push_back(path);
  } else {
    steps_ = parse_v2(path);
  }
  if (steps_.empty()) steps_.emplace_back();
}

const data::Field* SingleFieldPath::field_from(const data::Schema& schema) const {
  const data::Schema* current = &schema;
  for (std::size_t i = 0; i + 1 < steps_.size(); ++i) {
    const data::Field* field = current->field(steps_[i]);
    if (field == nullptr) return nullptr;
    current = field->schema.get();
  }
  return current->field(steps_.back());
}

data::Value SingleFieldPath::value_from(const data::Struct& value, bool replace_null_with_default) const {
  const data::Struct* current = &value;
  for (std::size_t i = 0; i + 1 < steps_.size(); ++i) {
    const data::Field* field = current->schema()->field(steps_[i]);
    if (field == nullptr) return {};
    const data::Value& sub = struct_field(*current, *field, replace_null_with_default);
    if (sub.is_null()) return {};
    current = &require_struct(sub, "nested field access");
  }
  const data::Field* last = current->schema()->field(steps_.back());
  if (last == nullptr) return {};
  return struct_field(*current, *last, replace_null_with_default);
}

data::Value SingleFieldPath::value_from(const data::Value::Map& value) const {
  const data::Value::Map* current = &value;
  for (std::size_t i = 0; i + 1 < steps_.size(); ++i) {
    const data::Value* sub = map_find(*current, steps_[i]);
    if (sub == nullptr || sub->is_null()) return {};
    current = &require_map(*sub, "nested field access");
  }
  const data::Value* last = map_find(*current, steps_.back());
  return last == nullptr ? data::Value() : *last;
}

}  // namespace sluice::transforms
