#pragma once
// SchemaCache: what a transformation derived from an input schema (an updated schema, field mappings),
// kept for the most recently used input schemas, as Kafka's SMTs keep their schemaUpdateCache
// (SynchronizedCache over an LRUCache of 16). A record whose schema is the very same object as a cached one
// (records read through one JsonConverter share their schema) is found by pointer; an equal schema built
// separately is found by Kafka's deep equality and takes the cached entry over, so each distinct schema
// has one entry.
//
// Ownership: entries hold their input schema, so a cached address is never reused by another schema while
// it is cached. Owned by one transformation instance and used from its task's thread only (a chain belongs
// to one task), hence no lock.

#include "core/data/schema.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace sluice::transforms {

template <typename T>
class SchemaCache {
 public:
  // Kafka's SMTs use 16 entries.
  explicit SchemaCache(std::size_t capacity = 16) : capacity_(std::max<std::size_t>(capacity, 1)) {
    entries_.reserve(capacity_);
  }

  // The derived value for `schema` (non-null), or nullptr. A hit becomes the most recently used entry.
  const T* find(const data::SchemaPtr& schema) {
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].first == schema) return &promote(i);
    }
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (*entries_[i].first == *schema) {
        entries_[i].first = schema;
        return &promote(i);
      }
    }
    return nullptr;
  }

  // Stores the derived value for `schema`, dropping the least recently used entry when full.
  const T& put(const data::SchemaPtr& schema, T value) {
    if (entries_.size() == capacity_) entries_.pop_back();
    entries_.emplace(entries_.begin(), schema, std::move(value));
    return entries_.front().second;
  }

  std::size_t size() const { return entries_.size(); }

 private:
  T& promote(std::size_t i) {
    std::rotate(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(i),
                entries_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    return entries_.front().second;
  }

  std::size_t capacity_;
  std::vector<std::pair<data::SchemaPtr, T>> entries_;  // most recently used first
};

}  // namespace sluice::transforms
