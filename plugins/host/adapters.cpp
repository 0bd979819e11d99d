#include "plugins/host/adapters.hpp"

#include "core/common/errors.hpp"
#include "core/common/thread_annotations.hpp"
#include "plugins/host/abi_data.hpp"
#include "plugins/host/host_api.hpp"
#include "plugins/host/loader.hpp"

#include <fmt/format.h>

#include <atomic>
#include <exception>
#include <set>
#include <utility>

namespace sluice::host {
namespace {

// Owns one plugin instance: create() in the constructor, destroy() in the destructor. Holds the library
// so the vtable's code stays mapped for the instance's whole life.
template <typename VTable>
class Instance {
 public:
  Instance(const ComponentHandle& handle, const VTable* vtable, api::InstanceContext* instance)
      : library_(handle.library), class_name_(handle.class_name), vt_(vtable) {
    ctx_.instance = instance;
    ctx_.class_name = handle.class_name;
  }
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  ~Instance() { destroy(); }

  // Separate from the constructor so the typed context pointers are set before the plugin sees ctx.
  void create() {
    CallError err;
    self_ = vt_->create(host_api(), &ctx_, err.get());
    if (self_ == nullptr) {
      if (!err.was_set() || err.message().empty()) {
        throw ConnectError(
            fmt::format("create() of plugin class {} returned NULL and no error message", class_name_));
      }
      err.raise(SLUICE_FATAL, "create", class_name_);
    }
  }

  void destroy() {
    if (self_ != nullptr) vt_->destroy(std::exchange(self_, nullptr));
  }

  // Calls `fn(self, err)` and turns a failure into an exception naming `call`.
  template <typename F>
  void call(const char* name, F&& fn) {
    CallError err;
    const sluice_status status = fn(self_, err.get());
    err.check(status, name, class_name_);
  }

  void* self() const { return self_; }
  const VTable* vt() const { return vt_; }
  sluice_context& ctx() { return ctx_; }
  const std::string& class_name() const { return class_name_; }

 private:
  std::shared_ptr<const SharedLibrary> library_;  // declared first: released last
  std::string class_name_;
  const VTable* vt_;
  sluice_context ctx_;
  void* self_ = nullptr;
};

// Collects what a plugin hands to an emit callback. No exception may unwind through the plugin's C frames,
// so the callback stores it and the adapter rethrows after the call returned.
struct EmitState {
  bool called = false;
  std::exception_ptr error;

  template <typename F>
  void run(F&& body) noexcept {
    called = true;
    try {
      body();
    } catch (...) {
      error = std::current_exception();
    }
  }
  void rethrow() const {
    if (error) std::rethrow_exception(error);
  }
};

void require_emit(const EmitState& state, const char* call, const std::string& class_name) {
  state.rethrow();
  if (!state.called) {
    throw DataError(
        fmt::format("{}() of plugin class {} returned OK without emitting a result", call, class_name));
  }
}

const sluice_connector_vtable* connector_vtable(const ComponentHandle& h) {
  return static_cast<const sluice_connector_vtable*>(h.component->vtable);
}

std::vector<sluice_topic_partition> to_abi(const std::vector<api::TopicPartition>& partitions) {
  std::vector<sluice_topic_partition> out;
  out.reserve(partitions.size());
  for (const auto& tp : partitions) out.push_back(sluice_topic_partition{tp.topic.c_str(), tp.partition, 0});
  return out;
}

// ---- Connector -------------------------------------------------------------------------------------------

class ConnectorAdapter final : public api::Connector {
 public:
  ConnectorAdapter(const ComponentHandle& handle, api::ConnectorContext& ctx)
      : instance_(handle, connector_vtable(handle), &ctx),
        type_(handle.component->kind == SLUICE_COMPONENT_SOURCE_CONNECTOR ? api::ConnectorType::Source
                                                                          : api::ConnectorType::Sink),
        config_def_(handle.config_def),
        version_(handle.version) {
    instance_.ctx().connector = &ctx;
    instance_.create();
  }

  api::ConnectorType type() const override { return type_; }

  void start(const api::StringMap& config) override {
    AbiArena arena;
    const sluice_config abi = arena.config(config);
    instance_.call("start",
                   [&](void* self, sluice_error* err) { return instance_.vt()->start(self, &abi, err); });
  }

  std::vector<api::StringMap> task_configs(int max_tasks) override {
    struct State {
      EmitState emit;
      std::vector<api::StringMap> configs;
    } state;
    auto emit = [](void* user, const sluice_config* config) {
      auto* s = static_cast<State*>(user);
      s->emit.run([&] {
        if (config == nullptr) throw DataError("A plugin emitted a NULL task config");
        s->configs.push_back(to_string_map(*config));
      });
    };
    instance_.call("task_configs", [&](void* self, sluice_error* err) {
      return instance_.vt()->task_configs(self, max_tasks, emit, &state, err);
    });
    state.emit.rethrow();
    return std::move(state.configs);
  }

  void stop() override {
    instance_.ctx().stop_requested.store(true, std::memory_order_release);
    instance_.call("stop", [&](void* self, sluice_error* err) { return instance_.vt()->stop(self, err); });
  }

  std::vector<api::ValidationIssue> validate(const api::StringMap& config) override {
    const auto* vt = instance_.vt();
    if (!SLUICE_HAS_FIELD(vt, sluice_connector_vtable, validate) || vt->validate == nullptr) return {};
    struct State {
      EmitState emit;
      std::vector<api::ValidationIssue> issues;
    } state;
    auto emit = [](void* user, const char* key, const char* message) {
      auto* s = static_cast<State*>(user);
      s->emit.run([&] {
        s->issues.push_back({key != nullptr ? key : "", message != nullptr ? message : ""});
      });
    };
    AbiArena arena;
    const sluice_config abi = arena.config(config);
    instance_.call("validate", [&](void* self, sluice_error* err) {
      return vt->validate(self, &abi, emit, &state, err);
    });
    state.emit.rethrow();
    return std::move(state.issues);
  }

  bool alter_offsets(const api::StringMap& config, const std::vector<api::OffsetEntry>& offsets) override {
    const auto* vt = instance_.vt();
    // Kafka's default Connector.alterOffsets: the framework manages the change, the connector says false.
    if (!SLUICE_HAS_FIELD(vt, sluice_connector_vtable, alter_offsets) || vt->alter_offsets == nullptr)
      return false;
    AbiArena arena;
    const sluice_config abi = arena.config(config);
    auto* entries = arena.allocate<sluice_offset_entry>(offsets.size());
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      entries[i].partition = arena.value(offsets[i].partition);
      entries[i].offset = arena.value(offsets[i].offset);
    }
    int32_t handled = 0;
    instance_.call("alter_offsets", [&](void* self, sluice_error* err) {
      return vt->alter_offsets(self, &abi, entries, offsets.size(), &handled, err);
    });
    return handled != 0;
  }

  const config::ConfigDef& config_def() const override { return *config_def_; }
  const std::string& version() const override { return version_; }

 private:
  Instance<sluice_connector_vtable> instance_;
  api::ConnectorType type_;
  std::shared_ptr<const config::ConfigDef> config_def_;
  std::string version_;
};

// ---- SourceTask ------------------------------------------------------------------------------------------

// Shared by a source task adapter and the batches it handed out. A batch is released exactly once, either
// when its last record was committed (or dropped), or when the task is destroyed, whichever comes first;
// never after the plugin instance is gone.
struct SourceTaskState;
struct Batch;

// What SourceRecord::origin points to: the plugin's record and the batch that owns it. The origins of a batch
// live in one array inside the Batch, and each record's origin is an aliasing shared_ptr to its element, so a
// poll costs one allocation for all of its origins instead of one per record.
struct RecordOrigin {
  Batch* batch = nullptr;
  const sluice_record* record = nullptr;
  std::atomic<bool> committed{false};
};

struct Batch {
  Batch(std::shared_ptr<SourceTaskState> state, const sluice_record_batch& b, std::size_t count)
      : task(std::move(state)), batch(b), remaining(count) {}
  ~Batch();

  std::shared_ptr<SourceTaskState> task;
  sluice_record_batch batch;
  std::atomic<std::size_t> remaining;
  std::unique_ptr<RecordOrigin[]> origins;  // one per record, set by poll()
  bool released = false;                    // guarded by task->mu
};
struct SourceTaskState {
  Mutex mu;
  bool destroyed SLUICE_GUARDED_BY(mu) = false;
  std::set<Batch*> outstanding SLUICE_GUARDED_BY(mu);

  void release(Batch& batch) SLUICE_EXCLUDES(mu) {
    MutexLock lock(mu);
    if (batch.released || destroyed) return;
    batch.released = true;
    outstanding.erase(&batch);
    if (batch.batch.release != nullptr) batch.batch.release(&batch.batch);
  }

  // Before the plugin instance is destroyed: hand back every batch still held.
  void release_all() SLUICE_EXCLUDES(mu) {
    MutexLock lock(mu);
    for (Batch* batch : outstanding) {
      batch->released = true;
      if (batch->batch.release != nullptr) batch->batch.release(&batch->batch);
    }
    outstanding.clear();
    destroyed = true;
  }
};

Batch::~Batch() {
  task->release(*this);
}

constexpr std::size_t kRecordMinSize = SLUICE_HOST_SIZE_THROUGH(sluice_record, kafka_offset);

// A plugin's poll batch as the runtime reads it: records in place (view) when their batch needs no
// commit_record, otherwise imported with an origin that keeps the batch until commit_record ran for each.
class PluginSourceBatch final : public api::PolledSourceBatch {
 public:
  PluginSourceBatch(std::shared_ptr<Batch> batch, std::size_t stride, bool no_commit_record, AbiImporter& importer)
      : batch_(std::move(batch)), stride_(stride), no_commit_record_(no_commit_record), importer_(importer) {}

  std::size_t size() const override { return stride_ == 0 ? 0 : batch_->batch.count; }
  bool view(std::size_t i, api::RawSourceRecord& out) override {
    return no_commit_record_ && importer_.view_source_record(record(i), out);
  }
  data::SharedValue partition(std::size_t i) override { return importer_.source_partition(record(i)); }
  data::Value offset(std::size_t i) const override {
    // Any thread: an importer of its own (offsets are maps of primitives; nothing of the batch's is cached).
    {
      MutexLock lock(batch_->task->mu);
      if (batch_->released) return data::Value();  // the task is gone: nothing to commit from it
    }
    AbiImporter importer;
    return importer.value(record(i).source_offset);
  }
  void import(std::size_t i, data::SourceRecord& out) override {
    const sluice_record& r = record(i);
    importer_.fill_source_record(r, out);
    if (no_commit_record_) return;
    RecordOrigin& origin = batch_->origins[i];
    origin.batch = batch_.get();
    origin.record = &r;
    out.origin = std::shared_ptr<const void>(batch_, &origin);
  }

 private:
  const sluice_record& record(std::size_t i) const { return *abi_element(batch_->batch.records, stride_, i); }

  std::shared_ptr<Batch> batch_;
  std::size_t stride_;
  bool no_commit_record_;
  AbiImporter& importer_;
};

class SourceTaskAdapter final : public api::SourceTask {
 public:
  SourceTaskAdapter(const ComponentHandle& handle, api::SourceTaskContext& ctx)
      : instance_(handle, connector_vtable(handle)->source_task, &ctx),
        state_(std::make_shared<SourceTaskState>()) {
    instance_.ctx().source_task = &ctx;
    instance_.create();
  }

  ~SourceTaskAdapter() override {
    state_->release_all();
    instance_.destroy();
  }

  void start(const api::StringMap& config) override {
    AbiArena arena;
    const sluice_config abi = arena.config(config);
    instance_.call("start",
                   [&](void* self, sluice_error* err) { return instance_.vt()->start(self, &abi, err); });
  }

  std::vector<data::SourceRecord> poll() override {
    auto batch = poll_batch();
    std::vector<data::SourceRecord> records(batch->size());
    for (std::size_t i = 0; i < records.size(); ++i) batch->import(i, records[i]);
    return records;
  }

  std::unique_ptr<api::PolledSourceBatch> poll_batch() override {
    sluice_record_batch raw{};
    raw.struct_size = sizeof(sluice_record_batch);
    CallError err;
    const sluice_status status = instance_.vt()->poll(instance_.self(), &raw, err.get());
    auto batch = std::make_shared<Batch>(state_, raw, raw.count);
    {
      MutexLock lock(state_->mu);
      state_->outstanding.insert(batch.get());
    }
    // From here, dropping `batch` hands the records back to the plugin.
    err.check(status, "poll", instance_.class_name());
    if (raw.count == 0) return std::make_unique<PluginSourceBatch>(std::move(batch), 0, true, importer_);
    if (raw.records == nullptr)
      throw DataError(
          fmt::format("poll() of plugin class {} returned {} records and a NULL "
                      "records array",
                      instance_.class_name(), raw.count));
    const std::size_t stride = raw.records[0].struct_size;
    if (stride < kRecordMinSize) {
      throw DataError(
          fmt::format("poll() of plugin class {} returned records with struct_size {}; expected at least {}",
                      instance_.class_name(), stride, kRecordMinSize));
    }
    importer_.begin_batch();
    // Nothing to call back for the records of a batch flagged SLUICE_BATCH_NO_COMMIT_RECORD: it goes back to
    // the plugin once read, and its records carry no origin (needs_commit_record() is false).
    const bool no_commit_record =
        SLUICE_HAS_FIELD(&raw, sluice_record_batch, flags) && (raw.flags & SLUICE_BATCH_NO_COMMIT_RECORD) != 0;
    if (!no_commit_record) batch->origins = std::make_unique<RecordOrigin[]>(raw.count);
    return std::make_unique<PluginSourceBatch>(std::move(batch), stride, no_commit_record, importer_);
  }

  // Records of a batch flagged SLUICE_BATCH_NO_COMMIT_RECORD carry no origin: the plugin's commit_record
  // does nothing for them.
  bool needs_commit_record(const data::SourceRecord& record) const override { return record.origin != nullptr; }

  void commit() override {
    const auto* vt = instance_.vt();
    if (vt->commit == nullptr) return;
    instance_.call("commit", [&](void* self, sluice_error* err) { return vt->commit(self, err); });
  }

  void commit_record(const data::SourceRecord& record, const api::RecordMetadata* metadata) override {
    // Only records this task's poll() returned carry a RecordOrigin.
    auto* origin = const_cast<RecordOrigin*>(static_cast<const RecordOrigin*>(record.origin.get()));
    if (origin == nullptr) {
      throw ConnectError(
          fmt::format("commit_record() for plugin class {} got a record that its poll() did not return",
                      instance_.class_name()));
    }
    if (origin->committed.exchange(true)) return;
    const auto* vt = instance_.vt();
    if (vt->commit_record == nullptr) {
      // Nothing to tell the plugin (Kafka's default commitRecord): only hand the batch back once it is done.
      if (origin->batch->remaining.fetch_sub(1) == 1) state_->release(*origin->batch);
      return;
    }
    CallError err;
    sluice_status status = SLUICE_OK;
    {
      sluice_record_metadata md{};
      if (metadata != nullptr) {
        md.struct_size = sizeof(sluice_record_metadata);
        md.topic = metadata->topic.c_str();
        md.partition = metadata->partition;
        md.offset = metadata->offset;
        md.timestamp = metadata->timestamp;
      }
      status =
          vt->commit_record(instance_.self(), origin->record, metadata != nullptr ? &md : nullptr, err.get());
    }
    if (origin->batch->remaining.fetch_sub(1) == 1) state_->release(*origin->batch);
    err.check(status, "commit_record", instance_.class_name());
  }

  // The plugin gets back its own record (RecordOrigin), never the imported copy.
  bool commit_record_reads_content() const override { return false; }

  void request_stop() override {
    instance_.ctx().stop_requested.store(true, std::memory_order_release);
    const auto* vt = instance_.vt();
    if (vt->request_stop != nullptr) vt->request_stop(instance_.self());
  }

  void stop() override {
    instance_.ctx().stop_requested.store(true, std::memory_order_release);
    instance_.call("stop", [&](void* self, sluice_error* err) { return instance_.vt()->stop(self, err); });
  }

 private:
  Instance<sluice_source_task_vtable> instance_;
  std::shared_ptr<SourceTaskState> state_;
  AbiImporter importer_;  // reused by poll() calls; the task thread is the only caller
};

// ---- SinkTask --------------------------------------------------------------------------------------------

class SinkTaskAdapter final : public api::SinkTask {
 public:
  SinkTaskAdapter(const ComponentHandle& handle, api::SinkTaskContext& ctx)
      : instance_(handle, connector_vtable(handle)->sink_task, &ctx) {
    instance_.ctx().sink_task = &ctx;
    instance_.create();
  }

  void start(const api::StringMap& config) override {
    AbiArena arena;
    const sluice_config abi = arena.config(config);
    instance_.call("start",
                   [&](void* self, sluice_error* err) { return instance_.vt()->start(self, &abi, err); });
  }

  void open(const std::vector<api::TopicPartition>& partitions) override {
    const auto* vt = instance_.vt();
    if (vt->open == nullptr) return;
    const auto abi = to_abi(partitions);
    instance_.call(
        "open", [&](void* self, sluice_error* err) { return vt->open(self, abi.data(), abi.size(), err); });
  }

  void close(const std::vector<api::TopicPartition>& partitions) override {
    const auto* vt = instance_.vt();
    if (vt->close == nullptr) return;
    const auto abi = to_abi(partitions);
    instance_.call(
        "close", [&](void* self, sluice_error* err) { return vt->close(self, abi.data(), abi.size(), err); });
  }

  void put(const std::vector<data::SinkRecord>& records) override {
    arena_.clear();
    sluice_record* abi = arena_.records(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) arena_.fill_sink_record(records[i], abi[i]);
    auto& ctx = instance_.ctx();
    ctx.put_records = abi;
    ctx.put_count = records.size();
    ctx.put_source = &records;
    struct Reset {
      sluice_context& ctx;
      ~Reset() {
        ctx.put_records = nullptr;
        ctx.put_count = 0;
        ctx.put_source = nullptr;
      }
    } reset{ctx};
    instance_.call("put", [&](void* self, sluice_error* err) {
      return instance_.vt()->put(self, abi, records.size(), err);
    });
  }

  std::map<api::TopicPartition, std::int64_t> pre_commit(
      const std::map<api::TopicPartition, std::int64_t>& current) override {
    std::vector<sluice_topic_partition_offset> abi;
    abi.reserve(current.size());
    for (const auto& [tp, offset] : current) abi.push_back({tp.topic.c_str(), tp.partition, 0, offset});
    const auto* vt = instance_.vt();
    if (vt->pre_commit == nullptr) {
      // Kafka's default preCommit: flush(currentOffsets), then commit them.
      if (vt->flush != nullptr) {
        instance_.call("flush", [&](void* self, sluice_error* err) {
          return vt->flush(self, abi.data(), abi.size(), err);
        });
      }
      return current;
    }
    std::vector<sluice_topic_partition_offset> out(abi.size());
    std::size_t out_count = 0;
    instance_.call("pre_commit", [&](void* self, sluice_error* err) {
      return vt->pre_commit(self, abi.data(), abi.size(), out.data(), &out_count, err);
    });
    std::map<api::TopicPartition, std::int64_t> result;
    for (std::size_t i = 0; i < std::min(out_count, out.size()); ++i) {
      if (out[i].topic == nullptr) continue;
      result[api::TopicPartition{out[i].topic, out[i].partition}] = out[i].offset;
    }
    return result;
  }

  void stop() override {
    instance_.ctx().stop_requested.store(true, std::memory_order_release);
    instance_.call("stop", [&](void* self, sluice_error* err) { return instance_.vt()->stop(self, err); });
  }

 private:
  Instance<sluice_sink_task_vtable> instance_;
  AbiArena arena_;  // reused by put() calls; the task thread is the only caller
};

// ---- Converters ------------------------------------------------------------------------------------------

struct BytesResult {
  EmitState emit;
  std::optional<std::string> bytes;

  static void callback(void* user, const char* data, size_t size, int32_t is_null) {
    auto* r = static_cast<BytesResult*>(user);
    r->emit.run([&] {
      if (is_null != 0) {
        r->bytes.reset();
      } else {
        r->bytes.emplace(data != nullptr ? std::string(data, size) : std::string());
      }
    });
  }
};

struct DataResult {
  EmitState emit;
  data::SchemaAndValue result;

  static void callback(void* user, const sluice_schema* schema, const sluice_value* value) {
    auto* r = static_cast<DataResult*>(user);
    r->emit.run([&] {
      AbiImporter importer;
      r->result.schema = importer.schema(schema);
      r->result.value = value != nullptr ? importer.value(*value) : data::Value();
    });
  }
};

std::string_view view_or_empty(const std::optional<std::string_view>& bytes) {
  return bytes ? *bytes : std::string_view();
}

template <typename VTable>
const VTable* vtable_of(const ComponentHandle& h) {
  return static_cast<const VTable*>(h.component->vtable);
}

class ConverterAdapter final : public api::Converter {
 public:
  explicit ConverterAdapter(const ComponentHandle& handle)
      : instance_(handle, vtable_of<sluice_converter_vtable>(handle), nullptr),
        config_def_(handle.config_def) {
    instance_.create();
  }

  void configure(const config::RawConfig& config, bool is_key) override {
    AbiArena arena;
    const sluice_config abi = arena.config(config);
    instance_.call("configure", [&](void* self, sluice_error* err) {
      return instance_.vt()->configure(self, &abi, is_key ? 1 : 0, err);
    });
  }

  std::optional<std::string> from_connect(std::string_view topic, const data::Headers* headers,
                                          const data::SchemaPtr& schema, const data::Value& value) override {
    AbiArena arena;
    const char* abi_topic = arena.copy(topic);
    const sluice_header* abi_headers = headers != nullptr ? arena.headers(*headers) : nullptr;
    const std::size_t header_count = headers != nullptr ? headers->size() : 0;
    const sluice_schema* abi_schema = arena.schema(schema);
    const sluice_value abi_value = arena.value(value);
    BytesResult result;
    instance_.call("from_connect", [&](void* self, sluice_error* err) {
      return instance_.vt()->from_connect(self, abi_topic, abi_headers, header_count, abi_schema, &abi_value,
                                          &BytesResult::callback, &result, err);
    });
    require_emit(result.emit, "from_connect", instance_.class_name());
    return std::move(result.bytes);
  }

  data::SchemaAndValue to_connect(std::string_view topic, const data::Headers* headers,
                                  std::optional<std::string_view> bytes) override {
    AbiArena arena;
    const char* abi_topic = arena.copy(topic);
    const sluice_header* abi_headers = headers != nullptr ? arena.headers(*headers) : nullptr;
    const std::size_t header_count = headers != nullptr ? headers->size() : 0;
    const auto data = view_or_empty(bytes);
    DataResult result;
    instance_.call("to_connect", [&](void* self, sluice_error* err) {
      return instance_.vt()->to_connect(self, abi_topic, abi_headers, header_count, data.data(), data.size(),
                                        bytes ? 0 : 1, &DataResult::callback, &result, err);
    });
    require_emit(result.emit, "to_connect", instance_.class_name());
    return std::move(result.result);
  }

  const config::ConfigDef& config_def() const override { return *config_def_; }

 private:
  Instance<sluice_converter_vtable> instance_;
  std::shared_ptr<const config::ConfigDef> config_def_;
};

class HeaderConverterAdapter final : public api::HeaderConverter {
 public:
  explicit HeaderConverterAdapter(const ComponentHandle& handle)
      : instance_(handle, vtable_of<sluice_header_converter_vtable>(handle), nullptr),
        config_def_(handle.config_def) {
    instance_.create();
  }

  void configure(const config::RawConfig& config) override {
    AbiArena arena;
    const sluice_config abi = arena.config(config);
    instance_.call("configure",
                   [&](void* self, sluice_error* err) { return instance_.vt()->configure(self, &abi, err); });
  }

  std::optional<std::string> from_connect(std::string_view topic, std::string_view header_key,
                                          const data::SchemaPtr& schema, const data::Value& value) override {
    AbiArena arena;
    const char* abi_topic = arena.copy(topic);
    const char* abi_key = arena.copy(header_key);
    const sluice_schema* abi_schema = arena.schema(schema);
    const sluice_value abi_value = arena.value(value);
    BytesResult result;
    instance_.call("from_connect", [&](void* self, sluice_error* err) {
      return instance_.vt()->from_connect(self, abi_topic, abi_key, abi_schema, &abi_value,
                                          &BytesResult::callback, &result, err);
    });
    require_emit(result.emit, "from_connect", instance_.class_name());
    return std::move(result.bytes);
  }

  data::SchemaAndValue to_connect(std::string_view topic, std::string_view header_key,
                                  std::optional<std::string_view> bytes) override {
    AbiArena arena;
    const char* abi_topic = arena.copy(topic);
    const char* abi_key = arena.copy(header_key);
    const auto data = view_or_empty(bytes);
    DataResult result;
    instance_.call("to_connect", [&](void* self, sluice_error* err) {
      return instance_.vt()->to_connect(self, abi_topic, abi_key, data.data(), data.size(), bytes ? 0 : 1,
                                        &DataResult::callback, &result, err);
    });
    require_emit(result.emit, "to_connect", instance_.class_name());
    return std::move(result.result);
  }

  const config::ConfigDef& config_def() const override { return *config_def_; }

 private:
  Instance<sluice_header_converter_vtable> instance_;
  std::shared_ptr<const config::ConfigDef> config_def_;
};

// ---- Transformation, Predicate, ConfigProvider ------------------------------------------------------------

class TransformationAdapter final : public api::Transformation {
 public:
  explicit TransformationAdapter(const ComponentHandle& handle)
      : instance_(handle, vtable_of<sluice_transformation_vtable>(handle), nullptr),
        config_def_(handle.config_def) {
    instance_.create();
  }

  void configure(const config::RawConfig& config) override {
    AbiArena arena;
    const sluice_config abi = arena.config(config);
    instance_.call("configure",
                   [&](void* self, sluice_error* err) { return instance_.vt()->configure(self, &abi, err); });
  }

  bool apply(data::ConnectRecord& record) override {
    AbiArena arena;
    sluice_record abi{};
    arena.fill_record(record, abi);
    struct State {
      EmitState emit;
      bool keep = false;
      data::ConnectRecord out;
    } state;
    auto emit = [](void* user, const sluice_record* result) {
      auto* s = static_cast<State*>(user);
      s->emit.run([&] {
        if (result == nullptr) return;
        // Deep copy first: the result may point into the input record, which is replaced afterwards.
        AbiImporter importer;
        importer.fill_record(*result, s->out);
        s->keep = true;
      });
    };
    instance_.call("apply", [&](void* self, sluice_error* err) {
      return instance_.vt()->apply(self, &abi, emit, &state, err);
    });
    require_emit(state.emit, "apply", instance_.class_name());
    if (!state.keep) return false;
    // Only the ConnectRecord part changes; source or sink fields of a derived record stay as they were.
    record = std::move(state.out);
    return true;
  }

  const config::ConfigDef& config_def() const override { return *config_def_; }

 private:
  Instance<sluice_transformation_vtable> instance_;
  std::shared_ptr<const config::ConfigDef> config_def_;
};

class PredicateAdapter final : public api::Predicate {
 public:
  explicit PredicateAdapter(const ComponentHandle& handle)
      : instance_(handle, vtable_of<sluice_predicate_vtable>(handle), nullptr),
        config_def_(handle.config_def) {
    instance_.create();
  }

  void configure(const config::RawConfig& config) override {
    AbiArena arena;
    const sluice_config abi = arena.config(config);
    instance_.call("configure",
                   [&](void* self, sluice_error* err) { return instance_.vt()->configure(self, &abi, err); });
  }

  bool test(const data::ConnectRecord& record) override {
    AbiArena arena;
    sluice_record abi{};
    arena.fill_record(record, abi);
    int32_t result = 0;
    instance_.call("test", [&](void* self, sluice_error* err) {
      return instance_.vt()->test(self, &abi, &result, err);
    });
    return result != 0;
  }

  const config::ConfigDef& config_def() const override { return *config_def_; }

 private:
  Instance<sluice_predicate_vtable> instance_;
  std::shared_ptr<const config::ConfigDef> config_def_;
};

class ConfigProviderAdapter final : public api::ConfigProvider {
 public:
  explicit ConfigProviderAdapter(const ComponentHandle& handle)
      : instance_(handle, vtable_of<sluice_config_provider_vtable>(handle), nullptr) {
    instance_.create();
  }

  void configure(const config::RawConfig& config) override {
    AbiArena arena;
    const sluice_config abi = arena.config(config);
    instance_.call("configure",
                   [&](void* self, sluice_error* err) { return instance_.vt()->configure(self, &abi, err); });
  }

  Data get(const std::string& path, const std::vector<std::string>& keys) override {
    std::vector<const char*> abi_keys;
    abi_keys.reserve(keys.size());
    for (const auto& k : keys) abi_keys.push_back(k.c_str());
    struct State {
      EmitState emit;
      Data data;
    } state;
    auto emit = [](void* user, const sluice_config* config, int64_t ttl_ms) {
      auto* s = static_cast<State*>(user);
      s->emit.run([&] {
        if (config != nullptr) s->data.values = to_string_map(*config);
        if (ttl_ms >= 0) s->data.ttl_ms = ttl_ms;
      });
    };
    instance_.call("get", [&](void* self, sluice_error* err) {
      return instance_.vt()->get(self, path.c_str(), abi_keys.data(), abi_keys.size(), emit, &state, err);
    });
    require_emit(state.emit, "get", instance_.class_name());
    return std::move(state.data);
  }

 private:
  Instance<sluice_config_provider_vtable> instance_;
};

}  // namespace

std::unique_ptr<api::Connector> make_connector(const ComponentHandle& handle, api::ConnectorContext& ctx) {
  return std::make_unique<ConnectorAdapter>(handle, ctx);
}
std::unique_ptr<api::SourceTask> make_source_task(const ComponentHandle& handle,
                                                  api::SourceTaskContext& ctx) {
  return std::make_unique<SourceTaskAdapter>(handle, ctx);
}
std::unique_ptr<api::SinkTask> make_sink_task(const ComponentHandle& handle, api::SinkTaskContext& ctx) {
  return std::make_unique<SinkTaskAdapter>(handle, ctx);
}
std::unique_ptr<api::Converter> make_converter(const ComponentHandle& handle) {
  return std::make_unique<ConverterAdapter>(handle);
}
std::unique_ptr<api::HeaderConverter> make_header_converter(const ComponentHandle& handle) {
  return std::make_unique<HeaderConverterAdapter>(handle);
}
std::unique_ptr<api::Transformation> make_transformation(const ComponentHandle& handle) {
  return std::make_unique<TransformationAdapter>(handle);
}
std::unique_ptr<api::Predicate> make_predicate(const ComponentHandle& handle) {
  return std::make_unique<PredicateAdapter>(handle);
}
std::unique_ptr<api::ConfigProvider> make_config_provider(const ComponentHandle& handle) {
  return std::make_unique<ConfigProviderAdapter>(handle);
}

}  // namespace sluice::host
