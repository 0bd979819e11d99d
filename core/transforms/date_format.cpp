#include "core/transforms/date_format.hpp"

#include <array>
#include <cctype>
#include <chrono>
#include <stdexcept>
#include <string>

namespace sluice::transforms {

namespace {

constexpr std::string_view kPatternLetters = "GyYMLdDEuFwWaHkKhmsSzZX";
constexpr std::array<std::string_view, 12> kMonths = {"January",   "February", "March",    "April",
                                                      "May",       "June",     "July",     "August",
                                                      "September", "October",  "November", "December"};
constexpr std::array<std::string_view, 7> kDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                   "Thursday", "Friday", "Saturday"};

// 0 = Sunday, as java.util.Calendar's DAY_OF_WEEK - 1. 1970-01-01 was a Thursday.
unsigned day_of_week(std::int64_t days) {
  return static_cast<unsigned>(floor_mod(days + 4, 7));
}

std::string padded(std::int64_t value, int min_digits) {
  const bool negative = value < 0;
  std::string digits = std::to_string(negative ? -value : value);
  if (static_cast<int>(digits.size()) < min_digits) {
    digits.insert(0, static_cast<std::size_t>(min_digits) - digits.size(), '0');
  }
  return negative ? "-" + digits : digits;
}

bool is_numeric_field(char letter, int count) {
  switch (letter) {
    case 'y':
    case 'Y':
    case 'd':
    case 'D':
    case 'u':
    case 'F':
    case 'w':
    case 'W':
    case 'H':
    case 'k':
    case 'K':
    case 'h':
    case 'm':
    case 's':
    case 'S': return true;
    case 'M':
    case 'L': return count <= 2;
    default: return false;
  }
}

bool iequals_prefix(std::string_view text, std::size_t pos, std::string_view word) {
  if (text.size() - pos < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[pos + i])) !=
        std::tolower(static_cast<unsigned char>(word[i]))) {
      return false;
    }
  }
  return true;
}

// Longest case-insensitive match of a full or 3-letter name; returns its index or -1.
template <std::size_t N>
int match_name(std::string_view text, std::size_t& pos, const std::array<std::string_view, N>& names) {
  int best = -1;
  std::size_t best_len = 0;
  for (std::size_t i = 0; i < N; ++i) {
    for (std::string_view candidate : {names[i], names[i].substr(0, 3)}) {
      if (candidate.size() > best_len && iequals_prefix(text, pos, candidate)) {
        best = static_cast<int>(i);
        best_len = candidate.size();
      }
    }
  }
  if (best >= 0) pos += best_len;
  return best;
}

std::optional<std::int64_t> read_number(std::string_view text, std::size_t& pos, int exact_digits) {
  std::size_t end = pos;
  const std::size_t limit =
      exact_digits > 0 ? std::min(text.size(), pos + static_cast<std::size_t>(exact_digits)) : text.size();
  while (end < limit && std::isdigit(static_cast<unsigned char>(text[end])) != 0) ++end;
  if (end == pos || (exact_digits > 0 && end - pos != static_cast<std::size_t>(exact_digits)))
    return std::nullopt;
  if (end - pos > 18) return std::nullopt;  // beyond any meaningful field value
  std::int64_t value = 0;
  for (std::size_t i = pos; i < end; ++i) value = value * 10 + (text[i] - '0');
  pos = end;
  return value;
}

// A zone offset in minutes: "Z", "UTC", "GMT", "+hh", "+hhmm", "+hh:mm", "GMT+hh:mm".
std::optional<std::int64_t> read_zone(std::string_view text, std::size_t& pos) {
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
    return 0;
  }
  bool named = false;
  for (std::string_view name : {std::string_view("UTC"), std::string_view("GMT")}) {
    if (iequals_prefix(text, pos, name)) {
      pos += name.size();
      named = true;
      break;
    }
  }
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) {
    if (named) return 0;
    return std::nullopt;
  }
  const int sign = text[pos] == '-' ? -1 : 1;
  std::size_t p = pos + 1;
  std::size_t digits_end = p;
  while (digits_end < text.size() && std::isdigit(static_cast<unsigned char>(text[digits_end])) != 0)
    ++digits_end;
  std::int64_t hours = 0;
  std::int64_t minutes = 0;
  const std::size_t n = digits_end - p;
  if (n == 4) {
    hours = (text[p] - '0') * 10 + (text[p + 1] - '0');
    minutes = (text[p + 2] - '0') * 10 + (text[p + 3] - '0');
    p = digits_end;
  } else if (n == 1 || n == 2) {
    auto h = read_number(text, p, 0);
    if (!h) return std::nullopt;
    hours = *h;
    if (p < text.size() && text[p] == ':') {
      std::size_t q = p + 1;
      auto m = read_number(text, q, 2);
      if (!m) return std::nullopt;
      minutes = *m;
      p = q;
    }
  } else {
    return std::nullopt;
  }
  if (hours > 23 || minutes > 59) return std::nullopt;
  pos = p;
  return sign * (hours * 60 + minutes);
}

// Week of year under the US rules Java uses by default (weeks start on Sunday; week 1 holds January 1).
std::int64_t week_of_year(std::int64_t days, std::int64_t year) {
  const std::int64_t next_jan1 = days_from_civil(year + 1, 1, 1);
  if (days >= next_jan1 - day_of_week(next_jan1)) return 1;
  const std::int64_t jan1 = days_from_civil(year, 1, 1);
  return (days - jan1 + day_of_week(jan1)) / 7 + 1;
}

}  // namespace

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = floor_div(year, 400);
  const auto yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = floor_div(days, 146097);
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
  return CivilDate{year, month, day};
}

JavaDateFormat::JavaDateFormat(std::string pattern) : pattern_(std::move(pattern)) {
  const std::string& p = pattern_;
  std::size_t i = 0;
  auto add_literal = [this](std::string_view text) {
    if (!tokens_.empty() && tokens_.back().letter == 0) {
      tokens_.back().literal += text;
    } else {
      tokens_.push_back(Token{0, 0, std::string(text)});
    }
  };
  while (i < p.size()) {
    const char c = p[i];
    if (c == '\'') {
      if (i + 1 < p.size() && p[i + 1] == '\'') {
        add_literal("'");
        i += 2;
        continue;
      }
      std::string quoted;
      std::size_t j = i + 1;
      bool closed = false;
      while (j < p.size()) {
        if (p[j] == '\'') {
          if (j + 1 < p.size() && p[j + 1] == '\'') {
            quoted += '\'';
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        quoted += p[j++];
      }
      if (!closed) throw std::invalid_argument("Unterminated quote");
      add_literal(quoted);
      i = j + 1;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (kPatternLetters.find(c) == std::string_view::npos) {
        throw std::invalid_argument(std::string("Illegal pattern character '") + c + "'");
      }
      int count = 0;
      while (i < p.size() && p[i] == c) {
        ++count;
        ++i;
      }
      if (c == 'X' && count > 3)
        throw std::invalid_argument("invalid ISO 8601 format: length=" + std::to_string(count));
      tokens_.push_back(Token{c, count, {}});
    } else {
      add_literal(std::string_view(&p[i], 1));
      ++i;
    }
  }
}

std::string JavaDateFormat::format(std::int64_t epoch_millis) const {
  const std::int64_t days = floor_div(epoch_millis, kMillisPerDay);
  const std::int64_t millis_of_day = floor_mod(epoch_millis, kMillisPerDay);
  const CivilDate date = civil_from_days(days);
  const std::int64_t hour = millis_of_day / 3'600'000;
  const std::int64_t minute = millis_of_day / 60'000 % 60;
  const std::int64_t second = millis_of_day / 1000 % 60;
  const std::int64_t milli = millis_of_day % 1000;
  const std::int64_t year_of_era = date.year <= 0 ? 1 - date.year : date.year;
  const unsigned dow = day_of_week(days);

  std::string out;
  for (const Token& t : tokens_) {
    switch (t.letter) {
      case 0: out += t.literal; break;
      case 'G': out += date.year <= 0 ? "BC" : "AD"; break;
      case 'y':
      case 'Y': out += t.count == 2 ? padded(year_of_era % 100, 2) : padded(year_of_era, t.count); break;
      case 'M':
      case 'L':
        if (t.count >= 4) {
          out += kMonths[date.month - 1];
        } else if (t.count == 3) {
          out += kMonths[date.month - 1].substr(0, 3);
        } else {
          out += padded(date.month, t.count);
        }
        break;
      case 'd': out += padded(date.day, t.count); break;
      case 'D': out += padded(days - days_from_civil(date.year, 1, 1) + 1, t.count); break;
      case 'E': out += t.count >= 4 ? kDays[dow] : kDays[dow].substr(0, 3); break;
      case 'u': out += padded(dow == 0 ? 7 : dow, t.count); break;
      case 'F': out += padded((date.day - 1) / 7 + 1, t.count); break;
      case 'w': out += padded(week_of_year(days, date.year), t.count); break;
      case 'W': {
        const std::int64_t first = days_from_civil(date.year, date.month, 1);
        out += padded((days - first + day_of_week(first)) / 7 + 1, t.count);
        break;
      }
      case 'a': out += hour < 12 ? "AM" : "PM"; break;
      case 'H': out += padded(hour, t.count); break;
      case 'k': out += padded(hour == 0 ? 24 : hour, t.count); break;
      case 'K': out += padded(hour % 12, t.count); break;
      case 'h': out += padded(hour % 12 == 0 ? 12 : hour % 12, t.count); break;
      case 'm': out += padded(minute, t.count); break;
      case 's': out += padded(second, t.count); break;
      case 'S': out += padded(milli, t.count); break;
      case 'z': out += t.count >= 4 ? "Coordinated Universal Time" : "UTC"; break;
      case 'Z': out += "+0000"; break;
      case 'X': out += "Z"; break;
      default: break;
    }
  }
  return out;
}

std::optional<std::int64_t> JavaDateFormat::parse(std::string_view text) const {
  std::int64_t year = 1970;
  std::int64_t month = 1;
  std::int64_t day = 1;
  std::optional<std::int64_t> day_of_year;
  std::int64_t hour = 0;
  std::optional<std::int64_t> hour12;
  bool pm = false;
  std::int64_t minute = 0;
  std::int64_t second = 0;
  std::int64_t milli = 0;
  std::int64_t offset_minutes = 0;
  bool bc = false;
  bool month_or_day_set = false;

  std::size_t pos = 0;
  for (std::size_t ti = 0; ti < tokens_.size(); ++ti) {
    const Token& t = tokens_[ti];
    if (t.letter == 0) {
      if (text.substr(pos, t.literal.size()) != t.literal) return std::nullopt;
      pos += t.literal.size();
      continue;
    }
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
    if (pos >= text.size()) return std::nullopt;

    // A numeric field directly followed by another numeric field reads exactly its count of digits.
    const bool abutting = ti + 1 < tokens_.size() && tokens_[ti + 1].letter != 0 &&
                          is_numeric_field(tokens_[ti + 1].letter, tokens_[ti + 1].count);
    if (is_numeric_field(t.letter, t.count)) {
      const std::size_t start = pos;
      auto number = read_number(text, pos, abutting ? t.count : 0);
      if (!number) return std::nullopt;
      switch (t.letter) {
        case 'y':
        case 'Y':
          year = *number;
          if (t.count <= 2 && pos - start == 2) {
            // Two-digit years fall within 80 years before and 20 years after now, as Java's default.
            const auto now = std::chrono::system_clock::now().time_since_epoch();
            const std::int64_t now_days =
                floor_div(std::chrono::duration_cast<std::chrono::milliseconds>(now).count(), kMillisPerDay);
            const std::int64_t start_year = civil_from_days(now_days).year - 80;
            year = start_year / 100 * 100 + *number;
            if (year < start_year) year += 100;
          }
          break;
        case 'M':
        case 'L':
          month = *number;
          month_or_day_set = true;
          break;
        case 'd':
          day = *number;
          month_or_day_set = true;
          break;
        case 'D': day_of_year = *number; break;
        case 'H': hour = *number; break;
        case 'k': hour = *number == 24 ? 0 : *number; break;
        case 'K': hour12 = *number; break;
        case 'h': hour12 = *number == 12 ? 0 : *number; break;
        case 'm': minute = *number; break;
        case 's': second = *number; break;
        case 'S': milli = *number; break;
        default: break;  // u, F, w, W: read but they do not change the date
      }
      continue;
    }
    switch (t.letter) {
      case 'M':
      case 'L': {
        const int index = match_name(text, pos, kMonths);
        if (index < 0) return std::nullopt;
        month = index + 1;
        month_or_day_set = true;
        break;
      }
      case 'E':
        if (match_name(text, pos, kDays) < 0) return std::nullopt;
        break;
      case 'a':
        if (iequals_prefix(text, pos, "AM")) {
          pm = false;
        } else if (iequals_prefix(text, pos, "PM")) {
          pm = true;
        } else {
          return std::nullopt;
        }
        pos += 2;
        break;
      case 'G':
        if (iequals_prefix(text, pos, "AD")) {
          bc = false;
        } else if (iequals_prefix(text, pos, "BC")) {
          bc = true;
        } else {
          return std::nullopt;
        }
        pos += 2;
        break;
      case 'z':
      case 'Z':
      case 'X': {
        auto zone = read_zone(text, pos);
        if (!zone) return std::nullopt;
        offset_minutes = *zone;
        break;
      }
      default: return std::nullopt;
    }
  }

  if (bc) year = 1 - year;
  if (hour12) hour = *hour12 + (pm ? 12 : 0);
  std::int64_t days = 0;
  if (day_of_year && !month_or_day_set) {
    days = days_from_civil(year, 1, 1) + *day_of_year - 1;
  } else {
    // Lenient calendar: months and days outside their range roll into the neighbouring ones.
    const std::int64_t year_adjust = floor_div(month - 1, 12);
    const auto normalized_month = static_cast<unsigned>(floor_mod(month - 1, 12) + 1);
    days = days_from_civil(year + year_adjust, normalized_month, 1) + day - 1;
  }
  return days * kMillisPerDay + hour * 3'600'000 + minute * 60'000 + second * 1000 + milli -
         offset_minutes * 60'000;
}

std::string iso_date_text(std::int64_t epoch_millis) {
  static const JavaDateFormat time_format("HH:mm:ss.SSS'Z'");
  static const JavaDateFormat date_format("yyyy-MM-dd");
  static const JavaDateFormat timestamp_format("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
  if (epoch_millis < kMillisPerDay) return time_format.format(epoch_millis);
  if (epoch_millis % kMillisPerDay == 0) return date_format.format(epoch_millis);
  return timestamp_format.format(epoch_millis);
}

}  // namespace sluice::transforms
