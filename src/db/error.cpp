#include "db/error.h"

#include "db/conninfo.h"

namespace pgvigil::db {
namespace {

std::string one_line(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  bool space = false;
  for (char c : message) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == ' ' && (space || out.empty())) continue;
    space = c == ' ';
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return redact_conninfo(out);
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Failures during connection setup reach us as text only: libpq gives no SQLSTATE for them.
bool looks_like_auth_failure(std::string_view message) {
  return contains(message, "authentication failed") || contains(message, "no pg_hba.conf entry") ||
         contains(message, "no password supplied") || contains(message, "password is required") ||
         (contains(message, "role \"") && contains(message, "does not exist"));
}

Error make(ErrorKind kind, std::string_view sqlstate, std::string_view message, bool retryable,
           std::string_view suggestion) {
  return Error{kind, std::string(sqlstate), one_line(message), retryable, std::string(suggestion)};
}

}  // namespace

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::connection: return "connection";
    case ErrorKind::authentication: return "authentication";
    case ErrorKind::query: return "query";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::permission: return "permission";
    case ErrorKind::schema: return "schema";
  }
  return "query";
}

std::string Error::to_string() const {
  std::string out(db::to_string(kind));
  out += ": ";
  out += message;
  if (!sqlstate.empty()) out += " (" + sqlstate + ")";
  return out;
}

Error classify(std::string_view sqlstate, std::string_view message) {
  if (sqlstate == "28P01" || sqlstate == "28000" || (sqlstate.empty() && looks_like_auth_failure(message))) {
    return make(ErrorKind::authentication, sqlstate, message, false,
                "check the user, the password (password_file or .pgpass) and pg_hba.conf");
  }
  if (sqlstate.empty() && contains(message, "database \"") && contains(message, "does not exist")) {
    return make(ErrorKind::schema, "3D000", message, false, "the database named in the conninfo does not exist");
  }
  if (sqlstate == "42501") {
    return make(ErrorKind::permission, sqlstate, message, false,
                "grant the monitoring role pg_monitor (and pg_signal_backend to cancel sessions)");
  }
  if (sqlstate == "57014" || sqlstate == "55P03") {
    return make(ErrorKind::timeout, sqlstate, message, true,
                "the server was slow or a lock was held; raise health.query_timeout if this persists");
  }
  if (sqlstate == "3D000") {
    return make(ErrorKind::schema, sqlstate, message, false, "the database named in the conninfo does not exist");
  }
  if (sqlstate == "42P01" || sqlstate == "42883" || sqlstate == "42703" || sqlstate == "55000" ||
      sqlstate == "58P01") {
    return make(ErrorKind::schema, sqlstate, message, false,
                "a required extension or object is missing; for pg_stat_statements add it to "
                "shared_preload_libraries, restart, then CREATE EXTENSION pg_stat_statements");
  }
  if (sqlstate.starts_with("08") || sqlstate.starts_with("57P") || sqlstate == "53300" || sqlstate.empty()) {
    const bool too_many = sqlstate == "53300" || contains(message, "too many clients") ||
                          contains(message, "remaining connection slots");
    return make(ErrorKind::connection, sqlstate, message, true,
                too_many ? "the server has no free connection slots; see max_connections"
                         : "check that the server is running and reachable at the configured host and port");
  }
  return make(ErrorKind::query, sqlstate, message, false, "the query failed; see the server message");
}

Error make_timeout_error(std::string_view what) {
  return make(ErrorKind::timeout, "", std::string(what) + " timed out", true,
              "the server did not answer in time; it may be overloaded, stopped or unreachable");
}

Error make_connection_error(std::string_view message) { return classify("", message); }

}  // namespace pgvigil::db
