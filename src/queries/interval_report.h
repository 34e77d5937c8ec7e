// What one member's pg_stat_statements did over one sampling interval, as people read it: the
// statements worth looking at (slow ones and the heaviest by total time) with names instead of
// oids, the interval's totals, what happened to the statistics themselves (a reset, evictions),
// and the recommendations drawn from it. Plain values; immutable once recorded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "queries/statement_diff.h"
#include "queries/statement_sample.h"
#include "util/clock.h"

namespace pgvigil::queries {

struct ReportedStatement {
  std::int64_t queryid = 0;
  std::string user{};      // role name; the oid in digits when the role is gone
  std::string database{};  // database name; likewise
  bool toplevel = true;
  bool slow = false;  // mean (or a new maximum) above slow_threshold during the interval
  bool top = false;   // among the top_n by total time
  EntryOrigin origin = EntryOrigin::continued;
  StatementCounters delta{};  // the interval's share only
  double mean_exec_time_ms = 0;
  std::optional<double> max_exec_time_ms{};  // only when the interval's maximum is known
  std::string query{};  // normalised text, cut to max_query_length; empty when not visible
};

// A suggestion and the figures that led to it. Names a statement (queryid, query) or a table.
struct Recommendation {
  std::string kind{};  // missing_index | work_mem | cache_hit | seq_scan
  std::optional<std::int64_t> queryid{};
  std::string query{};  // the statement's text when known
  std::string table{};  // schema.table, for seq_scan
  std::string message{};
  std::vector<std::pair<std::string, double>> evidence{};  // name → value, in the order written
};

// Sums over every statement with calls in the interval, not only the reported ones.
struct IntervalTotals {
  std::int64_t calls = 0;
  double exec_time_ms = 0;
  std::int64_t rows = 0;
  std::int64_t shared_blks_hit = 0;
  std::int64_t shared_blks_read = 0;
  std::int64_t temp_blks_written = 0;
  std::int64_t wal_bytes = 0;
};

struct IntervalReport {
  std::string cluster{};
  std::string member{};
  ServerTime start{};  // the server's clock at the two reads
  ServerTime end{};
  WallTime recorded_at{};  // our clock; the history is pruned by it
  bool reset_detected = false;
  std::int64_t evicted = 0;
  std::size_t created = 0;
  std::size_t restarted = 0;
  std::size_t gone = 0;
  std::size_t active = 0;  // statements with calls in the interval
  std::size_t slow = 0;    // of them, how many were slow (reported or not)
  std::size_t omitted = 0;  // slow ones left out by the per-interval cap
  std::int64_t hidden = 0;  // entries of other roles without a visible queryid (no privilege)
  IntervalTotals totals{};
  std::vector<ReportedStatement> statements{};  // heaviest first
  std::vector<Recommendation> recommendations{};
};

}  // namespace pgvigil::queries
