// The worker against `sluice dev-kafka` (a separate process), with the real FileStream plugin and this
// module's test plugin loaded through plugins/host, and the built-in converters.

#include <algorithm>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "core/common/errors.hpp"
#include "core/convert/builtins.hpp"
#include "core/kafka/producer.hpp"
#include "core/storage/file_offset_store.hpp"
#include "core/storage/memory_offset_store.hpp"
#include "core/worker/worker.hpp"
#include "core/worker/worker_config.hpp"
#include "plugins/host/registry.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/worker_properties.hpp"

namespace sluice::worker {
namespace {

using namespace std::chrono_literals;
using data::Value;
using test::read_file;
using test::wait_until;

constexpr auto kWait = 60s;

// Records every status change; the latest state and trace per connector and task.
class RecordingListener final : public StatusListener {
 public:
  void on_connector_state(const std::string& connector, State state, const std::optional<std::string>& trace) override {
    std::lock_guard lock(mu_);
    connectors_[connector].emplace_back(state, trace);
  }
  void on_task_state(const ConnectorTaskId& id, State state, const std::optional<std::string>& trace) override {
    std::lock_guard lock(mu_);
    tasks_[id].emplace_back(state, trace);
  }
  std::optional<State> task_state(const ConnectorTaskId& id) const {
    std::lock_guard lock(mu_);
    const auto it = tasks_.find(id);
    if (it == tasks_.end() || it->second.empty()) return std::nullopt;
    return it->second.back().first;
  }
  std::optional<State> connector_state(const std::string& name) const {
    std::lock_guard lock(mu_);
    const auto it = connectors_.find(name);
    if (it == connectors_.end() || it->second.empty()) return std::nullopt;
    return it->second.back().first;
  }
  std::string task_trace(const ConnectorTaskId& id) const {
    std::lock_guard lock(mu_);
    return tasks_.at(id).back().second.value_or("<no trace>");
  }
  std::string connector_trace(const std::string& name) const {
    std::lock_guard lock(mu_);
    return connectors_.at(name).back().second.value_or("<no trace>");
  }
  std::vector<State> task_history(const ConnectorTaskId& id) const {
    std::lock_guard lock(mu_);
    std::vector<State> out;
    if (const auto it = tasks_.find(id); it != tasks_.end())
      for (const auto& [s, t] : it->second) out.push_back(s);
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::vector<std::pair<State, std::optional<std::string>>>> connectors_;
  std::map<ConnectorTaskId, std::vector<std::pair<State, std::optional<std::string>>>> tasks_;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// How the source tasks' records reached the worker: taken in place (PolledSourceBatch::view, then sent from
// the batch) or imported as Connect records. Wraps each source task's batches; everything else is passed
// through.
struct SourcePathCounts {
  std::atomic<int> viewed{0};    // view() answered true
  std::atomic<int> imported{0};  // import() was called
};

class CountingBatch final : public api::PolledSourceBatch {
 public:
  CountingBatch(std::unique_ptr<api::PolledSourceBatch> inner, SourcePathCounts& counts)
      : inner_(std::move(inner)), counts_(counts) {}
  std::size_t size() const override { return inner_->size(); }
  bool view(std::size_t i, api::RawSourceRecord& out) override {
    const bool in_place = inner_->view(i, out);
    if (in_place) ++counts_.viewed;
    return in_place;
  }
  data::SharedValue partition(std::size_t i) override { return inner_->partition(i); }
  data::Value offset(std::size_t i) const override { return inner_->offset(i); }
  void import(std::size_t i, data::SourceRecord& out) override {
    ++counts_.imported;
    inner_->import(i, out);
  }

 private:
  std::unique_ptr<api::PolledSourceBatch> inner_;
  SourcePathCounts& counts_;
};

class CountingSourceTask final : public api::SourceTask {
 public:
  CountingSourceTask(std::unique_ptr<api::SourceTask> inner, SourcePathCounts& counts)
      : inner_(std::move(inner)), counts_(counts) {}
  void start(const StringMap& config) override { inner_->start(config); }
  std::vector<data::SourceRecord> poll() override { return inner_->poll(); }
  std::unique_ptr<api::PolledSourceBatch> poll_batch() override {
    return std::make_unique<CountingBatch>(inner_->poll_batch(), counts_);
  }
  void commit() override { inner_->commit(); }
  void commit_record(const data::SourceRecord& record, const api::RecordMetadata* metadata) override {
    inner_->commit_record(record, metadata);
  }
  bool commit_record_reads_content() const override { return inner_->commit_record_reads_content(); }
  bool needs_commit_record(const data::SourceRecord& record) const override {
    return inner_->needs_commit_record(record);
  }
  void request_stop() override { inner_->request_stop(); }
  void stop() override { inner_->stop(); }

 private:
  std::unique_ptr<api::SourceTask> inner_;
  SourcePathCounts& counts_;
};

class CountingCatalog final : public api::PluginCatalog {
 public:
  explicit CountingCatalog(api::PluginCatalog& inner) : inner_(inner) {}
  SourcePathCounts counts;

  std::vector<api::PluginInfo> plugins() const override { return inner_.plugins(); }
  std::vector<api::RejectedPlugin> rejected() const override { return inner_.rejected(); }
  const api::PluginInfo* find(std::string_view name) const override { return inner_.find(name); }
  std::optional<std::string> rejection_for(std::string_view name) const override {
    return inner_.rejection_for(name);
  }
  std::unique_ptr<api::Connector> create_connector(std::string_view name,
                                                   api::ConnectorContext& ctx) override {
    return inner_.create_connector(name, ctx);
  }
  std::unique_ptr<api::SourceTask> create_source_task(std::string_view name,
                                                      api::SourceTaskContext& ctx) override {
    auto task = inner_.create_source_task(name, ctx);
    if (!task) return nullptr;
    return std::make_unique<CountingSourceTask>(std::move(task), counts);
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
};

class WorkerIntegration : public ::testing::Test {
 protected:
  WorkerIntegration() : kafka_(test::DevKafka::Options{.topics = {"copy:1", "str:1", "json:1", "retry:1", "failing:1"}}) {
    for (auto& plugin : convert::builtin_converters()) registry_.register_builtin(std::move(plugin));
    const auto file = registry_.load_plugin_path(std::string(SLUICE_PLUGIN_DIR) + "/file");
    const auto fixtures = registry_.load_plugin_path(std::string(SLUICE_TEST_PLUGIN_DIR) + "/worker-test");
    if (file.loaded != 1 || fixtures.loaded != 1) {
      std::string reasons;
      for (const auto& r : registry_.rejected()) reasons += r.location + ": " + r.reason + "\n";
      throw std::runtime_error("plugins did not load:\n" + reasons);
    }
  }

  StringMap worker_props(StringMap extra = {}) {
    return test::worker_test_properties(kafka_.bootstrap(), dir_ / "connect.offsets", std::move(extra));
  }

  std::unique_ptr<Worker> make_worker(storage::OffsetStore& offsets, StringMap extra = {}) {
    config_ = std::make_unique<WorkerConfig>(worker_props(std::move(extra)), WorkerMode::Standalone);
    return std::make_unique<Worker>("127.0.0.1:8083", *config_, plugins_, offsets, listener_);
  }

  // Starts a connector and its tasks as a herder would; returns the task ids.
  std::vector<ConnectorTaskId> run_connector(Worker& worker, const std::string& name, const StringMap& config,
                                             TargetState state = TargetState::Started) {
    worker.start_connector(name, config, state, [] {});
    EXPECT_TRUE(wait_until([&] { return listener_.connector_state(name) == State::Running; }, kWait,
                           "connector " + name + " RUNNING"));
    std::vector<ConnectorTaskId> ids;
    const auto task_configs = worker.connector_task_configs(name);
    for (std::size_t i = 0; i < task_configs.size(); ++i) {
      ConnectorTaskId id{name, static_cast<int>(i)};
      worker.start_task(id, config, task_configs[i], state);
      ids.push_back(id);
    }
    for (const auto& id : ids) {
      EXPECT_TRUE(wait_until([&] { return listener_.task_state(id) == State::Running; }, kWait,
                             "task " + id.to_string() + " RUNNING"));
    }
    return ids;
  }

  // Every record of a topic as "<key length>|<value>" lines, read with kcat.
  std::vector<std::string> topic_records(const std::string& topic) {
    const auto result = test::run_command(
        {"kcat", "-C", "-b", kafka_.bootstrap(), "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%K|%s\n"}, "", 30s);
    EXPECT_TRUE(result.status.success()) << result.describe({"kcat"});
    return lines_of(result.out);
  }

  StringMap file_source(const std::string& file, const std::string& topic, StringMap extra = {}) {
    StringMap config = {{"name", "src"},
                        {"connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector"},
                        {"tasks.max", "1"},
                        {"file", file},
                        {"topic", topic}};
    for (auto& [k, v] : extra) config[k] = v;
    return config;
  }

  StringMap file_sink(const std::string& file, const std::string& topics) {
    return {{"name", "sink"}, {"connector.class", "FileStreamSink"}, {"tasks.max", "1"}, {"file", file}, {"topics", topics}};
  }

  test::TempDir dir_{"worker-it"};
  test::DevKafka kafka_;
  host::PluginRegistry registry_;
  CountingCatalog plugins_{registry_};  // registry_, counting how source records reach the worker
  RecordingListener listener_;
  std::unique_ptr<WorkerConfig> config_;
};

TEST_F(WorkerIntegration, FileIsCopiedThroughKafkaByteForByte) {
  std::string content = "alpha\n\nbeta gamma\n\xC3\xBCnicode \xE2\x9C\x93\n";
  for (int i = 0; i < 300; ++i) content += "line " + std::to_string(i) + " of the copy test\n";
  const auto input = dir_.write("in.txt", content);
  const auto output = dir_ / "out.txt";
  storage::MemoryOffsetStore offsets;
  auto worker = make_worker(offsets);
  run_connector(*worker, "src", file_source(input.string(), "copy"));
  run_connector(*worker, "sink", file_sink(output.string(), "copy"));
  ASSERT_TRUE(wait_until([&] { return read_file(output) == content; }, kWait, "the output file to equal the input"));
  EXPECT_EQ(worker->active_topics("src"), (std::set<std::string>{"copy"}));
  EXPECT_EQ(worker->active_topics("sink"), (std::set<std::string>{"copy"}));
  worker->reset_active_topics("src");
  EXPECT_TRUE(worker->active_topics("src").empty());
  EXPECT_EQ(worker->running_tasks(), (std::set<ConnectorTaskId>{{"sink", 0}, {"src", 0}}));
  worker->stop_tasks({{"src", 0}, {"sink", 0}});
  EXPECT_TRUE(worker->running_tasks().empty());
  EXPECT_EQ(listener_.task_state({"src", 0}), State::Unassigned);
  EXPECT_EQ(listener_.task_state({"sink", 0}), State::Unassigned);
  worker->stop_connector("src");
  EXPECT_EQ(listener_.connector_state("src"), State::Unassigned);
}

TEST_F(WorkerIntegration, StringConverterWritesTheLineBytes) {
  const auto input = dir_.write("in.txt", "foo\n\nbar baz\n");
  storage::MemoryOffsetStore offsets;
  auto worker = make_worker(offsets);
  run_connector(*worker, "src", file_source(input.string(), "str"));
  ASSERT_TRUE(wait_until([&] { return topic_records("str").size() == 3; }, kWait, "3 records in topic str"));
  EXPECT_EQ(topic_records("str"), (std::vector<std::string>{"-1|foo", "-1|", "-1|bar baz"}));
  // Nothing changes the lines (StringConverter passes text through, no transformation): each was sent from
  // the plugin's batch, none imported as a Connect record.
  EXPECT_EQ(plugins_.counts.viewed.load(), 3);
  EXPECT_EQ(plugins_.counts.imported.load(), 0);
}

TEST_F(WorkerIntegration, JsonConverterWritesKafkasEnvelope) {
  const auto input = dir_.write("in.txt", "foo\n\n");
  storage::MemoryOffsetStore offsets;
  auto worker = make_worker(offsets, {{"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
                                      {"value.converter", "org.apache.kafka.connect.json.JsonConverter"}});
  run_connector(*worker, "src", file_source(input.string(), "json"));
  ASSERT_TRUE(wait_until([&] { return topic_records("json").size() == 2; }, kWait, "2 records in topic json"));
  EXPECT_EQ(topic_records("json"),
            (std::vector<std::string>{R"(-1|{"schema":{"type":"string","optional":false},"payload":"foo"})",
                                      R"(-1|{"schema":{"type":"string","optional":false},"payload":""})"}));
  // JsonConverter changes the bytes: each record is imported and converted.
  EXPECT_EQ(plugins_.counts.imported.load(), 2);
}

TEST_F(WorkerIntegration, SourceOffsetsAreStoredAndResumedAfterARestart) {
  const auto input = dir_.write("in.txt", "one\ntwo\nthree\n");
  const auto offsets_file = dir_ / "connect.offsets";
  const Value partition = Value::map({{Value::string("filename"), Value::string(input.string())}});
  const auto position = [](std::int64_t p) { return Value::map({{Value::string("position"), Value::int64(p)}}); };
  {
    storage::FileOffsetStore offsets(offsets_file);
    offsets.start();
    auto worker = make_worker(offsets);
    run_connector(*worker, "src", file_source(input.string(), "copy"));
    ASSERT_TRUE(wait_until([&] { return offsets.get("src", partition) == position(14); }, kWait,
                           "offset position 14 committed"));
    EXPECT_EQ(topic_records("copy"), (std::vector<std::string>{"-1|one", "-1|two", "-1|three"}));
    const auto stored = worker->connector_offsets("src", file_source(input.string(), "copy"));
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].partition, partition);
    EXPECT_EQ(stored[0].offset, position(14));
  }
  EXPECT_NE(read_file(offsets_file).find(R"(\"position\":14)"), std::string::npos) << read_file(offsets_file);

  std::ofstream(input, std::ios::app) << "four\nfive\n";
  storage::FileOffsetStore reloaded(offsets_file);
  reloaded.start();
  auto worker = make_worker(reloaded);
  run_connector(*worker, "src", file_source(input.string(), "copy"));
  ASSERT_TRUE(wait_until([&] { return reloaded.get("src", partition) == position(24); }, kWait,
                         "offset position 24 committed"));
  // Resumed where it stopped: nothing read twice.
  EXPECT_EQ(topic_records("copy"), (std::vector<std::string>{"-1|one", "-1|two", "-1|three", "-1|four", "-1|five"}));
}

TEST_F(WorkerIntegration, PauseStopsTheFlowAndResumeRestartsIt) {
  const auto input = dir_.write("in.txt", "a\nb\n");
  const auto output = dir_ / "out.txt";
  storage::MemoryOffsetStore offsets;
  auto worker = make_worker(offsets);
  run_connector(*worker, "src", file_source(input.string(), "copy"));
  run_connector(*worker, "sink", file_sink(output.string(), "copy"));
  ASSERT_TRUE(wait_until([&] { return read_file(output) == "a\nb\n"; }, kWait, "the first lines copied"));

  worker->set_target_state("src", TargetState::Paused);
  worker->set_target_state("sink", TargetState::Paused);
  ASSERT_TRUE(wait_until([&] { return listener_.task_state({"src", 0}) == State::Paused; }, kWait, "source PAUSED"));
  ASSERT_TRUE(wait_until([&] { return listener_.task_state({"sink", 0}) == State::Paused; }, kWait, "sink PAUSED"));
  ASSERT_TRUE(wait_until([&] { return listener_.connector_state("src") == State::Paused; }, kWait,
                         "source connector PAUSED"));
  std::ofstream(input, std::ios::app) << "c\nd\n";
  // While paused nothing moves: neither into Kafka nor into the output file.
  EXPECT_FALSE(test::poll_until([&] { return topic_records("copy").size() > 2 || read_file(output) != "a\nb\n"; }, 2s));

  worker->set_target_state("src", TargetState::Started);
  worker->set_target_state("sink", TargetState::Started);
  ASSERT_TRUE(wait_until([&] { return read_file(output) == "a\nb\nc\nd\n"; }, kWait, "the rest copied after resume"));
  EXPECT_EQ(listener_.task_state({"src", 0}), State::Running);
  EXPECT_EQ(listener_.task_state({"sink", 0}), State::Running);
}

// A sink task waits for records up to its next offset commit (ten minutes here): a resume and a stop wake
// its consumer at once (Kafka's consumer.wakeup()), instead of waiting out that poll.
// An offset store whose writes wait until the test lets them through (a slow disk, a slow Kafka).
class HeldOffsetStore final : public storage::OffsetStore {
 public:
  void start() override {}
  void stop() override {}
  std::optional<data::Value> get(const std::string& connector, const data::Value& partition) override {
    return inner_.get(connector, partition);
  }
  void put(const std::string& connector, const std::vector<storage::OffsetEntry>& entries) override {
    std::unique_lock lock(mu_);
    ++waiting_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !held_; });
    --waiting_;
    lock.unlock();
    inner_.put(connector, entries);
  }
  std::vector<std::pair<data::Value, data::Value>> all(const std::string& connector) override {
    return inner_.all(connector);
  }
  int waiting() {
    std::lock_guard lock(mu_);
    return waiting_;
  }
  void release() {
    std::lock_guard lock(mu_);
    held_ = false;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = true;
  int waiting_ = 0;
  storage::MemoryOffsetStore inner_;
};

TEST_F(WorkerIntegration, ASlowOffsetStoreDoesNotHoldUpTheRecords) {
  // Kafka writes offsets on its committer thread, never on the task's: records keep flowing while a write waits.
  const auto input = dir_ / "in.txt";
  std::ofstream(input) << "one\n";
  HeldOffsetStore offsets;
  auto worker = make_worker(offsets, {{"offset.flush.interval.ms", "10"}});
  struct ReleaseAtEnd {  // before the worker stops its task, even when a check failed
    HeldOffsetStore& store;
    ~ReleaseAtEnd() { store.release(); }
  } release_at_end{offsets};
  run_connector(*worker, "src", file_source(input.string(), "str"));
  ASSERT_TRUE(wait_until([&] { return topic_records("str").size() == 1; }, kWait, "the first line in topic str"));
  ASSERT_TRUE(wait_until([&] { return offsets.waiting() == 1; }, kWait, "an offset write waiting in the store"));
  std::ofstream(input, std::ios::app) << "two\nthree\n";
  EXPECT_TRUE(wait_until([&] { return topic_records("str").size() == 3; }, kWait,
                         "the next lines in topic str while the offset write waits"));
  EXPECT_EQ(offsets.waiting(), 1) << "the write is still waiting: the lines did not go through it";
  offsets.release();
  const Value partition = Value::map({{Value::string("filename"), Value::string(input.string())}});
  EXPECT_TRUE(wait_until(
      [&] {
        const auto offset = offsets.get("src", partition);
        return offset && offset->as_map()[0].second.to_int64() == 14;  // "one\ntwo\nthree\n"
      },
      kWait, "the offset of the last line stored once writes go through"));
  worker->stop_tasks({{"src", 0}});
  worker->stop_connector("src");
}

TEST_F(WorkerIntegration, PausedSinkResumesAndStopsWithoutWaitingOutItsPoll) {
  const auto input = dir_.write("in.txt", "a\n");
  const auto output = dir_ / "out.txt";
  storage::MemoryOffsetStore offsets;
  auto worker = make_worker(offsets, {{"offset.flush.interval.ms", "600000"}});
  run_connector(*worker, "src", file_source(input.string(), "copy"));
  run_connector(*worker, "sink", file_sink(output.string(), "copy"));
  ASSERT_TRUE(wait_until([&] { return read_file(output) == "a\n"; }, kWait, "the first line copied"));

  worker->set_target_state("sink", TargetState::Paused);
  ASSERT_TRUE(wait_until([&] { return listener_.task_state({"sink", 0}) == State::Paused; }, kWait, "sink PAUSED"));
  std::ofstream(input, std::ios::app) << "b\n";
  ASSERT_TRUE(wait_until([&] { return topic_records("copy").size() == 2; }, kWait, "b in Kafka"));
  // Without the wake the paused task's poll() lasts kMaxPollWait (30 s) from the pause on.
  const auto resumed = std::chrono::steady_clock::now();
  worker->set_target_state("sink", TargetState::Started);
  ASSERT_TRUE(wait_until([&] { return read_file(output) == "a\nb\n"; }, 15s, "b copied soon after the resume"));
  EXPECT_LT(std::chrono::steady_clock::now() - resumed, 15s);

  const auto stop_started = std::chrono::steady_clock::now();
  worker->stop_tasks({{"sink", 0}});
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, 15s) << "stopping wakes the waiting poll()";
  worker->stop_tasks({{"src", 0}});
}

TEST_F(WorkerIntegration, FailingTaskGoesFailedWithItsTrace) {
  storage::MemoryOffsetStore offsets;
  auto worker = make_worker(offsets);
  const StringMap config = {{"name", "boom"},
                            {"connector.class", "FailingSource"},
                            {"topic", "failing"},
                            {"fail.in", "poll"},
                            {"records.before.failure", "2"}};
  worker->start_connector("boom", config, TargetState::Started, [] {});
  ASSERT_TRUE(wait_until([&] { return listener_.connector_state("boom") == State::Running; }, kWait, "connector RUNNING"));
  const auto tasks = worker->connector_task_configs("boom");
  ASSERT_EQ(tasks.size(), 1u);
  worker->start_task({"boom", 0}, config, tasks[0], TargetState::Started);
  ASSERT_TRUE(wait_until([&] { return listener_.task_state({"boom", 0}) == State::Failed; }, kWait, "task FAILED"));
  EXPECT_EQ(listener_.task_trace({"boom", 0}),
            "com.example.BoomException: boom in poll\n\tat sluice.worker.WorkerSourceTask.poll(boom-0)");
  EXPECT_EQ(listener_.task_history({"boom", 0}), (std::vector<State>{State::Running, State::Failed}));
  // What was sent before the failure reached Kafka and its offsets were committed on the way out.
  EXPECT_EQ(topic_records("failing"), (std::vector<std::string>{"-1|r0", "-1|r1"}));
  EXPECT_EQ(offsets.get("boom", Value::map({{Value::string("source"), Value::string("failing")}})),
            Value::map({{Value::string("seq"), Value::int64(1)}}));
  worker->stop_tasks({{"boom", 0}});
  EXPECT_EQ(listener_.task_state({"boom", 0}), State::Failed);  // stopping a failed task reports nothing more
}

TEST_F(WorkerIntegration, OffsetsAreCommittedWhileThePluginsPollWaitsForData) {
  storage::MemoryOffsetStore offsets;
  auto worker = make_worker(offsets);  // offset.flush.interval.ms=300
  // After its three records, every poll() waits ten minutes for data (as a queue consumer waits for messages).
  const StringMap config = {{"name", "idle"},       {"connector.class", "FailingSource"},
                            {"topic", "idle"},      {"fail.in", "never"},
                            {"records.before.failure", "3"}, {"idle.poll.ms", "600000"}};
  run_connector(*worker, "idle", config);
  // Acknowledged and committed on schedule, not when that poll() returns.
  ASSERT_TRUE(wait_until(
      [&] {
        return offsets.get("idle", Value::map({{Value::string("source"), Value::string("failing")}})) ==
               Value::map({{Value::string("seq"), Value::int64(2)}});
      },
      kWait, "offset seq 2 committed while poll() waits"));
  auto records = topic_records("idle");  // the auto-created topic has several partitions: any order
  std::sort(records.begin(), records.end());
  EXPECT_EQ(records, (std::vector<std::string>{"-1|r0", "-1|r1", "-1|r2"}));
  EXPECT_EQ(listener_.task_state({"idle", 0}), State::Running);
  const auto stop_started = std::chrono::steady_clock::now();
  worker->stop_tasks({{"idle", 0}});
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, 10s) << "stopping interrupts the waiting poll()";
}

TEST_F(WorkerIntegration, TaskFailingInStartNamesTheStage) {
  storage::MemoryOffsetStore offsets;
  auto worker = make_worker(offsets);
  const StringMap config = {{"name", "early"}, {"connector.class", "FailingSource"}, {"fail.in", "start"}};
  worker->start_connector("early", config, TargetState::Started, [] {});
  ASSERT_TRUE(wait_until([&] { return listener_.connector_state("early") == State::Running; }, kWait, "connector RUNNING"));
  worker->start_task({"early", 0}, config, worker->connector_task_configs("early")[0], TargetState::Started);
  ASSERT_TRUE(wait_until([&] { return listener_.task_state({"early", 0}) == State::Failed; }, kWait, "task FAILED"));
  EXPECT_EQ(listener_.task_trace({"early", 0}),
            "com.example.BoomException: boom in start\n\tat sluice.worker.WorkerSourceTask.start(early-0)");
}

TEST_F(WorkerIntegration, TooManyTasksFailsTheConnector) {
  storage::MemoryOffsetStore offsets;
  auto worker = make_worker(offsets);
  const StringMap config = {{"name", "many"}, {"connector.class", "FailingSource"}, {"tasks.max", "2"}, {"extra.tasks", "1"}};
  worker->start_connector("many", config, TargetState::Started, [] {});
  ASSERT_TRUE(wait_until([&] { return listener_.connector_state("many") == State::Running; }, kWait, "connector RUNNING"));
  const std::string message =
      "The connector many has generated 3 tasks, which is greater than 2, the maximum number of tasks it is configured "
      "to create. This behaviour should be considered a bug and is disallowed. If necessary, it can be permitted by "
      "reconfiguring the connector with 'tasks.max.enforce' set to false; however, this option will be removed in a "
      "future release of Kafka Connect.";
  try {
    worker->connector_task_configs("many");
    FAIL() << "expected ConnectError";
  } catch (const ConnectError& e) {
    EXPECT_EQ(e.what(), message);
  }
  EXPECT_EQ(listener_.connector_state("many"), State::Failed);
  EXPECT_EQ(listener_.connector_trace("many"), "org.apache.kafka.connect.errors.ConnectException: " + message +
                                                   "\n\tat sluice.worker.WorkerConnector.taskConfigs(many)");
  EXPECT_FALSE(worker->is_connector_running("many"));

  const StringMap lenient = {{"name", "lenient"}, {"connector.class", "FailingSource"}, {"tasks.max", "2"},
                             {"extra.tasks", "1"}, {"tasks.max.enforce", "false"}};
  worker->start_connector("lenient", lenient, TargetState::Started, [] {});
  ASSERT_TRUE(wait_until([&] { return listener_.connector_state("lenient") == State::Running; }, kWait, "RUNNING"));
  EXPECT_EQ(worker->connector_task_configs("lenient").size(), 3u);
}

TEST_F(WorkerIntegration, RetriableErrorInPutRetriesTheSameBatch) {
  {
    kafka::Producer producer({{"bootstrap.servers", kafka_.bootstrap()}}, "test producer", [](const kafka::DeliveryReport&) {});
    for (int i = 0; i < 5; ++i)
      ASSERT_TRUE(producer.send({.topic = "retry", .value = "v" + std::to_string(i)}, nullptr, 5s));
    ASSERT_TRUE(producer.flush(10s));
  }
  const auto log = dir_ / "puts.log";
  storage::MemoryOffsetStore offsets;
  auto worker = make_worker(offsets);
  const StringMap config = {{"name", "retry"},
                            {"connector.class", "RetrySink"},
                            {"topics", "retry"},
                            {"file", log.string()},
                            {"retriable.failures", "2"}};
  run_connector(*worker, "retry", config);
  const auto ok_values = [&] {
    std::string all;
    for (const auto& line : lines_of(read_file(log))) {
      if (line.starts_with("ok: ")) all += (all.empty() ? "" : ",") + line.substr(4);
    }
    return all;
  };
  ASSERT_TRUE(wait_until([&] { return ok_values() == "v0,v1,v2,v3,v4"; }, kWait, "every record put successfully"));
  const auto lines = lines_of(read_file(log));
  ASSERT_GE(lines.size(), 4u);
  ASSERT_TRUE(lines[0].starts_with("attempt: ")) << lines[0];
  const std::string batch = lines[0].substr(9);
  // Two RetriableErrors, then the same batch once more, which succeeds: nothing lost, nothing reordered.
  EXPECT_EQ(lines[1], "attempt: " + batch);
  EXPECT_EQ(lines[2], "attempt: " + batch);
  EXPECT_EQ(lines[3], "ok: " + batch);
  EXPECT_EQ(listener_.task_state({"retry", 0}), State::Running);
}

TEST_F(WorkerIntegration, PartitionsPausedInOpenDeliverNothing) {
  {
    kafka::Producer producer({{"bootstrap.servers", kafka_.bootstrap()}}, "test producer", [](const kafka::DeliveryReport&) {});
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(producer.send({.topic = "retry", .value = "v" + std::to_string(i)}, nullptr, 5s));
    ASSERT_TRUE(producer.flush(10s));
  }
  const auto log = dir_ / "puts.log";
  storage::MemoryOffsetStore offsets;
  auto worker = make_worker(offsets);
  run_connector(*worker, "paused", {{"name", "paused"},
                                    {"connector.class", "RetrySink"},
                                    {"topics", "retry"},
                                    {"file", log.string()},
                                    {"pause.in.open", "true"}});
  ASSERT_TRUE(wait_until([&] { return read_file(log).starts_with("paused in open: "); }, kWait, "partitions opened"));
  // As in Kafka, a pause asked for in open() holds before the first fetch: put() never sees these records.
  EXPECT_FALSE(test::poll_until([&] { return read_file(log).find("attempt: ") != std::string::npos; }, 3s))
      << read_file(log);
}

TEST_F(WorkerIntegration, SinkOffsetsApiReadsAltersAndResetsTheConsumerGroup) {
  const auto input = dir_.write("in.txt", "a\nb\nc\n");
  const auto output = dir_ / "out.txt";
  storage::MemoryOffsetStore offsets;
  auto worker = make_worker(offsets);
  run_connector(*worker, "src", file_source(input.string(), "copy"));
  const StringMap sink = file_sink(output.string(), "copy");
  run_connector(*worker, "sink", sink);
  ASSERT_TRUE(wait_until([&] { return read_file(output) == "a\nb\nc\n"; }, kWait, "lines copied"));
  worker->stop_tasks({{"sink", 0}});
  worker->stop_connector("sink");

  const Value tp = Value::map({{Value::string("kafka_topic"), Value::string("copy")},
                               {Value::string("kafka_partition"), Value::int32(0)}});
  const auto kafka_offset = [](std::int64_t o) { return Value::map({{Value::string("kafka_offset"), Value::int64(o)}}); };
  auto current = worker->connector_offsets("sink", sink);
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(current[0].partition, tp);
  EXPECT_EQ(current[0].offset, kafka_offset(3));

  // As Kafka says in its message, the group may still have the stopped task as a member for a moment.
  std::string message;
  std::string last_error;
  ASSERT_TRUE(wait_until(
      [&] {
        try {
          message = worker->alter_connector_offsets(
              "sink", sink,
              {{Value::map({{Value::string("kafka_topic"), Value::string("copy")},
                            {Value::string("kafka_partition"), Value::string("0")}}),
                Value::map({{Value::string("kafka_offset"), Value::string("1")}})}});
          return true;
        } catch (const ConnectError& e) {
          last_error = e.what();
          return false;
        }
      },
      kWait, "the group to accept altered offsets"))
      << last_error;
  EXPECT_EQ(message, "The offsets for this connector have been altered successfully");
  current = worker->connector_offsets("sink", sink);
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(current[0].offset, kafka_offset(1));

  // The sink starts again from the altered offset.
  run_connector(*worker, "sink", sink);
  ASSERT_TRUE(wait_until([&] { return read_file(output) == "a\nb\nc\nb\nc\n"; }, kWait, "records re-read from offset 1"));
  worker->stop_tasks({{"sink", 0}});
  worker->stop_connector("sink");

  ASSERT_TRUE(wait_until(
      [&] {
        try {
          message = worker->reset_connector_offsets("sink", sink);
          return true;
        } catch (const ConnectError& e) {
          last_error = e.what();
          return false;
        }
      },
      kWait, "the group to accept the reset"))
      << last_error;
  EXPECT_EQ(message, "The offsets for this connector have been reset successfully");
  // The dev broker cannot delete committed offsets; reset commits the earliest offset instead.
  current = worker->connector_offsets("sink", sink);
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(current[0].offset, kafka_offset(0));
}

TEST_F(WorkerIntegration, SinkOffsetsBodiesAreValidatedWithKafkasMessages) {
  storage::MemoryOffsetStore offsets;
  auto worker = make_worker(offsets);
  const StringMap sink = file_sink((dir_ / "out.txt").string(), "copy");
  const auto bad_request = [&](SourceOffset entry) {
    try {
      worker->alter_connector_offsets("sink", sink, {std::move(entry)});
    } catch (const BadRequestError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(bad_request({Value(), Value()}), "The partition for a sink connector offset cannot be null or missing");
  EXPECT_EQ(bad_request({Value::map({}), Value()}),
            "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'");
  EXPECT_EQ(bad_request({Value::map({{Value::string("kafka_topic"), Value::string("test")},
                                     {Value::string("kafka_partition"), Value::string("not a number")}}),
                         Value()}),
            "Failed to parse the following Kafka partition value in the provided offsets: 'not a number'. Partition "
            "values for sink connectors need to be integers.");
  const Value tp = Value::map({{Value::string("kafka_topic"), Value::string("test")},
                               {Value::string("kafka_partition"), Value::int32(1)}});
  EXPECT_EQ(bad_request({tp, Value::map({})}),
            "The offset for a sink connector should either be null or contain the key 'kafka_offset'");
  EXPECT_EQ(bad_request({tp, Value::map({{Value::string("kafka_offset"), Value::string("not a number")}})}),
            "Failed to parse the following Kafka offset value in the provided offsets: 'not a number'. Offset values "
            "for sink connectors need to be integers.");
}

TEST_F(WorkerIntegration, SourceOffsetsAreAlteredThroughTheConnectorAndReset) {
  storage::MemoryOffsetStore offsets;
  auto worker = make_worker(offsets);
  const StringMap source = file_source("/tmp/some-file", "copy");
  const Value partition = Value::map({{Value::string("filename"), Value::string("/tmp/some-file")}});
  try {
    worker->alter_connector_offsets("src", source, {{partition, Value::map({{Value::string("pos"), Value::int64(1)}})}});
    FAIL() << "expected the connector to refuse";
  } catch (const ConnectError& e) {
    EXPECT_STREQ(e.what(), "Offset objects should either be null or contain the key 'position'");
  }
  EXPECT_EQ(worker->alter_connector_offsets("src", source,
                                            {{partition, Value::map({{Value::string("position"), Value::int32(7)}})}}),
            "The offsets for this connector have been altered successfully");
  EXPECT_EQ(offsets.get("src", partition), Value::map({{Value::string("position"), Value::int64(7)}}));
  EXPECT_EQ(worker->reset_connector_offsets("src", source), "The offsets for this connector have been reset successfully");
  EXPECT_TRUE(offsets.all("src").empty());
  EXPECT_TRUE(worker->connector_offsets("src", source).empty());
}

}  // namespace
}  // namespace sluice::worker
