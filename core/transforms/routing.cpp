// The record-level transformations: RegexRouter and TimestampRouter rename the topic, Filter drops records
// (normally behind a predicate).

#include "core/common/errors.hpp"
#include "core/transforms/date_format.hpp"
#include "core/transforms/java_regex.hpp"
#include "core/transforms/transforms.hpp"

#include <optional>
#include <regex>
#include <stdexcept>
#include <string>

namespace sluice::transforms {

namespace {

// ---- RegexRouter ------------------------------------------------------------------------------------------

constexpr std::string_view kRegex = "regex";
constexpr std::string_view kReplacement = "replacement";

class RegexRouter final : public api::Transformation {
 public:
  void configure(const config::RawConfig& raw) override {
    const config::Config config(regex_router_config_def(), raw);
    regex_ = compile_java_regex(config.get_string(kRegex));
    replacement_ = config.get_string(kReplacement);
  }

  bool apply(data::ConnectRecord& record) override {
    if (java_matches(regex_, record.topic))
      record.topic = java_replace_first(regex_, record.topic, replacement_);
    return true;
  }

  const config::ConfigDef& config_def() const override { return regex_router_config_def(); }

 private:
  std::regex regex_;
  std::string replacement_;
};

// ---- TimestampRouter --------------------------------------------------------------------------------------

constexpr std::string_view kTopicFormat = "topic.format";
constexpr std::string_view kTimestampFormat = "timestamp.format";

void replace_all(std::string& text, std::string_view placeholder, const std::string& with) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(placeholder, start);
    if (at == std::string::npos) break;
    out.append(text, start, at - start);
    out += with;
    start = at + placeholder.size();
  }
  out.append(text, start, std::string::npos);
  text = std::move(out);
}

class TimestampRouter final : public api::Transformation {
 public:
  void configure(const config::RawConfig& raw) override {
    const config::Config config(timestamp_router_config_def(), raw);
    topic_format_ = config.get_string(kTopicFormat);
    const std::string& pattern = config.get_string(kTimestampFormat);
    try {
      format_.emplace(pattern);
    } catch (const std::invalid_argument& e) {
      throw_invalid_config(kTimestampFormat, pattern, e.what());
    }
  }

  bool apply(data::ConnectRecord& record) override {
    if (!record.timestamp) {
      throw DataError("Timestamp missing on record: ConnectRecord{topic='" + record.topic +
                      "', kafkaPartition=" + (record.partition ? std::to_string(*record.partition) : "null") +
                      ", timestamp=null}");
    }
    // ${topic} first, then ${timestamp}, each replaced literally, as Kafka does.
    std::string topic = topic_format_;
    replace_all(topic, "${topic}", record.topic);
    replace_all(topic, "${timestamp}", format_->format(*record.timestamp));
    record.topic = std::move(topic);
    return true;
  }

  const config::ConfigDef& config_def() const override { return timestamp_router_config_def(); }

 private:
  std::string topic_format_;
  std::optional<JavaDateFormat> format_;
};

// ---- Filter -----------------------------------------------------------------------------------------------

class Filter final : public api::Transformation {
 public:
  void configure(const config::RawConfig&) override {}
  bool apply(data::ConnectRecord&) override { return false; }
  const config::ConfigDef& config_def() const override { return filter_config_def(); }
};

}  // namespace

const config::ConfigDef& regex_router_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define_required(std::string(kRegex), config::Type::String, config::Importance::High,
                      "Regular expression to use for matching.", validators::regex());
    d.define_required(std::string(kReplacement), config::Type::String, config::Importance::High,
                      "Replacement string.");
    return d;
  }();
  return def;
}

const config::ConfigDef& timestamp_router_config_def() {
  static const config::ConfigDef def = [] {
    config::ConfigDef d;
    d.define(
        std::string(kTopicFormat), config::Type::String, "${topic}-${timestamp}", config::Importance::High,
        "Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders "
        "for the topic and timestamp, respectively.");
    d.define(
        std::string(kTimestampFormat), config::Type::String, "yyyyMMdd", config::Importance::High,
        "Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.");
    return d;
  }();
  return def;
}

const config::ConfigDef& filter_config_def() {
  static const config::ConfigDef def;
  return def;
}

std::unique_ptr<api::Transformation> make_regex_router() {
  return std::make_unique<RegexRouter>();
}
std::unique_ptr<api::Transformation> make_timestamp_router() {
  return std::make_unique<TimestampRouter>();
}
std::unique_ptr<api::Transformation> make_filter() {
  return std::make_unique<Filter>();
}

}  // namespace sluice::transforms
