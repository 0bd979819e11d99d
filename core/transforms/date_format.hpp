#pragma once
// java.text.SimpleDateFormat in the UTC time zone and the US locale, as TimestampConverter and
// TimestampRouter configure it, plus Connect's Values.dateFormatFor. Dates use the proleptic Gregorian
// calendar (Java switches to the Julian calendar before 1582-10-15; sluice does not).
//
// Pattern letters: G y Y M L d D E u F w W a H k K h m s S z Z X, 'quoted text' and '' for a quote. Y (week
// year) is treated as y. Parsing is lenient like Java's default: out-of-range fields roll over (month 13 is
// January of the next year), numbers take as many digits as they have unless the next field is numeric too
// (then exactly the pattern's count, so "yyyyMMdd" works), spaces before a field are skipped, a parsed zone
// offset (Z, X, z) is applied, and text after the last field is ignored.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::transforms {

inline constexpr std::int64_t kMillisPerDay = 86'400'000;

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
  return a - floor_div(a, b) * b;
}

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12) and back.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
struct CivilDate {
  std::int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};
CivilDate civil_from_days(std::int64_t days);

class JavaDateFormat {
 public:
  // Throws std::invalid_argument with Java's message for a bad pattern ("Illegal pattern character 'q'",
  // "Unterminated quote").
  explicit JavaDateFormat(std::string pattern);

  const std::string& pattern() const { return pattern_; }
  std::string format(std::int64_t epoch_millis) const;
  // Milliseconds since the epoch, or nullopt where Java's parse throws ParseException.
  std::optional<std::int64_t> parse(std::string_view text) const;

 private:
  struct Token {
    char letter = 0;  // 0: literal text
    int count = 0;
    std::string literal;
  };
  std::string pattern_;
  std::vector<Token> tokens_;
};

// Connect's Values.dateFormatFor(date).format(date): "HH:mm:ss.SSS'Z'" below one day (so also for any
// instant before 1970), "yyyy-MM-dd" at a UTC midnight, else "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'".
std::string iso_date_text(std::int64_t epoch_millis);

}  // namespace sluice::transforms
