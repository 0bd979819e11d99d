#include "core/worker/worker_sink_task.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "core/common/errors.hpp"
#include "core/worker/client_overrides.hpp"

namespace sluice::worker {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

api::TopicPartition to_api(const kafka::TopicPartition& tp) {
  return {tp.topic, tp.partition};
}

kafka::TopicPartition to_kafka(const api::TopicPartition& tp) {
  return {tp.topic, tp.partition};
}

std::string describe(const api::TopicPartition& tp) {
  return tp.topic + "-" + std::to_string(tp.partition);
}

config::RawConfig raw_of(const StringMap& config) {
  config::RawConfig raw;
  for (const auto& [key, value] : config) raw.emplace(key, value);
  return raw;
}

// Kafka's errant-record reports name SinkTask as the executing class.
constexpr const char* kSinkTaskClass = "org.apache.kafka.connect.sink.SinkTask";

}  // namespace

// What the plugin's task sees of the runtime. Requests are queued for the task's thread.
class WorkerSinkTask::Context final : public api::SinkTaskContext {
 public:
  explicit Context(WorkerSinkTask& owner) : owner_(owner) {}
  const std::string& log_prefix() const override { return owner_.prefix_; }
  bool is_stopping() const override { return owner_.stopping(); }
  void seek(const api::TopicPartition& tp, std::int64_t offset) override {
    request([&] { owner_.seek_requests_[tp] = offset; });
  }
  void set_timeout(std::int64_t timeout_ms) override {
    request([&] { owner_.timeout_request_.store(timeout_ms); });
  }
  void pause(const api::TopicPartition& tp) override {
    request([&] { owner_.pause_requests_.emplace_back(tp, true); });
  }
  void resume(const api::TopicPartition& tp) override {
    request([&] { owner_.pause_requests_.emplace_back(tp, false); });
  }
  void request_commit() override {
    request([&] { owner_.commit_requested_.store(true); });
  }
  std::vector<api::TopicPartition> assignment() const override {
    std::lock_guard lock(owner_.assignment_mu_);
    return owner_.assignment_copy_;
  }
  bool report_errant(const data::SinkRecord& record, const std::string& error_class,
                     const std::string& message) override {
    return owner_.report_errant(record, error_class, message);
  }

 private:
  // Queues a request for the task's thread and wakes a poll() that waits for records, so that one made from
  // another thread takes effect at once.
  template <class F>
  void request(F&& queue) {
    {
      std::lock_guard lock(owner_.requests_mu_);
      queue();
    }
    owner_.wake_consumer();
  }

  WorkerSinkTask& owner_;
};

WorkerSinkTask::WorkerSinkTask(const ConnectorTaskId& id, WorkerContext& ctx, StringMap connector_config,
                               StringMap task_config, TargetState initial)
    : WorkerTask(id, ctx, std::move(connector_config), std::move(task_config), initial, "WorkerSinkTask") {}

WorkerSinkTask::~WorkerSinkTask() { replace_consumer(nullptr); }

void WorkerSinkTask::wake_consumer() {
  std::lock_guard lock(wake_mu_);
  if (consumer_) consumer_->wakeup();
}

void WorkerSinkTask::replace_consumer(std::unique_ptr<kafka::Consumer> consumer) {
  std::unique_ptr<kafka::Consumer> old;
  {
    std::lock_guard lock(wake_mu_);
    old = std::exchange(consumer_, std::move(consumer));
  }
  // The old consumer closes (leaves its group) outside the lock, so a wake never waits for that.
}

void WorkerSinkTask::execute() {
  stage("initialize");
  config_ = std::make_unique<ConnectorConfig>(api::ConnectorType::Sink, connector_config_);
  converters_ = make_converters(ctx_.plugins, ctx_.config, connector_config_);
  ctx_.log->info("{}Using {}", prefix_, converters_.description);
  chain_ = transforms::build_transformation_chain(raw_of(connector_config_), ctx_.plugins);
  errors_ = std::make_unique<RetryWithToleranceOperator>(
      id_, config_->errors_retry_timeout(), config_->errors_retry_delay_max(), config_->errors_tolerance(),
      [this](std::chrono::milliseconds delay) { return sleep_unless_stopping(delay); }, /*sink=*/true);
  errors_->add_reporter(std::make_unique<LogReporter>(config_->errors_log_enable(),
                                                      config_->errors_log_include_messages(), ctx_.log, prefix_));
  if (const std::string dlq = config_->dlq_topic(); !dlq.empty()) {
    errors_->add_reporter(std::make_unique<DeadLetterQueueReporter>(
        id_, dlq, config_->dlq_context_headers_enable(), config_->dlq_replication_factor(),
        producer_properties(ctx_.config, ctx_.bootstrap, ctx_.policy, connector_config_,
                            "connector-dlq-producer-" + id_.to_string()),
        admin_properties(ctx_.config, ctx_.bootstrap, ctx_.policy, connector_config_,
                         "connector-dlq-adminclient-" + id_.to_string()),
        ctx_.log, prefix_));
    keep_originals_ = true;
  }
  processor_ = std::make_unique<SinkRecordProcessor>(converters_, chain_, *errors_);
  kafka::Properties props = consumer_properties(ctx_.config, ctx_.bootstrap, ctx_.policy, id_.connector,
                                                connector_config_, "connector-consumer-" + id_.to_string());
  // librdkafka has no max.poll.records; the batch size for put() is ours to apply.
  if (const auto it = props.find("max.poll.records"); it != props.end()) {
    try {
      max_poll_records_ = std::max<std::size_t>(1, std::stoul(it->second));
    } catch (const std::exception&) {
      throw ConfigError("Invalid value " + it->second + " for configuration max.poll.records: Not a number of type INT");
    }
    props.erase(it);
  }
  context_ = std::make_unique<Context>(*this);
  task_ = ctx_.plugins.create_sink_task(config_->connector_class(), *context_);

  if (target_state() != TargetState::Started) {
    report(State::Paused);
    while (!stopping() && target_state() != TargetState::Started) wait_for_signal(1s);
    if (stopping()) {
      task_.reset();
      return;
    }
  }
  replace_consumer(std::make_unique<kafka::Consumer>(props, "consumer for task " + id_.to_string(),
                                                     static_cast<kafka::RebalanceListener&>(*this)));
  stage("start");
  task_->start(task_config_);
  started_ = true;
  // Kafka copies the connector's topics into every task config; fall back to the connector's.
  auto topics_source = task_config_;
  if (!topics_source.contains(connector_keys::kTopics) && !topics_source.contains(connector_keys::kTopicsRegex))
    topics_source = connector_config_;
  const std::vector<std::string> topics = parse_topics_list(topics_source);
  const auto regex = topics_source.find(connector_keys::kTopicsRegex);
  if (!topics.empty()) {
    consumer_->subscribe(topics);
    ctx_.log->info("{}Subscribed to topic(s) {}", prefix_, topics_source.at(connector_keys::kTopics));
  } else if (regex != topics_source.end() && !regex->second.empty()) {
    consumer_->subscribe_regex(regex->second);
    ctx_.log->info("{}Subscribed to pattern '{}'", prefix_, regex->second);
  } else {
    throw ConfigError("Must configure one of topics or topics.regex");
  }
  ctx_.log->info("{}Sink task finished initialization and start", prefix_);
  report(State::Running);

  // What was put is committed and the task closed and stopped even after a failure.
  run_loop_then_shutdown([this] { run_loop(); }, [this] { shutdown(); });
}

void WorkerSinkTask::run_loop() {
  next_commit_ = Clock::now() + ctx_.config.offset_flush_interval();
  bool paused = false;
  while (!stopping()) {
    apply_requests();
    const bool want_paused = target_state() != TargetState::Started;
    if (want_paused != paused) {
      paused = want_paused;
      ctx_.log->info("{}{}", prefix_, paused ? "Paused" : "Resumed");
      report(paused ? State::Paused : State::Running);
    }
    update_pauses();
    const auto now = Clock::now();
    if (now >= next_commit_ || commit_requested_.exchange(false)) {
      commit(/*closing=*/false, nullptr);
      next_commit_ = Clock::now() + ctx_.config.offset_flush_interval();
    }
    if (retrying_ && Clock::now() >= retry_at_) {
      deliver();
      continue;
    }
    // Wait for records (or, while retrying or paused, only serve rebalances) up to the next deadline: a stop,
    // a state change and the plugin's requests wake the consumer (wake_consumer), as in Kafka.
    auto deadline = next_commit_;
    if (retrying_) deadline = std::min(deadline, retry_at_);
    auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    timeout = std::clamp(timeout, 0ms, kMaxPollWait);
    stage("poll");
    poll_and_convert(timeout);
    if (!retrying_) deliver();
  }
}

void WorkerSinkTask::poll_and_convert(std::chrono::milliseconds timeout) {
  std::vector<kafka::Message> messages = consumer_->poll(timeout, max_poll_records_);
  if (messages.empty()) return;
  if (retrying_) {
    // Paused partitions return nothing; anything else arriving now goes after the batch being retried.
    ctx_.log->debug("{}{} records arrived while a batch waits for redelivery; appended to it", prefix_,
                    messages.size());
  }
  stage("convert");
  // Messages come in runs of one partition: its lookups are done once per run.
  TP run;
  bool run_known = false;
  bool run_assigned = false;
  std::int64_t* next_offset = nullptr;  // the run's entry of batch_offsets_ (a map: stays valid)
  for (kafka::Message& message : messages) {
    if (!run_known || message.partition != run.partition || message.topic != run.topic) {
      run.topic = message.topic;
      run.partition = message.partition;
      run_known = true;
      // Records of partitions revoked meanwhile would be committed against the wrong owner: skip them.
      run_assigned = assigned_.contains(run);
      next_offset = nullptr;
      if (run_assigned) note_topic(message.topic);
    }
    if (!run_assigned) continue;
    std::optional<data::SinkRecord> record;
    try {
      record = processor_->process(message);
    } catch (const OperationAborted&) {
      // Stopping during a retry: neither this record nor the rest of the poll counts as consumed.
      return;
    }
    if (next_offset == nullptr) next_offset = &batch_offsets_[run];
    *next_offset = message.offset + 1;
    if (!record) continue;
    batch_.push_back(std::move(*record));
    if (keep_originals_) {
      Coordinates at{message.topic, message.partition, message.offset};
      batch_originals_.insert_or_assign(std::move(at), std::move(message));
    }
  }
}

bool WorkerSinkTask::report_errant(const data::SinkRecord& record, const std::string& error_class,
                                   const std::string& message) {
  const kafka::Message* original = nullptr;
  kafka::Message rebuilt;
  // Records reach the plugin and come back through the ABI as copies: find the batch record by its
  // coordinates, as the plugin saw them (after transformations) or as read from Kafka.
  Coordinates at{record.original_topic, record.original_partition, record.original_kafka_offset};
  for (const data::SinkRecord& r : batch_) {
    if (r.topic == record.topic && r.partition == record.partition && r.kafka_offset == record.kafka_offset) {
      at = Coordinates{r.original_topic, r.original_partition, r.original_kafka_offset};
      break;
    }
  }
  if (const auto it = batch_originals_.find(at); it != batch_originals_.end()) {
    original = &it->second;
  } else {
    // Not a record of the batch (a task may report records it made): Kafka converts it back with the task's
    // converters; the coordinates are where it came from.
    const auto& [topic, partition, offset] = at;
    rebuilt.topic = topic.empty() ? record.topic : topic;
    rebuilt.partition = partition >= 0 ? partition : record.partition.value_or(-1);
    rebuilt.offset = offset >= 0 ? offset : record.kafka_offset;
    if (record.timestamp && record.timestamp_type != data::TimestampType::None) {
      rebuilt.timestamp = *record.timestamp;
      rebuilt.timestamp_type = record.timestamp_type == data::TimestampType::LogAppendTime
                                   ? kafka::TimestampType::LogAppendTime
                                   : kafka::TimestampType::CreateTime;
    }
    if (keep_originals_) {
      try {
        rebuilt.key = converters_.key->from_connect(record.topic, &record.headers, record.key_schema, record.key);
        rebuilt.value =
            converters_.value->from_connect(record.topic, &record.headers, record.value_schema, record.value);
        for (const data::Header& header : record.headers) {
          rebuilt.headers.push_back(
              {header.key, converters_.header->from_connect(record.topic, header.key, header.schema, header.value)});
        }
      } catch (const std::exception& e) {
        ctx_.log->error("{}Could not convert an errant record back to bytes for the dead letter queue: {}", prefix_,
                        e.what());
      }
    }
    original = &rebuilt;
  }
  try {
    errors_->execute_failed(Stage::TaskPut, kSinkTaskClass, *original,
                            std::make_exception_ptr(ReportedError(error_class, message)));
    return true;
  } catch (const ConnectError&) {
    if (!errant_failure_) errant_failure_ = std::current_exception();
    return false;
  }
}

void WorkerSinkTask::deliver() {
  stage("put");
  errant_failure_ = nullptr;
  try {
    task_->put(batch_);
  } catch (const RetriableError& e) {
    const std::int64_t requested = timeout_request_.exchange(-1);
    const auto max_backoff = std::max(1ms, std::min(config_->errors_retry_delay_max(), ctx_.config.offset_flush_interval()));
    const auto delay = requested > 0 ? std::chrono::milliseconds(requested) : backoff_;
    if (requested <= 0) backoff_ = std::min(backoff_ * 2, max_backoff);
    ctx_.log->warn("{}RetriableException from SinkTask: {}; delivering the same {} records again in {} ms", prefix_,
                   e.what(), batch_.size(), delay.count());
    retrying_ = true;
    retry_at_ = Clock::now() + delay;
    update_pauses();
    return;
  } catch (const std::exception&) {
    if (errant_failure_) {
      // The task failed because an errant record it reported was not tolerated: that report, which names the
      // record, is the cause (the plugin's own exception only repeats "Tolerance exceeded").
      try {
        std::rethrow_exception(errant_failure_);
      } catch (const std::exception&) {
        std::throw_with_nested(ConnectError("Exiting WorkerSinkTask due to unrecoverable exception."));
      }
    }
    std::throw_with_nested(ConnectError("Exiting WorkerSinkTask due to unrecoverable exception."));
  }
  for (const auto& [tp, offset] : batch_offsets_) current_offsets_[tp] = offset;
  batch_.clear();
  batch_originals_.clear();
  batch_offsets_.clear();
  if (retrying_) {
    retrying_ = false;
    backoff_ = kInitialRetryBackoff;
    ctx_.log->info("{}Redelivery succeeded; resuming consumption", prefix_);
    update_pauses();
  }
}

void WorkerSinkTask::commit(bool closing, const std::set<TP>* only) {
  if (!started_ || assigned_.empty()) return;
  stage("commit");
  if (errors_ && !errors_->flush_reporters(ctx_.config.offset_flush_timeout())) {
    ctx_.log->error("{}Records sent to the dead letter queue were not acknowledged within {} ms; offsets are not "
                    "committed this time",
                    prefix_, ctx_.config.offset_flush_timeout().count());
    return;
  }
  std::map<TP, std::int64_t> current;
  for (const auto& [tp, offset] : current_offsets_) {
    if (only == nullptr || only->contains(tp)) current.emplace(tp, offset);
  }
  std::map<TP, std::int64_t> provided;
  try {
    provided = task_->pre_commit(current);
  } catch (const std::exception& e) {
    ctx_.log->error("{}Offset commit failed, rewinding to last committed offsets: {}", prefix_, e.what());
    for (const auto& [tp, offset] : last_committed_) {
      if (only != nullptr && !only->contains(tp)) continue;
      if (!closing) consumer_->seek(to_kafka(tp), offset, 10s);
      current_offsets_[tp] = offset;
    }
    return;
  }
  std::map<kafka::TopicPartition, std::int64_t> to_commit;
  for (const auto& [tp, offset] : provided) {
    if (!assigned_.contains(tp) || (only != nullptr && !only->contains(tp))) {
      ctx_.log->warn("{}Ignoring invalid task provided offset {}/{} -- partition not assigned", prefix_,
                     describe(tp), offset);
      continue;
    }
    const auto last = last_committed_.find(tp);
    if (last != last_committed_.end() && last->second == offset) continue;
    to_commit.emplace(to_kafka(tp), offset);
  }
  if (to_commit.empty()) return;
  try {
    consumer_->commit_sync(to_commit);
    for (const auto& [tp, offset] : to_commit) last_committed_[to_api(tp)] = offset;
    ctx_.log->debug("{}Committed offsets of {} partitions", prefix_, to_commit.size());
  } catch (const std::exception& e) {
    ctx_.log->error("{}Commit of offsets failed: {}", prefix_, e.what());
  }
}

void WorkerSinkTask::apply_requests() {
  std::vector<std::pair<TP, bool>> pauses;
  {
    std::lock_guard lock(requests_mu_);
    pauses.swap(pause_requests_);
  }
  for (const auto& [tp, pause] : pauses) {
    if (!assigned_.contains(tp)) {
      ctx_.log->warn("{}Ignoring a request to {} {}: the partition is not assigned to this task", prefix_,
                     pause ? "pause" : "resume", describe(tp));
      continue;
    }
    if (pause) {
      paused_by_task_.insert(tp);
    } else {
      paused_by_task_.erase(tp);
    }
  }
  apply_seeks();
}

void WorkerSinkTask::apply_seeks() {
  std::map<TP, std::int64_t> seeks;
  {
    std::lock_guard lock(requests_mu_);
    seeks.swap(seek_requests_);
  }
  for (const auto& [tp, offset] : seeks) {
    if (!assigned_.contains(tp)) {
      ctx_.log->warn("{}Ignoring a seek of {} to {}: the partition is not assigned to this task", prefix_,
                     describe(tp), offset);
      continue;
    }
    consumer_->seek(to_kafka(tp), offset, 10s);
    current_offsets_[tp] = offset;
    ctx_.log->debug("{}Rewound {} to offset {}", prefix_, describe(tp), offset);
  }
}

void WorkerSinkTask::update_pauses() {
  std::set<TP> want;
  const bool pause_all = retrying_ || target_state() != TargetState::Started;
  for (const TP& tp : assigned_) {
    if (pause_all || paused_by_task_.contains(tp)) want.insert(tp);
  }
  std::vector<kafka::TopicPartition> to_pause;
  std::vector<kafka::TopicPartition> to_resume;
  for (const TP& tp : want)
    if (!paused_now_.contains(tp)) to_pause.push_back(to_kafka(tp));
  for (const TP& tp : paused_now_)
    if (!want.contains(tp)) to_resume.push_back(to_kafka(tp));
  consumer_->pause(to_pause);
  consumer_->resume(to_resume);
  paused_now_ = std::move(want);
}

void WorkerSinkTask::forget(const std::vector<kafka::TopicPartition>& partitions) {
  std::set<TP> gone;
  for (const auto& tp : partitions) gone.insert(to_api(tp));
  for (const TP& tp : gone) {
    assigned_.erase(tp);
    current_offsets_.erase(tp);
    last_committed_.erase(tp);
    paused_now_.erase(tp);
    paused_by_task_.erase(tp);
    batch_offsets_.erase(tp);
  }
  // Their offsets go back to the committed positions for the next owner: drop their records.
  std::erase_if(batch_, [&](const data::SinkRecord& r) {
    return gone.contains(TP{r.original_topic, r.original_partition});
  });
  std::erase_if(batch_originals_, [&](const auto& entry) {
    return gone.contains(TP{std::get<0>(entry.first), std::get<1>(entry.first)});
  });
  std::lock_guard lock(assignment_mu_);
  assignment_copy_.assign(assigned_.begin(), assigned_.end());
}

void WorkerSinkTask::on_assigned(const std::vector<kafka::TopicPartition>& partitions) {
  std::vector<TP> opened;
  for (const auto& tp : partitions) {
    assigned_.insert(to_api(tp));
    opened.push_back(to_api(tp));
  }
  {
    std::lock_guard lock(assignment_mu_);
    assignment_copy_.assign(assigned_.begin(), assigned_.end());
  }
  ctx_.log->info("{}Partitions assigned: {}", prefix_, opened.size());
  const char* previous = current_stage();
  stage("open");
  task_->open(opened);
  // Pauses and seeks asked for in open() take effect before any record of these partitions is read (Kafka's
  // context applies them to the consumer at once).
  apply_requests();
  update_pauses();
  stage(previous);
}

void WorkerSinkTask::on_revoked(const std::vector<kafka::TopicPartition>& partitions) {
  std::set<TP> revoked;
  for (const auto& tp : partitions) {
    if (assigned_.contains(to_api(tp))) revoked.insert(to_api(tp));
  }
  if (revoked.empty()) return;  // already closed (shutdown closes everything first)
  ctx_.log->info("{}Partitions revoked: {}", prefix_, revoked.size());
  const char* previous = current_stage();
  commit(/*closing=*/true, &revoked);
  stage("close");
  task_->close(std::vector<TP>(revoked.begin(), revoked.end()));
  forget(partitions);
  stage(previous);
}

void WorkerSinkTask::on_lost(const std::vector<kafka::TopicPartition>& partitions) {
  std::vector<TP> lost;
  for (const auto& tp : partitions) {
    if (assigned_.contains(to_api(tp))) lost.push_back(to_api(tp));
  }
  if (lost.empty()) return;
  ctx_.log->warn("{}Partitions lost (no longer owned, offsets not committed): {}", prefix_, lost.size());
  const char* previous = current_stage();
  stage("close");
  task_->close(lost);
  forget(partitions);
  stage(previous);
}

void WorkerSinkTask::shutdown() {
  if (started_) {
    stage("close");
    try {
      commit(/*closing=*/true, nullptr);
      if (!assigned_.empty()) task_->close(std::vector<TP>(assigned_.begin(), assigned_.end()));
    } catch (const std::exception& e) {
      ctx_.log->warn("{}Error while closing partitions: {}", prefix_, e.what());
    }
    std::vector<kafka::TopicPartition> all;
    for (const TP& tp : assigned_) all.push_back(to_kafka(tp));
    forget(all);
    stage("stop");
    try {
      task_->stop();
    } catch (const std::exception& e) {
      ctx_.log->warn("{}Could not stop task: {}", prefix_, e.what());
    }
  }
  if (errors_ && !errors_->flush_reporters(ctx_.config.offset_flush_timeout())) {
    ctx_.log->error("{}Records sent to the dead letter queue were not all acknowledged before the task stopped",
                    prefix_);
  }
  if (consumer_) {
    try {
      consumer_->close();
    } catch (const std::exception& e) {
      ctx_.log->warn("{}Error while closing the consumer: {}", prefix_, e.what());
    }
  }
  replace_consumer(nullptr);
  task_.reset();
}

}  // namespace sluice::worker
