// Child processes for tests: spawn, signal, wait with a bound, and kill on scope exit.
// A Subprocess owns one child; it is move-only and not thread-safe (one owner at a time).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pgvigil::testing {

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// Who the child runs as. Switching needs root; PostgreSQL refuses to run as root, so tests
// that run as root start servers as the postgres account.
struct Credentials {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};

struct SpawnOptions {
  EnvVars extra_env;                       // added to (or replacing in) our environment
  std::string output_file;                 // stdout+stderr appended here; empty = inherited
  std::optional<Credentials> run_as;       // empty = our own user
  std::string working_dir;                 // empty = ours
  int parent_death_signal = 0;             // sent to the child if the spawning thread exits
};

class Subprocess {
 public:
  // The child gets its own process group (so a terminal's Ctrl-C reaches only its owner), stdin
  // from /dev/null, and none of our file descriptors beyond 0-2. argv[0] is looked up in PATH
  // when it has no slash. Throws std::runtime_error if the program cannot be executed.
  static Subprocess spawn(std::vector<std::string> argv, EnvVars extra_env = {},
                          std::string output_file = "");
  static Subprocess spawn_with(std::vector<std::string> argv, const SpawnOptions& options);

  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess();  // SIGKILLs and reaps the child if it is still running

  pid_t pid() const { return pid_; }
  void signal(int signo) const;  // no-op once the child has been reaped
  bool running();                // reaps the child if it has exited

  // The exit code, or 128 + signal number if a signal ended it; nullopt if it is still running
  // after `timeout`.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);

  // Gives up ownership: the child keeps running after this object is gone. Returns its PID.
  pid_t release();

 private:
  explicit Subprocess(pid_t pid) : pid_(pid) {}
  bool try_reap();

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

struct CommandResult {
  int exit_code = -1;  // as Subprocess::wait_for_exit
  std::string output;  // stdout and stderr interleaved
};

// Runs a command to completion, capturing its output. Throws std::runtime_error (with the
// output so far) if it runs longer than `timeout`; the command is killed first.
CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const SpawnOptions& options = {});

// The whole file; empty if it does not exist or cannot be read.
std::string read_file(const std::string& path);

}  // namespace pgvigil::testing
