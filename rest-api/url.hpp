#pragma once
// URL helpers for the REST layer: request-target splitting, percent-decoding of path segments and query
// parameters (as JAX-RS does for @PathParam / @QueryParam), path-segment encoding for Location headers and
// forwarded requests (as JAX-RS UriBuilder.path does), and Kafka's `listeners` syntax.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::rest {

// A request target split into its parts. `path` is the raw (still encoded) path without the query.
struct Target {
  std::string path;
  std::vector<std::string> segments;                       // decoded; no empty trailing segment
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order, repeats kept
  std::string raw_query;                                   // still encoded, without '?'
};

// Splits "/connectors/my%20conn/status?expand=a" into decoded segments and query parameters.
// A single trailing slash is ignored ("/connector-plugins/" == "/connector-plugins"), as Jersey does.
Target parse_target(std::string_view target);

// %XX-decoding; with plus_as_space '+' becomes ' ' (query strings). Malformed escapes are kept verbatim.
std::string percent_decode(std::string_view text, bool plus_as_space);

// Encodes one path segment the way UriBuilder.path() does for a connector name: characters outside
// RFC 3986 unreserved / sub-delims / ':' / '@' become %XX (so a space is %20); '/' is kept.
std::string encode_path(std::string_view text);

// Encodes a query parameter name or value (form style: space as %20, reserved characters escaped).
std::string encode_query_component(std::string_view text);

// One entry of Kafka's `listeners` list, e.g. "http://:8083" (empty host = all interfaces).
struct Listener {
  std::string text;      // as configured, trimmed
  std::string protocol;  // lower case
  std::string host;      // may be empty
  std::uint16_t port = 0;
};

// Parses Kafka's comma-separated `listeners` value. Throws ConfigError naming the key `listeners` for a
// malformed entry, an unknown protocol, an out-of-range port, an https:// listener (TLS is not supported
// yet) or an empty list.
std::vector<Listener> parse_listeners(std::string_view value);

// Java's Boolean.valueOf: true only for "true" in any case (JAX-RS parses Boolean query params this way).
bool parse_java_boolean(std::string_view text);

std::string to_lower(std::string_view text);
std::string trim(std::string_view text);

}  // namespace sluice::rest
