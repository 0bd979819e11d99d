#pragma once
// Record headers (Kafka's ConnectHeaders): an ordered list of (key, schema, value); keys may repeat.

#include "core/data/schema.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sluice::data {

struct Header {
  std::string key;
  SchemaPtr schema;  // null when schemaless
  Value value;
  bool operator==(const Header& other) const;
};

class Headers {
 public:
  Headers& add(std::string key, SchemaPtr schema, Value value);  // validates value against schema
  Headers& add(Header header);
  // The last header with this key, or nullptr.
  const Header* last_with_name(std::string_view key) const;
  std::vector<const Header*> all_with_name(std::string_view key) const;
  Headers& remove(std::string_view key);  // removes every header with this key
  Headers& retain_latest();               // keeps only the last header of each key
  std::size_t size() const { return headers_.size(); }
  bool empty() const { return headers_.empty(); }
  auto begin() const { return headers_.begin(); }
  auto end() const { return headers_.end(); }
  const std::vector<Header>& items() const { return headers_; }
  bool operator==(const Headers& other) const = default;

 private:
  std::vector<Header> headers_;
};

}  // namespace sluice::data
