// The daemon's record of statement intervals, kept across reloads: every member's reports go
// through record(), which writes them in full to the slow-query log, keeps them compactly in the
// IntervalStore (within each cluster's queries.history and the daemon-wide
// daemon.statement_history_max_bytes), adds their deltas to the running counters, and publishes
// a fresh immutable IntervalHistory for snapshots to carry. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "queries/interval_history.h"
#include "queries/interval_report.h"
#include "queries/interval_store.h"
#include "util/clock.h"
#include "util/jsonl_file.h"

namespace pgvigil::queries {

struct HistorySettings {
  std::chrono::nanoseconds history = std::chrono::hours(1);  // queries.history
  int metrics_top_n = 0;                                     // queries.metrics_top_n
};

class IntervalJournal {
 public:
  // `max_bytes` is daemon.statement_history_max_bytes.
  IntervalJournal(std::string state_dir, const Clock& clock, std::size_t max_bytes);

  void record(IntervalReport report, const HistorySettings& settings);
  // A new daemon.statement_history_max_bytes (a reload), applied at once.
  void set_max_bytes(std::size_t max_bytes);

  // The current history; never null (empty before the first interval).
  std::shared_ptr<const IntervalHistory> view() const;

  const std::string& log_path() const { return log_.path(); }

 private:
  struct ClusterState {
    std::map<std::string, StatementCounterTotals, std::less<>> totals;  // by member
    HistorySettings settings;
  };

  std::shared_ptr<const IntervalHistory> build_view();  // with mutex_ held

  const Clock& clock_;
  std::mutex log_mutex_;  // the file is written outside mutex_, so a slow disk never delays view()
  JsonLinesFile log_;  // slow-queries.jsonl: 16 MiB files, 4 rotated, so at most 80 MiB
  mutable std::mutex mutex_;
  std::map<std::string, ClusterState, std::less<>> clusters_;
  IntervalStore store_;
  std::shared_ptr<const IntervalHistory> view_;
};

}  // namespace pgvigil::queries
