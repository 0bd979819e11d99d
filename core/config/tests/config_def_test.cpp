#include "core/config/config_def.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/common/errors.hpp"

namespace sluice::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Runs `fn` and returns the ConfigError message it throws; fails the test when nothing is thrown.
template <typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return {};
}

std::optional<std::string> raw(const char* s) {
  return std::string(s);
}

// ---- parse_type
// --------------------------------------------------------------------------------------------

TEST(ParseType, BooleanIsCaseInsensitiveAfterTrim) {
  EXPECT_EQ(parse_type("x", raw("true"), Type::Boolean), ParsedValue{true});
  EXPECT_EQ(parse_type("x", raw("True"), Type::Boolean), ParsedValue{true});
  EXPECT_EQ(parse_type("x", raw("  FALSE \t"), Type::Boolean), ParsedValue{false});
}

TEST(ParseType, BooleanRejectsOtherWords) {
  EXPECT_EQ(error_of([] { parse_type("x", raw("maybe"), Type::Boolean); }),
            "Invalid value maybe for configuration x: Expected value to be either true or false");
  EXPECT_EQ(error_of([] { parse_type("x", raw("1"), Type::Boolean); }),
            "Invalid value 1 for configuration x: Expected value to be either true or false");
}

TEST(ParseType, StringAndClassAreTrimmed) {
  EXPECT_EQ(parse_type("x", raw("  hello world \n"), Type::String), ParsedValue{std::string("hello world")});
  EXPECT_EQ(parse_type("x", raw(" org.example.Foo "), Type::Class),
            ParsedValue{std::string("org.example.Foo")});
  EXPECT_EQ(parse_type("x", raw(""), Type::String), ParsedValue{std::string()});
}

TEST(ParseType, PasswordIsTrimmedAndWrapped) {
  const ParsedValue v = parse_type("x", raw(" s3cret "), Type::Password);
  ASSERT_TRUE(std::holds_alternative<Password>(v));
  EXPECT_EQ(std::get<Password>(v).value(), "s3cret");
}

TEST(ParseType, NullIsNullForEveryType) {
  for (Type t : {Type::Boolean, Type::String, Type::Int, Type::Short, Type::Long, Type::Double, Type::List,
                 Type::Class, Type::Password}) {
    EXPECT_TRUE(std::holds_alternative<std::monostate>(parse_type("x", std::nullopt, t))) << type_name(t);
  }
}

TEST(ParseType, Int) {
  EXPECT_EQ(parse_type("x", raw(" 42 "), Type::Int), ParsedValue{std::int32_t{42}});
  EXPECT_EQ(parse_type("x", raw("+5"), Type::Int), ParsedValue{std::int32_t{5}});
  EXPECT_EQ(parse_type("x", raw("-2147483648"), Type::Int), ParsedValue{std::int32_t{-2147483647 - 1}});
  EXPECT_EQ(parse_type("x", raw("007"), Type::Int), ParsedValue{std::int32_t{7}});
}

TEST(ParseType, IntRejectsWithKafkaMessage) {
  EXPECT_EQ(error_of([] { parse_type("tasks.max", raw("abc"), Type::Int); }),
            "Invalid value abc for configuration tasks.max: Not a number of type INT");
  EXPECT_EQ(error_of([] { parse_type("x", raw("2147483648"), Type::Int); }),
            "Invalid value 2147483648 for configuration x: Not a number of type INT");
  EXPECT_EQ(error_of([] { parse_type("x", raw("1.5"), Type::Int); }),
            "Invalid value 1.5 for configuration x: Not a number of type INT");
  EXPECT_EQ(error_of([] { parse_type("x", raw("+-5"), Type::Int); }),
            "Invalid value +-5 for configuration x: Not a number of type INT");
  EXPECT_EQ(error_of([] { parse_type("x", raw("0x10"), Type::Int); }),
            "Invalid value 0x10 for configuration x: Not a number of type INT");
  EXPECT_EQ(error_of([] { parse_type("x", raw(""), Type::Int); }),
            "Invalid value  for configuration x: Not a number of type INT");
}

TEST(ParseType, ErrorShowsTheUntrimmedValue) {
  EXPECT_EQ(error_of([] { parse_type("x", raw(" abc "), Type::Int); }),
            "Invalid value  abc  for configuration x: Not a number of type INT");
}

TEST(ParseType, ShortIsRangeChecked) {
  EXPECT_EQ(parse_type("x", raw("32767"), Type::Short), ParsedValue{std::int32_t{32767}});
  EXPECT_EQ(parse_type("x", raw("-32768"), Type::Short), ParsedValue{std::int32_t{-32768}});
  EXPECT_EQ(error_of([] { parse_type("x", raw("32768"), Type::Short); }),
            "Invalid value 32768 for configuration x: Not a number of type SHORT");
  EXPECT_EQ(error_of([] { parse_type("x", raw("s"), Type::Short); }),
            "Invalid value s for configuration x: Not a number of type SHORT");
}

TEST(ParseType, Long) {
  EXPECT_EQ(parse_type("x", raw("9223372036854775807"), Type::Long),
            ParsedValue{std::int64_t{9223372036854775807}});
  EXPECT_EQ(parse_type("x", raw(" -1 "), Type::Long), ParsedValue{std::int64_t{-1}});
  EXPECT_EQ(error_of([] { parse_type("x", raw("9223372036854775808"), Type::Long); }),
            "Invalid value 9223372036854775808 for configuration x: Not a number of type LONG");
}

TEST(ParseType, DoubleAcceptsJavaLiterals) {
  EXPECT_EQ(parse_type("x", raw("1.5"), Type::Double), ParsedValue{1.5});
  EXPECT_EQ(parse_type("x", raw("2"), Type::Double), ParsedValue{2.0});  // ints are fine
  EXPECT_EQ(parse_type("x", raw(" 1e3 "), Type::Double), ParsedValue{1000.0});
  EXPECT_EQ(parse_type("x", raw("+2"), Type::Double), ParsedValue{2.0});
  EXPECT_EQ(parse_type("x", raw("1."), Type::Double), ParsedValue{1.0});
  EXPECT_EQ(parse_type("x", raw(".5"), Type::Double), ParsedValue{0.5});
  EXPECT_EQ(parse_type("x", raw("1.5f"), Type::Double), ParsedValue{1.5});
  EXPECT_EQ(parse_type("x", raw("2d"), Type::Double), ParsedValue{2.0});
  EXPECT_EQ(parse_type("x", raw("0x1p3"), Type::Double), ParsedValue{8.0});
  EXPECT_EQ(parse_type("x", raw("-Infinity"), Type::Double),
            ParsedValue{-std::numeric_limits<double>::infinity()});
  EXPECT_EQ(parse_type("x", raw("1e400"), Type::Double),
            ParsedValue{std::numeric_limits<double>::infinity()});
  EXPECT_EQ(parse_type("x", raw("1e-400"), Type::Double), ParsedValue{0.0});
  EXPECT_TRUE(std::isnan(std::get<double>(parse_type("x", raw("NaN"), Type::Double))));
}

TEST(ParseType, DoubleRejectsWithKafkaMessage) {
  EXPECT_EQ(error_of([] { parse_type("ratio", raw("abc"), Type::Double); }),
            "Invalid value abc for configuration ratio: Not a number of type DOUBLE");
  EXPECT_EQ(error_of([] { parse_type("x", raw("1_0"), Type::Double); }),
            "Invalid value 1_0 for configuration x: Not a number of type DOUBLE");
  EXPECT_EQ(error_of([] { parse_type("x", raw("inf"), Type::Double); }),
            "Invalid value inf for configuration x: Not a number of type DOUBLE");
  EXPECT_EQ(error_of([] { parse_type("x", raw("1e"), Type::Double); }),
            "Invalid value 1e for configuration x: Not a number of type DOUBLE");
}

TEST(ParseType, ListSplitsOnCommasAndTrimsItems) {
  using L = std::vector<std::string>;
  EXPECT_EQ(parse_type("x", raw("a, b ,c"), Type::List), (ParsedValue{L{"a", "b", "c"}}));
  EXPECT_EQ(parse_type("x", raw("  single  "), Type::List), (ParsedValue{L{"single"}}));
  EXPECT_EQ(parse_type("x", raw("a b,c"), Type::List), (ParsedValue{L{"a b", "c"}}));
  EXPECT_EQ(parse_type("x", raw(""), Type::List), (ParsedValue{L{}}));
  EXPECT_EQ(parse_type("x", raw("   "), Type::List), (ParsedValue{L{}}));
  // Java's split with limit -1 keeps empty items, trailing ones included.
  EXPECT_EQ(parse_type("x", raw("a,,b,"), Type::List), (ParsedValue{L{"a", "", "b", ""}}));
  EXPECT_EQ(parse_type("x", raw(",a"), Type::List), (ParsedValue{L{"", "a"}}));
}

// ---- render
// ------------------------------------------------------------------------------------------------

TEST(Render, EachType) {
  EXPECT_EQ(render(ParsedValue{}, Type::String), std::nullopt);
  EXPECT_EQ(render(true, Type::Boolean), "true");
  EXPECT_EQ(render(false, Type::Boolean), "false");
  EXPECT_EQ(render(std::int32_t{2000}, Type::Int), "2000");
  EXPECT_EQ(render(std::int32_t{-7}, Type::Short), "-7");
  EXPECT_EQ(render(std::int64_t{9223372036854775807}, Type::Long), "9223372036854775807");
  EXPECT_EQ(render(std::string("text"), Type::String), "text");
  EXPECT_EQ(render(std::string("org.example.Foo"), Type::Class), "org.example.Foo");
  EXPECT_EQ(render(std::vector<std::string>{"a", "b", "c"}, Type::List), "a,b,c");
  EXPECT_EQ(render(std::vector<std::string>{}, Type::List), "");
  EXPECT_EQ(render(Password("secret"), Type::Password), "[hidden]");
}

TEST(Render, DoublesAsJavaDoubleToString) {
  EXPECT_EQ(render(0.0, Type::Double), "0.0");
  EXPECT_EQ(render(-0.0, Type::Double), "-0.0");
  EXPECT_EQ(render(1.0, Type::Double), "1.0");
  EXPECT_EQ(render(100.0, Type::Double), "100.0");
  EXPECT_EQ(render(0.1, Type::Double), "0.1");
  EXPECT_EQ(render(2.5, Type::Double), "2.5");
  EXPECT_EQ(render(12345.678, Type::Double), "12345.678");
  EXPECT_EQ(render(0.30000000000000004, Type::Double), "0.30000000000000004");
  EXPECT_EQ(render(9999999.0, Type::Double), "9999999.0");
  EXPECT_EQ(render(1e7, Type::Double), "1.0E7");
  EXPECT_EQ(render(123456789.0, Type::Double), "1.23456789E8");
  EXPECT_EQ(render(3.0e10, Type::Double), "3.0E10");
  EXPECT_EQ(render(1.5e300, Type::Double), "1.5E300");
  EXPECT_EQ(render(0.001, Type::Double), "0.001");
  EXPECT_EQ(render(0.0012, Type::Double), "0.0012");
  EXPECT_EQ(render(1e-4, Type::Double), "1.0E-4");
  EXPECT_EQ(render(std::numeric_limits<double>::denorm_min(), Type::Double), "4.9E-324");
  EXPECT_EQ(render(std::numeric_limits<double>::max(), Type::Double), "1.7976931348623157E308");
  EXPECT_EQ(render(std::numeric_limits<double>::quiet_NaN(), Type::Double), "NaN");
  EXPECT_EQ(render(std::numeric_limits<double>::infinity(), Type::Double), "Infinity");
  EXPECT_EQ(render(-std::numeric_limits<double>::infinity(), Type::Double), "-Infinity");
}

TEST(Names, AsKafkaPrintsThem) {
  EXPECT_STREQ(type_name(Type::Boolean), "BOOLEAN");
  EXPECT_STREQ(type_name(Type::String), "STRING");
  EXPECT_STREQ(type_name(Type::Int), "INT");
  EXPECT_STREQ(type_name(Type::Short), "SHORT");
  EXPECT_STREQ(type_name(Type::Long), "LONG");
  EXPECT_STREQ(type_name(Type::Double), "DOUBLE");
  EXPECT_STREQ(type_name(Type::List), "LIST");
  EXPECT_STREQ(type_name(Type::Class), "CLASS");
  EXPECT_STREQ(type_name(Type::Password), "PASSWORD");
  EXPECT_STREQ(importance_name(Importance::High), "HIGH");
  EXPECT_STREQ(importance_name(Importance::Medium), "MEDIUM");
  EXPECT_STREQ(importance_name(Importance::Low), "LOW");
  EXPECT_STREQ(width_name(Width::None), "NONE");
  EXPECT_STREQ(width_name(Width::Short), "SHORT");
  EXPECT_STREQ(width_name(Width::Medium), "MEDIUM");
  EXPECT_STREQ(width_name(Width::Long), "LONG");
}

// ---- ConfigDef
// ---------------------------------------------------------------------------------------------

// The FileStreamSourceConnector table plus tasks.max, a typical connector definition.
ConfigDef file_source_def() {
  ConfigDef def;
  def.define("file", Type::String, std::nullopt, Importance::High, "Source filename.")
      .define_required("topic", Type::String, Importance::High, "The topic to publish data to",
                       validators::non_empty_string())
      .define("batch.size", Type::Int, "2000", Importance::Low, "Max records per poll")
      .define_required("tasks.max", Type::Int, Importance::High, "Maximum tasks", validators::at_least(1));
  return def;
}

TEST(ConfigDef, DefineDuplicateThrows) {
  ConfigDef def = file_source_def();
  EXPECT_EQ(error_of([&] { def.define("topic", Type::String, "x", Importance::Low, "again"); }),
            "Configuration topic is defined twice.");
  EXPECT_EQ(def.keys().size(), 4u);
}

TEST(ConfigDef, DefaultsAreParsedAtDefineTime) {
  ConfigDef def;
  EXPECT_EQ(error_of([&] { def.define("batch.size", Type::Int, "lots", Importance::Low, "doc"); }),
            "Invalid value lots for configuration batch.size: Not a number of type INT");
  EXPECT_EQ(error_of([&] {
              def.define("tasks.max", Type::Int, "0", Importance::Low, "doc", validators::at_least(1));
            }),
            "Invalid value 0 for configuration tasks.max: Value must be at least 1");
  EXPECT_TRUE(def.keys().empty());
}

TEST(ConfigDef, ShortFormFillsKafkaDefaults) {
  const ConfigDef def = file_source_def();
  const ConfigKey* key = def.find("batch.size");
  ASSERT_NE(key, nullptr);
  EXPECT_TRUE(key->has_default);
  EXPECT_EQ(key->default_value, "2000");
  EXPECT_EQ(key->group, std::nullopt);
  EXPECT_EQ(key->order_in_group, -1);
  EXPECT_EQ(key->width, Width::None);
  EXPECT_EQ(key->display_name, "batch.size");
  const ConfigKey* topic = def.find("topic");
  ASSERT_NE(topic, nullptr);
  EXPECT_FALSE(topic->has_default);
  EXPECT_EQ(topic->default_value, std::nullopt);
  EXPECT_EQ(def.find("nope"), nullptr);
}

TEST(ConfigDef, GroupsInFirstSeenOrder) {
  ConfigDef def;
  auto key = [](std::string name, std::optional<std::string> group) {
    ConfigKey k;
    k.name = std::move(name);
    k.has_default = true;
    k.group = std::move(group);
    return k;
  };
  def.define(key("a", "Common")).define(key("b", "Transforms")).define(key("c", std::nullopt));
  def.define(key("d", "Common")).define(key("e", "Error Handling"));
  EXPECT_THAT(def.groups(), ElementsAre("Common", "Transforms", "Error Handling"));
}

TEST(ConfigDef, MergeAppendsKeysAndRejectsDuplicates) {
  ConfigDef base;
  base.define("name", Type::String, std::nullopt, Importance::High, "Connector name");
  ConfigDef def;
  def.define("extra", Type::Int, "1", Importance::Low, "doc");
  def.merge(base);
  ASSERT_EQ(def.keys().size(), 2u);
  EXPECT_EQ(def.keys()[0].name, "extra");
  EXPECT_EQ(def.keys()[1].name, "name");
  EXPECT_EQ(error_of([&] { def.merge(base); }), "Configuration name is defined twice.");
}

TEST(ConfigDef, ParseFillsDefaultsAndParses) {
  const auto values =
      file_source_def().parse({{"topic", " events "}, {"tasks.max", "3"}, {"unknown", "kept out"}});
  EXPECT_TRUE(std::holds_alternative<std::monostate>(values.at("file")));
  EXPECT_EQ(values.at("topic"), ParsedValue{std::string("events")});
  EXPECT_EQ(values.at("batch.size"), ParsedValue{std::int32_t{2000}});
  EXPECT_EQ(values.at("tasks.max"), ParsedValue{std::int32_t{3}});
  EXPECT_EQ(values.count("unknown"), 0u);
}

TEST(ConfigDef, ParseMissingRequiredKey) {
  EXPECT_EQ(error_of([] {
              file_source_def().parse({{"tasks.max", "1"}});
            }),
            "Missing required configuration \"topic\" which has no default value.");
}

TEST(ConfigDef, ParseThrowsFirstProblemInDefinitionOrder) {
  // batch.size is defined before tasks.max, and topic (missing) before both.
  EXPECT_EQ(error_of([] {
              file_source_def().parse({{"batch.size", "x"}, {"tasks.max", "0"}});
            }),
            "Missing required configuration \"topic\" which has no default value.");
  EXPECT_EQ(error_of([] {
              file_source_def().parse({{"topic", "t"}, {"batch.size", "x"}, {"tasks.max", "0"}});
            }),
            "Invalid value x for configuration batch.size: Not a number of type INT");
  EXPECT_EQ(error_of([] {
              file_source_def().parse({{"topic", "t"}, {"tasks.max", "0"}});
            }),
            "Invalid value 0 for configuration tasks.max: Value must be at least 1");
  EXPECT_EQ(error_of([] {
              file_source_def().parse({{"topic", ""}, {"tasks.max", "1"}});
            }),
            "Invalid value  for configuration topic: String must be non-empty");
}

TEST(ConfigDef, ParseNullValueRunsValidator) {
  // A JSON null parses to null; the validator decides (Range rejects it, a plain STRING accepts it).
  EXPECT_EQ(error_of([] {
              file_source_def().parse({{"topic", "t"}, {"tasks.max", std::nullopt}});
            }),
            "Invalid value null for configuration tasks.max: Value must be non-null");
  const auto values = file_source_def().parse({{"topic", "t"}, {"tasks.max", "1"}, {"file", std::nullopt}});
  EXPECT_TRUE(std::holds_alternative<std::monostate>(values.at("file")));
}

const ConfigValueResult& result_for(const std::vector<ConfigValueResult>& results, const std::string& name) {
  for (const auto& r : results) {
    if (r.name == name) return r;
  }
  throw std::runtime_error("no result for " + name);
}

std::size_t error_count(const std::vector<ConfigValueResult>& results) {
  std::size_t n = 0;
  for (const auto& r : results) n += r.errors.size();
  return n;
}

TEST(ConfigDef, ValidateValidConfigHasNoErrorsAndRendersDefaults) {
  const auto results = file_source_def().validate({{"topic", "events"}, {"tasks.max", "2"}});
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].name, "file");
  EXPECT_EQ(results[1].name, "topic");
  EXPECT_EQ(results[2].name, "batch.size");
  EXPECT_EQ(results[3].name, "tasks.max");
  EXPECT_EQ(error_count(results), 0u);
  EXPECT_EQ(results[0].value, std::nullopt);
  EXPECT_EQ(results[1].value, "events");
  EXPECT_EQ(results[2].value, "2000");
  EXPECT_EQ(results[3].value, "2");
  for (const auto& r : results) {
    EXPECT_TRUE(r.visible);
    EXPECT_THAT(r.recommended_values, IsEmpty());
  }
}

TEST(ConfigDef, ValidateCollectsEveryError) {
  const auto results = file_source_def().validate({{"batch.size", "many"}, {"tasks.max", "0"}});
  EXPECT_EQ(error_count(results), 3u);
  EXPECT_THAT(result_for(results, "topic").errors,
              ElementsAre("Missing required configuration \"topic\" which has no default value."));
  EXPECT_EQ(result_for(results, "topic").value, std::nullopt);
  EXPECT_THAT(result_for(results, "batch.size").errors,
              ElementsAre("Invalid value many for configuration batch.size: Not a number of type INT"));
  EXPECT_EQ(result_for(results, "batch.size").value, std::nullopt);
  EXPECT_THAT(result_for(results, "tasks.max").errors,
              ElementsAre("Invalid value 0 for configuration tasks.max: Value must be at least 1"));
  EXPECT_EQ(result_for(results, "tasks.max").value, "0");
  EXPECT_THAT(result_for(results, "file").errors, IsEmpty());
}

TEST(ConfigDef, ValidateUnparseableValueAlsoMeetsTheValidatorAsNull) {
  // Kafka validates a value that failed to parse as null, so a Range adds its own error too.
  const auto results = file_source_def().validate({{"topic", "t"}, {"tasks.max", "abc"}});
  EXPECT_THAT(result_for(results, "tasks.max").errors,
              ElementsAre("Invalid value abc for configuration tasks.max: Not a number of type INT",
                          "Invalid value null for configuration tasks.max: Value must be non-null"));
  EXPECT_EQ(error_count(results), 2u);
}

TEST(ConfigDef, ValidateRendersEachTypeAndSkipsInternalKeys) {
  ConfigDef def;
  def.define("flag", Type::Boolean, "True", Importance::Low, "doc")
      .define("ratio", Type::Double, "0.5", Importance::Low, "doc")
      .define("topics", Type::List, "a, b", Importance::Low, "doc")
      .define("secret", Type::Password, std::nullopt, Importance::Low, "doc")
      .define("size", Type::Long, "10", Importance::Low, "doc");
  ConfigKey internal;
  internal.name = "internal.key";
  internal.has_default = true;
  internal.default_value = "x";
  internal.internal = true;
  def.define(internal);
  const auto results = def.validate({{"secret", "hunter2"}, {"ratio", "1e7"}});
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(result_for(results, "flag").value, "true");
  EXPECT_EQ(result_for(results, "ratio").value, "1.0E7");
  EXPECT_EQ(result_for(results, "topics").value, "a,b");
  EXPECT_EQ(result_for(results, "secret").value, "[hidden]");
  EXPECT_EQ(result_for(results, "size").value, "10");
  EXPECT_EQ(error_count(results), 0u);
  // Internal keys are still parsed.
  EXPECT_EQ(def.parse({}).at("internal.key"), ParsedValue{std::string("x")});
}

TEST(ConfigDef, NullValueErrorsAsTheHerderAddsThem) {
  const RawConfig props{
      {"topic", "t"}, {"tasks.max", "1"}, {"file", std::nullopt}, {"custom.key", std::nullopt}};
  auto results = file_source_def().validate(props);
  EXPECT_EQ(error_count(results), 0u);  // ConfigDef itself accepts a null STRING without a validator
  add_null_value_errors(props, results);
  EXPECT_THAT(result_for(results, "file").errors,
              ElementsAre("Null value can not be supplied as the configuration value."));
  const auto& custom = result_for(results, "custom.key");
  EXPECT_THAT(custom.errors, ElementsAre("Null value can not be supplied as the configuration value."));
  EXPECT_EQ(custom.value, std::nullopt);
  EXPECT_EQ(error_count(results), 2u);
  EXPECT_EQ(results.size(), 5u);
}

}  // namespace
}  // namespace sluice::config
