#pragma once
// Single message transforms and predicates (Kafka's Transformation / Predicate). They work on the common
// ConnectRecord part in place, so source- and sink-specific fields (source offsets, original Kafka
// coordinates) stay with the record through a chain.

#include "core/config/config_def.hpp"
#include "core/data/record.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sluice::api {

class Transformation {
 public:
  virtual ~Transformation() = default;
  virtual void configure(const config::RawConfig& config) = 0;
  // Transforms `record` in place; returns false to drop it. Throws DataError / ConnectError.
  virtual bool apply(data::ConnectRecord& record) = 0;
  virtual const config::ConfigDef& config_def() const = 0;
};

class Predicate {
 public:
  virtual ~Predicate() = default;
  virtual void configure(const config::RawConfig& config) = 0;
  virtual bool test(const data::ConnectRecord& record) = 0;
  virtual const config::ConfigDef& config_def() const = 0;
};

// Kafka's ConfigProvider: resolves ${provider:path:key} placeholders.
class ConfigProvider {
 public:
  virtual ~ConfigProvider() = default;
  virtual void configure(const config::RawConfig& config) = 0;
  struct Data {
    std::map<std::string, std::string> values;
    std::optional<std::int64_t> ttl_ms;
  };
  // keys empty: everything at path.
  virtual Data get(const std::string& path, const std::vector<std::string>& keys) = 0;
};

}  // namespace sluice::api
