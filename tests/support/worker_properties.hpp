#pragma once
// The worker properties that in-process worker tests share: String converters, a file offset store, offsets
// flushed every 300 ms and a short consumer session, so that tests see commits and rebalances quickly.

#include <filesystem>
#include <map>
#include <string>

namespace sluice::test {

// `extra` is applied last (it overrides the defaults).
inline std::map<std::string, std::string> worker_test_properties(const std::string& bootstrap,
                                                                 const std::filesystem::path& offsets_file,
                                                                 std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", bootstrap},
      {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
      {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
      {"offset.storage.file.filename", offsets_file.string()},
      {"offset.flush.interval.ms", "300"},
      {"consumer.session.timeout.ms", "6000"},
      {"consumer.heartbeat.interval.ms", "500"}};
  for (auto& [key, value] : extra) props[key] = std::move(value);
  return props;
}

}  // namespace sluice::test
