// The daemon's record of statement intervals, kept across reloads: every member's reports go
// through record(), which writes them to the slow-query log, keeps them in a per-cluster ring
// (queries.history long, at most kMaxIntervalsPerCluster), adds their deltas to the running
// counters, and publishes a fresh immutable IntervalHistory for snapshots to carry. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "queries/interval_history.h"
#include "queries/interval_report.h"
#include "util/clock.h"
#include "util/jsonl_file.h"

namespace pgvigil::queries {

struct HistorySettings {
  std::chrono::nanoseconds history = std::chrono::hours(1);  // queries.history
  int metrics_top_n = 0;                                     // queries.metrics_top_n
};

// Bounds a cluster's ring whatever its history: at a 1s interval, an hour of ten members would
// be 36,000 reports. GET /queries answers at most 1,000 at a time anyway.
inline constexpr std::size_t kMaxIntervalsPerCluster = 5000;

// Drops from the front (the oldest) what was recorded before `now - history`, then what exceeds
// `max_intervals`. `ring` is in the order recorded.
void prune_ring(std::deque<std::shared_ptr<const RecordedInterval>>& ring, WallTime now,
                std::chrono::nanoseconds history, std::size_t max_intervals = kMaxIntervalsPerCluster);

class IntervalJournal {
 public:
  IntervalJournal(std::string state_dir, const Clock& clock);

  void record(IntervalReport report, const HistorySettings& settings);

  // The current history; never null (empty before the first interval).
  std::shared_ptr<const IntervalHistory> view() const;

  const std::string& log_path() const { return log_.path(); }

 private:
  struct Ring {
    std::deque<std::shared_ptr<const RecordedInterval>> reports;  // oldest first
    std::map<std::string, StatementCounterTotals, std::less<>> totals;
    HistorySettings settings;
  };

  std::shared_ptr<const IntervalHistory> build_view() const;  // with mutex_ held

  const Clock& clock_;
  std::mutex log_mutex_;  // the file is written outside mutex_, so a slow disk never delays view()
  JsonLinesFile log_;  // slow-queries.jsonl: 16 MiB files, 4 rotated, so at most 80 MiB
  mutable std::mutex mutex_;
  std::map<std::string, Ring, std::less<>> rings_;  // by cluster
  std::shared_ptr<const IntervalHistory> view_;
};

}  // namespace pgvigil::queries
