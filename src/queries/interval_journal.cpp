#include "queries/interval_journal.h"

#include <algorithm>

#include "queries/recorded_interval.h"
#include "queries/report_json.h"

namespace pgvigil::queries {
namespace {

std::uint64_t unsigned_count(std::int64_t value) { return value > 0 ? static_cast<std::uint64_t>(value) : 0; }

void add_interval(StatementCounterTotals& totals, const IntervalReport& report) {
  ++totals.intervals;
  totals.calls += unsigned_count(report.totals.calls);
  totals.exec_seconds += std::max(report.totals.exec_time_ms, 0.0) / 1000.0;
  totals.rows += unsigned_count(report.totals.rows);
  totals.shared_blks_hit += unsigned_count(report.totals.shared_blks_hit);
  totals.shared_blks_read += unsigned_count(report.totals.shared_blks_read);
  totals.temp_blks_written += unsigned_count(report.totals.temp_blks_written);
  totals.wal_bytes += unsigned_count(report.totals.wal_bytes);
  totals.slow += report.slow;
  if (report.reset_detected) ++totals.resets;
  totals.evicted += unsigned_count(report.evicted);
}

// Only what pgvigil_statement_top_exec_seconds will show is kept of the top statements.
std::size_t top_kept(const HistorySettings& settings) {
  return static_cast<std::size_t>(std::clamp(settings.metrics_top_n, 0, kMaxMetricsTopN));
}

}  // namespace

IntervalJournal::IntervalJournal(std::string state_dir, const Clock& clock, std::size_t max_bytes)
    : clock_(clock),
      log_({.dir = std::move(state_dir),
            .file_name = "slow-queries.jsonl",
            .what = "the slow-query log",
            .fallback = "intervals are kept in memory only (GET /queries)"}),
      store_(max_bytes) {
  view_ = build_view();
}

void IntervalJournal::record(IntervalReport report, const HistorySettings& settings) {
  const auto lines = slow_log_lines(report);
  {
    std::lock_guard lock(log_mutex_);
    for (const std::string& line : lines) log_.write(line);
  }
  RecordedInterval compact = compact_interval(report, top_kept(settings));  // packed outside the lock
  std::lock_guard lock(mutex_);
  ClusterState& cluster = clusters_[report.cluster];
  cluster.settings = settings;
  add_interval(cluster.totals[report.member], report);
  store_.add(report.cluster, std::move(compact));  // marks the cluster changed: its totals are new too
  const WallTime now = clock_.wall_now();
  for (const auto& [name, each] : clusters_) {
    store_.prune(name, now - std::chrono::duration_cast<WallTime::duration>(each.settings.history));
  }
  store_.enforce_budget();
  view_ = build_view();
}

void IntervalJournal::set_max_bytes(std::size_t max_bytes) {
  std::lock_guard lock(mutex_);
  store_.set_max_bytes(max_bytes);
  store_.enforce_budget();
  view_ = build_view();
}

std::shared_ptr<const IntervalHistory> IntervalJournal::view() const {
  std::lock_guard lock(mutex_);
  return view_;
}

std::shared_ptr<const IntervalHistory> IntervalJournal::build_view() {
  auto history = std::make_shared<IntervalHistory>();
  if (view_) history->clusters = view_->clusters;  // shares every cluster's part
  const auto changed = store_.take_changed();
  for (const auto& [name, state] : clusters_) {
    const bool stale = std::ranges::find(changed, name) != changed.end() || !history->clusters.contains(name);
    if (!stale) continue;
    auto cluster = std::make_shared<ClusterStatementHistory>();
    cluster->intervals = store_.newest_first(name);
    cluster->totals = state.totals;
    cluster->metrics_top_n = state.settings.metrics_top_n;
    history->clusters.insert_or_assign(name, std::move(cluster));
  }
  history->usage = store_.usage();
  return history;
}

}  // namespace pgvigil::queries
