// A database failure, classified so callers can decide whether to retry and what to tell a
// person. Messages are redacted: they never contain a password or a raw conninfo.
#pragma once

#include <string>
#include <string_view>

namespace pgvigil::db {

enum class ErrorKind { connection, authentication, query, timeout, permission, schema };

std::string_view to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::query;
  std::string sqlstate;    // five characters when the server sent one, else empty
  std::string message;     // one line, redacted
  bool retryable = false;  // a later attempt may succeed without anyone changing anything
  std::string suggestion;  // what a person can do about it
  // Where in the statement text the server found the error (PG_DIAG_STATEMENT_POSITION): a
  // 1-based count of characters, 0 when the server gave none. Lets a script's runner name the line.
  int statement_position = 0;
  // The daemon's own limit caused it (no free pooled session within acquire_timeout), not the
  // server or the network: never evidence about the member.
  bool monitor_side = false;

  std::string to_string() const;  // "authentication: password authentication failed (28P01)"
};

// Classifies a server error by SQLSTATE (and, for errors raised before a session exists, by the
// message libpq gives, which carries no SQLSTATE).
Error classify(std::string_view sqlstate, std::string_view message);

Error make_timeout_error(std::string_view what);
Error make_connection_error(std::string_view message);

}  // namespace pgvigil::db
