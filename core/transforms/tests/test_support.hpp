#pragma once
// Small builders for the transform tests: records, maps, configs, and a check that an exception carries an
// exact message.

#include "core/common/errors.hpp"
#include "core/config/config_def.hpp"
#include "core/data/logical.hpp"
#include "core/data/record.hpp"
#include "core/data/schema.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <utility>

namespace sluice::transforms::testing {

using data::Schema;
using data::SchemaBuilder;
using data::SchemaPtr;
using data::Struct;
using data::Value;

inline config::RawConfig cfg(std::initializer_list<std::pair<const std::string, std::string>> entries) {
  config::RawConfig out;
  for (const auto& [k, v] : entries) out.emplace(k, v);
  return out;
}

inline Value map_of(std::initializer_list<std::pair<std::string, Value>> entries) {
  Value::Map map;
  for (const auto& [k, v] : entries) map.emplace_back(Value::string(k), v);
  return Value::map(std::move(map));
}

// The value of `key` in a schemaless map value; fails the test when absent.
inline const Value& entry(const Value& map, const std::string& key) {
  for (const auto& [k, v] : map.as_map()) {
    if (k.kind() == Value::Kind::String && k.as_string() == key) return v;
  }
  ADD_FAILURE() << "no key " << key;
  static const Value null_value;
  return null_value;
}

inline bool has_entry(const Value& map, const std::string& key) {
  for (const auto& [k, v] : map.as_map()) {
    if (k.kind() == Value::Kind::String && k.as_string() == key) return true;
  }
  return false;
}

inline data::ConnectRecord value_record(SchemaPtr schema, Value value, std::string topic = "topic") {
  data::ConnectRecord r;
  r.topic = std::move(topic);
  r.partition = 0;
  r.value_schema = std::move(schema);
  r.value = std::move(value);
  return r;
}

inline data::ConnectRecord key_record(SchemaPtr schema, Value key, std::string topic = "topic") {
  data::ConnectRecord r;
  r.topic = std::move(topic);
  r.partition = 0;
  r.key_schema = std::move(schema);
  r.key = std::move(key);
  return r;
}

// Runs `fn`, expecting an exception of type E whose what() is exactly `message`.
template <typename E>
void expect_error(const std::function<void()>& fn, const std::string& message) {
  try {
    fn();
    ADD_FAILURE() << "expected an exception: " << message;
  } catch (const E& e) {
    EXPECT_EQ(std::string(e.what()), message);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected exception type: " << e.what();
  }
}

inline Value decimal_value(std::int64_t unscaled) {
  return Value::bytes(data::logical::decimal_from_int64(unscaled));
}

}  // namespace sluice::transforms::testing
