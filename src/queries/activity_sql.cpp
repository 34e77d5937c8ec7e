#include "queries/activity_sql.h"

#include <fmt/format.h>

#include <string>

#include "health/checks/check.h"
#include "queries/activity_reader.h"

namespace pgvigil::queries {
namespace {

constexpr std::string_view kServerNowUs = "round(extract(epoch FROM now()) * 1000000)::bigint";

// The summary row's NULL for each session column: every column the reader knows, in the order
// above, but server_now_us (first) and sessions (last).
std::string session_nulls() {
  std::string nulls;
  for (const auto column : kActivityColumns) {
    if (column != "server_now_us" && column != "sessions") nulls += "NULL, ";
  }
  return nulls;
}

std::string build() {
  const auto summary = health::build_session_summary_sql("activity");
  return fmt::format(
      // The one scan. Idle sessions' query texts stay behind: no row of the poll shows them, and
      // they would be most of what is copied on a server with a large idle pool.
      "WITH activity AS MATERIALIZED ("
      "SELECT pid, usesysid, backend_start, xact_start, query_start, state_change, state, backend_type,"
      " wait_event_type, usename, datname, application_name, client_addr,"
      " CASE WHEN state IS DISTINCT FROM 'idle' THEN query END AS query"
      " FROM pg_catalog.pg_stat_activity), "
      "maintenance AS ("
      "SELECT pid FROM pg_catalog.pg_stat_progress_vacuum"
      " UNION ALL SELECT pid FROM pg_catalog.pg_stat_progress_create_index"
      " UNION ALL SELECT pid FROM pg_catalog.pg_stat_progress_cluster"
      " UNION ALL SELECT pid FROM pg_catalog.pg_stat_progress_analyze), "
      "{cte} "
      "SELECT {now} AS server_now_us,"
      " a.pid,"
      " round(extract(epoch FROM a.backend_start) * 1000000)::bigint AS backend_start_us,"
      " round(extract(epoch FROM a.xact_start) * 1000000)::bigint AS xact_start_us,"
      " round(extract(epoch FROM a.query_start) * 1000000)::bigint AS query_start_us,"
      " round(extract(epoch FROM a.state_change) * 1000000)::bigint AS state_change_us,"
      " a.state, a.backend_type, a.wait_event_type, a.usename, a.datname, a.application_name,"
      " host(a.client_addr) AS client_addr,"
      " coalesce(r.rolsuper, false) AS rolsuper,"
      " a.query,"
      " CASE WHEN a.wait_event_type = 'Lock'"
      " THEN array_to_string(pg_catalog.pg_blocking_pids(a.pid), ',') END AS blocked_by,"
      " a.pid IN (SELECT pid FROM maintenance) AS in_maintenance,"
      " NULL::json AS sessions "
      "FROM activity AS a "
      "LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = a.usesysid "
      "WHERE a.pid <> pg_catalog.pg_backend_pid() AND a.state IS DISTINCT FROM 'idle' "
      "UNION ALL "
      "SELECT {now}, {nulls}{json}",
      fmt::arg("cte", summary.cte), fmt::arg("now", kServerNowUs), fmt::arg("nulls", session_nulls()),
      fmt::arg("json", summary.json));
}

}  // namespace

std::string_view activity_sql() {
  static const std::string sql = build();
  return sql;
}

}  // namespace pgvigil::queries
