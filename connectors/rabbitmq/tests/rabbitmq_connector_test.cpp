// The RabbitMQ plugin as the worker sees it, against a real broker: the built .so is loaded with dlopen,
// sluice_plugin_v1 gives the descriptor, and the connector and its tasks are driven through the raw ABI with
// a fake host. One broker (tests/support/rabbitmq_server) serves the whole binary; each test uses its own
// queues. The broker restart and heartbeat tests come last because they take the broker away.

#include <dlfcn.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sluice/plugin_abi.h"
#include "sluice/sdk/abi_data.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/rabbitmq_server.hpp"

namespace sdk = sluice::sdk;
using sdk::Value;
using sluice::test::AmqpProperties;
using sluice::test::AmqpTestClient;
using sluice::test::RabbitMqServer;
using sluice::test::wait_until;
using namespace std::chrono_literals;

namespace {

const std::string kPluginPath = std::string(SLUICE_PLUGIN_DIR) + "/rabbitmq/libsluice_rabbitmq.so";
constexpr const char* kClassName = "io.sluice.connect.rabbitmq.RabbitMQSourceConnector";
constexpr const char* kConnectException = "org.apache.kafka.connect.errors.ConnectException";

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

const sluice_component* component() {
  const sluice_plugin_descriptor* d = plugin();
  if (d == nullptr) return nullptr;
  for (std::size_t i = 0; i < d->component_count; ++i)
    if (std::string(d->components[i].class_name) == kClassName) return &d->components[i];
  return nullptr;
}

const sluice_connector_vtable* connector_vt() {
  const sluice_component* c = component();
  return c ? static_cast<const sluice_connector_vtable*>(c->vtable) : nullptr;
}

// One broker for the whole binary, with a TLS listener too; stopped (with its epmd) at exit.
RabbitMqServer& broker() {
  static RabbitMqServer server(RabbitMqServer::Options{.tls = true});
  return server;
}

std::string port_text() {
  return std::to_string(broker().port());
}
std::string where() {
  return "RabbitMQ at amqp://127.0.0.1:" + port_text() + ", virtual host '/'";
}

// ---- fake host ------------------------------------------------------------------------------------------

struct FakeHost {
  sluice_host_api api{};
  mutable std::mutex mu;
  std::vector<std::pair<sluice_log_level, std::string>> logs;
  std::atomic<bool> stopping{false};

  FakeHost() {
    api.struct_size = sizeof(sluice_host_api);
    api.abi_major = SLUICE_ABI_VERSION_MAJOR;
    api.abi_minor = SLUICE_ABI_VERSION_MINOR;
    api.host_version = "fake";
    api.log_enabled = [](const sluice_context*, sluice_log_level level) -> std::int32_t {
      return level >= SLUICE_LOG_DEBUG;
    };
    api.log = [](const sluice_context* ctx, sluice_log_level level, const char* msg, std::size_t size) {
      auto* h = self(ctx);
      std::lock_guard lock(h->mu);
      h->logs.emplace_back(level, std::string(msg, size));
    };
    api.is_stopping = [](const sluice_context* ctx) -> std::int32_t { return self(ctx)->stopping.load(); };
    api.offset_read = [](sluice_context*, const sluice_value*, sluice_value_visit, void*) -> std::int32_t {
      return 0;
    };
  }
  sluice_context* ctx() { return reinterpret_cast<sluice_context*>(this); }
  static FakeHost* self(const sluice_context* ctx) {
    return reinterpret_cast<FakeHost*>(const_cast<sluice_context*>(ctx));
  }
  // True when a line at `level` contains `text`.
  bool logged(sluice_log_level level, const std::string& text) const {
    std::lock_guard lock(mu);
    for (const auto& [l, m] : logs)
      if (l == level && m.find(text) != std::string::npos) return true;
    return false;
  }
  std::string dump() const {
    std::lock_guard lock(mu);
    std::string out;
    for (const auto& [l, m] : logs) out += std::to_string(l) + " " + m + "\n";
    return out;
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

// ---- connector ------------------------------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> validate(const sdk::ConfigMap& config) {
  FakeHost host;
  Err err;
  const sluice_connector_vtable* vt = connector_vt();
  void* self = vt->create(&host.api, host.ctx(), &err.err);
  std::vector<std::pair<std::string, std::string>> issues;
  sdk::Arena arena;
  sluice_config cfg = arena.config(config);
  auto emit = [](void* user, const char* key, const char* message) {
    static_cast<std::vector<std::pair<std::string, std::string>>*>(user)->emplace_back(key, message);
  };
  EXPECT_EQ(vt->validate(self, &cfg, emit, &issues, &err.err), SLUICE_OK) << err.message;
  vt->destroy(self);
  return issues;
}

sdk::ConfigMap config_for(const std::string& queue) {
  return {{"name", "rabbit"},
          {"connector.class", kClassName},
          {"kafka.topic", "rabbit"},
          {"rabbitmq.queue", queue},
          {"rabbitmq.host", "127.0.0.1"},
          {"rabbitmq.port", port_text()},
          {"rabbitmq.network.recovery.interval.ms", "1000"}};
}

// ---- source task driven like a worker -------------------------------------------------------------------

struct Rec {
  const sluice_record* raw = nullptr;
  sdk::SourceRecord record;
  std::string body() const {
    return record.value.kind() == Value::Kind::Bytes ? record.value.as_bytes() : record.value.as_string();
  }
  const Value* header(const std::string& key) const {
    const sdk::Header* h = record.headers.last_with_name(key);
    return h ? &h->value : nullptr;
  }
};

class Task {
 public:
  explicit Task(const sdk::ConfigMap& config) : vt_(connector_vt()->source_task) {
    self_ = vt_->create(&host.api, host.ctx(), &err.err);
    sdk::Arena arena;
    sluice_config cfg = arena.config(config);
    start_status = vt_->start(self_, &cfg, &err.err);
  }
  ~Task() {
    if (self_ != nullptr) {
      stop();
      destroy();
    }
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  // One poll(); the batch stays alive (as the host keeps it until every record is committed).
  std::vector<Rec> poll() {
    sluice_record_batch batch{};
    last_status = vt_->poll(self_, &batch, &err.err);
    std::vector<Rec> out;
    sdk::AbiReader reader;
    for (std::size_t i = 0; i < batch.count; ++i)
      out.push_back(Rec{&batch.records[i], reader.source_record(batch.records[i])});
    if (batch.count > 0) batches_.push_back(batch);
    return out;
  }
  // Polls until `count` records arrived or `timeout` passed; stops early on a non-OK status.
  std::vector<Rec> poll_n(std::size_t count, std::chrono::milliseconds timeout = 30s) {
    std::vector<Rec> all;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (all.size() < count && std::chrono::steady_clock::now() < deadline) {
      for (auto& r : poll()) all.push_back(std::move(r));
      if (last_status != SLUICE_OK) break;
    }
    return all;
  }
  void commit(const Rec& r) {
    sluice_record_metadata md{sizeof(sluice_record_metadata),       "rabbit", 0, 0,
                              static_cast<std::int64_t>(++offset_), 0};
    EXPECT_EQ(vt_->commit_record(self_, r.raw, &md, &err.err), SLUICE_OK) << err.message;
  }
  // Polls and commits until `count` records arrived (Kafka keeps up), or `timeout` passed.
  std::vector<Rec> poll_commit_n(std::size_t count, std::chrono::milliseconds timeout = 30s) {
    std::vector<Rec> all;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (all.size() < count && std::chrono::steady_clock::now() < deadline) {
      auto records = poll();
      commit_all(records);
      for (auto& r : records) all.push_back(std::move(r));
      if (last_status != SLUICE_OK) break;
    }
    return all;
  }
  void commit_dropped(const Rec& r) {
    EXPECT_EQ(vt_->commit_record(self_, r.raw, nullptr, &err.err), SLUICE_OK) << err.message;
  }
  void commit_all(const std::vector<Rec>& records) {
    for (const auto& r : records) commit(r);
  }
  sluice_status stop() {
    if (stopped_) return SLUICE_OK;
    stopped_ = true;
    host.stopping.store(true);
    vt_->request_stop(self_);
    return vt_->stop(self_, &err.err);
  }
  // The host hands back every batch and destroys the instance (after stop(), or without it as a crash would
  // leave things: nothing more is committed).
  void destroy() {
    for (auto& b : batches_)
      if (b.release) b.release(&b);
    batches_.clear();
    vt_->destroy(self_);
    self_ = nullptr;
  }

  FakeHost host;
  Err err;
  sluice_status start_status = SLUICE_FATAL;
  sluice_status last_status = SLUICE_OK;

 private:
  const sluice_source_task_vtable* vt_;
  void* self_ = nullptr;
  std::vector<sluice_record_batch> batches_;
  std::uint64_t offset_ = 0;
  bool stopped_ = false;
};

std::set<std::string> bodies(const std::vector<Rec>& records) {
  std::set<std::string> out;
  for (const auto& r : records) out.insert(r.body());
  return out;
}

std::string body(std::size_t i) {
  return "m" + std::to_string(i);
}

std::set<std::string> expected_bodies(std::size_t from, std::size_t to) {
  std::set<std::string> out;
  for (std::size_t i = from; i < to; ++i) out.insert(body(i));
  return out;
}

AmqpProperties persistent() {
  AmqpProperties p;
  p.delivery_mode = 2;
  return p;
}

// A fresh queue named after the running test, holding `count` messages m0..m<count-1>.
std::string fresh_queue(AmqpTestClient& client, std::size_t count, const std::string& suffix = "") {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string("q.") + info->test_suite_name() + "." + info->name() + suffix;
  client.declare_queue(name);
  client.purge_queue(name);
  if (count > 0) client.publish_many(name, count, body, [](std::size_t) { return persistent(); });
  return name;
}

std::uint32_t depth(const std::string& queue) {
  AmqpTestClient client(broker().port());
  return client.message_count(queue).value_or(0xFFFFFFFF);
}

// ---- descriptor and config table ------------------------------------------------------------------------

TEST(RabbitMqPluginTest, DescriptorClassNameAndAliases) {
  const sluice_plugin_descriptor* d = plugin();
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->magic, SLUICE_ABI_MAGIC);
  EXPECT_STREQ(d->name, "rabbitmq");
  EXPECT_STREQ(d->version, "1.0.0");
  ASSERT_EQ(d->component_count, 1u);
  const sluice_component* c = component();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, SLUICE_COMPONENT_SOURCE_CONNECTOR);
  std::vector<std::string> aliases(c->aliases, c->aliases + c->alias_count);
  EXPECT_EQ(aliases, (std::vector<std::string>{
                         "RabbitMQSourceConnector", "RabbitMQSource",
                         "io.confluent.connect.rabbitmq.RabbitMQSourceConnector",
                         "com.github.jcustenborder.kafka.connect.rabbitmq.RabbitMQSourceConnector",
                         "com.github.jcustenborder.kafka.connect.rabbitmq.source.RabbitMQSourceConnector",
                         "com.github.themeetgroup.kafka.connect.rabbitmq.source.RabbitMQSourceConnector"}));
}

TEST(RabbitMqPluginTest, ExportsOnlyTheEntrySymbol) {
  auto r = sluice::test::run_command({"nm", "-D", "--defined-only", kPluginPath});
  ASSERT_TRUE(r.status.success()) << r.describe({"nm"});
  std::vector<std::string> symbols;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto space = line.rfind(' ');
    if (space != std::string::npos) symbols.push_back(line.substr(space + 1));
  }
  EXPECT_EQ(symbols, std::vector<std::string>{"sluice_plugin_v1"});
}

TEST(RabbitMqPluginTest, ConfigKeysHaveTheJavaConnectorsNamesTypesAndDefaults) {
  const sluice_component* c = component();
  ASSERT_NE(c, nullptr);
  std::map<std::string, const sluice_config_key*> keys;
  for (std::size_t i = 0; i < c->config_key_count; ++i) keys[c->config_keys[i].name] = &c->config_keys[i];
  struct Expect {
    const char* name;
    sluice_config_type type;
    const char* dflt;  // nullptr: required
  };
  const Expect expected[] = {
      {"kafka.topic", SLUICE_CONFIG_STRING, nullptr},
      {"rabbitmq.queue", SLUICE_CONFIG_LIST, nullptr},
      {"rabbitmq.host", SLUICE_CONFIG_STRING, "localhost"},
      {"rabbitmq.port", SLUICE_CONFIG_INT, "5672"},
      {"rabbitmq.virtual.host", SLUICE_CONFIG_STRING, "/"},
      {"rabbitmq.username", SLUICE_CONFIG_STRING, "guest"},
      {"rabbitmq.password", SLUICE_CONFIG_PASSWORD, "guest"},
      {"rabbitmq.prefetch.count", SLUICE_CONFIG_INT, "0"},
      {"rabbitmq.prefetch.global", SLUICE_CONFIG_BOOLEAN, "false"},
      {"rabbitmq.requested.heartbeat.seconds", SLUICE_CONFIG_INT, "60"},
      {"rabbitmq.requested.channel.max", SLUICE_CONFIG_INT, "0"},
      {"rabbitmq.requested.frame.max", SLUICE_CONFIG_INT, "0"},
      {"rabbitmq.connection.timeout.ms", SLUICE_CONFIG_INT, "60000"},
      {"rabbitmq.handshake.timeout.ms", SLUICE_CONFIG_INT, "10000"},
      {"rabbitmq.network.recovery.interval.ms", SLUICE_CONFIG_INT, "10000"},
      {"rabbitmq.automatic.recovery.enabled", SLUICE_CONFIG_BOOLEAN, "true"},
      {"rabbitmq.security.protocol", SLUICE_CONFIG_STRING, "PLAINTEXT"},
      {"message.converter", SLUICE_CONFIG_STRING, "bytes"},
      {"message.key.source", SLUICE_CONFIG_STRING, "none"},
  };
  for (const auto& e : expected) {
    ASSERT_TRUE(keys.count(e.name)) << e.name;
    const sluice_config_key* k = keys[e.name];
    EXPECT_EQ(k->type, e.type) << e.name;
    if (e.dflt == nullptr) {
      EXPECT_EQ(k->has_default, 0) << e.name;
    } else {
      EXPECT_EQ(k->has_default, 1) << e.name;
      EXPECT_STREQ(k->default_value, e.dflt) << e.name;
    }
  }
  ASSERT_TRUE(keys.count("rabbitmq.uri"));
  EXPECT_EQ(keys["rabbitmq.uri"]->type, SLUICE_CONFIG_PASSWORD);  // it may carry a password
  EXPECT_EQ(keys["rabbitmq.uri"]->default_value, nullptr);
  const sluice_config_key* protocol = keys["rabbitmq.security.protocol"];
  EXPECT_EQ(
      std::vector<std::string>(protocol->valid_values, protocol->valid_values + protocol->valid_value_count),
      (std::vector<std::string>{"PLAINTEXT", "SSL"}));
  for (const char* tls_key :
       {"rabbitmq.ssl.ca.location", "rabbitmq.ssl.certificate.location", "rabbitmq.ssl.key.location",
        "rabbitmq.ssl.key.password", "rabbitmq.ssl.verify.hostname", "rabbitmq.ssl.verify.peer"})
    EXPECT_TRUE(keys.count(tls_key)) << tls_key;
}

TEST(RabbitMqPluginTest, TaskConfigsGiveEveryTaskEveryQueue) {
  FakeHost host;
  Err err;
  const sluice_connector_vtable* vt = connector_vt();
  void* self = vt->create(&host.api, host.ctx(), &err.err);
  sdk::ConfigMap config = config_for("a,b");
  sdk::Arena arena;
  sluice_config cfg = arena.config(config);
  ASSERT_EQ(vt->start(self, &cfg, &err.err), SLUICE_OK) << err.message;
  std::vector<sdk::ConfigMap> tasks;
  auto emit = [](void* user, const sluice_config* c) {
    static_cast<std::vector<sdk::ConfigMap>*>(user)->push_back(sdk::AbiReader::config(c));
  };
  ASSERT_EQ(vt->task_configs(self, 3, emit, &tasks, &err.err), SLUICE_OK);
  ASSERT_EQ(tasks.size(), 3u);
  for (const auto& t : tasks) EXPECT_EQ(t, config);
  EXPECT_EQ(vt->stop(self, &err.err), SLUICE_OK);
  vt->destroy(self);
}

// ---- validation -----------------------------------------------------------------------------------------

TEST(RabbitMqValidateTest, AGoodConfigHasNoIssues) {
  AmqpTestClient client(broker().port());
  const std::string queue = fresh_queue(client, 0);
  EXPECT_TRUE(validate(config_for(queue)).empty());
}

TEST(RabbitMqValidateTest, AMissingQueueIsReportedAgainstRabbitmqQueue) {
  AmqpTestClient client(broker().port());
  const std::string queue = fresh_queue(client, 0);
  auto issues = validate(config_for(queue + ",nope-1,nope-2"));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].first, "rabbitmq.queue");
  EXPECT_EQ(issues[0].second, "Queue 'nope-1' does not exist on " + where() +
                                  ": NOT_FOUND - no queue 'nope-1' in vhost '/' (reply code 404); create the "
                                  "queue or fix rabbitmq.queue");
  EXPECT_EQ(issues[1].second, "Queue 'nope-2' does not exist on " + where() +
                                  ": NOT_FOUND - no queue 'nope-2' in vhost '/' (reply code 404); create the "
                                  "queue or fix rabbitmq.queue");
}

TEST(RabbitMqValidateTest, WrongCredentialsAreReportedAgainstRabbitmqUsername) {
  auto config = config_for("q");
  config["rabbitmq.password"] = "wrong";
  auto issues = validate(config);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].first, "rabbitmq.username");
  EXPECT_EQ(issues[0].second,
            where() +
                " refused the login of user 'guest': ACCESS_REFUSED - Login was refused using authentication "
                "mechanism PLAIN. For details see the broker logfile. (reply code 403); check "
                "rabbitmq.username and rabbitmq.password");
}

TEST(RabbitMqValidateTest, AnUnknownVirtualHostIsReportedAgainstRabbitmqVirtualHost) {
  auto config = config_for("q");
  config["rabbitmq.virtual.host"] = "nope";
  auto issues = validate(config);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].first, "rabbitmq.virtual.host");
  EXPECT_EQ(issues[0].second,
            "RabbitMQ at amqp://127.0.0.1:" + port_text() +
                ", virtual host 'nope' refused virtual host 'nope' for user 'guest': NOT_ALLOWED - "
                "vhost nope not found (reply code 530); check rabbitmq.virtual.host");
}

TEST(RabbitMqValidateTest, AnUnreachableHostIsReportedAgainstRabbitmqHost) {
  const std::uint16_t closed = sluice::test::free_port();
  auto config = config_for("q");
  config["rabbitmq.port"] = std::to_string(closed);
  const auto start = std::chrono::steady_clock::now();
  auto issues = validate(config);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 15s);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].first, "rabbitmq.host");
  EXPECT_EQ(issues[0].second,
            "Could not connect to RabbitMQ at amqp://127.0.0.1:" + std::to_string(closed) +
                ", virtual host '/': Connection refused; check rabbitmq.host and rabbitmq.port");
}

TEST(RabbitMqValidateTest, CrossKeyProblemsAreReportedWithoutConnecting) {
  auto config = config_for(" , ");
  config["message.key.source"] = "header";
  config["rabbitmq.ssl.certificate.location"] = "/tmp/cert.pem";
  config["rabbitmq.https.ssl.truststore.location"] = "/tmp/truststore.jks";
  auto issues = validate(config);
  ASSERT_EQ(issues.size(), 4u);
  EXPECT_EQ(issues[0],
            (std::pair<std::string, std::string>{
                "rabbitmq.queue",
                "rabbitmq.queue lists no queue: name at least one RabbitMQ queue to consume from"}));
  EXPECT_EQ(issues[1],
            (std::pair<std::string, std::string>{
                "message.key.header",
                "message.key.source is 'header' but message.key.header names no header: set it to the "
                "message header whose value should become the record key"}));
  EXPECT_EQ(issues[2], (std::pair<std::string, std::string>{
                           "rabbitmq.ssl.key.location",
                           "A client certificate needs both rabbitmq.ssl.certificate.location and "
                           "rabbitmq.ssl.key.location (PEM files)"}));
  EXPECT_EQ(issues[3],
            (std::pair<std::string, std::string>{
                "rabbitmq.https.ssl.truststore.location",
                "rabbitmq.https.ssl.truststore.location (a Java keystore) is not supported: convert it to "
                "PEM and use rabbitmq.ssl.ca.location, rabbitmq.ssl.certificate.location and "
                "rabbitmq.ssl.key.location"}));
}

TEST(RabbitMqValidateTest, SingleKeyErrorsAreLeftToTheConfigDefAndFailTheTaskStart) {
  // validate() adds nothing for a value the ConfigDef already rejects (the host reports it on the key).
  auto bad_port = config_for("q");
  bad_port["rabbitmq.port"] = "abc";
  EXPECT_TRUE(validate(bad_port).empty());
  Task task(bad_port);
  EXPECT_EQ(task.start_status, SLUICE_FATAL);
  EXPECT_EQ(task.err.cls, "org.apache.kafka.common.config.ConfigException");
  EXPECT_EQ(task.err.message, "Invalid value abc for configuration rabbitmq.port: Not a number of type INT");

  auto no_topic = config_for("q");
  no_topic.erase("kafka.topic");
  Task task2(no_topic);
  EXPECT_EQ(task2.start_status, SLUICE_FATAL);
  EXPECT_EQ(task2.err.message, "Missing required configuration \"kafka.topic\" which has no default value.");

  auto bad_converter = config_for("q");
  bad_converter["message.converter"] = "avro";
  Task task3(bad_converter);
  EXPECT_EQ(task3.start_status, SLUICE_FATAL);
  EXPECT_EQ(
      task3.err.message,
      "Invalid value avro for configuration message.converter: Expected bytes, string or envelope (or one of "
      "jcustenborder's message converter class names)");
}

// ---- start failures -------------------------------------------------------------------------------------

TEST(RabbitMqTaskStartTest, AMissingQueueFailsTheTaskAtOnce) {
  Task task(config_for("does-not-exist"));
  EXPECT_EQ(task.start_status, SLUICE_FATAL);
  EXPECT_EQ(task.err.cls, kConnectException);
  EXPECT_EQ(task.err.message,
            "Queue 'does-not-exist' does not exist on " + where() +
                ": NOT_FOUND - no queue 'does-not-exist' in vhost '/' (reply code 404); create the "
                "queue or fix rabbitmq.queue");
}

TEST(RabbitMqTaskStartTest, WrongCredentialsFailTheTaskAtOnce) {
  auto config = config_for("q");
  config["rabbitmq.username"] = "nobody";
  Task task(config);
  EXPECT_EQ(task.start_status, SLUICE_FATAL);
  EXPECT_EQ(
      task.err.message,
      where() +
          " refused the login of user 'nobody': ACCESS_REFUSED - Login was refused using authentication "
          "mechanism PLAIN. For details see the broker logfile. (reply code 403); check "
          "rabbitmq.username and rabbitmq.password");
}

TEST(RabbitMqTaskStartTest, AnUnreachableHostFailsTheTaskAtOnce) {
  const std::uint16_t closed = sluice::test::free_port();
  auto config = config_for("q");
  config["rabbitmq.port"] = std::to_string(closed);
  Task task(config);
  EXPECT_EQ(task.start_status, SLUICE_FATAL);
  EXPECT_EQ(task.err.message,
            "Could not connect to RabbitMQ at amqp://127.0.0.1:" + std::to_string(closed) +
                ", virtual host '/': Connection refused; check rabbitmq.host and rabbitmq.port");
}

TEST(RabbitMqTaskStartTest, AnUnknownHostNameFailsTheTaskAtOnce) {
  auto config = config_for("q");
  config["rabbitmq.host"] = "no-such-host.invalid";
  Task task(config);
  EXPECT_EQ(task.start_status, SLUICE_FATAL);
  EXPECT_EQ(task.err.message.rfind("Could not connect to RabbitMQ at amqp://no-such-host.invalid:" +
                                       port_text() + ", virtual host '/': ",
                                   0),
            0u)
      << task.err.message;
}

// ---- mapping through a real broker ----------------------------------------------------------------------

// Every field-table type RabbitMQ carries (it has no unsigned 64-bit type: see message_mapping_test.cpp).
struct AllTypesHeaders {
  amqp_table_entry_t nested_entries[1];
  amqp_field_value_t array_items[3];
  amqp_field_value_t mixed_items[2];
  amqp_table_entry_t entries[18];
  char raw_bytes[3] = {'\0', '\x01', '\xFF'};

  static amqp_field_value_t f(char kind) {
    amqp_field_value_t v{};
    v.kind = static_cast<std::uint8_t>(kind);
    return v;
  }
  AllTypesHeaders() {
    auto set = [](amqp_table_entry_t& e, const char* key, amqp_field_value_t v) {
      e.key = amqp_cstring_bytes(key);
      e.value = v;
    };
    amqp_field_value_t v;
    v = f(AMQP_FIELD_KIND_BOOLEAN), v.value.boolean = 1, set(entries[0], "bool", v);
    v = f(AMQP_FIELD_KIND_I8), v.value.i8 = -5, set(entries[1], "i8", v);
    v = f(AMQP_FIELD_KIND_U8), v.value.u8 = 200, set(entries[2], "u8", v);
    v = f(AMQP_FIELD_KIND_I16), v.value.i16 = -300, set(entries[3], "i16", v);
    v = f(AMQP_FIELD_KIND_U16), v.value.u16 = 60000, set(entries[4], "u16", v);
    v = f(AMQP_FIELD_KIND_I32), v.value.i32 = -70000, set(entries[5], "i32", v);
    v = f(AMQP_FIELD_KIND_U32), v.value.u32 = 4000000000u, set(entries[6], "u32", v);
    v = f(AMQP_FIELD_KIND_I64), v.value.i64 = -5000000000LL, set(entries[7], "i64", v);
    v = f(AMQP_FIELD_KIND_F32), v.value.f32 = 1.5f, set(entries[8], "f32", v);
    v = f(AMQP_FIELD_KIND_F64), v.value.f64 = 2.25, set(entries[9], "f64", v);
    v = f(AMQP_FIELD_KIND_DECIMAL), v.value.decimal = amqp_decimal_t{2, 12345}, set(entries[10], "dec", v);
    v = f(AMQP_FIELD_KIND_UTF8), v.value.bytes = amqp_cstring_bytes("h\xC3\xA9llo"),
    set(entries[11], "str", v);
    v = f(AMQP_FIELD_KIND_BYTES), v.value.bytes = amqp_bytes_t{3, raw_bytes}, set(entries[12], "bytes", v);
    v = f(AMQP_FIELD_KIND_TIMESTAMP), v.value.u64 = 1700000001, set(entries[13], "ts", v);
    set(entries[14], "void", f(AMQP_FIELD_KIND_VOID));
    amqp_field_value_t inner = f(AMQP_FIELD_KIND_BOOLEAN);
    inner.value.boolean = 0;
    set(nested_entries[0], "c", inner);
    v = f(AMQP_FIELD_KIND_TABLE), v.value.table = amqp_table_t{1, nested_entries},
    set(entries[15], "table", v);
    for (int i = 0; i < 3; ++i) {
      array_items[i] = f(AMQP_FIELD_KIND_I32);
      array_items[i].value.i32 = i + 1;
    }
    v = f(AMQP_FIELD_KIND_ARRAY), v.value.array = amqp_array_t{3, array_items}, set(entries[16], "array", v);
    mixed_items[0] = f(AMQP_FIELD_KIND_I32);
    mixed_items[0].value.i32 = 1;
    mixed_items[1] = f(AMQP_FIELD_KIND_UTF8);
    mixed_items[1].value.bytes = amqp_cstring_bytes("two");
    v = f(AMQP_FIELD_KIND_ARRAY), v.value.array = amqp_array_t{2, mixed_items}, set(entries[17], "mixed", v);
  }
  amqp_table_t table() { return amqp_table_t{18, entries}; }
};

AmqpProperties all_properties(AllTypesHeaders& headers) {
  AmqpProperties p;
  p.content_type = "application/json";
  p.content_encoding = "utf-8";
  p.delivery_mode = 2;
  p.priority = 7;
  p.correlation_id = "corr-1";
  p.reply_to = "replies";
  p.expiration = "600000";
  p.message_id = "msg-1";
  p.timestamp = 1700000000;
  p.type = "order.created";
  p.user_id = "guest";
  p.app_id = "tests";
  p.headers = headers.table();
  return p;
}

TEST(RabbitMqMappingTest, EveryPropertyAndHeaderTypeArrivesTyped) {
  AmqpTestClient client(broker().port());
  const std::string queue = fresh_queue(client, 0);
  AllTypesHeaders headers;
  client.publish(queue, "{\"id\":1}", all_properties(headers));
  auto config = config_for(queue);
  config["message.key.source"] = "message.id";
  Task task(config);
  ASSERT_EQ(task.start_status, SLUICE_OK) << task.err.message;
  auto records = task.poll_n(1);
  ASSERT_EQ(records.size(), 1u);
  const Rec& r = records[0];
  EXPECT_EQ(r.record.topic, "rabbit");
  EXPECT_EQ(r.record.value_schema.type(), sdk::Type::Bytes);
  EXPECT_EQ(r.record.value, Value::bytes("{\"id\":1}"));
  EXPECT_EQ(r.record.key, Value::string("msg-1"));
  EXPECT_EQ(r.record.timestamp, std::optional<std::int64_t>(1700000000000LL));
  EXPECT_EQ(r.record.source_partition, Value::string_map({{"queue", Value::string(queue)}}));
  EXPECT_EQ(r.record.source_offset, Value::string_map({{"deliveryTag", Value::int64(1)}}));

  EXPECT_EQ(*r.header("rabbitmq.content.type"), Value::string("application/json"));
  EXPECT_EQ(*r.header("rabbitmq.content.encoding"), Value::string("utf-8"));
  EXPECT_EQ(*r.header("rabbitmq.delivery.mode"), Value::int32(2));
  EXPECT_EQ(*r.header("rabbitmq.priority"), Value::int32(7));
  EXPECT_EQ(*r.header("rabbitmq.correlation.id"), Value::string("corr-1"));
  EXPECT_EQ(*r.header("rabbitmq.reply.to"), Value::string("replies"));
  EXPECT_EQ(*r.header("rabbitmq.expiration"), Value::string("600000"));
  EXPECT_EQ(*r.header("rabbitmq.message.id"), Value::string("msg-1"));
  EXPECT_EQ(*r.header("rabbitmq.timestamp"), Value::int64(1700000000000LL));
  EXPECT_EQ(*r.header("rabbitmq.type"), Value::string("order.created"));
  EXPECT_EQ(*r.header("rabbitmq.user.id"), Value::string("guest"));
  EXPECT_EQ(*r.header("rabbitmq.app.id"), Value::string("tests"));
  EXPECT_EQ(*r.header("rabbitmq.delivery.tag"), Value::int64(1));
  EXPECT_EQ(*r.header("rabbitmq.redeliver"), Value::boolean(false));
  EXPECT_EQ(*r.header("rabbitmq.exchange"), Value::string(""));
  EXPECT_EQ(*r.header("rabbitmq.routing.key"), Value::string(queue));
  EXPECT_EQ(r.header("rabbitmq.consumer.tag")->as_string().rfind("sluice-", 0), 0u);

  EXPECT_EQ(*r.header("rabbitmq.headers.bool"), Value::boolean(true));
  EXPECT_EQ(*r.header("rabbitmq.headers.i8"), Value::int8(-5));
  EXPECT_EQ(*r.header("rabbitmq.headers.u8"), Value::int16(200));
  EXPECT_EQ(*r.header("rabbitmq.headers.i16"), Value::int16(-300));
  EXPECT_EQ(*r.header("rabbitmq.headers.u16"), Value::int32(60000));
  EXPECT_EQ(*r.header("rabbitmq.headers.i32"), Value::int32(-70000));
  EXPECT_EQ(*r.header("rabbitmq.headers.u32"), Value::int64(4000000000LL));
  EXPECT_EQ(*r.header("rabbitmq.headers.i64"), Value::int64(-5000000000LL));
  EXPECT_EQ(*r.header("rabbitmq.headers.f32"), Value::float32(1.5f));
  EXPECT_EQ(*r.header("rabbitmq.headers.f64"), Value::float64(2.25));
  const sdk::Header* dec = r.record.headers.last_with_name("rabbitmq.headers.dec");
  ASSERT_NE(dec, nullptr);
  EXPECT_EQ(dec->schema.name().value_or(""), "org.apache.kafka.connect.data.Decimal");
  EXPECT_EQ(sdk::logical::decimal_to_string(dec->value.as_bytes(), sdk::logical::decimal_scale(dec->schema)),
            "123.45");
  EXPECT_EQ(*r.header("rabbitmq.headers.str"), Value::string("h\xC3\xA9llo"));
  EXPECT_EQ(*r.header("rabbitmq.headers.bytes"), Value::bytes(std::string("\0\x01\xFF", 3)));
  const sdk::Header* ts = r.record.headers.last_with_name("rabbitmq.headers.ts");
  EXPECT_EQ(ts->schema.name().value_or(""), "org.apache.kafka.connect.data.Timestamp");
  EXPECT_EQ(ts->value, Value::int64(1700000001000LL));
  EXPECT_TRUE(r.header("rabbitmq.headers.void")->is_null());
  const sdk::Header* table = r.record.headers.last_with_name("rabbitmq.headers.table");
  ASSERT_EQ(table->schema.type(), sdk::Type::Struct);
  EXPECT_EQ(table->value.as_struct().get("c"), Value::boolean(false));
  const sdk::Header* array = r.record.headers.last_with_name("rabbitmq.headers.array");
  EXPECT_EQ(array->schema.value_schema().type(), sdk::Type::Int32);
  EXPECT_EQ(array->value, Value::array({Value::int32(1), Value::int32(2), Value::int32(3)}));
  EXPECT_EQ(*r.header("rabbitmq.headers.mixed"), Value::array({Value::int32(1), Value::string("two")}));
  task.commit_all(records);
}

TEST(RabbitMqMappingTest, StringAndEnvelopeValuesAndOtherKeySources) {
  AmqpTestClient client(broker().port());
  const std::string queue = fresh_queue(client, 0);
  AllTypesHeaders headers;
  client.publish(queue, "caf\xC3\xA9", all_properties(headers));
  client.publish(queue, "caf\xC3\xA9", all_properties(headers));
  {
    auto config = config_for(queue);
    config["message.converter"] =
        "com.github.jcustenborder.kafka.connect.rabbitmq.source.data.StringSourceMessageConverter";
    config["message.key.source"] = "header";
    config["message.key.header"] = "i32";
    config["rabbitmq.prefetch.count"] = "1";
    Task task(config);
    ASSERT_EQ(task.start_status, SLUICE_OK) << task.err.message;
    auto records = task.poll_n(1);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].record.value_schema.type(), sdk::Type::String);
    EXPECT_EQ(records[0].record.value, Value::string("caf\xC3\xA9"));
    EXPECT_EQ(records[0].record.key, Value::int32(-70000));
    task.commit_all(records);
  }
  auto config = config_for(queue);
  config["message.converter"] = "envelope";
  config["message.key.source"] = "correlation.id";
  Task task(config);
  ASSERT_EQ(task.start_status, SLUICE_OK) << task.err.message;
  auto records = task.poll_n(1);
  ASSERT_EQ(records.size(), 1u);
  const sdk::SourceRecord& r = records[0].record;
  EXPECT_EQ(r.key, Value::string("corr-1"));
  EXPECT_EQ(r.value_schema.name().value_or(""), "com.github.jcustenborder.kafka.connect.rabbitmq.Message");
  const sdk::Struct& m = r.value.as_struct();
  EXPECT_EQ(m.get("body"), Value::bytes("caf\xC3\xA9"));
  EXPECT_EQ(m.get("envelope").as_struct().get("routingKey"), Value::string(queue));
  const sdk::Struct& props = m.get("basicProperties").as_struct();
  EXPECT_EQ(props.get("messageId"), Value::string("msg-1"));
  EXPECT_EQ(props.get("headers").as_map().size(), 18u);
  task.commit_all(records);
}

// ---- acknowledgements -----------------------------------------------------------------------------------

TEST(RabbitMqAckTest, NothingIsAcknowledgedWithoutCommitRecord) {
  AmqpTestClient client(broker().port());
  const std::string queue = fresh_queue(client, 10);
  {
    Task task(config_for(queue));
    ASSERT_EQ(task.start_status, SLUICE_OK) << task.err.message;
    auto records = task.poll_n(10);
    ASSERT_EQ(records.size(), 10u);
    EXPECT_EQ(bodies(records), expected_bodies(0, 10));
    EXPECT_EQ(depth(queue), 0u);  // all delivered, none acknowledged
    // Destroyed without a single commit_record, as a crashed worker leaves it.
    task.destroy();
  }
  ASSERT_TRUE(
      wait_until([&] { return depth(queue) == 10; }, 20s, "the 10 unacknowledged messages to be requeued"));
  Task again(config_for(queue));
  auto redelivered = again.poll_n(10);
  ASSERT_EQ(redelivered.size(), 10u);
  EXPECT_EQ(bodies(redelivered), expected_bodies(0, 10));
  for (const auto& r : redelivered) EXPECT_EQ(*r.header("rabbitmq.redeliver"), Value::boolean(true));
  again.commit_all(redelivered);
}

TEST(RabbitMqAckTest, OnlyTheContiguousCommittedPrefixIsAcknowledged) {
  AmqpTestClient client(broker().port());
  const std::string queue = fresh_queue(client, 10);
  {
    Task task(config_for(queue));
    ASSERT_EQ(task.start_status, SLUICE_OK) << task.err.message;
    auto records = task.poll_n(10);
    ASSERT_EQ(records.size(), 10u);
    std::map<std::string, const Rec*> by_body;
    for (const auto& r : records) by_body[r.body()] = &r;
    // Kafka acknowledges out of order: m0..m4 complete (in a shuffled order), m5 never, m6 and m7 do.
    for (const char* b : {"m2", "m0", "m4", "m6", "m1", "m7", "m3"}) task.commit(*by_body.at(b));
    EXPECT_EQ(task.stop(), SLUICE_OK);
  }
  ASSERT_TRUE(wait_until([&] { return depth(queue) == 5; }, 20s, "m5..m9 to be requeued"));
  Task rest(config_for(queue));
  auto records = rest.poll_n(5);
  EXPECT_EQ(bodies(records), expected_bodies(5, 10));
  rest.commit_all(records);
  EXPECT_EQ(rest.stop(), SLUICE_OK);
  rest.destroy();
  EXPECT_EQ(depth(queue), 0u);
  Task empty(config_for(queue));
  EXPECT_TRUE(empty.poll_n(1, 1500ms).empty());
}

TEST(RabbitMqAckTest, AcknowledgementsFlowWhileRunningAndPrefetchBoundsTheBacklog) {
  AmqpTestClient client(broker().port());
  const std::string queue = fresh_queue(client, 20);
  auto config = config_for(queue);
  config["rabbitmq.prefetch.count"] = "5";
  Task task(config);
  ASSERT_EQ(task.start_status, SLUICE_OK) << task.err.message;
  auto first = task.poll_n(5);
  ASSERT_EQ(first.size(), 5u);
  // basic.qos: no sixth message while five are unacknowledged.
  EXPECT_TRUE(task.poll_n(1, 1500ms).empty());
  // Acknowledging them (while the task runs) opens the window again.
  task.commit_all(first);
  auto second = task.poll_n(5);
  EXPECT_EQ(second.size(), 5u);
  task.commit_all(second);
  auto rest = task.poll_commit_n(10);
  EXPECT_EQ(rest.size(), 10u);
  std::vector<Rec> all = first;
  all.insert(all.end(), second.begin(), second.end());
  all.insert(all.end(), rest.begin(), rest.end());
  EXPECT_EQ(bodies(all), expected_bodies(0, 20));
}

TEST(RabbitMqAckTest, RecordsDroppedByATransformationAreAcknowledgedToo) {
  AmqpTestClient client(broker().port());
  const std::string queue = fresh_queue(client, 3);
  {
    Task task(config_for(queue));
    auto records = task.poll_n(3);
    ASSERT_EQ(records.size(), 3u);
    for (const auto& r : records) task.commit_dropped(r);  // metadata NULL: a transformation dropped it
  }
  EXPECT_EQ(depth(queue), 0u);
}

TEST(RabbitMqAckTest, CompetingTasksSplitAQueueWithoutDuplicates) {
  AmqpTestClient client(broker().port());
  const std::string queue = fresh_queue(client, 300);
  auto config = config_for(queue);
  config["rabbitmq.prefetch.count"] = "10";
  Task a(config), b(config);
  ASSERT_EQ(a.start_status, SLUICE_OK) << a.err.message;
  ASSERT_EQ(b.start_status, SLUICE_OK) << b.err.message;
  std::vector<std::string> seen;
  std::size_t from_a = 0, from_b = 0;
  ASSERT_TRUE(wait_until(
      [&] {
        for (auto* t : {&a, &b}) {
          auto records = t->poll();
          (t == &a ? from_a : from_b) += records.size();
          for (const auto& r : records) seen.push_back(r.body());
          t->commit_all(records);
        }
        return seen.size() >= 300;
      },
      60s, "300 messages over two tasks"));
  EXPECT_EQ(seen.size(), 300u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected_bodies(0, 300));
  EXPECT_GT(from_a, 0u);
  EXPECT_GT(from_b, 0u);
}

TEST(RabbitMqAckTest, ADeletedQueueFailsTheTaskWithTheReason) {
  AmqpTestClient client(broker().port());
  const std::string queue = fresh_queue(client, 1);
  Task task(config_for(queue));
  ASSERT_EQ(task.start_status, SLUICE_OK) << task.err.message;
  auto records = task.poll_n(1);
  ASSERT_EQ(records.size(), 1u);
  client.delete_queue(queue);
  ASSERT_TRUE(
      wait_until([&] { return task.poll(), task.last_status != SLUICE_OK; }, 30s, "the task to fail"));
  EXPECT_EQ(task.last_status, SLUICE_FATAL);
  EXPECT_EQ(task.err.message, "Queue '" + queue + "' does not exist on " + where() +
                                  ": NOT_FOUND - no queue '" + queue +
                                  "' in vhost '/' (reply code 404); create the queue or fix rabbitmq.queue");
  EXPECT_TRUE(task.host.logged(SLUICE_LOG_WARN, "cancelled consumer")) << task.host.dump();
}

// ---- TLS and URI ----------------------------------------------------------------------------------------

TEST(RabbitMqTlsTest, ConsumesOverTlsWithCaVerificationAndAClientCertificate) {
  AmqpTestClient client(broker().port());
  const std::string queue = fresh_queue(client, 3);
  auto config = config_for(queue);
  config["rabbitmq.host"] = "localhost";
  config["rabbitmq.port"] = std::to_string(broker().tls_port());
  config["rabbitmq.security.protocol"] = "SSL";
  config["rabbitmq.ssl.ca.location"] = broker().ca_file().string();
  config["rabbitmq.ssl.certificate.location"] = broker().client_cert_file().string();
  config["rabbitmq.ssl.key.location"] = broker().client_key_file().string();
  EXPECT_TRUE(validate(config).empty());
  Task task(config);
  ASSERT_EQ(task.start_status, SLUICE_OK) << task.err.message;
  auto records = task.poll_n(3);
  EXPECT_EQ(bodies(records), expected_bodies(0, 3));
  task.commit_all(records);
}

TEST(RabbitMqTlsTest, AnUntrustedBrokerCertificateFailsWithAHint) {
  auto config = config_for("q");
  config["rabbitmq.host"] = "localhost";
  config["rabbitmq.port"] = std::to_string(broker().tls_port());
  config["rabbitmq.security.protocol"] = "SSL";
  config["rabbitmq.ssl.ca.location"] =
      broker().client_cert_file().string();  // not the CA that signed the broker
  Task task(config);
  EXPECT_EQ(task.start_status, SLUICE_FATAL);
  EXPECT_EQ(task.err.message.rfind("Could not connect to RabbitMQ at amqps://localhost:" +
                                       std::to_string(broker().tls_port()) + ", virtual host '/': ",
                                   0),
            0u)
      << task.err.message;
  EXPECT_NE(task.err.message.find("rabbitmq.ssl.ca.location"), std::string::npos) << task.err.message;
}

TEST(RabbitMqUriTest, TheUriReplacesHostPortCredentialsAndVirtualHost) {
  AmqpTestClient client(broker().port());
  const std::string queue = fresh_queue(client, 2);
  auto config = config_for(queue);
  config["rabbitmq.host"] = "wrong-host.invalid";
  config["rabbitmq.port"] = "1";
  config["rabbitmq.password"] = "wrong";
  config["rabbitmq.uri"] = broker().url();
  Task task(config);
  ASSERT_EQ(task.start_status, SLUICE_OK) << task.err.message;
  auto records = task.poll_n(2);
  EXPECT_EQ(bodies(records), expected_bodies(0, 2));
  task.commit_all(records);

  config["rabbitmq.uri"] = "http://nope";
  Task bad(config);
  EXPECT_EQ(bad.start_status, SLUICE_FATAL);
  EXPECT_EQ(bad.err.message,
            "Invalid value [hidden] for configuration rabbitmq.uri: Expected an AMQP URI such as "
            "amqp://user:password@host:5672/vhost or amqps://...");
}

// ---- broker failures (these take the broker away: keep them last) ----------------------------------------

TEST(RabbitMqRecoveryTest, ABrokerRestartKeepsTheTaskRunningAndLosesNothing) {
  std::string queue, other;
  {
    AmqpTestClient client(broker().port());
    queue = fresh_queue(client, 300);
    other = fresh_queue(client, 1, ".no-recovery");
  }
  auto config = config_for(queue);
  config["rabbitmq.prefetch.count"] = "50";
  Task task(config);
  ASSERT_EQ(task.start_status, SLUICE_OK) << task.err.message;
  auto no_recovery_config = config_for(other);
  no_recovery_config["rabbitmq.automatic.recovery.enabled"] = "false";
  Task no_recovery(no_recovery_config);
  ASSERT_EQ(no_recovery.start_status, SLUICE_OK) << no_recovery.err.message;
  ASSERT_EQ(no_recovery.poll_n(1).size(), 1u);

  std::vector<std::string> committed;
  auto acked_before = task.poll_commit_n(100);
  ASSERT_GE(acked_before.size(), 100u);
  for (const auto& r : acked_before) committed.push_back(r.body());
  // In flight to Kafka when the broker goes away: never committed before the restart.
  auto held = task.poll_n(50);
  ASSERT_FALSE(held.empty());

  broker().stop();
  // The task stays RUNNING: polls succeed (and return nothing) while the broker is down.
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(task.poll().empty());
    EXPECT_EQ(task.last_status, SLUICE_OK) << task.err.message;
  }
  ASSERT_TRUE(
      wait_until([&] { return task.host.logged(SLUICE_LOG_WARN, "Lost the connection to RabbitMQ: "); }, 30s,
                 "the lost-connection warning"));
  // Recovery disabled: that task fails, with the reason.
  ASSERT_TRUE(wait_until([&] { return no_recovery.poll(), no_recovery.last_status != SLUICE_OK; }, 30s,
                         "the task without automatic recovery to fail"));
  EXPECT_EQ(no_recovery.last_status, SLUICE_FATAL);
  EXPECT_EQ(no_recovery.err.cls, kConnectException);
  EXPECT_EQ(no_recovery.err.message,
            "The connection to RabbitMQ was lost and rabbitmq.automatic.recovery.enabled is false, so the "
            "task stops "
            "(restart it to reconnect): " +
                where() +
                " closed the connection: CONNECTION_FORCED - broker forced connection closure with reason "
                "'shutdown' "
                "(reply code 320)");

  broker().start();
  ASSERT_TRUE(wait_until([&] { return task.host.logged(SLUICE_LOG_WARN, "Reconnected to " + where()); }, 60s,
                         "the reconnection"))
      << task.host.dump();
  // Kafka acknowledges the records of the old connection only now: their tags mean other messages on the new
  // channel, so nothing may be acknowledged for them.
  task.commit_all(held);
  // Take one batch on the new connection and never commit it: it must come back after the task stops.
  auto uncommitted = task.poll_n(10);
  ASSERT_FALSE(uncommitted.empty());
  EXPECT_EQ(task.last_status, SLUICE_OK) << task.err.message;
  EXPECT_EQ(task.stop(), SLUICE_OK);
  task.destroy();

  Task drain(config);
  ASSERT_EQ(drain.start_status, SLUICE_OK) << drain.err.message;
  std::set<std::string> remaining;
  ASSERT_TRUE(wait_until(
      [&] {
        auto records = drain.poll();
        for (const auto& r : records) remaining.insert(r.body());
        drain.commit_all(records);
        return depth(queue) == 0 && records.empty();
      },
      60s, "the queue to drain"));
  for (const auto& r : uncommitted)
    EXPECT_TRUE(remaining.count(r.body())) << r.body() << " was acknowledged unsent";
  std::set<std::string> all(committed.begin(), committed.end());
  all.insert(remaining.begin(), remaining.end());
  EXPECT_EQ(all, expected_bodies(0, 300));
  EXPECT_EQ(drain.stop(), SLUICE_OK);
  drain.destroy();
  EXPECT_EQ(depth(queue), 0u);
}

TEST(RabbitMqRecoveryTest, MissedHeartbeatsAreDetectedAndTheTaskRecovers) {
  std::string queue;
  {
    AmqpTestClient client(broker().port());
    queue = fresh_queue(client, 20);
  }
  auto config = config_for(queue);
  config["rabbitmq.requested.heartbeat.seconds"] = "1";
  config["rabbitmq.handshake.timeout.ms"] = "2000";
  config["rabbitmq.prefetch.count"] = "5";
  Task task(config);
  ASSERT_EQ(task.start_status, SLUICE_OK) << task.err.message;
  auto first = task.poll_n(5);
  ASSERT_EQ(first.size(), 5u);
  task.commit_all(first);
  std::set<std::string> seen = bodies(first);

  broker().pause();  // frozen: no heartbeats, no answers
  const bool detected = wait_until([&] { return task.host.logged(SLUICE_LOG_WARN, "missed heartbeats"); },
                                   30s, "the missed heartbeats to be noticed");
  broker().resume();
  ASSERT_TRUE(detected) << task.host.dump();
  ASSERT_TRUE(wait_until(
      [&] {
        auto records = task.poll();
        EXPECT_EQ(task.last_status, SLUICE_OK) << task.err.message;
        for (const auto& r : records) seen.insert(r.body());
        task.commit_all(records);
        return seen.size() == 20;
      },
      90s, "all 20 messages after the recovery"))
      << task.host.dump();
  EXPECT_EQ(seen, expected_bodies(0, 20));
}

}  // namespace
