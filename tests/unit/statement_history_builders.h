// Statement interval histories built by hand for the /queries and metrics unit tests: a report
// of one member with given statements, recorded at a given second.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "queries/interval_history.h"
#include "queries/report_json.h"

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
  std::string json = interval_json_text(report);
  return std::make_shared<const RecordedInterval>(std::move(report), std::move(json));
}

}  // namespace pgvigil::queries::test
