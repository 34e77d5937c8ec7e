// One monitoring session with a PostgreSQL server, over libpq's asynchronous API so that no call
// waits without a bound: connect, every query and every wait for an answer have a deadline, and a
// missed deadline drops the connection instead of blocking (PQcancel can itself block forever on a
// stopped server, so a cancel is only ever sent from a detached helper thread).
//
// Move-only; owns its PGconn. Not thread-safe: one thread uses a Connection at a time (the pool
// hands out exclusive leases).
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "db/conninfo.h"
#include "db/error.h"
#include "db/interrupter.h"
#include "db/prepared_statements.h"
#include "db/result.h"
#include "db/socket_wait.h"

struct pg_conn;  // libpq's PGconn

namespace pgvigil::db {

using SteadyClock = std::chrono::steady_clock;
using Deadline = SteadyClock::time_point;
using Millis = std::chrono::milliseconds;

// Everything needed to open a session. The password is kept apart from the params so that no
// printable form of the spec can carry it.
struct ConnectSpec {
  ConnParams params;            // libpq keywords, no password, no application_name
  std::string password;         // empty = libpq's own sources (.pgpass, PGPASSWORD)
  Millis connect_timeout{3000};
  Millis statement_timeout{2000};  // server-side limits for every statement of the session; 0 = unset
  Millis lock_timeout{1000};
  std::string application_name = "pgvigil";

  std::string describe() const;  // for logs: the params, never the password
};

struct PgConnDeleter {
  void operator()(pg_conn* c) const;
};
using ConnHandle = std::unique_ptr<pg_conn, PgConnDeleter>;

using Param = std::optional<std::string>;  // nullopt = SQL NULL

class Connection {
 public:
  // `interrupter`, if given, must outlive the connection; firing it ends any wait at once.
  static std::expected<Connection, Error> open(const ConnectSpec& spec, Deadline deadline,
                                               const Interrupter* interrupter = nullptr);

  // Runs one parameterised statement (extended protocol). On a missed deadline the connection is
  // dropped (is_open() turns false) and a timeout error returned.
  std::expected<Result, Error> query(std::string_view sql, std::span<const Param> params, Millis timeout);
  std::expected<Result, Error> query(std::string_view sql, Millis timeout) { return query(sql, {}, timeout); }

  // Runs a statement without parameters that the session runs again and again: it is prepared on
  // its first run in this session (one more round trip) and executed by name from then on, so the
  // server parses and plans it once per session instead of every time. Without parameters the
  // server keeps that one generic plan. The timeout bounds the prepare and the run together.
  std::expected<Result, Error> query_prepared(std::string_view sql, Millis timeout);

  // Runs a multi-statement script with the simple-query protocol; returns the last result.
  // Only for migration files run as written: everything built from values uses query().
  // A server error carries the position in `sql` where it was found (Error::statement_position).
  std::expected<Result, Error> run_script(std::string_view sql, Millis timeout);

  // Whether the session is inside a transaction block (BEGIN ran, no COMMIT or ROLLBACK yet),
  // so that a script that ended the transaction itself can be told from one that did not.
  bool in_transaction_block() const;

  // Whether the session is still usable: false after a connection failure or missed deadline.
  bool is_open() const;

  // Non-blocking check of an idle session: reads whatever the server sent (a termination notice,
  // EOF when the server went away) and returns false when the session is gone.
  bool check_idle();

  int socket() const;  // -1 when closed
  int backend_pid() const;
  int server_version() const;  // e.g. 150004
  SteadyClock::time_point opened_at() const { return opened_at_; }

  void close();

 private:
  Connection(ConnHandle handle, std::string password, const Interrupter* interrupter);
  WaitResult wait(WaitFor what, Deadline deadline) const;
  std::expected<Result, Error> await_result(Deadline deadline, std::string_view what);
  std::expected<Result, Error> run_prepared(std::string_view sql, Deadline deadline);
  Error fail(std::string_view fallback);
  void abandon();

  ConnHandle conn_;
  std::string password_;  // only to redact it from server messages
  const Interrupter* interrupter_ = nullptr;
  SteadyClock::time_point opened_at_;
  PreparedStatements prepared_;
  // Set by libpq's notice receiver when the server sends a FATAL on an idle session (e.g.
  // "terminating connection due to administrator command"): libpq hands such an error to the
  // notice receiver, not to PQgetResult, and the close that follows may not have arrived yet.
  // On the heap so that the pointer libpq holds survives moves of the Connection.
  std::unique_ptr<bool> server_ended_session_ = std::make_unique<bool>(false);
};

}  // namespace pgvigil::db
