// Statement deltas built by hand for the statement-statistics unit tests: one entry of an
// interval with chosen calls, time and blocks, and an interval holding such entries.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "queries/statement_diff.h"

namespace pgvigil::queries::test {

inline const ServerTime kStart = ServerTime{} + std::chrono::hours(24 * 365 * 55);

struct DeltaSpec {
  std::int64_t queryid = 1;
  std::int64_t calls = 1;
  double total_ms = 1;
  std::optional<double> interval_max_ms{};
  std::int64_t rows = 0;
  std::int64_t hit = 0;
  std::int64_t read = 0;
  std::int64_t temp_written = 0;
};

inline StatementDelta delta(const DeltaSpec& spec) {
  StatementDelta d;
  d.key = {.userid = 10, .dbid = 5, .queryid = spec.queryid, .toplevel = true};
  d.delta.calls = spec.calls;
  d.delta.total_exec_time_ms = spec.total_ms;
  d.delta.rows = spec.rows;
  d.delta.shared_blks_hit = spec.hit;
  d.delta.shared_blks_read = spec.read;
  d.delta.temp_blks_written = spec.temp_written;
  d.mean_exec_time_ms = spec.calls > 0 ? spec.total_ms / static_cast<double>(spec.calls) : 0;
  d.interval_max_exec_time_ms = spec.interval_max_ms;
  d.cumulative_max_exec_time_ms = spec.interval_max_ms.value_or(0);
  return d;
}

inline IntervalDelta interval(std::vector<StatementDelta> statements) {
  IntervalDelta out;
  out.start = kStart;
  out.end = kStart + std::chrono::seconds(60);
  out.statements = std::move(statements);
  return out;
}

}  // namespace pgvigil::queries::test
