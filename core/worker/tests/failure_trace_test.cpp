#include "core/worker/failure_trace.hpp"

#include <gtest/gtest.h>

#include "core/common/errors.hpp"

namespace sluice::worker {
namespace {

TEST(FailureTrace, NamesClassMessageWhereAndCauses) {
  try {
    try {
      throw DataError("bad bytes");
    } catch (...) {
      std::throw_with_nested(ConnectError("Tolerance exceeded in error handler"));
    }
  } catch (const std::exception& e) {
    EXPECT_EQ(failure_trace(e, "sluice.worker.WorkerSinkTask.convert(s-0)"),
              "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler\n"
              "\tat sluice.worker.WorkerSinkTask.convert(s-0)\n"
              "Caused by: org.apache.kafka.connect.errors.DataException: bad bytes");
  }
}

TEST(FailureTrace, OtherExceptionsAreRuntimeExceptions) {
  const std::runtime_error e("oops");
  EXPECT_EQ(failure_trace(e, "x"), "java.lang.RuntimeException: oops\n\tat x");
  EXPECT_EQ(java_class_of(RetriableError("r")), "org.apache.kafka.connect.errors.RetriableException");
}

}  // namespace
}  // namespace sluice::worker
