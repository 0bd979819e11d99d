#pragma once
// Matching a JSON response against an expected document written in a test case.
//
// Two modes: exact (objects must have exactly the expected keys) and subset (objects may have more keys).
// Arrays always need the same length, element by element, unless a marker says otherwise. Markers:
//   "$any"                 any value (the key must be present)
//   "$absent"              as an object member: the key must not be present
//   "$regex:<ECMAScript>"  a string that matches the whole pattern
//   "$int"                 an integer
//   {"$unordered": [...]}  an array with the same elements in any order
//   {"$contains": [...]}   an array with (at least) these elements, in any order
//   {"$prefix": [...]}     an array that starts with these elements
//   {"$not_contains": [...]} an array with none of these elements
//   {"$one_of": [...]}     any of the alternatives
//
// Stateless functions; thread-safe.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace sluice::test {

enum class MatchMode { Exact, Subset };

// nullopt when `actual` matches `expected`; otherwise where and why it does not ("$.tasks[0].state:
// expected "RUNNING", got "FAILED"").
std::optional<std::string> json_mismatch(const nlohmann::json& expected, const nlohmann::json& actual,
                                         MatchMode mode);

}  // namespace sluice::test
