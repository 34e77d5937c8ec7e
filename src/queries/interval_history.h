// The recent intervals, as GET /queries serves them, and the running statement counters, frozen:
// what GET /queries and /metrics read from a health snapshot. Built by the IntervalJournal after
// each recorded interval and never modified after, so any thread may read it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "queries/packed_interval.h"
#include "util/clock.h"

namespace pgvigil::queries {

// Sums of every interval's deltas since the daemon started. Deltas are never negative, so these
// only grow: pg_stat_statements resets and evictions do not break the counters' monotonicity.
struct StatementCounterTotals {
  std::uint64_t intervals = 0;
  std::uint64_t calls = 0;
  double exec_seconds = 0;
  std::uint64_t rows = 0;
  std::uint64_t shared_blks_hit = 0;
  std::uint64_t shared_blks_read = 0;
  std::uint64_t temp_blks_written = 0;
  std::uint64_t wal_bytes = 0;
  std::uint64_t slow = 0;     // slow statements, one per statement and interval
  std::uint64_t resets = 0;   // intervals in which a reset was detected
  std::uint64_t evicted = 0;  // entries pg_stat_statements threw away (dealloc)
};

// The most queries.metrics_top_n can be, and so the most statements an interval keeps for /metrics.
inline constexpr int kMaxMetricsTopN = 20;

// One of the heaviest statements of an interval, as pgvigil_statement_top_exec_seconds shows it.
struct TopStatement {
  std::int64_t queryid = 0;
  double exec_seconds = 0;
};

// An interval as the history keeps it: what GET /queries answers, packed when recorded with its
// query texts shared with other intervals, and the little /metrics reads. The report's full
// detail goes to the slow-query log, not here.
struct RecordedInterval {
  std::string member{};
  WallTime recorded_at{};
  PackedInterval packed{};
  // The report's leading statements marked top, heaviest first: at most the cluster's
  // queries.metrics_top_n when recorded, so none while that is 0.
  std::vector<TopStatement> top{};
};

struct ClusterStatementHistory {
  // Newest first, within queries.history and daemon.statement_history_max_bytes.
  std::vector<std::shared_ptr<const RecordedInterval>> intervals;
  std::map<std::string, StatementCounterTotals, std::less<>> totals;  // by member
  int metrics_top_n = 0;  // queries.metrics_top_n of the cluster

  // The member's newest interval in the history; null when it has none.
  const RecordedInterval* latest(std::string_view member) const;
};

// What the whole history takes, daemon-wide.
struct HistoryUsage {
  std::size_t bytes = 0;      // accounted heap of the intervals and their shared texts
  std::size_t max_bytes = 0;  // daemon.statement_history_max_bytes
  std::uint64_t evicted = 0;  // intervals dropped to stay within max_bytes, since the start
};

struct IntervalHistory {
  // Each cluster's part is shared with the views before and after it until that cluster records
  // or loses an interval: a new view costs the clusters that changed, not the whole fleet.
  std::map<std::string, std::shared_ptr<const ClusterStatementHistory>, std::less<>> clusters;
  HistoryUsage usage;

  const ClusterStatementHistory* cluster(std::string_view name) const;
};

}  // namespace pgvigil::queries
