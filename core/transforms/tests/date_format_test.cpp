#include "core/transforms/date_format.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sluice::transforms {
namespace {

constexpr std::int64_t kInstant = 1483425001864;  // 2017-01-03T06:30:01.864Z, a Tuesday

std::string fmt(const std::string& pattern, std::int64_t millis = kInstant) {
  return JavaDateFormat(pattern).format(millis);
}

std::optional<std::int64_t> parse(const std::string& pattern, const std::string& text) {
  return JavaDateFormat(pattern).parse(text);
}

TEST(DateFormatTest, CivilDays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 2, 29), 11016);
  EXPECT_EQ(days_from_civil(2017, 1, 3), 17169);
  const CivilDate d = civil_from_days(11016);
  EXPECT_EQ(d.year, 2000);
  EXPECT_EQ(d.month, 2U);
  EXPECT_EQ(d.day, 29U);
  EXPECT_EQ(civil_from_days(-1).year, 1969);
}

TEST(DateFormatTest, FormatsPatternLetters) {
  EXPECT_EQ(fmt("yyyy-MM-dd HH:mm:ss.SSS"), "2017-01-03 06:30:01.864");
  EXPECT_EQ(fmt("yyyyMMdd"), "20170103");
  EXPECT_EQ(fmt("yy/y/yyyyy"), "17/2017/02017");
  EXPECT_EQ(fmt("MMM MMMM M"), "Jan January 1");
  EXPECT_EQ(fmt("EEE EEEE u"), "Tue Tuesday 2");
  EXPECT_EQ(fmt("h:mm a k K"), "6:30 AM 6 6");
  EXPECT_EQ(fmt("D F W w"), "3 1 1 1");
  EXPECT_EQ(fmt("S SSSS"), "864 0864");
  EXPECT_EQ(fmt("Z X XXX z zzzz G"), "+0000 Z Z UTC Coordinated Universal Time AD");
  EXPECT_EQ(fmt("yyyy-MM-dd'T'HH:mm:ss'Z'"), "2017-01-03T06:30:01Z");
  EXPECT_EQ(fmt("h 'o''clock' ''"), "6 o'clock '");
  EXPECT_EQ(fmt("yyyy-MM-dd HH:mm:ss.SSS", -1), "1969-12-31 23:59:59.999");
  EXPECT_EQ(fmt("hh a", 12 * 3'600'000), "12 PM");
  EXPECT_EQ(fmt("w", days_from_civil(2016, 12, 31) * kMillisPerDay), "53");
  EXPECT_EQ(fmt("w", days_from_civil(2014, 12, 31) * kMillisPerDay), "1");
}

TEST(DateFormatTest, ParsesLenientlyLikeSimpleDateFormat) {
  EXPECT_EQ(parse("yyyy-MM-dd HH:mm:ss.SSS", "2017-01-03 06:30:01.864"), kInstant);
  EXPECT_EQ(parse("yyyyMMdd", "20170103"), 1483401600000);
  EXPECT_EQ(parse("yyyy-MM-dd", "2017-13-01"),
            days_from_civil(2018, 1, 1) * kMillisPerDay);                // month 13 rolls over
  EXPECT_EQ(parse("yyyy-MM-dd", "2017-1-3"), 1483401600000);             // fewer digits are fine
  EXPECT_EQ(parse("yyyy-MM-dd", "2017-01-03 and more"), 1483401600000);  // trailing text is ignored
  EXPECT_EQ(parse("yyyy-MM-dd'T'HH:mm:ssZ", "2017-01-03T06:30:01+0100"), kInstant - 864 - 3'600'000);
  EXPECT_EQ(parse("yyyy-MM-dd'T'HH:mm:ssXXX", "2017-01-03T06:30:01Z"), kInstant - 864);
  EXPECT_EQ(parse("yyyy-MM-dd'T'HH:mm:ssXXX", "2017-01-03T06:30:01-02:30"), kInstant - 864 + 9'000'000);
  EXPECT_EQ(parse("MMM d, yyyy h a", "jan 3, 2017 3 PM"), 1483401600000 + 15 * 3'600'000);
  EXPECT_EQ(parse("dd MMMM yyyy", "03 January 2017"), 1483401600000);
  EXPECT_EQ(parse("yy-MM-dd", "17-01-03"), 1483401600000);
  EXPECT_EQ(parse("yy-MM-dd", "99-01-01"), days_from_civil(1999, 1, 1) * kMillisPerDay);
  EXPECT_EQ(parse("HH:mm", "  06:30"), 6 * 3'600'000 + 30 * 60'000);  // spaces before a field are skipped
  EXPECT_FALSE(parse("yyyy-MM-dd", "2017/01/03").has_value());
  EXPECT_FALSE(parse("yyyy-MM-dd", "").has_value());
  EXPECT_FALSE(parse("yyyy-MM-dd", "2017-01").has_value());
  EXPECT_FALSE(parse("EEE", "Xyz").has_value());
}

TEST(DateFormatTest, FormatAndParseRoundTrip) {
  const JavaDateFormat f("yyyy-MM-dd'T'HH:mm:ss.SSSZ");
  for (std::int64_t millis :
       {std::int64_t{0}, kInstant, std::int64_t{-86'400'001}, std::int64_t{253402300799999}}) {
    EXPECT_EQ(f.parse(f.format(millis)), millis) << f.format(millis);
  }
}

TEST(DateFormatTest, InvalidPatterns) {
  try {
    JavaDateFormat("yyyy-qq");
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "Illegal pattern character 'q'");
  }
  try {
    JavaDateFormat("'abc");
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "Unterminated quote");
  }
}

TEST(DateFormatTest, ConnectIsoForms) {
  EXPECT_EQ(iso_date_text(0), "00:00:00.000Z");
  EXPECT_EQ(iso_date_text(3'600'000), "01:00:00.000Z");
  EXPECT_EQ(iso_date_text(kMillisPerDay), "1970-01-02");
  EXPECT_EQ(iso_date_text(kMillisPerDay + 1), "1970-01-02T00:00:00.001Z");
  EXPECT_EQ(iso_date_text(kInstant), "2017-01-03T06:30:01.864Z");
}

}  // namespace
}  // namespace sluice::transforms
