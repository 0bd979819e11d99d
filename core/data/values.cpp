#include "core/data/values.hpp"

#include "core/common/errors.hpp"
#include "core/data/text_format.hpp"
#include "core/data/logical.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sluice::data::values {

using data::Schema;
using data::SchemaBuilder;
using data::SchemaPtr;
using data::Type;
using data::Value;

namespace {

constexpr std::int64_t kMillisPerDay = 24LL * 60 * 60 * 1000;

// ---- calendar (proleptic Gregorian, UTC)
// -------------------------------------------------------------------

std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  std::int64_t year;
  int month;
  int day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {era * 400 + yoe + (m <= 2 ? 1 : 0), m, d};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

struct Moment {
  Civil date;
  int hour, minute, second, millis;
  int weekday;  // 0 = Sunday
};

Moment moment_of(std::int64_t millis) {
  const std::int64_t days = floor_div(millis, kMillisPerDay);
  const std::int64_t rest = millis - days * kMillisPerDay;
  Moment m{civil_from_days(days),
           static_cast<int>(rest / 3'600'000),
           static_cast<int>(rest / 60'000 % 60),
           static_cast<int>(rest / 1000 % 60),
           static_cast<int>(rest % 1000),
           static_cast<int>(((days % 7) + 11) % 7)};  // 1970-01-01 was a Thursday (4)
  return m;
}

std::string year_text(std::int64_t year) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(year));
  return buf;
}

// Values.dateFormatFor: the pattern depends on the instant, not on the schema.
std::string iso_format(std::int64_t millis) {
  const Moment m = moment_of(millis);
  char ms[8];
  std::snprintf(ms, sizeof ms, "%03d", m.millis);
  const std::string time = two(m.hour) + ":" + two(m.minute) + ":" + two(m.second) + "." + ms + "Z";
  const std::string date = year_text(m.date.year) + "-" + two(m.date.month) + "-" + two(m.date.day);
  if (millis < kMillisPerDay) return time;
  if (millis % kMillisPerDay == 0) return date;
  return date + "T" + time;
}

// java.util.Date.toString() in UTC: "EEE MMM dd HH:mm:ss zzz yyyy".
std::string java_date_string(std::int64_t millis) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const Moment m = moment_of(millis);
  return std::string(kDays[m.weekday]) + " " + kMonths[m.date.month - 1] + " " + two(m.date.day) + " " +
         two(m.hour) + ":" + two(m.minute) + ":" + two(m.second) + " UTC " + std::to_string(m.date.year);
}

// Millis of a Date/Time/Timestamp value, or nullopt when the schema is not temporal.
std::optional<std::int64_t> temporal_millis(const SchemaPtr& schema, const Value& value) {
  if (!schema || !schema->name()) return std::nullopt;
  if (data::logical::is_date(*schema) && value.kind() == Value::Kind::Int32) {
    return static_cast<std::int64_t>(value.as_int32()) * kMillisPerDay;
  }
  if (data::logical::is_time(*schema) && value.kind() == Value::Kind::Int32) return value.as_int32();
  if (data::logical::is_timestamp(*schema) && value.kind() == Value::Kind::Int64) return value.as_int64();
  return std::nullopt;
}

bool is_decimal_value(const SchemaPtr& schema, const Value& value) {
  return schema && data::logical::is_decimal(*schema) && value.kind() == Value::Kind::Bytes &&
         !value.as_bytes().empty();
}

SchemaPtr element_schema(const SchemaPtr& schema, Type container) {
  if (!schema || schema->type() != container) return nullptr;
  return schema->value_schema();
}

// ---- convertToString
// ------------------------------------------------------------------------------------------

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

void append(std::string& out, const SchemaPtr& schema, const Value& value, bool embedded) {
  if (value.is_null()) {
    out += "null";
    return;
  }
  if (auto millis = temporal_millis(schema, value)) {
    out += iso_format(*millis);
    return;
  }
  if (is_decimal_value(schema, value)) {
    out += big_decimal_to_string(value.as_bytes(), data::logical::decimal_scale(*schema));
    return;
  }
  switch (value.kind()) {
    case Value::Kind::Null: break;
    case Value::Kind::Boolean: out += value.as_bool() ? "true" : "false"; break;
    case Value::Kind::Int8:
    case Value::Kind::Int16:
    case Value::Kind::Int32:
    case Value::Kind::Int64: out += std::to_string(value.to_int64()); break;
    case Value::Kind::Float32: out += java_float_to_string(value.as_float32()); break;
    case Value::Kind::Float64: out += java_double_to_string(value.as_float64()); break;
    case Value::Kind::String:
      if (embedded) {
        out += '"';
        out += escape(value.as_string());
        out += '"';
      } else {
        out += value.as_string();
      }
      break;
    case Value::Kind::Bytes:
      if (embedded) out += '"';
      out += base64_encode(value.as_bytes());
      if (embedded) out += '"';
      break;
    case Value::Kind::Array: {
      const SchemaPtr elements = element_schema(schema, Type::Array);
      out += '[';
      bool first = true;
      for (const Value& element : value.as_array()) {
        if (!first) out += ',';
        first = false;
        append(out, elements, element, true);
      }
      out += ']';
      break;
    }
    case Value::Kind::Map: {
      const bool typed = schema && schema->type() == Type::Map;
      const SchemaPtr keys = typed ? schema->key_schema() : nullptr;
      const SchemaPtr values = typed ? schema->value_schema() : nullptr;
      out += '{';
      bool first = true;
      for (const auto& [k, v] : value.as_map()) {
        if (!first) out += ',';
        first = false;
        append(out, keys, k, true);
        out += ':';
        append(out, values, v, true);
      }
      out += '}';
      break;
    }
    case Value::Kind::Struct: {
      const data::Struct& s = value.as_struct();
      out += '{';
      bool first = true;
      for (const data::Field& field : s.schema()->fields()) {
        if (!first) out += ',';
        first = false;
        append(out, nullptr, Value::string(field.name), true);
        out += ':';
        append(out, field.schema, s.get(field.index), true);
      }
      out += '}';
      break;
    }
  }
}

// ---- java toString
// --------------------------------------------------------------------------------------------

void append_java(std::string& out, const SchemaPtr& schema, const Value& value) {
  if (value.is_null()) {
    out += "null";
    return;
  }
  if (auto millis = temporal_millis(schema, value)) {
    out += java_date_string(*millis);
    return;
  }
  if (is_decimal_value(schema, value)) {
    out += big_decimal_to_string(value.as_bytes(), data::logical::decimal_scale(*schema));
    return;
  }
  switch (value.kind()) {
    case Value::Kind::String: out += value.as_string(); break;
    case Value::Kind::Bytes: out += value.as_bytes(); break;
    case Value::Kind::Array: {
      const SchemaPtr elements = element_schema(schema, Type::Array);
      out += '[';
      bool first = true;
      for (const Value& element : value.as_array()) {
        if (!first) out += ", ";
        first = false;
        append_java(out, elements, element);
      }
      out += ']';
      break;
    }
    case Value::Kind::Map: {
      const bool typed = schema && schema->type() == Type::Map;
      out += '{';
      bool first = true;
      for (const auto& [k, v] : value.as_map()) {
        if (!first) out += ", ";
        first = false;
        append_java(out, typed ? schema->key_schema() : nullptr, k);
        out += '=';
        append_java(out, typed ? schema->value_schema() : nullptr, v);
      }
      out += '}';
      break;
    }
    case Value::Kind::Struct: {
      // Kafka's Struct.toString lists only the fields that were set, without defaults.
      const data::Struct& s = value.as_struct();
      out += "Struct{";
      bool first = true;
      for (const data::Field& field : s.schema()->fields()) {
        const Value& v = s.values()[field.index];
        if (v.is_null()) continue;
        if (!first) out += ',';
        first = false;
        out += field.name;
        out += '=';
        append_java(out, field.schema, v);
      }
      out += '}';
      break;
    }
    default: append(out, nullptr, value, false); break;
  }
}

// ---- parseString
// ----------------------------------------------------------------------------------------------

// A parsed value with its schema's type. `schema` is null only for arrays and maps whose element schema
// could not be determined (Kafka's arrayOfNull / mapOfNull / mapWithNullValues).
struct Parsed {
  Type type = Type::String;
  SchemaPtr schema;
  Value value;
};

struct TypedSchema {
  Type type;
  SchemaPtr schema;
};

// Kafka's Values.Parser: splits on unescaped delimiters : , { } [ ] " and keeps one token of look-ahead.
class Parser {
 public:
  explicit Parser(std::string_view original) : original_(original) {}

  std::size_t position() const { return pos_; }
  std::size_t mark() const { return pos_ - (next_ ? next_->size() : 0); }
  void rewind_to(std::size_t position) {
    pos_ = position;
    next_.reset();
    previous_.reset();
  }
  std::string_view original() const { return original_; }
  bool has_next() const { return next_.has_value() || pos_ < original_.size(); }

  std::string next() {
    if (next_) {
      previous_ = std::move(next_);
      next_.reset();
    } else {
      previous_ = consume_next_token();
    }
    return *previous_;
  }

  std::optional<std::string> next(int n) {
    const std::size_t start = mark();
    for (int i = 0; i != n; ++i) {
      if (!has_next()) {
        rewind_to(start);
        return std::nullopt;
      }
      next();
    }
    return std::string(original_.substr(start, position() - start));
  }

  const std::optional<std::string>& previous() const { return previous_; }

  bool can_consume(std::string_view expected) {
    if (is_next(expected)) {
      next_.reset();
      return true;
    }
    return false;
  }

 private:
  bool is_next(std::string_view expected) {
    if (!next_) {
      if (!has_next()) return false;
      next_ = consume_next_token();
    }
    while (java_trim(*next_).empty() && pos_ < original_.size()) next_ = consume_next_token();
    return java_trim(*next_) == expected;
  }

  std::string consume_next_token() {
    bool escaped = false;
    const std::size_t start = pos_;
    while (pos_ < original_.size()) {
      const char c = original_[pos_];
      switch (c) {
        case '\\': escaped = !escaped; break;
        case ':':
        case ',':
        case '{':
        case '}':
        case '[':
        case ']':
        case '"':
          if (!escaped) {
            if (start < pos_) return std::string(original_.substr(start, pos_ - start));
            ++pos_;
            return std::string(original_.substr(start, 1));
          }
          escaped = false;
          break;
        default: escaped = false; break;
      }
      ++pos_;
    }
    return std::string(original_.substr(start, pos_ - start));
  }

  std::string_view original_;
  std::size_t pos_ = 0;
  std::optional<std::string> next_;
  std::optional<std::string> previous_;
};

std::optional<Parsed> parse_text(std::string_view text);
std::optional<Parsed> parse(Parser& parser, bool embedded);

Parsed make(const SchemaPtr& schema, Value value) {
  return Parsed{schema->type(), schema, std::move(value)};
}

bool is_temporal(const Parsed& p) {
  return p.schema && (data::logical::is_date(*p.schema) || data::logical::is_time(*p.schema) ||
                      data::logical::is_timestamp(*p.schema));
}

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int number_at(std::string_view s, std::size_t pos, std::size_t len) {
  int v = 0;
  for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// yyyy-MM-dd: days since the epoch, normalising out-of-range months and days as SimpleDateFormat's lenient
// mode does.
std::optional<std::int64_t> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2)))
    return std::nullopt;
  std::int64_t year = number_at(s, 0, 4);
  std::int64_t month = number_at(s, 5, 2) - 1;
  year += floor_div(month, 12);
  month -= floor_div(month, 12) * 12;
  return days_from_civil(year, month + 1, 1) + number_at(s, 8, 2) - 1;
}

// HH:mm:ss.SSSZ: millis of day (lenient arithmetic as above).
std::optional<std::int64_t> parse_time(std::string_view s) {
  if (s.size() != 13 || s[2] != ':' || s[5] != ':' || s[8] != '.' || s[12] != 'Z') return std::nullopt;
  if (!all_digits(s.substr(0, 2)) || !all_digits(s.substr(3, 2)) || !all_digits(s.substr(6, 2)) ||
      !all_digits(s.substr(9, 3))) {
    return std::nullopt;
  }
  return number_at(s, 0, 2) * 3'600'000LL + number_at(s, 3, 2) * 60'000LL + number_at(s, 6, 2) * 1000LL +
         number_at(s, 9, 3);
}

std::optional<Parsed> parse_as_temporal(std::string token) {
  for (std::size_t p = token.find("\\:"); p != std::string::npos; p = token.find("\\:", p)) token.erase(p, 1);
  if (token.size() == 13) {
    if (auto ms = parse_time(token); ms && *ms <= INT32_MAX) {
      return make(data::logical::time_schema(), Value::int32(static_cast<std::int32_t>(*ms)));
    }
  } else if (token.size() == 24) {
    if (token[10] != 'T') return std::nullopt;
    auto days = parse_date(std::string_view(token).substr(0, 10));
    auto ms = parse_time(std::string_view(token).substr(11));
    if (days && ms) return make(data::logical::timestamp_schema(), Value::int64(*days * kMillisPerDay + *ms));
  } else if (token.size() == 10) {
    if (auto days = parse_date(token); days && *days >= INT32_MIN && *days <= INT32_MAX) {
      return make(data::logical::date_schema(), Value::int32(static_cast<std::int32_t>(*days)));
    }
  }
  return std::nullopt;
}

// BigDecimal(token) classified as Kafka does: exact small integers first, then float, double, Decimal.
std::optional<Parsed> parse_number(std::string_view token) {
  auto literal = parse_decimal_literal(token);
  if (!literal) return std::nullopt;
  const std::string& digits = literal->digits;
  // Integral value? (no non-zero digit after the point once the scale is applied)
  std::optional<std::string> integer_digits;
  if (literal->scale <= 0) {
    if (digits == "0") {
      integer_digits = "0";
    } else if (literal->scale > -20) {
      integer_digits = digits + std::string(static_cast<std::size_t>(-literal->scale), '0');
    }
  } else {
    const auto s = static_cast<std::size_t>(std::min<std::int64_t>(literal->scale, 1'000'000));
    bool zeros = true;
    for (std::size_t i = 0; i < s && i < digits.size(); ++i) {
      if (digits[digits.size() - 1 - i] != '0') {
        zeros = false;
        break;
      }
    }
    if (zeros) integer_digits = digits.size() > s ? digits.substr(0, digits.size() - s) : "0";
  }
  if (integer_digits && integer_digits->size() <= 19) {
    std::string text = (literal->negative ? "-" : "") + *integer_digits;
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno == 0) {
      if (v >= INT8_MIN && v <= INT8_MAX)
        return make(Schema::int8(), Value::int8(static_cast<std::int8_t>(v)));
      if (v >= INT16_MIN && v <= INT16_MAX)
        return make(Schema::int16(), Value::int16(static_cast<std::int16_t>(v)));
      if (v >= INT32_MIN && v <= INT32_MAX)
        return make(Schema::int32(), Value::int32(static_cast<std::int32_t>(v)));
      return make(Schema::int64(), Value::int64(v));
    }
  }
  const std::string c_text(token[0] == '+' ? token.substr(1) : token);
  const float f = std::strtof(c_text.c_str(), nullptr);
  if (std::isfinite(f) && literal->scale != 0) return make(Schema::float32(), Value::float32(f));
  const double d = std::strtod(c_text.c_str(), nullptr);
  if (std::isfinite(d) && literal->scale != 0) return make(Schema::float64(), Value::float64(d));
  const auto scale = static_cast<std::int32_t>(literal->scale);
  return make(data::logical::decimal_schema(scale),
              Value::bytes(data::logical::decimal_from_string(token, scale)));
}

// Kafka's commonSchemaFor: numbers widen; any other mix of types has no common schema.
std::optional<TypedSchema> common_schema_for(const std::optional<TypedSchema>& previous,
                                             const std::optional<Parsed>& latest) {
  if (!latest) return previous;
  if (!previous) return TypedSchema{latest->type, latest->schema};
  const Type prev = previous->type;
  const Type next = latest->type;
  if (prev == next) return TypedSchema{latest->type, latest->schema};  // all parsed schemas are required
  auto rank = [](Type t) -> int {
    switch (t) {
      case Type::Int8: return 0;
      case Type::Int16: return 1;
      case Type::Int32: return 2;
      case Type::Int64: return 3;
      case Type::Float32: return 4;
      case Type::Float64: return 5;
      default: return -1;
    }
  };
  const int a = rank(prev);
  const int b = rank(next);
  if (a < 0 || b < 0) return std::nullopt;
  return b > a ? TypedSchema{latest->type, latest->schema} : previous;
}

// Java's (long) cast of a double: saturating, NaN -> 0.
std::int64_t java_long(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return INT64_MAX;
  if (d <= -9223372036854775808.0) return INT64_MIN;
  return static_cast<std::int64_t>(d);
}

std::int64_t as_long(const Parsed& p) {
  const Value& v = p.value;
  switch (v.kind()) {
    case Value::Kind::Int8:
    case Value::Kind::Int16:
    case Value::Kind::Int32:
    case Value::Kind::Int64: return v.to_int64();
    case Value::Kind::Float32:
    case Value::Kind::Float64: return java_long(v.to_double());
    case Value::Kind::Bytes:
      if (is_decimal_value(p.schema, v)) {
        std::string text =
            data::logical::decimal_to_string(v.as_bytes(), data::logical::decimal_scale(*p.schema));
        return java_long(std::strtod(text.c_str(), nullptr));
      }
      break;
    default: break;
  }
  throw DataError("Unable to convert " + convert_to_string(p.schema, v) + " (" + data::kind_name(v.kind()) +
                  ") to a number");
}

double as_double(const Parsed& p) {
  if (p.value.kind() == Value::Kind::Float32 || p.value.kind() == Value::Kind::Float64)
    return p.value.to_double();
  if (is_decimal_value(p.schema, p.value)) {
    std::string text =
        data::logical::decimal_to_string(p.value.as_bytes(), data::logical::decimal_scale(*p.schema));
    return std::strtod(text.c_str(), nullptr);
  }
  return static_cast<double>(as_long(p));
}

// Kafka's convertTo(toSchema, null, value) for the schemas a parse can produce (alignListEntriesWithSchema).
Value align(const TypedSchema& to, const std::optional<Parsed>& element) {
  if (!element || element->value.is_null()) {
    throw DataError("Unable to convert a null value to a schema that requires a value");
  }
  const Parsed& p = *element;
  if (!to.schema) return p.value;  // arrays / maps without element schema: taken as they are
  const Schema& schema = *to.schema;
  if (schema.name()) {
    if (data::logical::is_decimal(schema)) {
      const std::int32_t scale = data::logical::decimal_scale(schema);
      std::string text =
          is_decimal_value(p.schema, p.value)
              ? data::logical::decimal_to_string(p.value.as_bytes(), data::logical::decimal_scale(*p.schema))
              : java_double_to_string(as_double(p));
      return Value::bytes(data::logical::decimal_from_string(text, scale));
    }
    if (p.schema && p.schema->name() && *p.schema->name() == *schema.name()) return p.value;
  }
  switch (schema.type()) {
    case Type::String: return Value::string(convert_to_string(p.schema, p.value));
    case Type::Boolean:
      if (p.value.kind() == Value::Kind::Boolean) return p.value;
      return Value::boolean(as_long(p) != 0);
    case Type::Int8: return Value::int8(static_cast<std::int8_t>(as_long(p)));
    case Type::Int16: return Value::int16(static_cast<std::int16_t>(as_long(p)));
    case Type::Int32: return Value::int32(static_cast<std::int32_t>(as_long(p)));
    case Type::Int64: return Value::int64(as_long(p));
    case Type::Float32: return Value::float32(static_cast<float>(as_double(p)));
    case Type::Float64: return Value::float64(as_double(p));
    case Type::Array:
      if (p.value.kind() == Value::Kind::Array) return p.value;
      break;
    case Type::Map:
      if (p.value.kind() == Value::Kind::Map) return p.value;
      break;
    default: break;
  }
  throw DataError("Unable to convert " + convert_to_string(p.schema, p.value) + " to " +
                  data::type_upper_name(schema.type()));
}

// Inserts with java.util.LinkedHashMap.put semantics: a repeated key keeps its position, takes the new value.
void map_put(Value::Map& map, Value key, Value value) {
  for (auto& [k, v] : map) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  map.emplace_back(std::move(key), std::move(value));
}

bool can_parse_single_token_literal(Parser& parser, bool embedded, std::string_view literal) {
  const std::size_t start = parser.mark();
  if (parser.can_consume(literal)) {
    if (embedded || !parser.has_next()) return true;
  }
  parser.rewind_to(start);
  return false;
}

std::optional<Parsed> parse_array(Parser& parser) {
  std::vector<std::optional<Parsed>> elements;
  std::optional<TypedSchema> element_schema;
  while (parser.has_next()) {
    if (parser.can_consume("]")) {
      if (!element_schema) {
        // Every element null (or, Kafka's quirk, the last element broke the common type): no element schema.
        Value::Array raw;
        for (const auto& e : elements) raw.push_back(e ? e->value : Value());
        return Parsed{Type::Array, nullptr, Value::array(std::move(raw))};
      }
      Value::Array aligned;
      aligned.reserve(elements.size());
      for (const auto& e : elements) aligned.push_back(align(*element_schema, e));
      SchemaPtr schema =
          element_schema->schema ? SchemaBuilder::array(element_schema->schema).build() : nullptr;
      return Parsed{Type::Array, std::move(schema), Value::array(std::move(aligned))};
    }
    if (parser.can_consume(",")) {
      throw DataError("Unable to parse an empty array element: " + std::string(parser.original()));
    }
    std::optional<Parsed> element = parse(parser, true);
    element_schema = common_schema_for(element_schema, element);
    elements.push_back(std::move(element));
    const std::size_t current = parser.mark();
    if (parser.can_consume("]")) {
      parser.rewind_to(current);
    } else if (!parser.can_consume(",")) {
      throw DataError("Array elements missing ',' delimiter");
    }
  }
  if (parser.previous() && *parser.previous() == ",") {
    throw DataError("Array is missing element after ',': " + std::string(parser.original()));
  }
  throw DataError("Array is missing terminating ']': " + std::string(parser.original()));
}

std::optional<Parsed> parse_map(Parser& parser) {
  std::vector<std::pair<Parsed, std::optional<Parsed>>> entries;
  std::optional<TypedSchema> key_schema;
  std::optional<TypedSchema> value_schema;
  while (parser.has_next()) {
    if (parser.can_consume("}")) {
      Value::Map result;
      if (key_schema && value_schema && key_schema->schema && value_schema->schema) {
        for (const auto& [k, v] : entries) map_put(result, align(*key_schema, k), align(*value_schema, v));
        return Parsed{Type::Map, SchemaBuilder::map(key_schema->schema, value_schema->schema).build(),
                      Value::map(std::move(result))};
      }
      for (const auto& [k, v] : entries) {
        map_put(result, key_schema ? align(*key_schema, k) : k.value, v ? v->value : Value());
      }
      return Parsed{Type::Map, nullptr, Value::map(std::move(result))};
    }
    if (parser.can_consume(",")) {
      throw DataError("Unable to parse a map entry with no key or value: " + std::string(parser.original()));
    }
    std::optional<Parsed> key = parse(parser, true);
    if (!key || key->value.is_null()) {
      throw DataError("Map entry may not have a null key: " + std::string(parser.original()));
    }
    if (!parser.can_consume(":")) {
      throw DataError("Map entry is missing ':' at " + std::to_string(parser.position()) + " in " +
                      std::string(parser.original()));
    }
    std::optional<Parsed> value = parse(parser, true);
    bool replaced = false;
    for (auto& [k, v] : entries) {
      if (k.value == key->value) {
        v = value;
        replaced = true;
        break;
      }
    }
    parser.can_consume(",");
    key_schema = common_schema_for(key_schema, key);
    value_schema = common_schema_for(value_schema, value);
    if (!replaced) entries.emplace_back(std::move(*key), std::move(value));
  }
  if (parser.previous() && *parser.previous() == ",") {
    throw DataError("Map is missing element after ',': " + std::string(parser.original()));
  }
  throw DataError("Map is missing terminating '}': " + std::string(parser.original()));
}

std::optional<Parsed> parse(Parser& parser, bool embedded) {
  if (!parser.has_next()) return std::nullopt;
  if (embedded && parser.can_consume("\"")) {
    std::string content;
    while (parser.has_next()) {
      if (parser.can_consume("\"")) break;
      content += parser.next();
    }
    // Quoted temporal literals keep their logical type; every other quoted value is a string.
    if (auto parsed = parse_text(content); parsed && is_temporal(*parsed)) return parsed;
    return make(Schema::string(), Value::string(std::move(content)));
  }
  if (can_parse_single_token_literal(parser, embedded, "null")) return std::nullopt;
  if (can_parse_single_token_literal(parser, embedded, "true"))
    return make(Schema::boolean(), Value::boolean(true));
  if (can_parse_single_token_literal(parser, embedded, "false")) {
    return make(Schema::boolean(), Value::boolean(false));
  }

  const std::size_t start = parser.mark();
  try {
    if (parser.can_consume("[")) return parse_array(parser);
    if (parser.can_consume("{")) return parse_map(parser);
  } catch (const DataError&) {
    // Not a well-formed array or map: read it as a plain value (usually the whole text as a string).
    parser.rewind_to(start);
  }

  std::string token = parser.next();
  if (java_trim(token).empty()) return make(Schema::string(), Value::string(std::move(token)));
  token = std::string(java_trim(token));
  const char first = token[0];
  const bool first_is_digit = first >= '0' && first <= '9';
  if (first_is_digit) {
    // Time and timestamp literals are split into 5 tokens at their unescaped colons.
    const std::size_t position = parser.mark();
    if (auto remainder = parser.next(4)) {
      if (auto temporal = parse_as_temporal(token + *remainder)) return temporal;
    }
    parser.rewind_to(position);
    if (auto temporal = parse_as_temporal(token)) return temporal;
  }
  if (first_is_digit || first == '+' || first == '-') {
    if (auto number = parse_number(token)) return number;
  }
  if (embedded) throw DataError("Failed to parse embedded value");
  return make(Schema::string(), Value::string(std::string(parser.original())));
}

std::optional<Parsed> parse_text(std::string_view text) {
  if (text.empty()) return make(Schema::string(), Value::string(""));
  Parser parser(text);
  return parse(parser, false);
}

}  // namespace

std::string convert_to_string(const SchemaPtr& schema, const Value& value) {
  std::string out;
  append(out, schema, value, false);
  return out;
}

data::SchemaAndValue parse_string(std::string_view text) {
  auto parsed = parse_text(text);
  if (!parsed) return {};
  return {std::move(parsed->schema), std::move(parsed->value)};
}

std::string java_to_string(const SchemaPtr& schema, const Value& value) {
  std::string out;
  append_java(out, schema, value);
  return out;
}

}  // namespace sluice::data::values
