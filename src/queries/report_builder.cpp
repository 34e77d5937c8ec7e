#include "queries/report_builder.h"

#include <algorithm>

#include "queries/recommendations.h"

namespace pgvigil::queries {
namespace {

IntervalTotals totals_of(const IntervalDelta& interval) {
  IntervalTotals totals;
  for (const StatementDelta& s : interval.statements) {
    totals.calls += s.delta.calls;
    totals.exec_time_ms += s.delta.total_exec_time_ms;
    totals.rows += s.delta.rows;
    totals.shared_blks_hit += s.delta.shared_blks_hit;
    totals.shared_blks_read += s.delta.shared_blks_read;
    totals.temp_blks_written += s.delta.temp_blks_written;
    totals.wal_bytes += s.delta.wal_bytes;
  }
  return totals;
}

ReportedStatement reported(const SelectedStatement& selected, const StatementLabels& labels) {
  const StatementDelta& d = selected.delta;
  ReportedStatement out;
  out.queryid = d.key.queryid;
  out.user = labels.user(d.key.userid);
  out.database = labels.database(d.key.dbid);
  out.toplevel = d.key.toplevel;
  out.slow = selected.slow;
  out.top = selected.top;
  out.origin = d.origin;
  out.delta = d.delta;
  out.mean_exec_time_ms = d.mean_exec_time_ms;
  out.max_exec_time_ms = d.interval_max_exec_time_ms;
  out.query = labels.text(d.key.queryid);
  return out;
}

}  // namespace

IntervalReport build_report(ReportParts parts, const StatementLabels& labels) {
  const IntervalDelta& interval = *parts.interval;
  const Selection& selection = *parts.selection;
  IntervalReport report;
  report.cluster = std::move(parts.cluster);
  report.member = std::move(parts.member);
  report.start = interval.start;
  report.end = interval.end;
  report.recorded_at = parts.recorded_at;
  report.reset_detected = interval.reset_detected;
  report.evicted = interval.evicted;
  report.created = interval.created;
  report.restarted = interval.restarted;
  report.gone = interval.gone;
  report.active = interval.statements.size();
  report.slow = selection.slow;
  report.omitted = selection.omitted;
  report.hidden = parts.hidden;
  report.totals = totals_of(interval);
  report.statements.reserve(selection.statements.size());
  for (const SelectedStatement& selected : selection.statements) report.statements.push_back(reported(selected, labels));
  for (Recommendation& r : parts.recommendations) {
    if (r.queryid) r.query = labels.text(*r.queryid);
    if (!r.queryid || !is_utility_statement(r.query)) report.recommendations.push_back(std::move(r));
  }
  return report;
}

std::vector<std::int64_t> queryids_to_label(const Selection& selection,
                                            const std::vector<Recommendation>& recommendations) {
  std::vector<std::int64_t> ids;
  for (const SelectedStatement& s : selection.statements) ids.push_back(s.delta.key.queryid);
  for (const Recommendation& r : recommendations) {
    if (r.queryid) ids.push_back(*r.queryid);
  }
  std::ranges::sort(ids);
  const auto [first, last] = std::ranges::unique(ids);
  ids.erase(first, last);
  return ids;
}

}  // namespace pgvigil::queries
