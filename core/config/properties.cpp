#include "core/config/properties.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/common/errors.hpp"

namespace sluice::config {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\f';
}

// Splits text into logical lines exactly as java.util.Properties' LineReader does: leading blanks of every
// natural line dropped, blank and comment lines skipped, a line ending in an odd number of backslashes joined
// with the next one (whose leading blanks are dropped). Escapes are left in place for the key/value split.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  std::optional<std::string> next() {
    std::string line;
    bool skip_blanks = true;
    bool appended_line_begin = false;
    bool new_line = true;
    bool preceding_backslash = false;
    bool skip_lf = false;
    while (true) {
      if (pos_ >= text_.size()) {
        // End of input ends the logical line; a dangling continuation backslash is dropped.
        if (line.empty()) return std::nullopt;
        if (preceding_backslash) line.pop_back();
        return line;
      }
      const char c = text_[pos_++];
      if (skip_lf) {
        skip_lf = false;
        if (c == '\n') continue;
      }
      if (skip_blanks) {
        if (is_blank(c)) continue;
        if (!appended_line_begin && (c == '\r' || c == '\n')) continue;
        skip_blanks = false;
        appended_line_begin = false;
      }
      if (new_line) {
        new_line = false;
        if (c == '#' || c == '!') {
          // A comment runs to the end of its natural line; a trailing backslash does not continue it.
          while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
          new_line = true;
          skip_blanks = true;
          continue;
        }
      }
      if (c != '\n' && c != '\r') {
        line += c;
        preceding_backslash = c == '\\' ? !preceding_backslash : false;
        continue;
      }
      // End of a natural line.
      if (line.empty()) {
        new_line = true;
        skip_blanks = true;
        continue;
      }
      if (!preceding_backslash) return line;
      line.pop_back();
      skip_blanks = true;
      appended_line_begin = true;
      preceding_backslash = false;
      if (c == '\r') skip_lf = true;
      if (pos_ >= text_.size()) return line;
    }
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Resolves the escapes of a key or value (Properties.loadConvert). \uXXXX yields UTF-16 units; consecutive
// high/low surrogate escapes are combined into one code point and a lone surrogate becomes "?" (what Java
// writes for it in UTF-8), so the result is always valid UTF-8.
std::string unescape(std::string_view in) {
  std::string out;
  std::uint32_t pending_high = 0;  // a high surrogate waiting for its low half; 0 when none
  auto flush_high = [&] {
    if (pending_high != 0) out += '?';
    pending_high = 0;
  };
  for (std::size_t i = 0; i < in.size();) {
    char c = in[i++];
    if (c != '\\' || i >= in.size()) {
      flush_high();
      out += c;
      continue;
    }
    c = in[i++];
    if (c != 'u') {
      flush_high();
      switch (c) {
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'n': out += '\n'; break;
        case 'f': out += '\f'; break;
        default: out += c; break;
      }
      continue;
    }
    if (in.size() - i < 4) throw ConfigError("Malformed \\uxxxx encoding.");
    std::uint16_t unit = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = in[i++];
      unit = static_cast<std::uint16_t>(unit << 4);
      if (h >= '0' && h <= '9') {
        unit = static_cast<std::uint16_t>(unit | (h - '0'));
      } else if (h >= 'a' && h <= 'f') {
        unit = static_cast<std::uint16_t>(unit | (h - 'a' + 10));
      } else if (h >= 'A' && h <= 'F') {
        unit = static_cast<std::uint16_t>(unit | (h - 'A' + 10));
      } else {
        throw ConfigError("Malformed \\uxxxx encoding.");
      }
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      flush_high();
      pending_high = unit;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      if (pending_high != 0) {
        append_utf8(out, 0x10000 + ((pending_high - 0xD800) << 10) + (unit - 0xDC00u));
        pending_high = 0;
      } else {
        out += '?';
      }
    } else {
      flush_high();
      append_utf8(out, unit);
    }
  }
  flush_high();
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_properties(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> entries;
  LineReader reader(text);
  while (auto line = reader.next()) {
    const std::string_view l = *line;
    // The key ends at the first unescaped '=', ':' or blank.
    std::size_t key_len = 0;
    std::size_t value_start = l.size();
    bool has_separator = false;
    bool preceding_backslash = false;
    while (key_len < l.size()) {
      const char c = l[key_len];
      if ((c == '=' || c == ':') && !preceding_backslash) {
        value_start = key_len + 1;
        has_separator = true;
        break;
      }
      if (is_blank(c) && !preceding_backslash) {
        value_start = key_len + 1;
        break;
      }
      preceding_backslash = c == '\\' ? !preceding_backslash : false;
      ++key_len;
    }
    // Blanks around the separator are skipped, and one '=' or ':' after blanks still counts as the separator.
    while (value_start < l.size()) {
      const char c = l[value_start];
      if (!is_blank(c)) {
        if (!has_separator && (c == '=' || c == ':')) {
          has_separator = true;
        } else {
          break;
        }
      }
      ++value_start;
    }
    entries.emplace_back(unescape(l.substr(0, key_len)), unescape(l.substr(value_start)));
  }
  return entries;
}

std::vector<std::pair<std::string, std::string>> load_properties_file(const std::filesystem::path& path) {
  auto fail = [&](const std::string& reason) -> ConfigError {
    return ConfigError("Could not read properties file " + path.string() + ": " + reason);
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw fail("Is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw fail(std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw fail("read error");
  try {
    return parse_properties(buffer.str());
  } catch (const ConfigError& e) {
    throw fail(e.what());
  }
}

}  // namespace sluice::config
