#include "sql_client.h"

#include <libpq-fe.h>
#include <poll.h>

#include <memory>
#include <stdexcept>

namespace pgvigil::testing {
namespace {

using Clock = std::chrono::steady_clock;

struct ConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct ResultCloser {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnCloser>;
using ResultPtr = std::unique_ptr<PGresult, ResultCloser>;

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Waits for the socket to become ready in `events`, or throws at the deadline.
void wait_socket(PGconn* conn, short events, Clock::time_point deadline, const std::string& what) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) throw std::runtime_error(what + ": timed out");
  pollfd watched{PQsocket(conn), events, 0};
  if (::poll(&watched, 1, static_cast<int>(left.count())) == 0) {
    throw std::runtime_error(what + ": timed out");
  }
}

// PQconnectdb would block for as long as a stopped server keeps the handshake waiting.
ConnPtr connect(const std::string& conninfo, Clock::time_point deadline) {
  ConnPtr conn(PQconnectStart(conninfo.c_str()));
  if (!conn) throw std::runtime_error("connect: out of memory");
  for (auto state = PGRES_POLLING_WRITING;;) {
    if (PQstatus(conn.get()) == CONNECTION_BAD || state == PGRES_POLLING_FAILED) {
      throw std::runtime_error("connect: " + trimmed(PQerrorMessage(conn.get())));
    }
    if (state == PGRES_POLLING_OK) return conn;
    wait_socket(conn.get(), state == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline, "connect");
    state = PQconnectPoll(conn.get());
  }
}

Rows rows_of(const PGresult* result) {
  Rows rows;
  for (int row = 0; row < PQntuples(result); ++row) {
    auto& cells = rows.emplace_back();
    for (int column = 0; column < PQnfields(result); ++column) {
      if (PQgetisnull(result, row, column)) {
        cells.emplace_back(std::nullopt);
      } else {
        cells.emplace_back(PQgetvalue(result, row, column));
      }
    }
  }
  return rows;
}

}  // namespace

Rows run_sql(const std::string& conninfo, const std::string& sql, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  auto conn = connect(conninfo, deadline);
  if (!PQsendQuery(conn.get(), sql.c_str())) {
    throw std::runtime_error("query: " + trimmed(PQerrorMessage(conn.get())));
  }
  Rows rows;
  std::string failure;
  while (true) {
    while (PQisBusy(conn.get())) {
      wait_socket(conn.get(), POLLIN, deadline, "query");
      if (!PQconsumeInput(conn.get())) throw std::runtime_error("query: " + trimmed(PQerrorMessage(conn.get())));
    }
    ResultPtr result(PQgetResult(conn.get()));
    if (!result) break;
    const auto status = PQresultStatus(result.get());
    if (status == PGRES_TUPLES_OK) {
      rows = rows_of(result.get());
    } else if (status != PGRES_COMMAND_OK && failure.empty()) {
      failure = trimmed(PQresultErrorMessage(result.get()));
    }
  }
  if (!failure.empty()) throw std::runtime_error(failure);
  return rows;
}

bool accepts_connections(const std::string& conninfo) { return PQping(conninfo.c_str()) == PQPING_OK; }

}  // namespace pgvigil::testing
