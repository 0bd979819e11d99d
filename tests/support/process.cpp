#include "tests/support/process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "tests/support/wait.hpp"

extern char** environ;

namespace sluice::test {
namespace {

// A file descriptor closed on scope exit; only used in the parent.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

Fd open_or_throw(const std::filesystem::path& path, int flags) {
  Fd fd(::open(path.c_str(), flags | O_CLOEXEC, 0644));
  if (fd.get() < 0) throw std::runtime_error("Cannot open " + path.string() + ": " + std::strerror(errno));
  return fd;
}

// Resolved before fork(): PATH lookup allocates, which the child of a threaded parent must not do.
std::string resolve_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw std::runtime_error("Cannot start " + program + ": not found on PATH");
}

std::vector<std::string> build_environment(const ProcessOptions& options) {
  std::map<std::string, std::string> merged;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const auto eq = text.find('=');
    if (eq != std::string::npos) merged[text.substr(0, eq)] = text.substr(eq + 1);
  }
  for (const auto& name : options.unset_env) merged.erase(name);
  for (const auto& [name, value] : options.env) merged[name] = value;
  std::vector<std::string> result;
  result.reserve(merged.size());
  for (const auto& [name, value] : merged) result.push_back(name + "=" + value);
  return result;
}

std::vector<char*> c_array(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

ExitStatus from_wait_status(int status) {
  ExitStatus result;
  if (WIFEXITED(status)) {
    result.exited = true;
    result.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

[[noreturn]] void child_fail(int error_fd, int error) {
  [[maybe_unused]] ssize_t ignored = ::write(error_fd, &error, sizeof error);
  ::_exit(127);
}

// Everything the child does between fork() and exec() is async-signal-safe; failures go to `error_fd`.
[[noreturn]] void exec_child(const char* program, char* const* argv, char* const* envp, int in, int out,
                             int err, const char* cwd, pid_t parent, int error_fd) {
  if (::dup2(in, STDIN_FILENO) < 0 || ::dup2(out, STDOUT_FILENO) < 0 || ::dup2(err, STDERR_FILENO) < 0) {
    child_fail(error_fd, errno);
  }
  if (cwd != nullptr && ::chdir(cwd) != 0) child_fail(error_fd, errno);
  // Dispositions set to SIG_IGN and the blocked mask survive exec; give the child a clean slate.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &default_action, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the test died before prctl took effect
  ::execve(program, argv, envp);
  child_fail(error_fd, errno);
}

}  // namespace

std::string ExitStatus::describe() const {
  if (exited) return "exit code " + std::to_string(code);
  if (signal != 0) return "signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
  return "an unknown status";
}

Process::Process(std::vector<std::string> argv, ProcessOptions options) : dir_("sluice-proc") {
  if (argv.empty()) throw std::invalid_argument("Process needs at least argv[0]");
  name_ = options.name.empty() ? std::filesystem::path(argv[0]).filename().string() : options.name;
  stdout_path_ = dir_ / "stdout";
  stderr_path_ = dir_ / "stderr";

  const std::string program = resolve_program(argv[0]);
  std::vector<std::string> env = build_environment(options);
  std::vector<char*> c_argv = c_array(argv);
  std::vector<char*> c_env = c_array(env);
  const std::string cwd = options.cwd.string();

  const std::filesystem::path stdin_path =
      options.stdin_data ? dir_.write("stdin", *options.stdin_data) : "/dev/null";
  Fd in = open_or_throw(stdin_path, O_RDONLY);
  Fd out = open_or_throw(stdout_path_, O_WRONLY | O_CREAT | O_TRUNC);
  Fd err = open_or_throw(stderr_path_, O_WRONLY | O_CREAT | O_TRUNC);
  int error_pipe[2];
  if (::pipe2(error_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  Fd error_read(error_pipe[0]);
  Fd error_write(error_pipe[1]);

  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("Cannot fork for " + name_ + ": " + std::strerror(errno));
  if (pid_ == 0) {
    exec_child(program.c_str(), c_argv.data(), c_env.data(), in.get(), out.get(), err.get(),
               cwd.empty() ? nullptr : cwd.c_str(), parent, error_write.get());
  }
  error_write.reset();
  // The pipe closes on a successful exec (O_CLOEXEC) and read() returns 0; otherwise it carries errno.
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(error_read.get(), &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    status_ = from_wait_status(status);
    throw std::runtime_error("Cannot start " + program + ": " + std::strerror(child_errno));
  }
}

Process::~Process() {
  try {
    if (pid_ > 0 && !status_) stop(SIGTERM, std::chrono::seconds(10));
  } catch (...) {
    // A destructor must not throw; the child was SIGKILLed in stop() if it got that far.
  }
}

bool Process::running() {
  if (status_) return false;
  int status = 0;
  pid_t result;
  do {
    result = ::waitpid(pid_, &status, WNOHANG);
  } while (result < 0 && errno == EINTR);
  if (result == 0) return true;
  // result < 0 (ECHILD): someone else reaped it, e.g. SIGCHLD set to SIG_IGN; the status is unknown.
  status_ = result == pid_ ? from_wait_status(status) : ExitStatus{};
  return false;
}

std::optional<ExitStatus> Process::wait_for(std::chrono::milliseconds timeout) {
  poll_until([this] { return !running(); }, timeout);
  return status_;
}

ExitStatus Process::stop(int sig, std::chrono::milliseconds timeout) {
  if (!running()) return *status_;
  ::kill(pid_, sig);
  if (auto status = wait_for(timeout)) return *status;
  ::kill(pid_, SIGKILL);
  int status = 0;
  pid_t result;
  do {
    result = ::waitpid(pid_, &status, 0);
  } while (result < 0 && errno == EINTR);
  status_ = result == pid_ ? from_wait_status(status) : ExitStatus{};
  return *status_;
}

std::string Process::read_first_line(std::chrono::milliseconds timeout) {
  std::string line;
  auto have_line = [&] {
    const std::string text = stdout_text();
    const auto newline = text.find('\n');
    if (newline == std::string::npos) return false;
    line = text.substr(0, newline);
    return true;
  };
  poll_until([&] { return have_line() || !running(); }, timeout);
  // Checked again after an exit: the child may have written its line just before ending.
  if (have_line()) return line;
  if (status_) {
    throw std::runtime_error(name_ + " (pid " + std::to_string(pid_) + ") ended with " + status_->describe() +
                             " before writing a line to stdout; " + describe_for_error());
  }
  throw std::runtime_error(name_ + " (pid " + std::to_string(pid_) +
                           ") wrote no full line to stdout within " + std::to_string(timeout.count()) +
                           " ms; " + describe_for_error());
}

std::string Process::describe_for_error() {
  return "stdout: \"" + stdout_text() + "\"; stderr: \"" + stderr_text() + "\"";
}

std::string CommandResult::describe(const std::vector<std::string>& argv) const {
  std::string command;
  for (const auto& arg : argv) command += (command.empty() ? "" : " ") + arg;
  return "`" + command + "` " + (timed_out ? "timed out and was stopped with " : "ended with ") +
         status.describe() + "; stdout: \"" + out + "\"; stderr: \"" + err + "\"";
}

CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_data,
                          std::chrono::milliseconds timeout, ProcessOptions options) {
  options.stdin_data = stdin_data;
  Process process(argv, std::move(options));
  CommandResult result;
  if (auto status = process.wait_for(timeout)) {
    result.status = *status;
  } else {
    result.timed_out = true;
    result.status = process.stop(SIGTERM, std::chrono::seconds(5));
  }
  result.out = process.stdout_text();
  result.err = process.stderr_text();
  return result;
}

}  // namespace sluice::test
