#include "db/connection.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "db/cancel_sender.h"

namespace pgvigil::db {
namespace {

// What the server answers when a statement we prepared is gone: something ran DISCARD ALL or
// DEALLOCATE on the session (a pooler in front of the server, for instance).
constexpr std::string_view kNoSuchPreparedStatement = "26000";

std::string server_options(const ConnectSpec& spec, std::string_view user_options) {
  std::string options(user_options);
  auto add = [&](std::string_view setting, Millis value) {
    if (value.count() <= 0) return;
    if (!options.empty()) options += ' ';
    options += "-c ";
    options += setting;
    options += '=';
    options += std::to_string(value.count());
  };
  add("statement_timeout", spec.statement_timeout);
  add("lock_timeout", spec.lock_timeout);
  return options;
}

bool has_param(const ConnParams& params, std::string_view key) {
  return std::ranges::any_of(params, [&](const auto& kv) { return kv.first == key; });
}

std::string first_line_of_error(pg_conn* conn) {
  std::string message = conn ? PQerrorMessage(conn) : "out of memory";
  return message.empty() ? "unknown libpq error" : message;
}

}  // namespace

void PgConnDeleter::operator()(pg_conn* c) const { PQfinish(c); }

std::string ConnectSpec::describe() const { return db::describe(params); }

Connection::Connection(ConnHandle handle, std::string password, const Interrupter* interrupter)
    : conn_(std::move(handle)), password_(std::move(password)), interrupter_(interrupter),
      opened_at_(SteadyClock::now()) {
  // Replaces libpq's default receiver, which would print server notices to stderr.
  PQsetNoticeReceiver(
      conn_.get(),
      [](void* ended, const PGresult* notice) {
        const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
        if (severity != nullptr && (std::strcmp(severity, "FATAL") == 0 || std::strcmp(severity, "PANIC") == 0)) {
          *static_cast<bool*>(ended) = true;
        }
      },
      server_ended_session_.get());
}

WaitResult Connection::wait(WaitFor what, Deadline deadline) const {
  return wait_socket(socket(), what, deadline, interrupter_ ? interrupter_->fd() : -1);
}

std::expected<Connection, Error> Connection::open(const ConnectSpec& spec, Deadline deadline,
                                                  const Interrupter* interrupter) {
  std::vector<std::string> keys;
  std::vector<std::string> values;
  std::string user_options;
  for (const auto& [key, value] : spec.params) {
    if (key == "password" || key == "application_name") continue;
    if (key == "options") {
      user_options = value;
      continue;
    }
    keys.push_back(key);
    values.push_back(value);
  }
  auto set = [&](std::string key, std::string value) {
    keys.push_back(std::move(key));
    values.push_back(std::move(value));
  };
  set("application_name", spec.application_name);
  if (!spec.password.empty()) set("password", spec.password);
  const auto options = server_options(spec, user_options);
  if (!options.empty()) set("options", options);
  // libpq's own connect_timeout is whole seconds and at least 2; our deadline is the real bound.
  if (!has_param(spec.params, "connect_timeout")) {
    set("connect_timeout", std::to_string(std::max<long long>(2, (spec.connect_timeout.count() + 999) / 1000)));
  }
  // Keepalives notice a peer that vanished without closing (network partition, powered-off host).
  if (!has_param(spec.params, "keepalives_idle")) set("keepalives_idle", "10");
  if (!has_param(spec.params, "keepalives_interval")) set("keepalives_interval", "3");
  if (!has_param(spec.params, "keepalives_count")) set("keepalives_count", "3");

  std::vector<const char*> key_ptrs;
  std::vector<const char*> value_ptrs;
  for (size_t i = 0; i < keys.size(); ++i) {
    key_ptrs.push_back(keys[i].c_str());
    value_ptrs.push_back(values[i].c_str());
  }
  key_ptrs.push_back(nullptr);
  value_ptrs.push_back(nullptr);

  const auto redact = [&](std::string message) { return redact_secrets(std::move(message), {spec.password}); };

  ConnHandle conn{PQconnectStartParams(key_ptrs.data(), value_ptrs.data(), 0)};
  if (!conn || PQstatus(conn.get()) == CONNECTION_BAD) {
    return std::unexpected(make_connection_error(redact(first_line_of_error(conn.get()))));
  }
  PostgresPollingStatusType poll = PGRES_POLLING_WRITING;
  while (poll != PGRES_POLLING_OK) {
    if (poll == PGRES_POLLING_FAILED) {
      return std::unexpected(make_connection_error(redact(first_line_of_error(conn.get()))));
    }
    const auto what = poll == PGRES_POLLING_READING ? WaitFor::read : WaitFor::write;
    switch (wait_socket(PQsocket(conn.get()), what, deadline, interrupter ? interrupter->fd() : -1)) {
      case WaitResult::timed_out: return std::unexpected(make_timeout_error("connect"));
      case WaitResult::interrupted: return std::unexpected(make_connection_error("connect interrupted by shutdown"));
      case WaitResult::error:
        return std::unexpected(make_connection_error(redact(first_line_of_error(conn.get()))));
      case WaitResult::ready: break;
    }
    poll = PQconnectPoll(conn.get());
  }
  if (PQsetnonblocking(conn.get(), 1) != 0) {
    return std::unexpected(make_connection_error(redact(first_line_of_error(conn.get()))));
  }
  return Connection(std::move(conn), spec.password, interrupter);
}

bool Connection::in_transaction_block() const {
  if (!conn_) return false;
  const auto status = PQtransactionStatus(conn_.get());
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

bool Connection::is_open() const {
  return conn_ && PQstatus(conn_.get()) == CONNECTION_OK && !*server_ended_session_;
}

int Connection::socket() const { return conn_ ? PQsocket(conn_.get()) : -1; }
int Connection::backend_pid() const { return conn_ ? PQbackendPID(conn_.get()) : 0; }
int Connection::server_version() const { return conn_ ? PQserverVersion(conn_.get()) : 0; }

void Connection::close() {
  conn_.reset();
  prepared_.forget_all();
}

void Connection::abandon() {
  send_cancel_detached(conn_.get());
  conn_.reset();
}

Error Connection::fail(std::string_view fallback) {
  std::string message = conn_ ? PQerrorMessage(conn_.get()) : "";
  if (message.empty()) message = fallback;
  auto error = make_connection_error(redact_secrets(std::move(message), {password_}));
  if (!is_open()) conn_.reset();
  return error;
}

std::expected<Result, Error> Connection::query(std::string_view sql, std::span<const Param> params, Millis timeout) {
  if (!is_open()) return std::unexpected(make_connection_error("connection is closed"));
  const Deadline deadline = SteadyClock::now() + timeout;
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  const std::string statement(sql);
  if (PQsendQueryParams(conn_.get(), statement.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                        nullptr, nullptr, 0) == 0) {
    return std::unexpected(fail("could not send query"));
  }
  return await_result(deadline, "query");
}

std::expected<Result, Error> Connection::query_prepared(std::string_view sql, Millis timeout) {
  if (!is_open()) return std::unexpected(make_connection_error("connection is closed"));
  const Deadline deadline = SteadyClock::now() + timeout;
  auto result = run_prepared(sql, deadline);
  if (!result && result.error().sqlstate == kNoSuchPreparedStatement && is_open()) {
    prepared_.forget_all();
    result = run_prepared(sql, deadline);
  }
  return result;
}

std::expected<Result, Error> Connection::run_prepared(std::string_view sql, Deadline deadline) {
  auto name = prepared_.find(sql);
  if (!name) {
    name = prepared_.new_name();
    const std::string statement(sql);
    if (PQsendPrepare(conn_.get(), name->c_str(), statement.c_str(), 0, nullptr) == 0) {
      return std::unexpected(fail("could not send query"));
    }
    if (auto prepared = await_result(deadline, "prepare"); !prepared) return std::unexpected(prepared.error());
    prepared_.remember(sql, *name);
  }
  if (PQsendQueryPrepared(conn_.get(), name->c_str(), 0, nullptr, nullptr, nullptr, 0) == 0) {
    return std::unexpected(fail("could not send query"));
  }
  return await_result(deadline, "query");
}

std::expected<Result, Error> Connection::run_script(std::string_view sql, Millis timeout) {
  if (!is_open()) return std::unexpected(make_connection_error("connection is closed"));
  const Deadline deadline = SteadyClock::now() + timeout;
  const std::string script(sql);
  if (PQsendQuery(conn_.get(), script.c_str()) == 0) return std::unexpected(fail("could not send script"));
  return await_result(deadline, "script");
}

std::expected<Result, Error> Connection::await_result(Deadline deadline, std::string_view what) {
  for (;;) {  // push the whole query out; a full socket buffer is waited on, not spun on
    const int flushed = PQflush(conn_.get());
    if (flushed == 0) break;
    if (flushed < 0) return std::unexpected(fail("could not send query"));
    if (const auto waited = wait(WaitFor::read_or_write, deadline); waited != WaitResult::ready) {
      abandon();
      return std::unexpected(waited == WaitResult::interrupted ? make_connection_error("interrupted by shutdown")
                                                               : make_timeout_error(what));
    }
    if (PQconsumeInput(conn_.get()) == 0) return std::unexpected(fail("connection lost"));
  }
  std::optional<Result> last;
  std::optional<Error> first_error;
  for (;;) {
    while (PQisBusy(conn_.get()) != 0) {
      if (const auto waited = wait(WaitFor::read, deadline); waited != WaitResult::ready) {
        abandon();
        return std::unexpected(waited == WaitResult::interrupted ? make_connection_error("interrupted by shutdown")
                                                                 : make_timeout_error(what));
      }
      if (PQconsumeInput(conn_.get()) == 0) return std::unexpected(fail("connection lost"));
    }
    ResultHandle result{PQgetResult(conn_.get())};
    if (!result) break;
    const auto status = PQresultStatus(result.get());
    if (status == PGRES_FATAL_ERROR && !first_error) {
      const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
      const char* primary = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY);
      std::string message = primary ? primary : PQresultErrorMessage(result.get());
      first_error = classify(state ? state : "", redact_secrets(std::move(message), {password_}));
      if (first_error->kind == ErrorKind::connection) first_error->retryable = true;
      if (const char* position = PQresultErrorField(result.get(), PG_DIAG_STATEMENT_POSITION)) {
        first_error->statement_position = std::atoi(position);
      }
    } else if (status != PGRES_FATAL_ERROR) {
      last.emplace(std::move(result));
    }
  }
  if (!is_open()) {
    conn_.reset();
    if (!first_error) return std::unexpected(make_connection_error("connection lost"));
  }
  if (first_error) return std::unexpected(*first_error);
  if (!last) return std::unexpected(make_connection_error("no result"));
  return std::move(*last);
}

bool Connection::check_idle() {
  if (!is_open()) return false;
  const int fd = socket();
  while (wait_socket(fd, WaitFor::read, SteadyClock::now()) == WaitResult::ready) {
    if (PQconsumeInput(conn_.get()) == 0 || !is_open()) {
      conn_.reset();
      return false;
    }
    while (PGnotify* n = PQnotifies(conn_.get())) PQfreemem(n);
    if (PQisBusy(conn_.get()) == 0) {
      // A server-initiated error on an idle session (e.g. "terminating connection") comes as a
      // result nobody asked for: the session is over.
      ResultHandle stray{PQgetResult(conn_.get())};
      if (stray) {
        conn_.reset();
        return false;
      }
    }
    break;
  }
  return is_open();
}

}  // namespace pgvigil::db
