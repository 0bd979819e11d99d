#include "tests/rest/json_match.hpp"

#include <regex>
#include <vector>

namespace sluice::test {
namespace {

using Json = nlohmann::json;

std::string brief(const Json& value) {
  std::string text = value.dump();
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  return text;
}

bool is_marker_object(const Json& expected, const char* marker) {
  return expected.is_object() && expected.size() == 1 && expected.contains(marker);
}

std::optional<std::string> find_mismatch(const Json& expected, const Json& actual, MatchMode mode,
                                    const std::string& path);

// Each expected element matched to a distinct actual element (greedy, which is enough for test data where
// elements are distinguishable).
std::optional<std::string> match_elements(const Json& wanted, const Json& actual, MatchMode mode,
                                          const std::string& path, bool same_size) {
  if (!wanted.is_array()) return path + ": the marker needs an array";
  if (!actual.is_array()) return path + ": expected an array, got " + brief(actual);
  if (same_size && wanted.size() != actual.size()) {
    return path + ": expected " + std::to_string(wanted.size()) + " elements in any order, got " +
           std::to_string(actual.size()) + ": " + brief(actual);
  }
  std::vector<bool> used(actual.size(), false);
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    bool found = false;
    for (std::size_t j = 0; j < actual.size() && !found; ++j) {
      if (!used[j] && !find_mismatch(wanted[i], actual[j], mode, path)) {
        used[j] = true;
        found = true;
      }
    }
    if (!found) return path + ": no element matches " + brief(wanted[i]) + " in " + brief(actual);
  }
  return std::nullopt;
}

std::optional<std::string> find_mismatch(const Json& expected, const Json& actual, MatchMode mode,
                                    const std::string& path) {
  if (expected.is_string()) {
    const auto& text = expected.get_ref<const std::string&>();
    if (text == "$any") return std::nullopt;
    if (text == "$int") {
      if (actual.is_number_integer()) return std::nullopt;
      return path + ": expected an integer, got " + brief(actual);
    }
    if (text.rfind("$regex:", 0) == 0) {
      if (!actual.is_string()) return path + ": expected a string matching /" + text.substr(7) + "/, got " + brief(actual);
      if (std::regex_match(actual.get_ref<const std::string&>(), std::regex(text.substr(7)))) return std::nullopt;
      return path + ": expected a string matching /" + text.substr(7) + "/, got " + brief(actual);
    }
  }
  if (is_marker_object(expected, "$unordered")) {
    return match_elements(expected["$unordered"], actual, mode, path, true);
  }
  if (is_marker_object(expected, "$contains")) {
    return match_elements(expected["$contains"], actual, mode, path, false);
  }
  if (is_marker_object(expected, "$prefix")) {
    const Json& wanted = expected["$prefix"];
    if (!actual.is_array()) return path + ": expected an array, got " + brief(actual);
    if (actual.size() < wanted.size()) {
      return path + ": expected at least " + std::to_string(wanted.size()) + " elements, got " + brief(actual);
    }
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      if (auto why = find_mismatch(wanted[i], actual[i], mode, path + "[" + std::to_string(i) + "]")) return why;
    }
    return std::nullopt;
  }
  if (is_marker_object(expected, "$not_contains")) {
    if (!actual.is_array()) return path + ": expected an array, got " + brief(actual);
    for (const auto& unwanted : expected["$not_contains"]) {
      for (const auto& element : actual) {
        if (!find_mismatch(unwanted, element, mode, path)) {
          return path + ": expected no element matching " + brief(unwanted) + ", found " + brief(element);
        }
      }
    }
    return std::nullopt;
  }
  if (is_marker_object(expected, "$one_of")) {
    std::string reasons;
    for (const auto& alternative : expected["$one_of"]) {
      auto why = find_mismatch(alternative, actual, mode, path);
      if (!why) return std::nullopt;
      reasons += "\n  - " + *why;
    }
    return path + ": no alternative matches:" + reasons;
  }
  if (expected.is_object()) {
    if (!actual.is_object()) return path + ": expected an object, got " + brief(actual);
    for (const auto& [key, value] : expected.items()) {
      const std::string child = path + "." + key;
      if (value.is_string() && value.get_ref<const std::string&>() == "$absent") {
        if (actual.contains(key)) return child + ": expected no such key, got " + brief(actual[key]);
        continue;
      }
      if (!actual.contains(key)) return child + ": missing in " + brief(actual);
      if (auto why = find_mismatch(value, actual[key], mode, child)) return why;
    }
    if (mode == MatchMode::Exact) {
      for (const auto& [key, value] : actual.items()) {
        if (!expected.contains(key)) return path + "." + key + ": unexpected key (value " + brief(value) + ")";
      }
    }
    return std::nullopt;
  }
  if (expected.is_array()) {
    if (!actual.is_array()) return path + ": expected an array, got " + brief(actual);
    if (expected.size() != actual.size()) {
      return path + ": expected " + std::to_string(expected.size()) + " elements, got " +
             std::to_string(actual.size()) + ": " + brief(actual);
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      if (auto why = find_mismatch(expected[i], actual[i], mode, path + "[" + std::to_string(i) + "]")) return why;
    }
    return std::nullopt;
  }
  // Scalars: JSON equality, but 1 and 1.0 are different documents for a compatibility test (nlohmann keeps
  // signed and unsigned integers apart; both are just integers here).
  if (expected.is_number_integer() && actual.is_number_integer()) {
    if (expected == actual) return std::nullopt;
    return path + ": expected " + brief(expected) + ", got " + brief(actual);
  }
  if (expected.type() != actual.type() || expected != actual) {
    return path + ": expected " + brief(expected) + ", got " + brief(actual);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> json_mismatch(const nlohmann::json& expected, const nlohmann::json& actual,
                                         MatchMode mode) {
  return find_mismatch(expected, actual, mode, "$");
}

}  // namespace sluice::test
