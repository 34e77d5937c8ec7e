// Puts an interval's figures, its selected statements and its recommendations into the report
// people read: oids become names, queryids get their texts (cut to max_query_length). Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "queries/interval_report.h"
#include "queries/statement_diff.h"
#include "queries/statement_labels.h"
#include "queries/statement_selection.h"

namespace pgvigil::queries {

struct ReportParts {
  std::string cluster{};
  std::string member{};
  const IntervalDelta* interval = nullptr;
  const Selection* selection = nullptr;
  std::vector<Recommendation> recommendations{};
  std::int64_t hidden = 0;
  WallTime recorded_at{};
};

IntervalReport build_report(ReportParts parts, const StatementLabels& labels);

// The queryids whose texts the report will show: its statements' and its recommendations'.
std::vector<std::int64_t> queryids_to_label(const Selection& selection, const std::vector<Recommendation>& recommendations);

}  // namespace pgvigil::queries
