// Turns two pg_stat_statements samples into what happened between them: per-entry calls, time,
// rows, blocks and WAL for the interval. Pure function of its inputs; no I/O, no clock.
//
// Rules (previous = the earlier sample, current = the later one; both complete reads):
//  1. An entry in both samples whose counters all grew (or stayed) counts the difference.
//  2. An entry absent from previous was created during the interval (new, or evicted earlier
//     and re-created): all of its counters belong to the interval, so they count in full.
//  3. An entry whose counters went backwards, or whose stats_since changed, was reset or
//     evicted and re-created during the interval: its current counters count in full.
//  4. A whole reset (stats_reset moved, or dealloc went backwards) sets reset_detected. When
//     the new stats_reset is later than previous.taken_at every entry began inside the
//     interval, so every entry counts in full; otherwise (clocks disagree, or the reset raced
//     the previous read) rules 1-3 decide entry by entry, which never over-counts.
//  5. An entry absent from current was evicted or reset: it counts in `gone`, with no delta;
//     the dealloc increase is reported as `evicted`. Nothing is invented for missing entries.
//  6. Entries with no calls in the interval are dropped.
//  7. The mean is the interval's total time over the interval's calls, not the cumulative mean.
//  8. The interval's maximum is known only when the cumulative maximum rose or the entry began
//     inside the interval; otherwise it is left empty (it cannot be derived).
// So a delta is never negative (a difference is taken only when no counter went backwards) and
// never inflated (counted in full only when the entry provably began after previous was read).
// It can under-count in one case: an entry evicted and re-created that outgrew its old
// counters within one interval looks continuous (until stats_since exists, PostgreSQL 17).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "queries/statement_sample.h"

namespace pgvigil::queries {

enum class EntryOrigin {
  continued,  // rule 1: a difference of counters
  created,    // rule 2: absent from previous
  restarted,  // rules 3-4: counters began again during the interval
};

struct StatementDelta {
  StatementKey key;
  StatementCounters delta;  // this interval only
  double mean_exec_time_ms = 0;
  double cumulative_max_exec_time_ms = 0;           // as the view reports it now
  std::optional<double> interval_max_exec_time_ms;  // see rule 8
  EntryOrigin origin = EntryOrigin::continued;
};

struct IntervalDelta {
  ServerTime start{};  // previous.taken_at
  ServerTime end{};    // current.taken_at
  std::vector<StatementDelta> statements;  // in the order of current.rows
  bool reset_detected = false;
  std::int64_t evicted = 0;  // dealloc increase: entries pg_stat_statements threw away
  std::size_t created = 0;   // entries counted by rule 2 (with calls in the interval)
  std::size_t restarted = 0;  // entries counted by rules 3-4 (with calls in the interval)
  std::size_t gone = 0;      // entries of previous missing from current
};

IntervalDelta diff_samples(const StatementSample& previous, const StatementSample& current);

// Heaviest first: more total time, then more calls, then by key, so equal figures always come
// out in the same order.
bool heavier_first(const StatementDelta& a, const StatementDelta& b);

// The `n` heaviest statements of the interval by total time, heaviest first.
std::vector<StatementDelta> top_by_total_time(const IntervalDelta& interval, std::size_t n);

}  // namespace pgvigil::queries
