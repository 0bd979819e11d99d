#include "core/kafka/client_config.hpp"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <utility>

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"

namespace sluice::kafka {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  static const auto log = log::get("sluice.kafka.config");
  return log;
}

std::string trim(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::size_t end = comma == std::string_view::npos ? text.size() : comma;
    std::string item = trim(text.substr(start, end - start));
    if (!item.empty()) out.push_back(std::move(item));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

// What a Java-only property becomes: librdkafka properties to set, or a reason to skip it.
struct Translation {
  std::vector<std::pair<std::string, std::string>> set;
  std::optional<std::string> skip_reason;  // set: WARN and skip
  bool quiet = false;                      // skip at DEBUG: meaningless for Connect's byte-array clients
};

// Kafka's assignor classes and their librdkafka names. librdkafka has no eager "sticky" assignor; the
// cooperative one keeps the same stickiness and the sink task handles both rebalance protocols.
std::optional<std::string> assignor_name(std::string_view item) {
  const std::size_t dot = item.rfind('.');
  const std::string_view simple = dot == std::string_view::npos ? item : item.substr(dot + 1);
  if (simple == "RangeAssignor" || simple == "range") return "range";
  if (simple == "RoundRobinAssignor" || simple == "roundrobin") return "roundrobin";
  if (simple == "CooperativeStickyAssignor" || simple == "StickyAssignor" || simple == "cooperative-sticky")
    return "cooperative-sticky";
  return std::nullopt;
}

std::optional<Translation> translate(const std::string& key, const std::string& value) {
  Translation t;
  if (key == "key.serializer" || key == "value.serializer" || key == "key.deserializer" ||
      key == "value.deserializer") {
    t.skip_reason = "Kafka Connect's clients always move raw bytes; converters do the (de)serialisation";
    t.quiet = true;
    return t;
  }
  if (key == "partition.assignment.strategy") {
    std::string names;
    for (const std::string& item : split_list(value)) {
      const auto name = assignor_name(item);
      if (!name) {
        t.skip_reason = "librdkafka has no assignor '" + item + "' (it offers range, roundrobin and cooperative-sticky)";
        return t;
      }
      if (names.find(*name) != std::string::npos) continue;
      if (!names.empty()) names += ",";
      names += *name;
    }
    t.set.emplace_back(key, names);
    return t;
  }
  if (key == "sasl.jaas.config") {
    const auto jaas = parse_jaas(value);
    const bool password_module =
        jaas && (jaas->module.ends_with("PlainLoginModule") || jaas->module.ends_with("ScramLoginModule"));
    if (!password_module) {
      t.skip_reason = "only PlainLoginModule and ScramLoginModule map to librdkafka (sasl.username and "
                      "sasl.password); set librdkafka's sasl.* properties for other mechanisms";
      return t;
    }
    const auto user = jaas->options.find("username");
    const auto password = jaas->options.find("password");
    if (user != jaas->options.end()) t.set.emplace_back("sasl.username", user->second);
    if (password != jaas->options.end()) t.set.emplace_back("sasl.password", password->second);
    return t;
  }
  if (key == "auto.offset.reset" && trim(value) == "none") {
    t.set.emplace_back(key, "error");  // librdkafka's name for Java's "none"
    return t;
  }
  if (key == "ssl.endpoint.identification.algorithm" && trim(value).empty()) {
    t.set.emplace_back(key, "none");
    return t;
  }
  if (key == "send.buffer.bytes" || key == "receive.buffer.bytes") {
    // Java's -1 (the OS default) is librdkafka's 0.
    const std::string bytes = trim(value) == "-1" ? "0" : trim(value);
    t.set.emplace_back(key == "send.buffer.bytes" ? "socket.send.buffer.bytes" : "socket.receive.buffer.bytes",
                       bytes);
    return t;
  }
  return std::nullopt;
}

// Sets one librdkafka property; false when librdkafka does not know the key.
bool set_known(rd_kafka_conf_t& conf, const std::string& key, const std::string& value, std::string_view client) {
  std::array<char, 512> errstr{};
  const rd_kafka_conf_res_t res = rd_kafka_conf_set(&conf, key.c_str(), value.c_str(), errstr.data(), errstr.size());
  if (res == RD_KAFKA_CONF_OK) return true;
  if (res == RD_KAFKA_CONF_UNKNOWN) return false;
  throw ConfigError("Invalid value " + (is_secret_property(key) ? std::string("[hidden]") : value) +
                    " for Kafka client property " + key + " of the " + std::string(client) + ": " +
                    errstr.data());
}

}  // namespace

std::optional<JaasModule> parse_jaas(std::string_view text) {
  JaasModule out;
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  auto word = [&] {
    skip_space();
    const std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != '=' &&
           text[i] != ';')
      ++i;
    return std::string(text.substr(start, i - start));
  };
  out.module = word();
  const std::string flag = word();
  if (out.module.empty() || flag.empty()) return std::nullopt;
  for (;;) {
    skip_space();
    if (i >= text.size()) return std::nullopt;  // the module must end with ';'
    if (text[i] == ';') break;
    std::string key = word();
    skip_space();
    if (key.empty() || i >= text.size() || text[i] != '=') return std::nullopt;
    ++i;
    skip_space();
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        value += text[i++];
      }
      if (i >= text.size()) return std::nullopt;
      ++i;
    } else {
      value = word();
    }
    out.options[std::move(key)] = std::move(value);
  }
  return out;
}

bool is_secret_property(std::string_view key) {
  for (std::string_view marker :
       {"password", "secret", ".pem", "ssl_key", "sasl.jaas.config", "sasl.oauthbearer.config", "ssl.key"}) {
    if (key.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

std::vector<std::string> apply_client_properties(rd_kafka_conf_t& conf, const Properties& properties,
                                                 std::string_view client) {
  std::vector<std::string> skipped;
  for (const auto& [key, value] : properties) {
    if (auto t = translate(key, value)) {
      if (t->skip_reason) {
        if (t->quiet) {
          logger()->debug("Ignoring Kafka client property '{}' for the {}: {}", key, client, *t->skip_reason);
        } else {
          logger()->warn("Ignoring Kafka client property '{}' for the {}: {}", key, client, *t->skip_reason);
        }
        skipped.push_back(key);
        continue;
      }
      for (const auto& [k, v] : t->set) {
        if (!set_known(conf, k, v, client)) {
          logger()->warn("Ignoring Kafka client property '{}' for the {}: librdkafka does not know '{}'", key,
                         client, k);
          skipped.push_back(key);
        }
      }
      logger()->debug("Kafka client property '{}' of the {} applied as librdkafka's {}", key, client,
                      t->set.empty() ? std::string("(nothing)") : t->set.front().first);
      continue;
    }
    if (!set_known(conf, key, value, client)) {
      logger()->warn("Ignoring Kafka client property '{}' for the {}: librdkafka has no such property, so it "
                     "has no effect here",
                     key, client);
      skipped.push_back(key);
    }
  }
  return skipped;
}

ClientConf make_client_conf(const Properties& properties, std::string_view client) {
  ClientConf out{ConfHandle{rd_kafka_conf_new()}, {}};
  out.skipped = apply_client_properties(*out.conf, properties, client);
  return out;
}

}  // namespace sluice::kafka
