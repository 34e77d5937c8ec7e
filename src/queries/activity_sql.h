// The activity poll of the cancel policy: one statement per member per queries.activity_interval,
// read into an ActivityPoll (session_activity.h). Correct for PostgreSQL 13 to 17
// (pg_stat_progress_analyze appeared in 13, _cluster and _create_index in 12).
//
// One row per session other than the polling connection itself (pg_backend_pid()) and other
// than plain `idle` ones: an idle session is past no limit, and leaving out a large pool of idle
// connections keeps the poll cheap. Columns, all plain text in text format:
//   server_now_us     now() in microseconds since the Unix epoch; the same on every row. Ages
//                     are measured against it, not the local clock. No row: nothing to judge.
//   pid
//   backend_start_us, xact_start_us, query_start_us, state_change_us
//                     microseconds since the Unix epoch, NULL when the server has none
//                     (integers, so equal timestamps compare equal from poll to poll)
//   state, backend_type, wait_event_type, usename, datname, application_name
//   client_addr       host(client_addr): no mask; NULL over a Unix socket and for
//                     background processes
//   rolsuper          t/f; f when the role is unknown (background processes have none)
//   query
//   blocked_by        pg_blocking_pids(pid) joined with commas ("" for none, 0 for a prepared
//                     transaction); NULL unless the session waits on a Lock: the function
//                     takes every lock manager partition lock, so it runs only for waiters
//   in_maintenance    t/f: the pid is in pg_stat_progress_vacuum, _create_index, _cluster or
//                     _analyze (ActivityPoll::maintenance_pids)
//
// Other users' sessions show state, query and timestamps only to a role with
// pg_read_all_stats (otherwise NULL and "<insufficient privilege>", which no limit matches);
// signalling them needs pg_signal_backend, which never reaches a superuser's backend.
#pragma once

#include <string_view>

namespace pgvigil::queries {

inline constexpr std::string_view kActivitySql =
    "WITH maintenance AS ("
    " SELECT pid FROM pg_catalog.pg_stat_progress_vacuum"
    " UNION ALL SELECT pid FROM pg_catalog.pg_stat_progress_create_index"
    " UNION ALL SELECT pid FROM pg_catalog.pg_stat_progress_cluster"
    " UNION ALL SELECT pid FROM pg_catalog.pg_stat_progress_analyze) "
    "SELECT round(extract(epoch FROM now()) * 1000000)::bigint AS server_now_us,"
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
    " a.pid IN (SELECT pid FROM maintenance) AS in_maintenance "
    "FROM pg_catalog.pg_stat_activity AS a "
    "LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = a.usesysid "
    "WHERE a.pid <> pg_catalog.pg_backend_pid() AND a.state IS DISTINCT FROM 'idle'";

}  // namespace pgvigil::queries
