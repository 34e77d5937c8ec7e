// The recent interval reports and the running statement counters, frozen: what GET /queries and
// /metrics read from a health snapshot. Built by the IntervalJournal after each recorded interval
// and never modified after, so any thread may read it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "queries/interval_report.h"

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

// A report and its JSON (report_json.h), rendered once when recorded: answers only join them.
struct RecordedInterval {
  IntervalReport report;
  std::string json;
};

struct ClusterStatementHistory {
  std::vector<std::shared_ptr<const RecordedInterval>> intervals;  // newest first, within queries.history
  std::map<std::string, StatementCounterTotals, std::less<>> totals;  // by member
  int metrics_top_n = 0;  // queries.metrics_top_n of the cluster

  // The member's newest interval in the history; null when it has none.
  const IntervalReport* latest(std::string_view member) const;
};

struct IntervalHistory {
  std::map<std::string, ClusterStatementHistory, std::less<>> clusters;

  const ClusterStatementHistory* cluster(std::string_view name) const;
};

}  // namespace pgvigil::queries
