// Incident context for an action: the lock-wait tree around the session acted on, read in one
// statement just before the signal (and in dry_run too), so the audit record shows what the
// session was holding up and what held it up.
//
// The tree is rooted at the session (depth 0, with what blocks it); depth 1 holds the sessions
// waiting for it, depth 2 those waiting for a depth-1 session, and so on, each with its own
// blockers (pg_blocking_pids), which may include sessions outside the tree. Bounded: at most
// kMaxBlockingDepth levels below the root and kMaxBlockingSessions sessions; the query texts are
// cut to the audit's max_query_length.
//
// Cost: pg_blocking_pids() for every session waiting on a Lock, once per action only, never in
// the regular poll.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/connection.h"
#include "queries/session_activity.h"

namespace pgvigil::queries {

inline constexpr int kMaxBlockingDepth = 4;
inline constexpr std::size_t kMaxBlockingSessions = 50;

struct BlockingNode {
  BackendPid pid = 0;
  int depth = 0;  // 0: the session acted on; n: waits for a session at depth n - 1
  // Empty when the session ended between the poll and the capture.
  std::string user{};
  std::string database{};
  std::string application{};
  std::string backend_type{};
  std::string state{};
  std::string wait_event_type{};
  std::string wait_event{};
  std::optional<double> query_seconds{};  // age of its current (or last) query
  std::string query{};                  // at most max_query_length bytes
  bool query_truncated = false;
  std::vector<BackendPid> blocked_by{};  // 0: a prepared transaction
};

struct BlockingTree {
  std::vector<BlockingNode> sessions{};  // by depth, then pid
  bool truncated = false;              // more sessions than kMaxBlockingSessions
};

// Parameters: $1 the pid, $2 max_query_length (characters), $3 rows to return, $4 the depth bound.
extern const std::string_view kBlockingTreeSql;

// Runs kBlockingTreeSql for `pid` on `session`.
std::expected<BlockingTree, db::Error> capture_blocking_tree(db::Connection& session, BackendPid pid,
                                                             std::size_t max_query_length, db::Millis timeout);

}  // namespace pgvigil::queries
