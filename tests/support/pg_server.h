// One PostgreSQL server of a test cluster: a data directory, a port, a log file and, while it
// runs, a postmaster. Knows how to start, stop, kill, freeze and promote it, always with a
// bounded wait. Not thread-safe: one owner drives it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace pgvigil::testing {

// Where PostgreSQL's programs live (PGVIGIL_PG_BINDIR overrides the Debian default).
std::string pg_program(const std::string& name);

struct ServerPaths {
  std::string name;        // cluster_name, shown in every server process title
  std::string data_dir;
  std::string socket_dir;  // for the unix socket; the server listens on TCP 127.0.0.1 as well
  std::string log_file;
};

class PgServer {
 public:
  // A server that is not running (yet); `postmaster_pid` adopts one another process started.
  PgServer(ServerPaths paths, int port, pid_t postmaster_pid = 0);

  // Runs the postmaster and waits until it accepts connections. If another process holds the
  // port and `may_move` is set, moves to a free port and tries again; otherwise throws.
  // With `stop_with_parent` and when called on the main thread, the server shuts down if this
  // process dies (so a crashed test leaks no server).
  void start(std::chrono::milliseconds limit, bool may_move, bool stop_with_parent);
  void wait_ready(std::chrono::milliseconds limit) const;

  void stop_fast(std::chrono::milliseconds limit);  // what pg_ctl stop -m fast does
  // SIGKILL to the postmaster; returns once it and its children are gone and the port is free.
  void kill_postmaster(std::chrono::milliseconds limit);
  void freeze();  // SIGSTOP to every process of the server: it hangs, sockets stay open
  void thaw();    // SIGCONT to every process of the server
  void promote(std::chrono::milliseconds limit);

  // Teardown in two steps so a cluster can stop its servers in parallel. Never throw.
  void begin_shutdown();
  void finish_shutdown(std::chrono::milliseconds grace);

  bool running() const;
  pid_t postmaster_pid() const { return running() ? pid_ : 0; }
  int port() const { return port_; }
  const ServerPaths& paths() const { return paths_; }
  // Every live process of this server: the postmaster and its children.
  std::vector<pid_t> processes() const;
  std::string log_since(size_t offset) const;

 private:
  bool pid_file_says_ready() const;
  void adopt_pid_from_pid_file();
  std::string describe() const { return "server " + paths_.name + " (port " + std::to_string(port_) + ")"; }

  ServerPaths paths_;
  int port_;
  pid_t pid_;
};

}  // namespace pgvigil::testing
