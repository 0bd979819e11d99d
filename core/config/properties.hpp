#pragma once
// Java .properties parsing (java.util.Properties.load semantics): '#' and '!' comments, key/value
// separated by '=', ':' or whitespace, backslash line continuations (leading whitespace of the next line
// dropped), escapes \t \n \r \f \\ \uXXXX, and escaped separators in keys. Later duplicates win.

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::config {

// Entries in file order (duplicates kept in order; callers building a map let the last one win).
std::vector<std::pair<std::string, std::string>> parse_properties(std::string_view text);
// Reads and parses a file; throws ConfigError "Could not read properties file <path>: <reason>".
std::vector<std::pair<std::string, std::string>> load_properties_file(const std::filesystem::path& path);

}  // namespace sluice::config
