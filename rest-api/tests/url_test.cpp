#include "rest-api/url.hpp"

#include "core/common/errors.hpp"

#include <gtest/gtest.h>

namespace sluice::rest {
namespace {

TEST(UrlTest, SplitsPathIntoDecodedSegmentsAndIgnoresOneTrailingSlash) {
  Target t = parse_target("/connectors/my%20conn.v1/status/");
  EXPECT_EQ(t.path, "/connectors/my%20conn.v1/status/");
  EXPECT_EQ(t.segments, (std::vector<std::string>{"connectors", "my conn.v1", "status"}));
  EXPECT_TRUE(t.query.empty());
  EXPECT_TRUE(parse_target("/").segments.empty());
  EXPECT_EQ(parse_target("/connector-plugins/").segments, (std::vector<std::string>{"connector-plugins"}));
}

TEST(UrlTest, EncodedSlashStaysInsideItsSegmentAndPlusIsLiteralInPaths) {
  Target t = parse_target("/connectors/a%2Fb+c");
  EXPECT_EQ(t.segments, (std::vector<std::string>{"connectors", "a/b+c"}));
}

TEST(UrlTest, ParsesRepeatedQueryParametersWithFormDecoding) {
  Target t = parse_target("/connectors?expand=status&expand=info&x=a+b%21&flag");
  ASSERT_EQ(t.query.size(), 4u);
  EXPECT_EQ(t.query[0], (std::pair<std::string, std::string>{"expand", "status"}));
  EXPECT_EQ(t.query[1], (std::pair<std::string, std::string>{"expand", "info"}));
  EXPECT_EQ(t.query[2], (std::pair<std::string, std::string>{"x", "a b!"}));
  EXPECT_EQ(t.query[3], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(t.raw_query, "expand=status&expand=info&x=a+b%21&flag");
}

TEST(UrlTest, AbsoluteFormTargetKeepsOnlyThePath) {
  EXPECT_EQ(parse_target("http://host:8083/connectors?x=1").segments,
            (std::vector<std::string>{"connectors"}));
}

TEST(UrlTest, MalformedEscapesAreKeptVerbatim) {
  EXPECT_EQ(percent_decode("100%zz%4", false), "100%zz%4");
}

TEST(UrlTest, EncodesPathLikeUriBuilder) {
  EXPECT_EQ(encode_path("my conn.v1"), "my%20conn.v1");
  EXPECT_EQ(encode_path("a/b"), "a/b");
  EXPECT_EQ(encode_path("x?y#z%"), "x%3Fy%23z%25");
  EXPECT_EQ(encode_path("k=v;w:@!$'()*+,"), "k=v;w:@!$'()*+,");
  EXPECT_EQ(encode_path("\xC3\xA9"), "%C3%A9");
}

TEST(UrlTest, ParsesKafkaListeners) {
  auto listeners = parse_listeners(" http://:8083 , HTTP://127.0.0.1:0,http://[::1]:9000 ,");
  ASSERT_EQ(listeners.size(), 3u);
  EXPECT_EQ(listeners[0].host, "");
  EXPECT_EQ(listeners[0].port, 8083);
  EXPECT_EQ(listeners[0].text, "http://:8083");
  EXPECT_EQ(listeners[1].protocol, "http");
  EXPECT_EQ(listeners[1].host, "127.0.0.1");
  EXPECT_EQ(listeners[1].port, 0);
  EXPECT_EQ(listeners[2].host, "::1");
}

TEST(UrlTest, RejectsTlsListenersNamingTheKey) {
  try {
    parse_listeners("http://:8083,https://:8443");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(
        e.what(),
        "Invalid value https://:8443 for configuration listeners: TLS (https) listeners are not supported "
        "yet; configure an http:// listener instead.");
  }
}

TEST(UrlTest, RejectsMalformedListeners) {
  auto message = [](const std::string& value) {
    try {
      parse_listeners(value);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(
      message("localhost:8083"),
      "Invalid value localhost:8083 for configuration listeners: Listener doesn't have the right format "
      "(protocol://hostname:port).");
  EXPECT_EQ(message("http://host"),
            "Invalid value http://host for configuration listeners: Listener doesn't have the right format "
            "(protocol://hostname:port).");
  EXPECT_EQ(
      message("ftp://:21"),
      "Invalid value ftp://:21 for configuration listeners: Listener protocol must be either \"http\" or "
      "\"https\".");
  EXPECT_EQ(
      message("http://:70000"),
      "Invalid value http://:70000 for configuration listeners: Listener port must be between 0 and 65535.");
  EXPECT_EQ(message(" , "),
            "Invalid value  ,  for configuration listeners: at least one listener (e.g. http://:8083) is "
            "required.");
}

TEST(UrlTest, JavaBooleanParsing) {
  EXPECT_TRUE(parse_java_boolean("TRUE"));
  EXPECT_TRUE(parse_java_boolean("true"));
  EXPECT_FALSE(parse_java_boolean("yes"));
  EXPECT_FALSE(parse_java_boolean(""));
}

}  // namespace
}  // namespace sluice::rest
