#include "queries/blocking_tree.h"

#include <array>

#include "queries/activity_reader.h"
#include "queries/query_text.h"

namespace pgvigil::queries {

// UNION, not UNION ALL: in one lock queue every waiter is blocked by each waiter ahead of it too,
// so the paths multiply with depth while the (pid, depth) pairs stay few. A deadlock cycle ends
// at the depth bound. The root is listed even when it has ended (its details then NULL).
const std::string_view kBlockingTreeSql =
    "WITH RECURSIVE waiting AS ("
    " SELECT pid, pg_catalog.pg_blocking_pids(pid) AS blockers"
    " FROM pg_catalog.pg_stat_activity WHERE wait_event_type = 'Lock'),"
    " tree (pid, depth) AS ("
    " SELECT $1::int, 0"
    " UNION"
    " SELECT w.pid, t.depth + 1 FROM tree AS t JOIN waiting AS w ON t.pid = ANY (w.blockers)"
    " WHERE t.depth < $4::int),"
    " nodes AS (SELECT pid, min(depth) AS depth FROM tree GROUP BY pid) "
    "SELECT n.pid, n.depth, a.usename, a.datname, a.application_name, a.backend_type, a.state,"
    " a.wait_event_type, a.wait_event,"
    " extract(epoch FROM now() - a.query_start)::float8 AS query_seconds,"
    " left(a.query, $2::int) AS query, length(a.query) > $2::int AS query_cut,"
    " array_to_string(CASE WHEN n.depth = 0 THEN pg_catalog.pg_blocking_pids(n.pid) ELSE w.blockers END, ',')"
    " AS blocked_by "
    "FROM nodes AS n"
    " LEFT JOIN pg_catalog.pg_stat_activity AS a ON a.pid = n.pid"
    " LEFT JOIN waiting AS w ON w.pid = n.pid "
    "ORDER BY n.depth, n.pid LIMIT $3::int";

namespace {

std::string text_or_empty(const db::Result& rows, int row, std::string_view column) {
  return rows.get(row, column).value_or("");
}

BlockingNode read_node(const db::Result& rows, int row, std::size_t max_query_length) {
  BlockingNode node;
  node.pid = static_cast<BackendPid>(rows.get_int(row, "pid").value_or(0));
  node.depth = static_cast<int>(rows.get_int(row, "depth").value_or(0));
  node.user = text_or_empty(rows, row, "usename");
  node.database = text_or_empty(rows, row, "datname");
  node.application = text_or_empty(rows, row, "application_name");
  node.backend_type = text_or_empty(rows, row, "backend_type");
  node.state = text_or_empty(rows, row, "state");
  node.wait_event_type = text_or_empty(rows, row, "wait_event_type");
  node.wait_event = text_or_empty(rows, row, "wait_event");
  node.query_seconds = rows.get_double(row, "query_seconds");
  // left() counts characters, the audit's limit is bytes.
  const std::string query = text_or_empty(rows, row, "query");
  const std::string_view kept = truncate_utf8(query, max_query_length);
  node.query = std::string(kept);
  node.query_truncated = rows.get_bool(row, "query_cut").value_or(false) || kept.size() < query.size();
  node.blocked_by = parse_pid_list(text_or_empty(rows, row, "blocked_by")).value_or(std::vector<BackendPid>{});
  return node;
}

}  // namespace

std::expected<BlockingTree, db::Error> capture_blocking_tree(db::Connection& session, BackendPid pid,
                                                             std::size_t max_query_length, db::Millis timeout) {
  // One row more than kept tells whether the tree was cut.
  const std::array<db::Param, 4> params{std::to_string(pid), std::to_string(max_query_length),
                                        std::to_string(kMaxBlockingSessions + 1), std::to_string(kMaxBlockingDepth)};
  auto rows = session.query(kBlockingTreeSql, params, timeout);
  if (!rows) return std::unexpected(rows.error());
  BlockingTree tree;
  for (int r = 0; r < rows->rows(); ++r) {
    if (tree.sessions.size() == kMaxBlockingSessions) {
      tree.truncated = true;
      break;
    }
    tree.sessions.push_back(read_node(*rows, r, max_query_length));
  }
  return tree;
}

}  // namespace pgvigil::queries
