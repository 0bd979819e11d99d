#include "core/worker/config_validators.hpp"

#include <cctype>
#include <cstdint>
#include <regex>
#include <set>
#include <variant>

#include "core/common/errors.hpp"

namespace sluice::worker::validators {
namespace {

using config::ParsedValue;

// Decodes UTF-8 leniently; a broken sequence yields its bytes as code points.
std::vector<std::uint32_t> code_points(std::string_view s) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || (extra > 0 && i + static_cast<std::size_t>(extra) >= s.size())) {
      out.push_back(c);
      ++i;
      continue;
    }
    std::uint32_t cp = extra == 0 ? c : (c & (0x3F >> extra));
    for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

class NonEmptyNoControl final : public config::Validator {
 public:
  void ensure_valid(std::string_view name, const ParsedValue& value) const override {
    const auto* s = std::get_if<std::string>(&value);
    if (s == nullptr) return;  // a missing name is reported as a missing required key
    if (s->empty()) throw_invalid(name, *s, "String may not be empty");
    std::string found;
    for (std::uint32_t cp : code_points(*s)) {
      // Java's Character.isISOControl.
      if (cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F)) {
        if (!found.empty()) found += ", ";
        found += std::to_string(cp);
      }
    }
    if (!found.empty())
      throw_invalid(name, *s, "String may not contain control sequences but had the following ASCII chars: " + found);
  }
  std::string describe() const override { return "non-empty string without ISO control characters"; }
};

class UniqueAliases final : public config::Validator {
 public:
  explicit UniqueAliases(std::string kind) : kind_(std::move(kind)) {}
  void ensure_valid(std::string_view name, const ParsedValue& value) const override {
    const auto* list = std::get_if<std::vector<std::string>>(&value);
    if (list == nullptr) throw_invalid(name, "null", "entry must be non null");
    const std::set<std::string> unique(list->begin(), list->end());
    if (unique.size() < list->size()) throw_invalid(name, java_list(*list), "Duplicate alias provided.");
  }
  std::string describe() const override { return "non-null string, unique " + kind_ + " aliases"; }

 private:
  std::string kind_;
};

class Regex final : public config::Validator {
 public:
  void ensure_valid(std::string_view name, const ParsedValue& value) const override {
    const auto* s = std::get_if<std::string>(&value);
    if (s == nullptr) return;
    try {
      std::regex compiled(*s, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw_invalid(name, *s, std::string("Invalid regex: ") + e.what());
    }
  }
  std::string describe() const override { return "valid regex"; }
};

class Listeners final : public config::Validator {
 public:
  void ensure_valid(std::string_view, const ParsedValue& value) const override {
    const auto* list = std::get_if<std::vector<std::string>>(&value);
    if (list == nullptr) {
      throw ConfigError(
          "Invalid value type for listeners (expected list of URLs , ex: http://localhost:8080,https://localhost:8443).");
    }
    if (list->empty()) {
      throw ConfigError(
          "Invalid value for listeners, at least one URL is expected, ex: http://localhost:8080,https://localhost:8443.");
    }
    for (const auto& item : *list) {
      if (item.find_first_not_of(" \t\r\n") == std::string::npos)
        throw ConfigError("Empty URL found when parsing listeners list.");
    }
  }
  std::string describe() const override {
    return "List of comma-separated URLs, ex: http://localhost:8080,https://localhost:8443.";
  }
};

class TopicSetting final : public config::Validator {
 public:
  explicit TopicSetting(bool replication) : replication_(replication) {}
  void ensure_valid(std::string_view name, const ParsedValue& value) const override {
    const auto* v = std::get_if<std::int32_t>(&value);
    if (v == nullptr || *v == -1 || *v >= 1) return;
    throw_invalid(name, std::to_string(*v),
                  replication_ ? "Replication factor must be positive and not larger than the number of brokers in "
                                 "the Kafka cluster, or -1 to use the broker's default"
                               : "Number of partitions must be positive, or -1 to use the broker's default");
  }
  std::string describe() const override {
    return replication_
               ? "Positive number not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default"
               : "Positive number, or -1 to use the broker's default";
  }

 private:
  bool replication_;
};

class NullOrAtLeast final : public config::Validator {
 public:
  explicit NullOrAtLeast(double min) : inner_(config::validators::at_least(min)) {}
  void ensure_valid(std::string_view name, const ParsedValue& value) const override {
    if (std::holds_alternative<std::monostate>(value)) return;
    inner_->ensure_valid(name, value);
  }
  std::string describe() const override { return inner_->describe(); }

 private:
  config::ValidatorPtr inner_;
};

class ConnectProtocol final : public config::Validator {
 public:
  void ensure_valid(std::string_view name, const ParsedValue& value) const override {
    const auto* s = std::get_if<std::string>(&value);
    std::string lower = s ? *s : "";
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "eager" || lower == "compatible" || lower == "sessioned") return;
    throw_invalid(name, s ? *s : "null", "Invalid Connect protocol compatibility");
  }
  std::string describe() const override { return "[eager, compatible, sessioned]"; }
};

}  // namespace

void throw_invalid(std::string_view name, std::string_view value, std::string_view message) {
  throw ConfigError("Invalid value " + std::string(value) + " for configuration " + std::string(name) + ": " +
                    std::string(message));
}

std::string java_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  return out + "]";
}

config::ValidatorPtr non_empty_string_without_control_chars() {
  return std::make_shared<NonEmptyNoControl>();
}
config::ValidatorPtr unique_aliases(std::string kind) {
  return std::make_shared<UniqueAliases>(std::move(kind));
}
config::ValidatorPtr regex() {
  return std::make_shared<Regex>();
}
config::ValidatorPtr listeners() {
  return std::make_shared<Listeners>();
}
config::ValidatorPtr partitions() {
  return std::make_shared<TopicSetting>(false);
}
config::ValidatorPtr replication_factor() {
  return std::make_shared<TopicSetting>(true);
}
config::ValidatorPtr null_or_at_least(double min) {
  return std::make_shared<NullOrAtLeast>(min);
}
config::ValidatorPtr connect_protocol() {
  return std::make_shared<ConnectProtocol>();
}

}  // namespace sluice::worker::validators
