#pragma once
// String.valueOf(...) of the Java object Kafka Connect would hold for a Connect value, so that connectors
// which print values (FileStreamSink writes String.valueOf(record.value())) write the same text:
//
//   null -> "null"; strings raw; Boolean/Byte/Short/Integer/Long as Java prints them; Float/Double with
//   Java's shortest representation ("1.0", "1.0E10"); List -> "[a, b]"; Map -> "{k=v, k2=v2}" in the
//   iteration order of the java.util.HashMap that JsonConverter builds; Struct -> "Struct{a=1,b=x}"
//   (null fields skipped, as Kafka's Struct.toString); Decimal -> BigDecimal.toString ("12.34", "1E+3");
//   Date / Time / Timestamp -> java.util.Date.toString in UTC ("Thu Jan 01 00:00:00 UTC 1970").
//
// Where Java's text is not reproducible, the closest deterministic form is used:
//   byte[] prints as "[B@" + an identity hash in Java; here the hash is Arrays.hashCode(bytes), so the
//   text has Java's shape ("[B@3c1") and is stable for equal bytes.
//   HashMap order is emulated for keys whose Java hashCode is defined by value (strings, numbers, booleans,
//   dates); maps with other keys, and buckets crowded enough for Java to build trees, keep insertion order.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sdk/data.hpp"
#include "sluice/sdk/java_number.hpp"

namespace sluice::sdk::java {

// Java's String.hashCode over the UTF-16 code units of the UTF-8 text (invalid bytes count as U+FFFD).
inline std::int32_t string_hash(std::string_view utf8) {
  std::uint32_t h = 0;
  auto unit = [&](std::uint32_t u) { h = 31 * h + u; };
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  std::size_t n = utf8.size(), i = 0;
  while (i < n) {
    std::uint32_t c = p[i];
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len != 0 && i + len <= n;
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; ok && k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (!ok) {
      unit(0xFFFD);
      ++i;
      continue;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xD800 + (cp >> 10));
      unit(0xDC00 + (cp & 0x3FF));
    } else {
      unit(cp);
    }
    i += len;
  }
  return static_cast<std::int32_t>(h);
}

inline std::int32_t long_hash(std::int64_t v) {
  auto u = static_cast<std::uint64_t>(v);
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(u ^ (u >> 32)));
}

// Java's hashCode of the object for `value`, or nullopt where Java would use an identity hash (or where
// reproducing it is not worth it: BigDecimal, collections).
inline std::optional<std::int32_t> hash_code(const Value& value, const Schema& schema = {}) {
  using K = Value::Kind;
  const bool date_like = logical::is(schema, logical::kDate) || logical::is(schema, logical::kTime) ||
                         logical::is(schema, logical::kTimestamp);
  switch (value.kind()) {
    case K::Null: return 0;
    case K::Boolean: return value.as_bool() ? 1231 : 1237;
    case K::Int8: return value.as_int8();
    case K::Int16: return value.as_int16();
    case K::Int32:
      if (logical::is(schema, logical::kDate))
        return long_hash(static_cast<std::int64_t>(value.as_int32()) * 86400000);
      if (date_like) return long_hash(value.as_int32());
      return value.as_int32();
    case K::Int64: return long_hash(value.as_int64());
    case K::Float32: {
      float f = value.as_float32();
      std::uint32_t bits = 0x7fc00000u;  // floatToIntBits canonical NaN
      if (f == f) std::memcpy(&bits, &f, sizeof bits);
      return static_cast<std::int32_t>(bits);
    }
    case K::Float64: {
      double d = value.as_float64();
      std::uint64_t bits = 0x7ff8000000000000ull;  // doubleToLongBits canonical NaN
      if (d == d) std::memcpy(&bits, &d, sizeof bits);
      return long_hash(static_cast<std::int64_t>(bits));
    }
    case K::String: return string_hash(value.as_string());
    default: return std::nullopt;
  }
}

// Indexes of `entries` in the order a java.util.HashMap filled in that order iterates them.
inline std::vector<std::size_t> hash_map_order(const Value::Map& entries, const Schema& key_schema = {}) {
  std::vector<std::size_t> order(entries.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<std::uint32_t> spread(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto h = hash_code(entries[i].first, key_schema);
    if (!h) return order;
    auto u = static_cast<std::uint32_t>(*h);
    spread[i] = u ^ (u >> 16);
  }
  std::size_t capacity = 16;
  while (static_cast<double>(entries.size()) > static_cast<double>(capacity) * 0.75) capacity *= 2;
  std::vector<std::size_t> per_bucket(capacity, 0);
  for (auto s : spread) ++per_bucket[s & (capacity - 1)];
  for (auto c : per_bucket)
    if (c >= 8) return order;  // Java would treeify or resize; not emulated
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return (spread[a] & (capacity - 1)) < (spread[b] & (capacity - 1));
  });
  return order;
}

// java.util.Date.toString() for epoch milliseconds, in UTC: "EEE MMM dd HH:mm:ss zzz yyyy".
inline std::string date_to_string(std::int64_t epoch_ms) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::int64_t days = epoch_ms / 86400000;
  std::int64_t ms_of_day = epoch_ms % 86400000;
  if (ms_of_day < 0) {
    ms_of_day += 86400000;
    --days;
  }
  // Civil date from days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  std::int64_t weekday = ((days % 7) + 7 + 4) % 7;  // 1970-01-01 was a Thursday
  auto two = [](std::int64_t v) {
    std::string s = std::to_string(v);
    return s.size() < 2 ? "0" + s : s;
  };
  std::int64_t secs = ms_of_day / 1000;
  return std::string(kDays[weekday]) + " " + kMonths[m - 1] + " " + two(d) + " " + two(secs / 3600) + ":" +
         two(secs / 60 % 60) + ":" + two(secs % 60) + " UTC " + std::to_string(y);
}

// String.valueOf(object) for the Java object of `value` under `schema` (empty schema: schemaless).
inline std::string to_string(const Value& value, const Schema& schema = {});

namespace detail {
inline void append(std::string& out, const Value& value, const Schema& schema) {
  using K = Value::Kind;
  switch (value.kind()) {
    case K::Null: out += "null"; return;
    case K::Boolean: out += value.as_bool() ? "true" : "false"; return;
    case K::Int8: out += std::to_string(value.as_int8()); return;
    case K::Int16: out += std::to_string(value.as_int16()); return;
    case K::Int32:
      if (logical::is(schema, logical::kDate)) {
        out += date_to_string(static_cast<std::int64_t>(value.as_int32()) * 86400000);
      } else if (logical::is(schema, logical::kTime)) {
        out += date_to_string(value.as_int32());
      } else {
        out += std::to_string(value.as_int32());
      }
      return;
    case K::Int64:
      if (logical::is(schema, logical::kTimestamp)) {
        out += date_to_string(value.as_int64());
      } else {
        out += std::to_string(value.as_int64());
      }
      return;
    case K::Float32: out += float_to_string(value.as_float32()); return;
    case K::Float64: out += double_to_string(value.as_float64()); return;
    case K::String: out += value.as_string(); return;
    case K::Bytes: {
      if (logical::is(schema, logical::kDecimal)) {
        out += logical::decimal_to_string(value.as_bytes(), logical::decimal_scale(schema));
        return;
      }
      std::uint32_t h = 1;  // Arrays.hashCode(byte[])
      for (char c : value.as_bytes())
        h = 31 * h + static_cast<std::uint32_t>(static_cast<std::int32_t>(static_cast<signed char>(c)));
      char buf[16];
      std::snprintf(buf, sizeof buf, "%x", h);
      out += "[B@";
      out += buf;
      return;
    }
    case K::Array: {
      const Schema elem = schema ? schema.value_schema() : Schema();
      out += '[';
      bool first = true;
      for (const auto& item : value.as_array()) {
        if (!first) out += ", ";
        first = false;
        append(out, item, elem);
      }
      out += ']';
      return;
    }
    case K::Map: {
      const Schema ks = schema ? schema.key_schema() : Schema();
      const Schema vs = schema ? schema.value_schema() : Schema();
      const auto& entries = value.as_map();
      out += '{';
      bool first = true;
      for (std::size_t i : hash_map_order(entries, ks)) {
        if (!first) out += ", ";
        first = false;
        append(out, entries[i].first, ks);
        out += '=';
        append(out, entries[i].second, vs);
      }
      out += '}';
      return;
    }
    case K::Struct: {
      const Struct& st = value.as_struct();
      out += "Struct{";
      bool first = true;
      const auto& fields = st.schema().fields();
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const Value& v = st.values()[i];
        if (v.is_null()) continue;
        if (!first) out += ',';
        first = false;
        out += fields[i].name;
        out += '=';
        append(out, v, fields[i].schema);
      }
      out += '}';
      return;
    }
  }
}
}  // namespace detail

inline std::string to_string(const Value& value, const Schema& schema) {
  std::string out;
  detail::append(out, value, schema);
  return out;
}

}  // namespace sluice::sdk::java
