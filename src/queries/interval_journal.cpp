#include "queries/interval_journal.h"

#include <algorithm>

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

}  // namespace

void prune_ring(std::deque<std::shared_ptr<const RecordedInterval>>& ring, WallTime now,
                std::chrono::nanoseconds history, std::size_t max_intervals) {
  const WallTime oldest_kept = now - std::chrono::duration_cast<WallTime::duration>(history);
  while (!ring.empty() && ring.front()->report.recorded_at < oldest_kept) ring.pop_front();
  while (ring.size() > max_intervals) ring.pop_front();
}

IntervalJournal::IntervalJournal(std::string state_dir, const Clock& clock)
    : clock_(clock),
      log_({.dir = std::move(state_dir),
            .file_name = "slow-queries.jsonl",
            .what = "the slow-query log",
            .fallback = "intervals are kept in memory only (GET /queries)"}),
      view_(std::make_shared<const IntervalHistory>()) {}

void IntervalJournal::record(IntervalReport report, const HistorySettings& settings) {
  const auto lines = slow_log_lines(report);
  {
    std::lock_guard lock(log_mutex_);
    for (const std::string& line : lines) log_.write(line);
  }
  std::string json = interval_json_text(report);
  auto shared = std::make_shared<const RecordedInterval>(std::move(report), std::move(json));
  std::lock_guard lock(mutex_);
  Ring& ring = rings_[shared->report.cluster];
  ring.settings = settings;
  add_interval(ring.totals[shared->report.member], shared->report);
  ring.reports.push_back(std::move(shared));
  const WallTime now = clock_.wall_now();
  for (auto& [name, each] : rings_) prune_ring(each.reports, now, each.settings.history);
  view_ = build_view();
}

std::shared_ptr<const IntervalHistory> IntervalJournal::view() const {
  std::lock_guard lock(mutex_);
  return view_;
}

std::shared_ptr<const IntervalHistory> IntervalJournal::build_view() const {
  auto history = std::make_shared<IntervalHistory>();
  for (const auto& [name, ring] : rings_) {
    ClusterStatementHistory& cluster = history->clusters[name];
    cluster.intervals.assign(ring.reports.rbegin(), ring.reports.rend());
    cluster.totals = ring.totals;
    cluster.metrics_top_n = ring.settings.metrics_top_n;
  }
  return history;
}

}  // namespace pgvigil::queries
