#pragma once
// Conversion between the core data model (core/data) and the ABI's plain C structures.
//
// Host -> plugin: AbiArena builds sluice_schema / sluice_value / sluice_record / sluice_config structures.
// The arena owns every C structure it builds; strings and bytes are NOT copied but point into the core
// values, which the caller keeps alive (and unchanged) for as long as the plugin may read them (the call).
//
// Plugin -> host: AbiImporter deep-copies C structures into core data, so nothing the plugin owns is
// referenced afterwards (except by view_source_record(), whose views point into the plugin's record). It caches imported schemas by address for one batch, so records of a batch that
// share a schema share one SchemaPtr; a reused importer must be told where a batch begins (begin_batch()).

#include "core/api/connector.hpp"
#include "core/config/config_def.hpp"
#include "core/data/record.hpp"

#include <sluice/plugin_abi.h>

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace sluice::host {

// Owns C structures for one call or one batch. Not thread-safe; one owner.
class AbiArena {
 public:
  AbiArena() = default;
  AbiArena(const AbiArena&) = delete;
  AbiArena& operator=(const AbiArena&) = delete;

  // nullptr for a null schema.
  const sluice_schema* schema(const data::SchemaPtr& schema);
  sluice_value value(const data::Value& value);
  // Headers as an array of header_count entries (nullptr when empty).
  const sluice_header* headers(const data::Headers& headers);
  // The common part; source and sink fields are left absent (NULL / SLUICE_NO_OFFSET).
  void fill_record(const data::ConnectRecord& record, sluice_record& out);
  void fill_sink_record(const data::SinkRecord& record, sluice_record& out);
  sluice_record* records(std::size_t count);
  sluice_config config(const api::StringMap& config);
  sluice_config config(const config::RawConfig& config);
  // A NUL-terminated copy owned by the arena.
  const char* copy(std::string_view text);

  template <typename T>
  T* allocate(std::size_t count);

  // Forgets everything built so far, keeping the first block for reuse.
  void clear();

 private:
  void* allocate_bytes(std::size_t size, std::size_t align);
  void fill_value(const data::Value& value, sluice_value& out);

  struct Block {
    std::unique_ptr<std::byte[]> data;
    std::size_t size = 0;
  };
  std::vector<Block> blocks_;
  std::size_t used_ = 0;  // in blocks_.back()
  std::unordered_map<const data::Schema*, const sluice_schema*> schemas_;
  // Keeps the schemas the C structures point into alive for the arena's life.
  std::vector<data::SchemaPtr> schema_refs_;
};

template <typename T>
T* AbiArena::allocate(std::size_t count) {
  static_assert(std::is_trivially_destructible_v<T>, "the arena never runs destructors");
  if (count == 0) return nullptr;
  T* out = static_cast<T*>(allocate_bytes(sizeof(T) * count, alignof(T)));
  std::uninitialized_value_construct_n(out, count);
  return out;
}

// Deep copies from C structures. Throws DataError naming what is wrong with malformed input.
class AbiImporter {
 public:
  data::SchemaPtr schema(const sluice_schema* schema);
  data::Value value(const sluice_value& value);
  data::Headers headers(const sluice_header* headers, std::size_t count);
  // Replaces topic, partition, keys, values, timestamp and headers of `out`.
  void fill_record(const sluice_record& record, data::ConnectRecord& out);
  data::SourceRecord source_record(const sluice_record& record);
  // The same, into a default-constructed record (no temporary record per call).
  void fill_source_record(const sluice_record& record, data::SourceRecord& out);
  // A source record in place, when it has no headers and its key and value are null, text or bytes; false
  // otherwise. What it reads is checked as the import checks it (DataError).
  bool view_source_record(const sluice_record& record, api::RawSourceRecord& out);
  // The source partition of a record (the previous record's, shared, when equal).
  data::SharedValue source_partition(const sluice_record& record);
  // Forgets the schemas cached by address: call before each batch, since a plugin may reuse the addresses of
  // a released batch for different schemas.
  void begin_batch() {
    schemas_.clear();
    view_schema_ = nullptr;
    partition_keys_ = nullptr;
  }
  data::SinkRecord sink_record(const sluice_record& record);

 private:
  data::SchemaPtr schema_at(const sluice_schema* schema, int depth);
  data::Value value_at(const sluice_value& value, int depth);

  std::unordered_map<const sluice_schema*, data::SchemaPtr> schemas_;
  data::SharedValue last_partition_;  // the previous source record's partition, shared while equal
  // Within a batch (its memory does not change), the last partition map's arrays and the last schema
  // view_source_record() read: the same addresses again are the same values, known without comparing.
  const sluice_value* partition_keys_ = nullptr;
  const sluice_value* partition_values_ = nullptr;
  std::size_t partition_count_ = 0;
  const sluice_schema* view_schema_ = nullptr;
  std::optional<data::Type> view_schema_type_;
};

// A plugin's config as a string map; entries with a NULL value are left out. Throws DataError for a NULL key.
api::StringMap to_string_map(const sluice_config& config);

// The i-th element of an array of structs that start with struct_size, using the writer's stride.
template <typename T>
const T* abi_element(const T* base, std::size_t stride, std::size_t index) {
  return reinterpret_cast<const T*>(reinterpret_cast<const char*>(base) + index * stride);
}

}  // namespace sluice::host
