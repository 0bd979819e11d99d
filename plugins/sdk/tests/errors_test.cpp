#include "sluice/sdk/errors.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace sdk = sluice::sdk;

namespace {

// A host-side error sink: records what the plugin reported.
struct CapturedError {
  sluice_error err{};
  int calls = 0;
  sluice_error_kind kind = -1;
  std::string error_class;
  std::string message;
  std::string trace;

  CapturedError() {
    err.struct_size = sizeof(sluice_error);
    err.set = &CapturedError::set;
    err.host_data = this;
  }
  static void set(sluice_error* self, sluice_error_kind kind, const char* error_class, const char* message,
                  const char* trace) {
    auto* c = static_cast<CapturedError*>(self->host_data);
    ++c->calls;
    c->kind = kind;
    c->error_class = error_class ? error_class : "<null>";
    c->message = message ? message : "<null>";
    c->trace = trace ? trace : "<null>";
  }
};

template <class F>
sluice_status run(CapturedError& c, F f) {
  return sdk::guard(&c.err, f);
}

TEST(GuardTest, SuccessReportsNothing) {
  CapturedError c;
  EXPECT_EQ(run(c, [] {}), SLUICE_OK);
  EXPECT_EQ(c.calls, 0);
}

TEST(GuardTest, ConnectErrorIsFatal) {
  CapturedError c;
  EXPECT_EQ(run(c, [] { throw sdk::ConnectError("broken pipe to upstream"); }), SLUICE_FATAL);
  EXPECT_EQ(c.calls, 1);
  EXPECT_EQ(c.kind, SLUICE_ERROR_CONNECT);
  EXPECT_EQ(c.error_class, "org.apache.kafka.connect.errors.ConnectException");
  EXPECT_EQ(c.message, "broken pipe to upstream");
  EXPECT_EQ(c.trace, "org.apache.kafka.connect.errors.ConnectException: broken pipe to upstream");
}

TEST(GuardTest, RetriableErrorIsRetriable) {
  CapturedError c;
  EXPECT_EQ(run(c, [] { throw sdk::RetriableError("server busy, try again"); }), SLUICE_RETRIABLE);
  EXPECT_EQ(c.kind, SLUICE_ERROR_RETRIABLE);
  EXPECT_EQ(c.error_class, "org.apache.kafka.connect.errors.RetriableException");
  EXPECT_EQ(c.message, "server busy, try again");
}

TEST(GuardTest, DataAndConfigErrorsAreFatalWithTheirKinds) {
  CapturedError c;
  EXPECT_EQ(run(c, [] { throw sdk::DataError("bad payload"); }), SLUICE_FATAL);
  EXPECT_EQ(c.kind, SLUICE_ERROR_DATA);
  EXPECT_EQ(c.error_class, "org.apache.kafka.connect.errors.DataException");

  EXPECT_EQ(run(c, [] { throw sdk::ConfigError("batch.size", "abc", "Not a number of type INT"); }),
            SLUICE_FATAL);
  EXPECT_EQ(c.kind, SLUICE_ERROR_CONFIG);
  EXPECT_EQ(c.error_class, "org.apache.kafka.common.config.ConfigException");
  EXPECT_EQ(c.message, "Invalid value abc for configuration batch.size: Not a number of type INT");
}

TEST(GuardTest, CustomErrorClassNames) {
  CapturedError c;
  EXPECT_EQ(run(c, [] { throw sdk::RetriableError("slow down", "com.example.ThrottledException"); }),
            SLUICE_RETRIABLE);
  EXPECT_EQ(c.error_class, "com.example.ThrottledException");
  EXPECT_EQ(c.kind, SLUICE_ERROR_RETRIABLE);
}

TEST(GuardTest, StandardExceptionsUseTheirCppTypeName) {
  CapturedError c;
  EXPECT_EQ(run(c, [] { throw std::out_of_range("index 7 is past the end"); }), SLUICE_FATAL);
  EXPECT_EQ(c.kind, SLUICE_ERROR_CONNECT);
  EXPECT_EQ(c.error_class, "std::out_of_range");
  EXPECT_EQ(c.message, "index 7 is past the end");
}

TEST(GuardTest, NonStandardExceptionsAreCaughtToo) {
  CapturedError c;
  EXPECT_EQ(run(c, [] { throw 42; }), SLUICE_FATAL);
  EXPECT_EQ(c.error_class, "unknown");
  EXPECT_EQ(c.message, "a value that is not a std::exception was thrown");

  struct NotAnException {};
  EXPECT_EQ(run(c, [] { throw NotAnException{}; }), SLUICE_FATAL);
  EXPECT_EQ(c.calls, 2);
}

TEST(GuardTest, NestedExceptionsBecomeCausedByLines) {
  CapturedError c;
  auto f = [] {
    try {
      throw std::runtime_error("connection refused");
    } catch (...) {
      std::throw_with_nested(sdk::RetriableError("Could not reach the server"));
    }
  };
  EXPECT_EQ(run(c, f), SLUICE_RETRIABLE);
  EXPECT_EQ(c.message, "Could not reach the server");
  EXPECT_EQ(c.trace,
            "org.apache.kafka.connect.errors.RetriableException: Could not reach the server\n"
            "Caused by: std::runtime_error: connection refused");
}

TEST(GuardTest, NullErrorSinkIsTolerated) {
  EXPECT_EQ(sdk::guard(nullptr, [] { throw sdk::ConnectError("x"); }), SLUICE_FATAL);
  sluice_error no_setter{};
  EXPECT_EQ(sdk::guard(&no_setter, [] { throw sdk::RetriableError("x"); }), SLUICE_RETRIABLE);
}

TEST(ErrorsTest, SubclassesAreCatchableAsConnectError) {
  try {
    throw sdk::DataError("d");
  } catch (const sdk::ConnectError& e) {
    EXPECT_EQ(e.kind(), SLUICE_ERROR_DATA);
  }
  sdk::ConnectError copy = sdk::RetriableError("r");
  EXPECT_EQ(copy.error_class(), sdk::kRetriableExceptionClass);
}

}  // namespace
