// A client session of the canceller tests: connects as a given role with a given
// application_name, starts a statement without waiting, and later reads how that statement
// ended (finished, cancelled, or the session terminated), with a bound on every wait.
#pragma once

#include <poll.h>

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

class ClientSession {
 public:
  ClientSession(int port, const std::string& user, const std::string& application_name) {
    const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(port) + " dbname=postgres user=" + user +
                                 " connect_timeout=5 application_name=" + application_name;
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string message = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      throw std::runtime_error("cannot connect as " + user + ": " + message);
    }
  }
  ~ClientSession() {
    if (conn_ != nullptr) PQfinish(conn_);
  }
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;
  ClientSession(ClientSession&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}

  int pid() const { return PQbackendPID(conn_); }

  // Runs statements to completion; throws with the server's message on failure.
  void exec(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    const auto status = PQresultStatus(result);
    const std::string message = PQresultErrorMessage(result);
    PQclear(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(sql + ": " + message);
  }

  void send(const std::string& sql) {
    if (PQsendQuery(conn_, sql.c_str()) != 1) throw std::runtime_error(sql + ": " + PQerrorMessage(conn_));
  }

  // How the statement sent last ended; nullopt if it is still running after `limit`.
  std::optional<StatementEnd> wait_end(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (true) {
      if (PQconsumeInput(conn_) == 0) return StatementEnd{"", PQerrorMessage(conn_), true};
      if (PQisBusy(conn_) == 0) return collect();
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd fd{PQsocket(conn_), POLLIN, 0};
      ::poll(&fd, 1, static_cast<int>(std::min<long long>(left.count(), 50)));
    }
  }

 private:
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
};

}  // namespace pgvigil::acceptance
