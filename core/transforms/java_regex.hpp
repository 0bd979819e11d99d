#pragma once
// Java regular expressions as the transforms use them (RegexRouter, TopicNameMatches). Patterns compile as
// ECMAScript, which shares Java's syntax for the constructs topic patterns use (classes, groups,
// alternation, quantifiers, anchors); most Java-only constructs (lookbehind, possessive quantifiers, inline
// flags) fail to compile and are reported at configuration time. Replacement strings follow Java's
// Matcher.appendReplacement rules: $n and ${name} group references, backslash escapes.

#include <regex>
#include <string>
#include <string_view>

namespace sluice::transforms {

// Throws std::regex_error when the pattern does not compile.
std::regex compile_java_regex(const std::string& pattern);

// Matcher.replaceFirst on `input` after a successful match: the first match (as find()) is replaced by the
// expanded replacement. Throws ConnectError for an invalid group reference ("No group 3", "Illegal group
// reference") or a trailing backslash ("character to be escaped is missing"), as Java does.
std::string java_replace_first(const std::regex& regex, const std::string& input,
                               std::string_view replacement);

// Matcher.matches(): the whole input matches.
bool java_matches(const std::regex& regex, const std::string& input);

}  // namespace sluice::transforms
