#pragma once
// Base classes for the other plugin kinds: Converter, HeaderConverter, Transformation, Predicate and
// ConfigProvider. One object per configured instance; the host calls it from one thread at a time.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sdk/connect.hpp"
#include "sluice/sdk/data.hpp"
#include "sluice/sdk/records.hpp"

namespace sluice::sdk {

// Kafka's Converter: Connect data <-> bytes for record keys or values.
class Converter : public detail::Instance {
 public:
  virtual void configure(const ConfigMap& config, bool is_key) {
    (void)config;
    (void)is_key;
  }
  // nullopt: null bytes (a tombstone).
  virtual std::optional<std::string> from_connect(std::string_view topic, const Headers& headers,
                                                  const Schema& schema, const Value& value) = 0;
  // `data` nullopt: null bytes.
  virtual SchemaAndValue to_connect(std::string_view topic, const Headers& headers,
                                    std::optional<std::string_view> data) = 0;
};

// Kafka's HeaderConverter.
class HeaderConverter : public detail::Instance {
 public:
  virtual void configure(const ConfigMap& config) { (void)config; }
  virtual std::optional<std::string> from_connect(std::string_view topic, std::string_view header_key,
                                                  const Schema& schema, const Value& value) = 0;
  virtual SchemaAndValue to_connect(std::string_view topic, std::string_view header_key,
                                    std::optional<std::string_view> data) = 0;
};

// Kafka's Transformation (SMT): returns the new record, or nullopt to drop it.
class Transformation : public detail::Instance {
 public:
  virtual void configure(const ConfigMap& config) { (void)config; }
  virtual std::optional<Record> apply(Record record) = 0;
};

// Kafka's Predicate, for conditional transformations.
class Predicate : public detail::Instance {
 public:
  virtual void configure(const ConfigMap& config) { (void)config; }
  virtual bool test(const Record& record) = 0;
};

// What a ConfigProvider found: values (nullopt = null) and how long they stay valid.
struct ConfigData {
  std::map<std::string, std::optional<std::string>> data;
  std::optional<std::int64_t> ttl_ms;  // nullopt: no expiry
};

// Kafka's ConfigProvider, resolving ${provider:path:key} placeholders.
class ConfigProvider : public detail::Instance {
 public:
  virtual void configure(const ConfigMap& config) { (void)config; }
  // `keys` empty: every key at `path`.
  virtual ConfigData get(std::string_view path, const std::vector<std::string>& keys) = 0;
};

}  // namespace sluice::sdk
