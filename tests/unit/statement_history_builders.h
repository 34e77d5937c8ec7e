// Statement interval histories built by hand for the /queries and metrics unit tests: a report
// of one member with given statements, recorded at a given second and kept as the history keeps
// it (its texts not shared with other intervals, every top statement up to the metrics cap).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "queries/interval_history.h"
#include "queries/recorded_interval.h"

namespace pgvigil::queries::test {

inline ReportedStatement reported(std::int64_t queryid, double total_ms, bool top = true, bool slow = false) {
  ReportedStatement s;
  s.queryid = queryid;
  s.user = "app";
  s.database = "shop";
  s.top = top;
  s.slow = slow;
  s.delta.calls = 1;
  s.delta.total_exec_time_ms = total_ms;
  s.mean_exec_time_ms = total_ms;
  s.query = "SELECT " + std::to_string(queryid);
  return s;
}

inline std::shared_ptr<const RecordedInterval> recorded(std::string cluster, std::string member, int second,
                                                        std::vector<ReportedStatement> statements = {}) {
  IntervalReport report;
  report.cluster = std::move(cluster);
  report.member = std::move(member);
  const auto at = WallTime{} + std::chrono::hours(24 * 365 * 55) + std::chrono::seconds(second);
  report.start = at - std::chrono::seconds(60);
  report.end = at;
  report.recorded_at = at;
  report.statements = std::move(statements);
  report.active = report.statements.size();
  return std::make_shared<const RecordedInterval>(compact_interval(report, kMaxMetricsTopN));
}

}  // namespace pgvigil::queries::test
