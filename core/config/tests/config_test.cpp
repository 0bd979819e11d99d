#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/common/errors.hpp"
#include "core/config/config_def.hpp"

namespace sluice::config {
namespace {

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

ConfigDef all_types_def() {
  ConfigDef def;
  def.define("s", Type::String, "text", Importance::High, "doc")
      .define("nullable", Type::String, std::nullopt, Importance::Low, "doc")
      .define("i", Type::Int, "7", Importance::Low, "doc")
      .define("sh", Type::Short, "3", Importance::Low, "doc")
      .define("l", Type::Long, "9000000000", Importance::Low, "doc")
      .define("d", Type::Double, "0.25", Importance::Low, "doc")
      .define("b", Type::Boolean, "false", Importance::Low, "doc")
      .define("list", Type::List, "x,y", Importance::Low, "doc")
      .define("cls", Type::Class, "org.example.Foo", Importance::Low, "doc")
      .define("pw", Type::Password, std::nullopt, Importance::Low, "doc");
  return def;
}

TEST(Config, TypedGetters) {
  const Config config(all_types_def(), {{"b", " TRUE "}, {"pw", "hunter2"}, {"list", "p, q"}});
  EXPECT_EQ(config.get_string("s"), "text");
  EXPECT_EQ(config.get_optional_string("s"), "text");
  EXPECT_EQ(config.get_optional_string("nullable"), std::nullopt);
  EXPECT_EQ(config.get_int("i"), 7);
  EXPECT_EQ(config.get_int("sh"), 3);
  EXPECT_EQ(config.get_long("l"), 9000000000);
  EXPECT_DOUBLE_EQ(config.get_double("d"), 0.25);
  EXPECT_TRUE(config.get_bool("b"));
  EXPECT_THAT(config.get_list("list"), ::testing::ElementsAre("p", "q"));
  EXPECT_EQ(config.get_string("cls"), "org.example.Foo");
  EXPECT_EQ(config.get_password("pw").value(), "hunter2");
  EXPECT_EQ(config.get("i"), ParsedValue{std::int32_t{7}});
}

TEST(Config, UnknownKey) {
  const Config config(all_types_def(), {});
  EXPECT_EQ(error_of([&] { config.get("nope"); }), "Unknown configuration 'nope'");
  EXPECT_EQ(error_of([&] { config.get_int("nope"); }), "Unknown configuration 'nope'");
}

TEST(Config, WrongTypeOrNull) {
  const Config config(all_types_def(), {});
  EXPECT_EQ(error_of([&] { config.get_string("i"); }),
            "Cannot read configuration 'i' as a string: its value is of type int");
  EXPECT_EQ(error_of([&] { config.get_long("i"); }),
            "Cannot read configuration 'i' as a long: its value is of type int");
  EXPECT_EQ(error_of([&] { config.get_int("l"); }),
            "Cannot read configuration 'l' as an int: its value is of type long");
  EXPECT_EQ(error_of([&] { config.get_bool("s"); }),
            "Cannot read configuration 's' as a boolean: its value is of type string");
  EXPECT_EQ(error_of([&] { config.get_double("list"); }),
            "Cannot read configuration 'list' as a double: its value is of type list");
  EXPECT_EQ(error_of([&] { config.get_list("d"); }),
            "Cannot read configuration 'd' as a list: its value is of type double");
  EXPECT_EQ(error_of([&] { config.get_string("nullable"); }),
            "Cannot read configuration 'nullable' as a string: its value is null");
  EXPECT_EQ(error_of([&] { config.get_password("pw"); }),
            "Cannot read configuration 'pw' as a password: its value is null");
  EXPECT_EQ(error_of([&] { config.get_optional_string("i"); }),
            "Cannot read configuration 'i' as a string: its value is of type int");
}

TEST(Config, PasswordIsNotAString) {
  const Config config(all_types_def(), {{"pw", "hunter2"}});
  EXPECT_EQ(error_of([&] { config.get_string("pw"); }),
            "Cannot read configuration 'pw' as a string: its value is of type password");
}

TEST(Config, ConstructorThrowsOnInvalidConfig) {
  ConfigDef def;
  def.define_required("topic", Type::String, Importance::High, "doc");
  EXPECT_EQ(error_of([&] { Config c(def, {}); }),
            "Missing required configuration \"topic\" which has no default value.");
  EXPECT_EQ(error_of([&] {
              Config c(all_types_def(), {{"i", "seven"}});
            }),
            "Invalid value seven for configuration i: Not a number of type INT");
}

TEST(Config, OriginalsAreKeptRaw) {
  const Config config(all_types_def(), {{"s", "  padded  "}, {"extra", "x"}, {"gone", std::nullopt}});
  EXPECT_EQ(config.get_string("s"), "padded");
  EXPECT_EQ(config.originals().at("s"), "  padded  ");
  EXPECT_EQ(config.originals().at("extra"), "x");
  EXPECT_EQ(config.originals().at("gone"), std::nullopt);
}

TEST(Config, OriginalsWithPrefix) {
  const Config config(all_types_def(), {{"producer.override.acks", "all"},
                                        {"producer.override.linger.ms", "5"},
                                        {"producer.override.", "bare prefix"},
                                        {"producer.other", "no"},
                                        {"consumer.override.x", "no"}});
  EXPECT_EQ(config.originals_with_prefix("producer.override."),
            (RawConfig{{"acks", "all"}, {"linger.ms", "5"}}));
  EXPECT_EQ(config.originals_with_prefix("producer.override.", false),
            (RawConfig{{"producer.override.acks", "all"}, {"producer.override.linger.ms", "5"}}));
  EXPECT_TRUE(config.originals_with_prefix("admin.").empty());
}

}  // namespace
}  // namespace sluice::config
