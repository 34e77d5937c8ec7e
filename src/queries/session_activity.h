// One reading of pg_stat_activity on one member (see activity_sql.h), as plain values: the
// input of the cancel policy (cancel_policy.h). Built by the reader, judged, then dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "util/clock.h"

namespace pgvigil::queries {

using BackendPid = std::int32_t;  // PostgreSQL pids are int4

// One row of pg_stat_activity with what the policy needs beside it. Text columns that are NULL
// on the server (state of a background process, client_addr of a Unix socket) arrive empty.
struct SessionActivity {
  // Empty or 0: no backend to signal. pg_blocking_pids() reports a prepared transaction as
  // pid 0, and a prepared transaction outlives every backend, so it can only be resolved by a
  // person (COMMIT/ROLLBACK PREPARED), never by a signal.
  std::optional<BackendPid> pid;
  // With pid, names one backend for its whole life: the server reuses pids, so a pid seen
  // again with another backend_start is another session.
  WallTime backend_start{};
  std::optional<WallTime> xact_start;
  std::optional<WallTime> query_start;   // of the running query, or of the last one when idle
  std::optional<WallTime> state_change;  // when `state` last changed: the start of idleness
  std::string state;            // active | idle | idle in transaction | idle in transaction (aborted) | ...
  std::string backend_type;     // client backend | walsender | autovacuum worker | ...
  std::string wait_event_type;  // Lock while waiting for a heavyweight lock
  std::string usename;
  std::string datname;
  std::string application_name;
  std::string client_addr;
  bool rolsuper = false;  // the session's role is a superuser (pg_roles.rolsuper)
  std::string query;      // as the server keeps it (track_activity_query_size bytes at most)
  // pg_blocking_pids(pid): the sessions holding the lock it waits for. Filled only for
  // sessions waiting on a Lock (the function is costly); 0 stands for a prepared transaction.
  std::vector<BackendPid> blocked_by;
};

struct ActivityPoll {
  // The server's now() in the same statement. Every age is measured against it, never against
  // the local clock: the timestamps in the rows are the server's, and the two clocks may differ.
  WallTime server_now{};
  std::vector<SessionActivity> sessions;
  // This daemon's own backends on the member (every pooled connection), protected whatever
  // their application_name says.
  std::set<BackendPid> own_pids;
  // Backends listed in pg_stat_progress_vacuum / _create_index / _cluster / _analyze: doing
  // maintenance whatever their query text says.
  std::set<BackendPid> maintenance_pids;
};

}  // namespace pgvigil::queries
