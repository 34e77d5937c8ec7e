// Which statements of an interval are worth a line in the slow-query log: the slow ones and the
// heaviest by total time. Pure; no I/O.
#pragma once

#include <cstddef>
#include <vector>

#include "queries/statement_diff.h"

namespace pgvigil::queries {

struct SelectionRules {
  double slow_threshold_ms = 500;
  std::size_t top_n = 20;
  // Upper bound of statements kept per interval, so that a low slow_threshold on a server with
  // thousands of statements cannot grow the history without limit. Slow statements beyond it
  // are counted, not kept; the top_n always fit (top_n is at most 10,000).
  std::size_t max_statements = 1000;
};

struct SelectedStatement {
  StatementDelta delta;
  bool slow = false;
  bool top = false;
};

struct Selection {
  std::vector<SelectedStatement> statements;  // heaviest first (heavier_first)
  std::size_t slow = 0;     // every slow statement of the interval, kept or not
  std::size_t omitted = 0;  // slow statements not kept because of max_statements
};

// Slow: the interval's mean is above the threshold, or its maximum is known (the cumulative
// max_exec_time rose, or the entry began inside the interval) and above it. A mean that hides
// one very slow call among many fast ones is still caught by the second rule.
bool is_slow(const StatementDelta& statement, double slow_threshold_ms);

Selection select_statements(const IntervalDelta& interval, const SelectionRules& rules);

}  // namespace pgvigil::queries
