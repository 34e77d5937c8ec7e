#include "subprocess.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "polling.h"

extern char** environ;

namespace pgvigil::testing {
namespace {

// What the child reports through the status pipe when it cannot reach execve.
struct ChildFailure {
  int step;
  int error;
};
constexpr const char* kFailedSteps[] = {"switch user", "change directory", "execute"};

std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw std::runtime_error("program not found in PATH: " + name);
}

std::vector<std::string> merged_environment(const EnvVars& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto name = text.substr(0, text.find('='));
    bool overridden = false;
    for (const auto& [key, value] : extra) overridden = overridden || key == name;
    if (!overridden) env.emplace_back(text);
  }
  for (const auto& [key, value] : extra) env.push_back(key + "=" + value);
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

int open_or_throw(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  return fd;
}

[[noreturn]] void report_child_failure(int status_fd, int step) {
  const ChildFailure failure{step, errno};
  [[maybe_unused]] const auto written = ::write(status_fd, &failure, sizeof failure);
  ::_exit(127);
}

// Runs in the forked child: only async-signal-safe calls from here to execve.
[[noreturn]] void become_child(const std::string& program, char** argv, char** envp, int stdin_fd,
                               int output_fd, const SpawnOptions& options, pid_t parent, int status_fd) {
  auto fail = [status_fd](int step) { report_child_failure(status_fd, step); };
  ::setpgid(0, 0);
  sigset_t all;
  ::sigemptyset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);
  for (int signo = 1; signo < NSIG; ++signo) {
    if (signo != SIGKILL && signo != SIGSTOP) ::signal(signo, SIG_DFL);
  }
  ::dup2(stdin_fd, STDIN_FILENO);
  if (output_fd >= 0) {
    ::dup2(output_fd, STDOUT_FILENO);
    ::dup2(output_fd, STDERR_FILENO);
  }
  if (options.run_as) {
    const auto& who = *options.run_as;
    if (::setgroups(who.groups.size(), who.groups.data()) != 0 || ::setgid(who.gid) != 0 ||
        ::setuid(who.uid) != 0) {
      fail(0);
    }
  }
  if (options.parent_death_signal != 0) {
    ::prctl(PR_SET_PDEATHSIG, options.parent_death_signal);
    if (::getppid() != parent) ::_exit(127);
  }
  if (!options.working_dir.empty() && ::chdir(options.working_dir.c_str()) != 0) fail(1);
  // Inherited sockets would keep other tests' ports busy for the life of a server.
  ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  ::execve(program.c_str(), argv, envp);
  report_child_failure(status_fd, 2);
}

}  // namespace

Subprocess Subprocess::spawn(std::vector<std::string> argv, EnvVars extra_env, std::string output_file) {
  SpawnOptions options;
  options.extra_env = std::move(extra_env);
  options.output_file = std::move(output_file);
  return spawn_with(std::move(argv), options);
}

Subprocess Subprocess::spawn_with(std::vector<std::string> argv, const SpawnOptions& options) {
  if (argv.empty()) throw std::invalid_argument("Subprocess: empty argv");
  const std::string program = find_program(argv[0]);
  auto env_strings = merged_environment(options.extra_env);
  auto argv_ptrs = c_strings(argv);
  auto env_ptrs = c_strings(env_strings);

  const int stdin_fd = open_or_throw("/dev/null", O_RDONLY);
  int output_fd = -1;
  int status_pipe[2] = {-1, -1};
  auto close_all = [&] {
    for (int fd : {stdin_fd, output_fd, status_pipe[0], status_pipe[1]}) {
      if (fd >= 0) ::close(fd);
    }
  };
  try {
    if (!options.output_file.empty()) {
      output_fd = open_or_throw(options.output_file, O_WRONLY | O_CREAT | O_APPEND);
    }
    if (::pipe2(status_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  } catch (...) {
    close_all();
    throw;
  }

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    become_child(program, argv_ptrs.data(), env_ptrs.data(), stdin_fd, output_fd, options, parent,
                 status_pipe[1]);
  }
  ::close(status_pipe[1]);
  status_pipe[1] = -1;
  if (pid < 0) {
    close_all();
    throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  }
  ChildFailure failure{};
  ssize_t got;
  do {
    got = ::read(status_pipe[0], &failure, sizeof failure);
  } while (got < 0 && errno == EINTR);
  close_all();
  if (got == static_cast<ssize_t>(sizeof failure)) {
    ::waitpid(pid, nullptr, 0);
    throw std::runtime_error("cannot " + std::string(kFailedSteps[failure.step]) + " for " + program +
                             ": " + std::strerror(failure.error));
  }
  return Subprocess(pid);
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exit_code_(other.exit_code_) {}

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    Subprocess doomed(std::move(*this));
    pid_ = std::exchange(other.pid_, -1);
    exit_code_ = other.exit_code_;
  }
  return *this;
}

Subprocess::~Subprocess() {
  if (pid_ <= 0 || exit_code_) return;
  if (try_reap()) return;
  ::kill(-pid_, SIGKILL);  // the child's group: whatever a shell started goes too
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

void Subprocess::signal(int signo) const {
  if (pid_ > 0 && !exit_code_) ::kill(pid_, signo);
}

bool Subprocess::running() { return pid_ > 0 && !try_reap(); }

std::optional<int> Subprocess::wait_for_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return exit_code_;
  if (!poll_until([this] { return try_reap(); }, timeout, std::chrono::milliseconds(10))) return std::nullopt;
  return exit_code_;
}

pid_t Subprocess::release() { return std::exchange(pid_, -1); }

bool Subprocess::try_reap() {
  if (exit_code_) return true;
  int status = 0;
  const pid_t got = ::waitpid(pid_, &status, WNOHANG);
  if (got == 0) return false;
  if (got < 0) {
    exit_code_ = -1;  // someone else reaped it; the code is lost
  } else if (WIFEXITED(status)) {
    exit_code_ = WEXITSTATUS(status);
  } else {
    exit_code_ = 128 + WTERMSIG(status);
  }
  return true;
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const SpawnOptions& options) {
  std::string capture = "/tmp/pgvigil-command-XXXXXX";
  const int fd = ::mkstemp(capture.data());
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  ::close(fd);
  SpawnOptions with_capture = options;
  with_capture.output_file = capture;
  try {
    auto child = Subprocess::spawn_with(argv, with_capture);
    const auto code = child.wait_for_exit(timeout);
    CommandResult result{code.value_or(-1), read_file(capture)};
    ::unlink(capture.c_str());
    if (!code) {
      throw std::runtime_error(argv[0] + " still running after " + std::to_string(timeout.count()) +
                               " ms; output: " + result.output);
    }
    return result;
  } catch (...) {
    ::unlink(capture.c_str());
    throw;
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace pgvigil::testing
