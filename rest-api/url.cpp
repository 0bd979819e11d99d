#include "rest-api/url.hpp"

#include "core/common/errors.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sluice::rest {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

bool is_sub_delim(unsigned char c) {
  return c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' ||
         c == ',' || c == ';' || c == '=';
}

void append_escape(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.push_back('%');
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 0x0F]);
}

[[noreturn]] void listener_error(std::string_view value, const std::string& reason) {
  throw ConfigError("Invalid value " + std::string(value) + " for configuration listeners: " + reason);
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_as_space && c == '+' ? ' ' : c);
  }
  return out;
}

Target parse_target(std::string_view target) {
  Target result;
  // Absolute-form targets ("http://host:8083/connectors") come from proxies; keep only the path.
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (target.size() > scheme.size() && to_lower(target.substr(0, scheme.size())) == scheme) {
      auto slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
      break;
    }
  }
  if (auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  std::string_view path = target;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    result.raw_query = std::string(target.substr(q + 1));
  }
  result.path = std::string(path);

  std::string_view rest = path;
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (!rest.empty()) {
    std::size_t start = 0;
    while (true) {
      auto slash = rest.find('/', start);
      std::string_view seg =
          rest.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
      result.segments.push_back(percent_decode(seg, false));
      if (slash == std::string_view::npos) break;
      start = slash + 1;
    }
  }

  std::string_view query = result.raw_query;
  std::size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    auto amp = query.find('&', start);
    std::string_view pair =
        query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      std::string_view key = pair.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
      result.query.emplace_back(percent_decode(key, true), percent_decode(value, true));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return result;
}

std::string encode_path(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@' || c == '/') {
      out.push_back(ch);
    } else {
      append_escape(out, c);
    }
  }
  return out;
}

std::string encode_query_component(std::string_view text) {
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out.push_back(ch);
    } else {
      append_escape(out, c);
    }
  }
  return out;
}

std::vector<Listener> parse_listeners(std::string_view value) {
  std::vector<Listener> listeners;
  std::size_t start = 0;
  while (start <= value.size()) {
    auto comma = value.find(',', start);
    std::string entry =
        trim(value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (!entry.empty()) {
      // Kafka's pattern: ^(.*)://\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$
      auto sep = entry.find("://");
      auto colon = entry.rfind(':');
      if (sep == std::string::npos || colon == std::string::npos || colon < sep + 3) {
        listener_error(entry, "Listener doesn't have the right format (protocol://hostname:port).");
      }
      Listener listener;
      listener.text = entry;
      listener.protocol = to_lower(entry.substr(0, sep));
      std::string host = entry.substr(sep + 3, colon - (sep + 3));
      if (!host.empty() && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
      bool host_ok = std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '-' || c == '%' || c == '.' || c == '_' || c == ':';
      });
      std::string port_text = entry.substr(colon + 1);
      int port = -1;
      auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
      if (!host_ok || port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size()) {
        listener_error(entry, "Listener doesn't have the right format (protocol://hostname:port).");
      }
      if (listener.protocol == "https") {
        listener_error(entry,
                       "TLS (https) listeners are not supported yet; configure an http:// listener instead.");
      }
      if (listener.protocol != "http") {
        listener_error(entry, "Listener protocol must be either \"http\" or \"https\".");
      }
      if (port < 0 || port > 65535) listener_error(entry, "Listener port must be between 0 and 65535.");
      listener.host = host;
      listener.port = static_cast<std::uint16_t>(port);
      listeners.push_back(std::move(listener));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (listeners.empty()) {
    throw ConfigError("Invalid value " + std::string(value) +
                      " for configuration listeners: at least one listener (e.g. http://:8083) is required.");
  }
  return listeners;
}

bool parse_java_boolean(std::string_view text) {
  return to_lower(text) == "true";
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string trim(std::string_view text) {
  auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace sluice::rest
