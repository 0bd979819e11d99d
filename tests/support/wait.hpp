#pragma once
// Bounded waiting and port picking for tests. Nothing here sleeps for a fixed time: conditions are polled
// with a short, growing interval until a deadline.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

namespace sluice::test {

// Polls `predicate` until it returns true or `timeout` passes. On timeout the result fails with
//   Timed out after <n> ms waiting for <description>
// so `ASSERT_TRUE(wait_until(...))` says what never happened.
::testing::AssertionResult wait_until(const std::function<bool()>& predicate,
                                      std::chrono::milliseconds timeout, std::string_view description);

// The same loop without gtest: true when the predicate held before the deadline.
bool poll_until(const std::function<bool()>& predicate, std::chrono::milliseconds timeout);

// A TCP port on 127.0.0.1 that was free a moment ago (the OS picked it). Another process may still take it
// before the caller binds it; prefer servers that report the port they bound.
std::uint16_t free_port();

}  // namespace sluice::test
