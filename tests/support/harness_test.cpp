#include "tests/support/harness.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace sluice::test {
namespace {

using namespace std::chrono_literals;

TEST(TempDir, ExistsWhileOwnedAndIsRemovedWithItsContent) {
  std::filesystem::path path;
  {
    TempDir dir;
    path = dir.path();
    const auto file = dir.write("sub/a.txt", "hello");
    EXPECT_EQ(read_file(file), "hello");
    EXPECT_EQ(file, dir / "sub/a.txt");
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(WaitUntil, SucceedsOnceThePredicateHolds) {
  int calls = 0;
  EXPECT_TRUE(wait_until([&] { return ++calls == 3; }, 5s, "the third call"));
  EXPECT_EQ(calls, 3);
}

TEST(WaitUntil, FailureNamesWhatWasAwaited) {
  const auto result = wait_until([] { return false; }, 20ms, "the moon to turn blue");
  EXPECT_FALSE(result);
  EXPECT_STREQ(result.message(), "Timed out after 20 ms waiting for the moon to turn blue");
}

TEST(FreePort, CanBeBoundOnLoopback) {
  const std::uint16_t port = free_port();
  EXPECT_GT(port, 0);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ::close(fd);
}

TEST(RunCommand, CapturesStdinStdoutStderrAndExitCode) {
  const CommandResult result =
      run_command({"sh", "-c", "tr a-z A-Z; echo oops >&2; exit 3"}, "hello\n", 10s, {.env = {{"X", "1"}}});
  EXPECT_EQ(result.status.describe(), "exit code 3");
  EXPECT_EQ(result.out, "HELLO\n");
  EXPECT_EQ(result.err, "oops\n");
  EXPECT_FALSE(result.timed_out);
}

TEST(RunCommand, PassesEnvironmentOverrides) {
  const CommandResult result =
      run_command({"sh", "-c", "echo \"$SLUICE_TEST_VAR\""}, "", 10s, {.env = {{"SLUICE_TEST_VAR", "set"}}});
  EXPECT_EQ(result.out, "set\n");
}

TEST(RunCommand, StopsACommandThatOutlivesItsTimeout) {
  const CommandResult result = run_command({"sleep", "60"}, "", 50ms);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.status.describe(), "signal 15 (Terminated)");
}

TEST(Process, MissingProgramIsAClearError) {
  try {
    Process process({"sluice-no-such-program"});
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "Cannot start sluice-no-such-program: not found on PATH");
  }
  try {
    Process process({"/nonexistent/prog"});
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "Cannot start /nonexistent/prog: No such file or directory");
  }
}

TEST(Process, ReadFirstLineWaitsForAFullLine) {
  Process process({"sh", "-c", "printf 'part'; sleep 0.2; printf 'ial\\nsecond\\n'; exec sleep 60"});
  EXPECT_EQ(process.read_first_line(10s), "partial");
  EXPECT_TRUE(process.running());
}

TEST(Process, ReadFirstLineReportsAnEarlyExitWithStderr) {
  Process process({"sh", "-c", "echo broken >&2; exit 4"}, {.name = "demo"});
  try {
    process.read_first_line(10s);
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "demo (pid " + std::to_string(process.pid()) +
                  ") ended with exit code 4 before writing a line to stdout; stdout: \"\"; "
                  "stderr: \"broken\n\"");
  }
}

TEST(Process, ReadFirstLineTimesOut) {
  Process process({"sleep", "60"});
  try {
    process.read_first_line(30ms);
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "sleep (pid " + std::to_string(process.pid()) +
                  ") wrote no full line to stdout within 30 ms; stdout: \"\"; stderr: \"\"");
  }
}

TEST(Process, StopEscalatesToSigkillWhenSigtermIsIgnored) {
  // An ignored signal stays ignored across exec, so `sleep` itself ignores SIGTERM.
  Process process({"sh", "-c", "trap '' TERM; echo ready; exec sleep 60"});
  ASSERT_EQ(process.read_first_line(10s), "ready");
  const ExitStatus status = process.stop(SIGTERM, 100ms);
  EXPECT_EQ(status.describe(), "signal 9 (Killed)");
  EXPECT_FALSE(process.running());
}

TEST(Process, ReapsAChildThatExitedByItself) {
  Process process({"true"});
  ASSERT_TRUE(wait_until([&] { return !process.running(); }, 10s, "`true` to exit"));
  ASSERT_TRUE(process.exit_status().has_value());
  EXPECT_TRUE(process.exit_status()->success());
  // The pid is reaped: no zombie is left behind.
  EXPECT_FALSE(std::filesystem::exists("/proc/" + std::to_string(process.pid())));
  EXPECT_TRUE(process.stop().success());
}

TEST(Process, DestructorStopsTheChild) {
  pid_t pid = 0;
  {
    Process process({"sleep", "60"});
    pid = process.pid();
  }
  EXPECT_FALSE(std::filesystem::exists("/proc/" + std::to_string(pid)));
}

}  // namespace
}  // namespace sluice::test
