#include "core/data/headers.hpp"

#include "core/common/errors.hpp"

#include <algorithm>
#include <string>
#include <unordered_set>

namespace sluice::data {

namespace {

std::string schema_text(const Schema& schema) {
  std::string text = "Schema{";
  if (schema.name()) text += *schema.name() + ":";
  text += type_upper_name(schema.type());
  return text + "}";
}

// Kafka's ConnectHeaders.checkSchemaMatches: only the top-level type is checked, so a header may carry, say,
// an array whose elements are not all of the declared element type (SimpleHeaderConverter produces such).
void check_schema_matches(const SchemaPtr& schema, const Value& value) {
  if (!schema) return;
  if (value.is_null()) {
    if (!schema->optional())
      throw DataError("A null value requires an optional schema but was " + schema_text(*schema));
    return;
  }
  if (value.kind() != value_kind_for(schema->type())) {
    throw DataError(std::string("Expecting ") + type_upper_name(schema->type()) + " but found " +
                    kind_name(value.kind()));
  }
}

}  // namespace

bool Header::operator==(const Header& other) const {
  if (key != other.key || !(value == other.value)) return false;
  if (schema == other.schema) return true;
  return schema && other.schema && *schema == *other.schema;
}

Headers& Headers::add(std::string key, SchemaPtr schema, Value value) {
  check_schema_matches(schema, value);
  headers_.push_back(Header{std::move(key), std::move(schema), std::move(value)});
  return *this;
}

Headers& Headers::add(Header header) {
  check_schema_matches(header.schema, header.value);
  headers_.push_back(std::move(header));
  return *this;
}

const Header* Headers::last_with_name(std::string_view key) const {
  for (auto it = headers_.rbegin(); it != headers_.rend(); ++it) {
    if (it->key == key) return &*it;
  }
  return nullptr;
}

std::vector<const Header*> Headers::all_with_name(std::string_view key) const {
  std::vector<const Header*> out;
  for (const Header& h : headers_) {
    if (h.key == key) out.push_back(&h);
  }
  return out;
}

Headers& Headers::remove(std::string_view key) {
  std::erase_if(headers_, [key](const Header& h) { return h.key == key; });
  return *this;
}

Headers& Headers::retain_latest() {
  // Walk from the back so the last header of each key wins; keep the survivors in their original order.
  std::unordered_set<std::string_view> seen;
  std::vector<bool> keep(headers_.size(), false);
  for (std::size_t i = headers_.size(); i-- > 0;) {
    if (seen.insert(headers_[i].key).second) keep[i] = true;
  }
  std::vector<Header> kept;
  kept.reserve(seen.size());
  for (std::size_t i = 0; i < headers_.size(); ++i) {
    if (keep[i]) kept.push_back(std::move(headers_[i]));
  }
  headers_ = std::move(kept);
  return *this;
}

}  // namespace sluice::data
