// The JsonConverter's JSON reader: Jackson's tree semantics (number kinds, key order, repeated keys, trailing
// content), Jackson's error texts with line and column, its StreamReadConstraints, strict UTF-8, and the
// reuse of one reader's memory across documents.

#include "core/convert/json_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::convert::json {
namespace {

constexpr const char* kValueList = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

std::string error_of(std::string_view text) {
  Reader reader;
  try {
    reader.parse(text);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "<no ParseError>";
}

std::string at(int line, int column) {
  return " at [Source: (byte[]); line: " + std::to_string(line) + ", column: " + std::to_string(column) + "]";
}

std::vector<std::string> keys_of(const Node& object) {
  std::vector<std::string> keys;
  for (const Node& member : object) keys.emplace_back(member.key);
  return keys;
}

TEST(JsonReaderTest, ScalarsKeepJacksonsNumberKinds) {
  Reader reader;
  const Node* n = reader.parse("-9223372036854775808");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->kind, Node::Kind::Integer);
  EXPECT_EQ(n->integer, INT64_MIN);
  n = reader.parse("9223372036854775807");
  EXPECT_EQ(n->kind, Node::Kind::Integer);
  EXPECT_EQ(n->integer, INT64_MAX);
  n = reader.parse("9223372036854775808");
  EXPECT_EQ(n->kind, Node::Kind::BigInteger);
  EXPECT_EQ(n->text, "9223372036854775808");
  EXPECT_EQ(n->number_text(), "9223372036854775808");
  n = reader.parse("-123456789012345678901234567890");
  EXPECT_EQ(n->kind, Node::Kind::BigInteger);
  EXPECT_EQ(n->text, "-123456789012345678901234567890");
  n = reader.parse("1.50E+3");
  EXPECT_EQ(n->kind, Node::Kind::Float);
  EXPECT_EQ(n->text, "1.50E+3");
  EXPECT_EQ(n->type_name(), std::string("NUMBER"));
  n = reader.parse("-0");
  EXPECT_EQ(n->kind, Node::Kind::Integer);
  EXPECT_EQ(n->integer, 0);
  EXPECT_EQ(reader.parse("true")->boolean, true);
  EXPECT_EQ(reader.parse("false")->kind, Node::Kind::Boolean);
  EXPECT_EQ(reader.parse(" null ")->kind, Node::Kind::Null);
  EXPECT_EQ(reader.parse(""), nullptr);
  EXPECT_EQ(reader.parse(" \t\r\n"), nullptr);
}

TEST(JsonReaderTest, StringsAreUnescapedToUtf8) {
  Reader reader;
  EXPECT_EQ(reader.parse(R"("plain")")->text, "plain");
  EXPECT_EQ(reader.parse(R"("a\"b\\c\/d\b\f\n\r\t")")->text, "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(reader.parse(R"("\u0041\u00e9\u20AC\uD83D\uDE00\u0000")")->text,
            std::string("A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\0", 11));
  EXPECT_EQ(reader.parse("\"h\xc3\xa9llo \xf0\x9f\x98\x80\"")->text, "h\xc3\xa9llo \xf0\x9f\x98\x80");
  EXPECT_EQ(reader.parse("\"\x7f\"")->text, "\x7f");  // DEL needs no escape
}

TEST(JsonReaderTest, ManyEscapedStringsInOneDocumentStayValid) {
  // Unescaped strings share one buffer; earlier ones must survive later ones.
  std::string text = "[";
  for (int i = 0; i < 200; ++i)
    text += std::string(i ? "," : "") + "\"s\\n" + std::to_string(i) + "\\u00e9\"";
  text += "]";
  Reader reader;
  const Node* root = reader.parse(text);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->size, 200U);
  int i = 0;
  for (const Node& item : *root) {
    EXPECT_EQ(item.text, "s\n" + std::to_string(i) + "\xc3\xa9");
    ++i;
  }
  EXPECT_EQ(i, 200);
}

TEST(JsonReaderTest, ObjectsKeepOrderAndRepeatedKeysReplaceInPlace) {
  Reader reader;
  const Node* root = reader.parse(R"({"b":1,"a":{"x":[1,2]},"c":"s","a":true})");
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->size, 3U);
  EXPECT_EQ(keys_of(*root), (std::vector<std::string>{"b", "a", "c"}));
  ASSERT_NE(root->get("a"), nullptr);
  EXPECT_EQ(root->get("a")->kind, Node::Kind::Boolean);
  EXPECT_EQ(root->get("missing"), nullptr);
  EXPECT_EQ(root->get("c")->text, "s");
  // Escaped and plain spellings of a key are the same key.
  root = reader.parse(R"({"ab":1,"a\u0062":2})");
  EXPECT_EQ(root->size, 1U);
  EXPECT_EQ(root->get("ab")->integer, 2);
}

TEST(JsonReaderTest, LargeObjectsFindRepeatedKeysToo) {
  std::string text = "{";
  for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  text += R"("k3":"again","k30":"again","k40":40})";
  Reader reader;
  const Node* root = reader.parse(text);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->size, 41U);
  const std::vector<std::string> keys = keys_of(*root);
  EXPECT_EQ(keys[3], "k3");
  EXPECT_EQ(keys[30], "k30");
  EXPECT_EQ(keys[40], "k40");
  EXPECT_EQ(root->get("k3")->text, "again");
  EXPECT_EQ(root->get("k30")->text, "again");
  EXPECT_EQ(root->get("k29")->integer, 29);
}

TEST(JsonReaderTest, SourceIsEachValueAsWritten) {
  Reader reader;
  const Node* root = reader.parse(R"( {"schema": {"type" : "int32"}, "payload":[1, 2.0 ,"x"]} trailing)");
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->source, R"({"schema": {"type" : "int32"}, "payload":[1, 2.0 ,"x"]})");
  EXPECT_EQ(root->get("schema")->source, R"({"type" : "int32"})");
  EXPECT_EQ(root->get("payload")->source, R"([1, 2.0 ,"x"])");
  EXPECT_EQ(root->get("payload")->first->next->source, "2.0");
  EXPECT_EQ(root->get("payload")->first->next->next->source, R"("x")");
}

TEST(JsonReaderTest, ContentAfterTheRootValueIsIgnoredAsJacksonDoes) {
  Reader reader;
  EXPECT_EQ(reader.parse("1 2")->integer, 1);
  EXPECT_EQ(reader.parse("1\n]")->integer, 1);
  EXPECT_EQ(reader.parse("true]")->boolean, true);
  EXPECT_EQ(reader.parse("null,")->kind, Node::Kind::Null);
  EXPECT_EQ(reader.parse(R"({"a":1}xyz)")->size, 1U);
  EXPECT_EQ(reader.parse(R"("s"junk)")->text, "s");
  EXPECT_EQ(reader.parse("[1]]")->size, 1U);
  EXPECT_EQ(error_of("1x"),
            "Unexpected character ('x' (code 120)): Expected space separating root-level values" + at(1, 3));
  EXPECT_EQ(error_of("1.5]"),
            "Unexpected character (']' (code 93)): Expected space separating root-level values" + at(1, 5));
  EXPECT_EQ(error_of("truex"),
            std::string("Unrecognized token 'truex': was expecting ") + kValueList + at(1, 6));
}

TEST(JsonReaderTest, TruncatedInput) {
  EXPECT_EQ(error_of("{"),
            "Unexpected end-of-input: expected close marker for OBJECT (start marker at [Source: (byte[]); "
            "line: 1, "
            "column: 1])" +
                at(1, 2));
  EXPECT_EQ(error_of(R"({"schema":{"type":"int32"},"payload":)"),
            "Unexpected end-of-input: expected close marker for OBJECT (start marker at [Source: (byte[]); "
            "line: 1, "
            "column: 1])" +
                at(1, 38));
  EXPECT_EQ(
      error_of("[1,\n  [2"),
      "Unexpected end-of-input: expected close marker for ARRAY (start marker at [Source: (byte[]); line: 2, "
      "column: 3])" +
          at(2, 5));
  EXPECT_EQ(error_of(R"({"a":"abc)"),
            "Unexpected end-of-input: was expecting closing quote for a string value" + at(1, 10));
  EXPECT_EQ(error_of(R"({"ab)"), "Unexpected end-of-input: was expecting closing '\"' for name" + at(1, 5));
  EXPECT_EQ(error_of(R"("\u00)"), "Unexpected end-of-input in character escape sequence" + at(1, 6));
  EXPECT_EQ(error_of(R"("\)"), "Unexpected end-of-input in character escape sequence" + at(1, 3));
  EXPECT_EQ(error_of("-"), "Unexpected end-of-input in a Number value" + at(1, 2));
  EXPECT_EQ(error_of("[1."), "Unexpected end-of-input in a Number value" + at(1, 4));
  EXPECT_EQ(error_of("1e+"), "Unexpected end-of-input in a Number value" + at(1, 4));
  EXPECT_EQ(error_of("[tru"),
            std::string("Unrecognized token 'tru': was expecting ") + kValueList + at(1, 5));
  // A UTF-8 sequence cut short by the end of the input.
  EXPECT_EQ(error_of("\"\xc3"),
            "Unexpected end-of-input: was expecting closing quote for a string value" + at(1, 3));
}

TEST(JsonReaderTest, SyntaxErrors) {
  EXPECT_EQ(error_of("nope"),
            std::string("Unrecognized token 'nope': was expecting ") + kValueList + at(1, 5));
  EXPECT_EQ(error_of(R"({"a":nul})"),
            std::string("Unrecognized token 'nul': was expecting ") + kValueList + at(1, 9));
  EXPECT_EQ(error_of("NaN"), std::string("Unrecognized token 'NaN': was expecting ") + kValueList + at(1, 4));
  EXPECT_EQ(error_of("#"), std::string("Unexpected character ('#' (code 35)): expected a valid value ") +
                               kValueList + at(1, 2));
  EXPECT_EQ(error_of("+1"), std::string("Unexpected character ('+' (code 43)): expected a valid value ") +
                                kValueList + at(1, 2));
  EXPECT_EQ(
      error_of(R"({"a":])"),
      std::string("Unexpected character (']' (code 93)): expected a valid value ") + kValueList + at(1, 7));
  EXPECT_EQ(error_of("[1,]"), "Unexpected character (']' (code 93)): expected a value" + at(1, 5));
  EXPECT_EQ(error_of("[,1]"), "Unexpected character (',' (code 44)): expected a value" + at(1, 3));
  EXPECT_EQ(error_of("[1 2]"),
            "Unexpected character ('2' (code 50)): was expecting comma to separate Array entries" + at(1, 5));
  EXPECT_EQ(error_of(R"({"a" 1})"),
            "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value" +
                at(1, 7));
  EXPECT_EQ(
      error_of(R"({"a":1 "b":2})"),
      "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries" + at(1, 9));
  EXPECT_EQ(
      error_of(R"({"a":1,})"),
      "Unexpected character ('}' (code 125)): was expecting double-quote to start field name" + at(1, 9));
  EXPECT_EQ(
      error_of("{a:1}"),
      "Unexpected character ('a' (code 97)): was expecting double-quote to start field name" + at(1, 3));
  EXPECT_EQ(error_of("{\n  \"a\":\n  x}"),
            std::string("Unrecognized token 'x': was expecting ") + kValueList + at(3, 4));
}

TEST(JsonReaderTest, NumberErrors) {
  EXPECT_EQ(error_of("01"), "Invalid numeric value: Leading zeroes not allowed" + at(1, 3));
  EXPECT_EQ(error_of("[-00]"), "Invalid numeric value: Leading zeroes not allowed" + at(1, 5));
  EXPECT_EQ(
      error_of("-a"),
      "Unexpected character ('a' (code 97)) in numeric value: expected digit (0-9) to follow minus sign, for "
      "valid numeric value" +
          at(1, 3));
  EXPECT_EQ(error_of("1.e5"),
            "Unexpected character ('e' (code 101)) in numeric value: Decimal point not followed by a digit" +
                at(1, 4));
  EXPECT_EQ(
      error_of("[1eX]"),
      "Unexpected character ('X' (code 88)) in numeric value: Exponent indicator not followed by a digit" +
          at(1, 5));
}

TEST(JsonReaderTest, HugeNumbersWithinJacksonsLimitAreKeptExactly) {
  Reader reader;
  const std::string digits(1000, '7');
  const Node* n = reader.parse(digits);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->kind, Node::Kind::BigInteger);
  EXPECT_EQ(n->text, digits);
  EXPECT_EQ(reader.parse("-" + digits)->text, "-" + digits);
  EXPECT_EQ(reader.parse("1e999999")->kind, Node::Kind::Float);
  EXPECT_EQ(error_of(digits + "7"),
            "Number value length (1001) exceeds the maximum allowed (1000, from "
            "`StreamReadConstraints.getMaxNumberLength()`)");
  EXPECT_EQ(error_of("[0." + digits + "]"),
            "Number value length (1002) exceeds the maximum allowed (1000, from "
            "`StreamReadConstraints.getMaxNumberLength()`)");
}

TEST(JsonReaderTest, StringErrors) {
  EXPECT_EQ(error_of(R"("a\x")"), "Unrecognized character escape 'x' (code 120)" + at(1, 5));
  EXPECT_EQ(error_of(R"("a\')"), "Unrecognized character escape ''' (code 39)" + at(1, 5));
  EXPECT_EQ(
      error_of(R"("\u12g4")"),
      "Unexpected character ('g' (code 103)): expected a hex-digit for character escape sequence" + at(1, 7));
  EXPECT_EQ(error_of("\"a\nb\""),
            "Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be "
            "included in "
            "string value" +
                at(1, 4));
  EXPECT_EQ(
      error_of("{\"a\tb\":1}"),
      "Illegal unquoted character ((CTRL-CHAR, code 9)): has to be escaped using backslash to be included in "
      "name" +
          at(1, 5));
  // Strings are UTF-8, so an escaped surrogate needs its pair (Java strings could hold one alone).
  EXPECT_EQ(error_of(R"("\uD83D")"),
            "Invalid surrogate in character escape sequence: \\uD83D is not followed by a low surrogate" +
                at(1, 8));
  EXPECT_EQ(error_of(R"("\uD83D\u0041")"),
            "Invalid surrogate in character escape sequence: \\uD83D is not followed by a low surrogate" +
                at(1, 14));
  EXPECT_EQ(error_of(R"("\uDE00x")"),
            "Invalid surrogate in character escape sequence: \\uDE00 is not preceded by a high surrogate" +
                at(1, 8));
}

TEST(JsonReaderTest, InvalidUtf8IsRefusedWithJacksonsMessages) {
  EXPECT_EQ(error_of("\"\xff\""), "Invalid UTF-8 start byte 0xff" + at(1, 3));
  EXPECT_EQ(error_of("\"a\x80\""), "Invalid UTF-8 start byte 0x80" + at(1, 4));
  EXPECT_EQ(error_of("\"\xc3\x28\""), "Invalid UTF-8 middle byte 0x28" + at(1, 4));
  EXPECT_EQ(error_of("{\"k\xe2\x82\":1}"), "Invalid UTF-8 middle byte 0x22" + at(1, 7));
  // Overlong forms, UTF-16 surrogates and code points above U+10FFFF are not UTF-8 either.
  EXPECT_EQ(error_of("\"\xc0\xaf\""), "Invalid UTF-8 start byte 0xc0" + at(1, 3));
  EXPECT_EQ(error_of("\"\xe0\x80\xaf\""), "Invalid UTF-8 middle byte 0x80" + at(1, 4));
  EXPECT_EQ(error_of("\"\xed\xa0\x80\""), "Invalid UTF-8 middle byte 0xa0" + at(1, 4));
  EXPECT_EQ(error_of("\"\xf4\x90\x80\x80\""), "Invalid UTF-8 middle byte 0x90" + at(1, 4));
  EXPECT_EQ(error_of("\"\xf5\x80\x80\x80\""), "Invalid UTF-8 start byte 0xf5" + at(1, 3));
  // Outside strings a non-ASCII byte is just an unexpected character.
  EXPECT_EQ(error_of("\xff"),
            std::string("Unexpected character ('\xc3\xbf' (code 255)): expected a valid value ") +
                kValueList + at(1, 2));
  // Escaped text after a valid multi-byte sequence keeps both.
  Reader reader;
  EXPECT_EQ(reader.parse("\"\xe2\x82\xac\\n\xf0\x9f\x98\x80\"")->text, "\xe2\x82\xac\n\xf0\x9f\x98\x80");
}

TEST(JsonReaderTest, NestingIsLimitedToJacksonsDepth) {
  Reader reader;
  const std::string deepest = std::string(1000, '[') + std::string(1000, ']');
  const Node* n = reader.parse(deepest);
  ASSERT_NE(n, nullptr);
  int depth = 0;
  for (; n != nullptr; n = n->first) ++depth;
  EXPECT_EQ(depth, 1000);
  EXPECT_EQ(error_of(std::string(1001, '[') + std::string(1001, ']')),
            "Document nesting depth (1001) exceeds the maximum allowed (1000, from "
            "`StreamReadConstraints.getMaxNestingDepth()`)");
  std::string objects;
  for (int i = 0; i < 1001; ++i) objects += "{\"a\":";
  EXPECT_EQ(error_of(objects),
            "Document nesting depth (1001) exceeds the maximum allowed (1000, from "
            "`StreamReadConstraints.getMaxNestingDepth()`)");
}

TEST(JsonReaderTest, OneReaderParsesDocumentsOfAnySizeOneAfterAnother) {
  Reader reader;
  // 100 000 nodes (many chunks), then small documents reuse (and partly release) that memory.
  std::string big = "[";
  for (int i = 0; i < 100000; ++i) big += std::string(i ? "," : "") + "{\"v\":\"x\\ty\"}";
  big += "]";
  const Node* root = reader.parse(big);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->size, 100000U);
  std::size_t count = 0;
  for (const Node& item : *root) {
    if (item.get("v")->text == "x\ty") ++count;
  }
  EXPECT_EQ(count, 100000U);
  for (int i = 0; i < 3; ++i) {
    root = reader.parse(R"({"schema":null,"payload":"\u00e9"})");
    ASSERT_NE(root, nullptr);
    EXPECT_EQ(root->get("payload")->text, "\xc3\xa9");
  }
  // A failed parse leaves the reader usable.
  EXPECT_THROW(reader.parse("[1,"), ParseError);
  EXPECT_EQ(reader.parse("[7]")->first->integer, 7);
}

}  // namespace
}  // namespace sluice::convert::json
