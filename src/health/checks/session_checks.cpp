#include "health/checks/session_checks.h"

#include <fmt/format.h>

#include "health/checks/json_read.h"

namespace pgvigil::health {

// Client sessions other than this daemon's own (walsenders, autovacuum and other background
// processes have other backend types). Read once per statement, whichever session checks use
// it: each scan of pg_stat_activity copies every backend's status and joins two catalogs.
#define PGVIGIL_CLIENT_SESSIONS_HEAD                                                                    \
  "client_sessions AS MATERIALIZED (SELECT pid, usename, application_name, state, query_start, xact_start, " \
  "state_change FROM "
#define PGVIGIL_CLIENT_SESSIONS_TAIL \
  " WHERE backend_type = 'client backend' AND NOT (application_name = 'pgvigil' AND usename = current_user))"

const std::string_view kClientSessionsCte =
    PGVIGIL_CLIENT_SESSIONS_HEAD "pg_catalog.pg_stat_activity" PGVIGIL_CLIENT_SESSIONS_TAIL;

std::string client_sessions_cte(std::string_view relation) {
  return fmt::format("{}{}{}", PGVIGIL_CLIENT_SESSIONS_HEAD, relation, PGVIGIL_CLIENT_SESSIONS_TAIL);
}

#undef PGVIGIL_CLIENT_SESSIONS_HEAD
#undef PGVIGIL_CLIENT_SESSIONS_TAIL

const std::string_view kConnectionsSql = "(SELECT json_build_object("
    "'max', current_setting('max_connections')::int, "
    "'reserved', current_setting('superuser_reserved_connections')::int, "
    "'used', count(*), "
    "'states', (SELECT json_object_agg(s, n) FROM (SELECT coalesce(state, 'unknown') AS s, count(*) AS n "
    "FROM client_sessions GROUP BY 1) AS by_state)) "
    "FROM client_sessions)";

#define PGVIGIL_LONGEST(since, condition)                                                              \
  "(SELECT json_build_object('s', greatest(0, extract(epoch FROM now() - " since ")), 'pid', pid, "    \
  "'user', usename, 'app', application_name) FROM client_sessions WHERE " condition " ORDER BY " since \
  " LIMIT 1)"

const std::string_view kLongRunningSql =
    "json_build_object('query', " PGVIGIL_LONGEST("query_start", "state = 'active'") ", 'xact', " PGVIGIL_LONGEST(
        "xact_start", "xact_start IS NOT NULL AND state = 'active'") ")";

const std::string_view kIdleInTransactionSql =
    PGVIGIL_LONGEST("state_change", "state IN ('idle in transaction', 'idle in transaction (aborted)')");

const std::string_view kPreparedXactsSql =
    "(SELECT json_build_object('s', extract(epoch FROM now() - min(prepared)), 'n', count(*)) "
    "FROM pg_catalog.pg_prepared_xacts)";

#undef PGVIGIL_LONGEST

namespace {

std::optional<LongestSession> longest(const nlohmann::json& j) {
  auto seconds = number_at(j, "s");
  if (!seconds) return std::nullopt;
  return LongestSession{*seconds, static_cast<int>(number_at(j, "pid").value_or(0)), string_at(j, "user"),
                        string_at(j, "app")};
}

void judge_session(Evaluation& out, std::string_view check, const std::optional<LongestSession>& s,
                   const config::CheckConfig& c, const char* what, const char* recommendation) {
  if (!s) return;
  judge_into(out, check, s->seconds, c.warning, c.critical, format_seconds,
             fmt::format("{} (pid {}, user {}, application '{}')", what, s->pid, s->user, s->application),
             recommendation);
}

}  // namespace

void parse_connections(const nlohmann::json& j, Observations& out) {
  ConnectionsView v;
  v.max = static_cast<int>(number_at(j, "max").value_or(0));
  v.reserved = static_cast<int>(number_at(j, "reserved").value_or(0));
  v.used = static_cast<int>(number_at(j, "used").value_or(0));
  if (auto states = j.find("states"); states != j.end() && states->is_object()) {
    for (const auto& [state, n] : states->items()) v.by_state[state] = n.is_number() ? n.get<int>() : 0;
  }
  out.connections = std::move(v);
}

void parse_long_running(const nlohmann::json& j, Observations& out) {
  if (j.is_object()) {
    out.longest_query = longest(j.value("query", nlohmann::json()));
    out.longest_transaction = longest(j.value("xact", nlohmann::json()));
  }
}

void parse_idle_in_transaction(const nlohmann::json& j, Observations& out) { out.longest_idle_in_transaction = longest(j); }

void parse_prepared_xacts(const nlohmann::json& j, Observations& out) {
  out.oldest_prepared_seconds = number_at(j, "s");
  out.prepared_count = static_cast<int>(number_at(j, "n").value_or(0));
}

SessionObservations session_part(const Observations& obs) {
  SessionObservations s;
  s.connections = obs.connections;
  s.longest_query = obs.longest_query;
  s.longest_transaction = obs.longest_transaction;
  s.longest_idle_in_transaction = obs.longest_idle_in_transaction;
  return s;
}

void adopt_connections(const SessionObservations& from, Observations& out) { out.connections = from.connections; }

void adopt_long_running(const SessionObservations& from, Observations& out) {
  out.longest_query = from.longest_query;
  out.longest_transaction = from.longest_transaction;
}

void adopt_idle_in_transaction(const SessionObservations& from, Observations& out) {
  out.longest_idle_in_transaction = from.longest_idle_in_transaction;
}

void evaluate_connections(const Observations& obs, const CheckContext& ctx, Evaluation& out) {
  if (!obs.connections) return;
  // Non-superusers are refused once max_connections - superuser_reserved_connections are used.
  const int usable = obs.connections->max - obs.connections->reserved;
  if (usable <= 0) return;
  const double ratio = static_cast<double>(obs.connections->used) / usable;
  judge_into(out, "connections", ratio, ctx.config.warning, ctx.config.critical, format_ratio,
             fmt::format("connection use ({} of {} usable)", obs.connections->used, usable),
             "find idle or leaked client sessions, or put a pooler such as pgbouncer in front");
}

void evaluate_long_running(const Observations& obs, const CheckContext& ctx, Evaluation& out) {
  judge_session(out, "long_running", obs.longest_query, ctx.config, "the longest running query",
                "look at the query in pg_stat_activity; cancel it with pg_cancel_backend(pid) if it is a runaway");
}

void evaluate_idle_in_transaction(const Observations& obs, const CheckContext& ctx, Evaluation& out) {
  judge_session(out, "idle_in_transaction", obs.longest_idle_in_transaction, ctx.config,
                "the longest idle-in-transaction session",
                "the application left a transaction open; set idle_in_transaction_session_timeout or fix the client");
}

void evaluate_prepared_xacts(const Observations& obs, const CheckContext& ctx, Evaluation& out) {
  if (!obs.oldest_prepared_seconds) return;
  judge_into(out, "prepared_xacts", *obs.oldest_prepared_seconds, ctx.config.warning, ctx.config.critical,
             format_seconds, "the oldest prepared transaction",
             "COMMIT PREPARED or ROLLBACK PREPARED it (pg_prepared_xacts lists the gid); it holds locks and xmin");
}

}  // namespace pgvigil::health
