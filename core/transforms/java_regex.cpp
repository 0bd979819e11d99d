#include "core/transforms/java_regex.hpp"

#include "core/common/errors.hpp"

#include <cctype>
#include <string>

namespace sluice::transforms {

std::regex compile_java_regex(const std::string& pattern) {
  return std::regex(pattern, std::regex::ECMAScript);
}

bool java_matches(const std::regex& regex, const std::string& input) {
  return std::regex_match(input, regex);
}

std::string java_replace_first(const std::regex& regex, const std::string& input,
                               std::string_view replacement) {
  std::smatch match;
  if (!std::regex_search(input, match, regex)) return input;
  const std::size_t group_count = match.size() - 1;
  std::string expanded;
  for (std::size_t i = 0; i < replacement.size(); ++i) {
    const char c = replacement[i];
    if (c == '\\') {
      if (++i >= replacement.size()) throw ConnectError("character to be escaped is missing");
      expanded += replacement[i];
    } else if (c == '$') {
      if (++i >= replacement.size()) throw ConnectError("Illegal group reference: group index is missing");
      if (replacement[i] == '{') {
        // ECMAScript std::regex has no named groups, so no name can ever refer to one.
        const std::size_t close = replacement.find('}', i);
        if (close == std::string_view::npos)
          throw ConnectError("named capturing group is missing trailing '}'");
        const std::string name(replacement.substr(i + 1, close - i - 1));
        throw ConnectError("No group with name {" + name + "}");
      }
      if (std::isdigit(static_cast<unsigned char>(replacement[i])) == 0) {
        throw ConnectError("Illegal group reference");
      }
      // Java reads digits greedily while the number still names an existing group.
      std::size_t ref = static_cast<std::size_t>(replacement[i] - '0');
      while (i + 1 < replacement.size() &&
             std::isdigit(static_cast<unsigned char>(replacement[i + 1])) != 0) {
        const std::size_t next = ref * 10 + static_cast<std::size_t>(replacement[i + 1] - '0');
        if (next > group_count) break;
        ref = next;
        ++i;
      }
      if (ref > group_count) throw ConnectError("No group " + std::to_string(ref));
      if (match[ref].matched) expanded += match[ref].str();
    } else {
      expanded += c;
    }
  }
  std::string out(match.prefix().str());
  out += expanded;
  out += match.suffix().str();
  return out;
}

}  // namespace sluice::transforms
