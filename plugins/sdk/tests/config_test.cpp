#include "sluice/sdk/config.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sdk = sluice::sdk;
using CD = sdk::ConfigDef;

namespace {

void must_be_even(const std::string& name, const std::optional<std::string>& value) {
  if (!value || std::stoi(*value) % 2 != 0)
    throw sdk::ConfigError(name, value.value_or("null"), "Value must be even");
}

CD example_def() {
  return CD()
      .define("file", CD::Type::String, nullptr, CD::Importance::High, "Source filename.")
      .define("topic", CD::Type::String, CD::no_default, CD::non_empty_string(), CD::Importance::High,
              "The topic to publish data to")
      .define("batch.size", CD::Type::Int, 2000, CD::Importance::Low, "Batch size")
      .define("mode", CD::Type::String, "fast", CD::one_of({"fast", "safe"}), CD::Importance::Medium, "Mode",
              "Tuning", 2, CD::Width::Short, "Write mode", {"batch.size"})
      .define("retries", CD::Type::Int, 3, CD::between(0, 10), CD::Importance::Low, "Retries")
      .define("ratio", CD::Type::Double, 0.5, CD::at_least(0.25), CD::Importance::Low, "Ratio")
      .define("enabled", CD::Type::Boolean, true, CD::Importance::Low, "Enabled")
      .define("hosts", CD::Type::List, std::vector<std::string>{"a", "b"}, CD::Importance::Low, "Hosts")
      .define("limit", CD::Type::Long, 10000000000LL, CD::Importance::Low, "Limit")
      .define("even", CD::Type::Int, 2, CD::custom<&must_be_even>(), CD::Importance::Low, "Even number")
      .define("secret", CD::Type::Password, nullptr, CD::Importance::Medium, "A password")
      .define("small", CD::Type::Short, 7, CD::Importance::Low, "Short");
}

TEST(ConfigDefTableTest, EntriesMatchTheDefinitions) {
  CD def = example_def();
  ASSERT_EQ(def.table_size(), 12u);
  const sluice_config_key* t = def.table();

  EXPECT_EQ(t[0].struct_size, sizeof(sluice_config_key));
  EXPECT_STREQ(t[0].name, "file");
  EXPECT_EQ(t[0].type, SLUICE_CONFIG_STRING);
  EXPECT_EQ(t[0].importance, SLUICE_IMPORTANCE_HIGH);
  EXPECT_EQ(t[0].has_default, 1) << "null default";
  EXPECT_EQ(t[0].default_value, nullptr);
  EXPECT_STREQ(t[0].documentation, "Source filename.");
  EXPECT_EQ(t[0].group, nullptr);
  EXPECT_EQ(t[0].order_in_group, -1);
  EXPECT_EQ(t[0].width, SLUICE_WIDTH_NONE);
  EXPECT_EQ(t[0].display_name, nullptr);
  EXPECT_EQ(t[0].validate, nullptr);

  EXPECT_STREQ(t[1].name, "topic");
  EXPECT_EQ(t[1].has_default, 0) << "required";
  EXPECT_EQ(t[1].non_empty_string, 1);

  EXPECT_EQ(t[2].type, SLUICE_CONFIG_INT);
  EXPECT_STREQ(t[2].default_value, "2000");
  EXPECT_EQ(t[2].importance, SLUICE_IMPORTANCE_LOW);

  EXPECT_STREQ(t[3].group, "Tuning");
  EXPECT_EQ(t[3].order_in_group, 2);
  EXPECT_EQ(t[3].width, SLUICE_WIDTH_SHORT);
  EXPECT_STREQ(t[3].display_name, "Write mode");
  ASSERT_EQ(t[3].valid_value_count, 2u);
  EXPECT_STREQ(t[3].valid_values[1], "safe");
  ASSERT_EQ(t[3].dependent_count, 1u);
  EXPECT_STREQ(t[3].dependents[0], "batch.size");

  EXPECT_EQ(t[4].has_min, 1);
  EXPECT_EQ(t[4].has_max, 1);
  EXPECT_EQ(t[4].min, 0);
  EXPECT_EQ(t[4].max, 10);
  EXPECT_EQ(t[5].has_min, 1);
  EXPECT_EQ(t[5].has_max, 0);
  EXPECT_STREQ(t[5].default_value, "0.5");
  EXPECT_STREQ(t[6].default_value, "true");
  EXPECT_EQ(t[6].type, SLUICE_CONFIG_BOOLEAN);
  EXPECT_STREQ(t[7].default_value, "a,b");
  EXPECT_EQ(t[7].type, SLUICE_CONFIG_LIST);
  EXPECT_STREQ(t[8].default_value, "10000000000");
  EXPECT_EQ(t[10].type, SLUICE_CONFIG_PASSWORD);
  EXPECT_EQ(t[11].type, SLUICE_CONFIG_SHORT);
}

TEST(ConfigDefTableTest, CustomValidatorRunsThroughTheAbiPointer) {
  CD def = example_def();
  const sluice_config_key& even = def.table()[9];
  ASSERT_NE(even.validate, nullptr);
  EXPECT_EQ(even.validate("even", "4", nullptr), SLUICE_OK);

  struct Sink {
    sluice_error err{sizeof(sluice_error), &Sink::set, nullptr};
    std::string message;
    static void set(sluice_error* e, sluice_error_kind, const char*, const char* msg, const char*) {
      reinterpret_cast<Sink*>(e)->message = msg;
    }
  } sink;
  EXPECT_EQ(even.validate("even", "3", &sink.err), SLUICE_FATAL);
  EXPECT_EQ(sink.message, "Invalid value 3 for configuration even: Value must be even");
}

TEST(ConfigDefTableTest, CopiesBuildTheirOwnTable) {
  CD def = example_def();
  const sluice_config_key* original = def.table();
  CD copy = def;
  EXPECT_NE(copy.table(), original);
  EXPECT_NE(copy.table()[0].name, original[0].name);
  EXPECT_STREQ(copy.table()[0].name, "file");
  def.define("extra", CD::Type::String, "", CD::Importance::Low, "x");
  EXPECT_EQ(def.table_size(), 13u);
  EXPECT_STREQ(def.table()[12].name, "extra");
}

TEST(ConfigDefTest, DuplicateAndInvalidDefaultsAreRejected) {
  try {
    CD().define("a", CD::Type::Int, 1, CD::Importance::Low, "")
        .define("a", CD::Type::Int, 1, CD::Importance::Low, "");
    FAIL();
  } catch (const sdk::ConfigError& e) {
    EXPECT_STREQ(e.what(), "Configuration a is defined twice.");
  }
  try {
    CD().define("n", CD::Type::Int, "many", CD::Importance::Low, "");
    FAIL();
  } catch (const sdk::ConfigError& e) {
    EXPECT_STREQ(e.what(), "Invalid value many for configuration n: Not a number of type INT");
  }
  try {
    CD().define("n", CD::Type::Int, 0, CD::at_least(1), CD::Importance::Low, "");
    FAIL();
  } catch (const sdk::ConfigError& e) {
    EXPECT_STREQ(e.what(), "Invalid value 0 for configuration n: Value must be at least 1");
  }
}

std::string parse_error(const sdk::ConfigMap& props) {
  try {
    sdk::Config cfg(example_def(), props);
  } catch (const sdk::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ConfigTest, ParsesWithKafkaRules) {
  sdk::Config cfg(example_def(), {{"topic", "  events \t"},
                                  {"batch.size", " 42 "},
                                  {"enabled", " FaLsE"},
                                  {"hosts", " x , y,z ,"},
                                  {"limit", "-9223372036854775808"},
                                  {"ratio", "1e3"},
                                  {"small", "-32768"},
                                  {"secret", " s3cret "}});
  EXPECT_EQ(cfg.get_string("topic"), "events");
  EXPECT_EQ(cfg.get_string("file"), std::nullopt);
  EXPECT_TRUE(cfg.is_null("file"));
  EXPECT_EQ(cfg.get_int("batch.size"), 42);
  EXPECT_FALSE(cfg.get_boolean("enabled"));
  EXPECT_EQ(cfg.get_list("hosts"), (std::vector<std::string>{"x", "y", "z", ""}));
  EXPECT_EQ(cfg.get_long("limit"), INT64_MIN);
  EXPECT_EQ(cfg.get_double("ratio"), 1000.0);
  EXPECT_EQ(cfg.get_short("small"), -32768);
  EXPECT_EQ(cfg.get_password("secret"), "s3cret");
  EXPECT_EQ(cfg.get_string("mode"), "fast") << "default";
  EXPECT_EQ(cfg.get_int("retries"), 3);
  EXPECT_EQ(cfg.originals().at("topic"), "  events \t") << "originals are not trimmed";

  sdk::Config empty_list(example_def(), {{"topic", "t"}, {"hosts", "  "}});
  EXPECT_TRUE(empty_list.get_list("hosts").empty());
  sdk::Config bool_true(example_def(), {{"topic", "t"}, {"enabled", "True"}});
  EXPECT_TRUE(bool_true.get_boolean("enabled"));
}

TEST(ConfigTest, MessagesMatchKafka) {
  EXPECT_EQ(parse_error({}), "Missing required configuration \"topic\" which has no default value.");
  EXPECT_EQ(parse_error({{"topic", ""}}), "Invalid value  for configuration topic: String must be non-empty");
  EXPECT_EQ(parse_error({{"topic", "t"}, {"batch.size", "abc"}}),
            "Invalid value abc for configuration batch.size: Not a number of type INT");
  EXPECT_EQ(parse_error({{"topic", "t"}, {"batch.size", "2147483648"}}),
            "Invalid value 2147483648 for configuration batch.size: Not a number of type INT");
  EXPECT_EQ(parse_error({{"topic", "t"}, {"enabled", "yes"}}),
            "Invalid value yes for configuration enabled: Expected value to be either true or false");
  EXPECT_EQ(parse_error({{"topic", "t"}, {"retries", "11"}}),
            "Invalid value 11 for configuration retries: Value must be no more than 10");
  EXPECT_EQ(parse_error({{"topic", "t"}, {"retries", "-1"}}),
            "Invalid value -1 for configuration retries: Value must be at least 0");
  EXPECT_EQ(parse_error({{"topic", "t"}, {"ratio", "0.1"}}),
            "Invalid value 0.1 for configuration ratio: Value must be at least 0.25");
  EXPECT_EQ(parse_error({{"topic", "t"}, {"ratio", "x1"}}),
            "Invalid value x1 for configuration ratio: Not a number of type DOUBLE");
  EXPECT_EQ(parse_error({{"topic", "t"}, {"mode", "slow"}}),
            "Invalid value slow for configuration mode: String must be one of: fast, safe");
  EXPECT_EQ(parse_error({{"topic", "t"}, {"small", "40000"}}),
            "Invalid value 40000 for configuration small: Not a number of type SHORT");
  EXPECT_EQ(parse_error({{"topic", "t"}, {"limit", "1.5"}}),
            "Invalid value 1.5 for configuration limit: Not a number of type LONG");
  EXPECT_EQ(parse_error({{"topic", "t"}, {"even", "5"}}),
            "Invalid value 5 for configuration even: Value must be even");
}

TEST(ConfigTest, ReadingUnknownOrMistypedKeysFails) {
  sdk::Config cfg(example_def(), {{"topic", "t"}});
  try {
    (void)cfg.get_string("nope");
    FAIL();
  } catch (const sdk::ConfigError& e) {
    EXPECT_STREQ(e.what(), "Unknown configuration 'nope'");
  }
  try {
    (void)cfg.get_int("topic");
    FAIL();
  } catch (const sdk::ConfigError& e) {
    EXPECT_STREQ(e.what(), "Configuration 'topic' is of type STRING, not INT");
  }
  sdk::Config nulls(CD().define("n", CD::Type::Int, nullptr, CD::Importance::Low, ""), {});
  try {
    (void)nulls.get_int("n");
    FAIL();
  } catch (const sdk::ConfigError& e) {
    EXPECT_STREQ(e.what(), "Configuration 'n' is null");
  }
}

TEST(ConfigTest, RangeRejectsNull) {
  CD def = CD().define("n", CD::Type::Int, CD::no_default, CD::at_least(1), CD::Importance::Low, "");
  CD::Parsed null_value;
  try {
    CD::ensure_valid(*def.find("n"), null_value);
    FAIL();
  } catch (const sdk::ConfigError& e) {
    EXPECT_STREQ(e.what(), "Invalid value null for configuration n: Value must be non-null");
  }
}

}  // namespace
