#include "core/config/properties.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>

#include "core/common/errors.hpp"

namespace sluice::config {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

// Expected values below were checked against java.util.Properties.load on a JDK.

TEST(Properties, SeparatorsAndSurroundingBlanks) {
  EXPECT_EQ(parse_properties("a=b\nc = d \n  e:f\ng h\nk  :  v\n"),
            (Entries{{"a", "b"}, {"c", "d "}, {"e", "f"}, {"g", "h"}, {"k", "v"}}));
}

TEST(Properties, OnlyTheFirstSeparatorCounts) {
  EXPECT_EQ(parse_properties("k = = v\n"), (Entries{{"k", "= v"}}));
  EXPECT_EQ(parse_properties("k v = w\n"), (Entries{{"k", "v = w"}}));
  EXPECT_EQ(parse_properties("k:v:w=x\n"), (Entries{{"k", "v:w=x"}}));
}

TEST(Properties, KeyWithoutValueAndValueWithoutKey) {
  EXPECT_EQ(parse_properties("key\n=value\n"), (Entries{{"key", ""}, {"", "value"}}));
}

TEST(Properties, CommentsAtLineStartAfterBlanks) {
  EXPECT_EQ(parse_properties("# comment\n! also\n   # indented comment\n\t! tab\nk=v # not a comment\n"),
            (Entries{{"k", "v # not a comment"}}));
}

TEST(Properties, CommentIsNotContinuedByBackslash) {
  EXPECT_EQ(parse_properties("# comment \\\nk=v\n"), (Entries{{"k", "v"}}));
}

TEST(Properties, BlankLinesSkipped) {
  EXPECT_EQ(parse_properties("\n\n   \n\t\n\f\nk=v\n\n"), (Entries{{"k", "v"}}));
  EXPECT_THAT(parse_properties(""), IsEmpty());
  EXPECT_THAT(parse_properties("# only a comment"), IsEmpty());
}

TEST(Properties, LeadingFormFeedAndTabsSkipped) {
  EXPECT_EQ(parse_properties("\f k=v\n\t\tx=y\n"), (Entries{{"k", "v"}, {"x", "y"}}));
}

TEST(Properties, TrailingWhitespaceOfValueIsKept) {
  EXPECT_EQ(parse_properties("trail=v   \n"), (Entries{{"trail", "v   "}}));
}

TEST(Properties, LastLineWithoutNewline) {
  EXPECT_EQ(parse_properties("a=1\nk=v"), (Entries{{"a", "1"}, {"k", "v"}}));
}

TEST(Properties, ContinuationDropsNextLineLeadingBlanks) {
  EXPECT_EQ(parse_properties("k=v\\\n    continued\n"), (Entries{{"k", "vcontinued"}}));
  EXPECT_EQ(parse_properties("k=v\\\n\t \fw\n"), (Entries{{"k", "vw"}}));
  EXPECT_EQ(parse_properties("list=a,\\\n     b,\\\n     c\n"), (Entries{{"list", "a,b,c"}}));
}

TEST(Properties, EvenBackslashesDoNotContinue) {
  EXPECT_EQ(parse_properties("k=v\\\\\nx=y\n"), (Entries{{"k", "v\\"}, {"x", "y"}}));
  EXPECT_EQ(parse_properties("k=v\\\\\\\n   more\n"), (Entries{{"k", "v\\more"}}));
}

TEST(Properties, ContinuedLineStartingWithHashIsNotAComment) {
  EXPECT_EQ(parse_properties("k=v\\\n# not comment\n"), (Entries{{"k", "v# not comment"}}));
}

TEST(Properties, ContinuationIntoBlankLineEndsTheEntry) {
  EXPECT_EQ(parse_properties("k=v\\\n\nx=y\n"), (Entries{{"k", "v"}, {"x", "y"}}));
}

TEST(Properties, DanglingBackslashAtEndOfInputIsDropped) {
  EXPECT_EQ(parse_properties("k=v\\"), (Entries{{"k", "v"}}));
  EXPECT_EQ(parse_properties("\\\n"), (Entries{{"", ""}}));
}

TEST(Properties, Escapes) {
  EXPECT_EQ(parse_properties("tab\\tkey=x\\ty\\n\\r\\f\\\\\\q\n"), (Entries{{"tab\tkey", "x\ty\n\r\f\\q"}}));
}

TEST(Properties, UnicodeEscapesBecomeUtf8) {
  EXPECT_EQ(parse_properties("uni=\\u00e9\\u4e2d\\uD83D\\uDE00\nk=\\u0041\\u0042"),
            (Entries{{"uni", "\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80"}, {"k", "AB"}}));
  // A lone surrogate is written as "?", as Java's UTF-8 encoder does.
  EXPECT_EQ(parse_properties("lone=\\uD83Dx\n"), (Entries{{"lone", "?x"}}));
}

TEST(Properties, RawUtf8PassesThrough) {
  EXPECT_EQ(parse_properties("x=caf\xC3\xA9\n"), (Entries{{"x", "caf\xC3\xA9"}}));
}

TEST(Properties, MalformedUnicodeEscape) {
  try {
    parse_properties("k=\\u12");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "Malformed \\uxxxx encoding.");
  }
  EXPECT_THROW(parse_properties("k=\\uZZZZ\n"), ConfigError);
}

TEST(Properties, EscapedSeparatorsInKeys) {
  EXPECT_EQ(parse_properties("a\\=b=c\n"), (Entries{{"a=b", "c"}}));
  EXPECT_EQ(parse_properties("a\\:b:c\n"), (Entries{{"a:b", "c"}}));
  EXPECT_EQ(parse_properties("a\\ b c\n"), (Entries{{"a b", "c"}}));
  EXPECT_EQ(parse_properties("  \\  key=val\n"), (Entries{{" ", "key=val"}}));
}

TEST(Properties, CrlfFiles) {
  EXPECT_EQ(parse_properties("a=b\r\nc=d\r\n"), (Entries{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(parse_properties("a=b\\\r\n   c\r\nd=e\r\n"), (Entries{{"a", "bc"}, {"d", "e"}}));
  EXPECT_EQ(parse_properties("# c\r\n\r\nk=v\r\n"), (Entries{{"k", "v"}}));
}

TEST(Properties, OldMacLineEnds) {
  EXPECT_EQ(parse_properties("a=b\rc=d\r"), (Entries{{"a", "b"}, {"c", "d"}}));
}

TEST(Properties, DuplicatesKeptInOrder) {
  EXPECT_THAT(parse_properties("dup=1\nother=x\ndup=2\n"),
              ElementsAre(Pair("dup", "1"), Pair("other", "x"), Pair("dup", "2")));
}

// A scratch directory removed at the end of each test.
class PropertiesFile : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("sluice-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& name, const std::string& content) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(PropertiesFile, LoadsAFile) {
  const auto path = write("worker.properties",
                          "# Kafka Connect standalone worker\r\n"
                          "bootstrap.servers=localhost:9092\r\n"
                          "key.converter.schemas.enable=True\r\n"
                          "plugin.path=/a,\\\r\n    /b\r\n");
  EXPECT_EQ(load_properties_file(path), (Entries{{"bootstrap.servers", "localhost:9092"},
                                                 {"key.converter.schemas.enable", "True"},
                                                 {"plugin.path", "/a,/b"}}));
}

TEST_F(PropertiesFile, MissingFile) {
  const auto path = dir_ / "absent.properties";
  try {
    load_properties_file(path);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "Could not read properties file " + path.string() + ": No such file or directory");
  }
}

TEST_F(PropertiesFile, Directory) {
  try {
    load_properties_file(dir_);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "Could not read properties file " + dir_.string() + ": Is a directory");
  }
}

TEST_F(PropertiesFile, MalformedEscapeNamesTheFile) {
  const auto path = write("bad.properties", "k=\\u00\n");
  try {
    load_properties_file(path);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "Could not read properties file " + path.string() + ": Malformed \\uxxxx encoding.");
  }
}

}  // namespace
}  // namespace sluice::config
