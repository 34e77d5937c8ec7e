#include "queries/statement_selection.h"

#include <algorithm>

namespace pgvigil::queries {

bool is_slow(const StatementDelta& statement, double slow_threshold_ms) {
  if (statement.delta.calls <= 0) return false;
  if (statement.mean_exec_time_ms > slow_threshold_ms) return true;
  return statement.interval_max_exec_time_ms && *statement.interval_max_exec_time_ms > slow_threshold_ms;
}

Selection select_statements(const IntervalDelta& interval, const SelectionRules& rules) {
  // Sort pointers: most intervals keep a few dozen of thousands of statements.
  std::vector<const StatementDelta*> order;
  order.reserve(interval.statements.size());
  for (const StatementDelta& statement : interval.statements) order.push_back(&statement);
  std::ranges::sort(order, [](const StatementDelta* a, const StatementDelta* b) { return heavier_first(*a, *b); });

  Selection out;
  const std::size_t keep = std::max(rules.max_statements, rules.top_n);
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    const bool top = rank < rules.top_n;
    const bool slow = is_slow(*order[rank], rules.slow_threshold_ms);
    if (slow) ++out.slow;
    if (!top && !slow) continue;
    if (out.statements.size() >= keep) {
      ++out.omitted;  // only slow ones get here: every top one ranks before them
      continue;
    }
    out.statements.push_back({*order[rank], slow, top});
  }
  return out;
}

}  // namespace pgvigil::queries
