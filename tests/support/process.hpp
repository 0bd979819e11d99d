#pragma once
// Process: a child process started with fork/exec for a test, stdout and stderr captured to files in its
// own TempDir (files, not pipes, so a chatty child never blocks on a full pipe). It is reaped with waitpid
// only: `kill -0` succeeds on a zombie and cannot tell a stopped server from a running one.
//
// Ownership: the Process object owns the child; the destructor stops it (SIGTERM, then SIGKILL after 10 s)
// and reaps it. The child gets PR_SET_PDEATHSIG=SIGKILL, so a crashed test binary leaves no server behind;
// Linux ties that to the thread that forked, so create a Process on a thread that outlives it (the test's
// own thread). Only the direct child is signalled, by PID: start a server with `exec` in a shell wrapper,
// and stop any daemon it spawns (epmd, say) by that daemon's PID. Not thread-safe: use one Process from one
// thread.

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace sluice::test {

// How a child ended.
struct ExitStatus {
  bool exited = false;  // true: normal exit with `code`; false: killed by `signal` (0: unknown)
  int code = -1;
  int signal = 0;

  bool success() const { return exited && code == 0; }
  // "exit code 2", "signal 9 (Killed)".
  std::string describe() const;
};

struct ProcessOptions {
  std::map<std::string, std::string> env;  // set on top of the inherited environment
  std::vector<std::string> unset_env;      // removed from the inherited environment
  std::optional<std::string> stdin_data;   // fed to stdin from a file; nullopt: /dev/null
  std::filesystem::path cwd;               // empty: the test's working directory
  std::string name;                        // for messages; default: argv[0]'s file name
};

class Process {
 public:
  // Starts argv[0] (a path, or a name looked up on PATH) with `argv`. Throws std::runtime_error naming the
  // program when it cannot be found or executed.
  explicit Process(std::vector<std::string> argv, ProcessOptions options = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }

  // True until the child has ended (and is then reaped).
  bool running();
  // The exit status once the child has ended and was reaped.
  const std::optional<ExitStatus>& exit_status() const { return status_; }
  // Waits up to `timeout` for the child to end by itself.
  std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout);
  // Sends `sig`, waits up to `timeout`, then SIGKILLs; always returns with the child reaped.
  ExitStatus stop(int sig = SIGTERM, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The first line the child writes to stdout (without the newline). Throws std::runtime_error with the
  // child's stderr when the child exits first or no full line arrives within `timeout`.
  std::string read_first_line(std::chrono::milliseconds timeout);

  const std::filesystem::path& stdout_path() const { return stdout_path_; }
  const std::filesystem::path& stderr_path() const { return stderr_path_; }
  std::string stdout_text() const { return read_file(stdout_path_); }
  std::string stderr_text() const { return read_file(stderr_path_); }

 private:
  std::string describe_for_error();

  TempDir dir_;
  std::string name_;
  std::filesystem::path stdout_path_;
  std::filesystem::path stderr_path_;
  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

struct CommandResult {
  ExitStatus status;
  std::string out;
  std::string err;
  bool timed_out = false;  // the command was stopped because it ran longer than the timeout

  // For assertion messages: "`kcat -L ...` exited with exit code 1; stderr: ...".
  std::string describe(const std::vector<std::string>& argv) const;
};

// Runs a command to completion with `stdin_data` on its stdin, capturing stdout, stderr and the exit
// status. After `timeout` it is stopped (SIGTERM, then SIGKILL) and `timed_out` is set.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_data = "",
                          std::chrono::milliseconds timeout = std::chrono::seconds(60),
                          ProcessOptions options = {});

}  // namespace sluice::test
