// Suggestions drawn from one interval: statements that read much to return little (a missing
// index), that spill to temporary files (work_mem), that miss the buffer cache, and large tables
// read mostly by sequential scans. Each names its statement or table and carries the figures
// behind it. Pure; no I/O. The statement's text is left for the caller to fill in.
#pragma once

#include <string_view>
#include <vector>

#include "queries/interval_report.h"
#include "queries/statement_diff.h"
#include "queries/table_stats.h"

namespace pgvigil::queries {

// At most this many of each kind per interval, the heaviest first: the point is where to look
// first, not an inventory.
inline constexpr std::size_t kMaxRecommendationsPerKind = 5;

std::vector<Recommendation> recommend(const IntervalDelta& interval, const std::vector<TableDelta>& tables);

// Maintenance and DDL (VACUUM, CREATE INDEX, COPY, ...) read much and return nothing by nature;
// no index or work_mem advice applies to them. Known only once the text is: the report builder
// drops their recommendations.
bool is_utility_statement(std::string_view query);

}  // namespace pgvigil::queries
