#pragma once
// Turns plugin classes into the ABI's descriptor and vtables. A plugin .cpp ends with:
//
//   SLUICE_PLUGIN("file", "1.0.0",
//       sluice::sdk::source_connector<MySourceConnector, MySourceTask>(
//           "org.example.MySourceConnector", {"MySource"}),
//       sluice::sdk::sink_connector<MySinkConnector, MySinkTask>("org.example.MySinkConnector"),
//       sluice::sdk::converter<MyConverter>("org.example.MyConverter"));
//
// which defines the one exported symbol, sluice_plugin_v1. A component's config table comes from a static
// `sdk::ConfigDef config_def()` on the connector / converter / ... class when it has one.
// SLUICE_PLUGIN_WITH_INIT adds an init hook `void hook(const sluice_host_api*)` that may throw.
//
// Every thunk catches every exception (errors.hpp); nothing unwinds into the host.

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sluice/plugin_abi.h"
#include "sluice/sdk/abi_data.hpp"
#include "sluice/sdk/components.hpp"
#include "sluice/sdk/config.hpp"
#include "sluice/sdk/connect.hpp"
#include "sluice/sdk/errors.hpp"

namespace sluice::sdk {

struct ComponentOptions {
  const char* version = nullptr;        // nullptr: the class's static version(), else the plugin's version
  const char* documentation = nullptr;  // shown by the host where Kafka shows a plugin's doc
};

// One entry of the descriptor's component list. Move-only; its C structures keep their addresses.
class Component {
 public:
  Component(sluice_component_kind kind, std::string class_name, std::vector<std::string> aliases,
            std::optional<std::string> version, const char* documentation, ConfigDef config,
            const void* vtable)
      : s_(std::make_unique<Storage>()) {
    s_->class_name = std::move(class_name);
    s_->aliases = std::move(aliases);
    for (const auto& a : s_->aliases) s_->alias_ptrs.push_back(a.c_str());
    s_->version = std::move(version);
    if (documentation) s_->documentation = documentation;
    s_->config = std::move(config);
    s_->abi.struct_size = sizeof(sluice_component);
    s_->abi.kind = kind;
    s_->abi.class_name = s_->class_name.c_str();
    s_->abi.aliases = s_->alias_ptrs.empty() ? nullptr : s_->alias_ptrs.data();
    s_->abi.alias_count = s_->alias_ptrs.size();
    s_->abi.version = s_->version ? s_->version->c_str() : nullptr;
    s_->abi.documentation = s_->documentation ? s_->documentation->c_str() : nullptr;
    s_->abi.config_keys = s_->config.table();
    s_->abi.config_key_count = s_->config.table_size();
    s_->abi.vtable = vtable;
  }

  const sluice_component& abi() const { return s_->abi; }
  const ConfigDef& config() const { return s_->config; }

 private:
  struct Storage {
    std::string class_name;
    std::vector<std::string> aliases;
    std::vector<const char*> alias_ptrs;
    std::optional<std::string> version;
    std::optional<std::string> documentation;
    ConfigDef config;
    sluice_component abi{};
  };
  std::unique_ptr<Storage> s_;
};

// The descriptor of one plugin library. Built once, on the first call of sluice_plugin_v1.
class Plugin {
 public:
  using InitHook = void (*)(const sluice_host_api* host);

  template <class... C>
  Plugin(const char* name, const char* version, InitHook init, C&&... components)
      : name_(name), version_(version) {
    (components_.push_back(std::forward<C>(components)), ...);
    for (const auto& c : components_) abi_.push_back(c.abi());
    init_slot() = init;
    descriptor_.magic = SLUICE_ABI_MAGIC;
    descriptor_.struct_size = sizeof(sluice_plugin_descriptor);
    descriptor_.abi_major = SLUICE_ABI_VERSION_MAJOR;
    descriptor_.abi_minor = SLUICE_ABI_VERSION_MINOR;
    descriptor_.name = name_.c_str();
    descriptor_.version = version_.c_str();
    descriptor_.platform = SLUICE_ABI_PLATFORM;
    descriptor_.components = abi_.data();
    descriptor_.component_count = abi_.size();
    descriptor_.init = init != nullptr ? &init_thunk : nullptr;
  }
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  const sluice_plugin_descriptor* descriptor() const { return &descriptor_; }
  const std::vector<Component>& components() const { return components_; }

 private:
  // One plugin per library, so one slot is enough; the C init callback has no user pointer.
  static InitHook& init_slot() {
    static InitHook hook = nullptr;
    return hook;
  }
  static sluice_status init_thunk(const sluice_host_api* host, sluice_error* err) noexcept {
    return guard(err, [&] {
      if (InitHook hook = init_slot()) hook(host);
    });
  }

  std::string name_;
  std::string version_;
  std::vector<Component> components_;
  std::vector<sluice_component> abi_;
  sluice_plugin_descriptor descriptor_{};
};

namespace detail {

// The component version: ComponentOptions::version, else a static `version()` of the class (Kafka's
// Versioned.version), else none (the host shows the plugin's version).
template <class T>
std::optional<std::string> version_of(const ComponentOptions& options) {
  if (options.version != nullptr) return std::string(options.version);
  if constexpr (requires {
                  { T::version() } -> std::convertible_to<std::string>;
                }) {
    return std::string(T::version());
  } else {
    return std::nullopt;
  }
}

template <class T>
ConfigDef config_def_of() {
  if constexpr (requires {
                  { T::config_def() } -> std::convertible_to<ConfigDef>;
                }) {
    return T::config_def();
  } else {
    return ConfigDef();
  }
}

// Reads an integer from a Kafka offsets map entry: any integer kind or a numeric string.
inline std::int64_t offset_number(const Value* v, const char* what) {
  if (v == nullptr || v->is_null())
    throw DataError(std::string("Missing '") + what + "' in sink offset entry");
  if (v->is_integer()) return v->to_int64();
  if (v->kind() == Value::Kind::String) {
    std::int64_t n = 0;
    if (parse_java_integer(trim(v->as_string()), INT64_MIN, INT64_MAX, n)) return n;
  }
  throw DataError(std::string("The value of '") + what + "' in a sink offset entry is not an integer");
}

// The static functions the vtables point to. A friend of the base classes.
struct Access {
  template <class T>
  static void* create(const sluice_host_api* host, sluice_context* ctx, sluice_error* err) noexcept {
    void* out = nullptr;
    guard(err, [&] {
      auto obj = std::make_unique<T>();
      static_cast<Instance&>(*obj).attach(host, ctx);
      out = obj.release();
    });
    return out;
  }
  template <class T>
  static void destroy(void* self) noexcept {
    std::unique_ptr<T> owned(static_cast<T*>(self));
  }
  template <class T>
  static T& self_as(void* self) {
    if (self == nullptr) throw ConnectError("The host called a plugin function without an instance");
    return *static_cast<T*>(self);
  }

  // ---- connectors ----
  template <class C>
  static sluice_status connector_start(void* self, const sluice_config* config, sluice_error* err) noexcept {
    return guard(err, [&] { self_as<C>(self).start(AbiReader::config(config)); });
  }
  template <class C>
  static sluice_status connector_task_configs(void* self, std::int32_t max_tasks, sluice_config_emit emit,
                                              void* user, sluice_error* err) noexcept {
    return guard(err, [&] {
      // Every config reaches the host, even beyond max_tasks: the worker enforces tasks.max (and
      // tasks.max.enforce) with Kafka's message, so the SDK must not hide the excess.
      std::vector<ConfigMap> configs = self_as<C>(self).task_configs(max_tasks);
      for (const auto& m : configs) {
        Arena arena(Arena::Strings::Borrow);
        sluice_config cfg = arena.config(m);
        emit(user, &cfg);
      }
    });
  }
  template <class C>
  static sluice_status connector_stop(void* self, sluice_error* err) noexcept {
    return guard(err, [&] { self_as<C>(self).stop(); });
  }
  template <class C>
  static sluice_status connector_validate(void* self, const sluice_config* config,
                                          sluice_validation_emit emit, void* user,
                                          sluice_error* err) noexcept {
    return guard(err, [&] {
      for (const auto& issue : self_as<C>(self).validate(AbiReader::config(config)))
        emit(user, issue.key.c_str(), issue.message.c_str());
    });
  }
  template <class C>
  static sluice_status source_alter_offsets(void* self, const sluice_config* config,
                                            const sluice_offset_entry* offsets, std::size_t count,
                                            std::int32_t* handled, sluice_error* err) noexcept {
    return guard(err, [&] {
      AbiReader reader;
      std::vector<OffsetEntry> entries;
      entries.reserve(count);
      for (std::size_t i = 0; i < count; ++i)
        entries.push_back(OffsetEntry{reader.value(offsets[i].partition), reader.value(offsets[i].offset)});
      bool h = self_as<C>(self).alter_offsets(AbiReader::config(config), entries);
      if (handled) *handled = h ? 1 : 0;
    });
  }
  template <class C>
  static sluice_status sink_alter_offsets(void* self, const sluice_config* config,
                                          const sluice_offset_entry* offsets, std::size_t count,
                                          std::int32_t* handled, sluice_error* err) noexcept {
    return guard(err, [&] {
      AbiReader reader;
      std::map<TopicPartition, std::optional<std::int64_t>> entries;
      for (std::size_t i = 0; i < count; ++i) {
        Value partition = reader.value(offsets[i].partition);
        Value offset = reader.value(offsets[i].offset);
        const Value* topic = partition.is_null() ? nullptr : partition.find("kafka_topic");
        if (topic == nullptr || topic->kind() != Value::Kind::String)
          throw DataError("A sink offset entry has no string 'kafka_topic'");
        TopicPartition tp{topic->as_string(), static_cast<std::int32_t>(offset_number(
                                                  partition.find("kafka_partition"), "kafka_partition"))};
        std::optional<std::int64_t> next;
        if (!offset.is_null()) next = offset_number(offset.find("kafka_offset"), "kafka_offset");
        entries[tp] = next;
      }
      bool h = self_as<C>(self).alter_offsets(AbiReader::config(config), entries);
      if (handled) *handled = h ? 1 : 0;
    });
  }

  // ---- source tasks ----
  template <class T>
  static sluice_status source_task_start(void* self, const sluice_config* config,
                                         sluice_error* err) noexcept {
    return guard(err, [&] { self_as<T>(self).start(AbiReader::config(config)); });
  }
  template <class T>
  static sluice_status source_task_poll(void* self, sluice_record_batch* out, sluice_error* err) noexcept {
    if (out != nullptr) {
      *out = sluice_record_batch{};
      out->struct_size = sizeof(sluice_record_batch);
    }
    return guard(err, [&] {
      T& task = self_as<T>(self);
      if (out == nullptr) throw ConnectError("The host called poll without a batch to fill");
      SourceTask& base = task;
      auto batch = std::make_shared<PolledBatch>();
      if constexpr (overrides_batch_poll<T>()) {
        SourceBatch polled;
        base.poll(polled);
        if (polled.empty()) return;
        batch->arena = std::move(polled.arena_);
        batch->abi = std::move(polled.abi_);
      } else {
        std::vector<SourceRecord> records = task.poll();
        if (records.empty()) return;
        batch->records = std::move(records);
        batch->abi.resize(batch->records.size());
        // Borrow mode: the C records point into batch->records, which never changes until release.
        for (std::size_t i = 0; i < batch->records.size(); ++i)
          batch->arena.fill(batch->abi[i], batch->records[i]);
      }
      batch->registry = base.batches_;
      {
        std::lock_guard lock(batch->registry->mutex);
        batch->registry->live.emplace(batch->abi.data(), batch);
      }
      out->records = batch->abi.data();
      out->count = batch->abi.size();
      out->release = &release_batch;
      out->private_data = batch.get();
      // T keeps SourceTask's empty commit_record: the host may hand the batch back as soon as it read it.
      if constexpr (!overrides_commit_record<T>()) out->flags = SLUICE_BATCH_NO_COMMIT_RECORD;
    });
  }
  static void release_batch(sluice_record_batch* b) noexcept {
    if (b == nullptr || b->private_data == nullptr) return;
    auto* batch = static_cast<PolledBatch*>(b->private_data);
    std::shared_ptr<BatchRegistry> registry = batch->registry;  // outlives the erase below
    std::shared_ptr<PolledBatch> owned;
    {
      std::lock_guard lock(registry->mutex);
      auto it = registry->live.find(batch->abi.data());
      if (it != registry->live.end()) {
        owned = std::move(it->second);
        registry->live.erase(it);
      }
    }
    b->private_data = nullptr;
    b->records = nullptr;
    b->count = 0;
    // `owned` (the last reference unless commit_record still runs) is destroyed here, outside the lock.
  }
  template <class T>
  static sluice_status source_task_commit(void* self, sluice_error* err) noexcept {
    return guard(err, [&] { self_as<T>(self).commit(); });
  }
  // Whether T (or a base between it and SourceTask) declares poll(SourceBatch&): the overload set &T::poll
  // deduces the class that declares it (T hides SourceTask's when it declares either poll).
  template <class C>
  static C* batch_poll_owner(void (C::*)(SourceBatch&));
  template <class T>
  static constexpr bool overrides_batch_poll() {
    if constexpr (requires { batch_poll_owner(&T::poll); }) {
      return !std::is_same_v<decltype(batch_poll_owner(&T::poll)), SourceTask*>;
    } else {
      return false;
    }
  }
  // Whether T (or a base between it and SourceTask) declares commit_record. When &T::commit_record does not
  // name one function (T overloads it), T declares one: true, the safe answer.
  template <class T>
  static constexpr bool overrides_commit_record() {
    if constexpr (requires { &T::commit_record; }) {
      return !std::is_same_v<decltype(&T::commit_record), decltype(&SourceTask::commit_record)>;
    } else {
      return true;
    }
  }
  template <class T>
  static sluice_status source_task_commit_record(void* self, const sluice_record* record,
                                                 const sluice_record_metadata* md,
                                                 sluice_error* err) noexcept {
    // T keeps SourceTask's empty commit_record: skip the batch lookup the host would pay for once per record.
    // (The entry stays non-NULL: hosts and harnesses built against SDK 1.0 call it unconditionally.)
    if constexpr (!overrides_commit_record<T>()) {
      (void)self;
      (void)record;
      (void)md;
      (void)err;
      return SLUICE_OK;
    }
    return guard(err, [&] {
      T& task = self_as<T>(self);
      SourceTask& base = task;
      std::optional<RecordMetadata> meta;
      if (md != nullptr) {
        meta = RecordMetadata{
            md->topic ? md->topic : "", md->partition, md->offset,
            md->timestamp == SLUICE_NO_TIMESTAMP ? std::nullopt : std::optional<std::int64_t>(md->timestamp)};
      }
      if (record == nullptr) throw ConnectError("The host called commit_record without a record");
      std::shared_ptr<PolledBatch> batch;
      std::size_t index = 0;
      {
        std::lock_guard lock(base.batches_->mutex);
        auto& live = base.batches_->live;
        auto it = live.upper_bound(record);
        if (it != live.begin()) {
          --it;
          const sluice_record* begin = it->second->abi.data();
          const sluice_record* end = begin + it->second->abi.size();
          if (std::less<const sluice_record*>{}(record, end)) {
            batch = it->second;
            index = static_cast<std::size_t>(record - begin);
          }
        }
      }
      if (batch && index < batch->records.size()) {
        task.commit_record(batch->records[index], meta);
      } else {
        // Added to a SourceBatch (no record object kept), or not a pointer into a live batch (the host copied the
        // record): hand over an equal copy.
        AbiReader reader;
        task.commit_record(reader.source_record(*record), meta);
      }
    });
  }
  template <class T>
  static void source_task_request_stop(void* self) noexcept {
    try {
      if (self != nullptr) static_cast<T*>(self)->request_stop();
    } catch (...) {
      // request_stop has no way to report; the task still sees is_stopping() from the host.
    }
  }
  template <class T>
  static sluice_status source_task_stop(void* self, sluice_error* err) noexcept {
    return guard(err, [&] {
      T& task = self_as<T>(self);
      task.request_stop();
      task.stop();
    });
  }

  // ---- sink tasks ----
  static std::vector<TopicPartition> partitions(const sluice_topic_partition* p, std::size_t count) {
    std::vector<TopicPartition> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
      out.push_back(TopicPartition{p[i].topic ? p[i].topic : "", p[i].partition});
    return out;
  }
  static OffsetMap offsets(const sluice_topic_partition_offset* p, std::size_t count) {
    OffsetMap out;
    for (std::size_t i = 0; i < count; ++i)
      out[TopicPartition{p[i].topic ? p[i].topic : "", p[i].partition}] = p[i].offset;
    return out;
  }
  template <class T>
  static sluice_status sink_task_start(void* self, const sluice_config* config, sluice_error* err) noexcept {
    return guard(err, [&] { self_as<T>(self).start(AbiReader::config(config)); });
  }
  template <class T>
  static sluice_status sink_task_open(void* self, const sluice_topic_partition* p, std::size_t count,
                                      sluice_error* err) noexcept {
    return guard(err, [&] { self_as<T>(self).open(partitions(p, count)); });
  }
  template <class T>
  static sluice_status sink_task_close(void* self, const sluice_topic_partition* p, std::size_t count,
                                       sluice_error* err) noexcept {
    return guard(err, [&] { self_as<T>(self).close(partitions(p, count)); });
  }
  template <class T>
  static sluice_status sink_task_put(void* self, const sluice_record* records, std::size_t count,
                                     sluice_error* err) noexcept {
    return guard(err, [&] {
      T& task = self_as<T>(self);
      AbiReader reader;  // one per call: its schema cache is keyed by the borrowed addresses
      std::vector<SinkRecord> batch;
      batch.reserve(count);
      for (std::size_t i = 0; i < count; ++i) batch.push_back(reader.sink_record(records[i]));
      task.put(std::move(batch));
    });
  }
  template <class T>
  static sluice_status sink_task_flush(void* self, const sluice_topic_partition_offset* current,
                                       std::size_t count, sluice_error* err) noexcept {
    return guard(err, [&] { self_as<T>(self).flush(offsets(current, count)); });
  }
  template <class T>
  static sluice_status sink_task_pre_commit(void* self, const sluice_topic_partition_offset* current,
                                            std::size_t count, sluice_topic_partition_offset* out,
                                            std::size_t* out_count, sluice_error* err) noexcept {
    if (out_count != nullptr) *out_count = 0;
    return guard(err, [&] {
      T& task = self_as<T>(self);
      OffsetMap safe = task.pre_commit(offsets(current, count));
      std::size_t n = 0;
      for (const auto& [tp, off] : safe) {
        // Reuse the host's topic strings: they outlive this call, ours do not. Partitions the host did not
        // pass are not assigned; Kafka ignores those too.
        const sluice_topic_partition_offset* match = nullptr;
        for (std::size_t i = 0; i < count && match == nullptr; ++i)
          if (current[i].partition == tp.partition && current[i].topic != nullptr &&
              tp.topic == current[i].topic)
            match = &current[i];
        if (match == nullptr) {
          task.log().warn("Ignoring invalid task provided offset {}-{}/{} -- partition not assigned",
                          tp.topic, tp.partition, off);
          continue;
        }
        out[n] = sluice_topic_partition_offset{match->topic, match->partition, 0, off};
        ++n;
      }
      if (out_count != nullptr) *out_count = n;
    });
  }
  template <class T>
  static sluice_status sink_task_stop(void* self, sluice_error* err) noexcept {
    return guard(err, [&] { self_as<T>(self).stop(); });
  }

  // ---- converters ----
  template <class T>
  static sluice_status converter_configure(void* self, const sluice_config* config, std::int32_t is_key,
                                           sluice_error* err) noexcept {
    return guard(err, [&] { self_as<T>(self).configure(AbiReader::config(config), is_key != 0); });
  }
  template <class T>
  static sluice_status converter_from_connect(void* self, const char* topic, const sluice_header* headers,
                                              std::size_t header_count, const sluice_schema* schema,
                                              const sluice_value* value, sluice_bytes_emit emit, void* user,
                                              sluice_error* err) noexcept {
    return guard(err, [&] {
      AbiReader reader;
      Headers h = reader.headers(headers, header_count);
      Schema s = reader.schema(schema);
      Value v = value ? reader.value(*value) : Value();
      std::optional<std::string> bytes = self_as<T>(self).from_connect(topic ? topic : "", h, s, v);
      if (bytes)
        emit(user, bytes->data(), bytes->size(), 0);
      else
        emit(user, nullptr, 0, 1);
    });
  }
  template <class T>
  static sluice_status converter_to_connect(void* self, const char* topic, const sluice_header* headers,
                                            std::size_t header_count, const char* data, std::size_t size,
                                            std::int32_t is_null, sluice_data_emit emit, void* user,
                                            sluice_error* err) noexcept {
    return guard(err, [&] {
      AbiReader reader;
      Headers h = reader.headers(headers, header_count);
      std::optional<std::string_view> bytes;
      if (!is_null) bytes = std::string_view(data ? data : "", data ? size : 0);
      SchemaAndValue sv = self_as<T>(self).to_connect(topic ? topic : "", h, bytes);
      emit_data(sv, emit, user);
    });
  }
  static void emit_data(const SchemaAndValue& sv, sluice_data_emit emit, void* user) {
    Arena arena(Arena::Strings::Borrow);
    const sluice_schema* schema = arena.schema(sv.schema);
    sluice_value value = arena.value(sv.value);
    emit(user, schema, &value);
  }

  // ---- header converters ----
  template <class T>
  static sluice_status header_converter_configure(void* self, const sluice_config* config,
                                                  sluice_error* err) noexcept {
    return guard(err, [&] { self_as<T>(self).configure(AbiReader::config(config)); });
  }
  template <class T>
  static sluice_status header_converter_from_connect(void* self, const char* topic, const char* header_key,
                                                     const sluice_schema* schema, const sluice_value* value,
                                                     sluice_bytes_emit emit, void* user,
                                                     sluice_error* err) noexcept {
    return guard(err, [&] {
      AbiReader reader;
      Schema s = reader.schema(schema);
      Value v = value ? reader.value(*value) : Value();
      std::optional<std::string> bytes =
          self_as<T>(self).from_connect(topic ? topic : "", header_key ? header_key : "", s, v);
      if (bytes)
        emit(user, bytes->data(), bytes->size(), 0);
      else
        emit(user, nullptr, 0, 1);
    });
  }
  template <class T>
  static sluice_status header_converter_to_connect(void* self, const char* topic, const char* header_key,
                                                   const char* data, std::size_t size, std::int32_t is_null,
                                                   sluice_data_emit emit, void* user,
                                                   sluice_error* err) noexcept {
    return guard(err, [&] {
      std::optional<std::string_view> bytes;
      if (!is_null) bytes = std::string_view(data ? data : "", data ? size : 0);
      SchemaAndValue sv =
          self_as<T>(self).to_connect(topic ? topic : "", header_key ? header_key : "", bytes);
      emit_data(sv, emit, user);
    });
  }

  // ---- transformations, predicates, config providers ----
  template <class T>
  static sluice_status configure(void* self, const sluice_config* config, sluice_error* err) noexcept {
    return guard(err, [&] { self_as<T>(self).configure(AbiReader::config(config)); });
  }
  template <class T>
  static sluice_status transformation_apply(void* self, const sluice_record* record, sluice_record_emit emit,
                                            void* user, sluice_error* err) noexcept {
    return guard(err, [&] {
      if (record == nullptr) throw ConnectError("The host called apply without a record");
      AbiReader reader;
      std::optional<Record> result = self_as<T>(self).apply(reader.record(*record));
      if (!result) {
        emit(user, nullptr);
        return;
      }
      Arena arena(Arena::Strings::Borrow);
      sluice_record out{};
      arena.fill(out, *result);
      emit(user, &out);
    });
  }
  template <class T>
  static sluice_status predicate_test(void* self, const sluice_record* record, std::int32_t* result,
                                      sluice_error* err) noexcept {
    return guard(err, [&] {
      if (record == nullptr) throw ConnectError("The host called test without a record");
      AbiReader reader;
      bool r = self_as<T>(self).test(reader.record(*record));
      if (result) *result = r ? 1 : 0;
    });
  }
  template <class T>
  static sluice_status config_provider_get(void* self, const char* path, const char* const* keys,
                                           std::size_t key_count, sluice_config_data_emit emit, void* user,
                                           sluice_error* err) noexcept {
    return guard(err, [&] {
      std::vector<std::string> wanted;
      for (std::size_t i = 0; i < key_count; ++i)
        if (keys[i] != nullptr) wanted.emplace_back(keys[i]);
      ConfigData data = self_as<T>(self).get(path ? path : "", wanted);
      std::vector<sluice_string_pair> entries;
      entries.reserve(data.data.size());
      for (const auto& [k, v] : data.data)
        entries.push_back(sluice_string_pair{k.c_str(), v ? v->c_str() : nullptr});
      sluice_config cfg{entries.empty() ? nullptr : entries.data(), entries.size()};
      emit(user, &cfg, data.ttl_ms.value_or(-1));
    });
  }
};

// ---- vtables, one per plugin class --------------------------------------------------------------------

template <class T>
inline constexpr sluice_source_task_vtable kSourceTaskVtable = {
    .struct_size = sizeof(sluice_source_task_vtable),
    .create = &Access::create<T>,
    .destroy = &Access::destroy<T>,
    .start = &Access::source_task_start<T>,
    .poll = &Access::source_task_poll<T>,
    .commit = &Access::source_task_commit<T>,
    .commit_record = &Access::source_task_commit_record<T>,
    .request_stop = &Access::source_task_request_stop<T>,
    .stop = &Access::source_task_stop<T>,
};

template <class T>
inline constexpr sluice_sink_task_vtable kSinkTaskVtable = {
    .struct_size = sizeof(sluice_sink_task_vtable),
    .create = &Access::create<T>,
    .destroy = &Access::destroy<T>,
    .start = &Access::sink_task_start<T>,
    .open = &Access::sink_task_open<T>,
    .close = &Access::sink_task_close<T>,
    .put = &Access::sink_task_put<T>,
    .flush = &Access::sink_task_flush<T>,
    .pre_commit = &Access::sink_task_pre_commit<T>,
    .stop = &Access::sink_task_stop<T>,
};

template <class C, class T>
inline constexpr sluice_connector_vtable kSourceConnectorVtable = {
    .struct_size = sizeof(sluice_connector_vtable),
    .create = &Access::create<C>,
    .destroy = &Access::destroy<C>,
    .start = &Access::connector_start<C>,
    .task_configs = &Access::connector_task_configs<C>,
    .stop = &Access::connector_stop<C>,
    .validate = &Access::connector_validate<C>,
    .alter_offsets = &Access::source_alter_offsets<C>,
    .source_task = &kSourceTaskVtable<T>,
    .sink_task = nullptr,
};

template <class C, class T>
inline constexpr sluice_connector_vtable kSinkConnectorVtable = {
    .struct_size = sizeof(sluice_connector_vtable),
    .create = &Access::create<C>,
    .destroy = &Access::destroy<C>,
    .start = &Access::connector_start<C>,
    .task_configs = &Access::connector_task_configs<C>,
    .stop = &Access::connector_stop<C>,
    .validate = &Access::connector_validate<C>,
    .alter_offsets = &Access::sink_alter_offsets<C>,
    .source_task = nullptr,
    .sink_task = &kSinkTaskVtable<T>,
};

template <class T>
inline constexpr sluice_converter_vtable kConverterVtable = {
    .struct_size = sizeof(sluice_converter_vtable),
    .create = &Access::create<T>,
    .destroy = &Access::destroy<T>,
    .configure = &Access::converter_configure<T>,
    .from_connect = &Access::converter_from_connect<T>,
    .to_connect = &Access::converter_to_connect<T>,
};

template <class T>
inline constexpr sluice_header_converter_vtable kHeaderConverterVtable = {
    .struct_size = sizeof(sluice_header_converter_vtable),
    .create = &Access::create<T>,
    .destroy = &Access::destroy<T>,
    .configure = &Access::header_converter_configure<T>,
    .from_connect = &Access::header_converter_from_connect<T>,
    .to_connect = &Access::header_converter_to_connect<T>,
};

template <class T>
inline constexpr sluice_transformation_vtable kTransformationVtable = {
    .struct_size = sizeof(sluice_transformation_vtable),
    .create = &Access::create<T>,
    .destroy = &Access::destroy<T>,
    .configure = &Access::configure<T>,
    .apply = &Access::transformation_apply<T>,
};

template <class T>
inline constexpr sluice_predicate_vtable kPredicateVtable = {
    .struct_size = sizeof(sluice_predicate_vtable),
    .create = &Access::create<T>,
    .destroy = &Access::destroy<T>,
    .configure = &Access::configure<T>,
    .test = &Access::predicate_test<T>,
};

template <class T>
inline constexpr sluice_config_provider_vtable kConfigProviderVtable = {
    .struct_size = sizeof(sluice_config_provider_vtable),
    .create = &Access::create<T>,
    .destroy = &Access::destroy<T>,
    .configure = &Access::configure<T>,
    .get = &Access::config_provider_get<T>,
};

template <class Make>
std::unique_ptr<const Plugin> make_plugin(Make make) noexcept {
  try {
    return make();
  } catch (...) {
    // A component definition threw (for example a duplicate config key): the host sees no descriptor and
    // reports the plugin as invalid rather than the worker crashing.
    return nullptr;
  }
}

inline std::vector<std::string> alias_list(std::initializer_list<const char*> aliases) {
  std::vector<std::string> out;
  for (const char* a : aliases)
    if (a != nullptr) out.emplace_back(a);
  return out;
}

template <class T>
constexpr void require_default_constructible() {
  static_assert(std::is_default_constructible_v<T>,
                "plugin classes are created with their default constructor");
}

}  // namespace detail

// ---- component helpers
// -------------------------------------------------------------------------------------

template <class C, class T>
Component source_connector(std::string class_name, std::initializer_list<const char*> aliases = {},
                           ComponentOptions options = {}) {
  static_assert(std::is_base_of_v<SourceConnector, C>, "C must derive from sluice::sdk::SourceConnector");
  static_assert(std::is_base_of_v<SourceTask, T>, "T must derive from sluice::sdk::SourceTask");
  detail::require_default_constructible<C>();
  detail::require_default_constructible<T>();
  return Component(SLUICE_COMPONENT_SOURCE_CONNECTOR, std::move(class_name), detail::alias_list(aliases),
                   detail::version_of<C>(options), options.documentation, detail::config_def_of<C>(),
                   &detail::kSourceConnectorVtable<C, T>);
}

template <class C, class T>
Component sink_connector(std::string class_name, std::initializer_list<const char*> aliases = {},
                         ComponentOptions options = {}) {
  static_assert(std::is_base_of_v<SinkConnector, C>, "C must derive from sluice::sdk::SinkConnector");
  static_assert(std::is_base_of_v<SinkTask, T>, "T must derive from sluice::sdk::SinkTask");
  detail::require_default_constructible<C>();
  detail::require_default_constructible<T>();
  return Component(SLUICE_COMPONENT_SINK_CONNECTOR, std::move(class_name), detail::alias_list(aliases),
                   detail::version_of<C>(options), options.documentation, detail::config_def_of<C>(),
                   &detail::kSinkConnectorVtable<C, T>);
}

template <class T>
Component converter(std::string class_name, std::initializer_list<const char*> aliases = {},
                    ComponentOptions options = {}) {
  static_assert(std::is_base_of_v<Converter, T>, "T must derive from sluice::sdk::Converter");
  detail::require_default_constructible<T>();
  return Component(SLUICE_COMPONENT_CONVERTER, std::move(class_name), detail::alias_list(aliases),
                   detail::version_of<T>(options), options.documentation, detail::config_def_of<T>(),
                   &detail::kConverterVtable<T>);
}

template <class T>
Component header_converter(std::string class_name, std::initializer_list<const char*> aliases = {},
                           ComponentOptions options = {}) {
  static_assert(std::is_base_of_v<HeaderConverter, T>, "T must derive from sluice::sdk::HeaderConverter");
  detail::require_default_constructible<T>();
  return Component(SLUICE_COMPONENT_HEADER_CONVERTER, std::move(class_name), detail::alias_list(aliases),
                   detail::version_of<T>(options), options.documentation, detail::config_def_of<T>(),
                   &detail::kHeaderConverterVtable<T>);
}

template <class T>
Component transformation(std::string class_name, std::initializer_list<const char*> aliases = {},
                         ComponentOptions options = {}) {
  static_assert(std::is_base_of_v<Transformation, T>, "T must derive from sluice::sdk::Transformation");
  detail::require_default_constructible<T>();
  return Component(SLUICE_COMPONENT_TRANSFORMATION, std::move(class_name), detail::alias_list(aliases),
                   detail::version_of<T>(options), options.documentation, detail::config_def_of<T>(),
                   &detail::kTransformationVtable<T>);
}

template <class T>
Component predicate(std::string class_name, std::initializer_list<const char*> aliases = {},
                    ComponentOptions options = {}) {
  static_assert(std::is_base_of_v<Predicate, T>, "T must derive from sluice::sdk::Predicate");
  detail::require_default_constructible<T>();
  return Component(SLUICE_COMPONENT_PREDICATE, std::move(class_name), detail::alias_list(aliases),
                   detail::version_of<T>(options), options.documentation, detail::config_def_of<T>(),
                   &detail::kPredicateVtable<T>);
}

template <class T>
Component config_provider(std::string class_name, std::initializer_list<const char*> aliases = {},
                          ComponentOptions options = {}) {
  static_assert(std::is_base_of_v<ConfigProvider, T>, "T must derive from sluice::sdk::ConfigProvider");
  detail::require_default_constructible<T>();
  return Component(SLUICE_COMPONENT_CONFIG_PROVIDER, std::move(class_name), detail::alias_list(aliases),
                   detail::version_of<T>(options), options.documentation, detail::config_def_of<T>(),
                   &detail::kConfigProviderVtable<T>);
}

}  // namespace sluice::sdk

// Defines sluice_plugin_v1 returning this library's descriptor. NAME and VERSION are string literals; the
// rest are components made with the helpers above.
#define SLUICE_PLUGIN(NAME, VERSION, ...) SLUICE_PLUGIN_WITH_INIT(NAME, VERSION, nullptr, __VA_ARGS__)

#define SLUICE_PLUGIN_WITH_INIT(NAME, VERSION, INIT, ...)                                                    \
  extern "C" __attribute__((visibility("default"))) const sluice_plugin_descriptor* sluice_plugin_v1(void) { \
    static const std::unique_ptr<const ::sluice::sdk::Plugin> sluice_plugin_instance =                       \
        ::sluice::sdk::detail::make_plugin(                                                                  \
            [] { return std::make_unique<const ::sluice::sdk::Plugin>(NAME, VERSION, INIT, __VA_ARGS__); }); \
    return sluice_plugin_instance ? sluice_plugin_instance->descriptor() : nullptr;                          \
  }
