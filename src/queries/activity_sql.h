// The activity poll of the cancel policy: one statement per member per queries.activity_interval,
// read into an ActivityPoll (session_activity.h) and the session checks' readings. Correct for
// PostgreSQL 13 to 17 (pg_stat_progress_analyze appeared in 13, _cluster and _create_index in 12).
//
// pg_stat_activity is scanned once (a MATERIALIZED common table expression, `activity`) and that
// one scan serves two readers: the canceller, with one row per session other than the polling
// connection itself (pg_backend_pid()) and other than plain `idle` ones (an idle session is past
// no limit, and leaving out a large pool of idle connections keeps the rows few); and the member's
// health cycle, with one more row, the summary, carrying the session checks' readings over every
// client session, idle ones included (health/checks/check.h build_session_summary_sql), so that
// the cycle need not scan pg_stat_activity again (queries/session_board.h). Columns, all plain
// text in text format:
//   server_now_us     now() in microseconds since the Unix epoch; the same on every row. Ages
//                     are measured against it, not the local clock.
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
//   sessions          NULL on a session's row; on the summary row, the only one where it is not
//                     NULL and every column but server_now_us is, the session checks' json
//                     object (health::read_session_summary)
//
// Other users' sessions show state, query and timestamps only to a role with
// pg_read_all_stats (otherwise NULL and "<insufficient privilege>", which no limit matches);
// signalling them needs pg_signal_backend, which never reaches a superuser's backend.
#pragma once

#include <string_view>

namespace pgvigil::queries {

// The statement, built once (from the health checks' SQL) on first use. Thread-safe.
std::string_view activity_sql();

}  // namespace pgvigil::queries
