// The FileStream plugin as the worker sees it: the built .so is loaded with dlopen, sluice_plugin_v1 gives
// the descriptor, and the components are driven through their vtables with a fake host API. The SDK is used
// here only to build and read ABI values conveniently.

#include <dlfcn.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sluice/plugin_abi.h"
#include "sluice/sdk/abi_data.hpp"

namespace fs = std::filesystem;
namespace sdk = sluice::sdk;
using sdk::Value;

namespace {

const std::string kPluginPath = std::string(SLUICE_PLUGIN_DIR) + "/file/libsluice_file.so";

// The plugin stays loaded for the whole test run, as plugins do in a worker.
const sluice_plugin_descriptor* plugin() {
  static const sluice_plugin_descriptor* descriptor = [] {
    void* handle = dlopen(kPluginPath.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      ADD_FAILURE() << "dlopen " << kPluginPath << ": " << dlerror();
      return static_cast<const sluice_plugin_descriptor*>(nullptr);
    }
    auto entry = reinterpret_cast<sluice_plugin_entry_fn>(dlsym(handle, SLUICE_PLUGIN_ENTRY_SYMBOL));
    if (entry == nullptr) {
      ADD_FAILURE() << "no " << SLUICE_PLUGIN_ENTRY_SYMBOL << " in " << kPluginPath;
      return static_cast<const sluice_plugin_descriptor*>(nullptr);
    }
    return entry();
  }();
  return descriptor;
}

const sluice_component* find_component(const char* class_name) {
  const sluice_plugin_descriptor* d = plugin();
  if (d == nullptr) return nullptr;
  for (std::size_t i = 0; i < d->component_count; ++i)
    if (std::string(d->components[i].class_name) == class_name) return &d->components[i];
  return nullptr;
}

const sluice_connector_vtable* source_vt() {
  auto* c = find_component("org.apache.kafka.connect.file.FileStreamSourceConnector");
  return c ? static_cast<const sluice_connector_vtable*>(c->vtable) : nullptr;
}
const sluice_connector_vtable* sink_vt() {
  auto* c = find_component("org.apache.kafka.connect.file.FileStreamSinkConnector");
  return c ? static_cast<const sluice_connector_vtable*>(c->vtable) : nullptr;
}

// ---- fake host ------------------------------------------------------------------------------------------

struct FakeHost {
  sluice_host_api api{};
  std::mutex mu;
  std::vector<std::pair<sluice_log_level, std::string>> logs;
  std::map<std::string, Value> offsets;  // stored source offsets by "filename"
  std::atomic<bool> stopping{false};

  FakeHost() {
    api.struct_size = sizeof(sluice_host_api);
    api.abi_major = SLUICE_ABI_VERSION_MAJOR;
    api.abi_minor = SLUICE_ABI_VERSION_MINOR;
    api.host_version = "fake";
    api.log_enabled = [](const sluice_context*, sluice_log_level) -> std::int32_t { return 1; };
    api.log = [](const sluice_context* ctx, sluice_log_level level, const char* msg, std::size_t size) {
      auto* h = self(ctx);
      std::lock_guard lock(h->mu);
      h->logs.emplace_back(level, std::string(msg, size));
    };
    api.is_stopping = [](const sluice_context* ctx) -> std::int32_t { return self(ctx)->stopping.load(); };
    api.offset_read = [](sluice_context* ctx, const sluice_value* partition, sluice_value_visit visit,
                         void* user) -> std::int32_t {
      auto* h = self(ctx);
      sdk::AbiReader reader;
      Value p = reader.value(*partition);
      const Value* name = p.find("filename");
      if (name == nullptr || name->kind() != Value::Kind::String) return 0;
      auto it = h->offsets.find(name->as_string());
      if (it == h->offsets.end()) return 0;
      sdk::Arena arena;
      sluice_value v = arena.value(it->second);
      visit(user, &v);
      return 1;
    };
  }
  sluice_context* ctx() { return reinterpret_cast<sluice_context*>(this); }
  static FakeHost* self(const sluice_context* ctx) {
    return reinterpret_cast<FakeHost*>(const_cast<sluice_context*>(ctx));
  }
  bool logged(sluice_log_level level, const std::string& text) {
    std::lock_guard lock(mu);
    for (const auto& [l, m] : logs)
      if (l == level && m == text) return true;
    return false;
  }
};

struct Err {
  sluice_error err{sizeof(sluice_error), &Err::set, nullptr};
  sluice_error_kind kind = -1;
  std::string cls, message, trace;
  static void set(sluice_error* e, sluice_error_kind kind, const char* cls, const char* msg,
                  const char* trace) {
    auto* self = reinterpret_cast<Err*>(e);
    self->kind = kind;
    self->cls = cls ? cls : "";
    self->message = msg ? msg : "";
    self->trace = trace ? trace : "";
  }
};

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "sluice-file-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

void write_file(const std::string& path, const std::string& data, bool append = false) {
  std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  out << data;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string text(const sluice_value& v) {
  return std::string(v.u.bytes.data, v.u.bytes.size);
}

const sluice_value* entry(const sluice_value& map, const std::string& key) {
  if (map.type != SLUICE_TYPE_MAP) return nullptr;
  for (std::size_t i = 0; i < map.u.map.count; ++i)
    if (map.u.map.keys[i].type == SLUICE_TYPE_STRING && text(map.u.map.keys[i]) == key)
      return &map.u.map.values[i];
  return nullptr;
}

// What a test wants to know about one polled record.
struct Line {
  std::string value;
  std::int64_t position = -1;
};

// A created and started source task, driven like a worker: poll, commit_record each record, release.
class SourceTask {
 public:
  SourceTask(FakeHost& host, const sdk::ConfigMap& config) : vt_(source_vt()->source_task) {
    self_ = vt_->create(&host.api, host.ctx(), &err.err);
    sdk::Arena arena;
    sluice_config cfg = arena.config(config);
    start_status = vt_->start(self_, &cfg, &err.err);
  }
  ~SourceTask() {
    vt_->stop(self_, &err.err);
    vt_->destroy(self_);
  }
  // One poll; checks every record's fixed parts.
  std::vector<Line> poll(const std::string& topic = "lines", const char* filename = nullptr) {
    sluice_record_batch batch{};
    EXPECT_EQ(vt_->poll(self_, &batch, &err.err), SLUICE_OK) << err.message;
    std::vector<Line> out;
    for (std::size_t i = 0; i < batch.count; ++i) {
      const sluice_record& r = batch.records[i];
      EXPECT_STREQ(r.topic, topic.c_str());
      EXPECT_EQ(r.partition, SLUICE_NO_PARTITION);
      EXPECT_EQ(r.key_schema, nullptr);
      EXPECT_EQ(r.key.type, SLUICE_TYPE_NULL);
      EXPECT_NE(r.value_schema, nullptr);
      if (r.value_schema) {
        EXPECT_EQ(r.value_schema->type, SLUICE_TYPE_STRING);
        EXPECT_EQ(r.value_schema->optional, 0);
        EXPECT_EQ(r.value_schema->name, nullptr);
      }
      EXPECT_EQ(r.value.type, SLUICE_TYPE_STRING);
      EXPECT_NE(r.timestamp, SLUICE_NO_TIMESTAMP);
      const sluice_value* file = entry(r.source_partition, "filename");
      EXPECT_NE(file, nullptr);
      if (file && filename) {
        EXPECT_EQ(text(*file), filename);
      }
      const sluice_value* pos = entry(r.source_offset, "position");
      EXPECT_NE(pos, nullptr);
      Line line{text(r.value), -1};
      if (pos && pos->type == SLUICE_TYPE_INT64) line.position = pos->u.i64;
      out.push_back(line);
      sluice_record_metadata md{sizeof(sluice_record_metadata), r.topic, 0, 0,
                                static_cast<std::int64_t>(i),   0};
      EXPECT_EQ(vt_->commit_record(self_, &r, &md, &err.err), SLUICE_OK);
    }
    if (batch.release) batch.release(&batch);
    return out;
  }
  // Polls until `count` lines arrived or 10 s passed.
  std::vector<Line> poll_lines(std::size_t count, const std::string& topic = "lines") {
    std::vector<Line> all;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (all.size() < count && std::chrono::steady_clock::now() < deadline) {
      for (auto& l : poll(topic)) all.push_back(l);
    }
    EXPECT_EQ(all.size(), count) << "timed out waiting for lines";
    return all;
  }
  void request_stop() { vt_->request_stop(self_); }

  sluice_status start_status = SLUICE_FATAL;
  Err err;

 private:
  const sluice_source_task_vtable* vt_;
  void* self_ = nullptr;
};

// ---- descriptor -----------------------------------------------------------------------------------------

TEST(FilePluginDescriptorTest, NamesVersionAndComponents) {
  const sluice_plugin_descriptor* d = plugin();
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->magic, SLUICE_ABI_MAGIC);
  EXPECT_EQ(d->struct_size, sizeof(sluice_plugin_descriptor));
  EXPECT_EQ(d->abi_major, SLUICE_ABI_VERSION_MAJOR);
  EXPECT_EQ(d->abi_minor, SLUICE_ABI_VERSION_MINOR);
  EXPECT_STREQ(d->name, "file");
  EXPECT_STREQ(d->version, "1.0.0");
  EXPECT_STREQ(d->platform, SLUICE_ABI_PLATFORM);
  ASSERT_EQ(d->component_count, 2u);

  const sluice_component& src = d->components[0];
  EXPECT_EQ(src.kind, SLUICE_COMPONENT_SOURCE_CONNECTOR);
  EXPECT_STREQ(src.class_name, "org.apache.kafka.connect.file.FileStreamSourceConnector");
  ASSERT_EQ(src.alias_count, 2u);
  EXPECT_STREQ(src.aliases[0], "FileStreamSource");
  EXPECT_STREQ(src.aliases[1], "FileStreamSourceConnector");
  auto* svt = static_cast<const sluice_connector_vtable*>(src.vtable);
  ASSERT_NE(svt->source_task, nullptr);
  EXPECT_EQ(svt->sink_task, nullptr);
  EXPECT_NE(svt->alter_offsets, nullptr);

  const sluice_component& snk = d->components[1];
  EXPECT_EQ(snk.kind, SLUICE_COMPONENT_SINK_CONNECTOR);
  EXPECT_STREQ(snk.class_name, "org.apache.kafka.connect.file.FileStreamSinkConnector");
  ASSERT_EQ(snk.alias_count, 2u);
  EXPECT_STREQ(snk.aliases[0], "FileStreamSink");
  EXPECT_STREQ(snk.aliases[1], "FileStreamSinkConnector");
  auto* kvt = static_cast<const sluice_connector_vtable*>(snk.vtable);
  EXPECT_EQ(kvt->source_task, nullptr);
  ASSERT_NE(kvt->sink_task, nullptr);
}

TEST(FilePluginDescriptorTest, SourceConfigTable) {
  const sluice_component* src = find_component("org.apache.kafka.connect.file.FileStreamSourceConnector");
  ASSERT_NE(src, nullptr);
  ASSERT_EQ(src->config_key_count, 3u);
  const sluice_config_key* k = src->config_keys;

  EXPECT_STREQ(k[0].name, "file");
  EXPECT_EQ(k[0].type, SLUICE_CONFIG_STRING);
  EXPECT_EQ(k[0].has_default, 1);
  EXPECT_EQ(k[0].default_value, nullptr) << "null default: stdin";
  EXPECT_EQ(k[0].importance, SLUICE_IMPORTANCE_HIGH);
  EXPECT_STREQ(k[0].documentation, "Source filename. If not specified, the standard input will be used");
  EXPECT_EQ(k[0].group, nullptr);
  EXPECT_EQ(k[0].order_in_group, -1);
  EXPECT_EQ(k[0].width, SLUICE_WIDTH_NONE);

  EXPECT_STREQ(k[1].name, "topic");
  EXPECT_EQ(k[1].type, SLUICE_CONFIG_STRING);
  EXPECT_EQ(k[1].has_default, 0);
  EXPECT_EQ(k[1].non_empty_string, 1);
  EXPECT_EQ(k[1].importance, SLUICE_IMPORTANCE_HIGH);
  EXPECT_STREQ(k[1].documentation, "The topic to publish data to");

  EXPECT_STREQ(k[2].name, "batch.size");
  EXPECT_EQ(k[2].type, SLUICE_CONFIG_INT);
  EXPECT_EQ(k[2].has_default, 1);
  EXPECT_STREQ(k[2].default_value, "2000");
  EXPECT_EQ(k[2].importance, SLUICE_IMPORTANCE_LOW);
}

TEST(FilePluginDescriptorTest, SinkConfigTable) {
  const sluice_component* snk = find_component("org.apache.kafka.connect.file.FileStreamSinkConnector");
  ASSERT_NE(snk, nullptr);
  ASSERT_EQ(snk->config_key_count, 1u);
  EXPECT_STREQ(snk->config_keys[0].name, "file");
  EXPECT_EQ(snk->config_keys[0].type, SLUICE_CONFIG_STRING);
  EXPECT_EQ(snk->config_keys[0].has_default, 1);
  EXPECT_EQ(snk->config_keys[0].default_value, nullptr);
  EXPECT_STREQ(snk->config_keys[0].documentation,
               "Destination filename. If not specified, the standard output will be used");
}

TEST(FilePluginDescriptorTest, OnlyTheEntrySymbolIsExported) {
  if (std::system("command -v nm > /dev/null 2>&1") != 0) GTEST_SKIP() << "nm is not installed";
  std::string cmd = "nm -D --defined-only '" + kPluginPath + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::set<std::string> names;
  char line[4096];
  while (std::fgets(line, sizeof line, p) != nullptr) {
    std::istringstream in(line);
    std::string address, kind, name;
    in >> address >> kind >> name;
    names.insert(name.empty() ? address : name);
  }
  ASSERT_EQ(pclose(p), 0);
  EXPECT_EQ(names, std::set<std::string>{"sluice_plugin_v1"});
}

// ---- source connector -------------------------------------------------------------------------------------

struct ConnectorInstance {
  const sluice_connector_vtable* vt;
  void* self;
  ConnectorInstance(const sluice_connector_vtable* v, FakeHost& host, Err& err)
      : vt(v), self(v->create(&host.api, host.ctx(), &err.err)) {}
  ~ConnectorInstance() { vt->destroy(self); }
};

std::vector<sdk::ConfigMap> task_configs(const ConnectorInstance& c, std::int32_t max, Err& err) {
  std::vector<sdk::ConfigMap> out;
  auto collect = [](void* user, const sluice_config* config) {
    static_cast<std::vector<sdk::ConfigMap>*>(user)->push_back(sdk::AbiReader::config(config));
  };
  EXPECT_EQ(c.vt->task_configs(c.self, max, collect, &out, &err.err), SLUICE_OK) << err.message;
  return out;
}

TEST(FileSourceConnectorTest, OneTaskWithTheConnectorConfig) {
  FakeHost host;
  Err err;
  ConnectorInstance c(source_vt(), host, err);
  sdk::ConfigMap config{{"file", "/tmp/in.txt"}, {"topic", "t"}, {"name", "local-file-source"}};
  sdk::Arena arena;
  sluice_config cfg = arena.config(config);
  ASSERT_EQ(c.vt->start(c.self, &cfg, &err.err), SLUICE_OK);
  EXPECT_TRUE(host.logged(SLUICE_LOG_INFO, "Starting file source connector reading from /tmp/in.txt"));
  auto configs = task_configs(c, 5, err);
  ASSERT_EQ(configs.size(), 1u);
  EXPECT_EQ(configs[0], config);
  EXPECT_EQ(c.vt->stop(c.self, &err.err), SLUICE_OK);
}

TEST(FileSourceConnectorTest, StdinWhenNoFile) {
  FakeHost host;
  Err err;
  ConnectorInstance c(source_vt(), host, err);
  sdk::Arena arena;
  sluice_config cfg = arena.config({{"topic", "t"}});
  ASSERT_EQ(c.vt->start(c.self, &cfg, &err.err), SLUICE_OK);
  EXPECT_TRUE(host.logged(SLUICE_LOG_INFO, "Starting file source connector reading from standard input"));
}

TEST(FileSourceConnectorTest, InvalidConfigFailsStart) {
  FakeHost host;
  Err err;
  ConnectorInstance c(source_vt(), host, err);
  sdk::Arena arena;
  sluice_config missing = arena.config({{"file", "/x"}});
  EXPECT_EQ(c.vt->start(c.self, &missing, &err.err), SLUICE_FATAL);
  EXPECT_EQ(err.kind, SLUICE_ERROR_CONFIG);
  EXPECT_EQ(err.cls, "org.apache.kafka.common.config.ConfigException");
  EXPECT_EQ(err.message, "Missing required configuration \"topic\" which has no default value.");

  sluice_config empty = arena.config({{"topic", ""}});
  EXPECT_EQ(c.vt->start(c.self, &empty, &err.err), SLUICE_FATAL);
  EXPECT_EQ(err.message, "Invalid value  for configuration topic: String must be non-empty");

  sluice_config bad_batch = arena.config({{"topic", "t"}, {"batch.size", "lots"}});
  EXPECT_EQ(c.vt->start(c.self, &bad_batch, &err.err), SLUICE_FATAL);
  EXPECT_EQ(err.message, "Invalid value lots for configuration batch.size: Not a number of type INT");
}

// Calls alter_offsets with (partition, offset) pairs; returns the status and fills handled / err.
sluice_status alter(const std::vector<std::pair<Value, Value>>& entries, const sdk::ConfigMap& config,
                    std::int32_t& handled, Err& err) {
  FakeHost host;
  ConnectorInstance c(source_vt(), host, err);
  sdk::Arena arena;
  std::vector<sluice_offset_entry> abi;
  for (const auto& [p, o] : entries) abi.push_back(sluice_offset_entry{arena.value(p), arena.value(o)});
  sluice_config cfg = arena.config(config);
  handled = -1;
  return c.vt->alter_offsets(c.self, &cfg, abi.data(), abi.size(), &handled, &err.err);
}

TEST(FileSourceConnectorTest, AlterOffsetsValidatesLikeKafka) {
  const sdk::ConfigMap config{{"file", "/data/in.txt"}, {"topic", "t"}};
  const Value partition = Value::string_map({{"filename", Value::string("/data/in.txt")}});
  std::int32_t handled = 0;
  Err err;

  EXPECT_EQ(alter({{partition, Value::string_map({{"position", Value::int64(12)}})}}, config, handled, err),
            SLUICE_OK);
  EXPECT_EQ(handled, 1);
  EXPECT_EQ(alter({}, config, handled, err), SLUICE_OK);
  EXPECT_EQ(handled, 1);
  EXPECT_EQ(alter({{Value::string_map({{"garbage", Value::int32(1)}}), Value()}}, config, handled, err),
            SLUICE_OK)
      << "tombstones are allowed for any partition";
  EXPECT_EQ(handled, 1);

  struct Case {
    std::vector<std::pair<Value, Value>> entries;
    const char* message;
  };
  const std::vector<Case> cases{
      {{{partition, Value::string_map({{"pos", Value::int64(1)}})}},
       "Offset objects should either be null or contain the key 'position'"},
      {{{partition, Value::string_map({{"position", Value::string("12")}})}},
       "The value for the 'position' key in the offset is expected to be a Long value"},
      {{{partition, Value::string_map({{"position", Value()}})}},
       "The value for the 'position' key in the offset is expected to be a Long value"},
      {{{partition, Value::string_map({{"position", Value::float64(1.5)}})}},
       "The value for the 'position' key in the offset is expected to be a Long value"},
      {{{partition, Value::string_map({{"position", Value::int64(-1)}})}},
       "The value for the 'position' key in the offset should be a non-negative value"},
      {{{Value::string_map({{"file", Value::string("/data/in.txt")}}),
         Value::string_map({{"position", Value::int64(3)}})}},
       "Partition objects should contain the key 'filename'"},
      {{{Value(), Value::string_map({{"position", Value::int64(3)}})}}, "Partition objects cannot be null"},
  };
  for (const auto& c : cases) {
    Err e;
    EXPECT_EQ(alter(c.entries, config, handled, e), SLUICE_FATAL) << c.message;
    EXPECT_EQ(e.kind, SLUICE_ERROR_CONNECT);
    EXPECT_EQ(e.cls, "org.apache.kafka.connect.errors.ConnectException");
    EXPECT_EQ(e.message, c.message);
  }

  Err stdin_err;
  EXPECT_EQ(alter({{partition, Value::string_map({{"position", Value::int64(1)}})}}, {{"topic", "t"}},
                  handled, stdin_err),
            SLUICE_FATAL);
  EXPECT_EQ(
      stdin_err.message,
      "Offsets cannot be modified if the 'file' configuration is unspecified. This is because stdin is used "
      "for input and offsets are not tracked.");
}

// ---- source task ------------------------------------------------------------------------------------------

TEST(FileSourceTaskTest, SplitsOnEveryLineTerminatorAndWaitsForPartialLines) {
  TempDir dir;
  const std::string path = dir.file("in.txt");
  write_file(path, "a\nbb\r\nc\rd\n\n\r\nlast");
  FakeHost host;
  SourceTask task(host, {{"file", path}, {"topic", "lines"}});
  ASSERT_EQ(task.start_status, SLUICE_OK) << task.err.message;

  std::vector<Line> lines = task.poll("lines", path.c_str());
  ASSERT_EQ(lines.size(), 6u);
  const std::vector<std::pair<std::string, std::int64_t>> expected{{"a", 2},  {"bb", 6}, {"c", 8},
                                                                   {"d", 10}, {"", 11},  {"", 13}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(lines[i].value, expected[i].first) << i;
    EXPECT_EQ(lines[i].position, expected[i].second) << i;
  }
  EXPECT_TRUE(task.poll().empty()) << "\"last\" has no terminator yet";

  write_file(path, "\r", true);
  EXPECT_TRUE(task.poll().empty()) << "a trailing \\r may still become \\r\\n";
  write_file(path, "\nnext\n", true);
  lines = task.poll_lines(2);
  EXPECT_EQ(lines[0].value, "last");
  EXPECT_EQ(lines[0].position, 19);
  EXPECT_EQ(lines[1].value, "next");
  EXPECT_EQ(lines[1].position, 24);
}

TEST(FileSourceTaskTest, BatchSizeLimitsEachPoll) {
  TempDir dir;
  const std::string path = dir.file("in.txt");
  write_file(path, "1\n2\n3\n4\n5\n");
  FakeHost host;
  SourceTask task(host, {{"file", path}, {"topic", "lines"}, {"batch.size", "2"}});
  ASSERT_EQ(task.start_status, SLUICE_OK);
  auto first = task.poll();
  auto second = task.poll();
  auto third = task.poll();
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 2u);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(first[1].value, "2");
  EXPECT_EQ(second[0].value, "3");
  EXPECT_EQ(third[0].value, "5");
  EXPECT_EQ(third[0].position, 10);
}

TEST(FileSourceTaskTest, ResumesFromTheStoredPosition) {
  TempDir dir;
  const std::string path = dir.file("in.txt");
  write_file(path, "ab\ncd\nef\n");
  FakeHost host;
  host.offsets[path] = Value::string_map({{"position", Value::int64(3)}});
  SourceTask task(host, {{"file", path}, {"topic", "lines"}});
  auto lines = task.poll_lines(2);
  EXPECT_EQ(lines[0].value, "cd");
  EXPECT_EQ(lines[0].position, 6);
  EXPECT_EQ(lines[1].value, "ef");
  EXPECT_EQ(lines[1].position, 9);
}

TEST(FileSourceTaskTest, StoredPositionOfTheWrongTypeFails) {
  TempDir dir;
  const std::string path = dir.file("in.txt");
  write_file(path, "x\n");
  FakeHost host;
  host.offsets[path] = Value::string_map({{"position", Value::string("3")}});
  auto* vt = source_vt()->source_task;
  Err err;
  void* self = vt->create(&host.api, host.ctx(), &err.err);
  sdk::Arena arena;
  sluice_config cfg = arena.config({{"file", path}, {"topic", "lines"}});
  ASSERT_EQ(vt->start(self, &cfg, &err.err), SLUICE_OK);
  sluice_record_batch batch{};
  EXPECT_EQ(vt->poll(self, &batch, &err.err), SLUICE_FATAL);
  EXPECT_EQ(err.cls, "org.apache.kafka.connect.errors.ConnectException");
  EXPECT_EQ(err.message, "Offset position is the incorrect type");
  EXPECT_EQ(batch.count, 0u);
  vt->destroy(self);
}

TEST(FileSourceTaskTest, WaitsForAFileThatDoesNotExistYet) {
  TempDir dir;
  const std::string path = dir.file("later.txt");
  FakeHost host;
  SourceTask task(host, {{"file", path}, {"topic", "lines"}});
  ASSERT_EQ(task.start_status, SLUICE_OK);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(task.poll().empty());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3))
      << "poll returns within ~1 s";
  EXPECT_TRUE(
      host.logged(SLUICE_LOG_WARN, "Couldn't find file " + path +
                                       " for FileStreamSourceTask, sleeping to wait for it to be created "
                                       "(No such file or directory)"));
  write_file(path, "hello\n");
  auto lines = task.poll_lines(1);
  EXPECT_EQ(lines[0].value, "hello");
  EXPECT_EQ(lines[0].position, 6);
}

TEST(FileSourceTaskTest, StopRequestEndsTheWaitAtOnce) {
  TempDir dir;
  const std::string path = dir.file("empty.txt");
  write_file(path, "");
  FakeHost host;
  SourceTask task(host, {{"file", path}, {"topic", "lines"}});
  ASSERT_TRUE(task.poll().empty());  // opens the file

  task.request_stop();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(task.poll().empty());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(500))
      << "a stopping task does not wait the usual second";
}

TEST(FileSourceTaskTest, StopRequestFromAnotherThreadWakesAWaitingPoll) {
  TempDir dir;
  const std::string path = dir.file("empty.txt");
  write_file(path, "");
  FakeHost host;
  SourceTask task(host, {{"file", path}, {"topic", "lines"}});
  ASSERT_TRUE(task.poll().empty());  // opens the file
  // Whether the request lands before or during the poll's one-second wait, the poll must end promptly.
  const auto started = std::chrono::steady_clock::now();
  std::thread poller([&] { EXPECT_TRUE(task.poll().empty()); });
  task.request_stop();
  poller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900));
}

TEST(FileSourceTaskTest, InvalidUtf8BecomesTheReplacementCharacter) {
  TempDir dir;
  const std::string path = dir.file("in.txt");
  write_file(path, "ok \xC3\xA9\nbad \xFF end\ncut \xE2\x82\n");
  FakeHost host;
  SourceTask task(host, {{"file", path}, {"topic", "lines"}});
  auto lines = task.poll_lines(3);
  EXPECT_EQ(lines[0].value, "ok \xC3\xA9");
  EXPECT_EQ(lines[1].value, "bad \xEF\xBF\xBD end");
  EXPECT_EQ(lines[2].value, "cut \xEF\xBF\xBD");
  EXPECT_EQ(lines[2].position, 23) << "positions count the file's bytes";
}

TEST(FileSourceTaskTest, InvalidUtf8AfterLongAsciiRunsIsReplacedToo) {
  // ASCII is skipped eight bytes at a time: bad and multi-byte sequences at every offset of a word still
  // count.
  TempDir dir;
  const std::string path = dir.file("in.txt");
  write_file(path, "0123456789abcdef\xFFtail\n0123456789a\xC3\xA9 and \xE2\x82\xAC\n0123456\xC3\n");
  FakeHost host;
  SourceTask task(host, {{"file", path}, {"topic", "lines"}});
  auto lines = task.poll_lines(3);
  EXPECT_EQ(lines[0].value, "0123456789abcdef\xEF\xBF\xBDtail");
  EXPECT_EQ(lines[1].value, "0123456789a\xC3\xA9 and \xE2\x82\xAC");
  EXPECT_EQ(lines[2].value, "0123456\xEF\xBF\xBD");
}

// ---- sink
// ---------------------------------------------------------------------------------------------------

class SinkTask {
 public:
  SinkTask(FakeHost& host, const sdk::ConfigMap& config) : vt_(sink_vt()->sink_task) {
    self_ = vt_->create(&host.api, host.ctx(), &err.err);
    sdk::Arena arena;
    sluice_config cfg = arena.config(config);
    start_status = vt_->start(self_, &cfg, &err.err);
  }
  ~SinkTask() { vt_->destroy(self_); }
  sluice_status put(const std::vector<sdk::SinkRecord>& records) {
    sdk::Arena arena;
    std::vector<sluice_record> abi(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) arena.fill(abi[i], records[i]);
    return vt_->put(self_, abi.data(), abi.size(), &err.err);
  }
  sluice_status commit() {
    sluice_topic_partition_offset current[] = {{"in", 0, 0, 10}};
    sluice_topic_partition_offset out[1]{};
    std::size_t n = 0;
    sluice_status s = vt_->pre_commit(self_, current, 1, out, &n, &err.err);
    EXPECT_EQ(n, 1u);
    return s;
  }
  sluice_status stop() { return vt_->stop(self_, &err.err); }

  sluice_status start_status = SLUICE_FATAL;
  Err err;

 private:
  const sluice_sink_task_vtable* vt_;
  void* self_ = nullptr;
};

sdk::SinkRecord record_of(sdk::Schema schema, Value value, std::int64_t offset = 0) {
  return sdk::SinkRecord{
      .topic = "in", .value_schema = std::move(schema), .value = std::move(value), .kafka_offset = offset};
}

TEST(FileSinkConnectorTest, IdenticalTaskConfigs) {
  FakeHost host;
  Err err;
  ConnectorInstance c(sink_vt(), host, err);
  sdk::Arena arena;
  // As Kafka's FileStreamSinkConnector: every task gets the connector's whole config.
  const sdk::ConfigMap config{
      {"connector.class", "FileStreamSink"}, {"file", "/tmp/out.txt"}, {"name", "sink"}, {"topics", "in"}};
  sluice_config cfg = arena.config(config);
  ASSERT_EQ(c.vt->start(c.self, &cfg, &err.err), SLUICE_OK);
  auto configs = task_configs(c, 3, err);
  ASSERT_EQ(configs.size(), 3u);
  for (const auto& m : configs) EXPECT_EQ(m, config);

  ConnectorInstance stdout_sink(sink_vt(), host, err);
  sluice_config none = arena.config({{"topics", "in"}});
  ASSERT_EQ(stdout_sink.vt->start(stdout_sink.self, &none, &err.err), SLUICE_OK);
  auto stdout_configs = task_configs(stdout_sink, 2, err);
  ASSERT_EQ(stdout_configs.size(), 2u);
  EXPECT_EQ(stdout_configs[0], (sdk::ConfigMap{{"topics", "in"}}));

  std::int32_t handled = 0;
  sluice_config alter_cfg = arena.config({});
  ASSERT_EQ(c.vt->alter_offsets(c.self, &alter_cfg, nullptr, 0, &handled, &err.err), SLUICE_OK);
  EXPECT_EQ(handled, 1);
}

TEST(FileSinkTaskTest, WritesJavaStringValueOfEachValue) {
  TempDir dir;
  const std::string path = dir.file("out.txt");
  write_file(path, "existing\n");
  FakeHost host;
  SinkTask task(host, {{"file", path}});
  ASSERT_EQ(task.start_status, SLUICE_OK) << task.err.message;

  sdk::Schema person = sdk::SchemaBuilder::structure()
                           .field("name", sdk::Schema::string())
                           .field("age", sdk::Schema::int32(true))
                           .field("nick", sdk::Schema::string(true))
                           .build();
  sdk::Struct ann(person);
  ann.put("name", Value::string("ann")).put("age", Value::int32(41));

  std::vector<sdk::SinkRecord> records{
      record_of({}, Value()),
      record_of(sdk::Schema::string(), Value::string("plain text")),
      record_of(sdk::Schema::string(), Value::string("")),
      record_of(sdk::Schema::int32(), Value::int32(42)),
      record_of({}, Value::int64(-7)),
      record_of({}, Value::float64(1.5)),
      record_of({}, Value::float64(1e10)),
      record_of({}, Value::float32(0.1f)),
      record_of({}, Value::boolean(true)),
      record_of({}, Value::map({{Value::string("a"), Value::int64(1)}})),
      record_of({}, Value::map({{Value::string("some_key"), Value::int64(0)},
                                {Value::string("another"), Value::string("x")}})),
      record_of({}, Value::array({Value::int64(1), Value::int64(2)})),
      record_of(person, Value::structure(ann)),
      record_of(sdk::logical::decimal(2).build(), Value::bytes(sdk::logical::decimal_bytes(-1234))),
      record_of(sdk::logical::timestamp().build(), Value::int64(0)),
      record_of(sdk::Schema::bytes(), Value::bytes("hi")),
  };
  ASSERT_EQ(task.put(records), SLUICE_OK) << task.err.message;
  ASSERT_EQ(task.commit(), SLUICE_OK);
  EXPECT_EQ(read_file(path),
            "existing\n"
            "null\n"
            "plain text\n"
            "\n"
            "42\n"
            "-7\n"
            "1.5\n"
            "1.0E10\n"
            "0.1\n"
            "true\n"
            "{a=1}\n"
            "{some_key=0, another=x}\n"
            "[1, 2]\n"
            "Struct{name=ann,age=41}\n"
            "-12.34\n"
            "Thu Jan 01 00:00:00 UTC 1970\n"
            "[B@10c2\n");
  ASSERT_EQ(task.stop(), SLUICE_OK);
}

TEST(FileSinkTaskTest, EachPutWritesOnlyItsOwnRecords) {
  TempDir dir;
  const std::string path = dir.file("out.txt");
  FakeHost host;
  SinkTask task(host, {{"file", path}});
  ASSERT_EQ(task.start_status, SLUICE_OK) << task.err.message;
  ASSERT_EQ(
      task.put({record_of(sdk::Schema::string(), Value::string("first")), record_of({}, Value::int32(1))}),
      SLUICE_OK);
  ASSERT_EQ(task.put({}), SLUICE_OK);
  ASSERT_EQ(task.put({record_of(sdk::Schema::string(), Value::string("second"))}), SLUICE_OK);
  EXPECT_EQ(read_file(path), "first\n1\nsecond\n");
}

TEST(FileSinkTaskTest, AppendsAcrossTasks) {
  TempDir dir;
  const std::string path = dir.file("out.txt");
  FakeHost host;
  {
    SinkTask first(host, {{"file", path}});
    ASSERT_EQ(first.put({record_of({}, Value::string("one"))}), SLUICE_OK);
    first.stop();
  }
  {
    SinkTask second(host, {{"file", " " + path + " "}});  // the value is trimmed, as Kafka parses it
    ASSERT_EQ(second.start_status, SLUICE_OK) << second.err.message;
    ASSERT_EQ(second.put({record_of({}, Value::string("two")), record_of({}, Value::string("three"))}),
              SLUICE_OK);
    second.stop();
  }
  EXPECT_EQ(read_file(path), "one\ntwo\nthree\n");
}

TEST(FileSinkTaskTest, UnwritableFileFailsStart) {
  TempDir dir;
  const std::string path = dir.file("missing-dir/out.txt");
  FakeHost host;
  SinkTask task(host, {{"file", path}});
  EXPECT_EQ(task.start_status, SLUICE_FATAL);
  EXPECT_EQ(task.err.kind, SLUICE_ERROR_CONNECT);
  EXPECT_EQ(task.err.message, "Couldn't find or create file '" + path + "' for FileStreamSinkTask");
  EXPECT_EQ(task.err.trace,
            "org.apache.kafka.connect.errors.ConnectException: Couldn't find or create file '" + path +
                "' for FileStreamSinkTask\nCaused by: std::system_error: open " + path +
                ": No such file or directory");
}

// ---- round trip
// ----------------------------------------------------------------------------------------------

TEST(FileRoundTripTest, SourceToSinkIsByteForByte) {
  TempDir dir;
  const std::string in = dir.file("in.txt");
  const std::string out = dir.file("out.txt");
  std::string content;
  for (int i = 0; i < 3000; ++i) {
    content += "line " + std::to_string(i) + (i % 7 == 0 ? " \xE2\x82\xAC uro" : "") + "\n";
    if (i % 100 == 0) content += "\n";
  }
  content += std::string(100000, 'x') + "\n";  // longer than one read
  content += "null\n{a=1}\n\tspaces  \n";
  write_file(in, content);
  std::size_t expected_lines = 0;
  for (char c : content) expected_lines += c == '\n';

  FakeHost host;
  SourceTask source(host, {{"file", in}, {"topic", "lines"}, {"batch.size", "500"}});
  SinkTask sink(host, {{"file", out}});
  ASSERT_EQ(sink.start_status, SLUICE_OK);
  std::size_t total = 0;
  std::int64_t last_position = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (total < expected_lines && std::chrono::steady_clock::now() < deadline) {
    std::vector<sdk::SinkRecord> batch;
    for (const auto& line : source.poll()) {
      EXPECT_LE(line.value.size(), 100000u);
      batch.push_back(
          record_of(sdk::Schema::string(), Value::string(line.value), static_cast<std::int64_t>(total)));
      last_position = line.position;
      ++total;
    }
    ASSERT_EQ(sink.put(batch), SLUICE_OK);
  }
  ASSERT_EQ(sink.commit(), SLUICE_OK);
  EXPECT_EQ(total, expected_lines);
  EXPECT_EQ(last_position, static_cast<std::int64_t>(content.size()));
  EXPECT_TRUE(read_file(out) == content) << "output differs from input";
}

}  // namespace
