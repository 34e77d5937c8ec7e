// A throwaway PostgreSQL 15 cluster for tests and the demo: a primary and, optionally, one
// streaming replica, in a fresh directory under /tmp, on free ports of 127.0.0.1.
//
// Members are addressed by index: 0 is the primary, 1 the replica. Role `pgvigil` (LOGIN,
// pg_monitor, pg_signal_backend) must authenticate with scram-sha-256 over TCP using
// password() (also in password_file()); `postgres` (superuser) and `app` (LOGIN, for
// workloads) are trusted. pg_stat_statements is preloaded and created in `postgres`.
//
// The destructor stops every server by PID and removes the directory, even if a test failed
// halfway. detach()/attach() hand a running cluster from one process to another (the
// pgvigil-harness command line starts one in a process and stops it in another).
//
// Not thread-safe: drive a cluster from one thread (exec() alone may run on any thread).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "pg_server.h"
#include "ports.h"  // free_port() for tests that need a port nothing listens on
#include "sql_client.h"

namespace pgvigil::testing {

class PgCluster {
 public:
  using Duration = std::chrono::milliseconds;

  struct Options {
    bool with_replica = true;
    int max_connections = 50;
    std::string base_dir{};  // empty: a fresh /tmp/pgvigil-cluster.XXXXXX; else an existing empty directory
    std::vector<std::pair<std::string, std::string>> settings{};  // more postgresql.conf settings
    bool stop_with_caller = true;  // servers shut down if this process dies (off for detach())
    Duration timeout = std::chrono::seconds(30);  // for each start-up step
  };

  static constexpr int kPrimary = 0;
  static constexpr int kReplica = 1;

  // Starts the servers and returns once the replica (if any) is streaming from the primary.
  static PgCluster start(Options options);
  // Takes over a cluster that another process started and detached; throws if there is none.
  static PgCluster attach(const std::string& base_dir);
  // Writes the state file and gives up ownership: the servers keep running. Returns base_dir().
  // To outlive this process, the cluster must have been started with stop_with_caller = false.
  std::string detach();

  PgCluster(PgCluster&& other) noexcept;
  PgCluster& operator=(PgCluster&& other) noexcept;
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;
  ~PgCluster();

  int size() const { return static_cast<int>(servers_.size()); }
  std::string host() const { return "127.0.0.1"; }
  int port(int member) const { return server(member).port(); }
  const std::string& data_dir(int member) const { return server(member).paths().data_dir; }
  const std::string& log_file(int member) const { return server(member).paths().log_file; }
  const std::string& socket_dir() const { return server(kPrimary).paths().socket_dir; }
  pid_t postmaster_pid(int member) const { return server(member).postmaster_pid(); }
  std::vector<pid_t> server_processes(int member) const { return server(member).processes(); }
  const std::string& base_dir() const { return base_dir_; }
  const std::string& password() const { return password_; }
  const std::string& password_file() const { return password_file_; }

  // "host=127.0.0.1 port=N dbname=DB user=USER", over TCP and without the password.
  std::string conninfo(int member, const std::string& user = "postgres", const std::string& dbname = "postgres") const;

  // Runs SQL and returns the rows of the last statement; throws std::runtime_error with the
  // server's message on failure. Supplies the password, so user "pgvigil" works too.
  Rows exec(int member, const std::string& sql, const std::string& user = "postgres",
            Duration limit = std::chrono::seconds(30)) const;

  void stop(int member);     // fast shutdown, like pg_ctl stop -m fast
  void kill(int member);     // SIGKILL the postmaster; returns when it, its children and its port are gone
  void sigstop(int member);  // every process of the server: existing sessions hang too
  void sigcont(int member);
  void restart(int member);  // same data directory and port; waits until it accepts connections
  void promote(int member);  // pg_ctl promote -w
  void wait_ready(int member, Duration limit = std::chrono::seconds(30)) const;
  void wait_replica_streaming(Duration limit = std::chrono::seconds(30)) const;
  void pause_replay();   // on the replica; returns once replay is paused
  void resume_replay();

  // Stops everything and removes base_dir(); what the destructor does. Idempotent, never throws.
  void teardown() noexcept;

 private:
  PgCluster() = default;
  const PgServer& server(int member) const;
  PgServer& server(int member);
  void create_primary();
  void create_replica();

  Options options_;
  std::string base_dir_;
  std::string password_;
  std::string password_file_;
  std::vector<PgServer> servers_;
  bool owner_ = false;
};

}  // namespace pgvigil::testing
