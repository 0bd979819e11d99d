#pragma once
// UTF-8 clean-up with the replacement rule Java's UTF-8 decoder applies (each maximal ill-formed subpart
// becomes one U+FFFD), so that a line read from a file is the same text Kafka's FileStreamSource reads.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sluice::file::utf8 {

// `in` cleaned up, into `out` (replacing its content; its capacity is reused).
inline void sanitize_into(std::string& out, std::string_view in) {
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t n = in.size();
  // Fast path: most text is ASCII or valid UTF-8 and comes back unchanged.
  out.clear();
  std::size_t copied = 0;  // bytes of `in` already represented in `out`
  std::size_t i = 0;
  // ASCII runs eight bytes at a time.
  for (std::uint64_t word = 0; i + sizeof word <= n; i += sizeof word) {
    std::memcpy(&word, p + i, sizeof word);
    if ((word & 0x8080808080808080ULL) != 0) break;
  }
  auto replace = [&](std::size_t bad_start, std::size_t bad_len) {
    out.append(in.substr(copied, bad_start - copied));
    out += "\xEF\xBF\xBD";
    copied = bad_start + bad_len;
  };
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // valid range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
    if (len == 0) {
      replace(i, 1);
      ++i;
      continue;
    }
    std::size_t k = 1;
    for (; k < len && i + k < n; ++k) {
      unsigned char b = p[i + k];
      unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
      if (b < l || b > h) break;
    }
    if (k == len) {
      i += len;
    } else {
      replace(i, k);
      i += k;
    }
  }
  out.append(in.substr(copied));
}

inline std::string sanitize(std::string_view in) {
  std::string out;
  sanitize_into(out, in);
  return out;
}

}  // namespace sluice::file::utf8
