// StandaloneHerder against the real Worker, the real FileStream plugin (build/plugins) and `sluice dev-kafka`.
// Every test gets its own herder, offset file and topic names; the dev broker is shared by the suite.

#include "core/herder/standalone_herder.hpp"

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/convert/builtins.hpp"
#include "core/herder/connector_validator.hpp"
#include "core/storage/file_offset_store.hpp"
#include "core/worker/worker_config.hpp"
#include "plugins/host/registry.hpp"
#include "tests/support/harness.hpp"

#include <gmock/gmock.h>
#include <spdlog/spdlog.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace sluice::herder {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kSource = "org.apache.kafka.connect.file.FileStreamSourceConnector";
constexpr const char* kSink = "org.apache.kafka.connect.file.FileStreamSinkConnector";
constexpr const char* kWorkerId = "127.0.0.1:8083";

// Runs `fn` and returns the message of the exception of type E it throws; fails the test otherwise.
template <typename E>
std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected a different exception type, got: " << e.what();
    return {};
  }
  ADD_FAILURE() << "no exception thrown";
  return {};
}

// ---- an in-process test connector, to drive task reconfiguration and failures ------------------------------

constexpr const char* kTestSource = "test.ReconfiguringSource";

// What the test connector does, shared with the test.
struct TestControl {
  std::atomic<int> tasks{1};                   // how many task configs task_configs() returns
  std::atomic<int> generation{0};              // part of every task config: bump it to change them
  std::atomic<int> task_config_calls{0};
  std::atomic<int> task_starts{0};
  std::atomic<api::ConnectorContext*> context{nullptr};
};

class TestSourceConnector final : public api::Connector {
 public:
  TestSourceConnector(TestControl& control, api::ConnectorContext& ctx) : control_(control), ctx_(ctx) {}
  api::ConnectorType type() const override { return api::ConnectorType::Source; }
  void start(const StringMap&) override { control_.context = &ctx_; }
  std::vector<StringMap> task_configs(int) override {
    ++control_.task_config_calls;
    std::vector<StringMap> out;
    for (int i = 0; i < control_.tasks; ++i)
      out.push_back({{"index", std::to_string(i)}, {"generation", std::to_string(control_.generation.load())}});
    return out;
  }
  void stop() override {
    api::ConnectorContext* expected = &ctx_;
    control_.context.compare_exchange_strong(expected, nullptr);
  }
  std::vector<api::ValidationIssue> validate(const StringMap&) override { return {}; }
  bool alter_offsets(const StringMap&, const std::vector<api::OffsetEntry>&) override { return false; }
  const config::ConfigDef& config_def() const override { return def_; }
  const std::string& version() const override { return version_; }

 private:
  TestControl& control_;
  api::ConnectorContext& ctx_;
  config::ConfigDef def_;
  std::string version_ = "1.0";
};

class IdleSourceTask final : public api::SourceTask {
 public:
  explicit IdleSourceTask(TestControl& control) : control_(control) {}
  void start(const StringMap&) override { ++control_.task_starts; }
  std::vector<data::SourceRecord> poll() override {
    std::this_thread::sleep_for(20ms);
    return {};
  }
  void commit() override {}
  void commit_record(const data::SourceRecord&, const api::RecordMetadata*) override {}
  void request_stop() override {}
  void stop() override {}

 private:
  TestControl& control_;
};

// The plugin registry plus the test connector.
class TestCatalog final : public api::PluginCatalog {
 public:
  TestCatalog(api::PluginCatalog& inner, TestControl& control) : inner_(inner), control_(control) {
    info_.class_name = kTestSource;
    info_.kind = api::PluginKind::SourceConnector;
    info_.version = "1.0";
    info_.location = "test";
    info_.config_def = &def_;
  }
  std::vector<api::PluginInfo> plugins() const override {
    auto all = inner_.plugins();
    all.push_back(info_);
    return all;
  }
  std::vector<api::RejectedPlugin> rejected() const override { return inner_.rejected(); }
  const api::PluginInfo* find(std::string_view name) const override {
    return name == kTestSource ? &info_ : inner_.find(name);
  }
  std::optional<std::string> rejection_for(std::string_view name) const override { return inner_.rejection_for(name); }
  std::unique_ptr<api::Connector> create_connector(std::string_view name, api::ConnectorContext& ctx) override {
    if (name == kTestSource) return std::make_unique<TestSourceConnector>(control_, ctx);
    return inner_.create_connector(name, ctx);
  }
  std::unique_ptr<api::SourceTask> create_source_task(std::string_view name, api::SourceTaskContext& ctx) override {
    if (name == kTestSource) return std::make_unique<IdleSourceTask>(control_);
    return inner_.create_source_task(name, ctx);
  }
  std::unique_ptr<api::SinkTask> create_sink_task(std::string_view name, api::SinkTaskContext& ctx) override {
    return inner_.create_sink_task(name, ctx);
  }
  std::unique_ptr<api::Converter> create_converter(std::string_view name) override {
    return inner_.create_converter(name);
  }
  std::unique_ptr<api::HeaderConverter> create_header_converter(std::string_view name) override {
    return inner_.create_header_converter(name);
  }
  std::unique_ptr<api::Transformation> create_transformation(std::string_view name) override {
    return inner_.create_transformation(name);
  }
  std::unique_ptr<api::Predicate> create_predicate(std::string_view name) override {
    return inner_.create_predicate(name);
  }
  std::unique_ptr<api::ConfigProvider> create_config_provider(std::string_view name) override {
    return inner_.create_config_provider(name);
  }

 private:
  api::PluginCatalog& inner_;
  TestControl& control_;
  config::ConfigDef def_;
  api::PluginInfo info_;
};

class StandaloneHerderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log::init(log::Level::Warn);
    // The copy test's topic has one partition, so its lines stay in order end to end.
    kafka_ = std::make_unique<test::DevKafka>(
        test::DevKafka::Options{.topics = {"herder-CopiesAFileThroughKafkaAndReportsRunning:1"}});
  }
  static void TearDownTestSuite() { kafka_.reset(); }

  void SetUp() override {
    for (auto& builtin : convert::builtin_converters()) registry_.register_builtin(std::move(builtin));
    registry_.load_plugin_path(SLUICE_PLUGIN_DIR);
    ASSERT_NE(registry_.find(kSource), nullptr) << "FileStream plugin not built in " << SLUICE_PLUGIN_DIR;
    make_herder({});
  }

  void TearDown() override {
    if (herder_) herder_->stop();
    herder_.reset();
  }

  void make_herder(const StringMap& overrides) {
    if (herder_) herder_->stop();
    herder_.reset();
    StringMap props = {
        {"bootstrap.servers", kafka_->bootstrap()},
        {"offset.storage.file.filename", (dir_ / "offsets.json").string()},
        {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
        {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
        {"offset.flush.interval.ms", "200"},
        {"task.shutdown.graceful.timeout.ms", "3000"},
    };
    for (const auto& [k, v] : overrides) props[k] = v;
    config_ = std::make_unique<worker::WorkerConfig>(props, worker::WorkerMode::Standalone);
    offsets_ = std::make_unique<storage::FileOffsetStore>(dir_ / "offsets.json");
    offsets_->start();
    herder_ = std::make_unique<StandaloneHerder>(kWorkerId, *config_, *plugins_, *offsets_,
                                                 StandaloneHerderOptions{"0.1.0", "abc123", "cluster-1"});
    herder_->start();
  }

  // A unique topic per test: the dev broker is shared.
  std::string topic(const std::string& suffix = "") const {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return std::string("herder-") + info->name() + suffix;
  }

  StringMap source_config(const std::string& name, const std::filesystem::path& file) const {
    return {{"name", name}, {"connector.class", kSource}, {"tasks.max", "1"}, {"file", file.string()},
            {"topic", topic()}};
  }
  StringMap sink_config(const std::string& name, const std::filesystem::path& file) const {
    return {{"name", name}, {"connector.class", kSink}, {"tasks.max", "1"}, {"file", file.string()},
            {"topics", topic()}};
  }

  CreateResult create(const std::string& name, const StringMap& config,
                      std::optional<TargetState> initial = std::nullopt) {
    return herder_->put_connector_config(name, config, false, initial);
  }

  // Connector state and task states, e.g. "RUNNING" and {"RUNNING"}; empty when there is no status yet.
  std::string states(const std::string& name) {
    try {
      auto status = herder_->connector_status(name);
      std::string out = status.connector.state + "[";
      for (const auto& t : status.tasks) out += std::to_string(t.id) + ":" + t.state + " ";
      return out + "]";
    } catch (const NotFoundError&) {
      return "";
    }
  }

  ::testing::AssertionResult wait_states(const std::string& name, const std::string& expected) {
    std::string last;
    auto result = test::wait_until(
        [&] {
          last = states(name);
          return last == expected;
        },
        20s, "connector " + name + " to reach " + expected);
    if (!result) return result << " (last: " << last << ")";
    return result;
  }

  static std::unique_ptr<test::DevKafka> kafka_;
  test::TempDir dir_{"herder-test"};
  host::PluginRegistry registry_;
  TestControl control_;
  TestCatalog catalog_{registry_, control_};
  api::PluginCatalog* plugins_ = &registry_;
  std::unique_ptr<worker::WorkerConfig> config_;
  std::unique_ptr<storage::FileOffsetStore> offsets_;
  std::unique_ptr<StandaloneHerder> herder_;
};

std::unique_ptr<test::DevKafka> StandaloneHerderTest::kafka_;

TEST_F(StandaloneHerderTest, HealthAndServerInfo) {
  auto info = herder_->server_info();
  EXPECT_EQ(info.version, "0.1.0");
  EXPECT_EQ(info.commit, "abc123");
  EXPECT_EQ(info.kafka_cluster_id, "cluster-1");
  auto health = herder_->health();
  EXPECT_EQ(health.http_status, 200);
  EXPECT_EQ(health.status, "healthy");
  EXPECT_EQ(health.message, "Worker has completed startup and is ready to handle requests.");

  StandaloneHerder not_started("w:1", *config_, registry_, *offsets_, {});
  auto starting = not_started.health();
  EXPECT_EQ(starting.http_status, 503);
  EXPECT_EQ(starting.status, "starting");
  EXPECT_EQ(starting.message, "Worker is still starting up.");
}

TEST_F(StandaloneHerderTest, CopiesAFileThroughKafkaAndReportsRunning) {
  const auto in = dir_.write("in.txt", "foo\nbar\n\nlast line\n");
  const auto out = dir_ / "out.txt";
  auto created = create("src", source_config("src", in));
  EXPECT_TRUE(created.created);
  EXPECT_EQ(created.info.name, "src");
  EXPECT_EQ(created.info.type, "source");
  EXPECT_THAT(created.info.tasks, ElementsAre(ConnectorTaskId{"src", 0}));
  EXPECT_EQ(created.info.config, source_config("src", in));
  create("snk", sink_config("snk", out));

  ASSERT_TRUE(wait_states("src", "RUNNING[0:RUNNING ]"));
  ASSERT_TRUE(wait_states("snk", "RUNNING[0:RUNNING ]"));
  ASSERT_TRUE(test::wait_until([&] { return test::read_file(out) == "foo\nbar\n\nlast line\n"; }, 30s,
                               "the sink file to hold the source file's lines"));

  auto status = herder_->connector_status("snk");
  EXPECT_EQ(status.name, "snk");
  EXPECT_EQ(status.type, "sink");
  EXPECT_EQ(status.connector.worker_id, kWorkerId);
  EXPECT_EQ(status.tasks.at(0).worker_id, kWorkerId);
  auto task = herder_->task_status({"src", 0});
  EXPECT_EQ(task.id, 0);
  EXPECT_EQ(task.state, "RUNNING");
  EXPECT_FALSE(task.trace.has_value());

  EXPECT_THAT(herder_->connectors(), ElementsAre("snk", "src"));
  EXPECT_EQ(herder_->connector_config("src"), source_config("src", in));
  auto tasks = herder_->task_configs("src");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].id, (ConnectorTaskId{"src", 0}));
  EXPECT_EQ(tasks[0].config.at("file"), in.string());

  ASSERT_TRUE(test::wait_until([&] { return herder_->active_topics("src").count(topic()) == 1; }, 10s,
                               "the source's topic to be tracked"));
}

TEST_F(StandaloneHerderTest, DuplicateCreateIsAConflict) {
  create("dup", source_config("dup", dir_ / "in.txt"));
  EXPECT_EQ(error_of<AlreadyExistsError>([&] { create("dup", source_config("dup", dir_ / "in.txt")); }),
            "Connector dup already exists");
}

TEST_F(StandaloneHerderTest, InvalidConfigIsRejectedWithKafkasMessage) {
  StringMap config = source_config("bad", dir_ / "in.txt");
  config.erase("topic");
  config["tasks.max"] = "0";
  EXPECT_EQ(error_of<BadRequestError>([&] { create("bad", config); }),
            "Connector configuration is invalid and contains the following 2 error(s):\n"
            "Invalid value 0 for configuration tasks.max: Value must be at least 1\n"
            "Missing required configuration \"topic\" which has no default value.\n"
            "You can also find the above list of errors at the endpoint "
            "`/connector-plugins/{connectorType}/config/validate`");
  EXPECT_TRUE(herder_->connectors().empty());
}

TEST_F(StandaloneHerderTest, MissingOrUnknownConnectorClass) {
  EXPECT_EQ(error_of<BadRequestError>([&] { herder_->validate_connector_config({{"name", "x"}, {"tasks.max", "1"}}); }),
            "Connector config {name=x, tasks.max=1} contains no connector type");
  // Kafka answers an unknown class with a plain ConnectException (HTTP 500), not a 404.
  const std::string message = error_of<ConnectError>([&] {
    try {
      herder_->validate_connector_config({{"connector.class", "com.example.Nope"}});
    } catch (const NotFoundError& e) {
      ADD_FAILURE() << "must not be a NotFoundError: " << e.what();
    }
  });
  EXPECT_THAT(message, HasSubstr("com.example.Nope"));
}

TEST_F(StandaloneHerderTest, ValidateMergesCommonAndPluginConfigs) {
  StringMap config = {{"connector.class", "FileStreamSink"}, {"name", "v"}, {"key.converter", "NoSuchConverter"}};
  ConfigInfos infos = herder_->validate_connector_config(config);
  EXPECT_EQ(infos.name, "FileStreamSink");
  auto find = [&](const std::string& key) -> const ConfigInfo* {
    for (const auto& c : infos.configs) {
      if (c.value.name == key) return &c;
    }
    return nullptr;
  };
  ASSERT_NE(find("topics"), nullptr);
  EXPECT_THAT(find("topics")->value.errors, ElementsAre("Must configure one of topics or topics.regex"));
  ASSERT_NE(find("topics.regex"), nullptr);
  EXPECT_THAT(find("topics.regex")->value.errors, ElementsAre("Must configure one of topics or topics.regex"));
  ASSERT_NE(find("key.converter"), nullptr);
  EXPECT_THAT(find("key.converter")->value.errors,
              ElementsAre("Invalid value NoSuchConverter for configuration key.converter: Class NoSuchConverter "
                          "could not be found."));
  EXPECT_EQ(infos.error_count, 3);
  // The common keys come first (name, connector.class, ...), the plugin's `file` after them.
  ASSERT_GE(infos.configs.size(), 3u);
  EXPECT_EQ(infos.configs[0].value.name, "name");
  EXPECT_EQ(infos.configs[1].value.name, "connector.class");
  ASSERT_NE(find("file"), nullptr);
  EXPECT_GT(find("file") - infos.configs.data(), find("topics") - infos.configs.data());
  ASSERT_TRUE(find("file")->definition.has_value());
  EXPECT_EQ(find("file")->definition->type, "STRING");
  EXPECT_FALSE(find("file")->definition->required);
  EXPECT_EQ(infos.groups.front(), "Common");

  // A valid sink has no errors; the value converter's own keys appear under its prefix.
  config = {{"connector.class", kSink},
            {"name", "v"},
            {"topics", "t"},
            {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
            {"value.converter.schemas.enable", "maybe"}};
  infos = herder_->validate_connector_config(config);
  const ConfigInfo* schemas = find("value.converter.schemas.enable");
  ASSERT_NE(schemas, nullptr);
  EXPECT_THAT(schemas->value.errors,
              ElementsAre("Invalid value maybe for configuration schemas.enable: Expected value to be either true or "
                          "false"));
  EXPECT_EQ(infos.error_count, 1);
}

TEST_F(StandaloneHerderTest, OverridePolicyNoneRejectsClientOverrides) {
  make_herder({{"connector.client.config.override.policy", "None"}});
  StringMap config = source_config("ov", dir_ / "in.txt");
  config["producer.override.linger.ms"] = "5";
  EXPECT_EQ(error_of<BadRequestError>([&] { create("ov", config); }),
            "Connector configuration is invalid and contains the following 1 error(s):\n"
            "The 'None' policy does not allow 'linger.ms' to be overridden in the connector configuration.\n"
            "You can also find the above list of errors at the endpoint "
            "`/connector-plugins/{connectorType}/config/validate`");
}

TEST_F(StandaloneHerderTest, PauseResumeStopAndInitialStates) {
  const auto in = dir_.write("in.txt", "a\n");
  create("pr", source_config("pr", in));
  ASSERT_TRUE(wait_states("pr", "RUNNING[0:RUNNING ]"));

  herder_->pause_connector("pr");
  herder_->pause_connector("pr");  // idempotent
  ASSERT_TRUE(wait_states("pr", "PAUSED[0:PAUSED ]"));
  herder_->resume_connector("pr");
  ASSERT_TRUE(wait_states("pr", "RUNNING[0:RUNNING ]"));

  herder_->stop_connector("pr");
  ASSERT_TRUE(wait_states("pr", "STOPPED[]"));
  EXPECT_TRUE(herder_->task_configs("pr").empty());
  EXPECT_TRUE(herder_->connector_info("pr").tasks.empty());
  herder_->resume_connector("pr");  // resume also leaves STOPPED
  ASSERT_TRUE(wait_states("pr", "RUNNING[0:RUNNING ]"));
  EXPECT_EQ(herder_->task_configs("pr").size(), 1u);

  auto paused = create("paused", source_config("paused", in), TargetState::Paused);
  EXPECT_TRUE(paused.info.tasks.empty());
  ASSERT_TRUE(wait_states("paused", "PAUSED[]"));
  EXPECT_TRUE(herder_->task_configs("paused").empty());
  herder_->resume_connector("paused");
  ASSERT_TRUE(wait_states("paused", "RUNNING[0:RUNNING ]"));

  create("stopped", source_config("stopped", in), TargetState::Stopped);
  ASSERT_TRUE(wait_states("stopped", "STOPPED[]"));
}

TEST_F(StandaloneHerderTest, UpdateAndPatchReplaceTheConfig) {
  const auto in = dir_.write("in.txt", "a\n");
  create("up", source_config("up", in));
  ASSERT_TRUE(wait_states("up", "RUNNING[0:RUNNING ]"));

  StringMap updated = source_config("up", in);
  updated["batch.size"] = "10";
  auto result = herder_->put_connector_config("up", updated, true, std::nullopt);
  EXPECT_FALSE(result.created);
  EXPECT_EQ(result.info.config, updated);
  EXPECT_THAT(result.info.tasks, ElementsAre(ConnectorTaskId{"up", 0}));
  EXPECT_EQ(herder_->task_configs("up").at(0).config.at("batch.size"), "10");
  ASSERT_TRUE(wait_states("up", "RUNNING[0:RUNNING ]"));

  auto patched = herder_->patch_connector_config("up", {{"batch.size", std::nullopt}, {"tasks.max", "1"}});
  EXPECT_EQ(patched.config.count("batch.size"), 0u);
  EXPECT_EQ(herder_->connector_config("up"), source_config("up", in));
  EXPECT_EQ(herder_->task_configs("up").at(0).config.count("batch.size"), 0u);

  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->patch_connector_config("nope", {{"a", "b"}}); }),
            "Connector nope not found");
  EXPECT_THAT(error_of<BadRequestError>([&] { herder_->patch_connector_config("up", {{"topic", std::nullopt}}); }),
              HasSubstr("Missing required configuration \"topic\" which has no default value."));
}

TEST_F(StandaloneHerderTest, DeleteForgetsConfigAndStatus) {
  create("del", source_config("del", dir_.write("in.txt", "x\n")));
  ASSERT_TRUE(wait_states("del", "RUNNING[0:RUNNING ]"));
  herder_->delete_connector("del");
  EXPECT_TRUE(herder_->connectors().empty());
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->connector_status("del"); }), "No status found for connector del");
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->task_status({"del", 0}); }), "No status found for task del-0");
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->connector_info("del"); }), "Connector del not found");
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->delete_connector("del"); }), "Connector del not found");
  EXPECT_TRUE(herder_->active_topics("del").empty());
}

TEST_F(StandaloneHerderTest, NotFoundMessagesMatchKafkasStandaloneHerder) {
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->connector_config("x"); }), "Connector x not found");
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->task_configs("x"); }), "Connector x not found");
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->pause_connector("x"); }), "Unknown connector x");
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->resume_connector("x"); }), "Unknown connector x");
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->stop_connector("x"); }), "Unknown connector x");
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->restart_task({"x", 0}); }), "Connector x not found");
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->restart_connector({"x", false, false}); }), "Connector x not found");
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->restart_connector({"x", true, true}); }), "Unknown connector: x");
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->restart_connector({"x", false, true}); }), "Unknown connector: x");
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->connector_offsets("x"); }), "Connector x not found");
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->reset_connector_offsets("x"); }), "Connector x not found");
  EXPECT_TRUE(herder_->active_topics("x").empty());

  create("t", source_config("t", dir_ / "in.txt"));
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->restart_task({"t", 3}); }), "Task t-3 not found");
}

TEST_F(StandaloneHerderTest, RestartPlans) {
  create("rs", source_config("rs", dir_.write("in.txt", "x\n")));
  ASSERT_TRUE(wait_states("rs", "RUNNING[0:RUNNING ]"));

  EXPECT_FALSE(herder_->restart_connector({"rs", false, false}).has_value());
  ASSERT_TRUE(wait_states("rs", "RUNNING[0:RUNNING ]"));

  // Nothing failed: onlyFailed restarts nothing and shows the current states.
  auto plan = herder_->restart_connector({"rs", true, true});
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->name, "rs");
  EXPECT_EQ(plan->type, "source");
  EXPECT_EQ(plan->connector.state, "RUNNING");
  ASSERT_EQ(plan->tasks.size(), 1u);
  EXPECT_EQ(plan->tasks[0].state, "RUNNING");

  plan = herder_->restart_connector({"rs", false, true});
  EXPECT_EQ(plan->connector.state, "RESTARTING");
  EXPECT_EQ(plan->connector.worker_id, kWorkerId);
  EXPECT_EQ(plan->tasks.at(0).state, "RESTARTING");
  ASSERT_TRUE(wait_states("rs", "RUNNING[0:RUNNING ]"));

  plan = herder_->restart_connector({"rs", false, false /* plain */});
  EXPECT_FALSE(plan.has_value());
  herder_->restart_task({"rs", 0});
  ASSERT_TRUE(wait_states("rs", "RUNNING[0:RUNNING ]"));
}

TEST_F(StandaloneHerderTest, OffsetsRequireStoppedAndResetWorks) {
  const auto in = dir_.write("in.txt", "one\ntwo\n");
  create("off", source_config("off", in));
  ASSERT_TRUE(wait_states("off", "RUNNING[0:RUNNING ]"));
  ASSERT_TRUE(test::wait_until([&] { return !herder_->connector_offsets("off").empty(); }, 20s,
                               "the source to commit an offset"));

  const std::string not_stopped =
      "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the "
      "specified connector by issuing a 'PUT' request to the '/connectors/off/stop' endpoint";
  EXPECT_EQ(error_of<BadRequestError>([&] { herder_->reset_connector_offsets("off"); }), not_stopped);
  auto offsets = herder_->connector_offsets("off");
  EXPECT_EQ(error_of<BadRequestError>([&] { herder_->alter_connector_offsets("off", offsets); }), not_stopped);
  herder_->pause_connector("off");
  EXPECT_EQ(error_of<BadRequestError>([&] { herder_->reset_connector_offsets("off"); }), not_stopped);

  herder_->stop_connector("off");
  ASSERT_TRUE(wait_states("off", "STOPPED[]"));
  ASSERT_EQ(offsets.size(), 1u);
  EXPECT_EQ(herder_->alter_connector_offsets("off", offsets), "The offsets for this connector have been altered successfully");
  EXPECT_EQ(herder_->reset_connector_offsets("off"), "The offsets for this connector have been reset successfully");
  EXPECT_TRUE(herder_->connector_offsets("off").empty());
}

TEST_F(StandaloneHerderTest, TopicTrackingCanBeDisabled) {
  make_herder({{"topic.tracking.allow.reset", "false"}});
  EXPECT_EQ(error_of<RestError>([&] { herder_->reset_active_topics("x"); }), "Topic tracking reset is disabled.");
  make_herder({{"topic.tracking.enable", "false"}});
  EXPECT_EQ(error_of<RestError>([&] { herder_->active_topics("x"); }), "Topic tracking is disabled.");
  EXPECT_EQ(error_of<RestError>([&] { herder_->reset_active_topics("x"); }), "Topic tracking is disabled.");
  try {
    herder_->active_topics("x");
  } catch (const RestError& e) {
    EXPECT_EQ(e.status(), 403);
  }
}

TEST_F(StandaloneHerderTest, PluginsAndPluginConfig) {
  // build/plugins holds every connector plugin built (FileStream, RabbitMQ, ...): sinks first, then sources.
  auto connectors = herder_->connector_plugins(true);
  auto position = [&](const std::string& cls, const std::string& type) {
    auto it = std::find_if(connectors.begin(), connectors.end(),
                           [&](const PluginDesc& p) { return p.class_name == cls && p.type == type; });
    return it == connectors.end() ? -1 : static_cast<int>(it - connectors.begin());
  };
  ASSERT_GE(position(kSink, "sink"), 0);
  ASSERT_GE(position(kSource, "source"), 0);
  for (std::size_t i = 1; i < connectors.size(); ++i) {
    EXPECT_FALSE(connectors[i - 1].type == "source" && connectors[i].type == "sink") << "sinks are listed first";
  }
  EXPECT_TRUE(std::all_of(connectors.begin(), connectors.end(),
                          [](const PluginDesc& p) { return p.type == "sink" || p.type == "source"; }));

  auto all = herder_->connector_plugins(false);
  auto count = [&](const std::string& cls, const std::string& type) {
    return std::count_if(all.begin(), all.end(),
                         [&](const PluginDesc& p) { return p.class_name == cls && p.type == type; });
  };
  EXPECT_EQ(count("org.apache.kafka.connect.json.JsonConverter", "converter"), 1);
  EXPECT_EQ(count("org.apache.kafka.connect.json.JsonConverter", "header_converter"), 1);
  EXPECT_TRUE(std::none_of(all.begin(), all.end(), [](const PluginDesc& p) { return p.type == "config_provider"; }));

  auto keys = herder_->plugin_config("FileStreamSource");
  ASSERT_GE(keys.size(), 3u);
  EXPECT_EQ(keys[0].name, "file");
  EXPECT_EQ(keys[1].name, "topic");
  EXPECT_TRUE(keys[1].required);
  EXPECT_EQ(keys[2].name, "batch.size");
  EXPECT_EQ(keys[2].default_value, "2000");
  EXPECT_TRUE(std::any_of(keys.begin(), keys.end(), [](const ConfigKeyInfo& k) { return k.name == "tasks.max"; }));
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->plugin_config("com.example.Nope"); }),
            "Unknown plugin com.example.Nope.");
}

TEST_F(StandaloneHerderTest, LoggerLevels) {
  log::get("sluice.herder-test.a");
  log::get("sluice.herder-test.b");
  auto changed = herder_->set_logger_level("sluice.herder-test", "DEBUG", false);
  EXPECT_THAT(changed, ElementsAre("sluice.herder-test", "sluice.herder-test.a", "sluice.herder-test.b"));
  auto level = herder_->logger_level("sluice.herder-test.a");
  EXPECT_EQ(level.level, "DEBUG");
  EXPECT_TRUE(level.last_modified.has_value());
  // Kafka 4 lists only the loggers whose level changed.
  EXPECT_TRUE(herder_->set_logger_level("sluice.herder-test", "debug", false).empty());
  // Loggers created later inherit the namespace's level.
  EXPECT_EQ(log::get("sluice.herder-test.c")->level(), spdlog::level::debug);

  auto all = herder_->logger_levels();
  ASSERT_EQ(all.count("root"), 1u);
  EXPECT_FALSE(all.at("root").last_modified.has_value());
  EXPECT_EQ(all.at("sluice.herder-test.b").level, "DEBUG");

  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->logger_level("no.such.logger"); }),
            "Logger no.such.logger not found.");
  EXPECT_EQ(error_of<NotFoundError>([&] { herder_->set_logger_level("x", "LOUD", false); }),
            "invalid log level 'LOUD'.");
  EXPECT_EQ(herder_->logger_level("ROOT").level, herder_->logger_level("root").level);
}

TEST_F(StandaloneHerderTest, ConnectorRequestedReconfigurationRestartsTasksOnlyWhenTheyChange) {
  plugins_ = &catalog_;
  make_herder({});
  const StringMap config = {{"name", "rc"}, {"connector.class", kTestSource}, {"tasks.max", "3"}};
  create("rc", config);
  ASSERT_TRUE(wait_states("rc", "RUNNING[0:RUNNING ]"));
  ASSERT_TRUE(test::wait_until([&] { return control_.task_starts == 1; }, 10s, "the first task to start"));

  // More tasks: regenerated, replaced and started.
  control_.tasks = 2;
  control_.context.load()->request_task_reconfiguration();
  ASSERT_TRUE(wait_states("rc", "RUNNING[0:RUNNING 1:RUNNING ]"));
  ASSERT_EQ(herder_->task_configs("rc").size(), 2u);
  EXPECT_EQ(herder_->task_configs("rc")[1].config.at("index"), "1");
  ASSERT_TRUE(test::wait_until([&] { return control_.task_starts == 3; }, 10s, "both tasks to (re)start"));

  // Same configs: generated again, but nothing restarts.
  const int calls = control_.task_config_calls;
  control_.context.load()->request_task_reconfiguration();
  ASSERT_TRUE(test::wait_until([&] { return control_.task_config_calls > calls; }, 10s, "the task configs request"));
  herder_->task_configs("rc");  // waits for the request thread to finish the update (same lock)
  // A restart would start the tasks again on their own threads: give them a moment to show up.
  EXPECT_FALSE(test::poll_until([&] { return control_.task_starts > 3; }, 500ms)) << "tasks were restarted";

  // Too many tasks for tasks.max: the connector fails with Kafka's text.
  control_.tasks = 5;
  control_.context.load()->request_task_reconfiguration();
  ASSERT_TRUE(test::wait_until([&] { return herder_->connector_status("rc").connector.state == "FAILED"; }, 10s,
                               "the connector to fail"));
  auto status = herder_->connector_status("rc");
  ASSERT_TRUE(status.connector.trace.has_value());
  EXPECT_THAT(*status.connector.trace,
              HasSubstr("The connector rc has generated 5 tasks, which is greater than 3, the maximum number of tasks it "
                        "is configured to create. "));
  EXPECT_EQ(herder_->task_configs("rc").size(), 2u);  // the running tasks stay

  // onlyFailed restarts just the failed connector, which then generates its tasks again.
  control_.tasks = 1;
  auto plan = herder_->restart_connector({"rc", true, true});
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->connector.state, "RESTARTING");
  ASSERT_EQ(plan->tasks.size(), 2u);
  EXPECT_EQ(plan->tasks[0].state, "RUNNING");
  ASSERT_TRUE(wait_states("rc", "RUNNING[0:RUNNING 1:RUNNING ]"));
  herder_->restart_connector({"rc", false, false});  // a plain restart regenerates task configs
  ASSERT_TRUE(wait_states("rc", "RUNNING[0:RUNNING ]"));
}

}  // namespace
}  // namespace sluice::herder
