#include "core/worker/worker_sink_task.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/common/errors.hpp"

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

data::TimestampType to_data(kafka::TimestampType type) {
  switch (type) {
    case kafka::TimestampType::CreateTime: return data::TimestampType::CreateTime;
    case kafka::TimestampType::LogAppendTime: return data::TimestampType::LogAppendTime;
    case kafka::TimestampType::None: break;
  }
  return data::TimestampType::None;
}

}  // namespace

// What the plugin's task sees of the runtime. Requests are queued for the task's thread.
class WorkerSinkTask::Context final : public api::SinkTaskContext {
 public:
  explicit Context(WorkerSinkTask& owner) : owner_(owner) {}
  const std::string& log_prefix() const override { return owner_.prefix_; }
  bool is_stopping() const override { return owner_.stopping(); }
  void seek(const api::TopicPartition& tp, std::int64_t offset) override {
    std::lock_guard lock(owner_.requests_mu_);
    owner_.seek_requests_[tp] = offset;
  }
  void set_timeout(std::int64_t timeout_ms) override { owner_.timeout_request_.store(timeout_ms); }
  void pause(const api::TopicPartition& tp) override {
    std::lock_guard lock(owner_.requests_mu_);
    owner_.pause_requests_.emplace_back(tp, true);
  }
  void resume(const api::TopicPartition& tp) override {
    std::lock_guard lock(owner_.requests_mu_);
    owner_.pause_requests_.emplace_back(tp, false);
  }
  void request_commit() override { owner_.commit_requested_.store(true); }
  std::vector<api::TopicPartition> assignment() const override {
    std::lock_guard lock(owner_.assignment_mu_);
    return owner_.assignment_copy_;
  }
  bool report_errant(const data::SinkRecord& record, const std::string& error_class,
                     const std::string& message) override {
    const bool tolerated = owner_.config_->errors_tolerance() == ErrorTolerance::All;
    if (owner_.config_->errors_log_enable() || !tolerated) {
      owner_.ctx_.log->error("{}Errant record reported by the task (topic {}, partition {}, offset {}): {}: {}{}",
                             owner_.prefix_, record.original_topic, record.original_partition,
                             record.original_kafka_offset, error_class, message,
                             tolerated ? "; skipped (errors.tolerance=all)" : "");
    }
    return tolerated;
  }

 private:
  WorkerSinkTask& owner_;
};

WorkerSinkTask::WorkerSinkTask(const ConnectorTaskId& id, WorkerContext& ctx, StringMap connector_config,
                               StringMap task_config, TargetState initial)
    : WorkerTask(id, ctx, std::move(connector_config), std::move(task_config), initial, "WorkerSinkTask") {}

WorkerSinkTask::~WorkerSinkTask() = default;

void WorkerSinkTask::execute() {
  stage("initialize");
  config_ = std::make_unique<ConnectorConfig>(api::ConnectorType::Sink, connector_config_);
  converters_ = make_converters(ctx_.plugins, ctx_.config, connector_config_);
  ctx_.log->info("{}Using {}", prefix_, converters_.description);
  chain_ = make_transformation_chain(connector_config_, ctx_.plugins);
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
  consumer_ = std::make_unique<kafka::Consumer>(props, "consumer for task " + id_.to_string(),
                                              static_cast<kafka::RebalanceListener&>(*this));
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

  std::exception_ptr failure;
  const char* failed_stage = nullptr;
  try {
    run_loop();
  } catch (...) {
    failure = std::current_exception();
    failed_stage = current_stage();
  }
  // As Kafka: what was put is committed and the task closed and stopped even after a failure.
  shutdown();
  if (failure) {
    stage(failed_stage);
    std::rethrow_exception(failure);
  }
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
    // Wait for records (or, while retrying or paused, only serve rebalances) up to the next deadline, but
    // wake often enough to notice stop and state changes.
    auto deadline = next_commit_;
    if (retrying_) deadline = std::min(deadline, retry_at_);
    auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    timeout = std::clamp(timeout, 0ms, 500ms);
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
  for (const kafka::Message& message : messages) {
    const TP tp{message.topic, message.partition};
    // Records of partitions revoked meanwhile would be committed against the wrong owner: skip them.
    if (!assigned_.contains(tp)) continue;
    note_topic(message.topic);
    if (auto record = convert(message)) batch_.push_back(std::move(*record));
    batch_offsets_[tp] = message.offset + 1;
  }
}

std::optional<data::SinkRecord> WorkerSinkTask::convert(const kafka::Message& message) {
  data::SinkRecord record;
  try {
    for (const kafka::Header& header : message.headers) {
      const std::optional<std::string_view> bytes =
          header.value ? std::optional<std::string_view>(*header.value) : std::nullopt;
      data::SchemaAndValue converted = converters_.header->to_connect(message.topic, header.key, bytes);
      record.headers.add(header.key, converted.schema, std::move(converted.value));
    }
    const auto key_bytes = message.key ? std::optional<std::string_view>(*message.key) : std::nullopt;
    data::SchemaAndValue key = converters_.key->to_connect(message.topic, &record.headers, key_bytes);
    const auto value_bytes = message.value ? std::optional<std::string_view>(*message.value) : std::nullopt;
    data::SchemaAndValue value = converters_.value->to_connect(message.topic, &record.headers, value_bytes);
    record.key_schema = std::move(key.schema);
    record.key = std::move(key.value);
    record.value_schema = std::move(value.schema);
    record.value = std::move(value.value);
  } catch (const std::exception& e) {
    if (config_->errors_tolerance() == ErrorTolerance::All) {
      if (config_->errors_log_enable()) {
        ctx_.log->error("{}Error converting the record at {}-{} offset {}; skipping it (errors.tolerance=all): {}",
                        prefix_, message.topic, message.partition, message.offset, e.what());
      }
      return std::nullopt;
    }
    std::throw_with_nested(ConnectError("Tolerance exceeded in error handler"));
  }
  record.topic = message.topic;
  record.partition = message.partition;
  record.kafka_offset = message.offset;
  record.timestamp_type = to_data(message.timestamp_type);
  if (record.timestamp_type != data::TimestampType::None) record.timestamp = message.timestamp;
  record.original_topic = message.topic;
  record.original_partition = message.partition;
  record.original_kafka_offset = message.offset;
  stage("transform");
  try {
    if (!chain_.apply(record)) return std::nullopt;
  } catch (const std::exception& e) {
    if (config_->errors_tolerance() != ErrorTolerance::All)
      std::throw_with_nested(ConnectError("Tolerance exceeded in error handler"));
    if (config_->errors_log_enable()) {
      ctx_.log->error("{}Error transforming the record at {}-{} offset {}; skipping it (errors.tolerance=all): {}",
                      prefix_, message.topic, message.partition, message.offset, e.what());
    }
    return std::nullopt;
  }
  stage("convert");
  return record;
}

void WorkerSinkTask::deliver() {
  stage("put");
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
    std::throw_with_nested(ConnectError("Exiting WorkerSinkTask due to unrecoverable exception."));
  }
  for (const auto& [tp, offset] : batch_offsets_) current_offsets_[tp] = offset;
  batch_.clear();
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
  update_pauses();
  apply_seeks();  // seeks made in open() take effect before any record of these partitions is read
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
  if (consumer_) {
    try {
      consumer_->close();
    } catch (const std::exception& e) {
      ctx_.log->warn("{}Error while closing the consumer: {}", prefix_, e.what());
    }
  }
  consumer_.reset();
  task_.reset();
}

}  // namespace sluice::worker
