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

using L = std::vector<std::string>;

TEST(Validators, AtLeast) {
  const auto v = validators::at_least(1);
  EXPECT_NO_THROW(v->ensure_valid("tasks.max", std::int32_t{1}));
  EXPECT_NO_THROW(v->ensure_valid("tasks.max", std::int64_t{5}));
  EXPECT_EQ(error_of([&] { v->ensure_valid("tasks.max", std::int32_t{0}); }),
            "Invalid value 0 for configuration tasks.max: Value must be at least 1");
  EXPECT_EQ(error_of([&] { v->ensure_valid("ratio", 0.5); }),
            "Invalid value 0.5 for configuration ratio: Value must be at least 1");
  EXPECT_EQ(error_of([&] { v->ensure_valid("tasks.max", ParsedValue{}); }),
            "Invalid value null for configuration tasks.max: Value must be non-null");
  EXPECT_EQ(v->describe(), "[1,...]");
}

TEST(Validators, Between) {
  const auto v = validators::between(1, 10);
  EXPECT_NO_THROW(v->ensure_valid("x", std::int32_t{10}));
  EXPECT_EQ(error_of([&] { v->ensure_valid("x", std::int32_t{11}); }),
            "Invalid value 11 for configuration x: Value must be no more than 10");
  EXPECT_EQ(error_of([&] { v->ensure_valid("x", std::int64_t{-3}); }),
            "Invalid value -3 for configuration x: Value must be at least 1");
  EXPECT_EQ(v->describe(), "[1,...,10]");
  EXPECT_EQ(validators::between(0.5, 1.5)->describe(), "[0.5,...,1.5]");
  EXPECT_EQ(error_of([] { validators::between(0, 0.5)->ensure_valid("x", 0.75); }),
            "Invalid value 0.75 for configuration x: Value must be no more than 0.5");
}

TEST(Validators, ValidString) {
  const auto v = validators::in({"none", "all"});
  EXPECT_NO_THROW(v->ensure_valid("errors.tolerance", std::string("all")));
  EXPECT_EQ(error_of([&] { v->ensure_valid("errors.tolerance", std::string("some")); }),
            "Invalid value some for configuration errors.tolerance: String must be one of: none, all");
  EXPECT_EQ(error_of([&] { v->ensure_valid("errors.tolerance", std::string("ALL")); }),
            "Invalid value ALL for configuration errors.tolerance: String must be one of: none, all");
  EXPECT_EQ(error_of([&] { v->ensure_valid("errors.tolerance", ParsedValue{}); }),
            "Invalid value null for configuration errors.tolerance: String must be one of: none, all");
  EXPECT_EQ(v->describe(), "[none, all]");
}

TEST(Validators, CaseInsensitiveListsValuesInJavaHashSetOrder) {
  const auto v = validators::in_case_insensitive({"BASE64", "NUMERIC"});
  EXPECT_NO_THROW(v->ensure_valid("decimal.format", std::string("numeric")));
  EXPECT_NO_THROW(v->ensure_valid("decimal.format", std::string("Base64")));
  // Orders checked against a JDK: Kafka keeps these values in a HashSet.
  EXPECT_EQ(error_of([&] { v->ensure_valid("decimal.format", std::string("hex")); }),
            "Invalid value hex for configuration decimal.format: String must be one of (case insensitive): "
            "NUMERIC, BASE64");
  EXPECT_EQ(v->describe(), "(case insensitive) [NUMERIC, BASE64]");
  EXPECT_EQ(validators::in_case_insensitive({"none", "all"})->describe(), "(case insensitive) [ALL, NONE]");
  EXPECT_EQ(validators::in_case_insensitive({"key", "value"})->describe(), "(case insensitive) [VALUE, KEY]");
  EXPECT_EQ(validators::in_case_insensitive(
                {"INT8", "INT16", "INT32", "INT64", "FLOAT32", "FLOAT64", "BOOLEAN", "STRING"})
                ->describe(),
            "(case insensitive) [INT64, FLOAT64, INT32, FLOAT32, STRING, INT8, INT16, BOOLEAN]");
  EXPECT_EQ(
      validators::in_case_insensitive({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n"})
          ->describe(),
      "(case insensitive) [A, B, C, D, E, F, G, H, I, J, K, L, M, N]");
  EXPECT_EQ(error_of([&] { v->ensure_valid("decimal.format", ParsedValue{}); }),
            "Invalid value null for configuration decimal.format: String must be one of (case insensitive): "
            "NUMERIC, BASE64");
}

TEST(Validators, NonEmptyString) {
  const auto v = validators::non_empty_string();
  EXPECT_NO_THROW(v->ensure_valid("topic", std::string("t")));
  EXPECT_NO_THROW(v->ensure_valid("topic", ParsedValue{}));  // null is the required-key check's business
  EXPECT_EQ(error_of([&] { v->ensure_valid("topic", std::string()); }),
            "Invalid value  for configuration topic: String must be non-empty");
  EXPECT_EQ(v->describe(), "non-empty string");
}

TEST(Validators, NonNull) {
  const auto v = validators::non_null();
  EXPECT_NO_THROW(v->ensure_valid("x", std::string()));
  EXPECT_EQ(error_of([&] { v->ensure_valid("x", ParsedValue{}); }),
            "Invalid value null for configuration x: entry must be non null");
  EXPECT_EQ(v->describe(), "non-null string");
}

TEST(Validators, ListOf) {
  const auto v = validators::list_of({"a", "b"});
  EXPECT_NO_THROW(v->ensure_valid("x", L{"a", "b", "a"}));
  EXPECT_NO_THROW(v->ensure_valid("x", L{}));
  EXPECT_NO_THROW(v->ensure_valid("x", ParsedValue{}));
  EXPECT_EQ(error_of([&] {
              v->ensure_valid("x", L{"a", "c"});
            }),
            "Invalid value c for configuration x: String must be one of: a, b");
  EXPECT_EQ(v->describe(), "[a, b]");

  const auto non_empty = validators::list_of({"a", "b"}, false);
  EXPECT_EQ(error_of([&] { non_empty->ensure_valid("x", L{}); }),
            "Configuration 'x' must not be empty. Valid values include: [a, b]");
  const auto any_non_empty = validators::list_of({}, false);
  EXPECT_NO_THROW(any_non_empty->ensure_valid("x", L{"anything"}));
  EXPECT_EQ(error_of([&] { any_non_empty->ensure_valid("x", L{}); }),
            "Configuration 'x' must not be empty. Valid values include: any non-empty value");
}

TEST(Validators, SharedAcrossDefinitions) {
  const auto v = validators::at_least(0);
  ConfigDef a;
  ConfigDef b;
  a.define("x", Type::Int, "1", Importance::Low, "doc", v);
  b.define("y", Type::Long, "2", Importance::Low, "doc", v);
  EXPECT_EQ(error_of([&] {
              b.parse({{"y", "-1"}});
            }),
            "Invalid value -1 for configuration y: Value must be at least 0");
}

}  // namespace
}  // namespace sluice::config
