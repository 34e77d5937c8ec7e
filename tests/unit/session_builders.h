// pg_stat_activity rows built by hand for the cancel policy tests: an ordinary client session of
// an application, running a query or idle in a transaction for a given time before kNow.
#pragma once

#include <chrono>
#include <set>
#include <utility>
#include <vector>

#include "config/config.h"
#include "queries/session_activity.h"

namespace pgvigil::queries {

inline const WallTime kNow = WallTime{} + std::chrono::hours(24 * 365 * 55);
inline const WallTime kBackendStart = kNow - std::chrono::hours(2);

inline SessionActivity active_for(BackendPid pid, std::chrono::milliseconds running) {
  SessionActivity s;
  s.pid = pid;
  s.backend_start = kBackendStart;
  s.xact_start = kNow - running;
  s.query_start = kNow - running;
  s.state_change = kNow - running;
  s.state = "active";
  s.backend_type = "client backend";
  s.usename = "app";
  s.datname = "shop";
  s.application_name = "web";
  s.client_addr = "10.0.0.5";
  s.query = "SELECT * FROM orders";
  return s;
}

inline SessionActivity idle_in_transaction_for(BackendPid pid, std::chrono::milliseconds idle, bool aborted = false) {
  SessionActivity s = active_for(pid, idle + std::chrono::seconds(1));
  s.state = aborted ? "idle in transaction (aborted)" : "idle in transaction";
  s.state_change = kNow - idle;
  s.query = "UPDATE orders SET paid = true WHERE id = 7";
  return s;
}

// A copy of `s` changed by `change`, so table rows read as "this session, but ...".
template <class Change>
SessionActivity with(SessionActivity s, Change change) {
  change(s);
  return s;
}

inline config::CancelConfig enforce_config() {
  config::CancelConfig c;
  c.mode = config::CancelMode::enforce;
  return c;
}

inline ActivityPoll poll_of(std::vector<SessionActivity> sessions, WallTime now = kNow) {
  ActivityPoll p;
  p.server_now = now;
  p.sessions = std::move(sessions);
  return p;
}

}  // namespace pgvigil::queries
