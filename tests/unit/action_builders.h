// Audit records built by hand for the journal, JSON and /actions tests: a cancel decision about a
// runaway client session, and variations of it.
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include "queries/action_record.h"
#include "session_builders.h"

namespace pgvigil::queries {

inline CancelDecision decision_for(BackendPid pid, CancelAction action = CancelAction::cancel,
                                   CancelReason reason = CancelReason::max_query_duration,
                                   config::CancelMode mode = config::CancelMode::enforce) {
  CancelDecision d;
  d.action = action;
  d.reason = reason;
  d.intended = action == CancelAction::skip ? CancelAction::cancel : action;
  d.limit = action == CancelAction::skip ? CancelReason::max_query_duration : reason;
  d.mode = mode;
  d.key = SessionKey{.pid = pid, .backend_start = kBackendStart, .query_start = kNow - std::chrono::minutes(6)};
  d.session = SessionAudit{.pid = pid,
                           .backend_start = kBackendStart,
                           .query_start = kNow - std::chrono::minutes(6),
                           .user = "app",
                           .database = "shop",
                           .application = "web",
                           .client_addr = "10.0.0.5",
                           .state = "active",
                           .duration_seconds = 360.0004,
                           .query = "SELECT pg_sleep(600)",
                           .query_truncated = false,
                           .blocks = {},
                           .blocked_by = {}};
  return d;
}

inline ActionRecord record_for(BackendPid pid, CancelAction action = CancelAction::cancel,
                               CancelReason reason = CancelReason::max_query_duration,
                               config::CancelMode mode = config::CancelMode::enforce, std::string cluster = "main") {
  ActionRecord r;
  r.cluster = std::move(cluster);
  r.member = "db1";
  r.decision = decision_for(pid, action, reason, mode);
  return r;
}

}  // namespace pgvigil::queries
