// A tiny plugin compiled into this test binary with SLUICE_PLUGIN, then driven through the descriptor and
// vtables exactly as a host would, with a fake host API.

#include "sluice/sdk/plugin.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sdk = sluice::sdk;
using sdk::Schema;
using sdk::Value;

namespace test_plugin {

std::atomic<int> init_calls{0};
std::atomic<int> live_source_tasks{0};

void init_hook(const sluice_host_api* host) {
  ++init_calls;
  if (host != nullptr && host->host_version != nullptr && std::string(host->host_version) == "bad")
    throw sdk::ConfigError("this host is not supported");
}

class SourceConn final : public sdk::SourceConnector {
 public:
  static sdk::ConfigDef config_def() {
    using CD = sdk::ConfigDef;
    return CD()
        .define("topic", CD::Type::String, CD::no_default, CD::non_empty_string(), CD::Importance::High,
                "Topic")
        .define("count", CD::Type::Int, 2, CD::at_least(0), CD::Importance::Low, "Records per poll");
  }
  void start(const sdk::ConfigMap& config) override {
    sdk::Config parsed(config_def(), config);
    topic_ = *parsed.get_string("topic");
    log().info("starting with topic {}", topic_);
  }
  std::vector<sdk::ConfigMap> task_configs(std::int32_t) override {
    return {{{"topic", topic_}, {"task", "0"}},
            {{"topic", topic_}, {"task", "1"}},
            {{"topic", topic_}, {"task", "2"}}};
  }
  void stop() override { context().request_task_reconfiguration(); }
  std::vector<sdk::ValidationIssue> validate(const sdk::ConfigMap& config) override {
    if (config.count("bad")) return {{"bad", "bad must not be set"}, {"topic", "also wrong"}};
    return {};
  }
  bool alter_offsets(const sdk::ConfigMap& config, const std::vector<sdk::OffsetEntry>& offsets) override {
    if (config.count("refuse")) throw sdk::ConnectError("refusing to alter offsets");
    seen_offsets = offsets;
    return !offsets.empty();
  }
  std::vector<sdk::OffsetEntry> seen_offsets;

 private:
  std::string topic_;
};

class SourceTaskImpl final : public sdk::SourceTask {
 public:
  SourceTaskImpl() { ++live_source_tasks; }
  ~SourceTaskImpl() override { --live_source_tasks; }

  void start(const sdk::ConfigMap& config) override {
    topic_ = config.at("topic");
    mode_ = config.count("mode") ? config.at("mode") : "";
    count_ = config.count("count") ? std::stoi(config.at("count")) : 2;
    stored_ = context().offset(Value::string_map({{"p", Value::string("x")}}));
  }
  std::vector<sdk::SourceRecord> poll() override {
    if (mode_ == "retriable") throw sdk::RetriableError("upstream busy");
    if (mode_ == "wait") {
      waiting = true;
      wait_for_stop(std::chrono::seconds(30));
      return {};
    }
    std::vector<sdk::SourceRecord> out;
    for (int i = 0; i < count_; ++i) {
      sdk::SourceRecord r{
          .source_partition = Value::string_map({{"p", Value::string("x")}}),
          .source_offset = Value::string_map({{"n", Value::int64(next_)}}),
          .topic = topic_,
          .key_schema = Schema::string(),
          .key = Value::string("k" + std::to_string(next_)),
          .value_schema = schema_,
          .value = Value::string(std::string(40, 'v') + std::to_string(next_)),
          .timestamp = 1000 + next_,
      };
      r.headers.add("h", Value::int32(static_cast<std::int32_t>(next_)), Schema::int32());
      out.push_back(std::move(r));
      ++next_;
    }
    return out;
  }
  void commit() override { ++commits; }
  void commit_record(const sdk::SourceRecord& record, const std::optional<sdk::RecordMetadata>& md) override {
    std::lock_guard lock(mu);
    committed.push_back({&record, record.value.as_string(), md});
  }
  void stop() override { stopped = true; }
  void on_stop_requested() override { ++stop_requests; }

  struct Committed {
    const sdk::SourceRecord* address;
    std::string value;
    std::optional<sdk::RecordMetadata> metadata;
  };
  std::mutex mu;
  std::vector<Committed> committed;
  std::atomic<int> commits{0};
  std::atomic<int> stop_requests{0};
  std::atomic<bool> waiting{false};
  bool stopped = false;
  std::optional<Value> stored_;

 private:
  std::string topic_;
  std::string mode_;
  int count_ = 2;
  std::int64_t next_ = 0;
  Schema schema_ = Schema::string();
};

class SinkConn final : public sdk::SinkConnector {
 public:
  static std::string version() { return "3.1.4"; }
  void start(const sdk::ConfigMap&) override {}
  std::vector<sdk::ConfigMap> task_configs(std::int32_t max) override {
    return std::vector<sdk::ConfigMap>(static_cast<std::size_t>(max), sdk::ConfigMap{{"k", "v"}});
  }
  void stop() override {}
  bool alter_offsets(const sdk::ConfigMap&,
                     const std::map<sdk::TopicPartition, std::optional<std::int64_t>>& offsets) override {
    seen = offsets;
    return true;
  }
  std::map<sdk::TopicPartition, std::optional<std::int64_t>> seen;
};

class SinkTaskImpl final : public sdk::SinkTask {
 public:
  void start(const sdk::ConfigMap&) override {}
  void open(const std::vector<sdk::TopicPartition>& p) override { opened = p; }
  void close(const std::vector<sdk::TopicPartition>& p) override { closed = p; }
  void put(std::vector<sdk::SinkRecord> records) override {
    for (auto& r : records) {
      if (r.value == Value::string("fail")) throw sdk::RetriableError("cannot write now");
      if (r.value == Value::string("errant")) context().report_errant(r, sdk::DataError("unwritable"));
    }
    for (auto& r : records) received.push_back(std::move(r));
    context().request_commit();
  }
  void flush(const sdk::OffsetMap& current) override { flushed.push_back(current); }
  void stop() override {}

  std::vector<sdk::SinkRecord> received;
  std::vector<sdk::OffsetMap> flushed;
  std::vector<sdk::TopicPartition> opened, closed;
};

// Reports only part of what it was given, plus a partition that is not assigned.
class PartialCommitSinkTask final : public sdk::SinkTask {
 public:
  void start(const sdk::ConfigMap&) override {}
  void put(std::vector<sdk::SinkRecord>) override {}
  sdk::OffsetMap pre_commit(const sdk::OffsetMap& current) override {
    sdk::OffsetMap out;
    out[current.begin()->first] = current.begin()->second - 1;
    out[sdk::TopicPartition{"elsewhere", 9}] = 5;
    return out;
  }
  void stop() override {}
};

class SinkConn2 final : public sdk::SinkConnector {
 public:
  void start(const sdk::ConfigMap&) override {}
  std::vector<sdk::ConfigMap> task_configs(std::int32_t) override { return {{}}; }
  void stop() override {}
};

class UpperConverter final : public sdk::Converter {
 public:
  static sdk::ConfigDef config_def() {
    return sdk::ConfigDef().define("suffix", sdk::ConfigDef::Type::String, "",
                                   sdk::ConfigDef::Importance::Low, "Suffix");
  }
  void configure(const sdk::ConfigMap& config, bool is_key) override {
    suffix_ = config.count("suffix") ? config.at("suffix") : "";
    is_key_ = is_key;
  }
  std::optional<std::string> from_connect(std::string_view, const sdk::Headers& headers, const Schema&,
                                          const Value& value) override {
    if (value.is_null()) return std::nullopt;
    return value.as_string() + suffix_ + (is_key_ ? "K" : "") + std::to_string(headers.size());
  }
  sdk::SchemaAndValue to_connect(std::string_view topic, const sdk::Headers&,
                                 std::optional<std::string_view> data) override {
    if (!data) return {};
    if (*data == "boom") throw sdk::DataError("Converting byte[] to Kafka Connect data failed");
    return {Schema::string(true), Value::string(std::string(topic) + ":" + std::string(*data))};
  }

 private:
  std::string suffix_;
  bool is_key_ = false;
};

class EchoHeaderConverter final : public sdk::HeaderConverter {
 public:
  std::optional<std::string> from_connect(std::string_view, std::string_view key, const Schema&,
                                          const Value& value) override {
    return std::string(key) + "=" + value.as_string();
  }
  sdk::SchemaAndValue to_connect(std::string_view, std::string_view,
                                 std::optional<std::string_view> data) override {
    return {Schema::bytes(), data ? Value::bytes(std::string(*data)) : Value()};
  }
};

class UpperTransform final : public sdk::Transformation {
 public:
  std::optional<sdk::Record> apply(sdk::Record record) override {
    if (record.value == Value::string("drop")) return std::nullopt;
    std::string v = record.value.as_string();
    for (auto& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    record.value = Value::string(v);
    record.topic += "-out";
    return record;
  }
};

class TopicPredicate final : public sdk::Predicate {
 public:
  bool test(const sdk::Record& record) override { return record.topic == "match"; }
};

class MapProvider final : public sdk::ConfigProvider {
 public:
  sdk::ConfigData get(std::string_view path, const std::vector<std::string>& keys) override {
    if (path == "missing") throw sdk::ConfigError("no such path: missing");
    sdk::ConfigData d;
    d.data["path"] = std::string(path);
    d.data["keys"] = std::to_string(keys.size());
    d.data["nothing"] = std::nullopt;
    d.ttl_ms = 5000;
    return d;
  }
};

}  // namespace test_plugin

SLUICE_PLUGIN_WITH_INIT(
    "test", "9.9.9", &test_plugin::init_hook,
    sluice::sdk::source_connector<test_plugin::SourceConn, test_plugin::SourceTaskImpl>(
        "org.example.TestSourceConnector", {"TestSource", "TestSourceConnector"}, {.version = "2.0.0"}),
    sluice::sdk::sink_connector<test_plugin::SinkConn, test_plugin::SinkTaskImpl>(
        "org.example.TestSinkConnector"),
    sluice::sdk::sink_connector<test_plugin::SinkConn2, test_plugin::PartialCommitSinkTask>(
        "org.example.Partial"),
    sluice::sdk::converter<test_plugin::UpperConverter>("org.example.UpperConverter", {"Upper"},
                                                        {.documentation = "Upper-cases"}),
    sluice::sdk::header_converter<test_plugin::EchoHeaderConverter>("org.example.EchoHeaderConverter"),
    sluice::sdk::transformation<test_plugin::UpperTransform>("org.example.Upper$Value"),
    sluice::sdk::predicate<test_plugin::TopicPredicate>("org.example.TopicIs"),
    sluice::sdk::config_provider<test_plugin::MapProvider>("org.example.MapProvider", {"map"}))

namespace {

// ---- a fake host ----------------------------------------------------------------------------------------

struct FakeHost {
  sluice_host_api api{};
  std::mutex mu;
  std::vector<std::pair<sluice_log_level, std::string>> logs;
  std::optional<Value> stored_offset;
  Value offset_query;
  std::atomic<bool> stopping{false};
  int reconfigurations = 0;
  int commit_requests = 0;
  std::vector<std::string> errant;
  sluice_status errant_result = SLUICE_OK;

  FakeHost() {
    api.struct_size = sizeof(sluice_host_api);
    api.abi_major = SLUICE_ABI_VERSION_MAJOR;
    api.abi_minor = SLUICE_ABI_VERSION_MINOR;
    api.host_version = "test-host";
    api.log_enabled = [](const sluice_context*, sluice_log_level level) -> std::int32_t {
      return level >= SLUICE_LOG_DEBUG;
    };
    api.log = [](const sluice_context* ctx, sluice_log_level level, const char* msg, std::size_t size) {
      auto* h = self(ctx);
      std::lock_guard lock(h->mu);
      h->logs.emplace_back(level, std::string(msg, size));
    };
    api.is_stopping = [](const sluice_context* ctx) -> std::int32_t { return self(ctx)->stopping.load(); };
    api.request_task_reconfiguration = [](sluice_context* ctx) { ++self(ctx)->reconfigurations; };
    api.offset_read = [](sluice_context* ctx, const sluice_value* partition, sluice_value_visit visit,
                         void* user) -> std::int32_t {
      auto* h = self(ctx);
      sdk::AbiReader reader;
      h->offset_query = reader.value(*partition);
      if (!h->stored_offset) return 0;
      sdk::Arena arena;
      sluice_value v = arena.value(*h->stored_offset);
      visit(user, &v);
      return 1;
    };
    api.sink_request_commit = [](sluice_context* ctx) { ++self(ctx)->commit_requests; };
    api.errant_record_report = [](sluice_context* ctx, const sluice_record* record, const char* error_class,
                                  const char* message) -> sluice_status {
      auto* h = self(ctx);
      h->errant.push_back(std::string(record->topic) + "/" + std::to_string(record->kafka_offset) + " " +
                          error_class + ": " + message);
      return h->errant_result;
    };
  }
  sluice_context* ctx() { return reinterpret_cast<sluice_context*>(this); }
  static FakeHost* self(const sluice_context* ctx) {
    return reinterpret_cast<FakeHost*>(const_cast<sluice_context*>(ctx));
  }
  bool logged(const std::string& text) {
    std::lock_guard lock(mu);
    for (auto& [l, m] : logs)
      if (m == text) return true;
    return false;
  }
};

struct Err {
  sluice_error err{sizeof(sluice_error), &Err::set, nullptr};
  int calls = 0;
  sluice_error_kind kind = -1;
  std::string cls, message, trace;
  static void set(sluice_error* e, sluice_error_kind kind, const char* cls, const char* msg,
                  const char* trace) {
    auto* self = reinterpret_cast<Err*>(e);
    ++self->calls;
    self->kind = kind;
    self->cls = cls ? cls : "";
    self->message = msg ? msg : "";
    self->trace = trace ? trace : "";
  }
};

const sluice_plugin_descriptor* descriptor() {
  return sluice_plugin_v1();
}

const sluice_component& component(std::size_t i) {
  return descriptor()->components[i];
}

template <class V>
const V* vtable(std::size_t i) {
  return static_cast<const V*>(component(i).vtable);
}

sluice_config config_of(sdk::Arena& arena, const sdk::ConfigMap& m) {
  return arena.config(m);
}

// ---- descriptor -------------------------------------------------------------------------------------------

TEST(DescriptorTest, HeaderFields) {
  const sluice_plugin_descriptor* d = descriptor();
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d, sluice_plugin_v1()) << "one static descriptor";
  EXPECT_EQ(d->magic, SLUICE_ABI_MAGIC);
  EXPECT_EQ(d->struct_size, sizeof(sluice_plugin_descriptor));
  EXPECT_EQ(d->abi_major, SLUICE_ABI_VERSION_MAJOR);
  EXPECT_EQ(d->abi_minor, SLUICE_ABI_VERSION_MINOR);
  EXPECT_STREQ(d->name, "test");
  EXPECT_STREQ(d->version, "9.9.9");
  EXPECT_STREQ(d->platform, SLUICE_ABI_PLATFORM);
  EXPECT_EQ(d->component_count, 8u);
  ASSERT_NE(d->init, nullptr);
}

TEST(DescriptorTest, Components) {
  const sluice_component_kind kinds[] = {SLUICE_COMPONENT_SOURCE_CONNECTOR, SLUICE_COMPONENT_SINK_CONNECTOR,
                                         SLUICE_COMPONENT_SINK_CONNECTOR,   SLUICE_COMPONENT_CONVERTER,
                                         SLUICE_COMPONENT_HEADER_CONVERTER, SLUICE_COMPONENT_TRANSFORMATION,
                                         SLUICE_COMPONENT_PREDICATE,        SLUICE_COMPONENT_CONFIG_PROVIDER};
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(component(i).struct_size, sizeof(sluice_component));
    EXPECT_EQ(component(i).kind, kinds[i]) << i;
    ASSERT_NE(component(i).vtable, nullptr);
  }
  const sluice_component& src = component(0);
  EXPECT_STREQ(src.class_name, "org.example.TestSourceConnector");
  ASSERT_EQ(src.alias_count, 2u);
  EXPECT_STREQ(src.aliases[0], "TestSource");
  EXPECT_STREQ(src.aliases[1], "TestSourceConnector");
  EXPECT_STREQ(src.version, "2.0.0");
  ASSERT_EQ(src.config_key_count, 2u);
  EXPECT_STREQ(src.config_keys[0].name, "topic");
  EXPECT_EQ(src.config_keys[0].has_default, 0);
  EXPECT_STREQ(src.config_keys[1].default_value, "2");

  EXPECT_STREQ(component(1).class_name, "org.example.TestSinkConnector");
  EXPECT_EQ(component(1).alias_count, 0u);
  EXPECT_STREQ(component(1).version, "3.1.4") << "from the class's static version()";
  EXPECT_EQ(component(2).version, nullptr) << "the plugin's version";
  EXPECT_EQ(component(1).config_key_count, 0u);
  EXPECT_STREQ(component(3).documentation, "Upper-cases");
  EXPECT_EQ(component(3).config_key_count, 1u);
  EXPECT_STREQ(component(5).class_name, "org.example.Upper$Value");

  auto* conn = vtable<sluice_connector_vtable>(0);
  EXPECT_EQ(conn->struct_size, sizeof(sluice_connector_vtable));
  ASSERT_NE(conn->source_task, nullptr);
  EXPECT_EQ(conn->sink_task, nullptr);
  EXPECT_EQ(conn->source_task->struct_size, sizeof(sluice_source_task_vtable));
  auto* sink = vtable<sluice_connector_vtable>(1);
  EXPECT_EQ(sink->source_task, nullptr);
  ASSERT_NE(sink->sink_task, nullptr);
  EXPECT_NE(sink->sink_task->pre_commit, nullptr);
}

TEST(DescriptorTest, InitHookRunsAndReportsFailures) {
  FakeHost host;
  Err err;
  int before = test_plugin::init_calls;
  EXPECT_EQ(descriptor()->init(&host.api, &err.err), SLUICE_OK);
  EXPECT_EQ(test_plugin::init_calls, before + 1);
  host.api.host_version = "bad";
  EXPECT_EQ(descriptor()->init(&host.api, &err.err), SLUICE_FATAL);
  EXPECT_EQ(err.kind, SLUICE_ERROR_CONFIG);
  EXPECT_EQ(err.message, "this host is not supported");
}

// ---- connectors -------------------------------------------------------------------------------------------

struct Instance {
  const sluice_connector_vtable* vt;
  void* self;
  ~Instance() { vt->destroy(self); }
};

TEST(ConnectorTest, StartTaskConfigsValidateStop) {
  FakeHost host;
  Err err;
  auto* vt = vtable<sluice_connector_vtable>(0);
  Instance c{vt, vt->create(&host.api, host.ctx(), &err.err)};
  ASSERT_NE(c.self, nullptr);

  sdk::Arena arena;
  sluice_config cfg = config_of(arena, {{"topic", "out"}});
  ASSERT_EQ(vt->start(c.self, &cfg, &err.err), SLUICE_OK);
  EXPECT_TRUE(host.logged("starting with topic out"));

  std::vector<sdk::ConfigMap> emitted;
  auto collect = [](void* user, const sluice_config* config) {
    static_cast<std::vector<sdk::ConfigMap>*>(user)->push_back(sdk::AbiReader::config(config));
  };
  ASSERT_EQ(vt->task_configs(c.self, 2, collect, &emitted, &err.err), SLUICE_OK);
  ASSERT_EQ(emitted.size(), 3u) << "every config reaches the host, which enforces tasks.max";
  EXPECT_EQ(emitted[1], (sdk::ConfigMap{{"topic", "out"}, {"task", "1"}}));

  std::vector<std::pair<std::string, std::string>> issues;
  auto on_issue = [](void* user, const char* key, const char* message) {
    static_cast<std::vector<std::pair<std::string, std::string>>*>(user)->emplace_back(key, message);
  };
  sluice_config bad = config_of(arena, {{"bad", "1"}});
  ASSERT_EQ(vt->validate(c.self, &bad, on_issue, &issues, &err.err), SLUICE_OK);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0], (std::pair<std::string, std::string>{"bad", "bad must not be set"}));

  ASSERT_EQ(vt->stop(c.self, &err.err), SLUICE_OK);
  EXPECT_EQ(host.reconfigurations, 1);
  EXPECT_EQ(err.calls, 0);
}

TEST(ConnectorTest, StartFailureBecomesConfigError) {
  FakeHost host;
  Err err;
  auto* vt = vtable<sluice_connector_vtable>(0);
  Instance c{vt, vt->create(&host.api, host.ctx(), &err.err)};
  sdk::Arena arena;
  sluice_config cfg = config_of(arena, {{"topic", "t"}, {"count", "-1"}});
  EXPECT_EQ(vt->start(c.self, &cfg, &err.err), SLUICE_FATAL);
  EXPECT_EQ(err.kind, SLUICE_ERROR_CONFIG);
  EXPECT_EQ(err.cls, "org.apache.kafka.common.config.ConfigException");
  EXPECT_EQ(err.message, "Invalid value -1 for configuration count: Value must be at least 0");
}

TEST(ConnectorTest, SourceAlterOffsets) {
  FakeHost host;
  Err err;
  auto* vt = vtable<sluice_connector_vtable>(0);
  Instance c{vt, vt->create(&host.api, host.ctx(), &err.err)};
  sdk::Arena arena;
  sluice_offset_entry entries[2];
  entries[0].partition = arena.value(Value::string_map({{"p", Value::string("a")}}));
  entries[0].offset = arena.value(Value::string_map({{"n", Value::int64(4)}}));
  entries[1].partition = arena.value(Value::string_map({{"p", Value::string("b")}}));
  entries[1].offset = sluice_value{};
  sluice_config cfg = config_of(arena, {});
  std::int32_t handled = -1;
  ASSERT_EQ(vt->alter_offsets(c.self, &cfg, entries, 2, &handled, &err.err), SLUICE_OK);
  EXPECT_EQ(handled, 1);
  auto* conn = static_cast<test_plugin::SourceConn*>(c.self);
  ASSERT_EQ(conn->seen_offsets.size(), 2u);
  EXPECT_EQ(*conn->seen_offsets[0].offset.find("n"), Value::int64(4));
  EXPECT_TRUE(conn->seen_offsets[1].offset.is_null());

  sluice_config refuse = config_of(arena, {{"refuse", "1"}});
  EXPECT_EQ(vt->alter_offsets(c.self, &refuse, entries, 2, &handled, &err.err), SLUICE_FATAL);
  EXPECT_EQ(err.message, "refusing to alter offsets");
}

TEST(ConnectorTest, SinkAlterOffsetsReadsKafkaPartitions) {
  FakeHost host;
  Err err;
  auto* vt = vtable<sluice_connector_vtable>(1);
  Instance c{vt, vt->create(&host.api, host.ctx(), &err.err)};
  sdk::Arena arena;
  sluice_offset_entry entries[2];
  entries[0].partition = arena.value(
      Value::string_map({{"kafka_topic", Value::string("t")}, {"kafka_partition", Value::int64(1)}}));
  entries[0].offset = arena.value(Value::string_map({{"kafka_offset", Value::string("15")}}));
  entries[1].partition = arena.value(
      Value::string_map({{"kafka_topic", Value::string("t")}, {"kafka_partition", Value::int32(0)}}));
  entries[1].offset = sluice_value{};
  sluice_config cfg = config_of(arena, {});
  std::int32_t handled = 0;
  ASSERT_EQ(vt->alter_offsets(c.self, &cfg, entries, 2, &handled, &err.err), SLUICE_OK) << err.message;
  EXPECT_EQ(handled, 1);
  auto& seen = static_cast<test_plugin::SinkConn*>(c.self)->seen;
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen.at(sdk::TopicPartition{"t", 1}), 15);
  EXPECT_EQ(seen.at(sdk::TopicPartition{"t", 0}), std::nullopt);
}

// ---- source tasks
// ------------------------------------------------------------------------------------------

struct SourceTaskFixture : ::testing::Test {
  FakeHost host;
  Err err;
  const sluice_source_task_vtable* vt = vtable<sluice_connector_vtable>(0)->source_task;
  void* self = nullptr;
  sdk::Arena arena;

  void create(const sdk::ConfigMap& config) {
    self = vt->create(&host.api, host.ctx(), &err.err);
    ASSERT_NE(self, nullptr);
    sluice_config cfg = arena.config(config);
    ASSERT_EQ(vt->start(self, &cfg, &err.err), SLUICE_OK) << err.message;
  }
  test_plugin::SourceTaskImpl& task() { return *static_cast<test_plugin::SourceTaskImpl*>(self); }
  void TearDown() override {
    if (self) vt->destroy(self);
  }
};

TEST_F(SourceTaskFixture, PollHandsOutRecordsUntilRelease) {
  host.stored_offset = Value::string_map({{"n", Value::int64(7)}});
  create({{"topic", "out"}, {"count", "3"}});
  EXPECT_EQ(task().stored_, host.stored_offset) << "context().offset reads through host->offset_read";
  EXPECT_EQ(host.offset_query, Value::string_map({{"p", Value::string("x")}}));

  sluice_record_batch batch{};
  ASSERT_EQ(vt->poll(self, &batch, &err.err), SLUICE_OK);
  EXPECT_EQ(batch.struct_size, sizeof(sluice_record_batch));
  EXPECT_EQ(batch.flags, 0u) << "the task overrides commit_record: the host keeps the batch until it ran";
  ASSERT_EQ(batch.count, 3u);
  ASSERT_NE(batch.release, nullptr);
  const sluice_record& r = batch.records[2];
  EXPECT_STREQ(r.topic, "out");
  EXPECT_EQ(r.partition, SLUICE_NO_PARTITION);
  EXPECT_EQ(r.value.type, SLUICE_TYPE_STRING);
  EXPECT_EQ(std::string(r.value.u.bytes.data, r.value.u.bytes.size), std::string(40, 'v') + "2");
  EXPECT_EQ(r.value_schema->type, SLUICE_TYPE_STRING);
  EXPECT_EQ(r.value_schema, batch.records[0].value_schema) << "one C schema per batch for a shared schema";
  EXPECT_EQ(r.timestamp, 1002);
  ASSERT_EQ(r.header_count, 1u);
  EXPECT_STREQ(r.headers[0].key, "h");
  EXPECT_EQ(r.source_offset.type, SLUICE_TYPE_MAP);
  EXPECT_EQ(r.source_offset.u.map.values[0].u.i64, 2);

  // commit_record gets the very object poll() returned, from another thread, with the metadata.
  sluice_record_metadata md{sizeof(sluice_record_metadata), "out", 4, 0, 99, 1234};
  std::thread producer([&] {
    for (std::size_t i = 0; i < batch.count; ++i)
      EXPECT_EQ(vt->commit_record(self, &batch.records[i], i == 1 ? nullptr : &md, &err.err), SLUICE_OK);
  });
  producer.join();
  {
    std::lock_guard lock(task().mu);
    ASSERT_EQ(task().committed.size(), 3u);
    EXPECT_EQ(task().committed[2].value, std::string(40, 'v') + "2");
    EXPECT_EQ(task().committed[0].metadata->partition, 4);
    EXPECT_EQ(task().committed[0].metadata->offset, 99);
    EXPECT_EQ(task().committed[0].metadata->timestamp, 1234);
    EXPECT_FALSE(task().committed[1].metadata.has_value()) << "dropped by a transformation";
    // The address is the batch's own record: string data the host saw is that object's data.
    EXPECT_EQ(task().committed[2].address->value.as_string().data(), r.value.u.bytes.data);
  }

  ASSERT_EQ(vt->commit(self, &err.err), SLUICE_OK);
  EXPECT_EQ(task().commits, 1);
  batch.release(&batch);
  EXPECT_EQ(batch.private_data, nullptr);
  batch.release(&batch);  // a second release is harmless
}

TEST_F(SourceTaskFixture, CommitRecordWithACopiedRecordStillWorks) {
  create({{"topic", "out"}, {"count", "1"}});
  sluice_record_batch batch{};
  ASSERT_EQ(vt->poll(self, &batch, &err.err), SLUICE_OK);
  sluice_record copy = batch.records[0];
  ASSERT_EQ(vt->commit_record(self, &copy, nullptr, &err.err), SLUICE_OK);
  std::lock_guard lock(task().mu);
  ASSERT_EQ(task().committed.size(), 1u);
  EXPECT_EQ(task().committed[0].value, std::string(40, 'v') + "0");
  batch.release(&batch);
}

TEST_F(SourceTaskFixture, EmptyPollHasNothingToRelease) {
  create({{"topic", "out"}, {"count", "0"}});
  sluice_record_batch batch{};
  batch.count = 77;
  ASSERT_EQ(vt->poll(self, &batch, &err.err), SLUICE_OK);
  EXPECT_EQ(batch.count, 0u);
  EXPECT_EQ(batch.release, nullptr);
}

TEST_F(SourceTaskFixture, RetriableErrorFromPoll) {
  create({{"topic", "out"}, {"mode", "retriable"}});
  sluice_record_batch batch{};
  EXPECT_EQ(vt->poll(self, &batch, &err.err), SLUICE_RETRIABLE);
  EXPECT_EQ(err.kind, SLUICE_ERROR_RETRIABLE);
  EXPECT_EQ(err.cls, "org.apache.kafka.connect.errors.RetriableException");
  EXPECT_EQ(err.message, "upstream busy");
  EXPECT_EQ(batch.count, 0u);
}

TEST_F(SourceTaskFixture, BatchMayOutliveTheTask) {
  create({{"topic", "out"}, {"count", "2"}});
  sluice_record_batch batch{};
  ASSERT_EQ(vt->poll(self, &batch, &err.err), SLUICE_OK);
  ASSERT_EQ(vt->stop(self, &err.err), SLUICE_OK);
  EXPECT_TRUE(task().stopped);
  vt->destroy(self);
  self = nullptr;
  EXPECT_EQ(std::string(batch.records[1].topic), "out") << "records stay valid until release";
  batch.release(&batch);
}

TEST_F(SourceTaskFixture, RequestStopWakesAWaitingPoll) {
  create({{"topic", "out"}, {"mode", "wait"}});
  sluice_record_batch batch{};
  auto started = std::chrono::steady_clock::now();
  std::thread stopper([&] {
    while (!task().waiting) std::this_thread::yield();  // poll is about to wait (or waiting)
    vt->request_stop(self);
  });
  ASSERT_EQ(vt->poll(self, &batch, &err.err), SLUICE_OK);
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(task().stop_requests, 1);
  EXPECT_TRUE(task().is_stopping());
}

TEST_F(SourceTaskFixture, HostStopFlagEndsAWait) {
  create({{"topic", "out"}, {"mode", "wait"}});
  host.stopping = true;
  sluice_record_batch batch{};
  auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(vt->poll(self, &batch, &err.err), SLUICE_OK);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(SourceTaskLifecycleTest, CreateAndDestroyBalance) {
  FakeHost host;
  Err err;
  auto* vt = vtable<sluice_connector_vtable>(0)->source_task;
  int before = test_plugin::live_source_tasks;
  void* a = vt->create(&host.api, host.ctx(), &err.err);
  void* b = vt->create(&host.api, host.ctx(), &err.err);
  EXPECT_EQ(test_plugin::live_source_tasks, before + 2);
  vt->destroy(a);
  vt->destroy(b);
  EXPECT_EQ(test_plugin::live_source_tasks, before);
}

// ---- sink tasks
// ---------------------------------------------------------------------------------------------

struct SinkTaskFixture : ::testing::Test {
  FakeHost host;
  Err err;
  const sluice_sink_task_vtable* vt = vtable<sluice_connector_vtable>(1)->sink_task;
  void* self = nullptr;
  sdk::Arena arena;

  void SetUp() override {
    self = vt->create(&host.api, host.ctx(), &err.err);
    ASSERT_NE(self, nullptr);
    sluice_config cfg = arena.config({});
    ASSERT_EQ(vt->start(self, &cfg, &err.err), SLUICE_OK);
  }
  void TearDown() override { vt->destroy(self); }
  test_plugin::SinkTaskImpl& task() { return *static_cast<test_plugin::SinkTaskImpl*>(self); }
  sluice_record record(const std::string& value, std::int64_t offset) {
    sluice_record r{};
    arena.fill(r, sdk::SinkRecord{.topic = "in",
                                  .kafka_partition = 0,
                                  .value_schema = Schema::string(),
                                  .value = Value::string(value),
                                  .kafka_offset = offset});
    return r;
  }
};

TEST_F(SinkTaskFixture, PutConvertsBorrowedRecords) {
  std::vector<sluice_record> records{record("a", 10), record("b", 11)};
  ASSERT_EQ(vt->put(self, records.data(), records.size(), &err.err), SLUICE_OK);
  ASSERT_EQ(task().received.size(), 2u);
  EXPECT_EQ(task().received[1].value, Value::string("b"));
  EXPECT_EQ(task().received[1].kafka_offset, 11);
  EXPECT_EQ(task().received[1].topic, "in");
  EXPECT_EQ(task().received[1].value_schema, Schema::string());
  EXPECT_EQ(host.commit_requests, 1);
}

TEST_F(SinkTaskFixture, RetriablePutAndErrantReporter) {
  std::vector<sluice_record> fail{record("fail", 1)};
  EXPECT_EQ(vt->put(self, fail.data(), 1, &err.err), SLUICE_RETRIABLE);
  EXPECT_EQ(err.message, "cannot write now");

  std::vector<sluice_record> errant{record("errant", 5)};
  ASSERT_EQ(vt->put(self, errant.data(), 1, &err.err), SLUICE_OK);
  ASSERT_EQ(host.errant.size(), 1u);
  EXPECT_EQ(host.errant[0], "in/5 org.apache.kafka.connect.errors.DataException: unwritable");

  host.errant_result = SLUICE_FATAL;
  EXPECT_EQ(vt->put(self, errant.data(), 1, &err.err), SLUICE_FATAL);
  EXPECT_EQ(err.message, "Tolerance exceeded in error handler");
}

TEST_F(SinkTaskFixture, OpenCloseFlushAndDefaultPreCommit) {
  sluice_topic_partition parts[] = {{"in", 0, 0}, {"in", 1, 0}};
  ASSERT_EQ(vt->open(self, parts, 2, &err.err), SLUICE_OK);
  EXPECT_EQ(task().opened, (std::vector<sdk::TopicPartition>{{"in", 0}, {"in", 1}}));
  ASSERT_EQ(vt->close(self, parts + 1, 1, &err.err), SLUICE_OK);
  EXPECT_EQ(task().closed, (std::vector<sdk::TopicPartition>{{"in", 1}}));

  sluice_topic_partition_offset current[] = {{"in", 0, 0, 12}, {"in", 1, 0, 30}};
  ASSERT_EQ(vt->flush(self, current, 2, &err.err), SLUICE_OK);
  ASSERT_EQ(task().flushed.size(), 1u);
  EXPECT_EQ(task().flushed[0].at(sdk::TopicPartition{"in", 1}), 30);

  sluice_topic_partition_offset out[2]{};
  std::size_t out_count = 99;
  ASSERT_EQ(vt->pre_commit(self, current, 2, out, &out_count, &err.err), SLUICE_OK);
  EXPECT_EQ(task().flushed.size(), 2u) << "default pre_commit flushes";
  ASSERT_EQ(out_count, 2u);
  EXPECT_EQ(out[0].topic, current[0].topic) << "topics point at the host's strings";
  EXPECT_EQ(out[1].partition, 1);
  EXPECT_EQ(out[1].offset, 30);
}

TEST(SinkPreCommitTest, OffsetsForUnassignedPartitionsAreDropped) {
  FakeHost host;
  Err err;
  auto* vt = vtable<sluice_connector_vtable>(2)->sink_task;
  void* self = vt->create(&host.api, host.ctx(), &err.err);
  sluice_topic_partition_offset current[] = {{"in", 0, 0, 12}};
  sluice_topic_partition_offset out[1]{};
  std::size_t n = 0;
  ASSERT_EQ(vt->pre_commit(self, current, 1, out, &n, &err.err), SLUICE_OK);
  ASSERT_EQ(n, 1u);
  EXPECT_EQ(out[0].offset, 11);
  EXPECT_TRUE(host.logged("Ignoring invalid task provided offset elsewhere-9/5 -- partition not assigned"));
  vt->destroy(self);
}

// ---- other components -----------------------------------------------------------------------------------

TEST(ConverterTest, FromAndToConnect) {
  FakeHost host;
  Err err;
  auto* vt = vtable<sluice_converter_vtable>(3);
  void* self = vt->create(&host.api, host.ctx(), &err.err);
  sdk::Arena arena;
  sluice_config cfg = arena.config({{"suffix", "!"}});
  ASSERT_EQ(vt->configure(self, &cfg, 1, &err.err), SLUICE_OK);

  struct Bytes {
    std::string data;
    bool is_null = false;
    int calls = 0;
  } bytes;
  auto on_bytes = [](void* user, const char* data, std::size_t size, std::int32_t is_null) {
    auto* b = static_cast<Bytes*>(user);
    ++b->calls;
    b->is_null = is_null != 0;
    b->data = data ? std::string(data, size) : "";
  };
  sluice_value v = arena.value(Value::string("abc"));
  sdk::Headers headers;
  headers.add("h", Value::string("x"));
  const sluice_header* h = arena.headers(headers);
  ASSERT_EQ(vt->from_connect(self, "t", h, 1, arena.schema(Schema::string()), &v, on_bytes, &bytes, &err.err),
            SLUICE_OK);
  EXPECT_EQ(bytes.data, "abc!K1");
  EXPECT_FALSE(bytes.is_null);
  sluice_value null{};
  ASSERT_EQ(vt->from_connect(self, "t", nullptr, 0, nullptr, &null, on_bytes, &bytes, &err.err), SLUICE_OK);
  EXPECT_TRUE(bytes.is_null);
  EXPECT_EQ(bytes.calls, 2);

  struct Data {
    sdk::Schema schema;
    Value value;
  } data;
  auto on_data = [](void* user, const sluice_schema* schema, const sluice_value* value) {
    auto* d = static_cast<Data*>(user);
    sdk::AbiReader reader;
    d->schema = reader.schema(schema);
    d->value = reader.value(*value);
  };
  ASSERT_EQ(vt->to_connect(self, "topic", nullptr, 0, "xyz", 3, 0, on_data, &data, &err.err), SLUICE_OK);
  EXPECT_EQ(data.schema, Schema::string(true));
  EXPECT_EQ(data.value, Value::string("topic:xyz"));
  ASSERT_EQ(vt->to_connect(self, "topic", nullptr, 0, nullptr, 0, 1, on_data, &data, &err.err), SLUICE_OK);
  EXPECT_FALSE(data.schema);
  EXPECT_TRUE(data.value.is_null());
  EXPECT_EQ(vt->to_connect(self, "topic", nullptr, 0, "boom", 4, 0, on_data, &data, &err.err), SLUICE_FATAL);
  EXPECT_EQ(err.kind, SLUICE_ERROR_DATA);
  EXPECT_EQ(err.message, "Converting byte[] to Kafka Connect data failed");
  vt->destroy(self);
}

TEST(HeaderConverterTest, FromAndToConnect) {
  FakeHost host;
  Err err;
  auto* vt = vtable<sluice_header_converter_vtable>(4);
  void* self = vt->create(&host.api, host.ctx(), &err.err);
  sdk::Arena arena;
  sluice_config cfg = arena.config({});
  ASSERT_EQ(vt->configure(self, &cfg, &err.err), SLUICE_OK);
  std::string out;
  auto on_bytes = [](void* user, const char* data, std::size_t size, std::int32_t) {
    *static_cast<std::string*>(user) = std::string(data, size);
  };
  sluice_value v = arena.value(Value::string("v"));
  ASSERT_EQ(vt->from_connect(self, "t", "key", nullptr, &v, on_bytes, &out, &err.err), SLUICE_OK);
  EXPECT_EQ(out, "key=v");
  Value got;
  auto on_data = [](void* user, const sluice_schema*, const sluice_value* value) {
    sdk::AbiReader reader;
    *static_cast<Value*>(user) = reader.value(*value);
  };
  ASSERT_EQ(vt->to_connect(self, "t", "key", "\x01\x02", 2, 0, on_data, &got, &err.err), SLUICE_OK);
  EXPECT_EQ(got, Value::bytes("\x01\x02"));
  vt->destroy(self);
}

TEST(TransformationTest, ApplyAndDrop) {
  FakeHost host;
  Err err;
  auto* vt = vtable<sluice_transformation_vtable>(5);
  void* self = vt->create(&host.api, host.ctx(), &err.err);
  sdk::Arena arena;
  sluice_config cfg = arena.config({});
  ASSERT_EQ(vt->configure(self, &cfg, &err.err), SLUICE_OK);

  struct Out {
    int calls = 0;
    bool dropped = false;
    sdk::Record record;
  } out;
  auto on_record = [](void* user, const sluice_record* r) {
    auto* o = static_cast<Out*>(user);
    ++o->calls;
    o->dropped = r == nullptr;
    if (r) {
      sdk::AbiReader reader;
      o->record = reader.record(*r);
    }
  };
  sluice_record in{};
  arena.fill(in, sdk::SourceRecord{.source_partition = Value::string_map({{"f", Value::string("x")}}),
                                   .topic = "t",
                                   .value = Value::string("hello")});
  ASSERT_EQ(vt->apply(self, &in, on_record, &out, &err.err), SLUICE_OK);
  EXPECT_EQ(out.calls, 1);
  EXPECT_FALSE(out.dropped);
  EXPECT_EQ(out.record.topic, "t-out");
  EXPECT_EQ(out.record.value, Value::string("HELLO"));
  EXPECT_EQ(out.record.source_partition, Value::string_map({{"f", Value::string("x")}}));

  sluice_record drop{};
  arena.fill(drop, sdk::SourceRecord{.topic = "t", .value = Value::string("drop")});
  ASSERT_EQ(vt->apply(self, &drop, on_record, &out, &err.err), SLUICE_OK);
  EXPECT_EQ(out.calls, 2);
  EXPECT_TRUE(out.dropped);

  sluice_record not_string{};
  arena.fill(not_string, sdk::SourceRecord{.topic = "t", .value = Value::int32(1)});
  EXPECT_EQ(vt->apply(self, &not_string, on_record, &out, &err.err), SLUICE_FATAL);
  EXPECT_EQ(err.kind, SLUICE_ERROR_DATA);
  EXPECT_EQ(err.message, "Expected STRING value but found INT32");
  vt->destroy(self);
}

TEST(PredicateTest, Test) {
  FakeHost host;
  Err err;
  auto* vt = vtable<sluice_predicate_vtable>(6);
  void* self = vt->create(&host.api, host.ctx(), &err.err);
  sdk::Arena arena;
  sluice_record yes{}, no{};
  arena.fill(yes, sdk::SinkRecord{.topic = "match"});
  arena.fill(no, sdk::SinkRecord{.topic = "other"});
  std::int32_t result = -1;
  ASSERT_EQ(vt->test(self, &yes, &result, &err.err), SLUICE_OK);
  EXPECT_EQ(result, 1);
  ASSERT_EQ(vt->test(self, &no, &result, &err.err), SLUICE_OK);
  EXPECT_EQ(result, 0);
  vt->destroy(self);
}

TEST(ConfigProviderTest, Get) {
  FakeHost host;
  Err err;
  auto* vt = vtable<sluice_config_provider_vtable>(7);
  void* self = vt->create(&host.api, host.ctx(), &err.err);
  struct Out {
    std::map<std::string, std::optional<std::string>> data;
    std::int64_t ttl = 0;
  } out;
  auto on_data = [](void* user, const sluice_config* data, std::int64_t ttl) {
    auto* o = static_cast<Out*>(user);
    for (std::size_t i = 0; i < data->count; ++i)
      o->data[data->entries[i].key] =
          data->entries[i].value ? std::optional<std::string>(data->entries[i].value) : std::nullopt;
    o->ttl = ttl;
  };
  const char* keys[] = {"a", "b"};
  ASSERT_EQ(vt->get(self, "/etc/secrets", keys, 2, on_data, &out, &err.err), SLUICE_OK);
  EXPECT_EQ(out.data.at("path"), "/etc/secrets");
  EXPECT_EQ(out.data.at("keys"), "2");
  EXPECT_EQ(out.data.at("nothing"), std::nullopt);
  EXPECT_EQ(out.ttl, 5000);
  EXPECT_EQ(vt->get(self, "missing", nullptr, 0, on_data, &out, &err.err), SLUICE_FATAL);
  EXPECT_EQ(err.message, "no such path: missing");
  vt->destroy(self);
}

// A task that keeps SourceTask's empty commit_record answers OK at once (no batch lookup, so even a record
// that is in no live batch is fine); a task that overrides it is detected as such.
class NoCommitRecordTask final : public sdk::SourceTask {
 public:
  void start(const sdk::ConfigMap&) override {}
  std::vector<sdk::SourceRecord> poll() override { return {}; }
  void stop() override {}
};
TEST(SourceTaskVtableTest, CommitRecordOfATaskWithoutOneIsANoOp) {
  static_assert(!sdk::detail::Access::overrides_commit_record<NoCommitRecordTask>());
  static_assert(sdk::detail::Access::overrides_commit_record<test_plugin::SourceTaskImpl>());
  const auto& vt = sdk::detail::kSourceTaskVtable<NoCommitRecordTask>;
  ASSERT_NE(vt.commit_record, nullptr) << "hosts built against SDK 1.0 call it unconditionally";
  sluice_record record{};
  record.struct_size = sizeof(sluice_record);
  // No instance is needed: nothing of the task is touched.
  EXPECT_EQ(vt.commit_record(nullptr, &record, nullptr, nullptr), SLUICE_OK);
}

// Its batches are flagged: the host may release them as soon as it read them, and skip commit_record.
class OneRecordNoCommitRecordTask final : public sdk::SourceTask {
 public:
  void start(const sdk::ConfigMap&) override {}
  std::vector<sdk::SourceRecord> poll() override {
    std::vector<sdk::SourceRecord> out(1);
    out[0].topic = "t";
    out[0].value = Value::string("v");
    return out;
  }
  void stop() override {}
};
TEST(SourceTaskVtableTest, BatchOfATaskWithoutCommitRecordIsFlagged) {
  OneRecordNoCommitRecordTask task;
  const auto& vt = sdk::detail::kSourceTaskVtable<OneRecordNoCommitRecordTask>;
  sluice_record_batch batch{};
  ASSERT_EQ(vt.poll(&task, &batch, nullptr), SLUICE_OK);
  ASSERT_EQ(batch.count, 1u);
  EXPECT_EQ(batch.flags, SLUICE_BATCH_NO_COMMIT_RECORD);
  EXPECT_TRUE(SLUICE_HAS_FIELD(&batch, sluice_record_batch, flags));
  EXPECT_EQ(std::string(batch.records[0].value.u.bytes.data, batch.records[0].value.u.bytes.size), "v");
  batch.release(&batch);
  EXPECT_EQ(batch.private_data, nullptr);
}

// A task that writes into a SourceBatch: one SourceRecord reused for every record (as FileStreamSource does).
class BatchPollTask : public sdk::SourceTask {
 public:
  using sdk::SourceTask::poll;
  void start(const sdk::ConfigMap&) override {}
  void poll(sdk::SourceBatch& batch) override {
    sdk::SourceRecord r{.source_partition = Value::string_map({{"file", Value::string("/a/long/path/to/file.txt")}}),
                        .source_offset = Value::string_map({{"position", Value::int64(0)}}),
                        .topic = "lines",
                        .value_schema = Schema::string(),
                        .value = Value::string("")};
    for (int i = 0; i < 3; ++i) {
      if (i == 2) r.source_partition = Value::string_map({{"file", Value::string("/another/file.txt")}});
      r.value.as_string() = "line " + std::to_string(i);
      r.source_offset.as_map().front().second = Value::int64(10 * (i + 1));
      batch.add(r);  // a copy: changing r afterwards leaves it as it was
    }
  }
  void stop() override {}
};
class BatchPollCommitRecordTask final : public BatchPollTask {
 public:
  void commit_record(const sdk::SourceRecord& record, const std::optional<sdk::RecordMetadata>&) override {
    committed.push_back(record);
  }
  std::vector<sdk::SourceRecord> committed;
};
class NoPollTask final : public sdk::SourceTask {
 public:
  void start(const sdk::ConfigMap&) override {}
  void stop() override {}
};

TEST(SourceBatchTest, RecordsAreCopiedAndRunsOfOnePartitionShareIt) {
  static_assert(sdk::detail::Access::overrides_batch_poll<BatchPollTask>());
  static_assert(!sdk::detail::Access::overrides_batch_poll<OneRecordNoCommitRecordTask>());
  static_assert(!sdk::detail::Access::overrides_batch_poll<NoPollTask>());
  BatchPollTask task;
  const auto& vt = sdk::detail::kSourceTaskVtable<BatchPollTask>;
  sluice_record_batch batch{};
  ASSERT_EQ(vt.poll(&task, &batch, nullptr), SLUICE_OK);
  ASSERT_EQ(batch.count, 3u);
  EXPECT_EQ(batch.flags, SLUICE_BATCH_NO_COMMIT_RECORD);
  sdk::AbiReader reader;
  for (std::size_t i = 0; i < 3; ++i) {
    const sdk::SourceRecord r = reader.source_record(batch.records[i]);
    EXPECT_EQ(r.value.as_string(), "line " + std::to_string(i));
    EXPECT_EQ(r.source_offset.find("position")->as_int64(), static_cast<std::int64_t>(10 * (i + 1)));
    EXPECT_EQ(r.topic, "lines");
    EXPECT_EQ(r.value_schema, Schema::string());
    EXPECT_EQ(r.source_partition.find("file")->as_string(), i < 2 ? "/a/long/path/to/file.txt" : "/another/file.txt");
  }
  // The first two records share one copy of their partition; the third has its own (its values; the key
  // "file" is shared too, as the keys of consecutive maps are).
  EXPECT_EQ(batch.records[0].source_partition.u.map.values, batch.records[1].source_partition.u.map.values);
  EXPECT_NE(batch.records[1].source_partition.u.map.values, batch.records[2].source_partition.u.map.values);
  EXPECT_EQ(batch.records[1].source_partition.u.map.keys, batch.records[2].source_partition.u.map.keys);
  batch.release(&batch);
  EXPECT_EQ(batch.private_data, nullptr);
}

TEST(SourceBatchTest, CommitRecordGetsACopyOfABatchRecordAndPollStillReturnsTheRecords) {
  BatchPollCommitRecordTask task;
  const auto& vt = sdk::detail::kSourceTaskVtable<BatchPollCommitRecordTask>;
  sluice_record_batch batch{};
  ASSERT_EQ(vt.poll(&task, &batch, nullptr), SLUICE_OK);
  ASSERT_EQ(batch.count, 3u);
  EXPECT_EQ(batch.flags, 0u) << "commit_record needs the batch until the host acknowledged its records";
  ASSERT_EQ(vt.commit_record(&task, &batch.records[1], nullptr, nullptr), SLUICE_OK);
  ASSERT_EQ(task.committed.size(), 1u);
  EXPECT_EQ(task.committed[0].value.as_string(), "line 1");
  EXPECT_EQ(task.committed[0].source_offset.find("position")->as_int64(), 20);
  batch.release(&batch);

  // poll() (e.g. from a test) defaults to poll(SourceBatch&), read back.
  const std::vector<sdk::SourceRecord> records = task.poll();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].value.as_string(), "line 2");
  EXPECT_EQ(records[2].source_partition.find("file")->as_string(), "/another/file.txt");
}

TEST(SourceBatchTest, ATaskWithNeitherPollFailsClearly) {
  NoPollTask task;
  EXPECT_THROW(
      {
        try {
          task.poll();
        } catch (const sdk::ConnectError& e) {
          EXPECT_STREQ(e.what(), "A SourceTask must override poll() or poll(SourceBatch&)");
          throw;
        }
      },
      sdk::ConnectError);
  const auto& vt = sdk::detail::kSourceTaskVtable<NoPollTask>;
  sluice_record_batch batch{};
  EXPECT_NE(vt.poll(&task, &batch, nullptr), SLUICE_OK);
  EXPECT_EQ(batch.count, 0u);
}

}  // namespace
