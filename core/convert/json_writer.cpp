#include "core/convert/json_writer.hpp"

#include "core/data/text_format.hpp"

#include <cmath>
#include <string>

namespace sluice::convert::json {

void append_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '"';
  std::size_t run = 0;  // start of the current run of characters that need no escaping
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    out += '\\';
    switch (c) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '\b': out += 'b'; break;
      case '\t': out += 't'; break;
      case '\n': out += 'n'; break;
      case '\f': out += 'f'; break;
      case '\r': out += 'r'; break;
      default:
        out += "u00";
        out += kHex[c >> 4];
        out += kHex[c & 0x0F];
        break;
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

void append_int(std::string& out, std::int64_t value) {
  out += std::to_string(value);
}

void append_double(std::string& out, double value) {
  if (!std::isfinite(value)) {
    append_string(out, data::java_double_to_string(value));
    return;
  }
  out += data::java_double_to_string(value);
}

void append_float(std::string& out, float value) {
  if (!std::isfinite(value)) {
    append_string(out, data::java_float_to_string(value));
    return;
  }
  out += data::java_float_to_string(value);
}

}  // namespace sluice::convert::json
