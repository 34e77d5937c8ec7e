// A libpq session an acceptance test keeps open: as a given role and application_name, it runs
// statements to completion, or starts one without waiting (an idle transaction, a lock waiter, a
// runaway) and later reads how it ended: finished, cancelled, or the session terminated. Every
// wait is bounded.
#pragma once

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include <postgresql/libpq-fe.h>

namespace pgvigil::acceptance {

// How a statement sent with send() ended.
struct StatementEnd {
  std::string sqlstate;  // "" when it succeeded
  std::string message;
  bool connection_lost = false;  // the server closed the session (a terminate)

  bool cancelled() const { return sqlstate == "57014"; }  // query_canceled
  bool terminated() const { return sqlstate == "57P01" || connection_lost; }  // admin_shutdown
};

class PgSession {
 public:
  // statement_timeout bounds what a failed test leaves behind; "0" for sessions whose runaway
  // statements only the canceller may end.
  PgSession(int port, const std::string& user, const std::string& application_name = "acceptance-test",
            const std::string& statement_timeout = "60s") {
    const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(port) + " dbname=postgres user=" + user +
                                 " connect_timeout=5 application_name=" + application_name +
                                 " options='-c statement_timeout=" + statement_timeout + "'";
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string message = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      throw std::runtime_error("cannot connect as " + user + ": " + message);
    }
  }
  ~PgSession() {
    if (conn_ == nullptr) return;
    if (in_flight_) {  // a statement still waiting (on a lock): cancel it so its backend goes too
      if (PGcancel* cancel = PQgetCancel(conn_)) {
        char error[256];
        PQcancel(cancel, error, sizeof error);
        PQfreeCancel(cancel);
      }
    }
    PQfinish(conn_);
  }
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;
  PgSession(PgSession&& other) noexcept
      : conn_(std::exchange(other.conn_, nullptr)), in_flight_(std::exchange(other.in_flight_, false)) {}

  int backend_pid() const { return PQbackendPID(conn_); }

  // Runs statements to completion; throws with the server's message on failure.
  void exec(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    const auto status = PQresultStatus(result);
    const std::string message = PQresultErrorMessage(result);
    PQclear(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(sql + ": " + message);
  }

  // Sends a statement without waiting for it (one that is expected to block).
  void send(const std::string& sql) {
    if (PQsendQuery(conn_, sql.c_str()) != 1) throw std::runtime_error(sql + ": " + PQerrorMessage(conn_));
    in_flight_ = true;
  }

  // How the statement sent last ended; nullopt if it is still running after `limit`.
  std::optional<StatementEnd> wait_end(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (true) {
      if (PQconsumeInput(conn_) == 0) return finished(StatementEnd{"", PQerrorMessage(conn_), true});
      if (PQisBusy(conn_) == 0) return finished(collect());
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd fd{PQsocket(conn_), POLLIN, 0};
      ::poll(&fd, 1, static_cast<int>(std::min<long long>(left.count(), 50)));
    }
  }

 private:
  StatementEnd finished(StatementEnd end) {
    in_flight_ = false;
    return end;
  }

  StatementEnd collect() {
    StatementEnd end;
    while (PGresult* result = PQgetResult(conn_)) {
      if (PQresultStatus(result) == PGRES_FATAL_ERROR) {
        const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
        end.sqlstate = state ? state : "";
        end.message = PQresultErrorMessage(result);
      }
      PQclear(result);
    }
    end.connection_lost = PQstatus(conn_) == CONNECTION_BAD;
    return end;
  }

  PGconn* conn_ = nullptr;
  bool in_flight_ = false;
};

}  // namespace pgvigil::acceptance
