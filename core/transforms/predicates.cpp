// The built-in predicates: TopicNameMatches, HasHeaderKey and RecordIsTombstone. Also the per-thread sink
// record scope that lets InsertField read a sink record's Kafka offset.

#include "core/transforms/java_regex.hpp"
#include "core/transforms/transforms.hpp"

#include <optional>
#include <regex>
#include <string>

namespace sluice::transforms {

namespace {

constexpr std::string_view kPattern = "pattern";
constexpr std::string_view kName = "name";

class TopicNameMatches final : public api::Predicate {
 public:
  void configure(const config::RawConfig& raw) override {
    const config::Config config(topic_name_matches_config_def(), raw);
    const std::string& pattern = config.get_string(kPattern);
    try {
      regex_ = compile_java_regex(pattern);
    } catch (const std::regex_error& e) {
      throw_invalid_config(kPattern, pattern,
                           std::string("entry must be a Java-compatible regular expression: ") + e.what());
    }
    last_topic_.reset();
  }

  bool test(const data::ConnectRecord& record) override {
    // A task's records come from few topics, mostly in runs: std::regex allocates on every match.
    if (!last_topic_ || *last_topic_ != record.topic) {
      last_matches_ = java_matches(regex_, record.topic);
      last_topic_ = record.topic;
    }
    return last_matches_;
  }

  const config::ConfigDef& config_def() const override { return topic_name_matches_config_def(); }

 private:
  std::regex regex_;
  std::optional<std::string> last_topic_;  // the topic last tested, and whether it matched
  bool last_matches_ = false;
};

class HasHeaderKey final : public api::Predicate {
 public:
  void configure(const config::RawConfig& raw) override {
    const config::Config config(has_header_key_config_def(), raw);
    name_ = config.get_string(kName);
  }

  bool test(const data::ConnectRecord& record) override {
    return record.headers.last_with_name(name_) != nullptr;
  }

  const config::ConfigDef& config_def() const override { return has_header_key_config_def(); }

 private:
  std::string name_;
};

class RecordIsTombstone final : public api::Predicate {
 public:
  void configure(const config::RawConfig&) override {}
  bool test(const data::ConnectRecord& record) override { return record.value.is_null(); }
  const config::ConfigDef& config_def() const override { return record_is_tombstone_config_def(); }
};

thread_local const data::SinkRecord* current_sink = nullptr;

}  // namespace

const config::ConfigDef& topic_name_matches_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define_required(std::string(kPattern), config::Type::String, config::Importance::Medium,
                      "A Java regular expression for matching against the name of a record's topic.",
                      validators::composite({config::validators::non_empty_string(), validators::regex()}));
    return d;
  }();
  return def;
}

const config::ConfigDef& has_header_key_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define_required(std::string(kName), config::Type::String, config::Importance::Medium,
                      "The header name.", config::validators::non_empty_string());
    return d;
  }();
  return def;
}

const config::ConfigDef& record_is_tombstone_config_def() {
  static const config::ConfigDef def;
  return def;
}

std::unique_ptr<api::Predicate> make_topic_name_matches() {
  return std::make_unique<TopicNameMatches>();
}
std::unique_ptr<api::Predicate> make_has_header_key() {
  return std::make_unique<HasHeaderKey>();
}
std::unique_ptr<api::Predicate> make_record_is_tombstone() {
  return std::make_unique<RecordIsTombstone>();
}

SinkRecordScope::SinkRecordScope(const data::SinkRecord& record) : previous_(current_sink) {
  current_sink = &record;
}

SinkRecordScope::~SinkRecordScope() {
  current_sink = previous_;
}

const data::SinkRecord* current_sink_record(const data::ConnectRecord& record) {
  if (current_sink == nullptr) return nullptr;
  return static_cast<const data::ConnectRecord*>(current_sink) == &record ? current_sink : nullptr;
}

}  // namespace sluice::transforms
