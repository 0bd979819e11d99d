// The "good" fixture: one component of every kind, written against the raw C ABI (no SDK), so the host's
// adapters are tested against exactly what crosses the boundary. It reports what it saw through the
// host's logger, which the tests capture. It depends on a private helper library
// (libsluice_fixture_good_helper.so) found through RUNPATH $ORIGIN.

#include <sluice/plugin_abi.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

extern "C" const char* sluice_fixture_helper_greeting(void);

namespace {

constexpr const char* kDataException = "org.apache.kafka.connect.errors.DataException";

void log(const sluice_host_api* host, const sluice_context* ctx, sluice_log_level level,
         const std::string& text) {
  if (host->log_enabled(ctx, level)) host->log(ctx, level, text.data(), text.size());
}

sluice_status fail(sluice_error* err, sluice_error_kind kind, const char* error_class,
                   const std::string& message) {
  err->set(err, kind, error_class, message.c_str(), nullptr);
  return SLUICE_FATAL;
}

std::map<std::string, std::string> to_map(const sluice_config* config) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < config->count; ++i) {
    if (config->entries[i].value != nullptr) out[config->entries[i].key] = config->entries[i].value;
  }
  return out;
}

std::string get(const std::map<std::string, std::string>& config, const std::string& key,
                std::string fallback) {
  auto it = config.find(key);
  return it == config.end() ? fallback : it->second;
}

std::string text(const sluice_value& v) {
  return v.u.bytes.size == 0 ? std::string() : std::string(v.u.bytes.data, v.u.bytes.size);
}

sluice_value string_value(const std::string& s) {
  sluice_value v{};
  v.type = SLUICE_TYPE_STRING;
  v.u.bytes.data = s.data();
  v.u.bytes.size = s.size();
  return v;
}

sluice_value int_value(sluice_type type, int64_t i) {
  sluice_value v{};
  v.type = type;
  v.u.i64 = i;
  return v;
}

// Renders a value compactly for log lines the tests assert.
std::string render(const sluice_value& v) {
  switch (v.type) {
    case SLUICE_TYPE_NULL: return "null";
    case SLUICE_TYPE_BOOLEAN: return v.u.boolean ? "true" : "false";
    case SLUICE_TYPE_INT8:
    case SLUICE_TYPE_INT16:
    case SLUICE_TYPE_INT32:
    case SLUICE_TYPE_INT64: return std::to_string(v.u.i64);
    case SLUICE_TYPE_STRING: return "\"" + text(v) + "\"";
    case SLUICE_TYPE_BYTES: return "bytes(" + std::to_string(v.u.bytes.size) + ")";
    case SLUICE_TYPE_STRUCT: {
      std::string out = "{";
      for (size_t i = 0; i < v.u.strct.count; ++i) {
        if (i > 0) out += ",";
        out += std::string(v.u.strct.schema->fields[i].name) + "=" + render(v.u.strct.fields[i]);
      }
      return out + "}";
    }
    case SLUICE_TYPE_MAP: {
      std::string out = "{";
      for (size_t i = 0; i < v.u.map.count; ++i) {
        if (i > 0) out += ",";
        out += render(v.u.map.keys[i]) + ":" + render(v.u.map.values[i]);
      }
      return out + "}";
    }
    case SLUICE_TYPE_ARRAY: {
      std::string out = "[";
      for (size_t i = 0; i < v.u.array.count; ++i) out += (i > 0 ? "," : "") + render(v.u.array.items[i]);
      return out + "]";
    }
    default: return "?";
  }
}

// A value from a one-entry map with a string key, e.g. the "position" of a source offset.
const sluice_value* map_get(const sluice_value& map, const char* key) {
  if (map.type != SLUICE_TYPE_MAP) return nullptr;
  for (size_t i = 0; i < map.u.map.count; ++i) {
    if (map.u.map.keys[i].type == SLUICE_TYPE_STRING && text(map.u.map.keys[i]) == key)
      return &map.u.map.values[i];
  }
  return nullptr;
}

struct Base {
  const sluice_host_api* host;
  sluice_context* ctx;
  std::map<std::string, std::string> config;
};

template <typename T>
void* create(const sluice_host_api* host, sluice_context* ctx, sluice_error*) {
  auto instance = std::make_unique<T>();
  instance->host = host;
  instance->ctx = ctx;
  return instance.release();
}

template <typename T>
void destroy(void* self) {
  std::unique_ptr<T> owned(static_cast<T*>(self));
}

template <typename T>
T& self_as(void* self) {
  return *static_cast<T*>(self);
}

sluice_status stop_ok(void*, sluice_error*) {
  return SLUICE_OK;
}

// ---- source connector --------------------------------------------------------------------------------

struct SourceConnector : Base {};

sluice_status source_connector_start(void* self, const sluice_config* config, sluice_error* err) {
  auto& c = self_as<SourceConnector>(self);
  c.config = to_map(config);
  const std::string mode = get(c.config, "fail", "");
  if (mode == "data") return fail(err, SLUICE_ERROR_DATA, kDataException, "start failed as requested");
  if (mode == "retriable") {
    err->set(err, SLUICE_ERROR_RETRIABLE, nullptr, "source system is busy", nullptr);
    return SLUICE_RETRIABLE;
  }
  if (mode == "silent") return SLUICE_FATAL;
  if (get(c.config, "reconfigure", "") == "true") c.host->request_task_reconfiguration(c.ctx);
  if (get(c.config, "raise", "") == "true") c.host->raise_error(c.ctx, "connector raised an error");
  log(c.host, c.ctx, SLUICE_LOG_INFO, "source connector started for topic " + get(c.config, "topic", "?"));
  return SLUICE_OK;
}

sluice_status source_connector_task_configs(void* self, int32_t max_tasks, sluice_config_emit emit,
                                            void* user, sluice_error*) {
  auto& c = self_as<SourceConnector>(self);
  for (int32_t i = 0; i < max_tasks && i < 2; ++i) {
    const std::string task_id = std::to_string(i);
    const std::string topic = get(c.config, "topic", "");
    const sluice_string_pair entries[] = {
        {"topic", topic.c_str()}, {"task.id", task_id.c_str()}, {"nothing", nullptr}};
    const sluice_config config{entries, 3};
    emit(user, &config);
  }
  return SLUICE_OK;
}

sluice_status source_connector_validate(void*, const sluice_config* config, sluice_validation_emit emit,
                                        void* user, sluice_error*) {
  const auto values = to_map(config);
  if (get(values, "topic", "").find(' ') != std::string::npos)
    emit(user, "topic", "Topic names cannot contain spaces");
  return SLUICE_OK;
}

sluice_status source_connector_alter_offsets(void*, const sluice_config*, const sluice_offset_entry* offsets,
                                             size_t count, int32_t* handled, sluice_error* err) {
  for (size_t i = 0; i < count; ++i) {
    if (offsets[i].offset.type == SLUICE_TYPE_NULL) continue;
    const sluice_value* position = map_get(offsets[i].offset, "position");
    if (position == nullptr) {
      return fail(err, SLUICE_ERROR_CONNECT, nullptr,
                  "Offset objects should either be null or contain the key 'position'");
    }
  }
  *handled = 1;
  return SLUICE_OK;
}

// ---- source task -------------------------------------------------------------------------------------

struct SourceTask;

// Everything one poll() hands out; the host releases it through release_batch.
struct Batch {
  SourceTask* task = nullptr;
  int id = 0;
  std::deque<std::string> strings;
  std::deque<std::vector<sluice_value>> values;
  std::vector<sluice_header> headers;
  std::vector<sluice_record> records;
};

struct SourceTask : Base {
  std::string topic;
  int64_t position = 0;
  int batch_size = 3;
  uint32_t batch_flags = 0;        // "batch.flags": sluice_record_batch.flags of every batch
  bool batch_abi_1_0 = false;      // "batch.abi": "1.0" writes a struct_size without the flags field
  int next_batch = 0;
  std::atomic<int> commits{0};
  std::atomic<bool> stop_requested{false};
};

const sluice_schema kKeySchema = {sizeof(sluice_schema),
                                  SLUICE_TYPE_STRING,
                                  0,
                                  0,
                                  0,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  0,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  0};
const sluice_schema kIdSchema = {sizeof(sluice_schema),
                                 SLUICE_TYPE_INT64,
                                 0,
                                 0,
                                 0,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 0,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 0};
const sluice_schema kNameSchema = {sizeof(sluice_schema),
                                   SLUICE_TYPE_STRING,
                                   1,
                                   0,
                                   0,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   0,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   0};
const sluice_field kFields[] = {{"id", &kIdSchema}, {"name", &kNameSchema}};
const sluice_string_pair kValueParams[] = {{"origin", "good-fixture"}};
const sluice_schema kValueSchema = {sizeof(sluice_schema),
                                    SLUICE_TYPE_STRUCT,
                                    0,
                                    1,
                                    2,
                                    "org.sluice.fixture.Row",
                                    "A row of the fixture",
                                    nullptr,
                                    kValueParams,
                                    1,
                                    nullptr,
                                    nullptr,
                                    kFields,
                                    2};

void release_batch(sluice_record_batch* batch) {
  std::unique_ptr<Batch> owned(static_cast<Batch*>(batch->private_data));
  auto& task = *owned->task;
  log(task.host, task.ctx, SLUICE_LOG_INFO,
      "released batch " + std::to_string(owned->id) + " after " + std::to_string(task.commits.load()) +
          " commits");
}

void offset_visit(void* user, const sluice_value* offset) {
  const sluice_value* position = map_get(*offset, "position");
  if (position != nullptr) *static_cast<int64_t*>(user) = position->u.i64;
}

sluice_status source_task_start(void* self, const sluice_config* config, sluice_error* err) {
  auto& t = self_as<SourceTask>(self);
  t.config = to_map(config);
  t.topic = get(t.config, "topic", "");
  t.batch_size = std::stoi(get(t.config, "batch.size", "3"));
  t.batch_flags = static_cast<uint32_t>(std::stoul(get(t.config, "batch.flags", "0")));
  t.batch_abi_1_0 = get(t.config, "batch.abi", "1.1") == "1.0";
  if (t.topic.empty())
    return fail(err, SLUICE_ERROR_CONFIG, nullptr, "Missing required configuration \"topic\"");
  // Resume from the committed offset of our one source partition.
  const std::string key = "file";
  const std::string name = "fixture";
  sluice_value k = string_value(key);
  sluice_value v = string_value(name);
  sluice_value partition{};
  partition.type = SLUICE_TYPE_MAP;
  partition.u.map.keys = &k;
  partition.u.map.values = &v;
  partition.u.map.count = 1;
  const int32_t found = t.host->offset_read(t.ctx, &partition, offset_visit, &t.position);
  log(t.host, t.ctx, SLUICE_LOG_INFO,
      std::string("source task starting at position ") + std::to_string(t.position) +
          (found ? " (stored)" : " (new)"));
  return SLUICE_OK;
}

sluice_status source_task_poll(void* self, sluice_record_batch* out, sluice_error*) {
  auto& t = self_as<SourceTask>(self);
  out->count = 0;
  if (t.stop_requested.load() || t.host->is_stopping(t.ctx)) return SLUICE_OK;
  auto batch = std::make_unique<Batch>();
  batch->task = &t;
  batch->id = t.next_batch++;
  batch->records.resize(static_cast<size_t>(t.batch_size));
  batch->headers.resize(static_cast<size_t>(t.batch_size));
  auto& s = batch->strings;
  s.push_back("file");
  const std::string& file_key = s.back();
  s.push_back("fixture");
  const std::string& file_name = s.back();
  s.push_back("position");
  const std::string& position_key = s.back();
  s.push_back("good");
  const std::string& header_value = s.back();
  for (int i = 0; i < t.batch_size; ++i) {
    const int64_t pos = t.position++;
    auto& r = batch->records[static_cast<size_t>(i)];
    r.struct_size = sizeof(sluice_record);
    r.topic = t.topic.c_str();
    r.partition = SLUICE_NO_PARTITION;
    r.key_schema = &kKeySchema;
    s.push_back("key-" + std::to_string(pos));
    r.key = string_value(s.back());
    r.value_schema = &kValueSchema;
    s.push_back("name-" + std::to_string(pos));
    batch->values.push_back({int_value(SLUICE_TYPE_INT64, pos), string_value(s.back())});
    r.value.type = SLUICE_TYPE_STRUCT;
    r.value.u.strct.schema = &kValueSchema;
    r.value.u.strct.fields = batch->values.back().data();
    r.value.u.strct.count = 2;
    r.timestamp = 1700000000000 + pos;
    r.timestamp_type = SLUICE_TIMESTAMP_CREATE_TIME;
    batch->headers[static_cast<size_t>(i)] = sluice_header{"source", nullptr, string_value(header_value)};
    r.headers = &batch->headers[static_cast<size_t>(i)];
    r.header_count = 1;
    // source partition {"file": "fixture"}, source offset {"position": pos + 1}
    batch->values.push_back({string_value(file_key)});
    const sluice_value* pkeys = batch->values.back().data();
    batch->values.push_back({string_value(file_name)});
    const sluice_value* pvalues = batch->values.back().data();
    r.source_partition.type = SLUICE_TYPE_MAP;
    r.source_partition.u.map.keys = pkeys;
    r.source_partition.u.map.values = pvalues;
    r.source_partition.u.map.count = 1;
    batch->values.push_back({string_value(position_key)});
    const sluice_value* okeys = batch->values.back().data();
    batch->values.push_back({int_value(SLUICE_TYPE_INT64, pos + 1)});
    const sluice_value* ovalues = batch->values.back().data();
    r.source_offset.type = SLUICE_TYPE_MAP;
    r.source_offset.u.map.keys = okeys;
    r.source_offset.u.map.values = ovalues;
    r.source_offset.u.map.count = 1;
    r.kafka_offset = SLUICE_NO_OFFSET;
  }
  out->records = batch->records.data();
  out->count = batch->records.size();
  out->release = release_batch;
  out->private_data = batch.release();
  out->flags = t.batch_flags;
  // As a plugin built against ABI 1.0 declares its batch: without the flags field (whatever is in it).
  if (t.batch_abi_1_0) out->struct_size = static_cast<uint32_t>(offsetof(sluice_record_batch, flags));
  return SLUICE_OK;
}

sluice_status source_task_commit_record(void* self, const sluice_record* record,
                                        const sluice_record_metadata* md, sluice_error*) {
  auto& t = self_as<SourceTask>(self);
  ++t.commits;
  const std::string where = md == nullptr ? std::string("dropped")
                                          : std::string(md->topic) + "-" + std::to_string(md->partition) +
                                                "@" + std::to_string(md->offset);
  log(t.host, t.ctx, SLUICE_LOG_INFO, "committed " + text(record->key) + " " + where);
  return SLUICE_OK;
}

void source_task_request_stop(void* self) {
  self_as<SourceTask>(self).stop_requested = true;
}

// ---- sink connector and task ---------------------------------------------------------------------------

struct SinkConnector : Base {};

sluice_status sink_connector_start(void* self, const sluice_config* config, sluice_error*) {
  self_as<SinkConnector>(self).config = to_map(config);
  return SLUICE_OK;
}

sluice_status sink_connector_task_configs(void* self, int32_t max_tasks, sluice_config_emit emit, void* user,
                                          sluice_error*) {
  auto& c = self_as<SinkConnector>(self);
  const std::string topics = get(c.config, "topics", "");
  for (int32_t i = 0; i < max_tasks; ++i) {
    const sluice_string_pair entries[] = {{"topics", topics.c_str()}};
    const sluice_config config{entries, 1};
    emit(user, &config);
  }
  return SLUICE_OK;
}

struct SinkTask : Base {
  std::map<std::pair<std::string, int32_t>, int64_t> written;
};

sluice_status sink_task_start(void* self, const sluice_config* config, sluice_error*) {
  self_as<SinkTask>(self).config = to_map(config);
  return SLUICE_OK;
}

std::string partitions_text(const sluice_topic_partition* partitions, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    out +=
        (i > 0 ? "," : "") + std::string(partitions[i].topic) + "-" + std::to_string(partitions[i].partition);
  }
  return out;
}

sluice_status sink_task_open(void* self, const sluice_topic_partition* partitions, size_t count,
                             sluice_error*) {
  auto& t = self_as<SinkTask>(self);
  log(t.host, t.ctx, SLUICE_LOG_INFO, "open " + partitions_text(partitions, count));
  return SLUICE_OK;
}

sluice_status sink_task_close(void* self, const sluice_topic_partition* partitions, size_t count,
                              sluice_error*) {
  auto& t = self_as<SinkTask>(self);
  log(t.host, t.ctx, SLUICE_LOG_INFO, "close " + partitions_text(partitions, count));
  return SLUICE_OK;
}

sluice_status sink_task_put(void* self, const sluice_record* records, size_t count, sluice_error* err) {
  auto& t = self_as<SinkTask>(self);
  for (size_t i = 0; i < count; ++i) {
    const auto& r = records[i];
    const std::string value = r.value.type == SLUICE_TYPE_STRING ? text(r.value) : render(r.value);
    if (value == "retry") {
      err->set(err, SLUICE_ERROR_RETRIABLE, nullptr, "target temporarily unavailable", nullptr);
      return SLUICE_RETRIABLE;
    }
    if (value == "fail-silently") return SLUICE_FATAL;
    if (value == "errant") {
      if (t.host->errant_record_report(t.ctx, &r, "org.sluice.fixture.BadRecord", "record is errant") !=
          SLUICE_OK) {
        return fail(err, SLUICE_ERROR_CONNECT, nullptr, "errant record was not tolerated");
      }
      continue;
    }
    if (value == "pause") t.host->sink_pause(t.ctx, r.topic, r.partition);
    if (value == "context") {
      // Every other SinkTaskContext function, so the host's mapping of each is observable.
      t.host->sink_seek(t.ctx, r.topic, r.partition, r.kafka_offset - 1);
      t.host->sink_set_timeout(t.ctx, 250);
      t.host->sink_resume(t.ctx, r.topic, r.partition);
      t.host->sink_request_commit(t.ctx);
    }
    std::string headers;
    for (size_t h = 0; h < r.header_count; ++h) {
      headers += (h > 0 ? "," : "") + std::string(r.headers[h].key) + "=" + render(r.headers[h].value);
    }
    log(t.host, t.ctx, SLUICE_LOG_INFO,
        "put " + std::string(r.topic) + "-" + std::to_string(r.partition) + "@" +
            std::to_string(r.kafka_offset) + " key=" + render(r.key) + " value=" + render(r.value) + " ts=" +
            std::to_string(r.timestamp) + "/" + std::to_string(r.timestamp_type) + " headers=" + headers);
    t.written[{r.topic, r.partition}] = r.kafka_offset + 1;
  }
  size_t assigned = t.host->sink_assignment(t.ctx, nullptr, 0);
  std::vector<sluice_topic_partition> assignment(assigned);
  t.host->sink_assignment(t.ctx, assignment.data(), assignment.size());
  log(t.host, t.ctx, SLUICE_LOG_INFO, "assignment " + partitions_text(assignment.data(), assignment.size()));
  return SLUICE_OK;
}

sluice_status sink_task_flush(void* self, const sluice_topic_partition_offset* current, size_t count,
                              sluice_error*) {
  auto& t = self_as<SinkTask>(self);
  std::string text_out;
  for (size_t i = 0; i < count; ++i) {
    text_out += (i > 0 ? "," : "") + std::string(current[i].topic) + "-" +
                std::to_string(current[i].partition) + "@" + std::to_string(current[i].offset);
  }
  log(t.host, t.ctx, SLUICE_LOG_INFO, "flush " + text_out);
  return SLUICE_OK;
}

// Only partitions this task wrote are safe to commit, at the offset after the last record written.
sluice_status sink_task_pre_commit(void* self, const sluice_topic_partition_offset* current, size_t count,
                                   sluice_topic_partition_offset* out, size_t* out_count, sluice_error*) {
  auto& t = self_as<SinkTask>(self);
  size_t n = 0;
  for (size_t i = 0; i < count; ++i) {
    auto it = t.written.find({current[i].topic, current[i].partition});
    if (it == t.written.end()) continue;
    out[n++] = sluice_topic_partition_offset{current[i].topic, current[i].partition, 0, it->second};
  }
  *out_count = n;
  return SLUICE_OK;
}

// ---- converter and header converter ------------------------------------------------------------------
// A tiny tagged text format: "n" null, "b:true", "i:42", "s:text", "x:raw bytes".

struct Converter : Base {
  bool is_key = false;
};

const sluice_schema kOptString = {sizeof(sluice_schema),
                                  SLUICE_TYPE_STRING,
                                  1,
                                  0,
                                  0,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  0,
                                  nullptr,
                                  nullptr,
                                  nullptr,
                                  0};
const sluice_schema kOptInt64 = {sizeof(sluice_schema),
                                 SLUICE_TYPE_INT64,
                                 1,
                                 0,
                                 0,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 0,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 0};
const sluice_schema kOptBool = {sizeof(sluice_schema),
                                SLUICE_TYPE_BOOLEAN,
                                1,
                                0,
                                0,
                                nullptr,
                                nullptr,
                                nullptr,
                                nullptr,
                                0,
                                nullptr,
                                nullptr,
                                nullptr,
                                0};
const sluice_schema kOptBytes = {sizeof(sluice_schema),
                                 SLUICE_TYPE_BYTES,
                                 1,
                                 0,
                                 0,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 0,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 0};

sluice_status encode(const sluice_value* value, sluice_bytes_emit emit, void* user, sluice_error* err) {
  std::string out;
  switch (value->type) {
    case SLUICE_TYPE_NULL: emit(user, nullptr, 0, 1); return SLUICE_OK;
    case SLUICE_TYPE_BOOLEAN: out = value->u.boolean ? "b:true" : "b:false"; break;
    case SLUICE_TYPE_INT8:
    case SLUICE_TYPE_INT16:
    case SLUICE_TYPE_INT32:
    case SLUICE_TYPE_INT64: out = "i:" + std::to_string(value->u.i64); break;
    case SLUICE_TYPE_STRING: out = "s:" + text(*value); break;
    case SLUICE_TYPE_BYTES: out = "x:" + text(*value); break;
    default:
      return fail(err, SLUICE_ERROR_DATA, kDataException,
                  "GoodConverter cannot serialize values of type " + std::to_string(value->type));
  }
  emit(user, out.data(), out.size(), 0);
  return SLUICE_OK;
}

sluice_status decode(const char* data, size_t size, int32_t is_null, sluice_data_emit emit, void* user,
                     sluice_error* err) {
  static const sluice_value kNull = {SLUICE_TYPE_NULL, 0, {0}};
  if (is_null) {
    emit(user, nullptr, &kNull);
    return SLUICE_OK;
  }
  const std::string in(data, size);
  const std::string rest = in.size() >= 2 ? in.substr(2) : std::string();
  sluice_value v{};
  if (in.rfind("b:", 0) == 0) {
    v.type = SLUICE_TYPE_BOOLEAN;
    v.u.boolean = rest == "true";
    emit(user, &kOptBool, &v);
  } else if (in.rfind("i:", 0) == 0) {
    v = int_value(SLUICE_TYPE_INT64, std::stoll(rest));
    emit(user, &kOptInt64, &v);
  } else if (in.rfind("s:", 0) == 0) {
    v = string_value(rest);
    emit(user, &kOptString, &v);
  } else if (in.rfind("x:", 0) == 0) {
    v = string_value(rest);
    v.type = SLUICE_TYPE_BYTES;
    emit(user, &kOptBytes, &v);
  } else {
    return fail(err, SLUICE_ERROR_DATA, kDataException, "Unrecognized encoding: " + in);
  }
  return SLUICE_OK;
}

sluice_status converter_configure(void* self, const sluice_config* config, int32_t is_key, sluice_error*) {
  auto& c = self_as<Converter>(self);
  c.config = to_map(config);
  c.is_key = is_key != 0;
  return SLUICE_OK;
}

sluice_status converter_from_connect(void*, const char*, const sluice_header*, size_t, const sluice_schema*,
                                     const sluice_value* value, sluice_bytes_emit emit, void* user,
                                     sluice_error* err) {
  return encode(value, emit, user, err);
}

sluice_status converter_to_connect(void*, const char*, const sluice_header*, size_t, const char* data,
                                   size_t size, int32_t is_null, sluice_data_emit emit, void* user,
                                   sluice_error* err) {
  return decode(data, size, is_null, emit, user, err);
}

sluice_status header_converter_configure(void* self, const sluice_config* config, sluice_error*) {
  self_as<Converter>(self).config = to_map(config);
  return SLUICE_OK;
}

sluice_status header_converter_from_connect(void*, const char*, const char*, const sluice_schema*,
                                            const sluice_value* value, sluice_bytes_emit emit, void* user,
                                            sluice_error* err) {
  return encode(value, emit, user, err);
}

sluice_status header_converter_to_connect(void*, const char*, const char*, const char* data, size_t size,
                                          int32_t is_null, sluice_data_emit emit, void* user,
                                          sluice_error* err) {
  return decode(data, size, is_null, emit, user, err);
}

// ---- transformation, predicate, config provider -----------------------------------------------------

struct Transform : Base {};

sluice_status transform_configure(void* self, const sluice_config* config, sluice_error*) {
  self_as<Transform>(self).config = to_map(config);
  return SLUICE_OK;
}

// Renames the topic (adds the suffix), adds a header from the private helper library, drops "drop" values.
sluice_status transform_apply(void* self, const sluice_record* record, sluice_record_emit emit, void* user,
                              sluice_error*) {
  auto& t = self_as<Transform>(self);
  if (record->value.type == SLUICE_TYPE_STRING && text(record->value) == "drop") {
    emit(user, nullptr);
    return SLUICE_OK;
  }
  const std::string topic = std::string(record->topic) + get(t.config, "suffix", "-good");
  const std::string greeting = sluice_fixture_helper_greeting();
  std::vector<sluice_header> headers(record->headers, record->headers + record->header_count);
  headers.push_back(sluice_header{"helper", nullptr, string_value(greeting)});
  sluice_record out = *record;  // keys and values stay borrowed from the input record
  out.topic = topic.c_str();
  out.headers = headers.data();
  out.header_count = headers.size();
  emit(user, &out);
  return SLUICE_OK;
}

struct Predicate : Base {};

sluice_status predicate_configure(void* self, const sluice_config* config, sluice_error*) {
  self_as<Predicate>(self).config = to_map(config);
  return SLUICE_OK;
}

sluice_status predicate_test(void* self, const sluice_record* record, int32_t* result, sluice_error*) {
  const std::string prefix = get(self_as<Predicate>(self).config, "prefix", "");
  *result = std::string(record->topic).rfind(prefix, 0) == 0 ? 1 : 0;
  return SLUICE_OK;
}

struct Provider : Base {};

sluice_status provider_configure(void* self, const sluice_config* config, sluice_error*) {
  self_as<Provider>(self).config = to_map(config);
  return SLUICE_OK;
}

sluice_status provider_get(void*, const char* path, const char* const* keys, size_t key_count,
                           sluice_config_data_emit emit, void* user, sluice_error*) {
  std::vector<std::string> values;
  std::vector<sluice_string_pair> entries;
  if (key_count == 0) {
    values.push_back(path);
    entries.push_back({"all", values.back().c_str()});
  } else {
    values.reserve(key_count);
    for (size_t i = 0; i < key_count; ++i) {
      values.push_back(std::string(path) + "/" + keys[i]);
      entries.push_back({keys[i], values.back().c_str()});
    }
  }
  const sluice_config data{entries.data(), entries.size()};
  emit(user, &data, std::string(path) == "ttl" ? 1000 : -1);
  return SLUICE_OK;
}

// ---- tables --------------------------------------------------------------------------------------------

const sluice_source_task_vtable kSourceTask = {sizeof(sluice_source_task_vtable),
                                               create<SourceTask>,
                                               destroy<SourceTask>,
                                               source_task_start,
                                               source_task_poll,
                                               nullptr,
                                               source_task_commit_record,
                                               source_task_request_stop,
                                               stop_ok};

const sluice_connector_vtable kSourceConnector = {sizeof(sluice_connector_vtable),
                                                  create<SourceConnector>,
                                                  destroy<SourceConnector>,
                                                  source_connector_start,
                                                  source_connector_task_configs,
                                                  stop_ok,
                                                  source_connector_validate,
                                                  source_connector_alter_offsets,
                                                  &kSourceTask,
                                                  nullptr};

const sluice_sink_task_vtable kSinkTask = {sizeof(sluice_sink_task_vtable),
                                           create<SinkTask>,
                                           destroy<SinkTask>,
                                           sink_task_start,
                                           sink_task_open,
                                           sink_task_close,
                                           sink_task_put,
                                           sink_task_flush,
                                           sink_task_pre_commit,
                                           stop_ok};

// The same task without pre_commit: the host falls back to flush() and commits what it was given.
const sluice_sink_task_vtable kFlushingSinkTask = {sizeof(sluice_sink_task_vtable),
                                                   create<SinkTask>,
                                                   destroy<SinkTask>,
                                                   sink_task_start,
                                                   nullptr,
                                                   nullptr,
                                                   sink_task_put,
                                                   sink_task_flush,
                                                   nullptr,
                                                   stop_ok};

const sluice_connector_vtable kSinkConnector = {sizeof(sluice_connector_vtable),
                                                create<SinkConnector>,
                                                destroy<SinkConnector>,
                                                sink_connector_start,
                                                sink_connector_task_configs,
                                                stop_ok,
                                                nullptr,
                                                nullptr,
                                                nullptr,
                                                &kSinkTask};

const sluice_connector_vtable kFlushingSinkConnector = {sizeof(sluice_connector_vtable),
                                                        create<SinkConnector>,
                                                        destroy<SinkConnector>,
                                                        sink_connector_start,
                                                        sink_connector_task_configs,
                                                        stop_ok,
                                                        nullptr,
                                                        nullptr,
                                                        nullptr,
                                                        &kFlushingSinkTask};

const sluice_converter_vtable kConverter = {
    sizeof(sluice_converter_vtable), create<Converter>,   destroy<Converter>, converter_configure,
    converter_from_connect,          converter_to_connect};

const sluice_header_converter_vtable kHeaderConverter = {sizeof(sluice_header_converter_vtable),
                                                         create<Converter>,
                                                         destroy<Converter>,
                                                         header_converter_configure,
                                                         header_converter_from_connect,
                                                         header_converter_to_connect};

const sluice_transformation_vtable kTransform = {sizeof(sluice_transformation_vtable), create<Transform>,
                                                 destroy<Transform>, transform_configure, transform_apply};

const sluice_predicate_vtable kPredicate = {sizeof(sluice_predicate_vtable), create<Predicate>,
                                            destroy<Predicate>, predicate_configure, predicate_test};

const sluice_config_provider_vtable kProvider = {sizeof(sluice_config_provider_vtable), create<Provider>,
                                                 destroy<Provider>, provider_configure, provider_get};

sluice_status validate_not_localhost(const char*, const char* value, sluice_error* err) {
  if (value != nullptr && std::string(value) == "localhost") {
    err->set(err, SLUICE_ERROR_CONFIG, nullptr, "localhost is not allowed", nullptr);
    return SLUICE_FATAL;
  }
  return SLUICE_OK;
}

const char* const kModes[] = {"fast", "slow"};
const char* const kDependents[] = {"batch.size"};

sluice_config_key key(const char* name, sluice_config_type type, sluice_importance importance,
                      int32_t has_default, const char* default_value, const char* doc) {
  sluice_config_key k{};
  k.struct_size = sizeof(sluice_config_key);
  k.name = name;
  k.type = type;
  k.importance = importance;
  k.has_default = has_default;
  k.default_value = default_value;
  k.documentation = doc;
  k.order_in_group = -1;
  return k;
}

const std::vector<sluice_config_key>& source_keys() {
  static const std::vector<sluice_config_key> keys = [] {
    std::vector<sluice_config_key> out;
    out.push_back(key("topic", SLUICE_CONFIG_STRING, SLUICE_IMPORTANCE_HIGH, 0, nullptr,
                      "The topic to publish data to"));
    auto batch = key("batch.size", SLUICE_CONFIG_INT, SLUICE_IMPORTANCE_LOW, 1, "3", "Records per poll");
    batch.has_min = 1;
    batch.min = 1;
    batch.has_max = 1;
    batch.max = 100;
    batch.group = "Tuning";
    batch.order_in_group = 1;
    batch.width = SLUICE_WIDTH_SHORT;
    batch.display_name = "Batch size";
    out.push_back(batch);
    auto mode = key("mode", SLUICE_CONFIG_STRING, SLUICE_IMPORTANCE_MEDIUM, 1, "fast", "How fast to poll");
    mode.valid_values = kModes;
    mode.valid_value_count = 2;
    mode.dependents = kDependents;
    mode.dependent_count = 1;
    out.push_back(mode);
    auto host =
        key("host", SLUICE_CONFIG_STRING, SLUICE_IMPORTANCE_MEDIUM, 1, "example.org", "Where to read from");
    host.validate = validate_not_localhost;
    out.push_back(host);
    out.push_back(key("secret", SLUICE_CONFIG_PASSWORD, SLUICE_IMPORTANCE_LOW, 1, nullptr, "A secret"));
    return out;
  }();
  return keys;
}

const std::vector<sluice_config_key>& transform_keys() {
  static const std::vector<sluice_config_key> keys = {key(
      "suffix", SLUICE_CONFIG_STRING, SLUICE_IMPORTANCE_MEDIUM, 1, "-good", "Appended to the topic name")};
  return keys;
}

const std::vector<sluice_config_key>& predicate_keys() {
  static const std::vector<sluice_config_key> keys = [] {
    auto prefix =
        key("prefix", SLUICE_CONFIG_STRING, SLUICE_IMPORTANCE_HIGH, 0, nullptr, "Topic prefix to match");
    prefix.non_empty_string = 1;
    return std::vector<sluice_config_key>{prefix};
  }();
  return keys;
}

const char* const kSourceAliases[] = {"GoodSource", "GoodSourceConnector"};
const char* const kSinkAliases[] = {"GoodSink", "GoodSinkConnector"};
const char* const kFlushingSinkAliases[] = {"FlushingSink"};
const char* const kConverterAliases[] = {"GoodConverter"};
const char* const kTransformAliases[] = {"GoodTransform"};
const char* const kPredicateAliases[] = {"GoodPredicate"};
const char* const kProviderAliases[] = {"good"};

sluice_component component(sluice_component_kind kind, const char* cls, const char* const* aliases,
                           size_t alias_count, const char* version,
                           const std::vector<sluice_config_key>* keys, const void* vtable) {
  sluice_component c{};
  c.struct_size = sizeof(sluice_component);
  c.kind = kind;
  c.class_name = cls;
  c.aliases = aliases;
  c.alias_count = alias_count;
  c.version = version;
  c.documentation = "Good fixture component";
  c.config_keys = keys != nullptr ? keys->data() : nullptr;
  c.config_key_count = keys != nullptr ? keys->size() : 0;
  c.vtable = vtable;
  return c;
}

sluice_status plugin_init(const sluice_host_api* host, sluice_error*) {
  log(host, nullptr, SLUICE_LOG_INFO, "good fixture initialised");
  return SLUICE_OK;
}

const sluice_plugin_descriptor* descriptor() {
  static const std::vector<sluice_component> components = {
      component(SLUICE_COMPONENT_SOURCE_CONNECTOR, "org.sluice.fixture.GoodSourceConnector", kSourceAliases,
                2, "2.1.0", &source_keys(), &kSourceConnector),
      component(SLUICE_COMPONENT_SINK_CONNECTOR, "org.sluice.fixture.GoodSinkConnector", kSinkAliases, 2,
                nullptr, nullptr, &kSinkConnector),
      component(SLUICE_COMPONENT_SINK_CONNECTOR, "org.sluice.fixture.FlushingSinkConnector",
                kFlushingSinkAliases, 1, nullptr, nullptr, &kFlushingSinkConnector),
      component(SLUICE_COMPONENT_CONVERTER, "org.sluice.fixture.GoodConverter", kConverterAliases, 1, nullptr,
                nullptr, &kConverter),
      component(SLUICE_COMPONENT_HEADER_CONVERTER, "org.sluice.fixture.GoodConverter", kConverterAliases, 1,
                nullptr, nullptr, &kHeaderConverter),
      component(SLUICE_COMPONENT_TRANSFORMATION, "org.sluice.fixture.GoodTransform", kTransformAliases, 1,
                nullptr, &transform_keys(), &kTransform),
      component(SLUICE_COMPONENT_PREDICATE, "org.sluice.fixture.GoodPredicate", kPredicateAliases, 1, nullptr,
                &predicate_keys(), &kPredicate),
      component(SLUICE_COMPONENT_CONFIG_PROVIDER, "org.sluice.fixture.GoodConfigProvider", kProviderAliases,
                1, nullptr, nullptr, &kProvider),
  };
  static const sluice_plugin_descriptor d = {SLUICE_ABI_MAGIC,
                                             sizeof(sluice_plugin_descriptor),
                                             SLUICE_ABI_VERSION_MAJOR,
                                             SLUICE_ABI_VERSION_MINOR,
                                             0,
                                             "good-fixture",
                                             "1.2.3",
                                             SLUICE_ABI_PLATFORM,
                                             components.data(),
                                             components.size(),
                                             plugin_init};
  return &d;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) const sluice_plugin_descriptor* sluice_plugin_v1(void) {
  return descriptor();
}
