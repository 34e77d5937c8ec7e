#include "queries/recommendations.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "queries/report_builder.h"
#include "statement_builders.h"

namespace pgvigil::queries {
namespace {

using test::delta;
using test::interval;

double evidence(const Recommendation& r, const std::string& name) {
  const auto found = std::ranges::find(r.evidence, name, &std::pair<std::string, double>::first);
  return found == r.evidence.end() ? -1 : found->second;
}

std::vector<std::string> kinds(const std::vector<Recommendation>& recommendations) {
  std::vector<std::string> out;
  for (const auto& r : recommendations) out.push_back(r.kind);
  return out;
}

struct StatementCase {
  std::string name;
  test::DeltaSpec spec;
  std::vector<std::string> kinds;
};

TEST(Recommendations, StatementRules) {
  const std::vector<StatementCase> cases = {
      {"2,000 blocks a call for one row: a missing index",
       {.calls = 10, .total_ms = 500, .rows = 10, .hit = 20000}, {"missing_index"}},
      {"the same reads returning 100 rows a call are a report, not a lookup",
       {.calls = 10, .total_ms = 500, .rows = 1000, .hit = 20000}, {}},
      {"999 blocks a call is below the floor", {.calls = 10, .total_ms = 500, .rows = 0, .hit = 9990}, {}},
      {"1 MB of temporary files: work_mem", {.calls = 4, .total_ms = 80, .rows = 400, .temp_written = 128},
       {"work_mem"}},
      {"a few temporary blocks are noise", {.calls = 4, .total_ms = 80, .rows = 400, .temp_written = 127}, {}},
      {"half of 20,000 blocks read from outside the cache: cache_hit, and a missing index too",
       {.calls = 1, .total_ms = 900, .rows = 1, .hit = 10000, .read = 10000}, {"missing_index", "cache_hit"}},
      {"a poor ratio over few blocks says little", {.calls = 100, .total_ms = 9, .rows = 100, .hit = 10, .read = 90},
       {}},
      {"a good ratio over many blocks", {.calls = 100, .total_ms = 9, .rows = 10000, .hit = 95000, .read = 5000}, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(kinds(recommend(interval({delta(c.spec)}), {})), c.kinds);
  }
}

TEST(Recommendations, NameTheQueryAndTheNumbers) {
  const auto out = recommend(interval({delta({.queryid = 4242, .calls = 10, .total_ms = 500, .rows = 10,
                                              .hit = 20000})}),
                             {});
  ASSERT_EQ(kinds(out), std::vector<std::string>{"missing_index"});
  const Recommendation& r = out[0];
  EXPECT_EQ(r.queryid, 4242);
  EXPECT_TRUE(r.table.empty());
  EXPECT_NE(r.message.find("query 4242"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("2000 blocks"), std::string::npos) << r.message;
  EXPECT_EQ(evidence(r, "calls"), 10);
  EXPECT_EQ(evidence(r, "blocks_per_call"), 2000);
  EXPECT_EQ(evidence(r, "rows_per_call"), 1);
  EXPECT_EQ(evidence(r, "mean_ms"), 50);
}

struct TableCase {
  std::string name;
  TableDelta table;
  bool recommended = false;
};

TEST(Recommendations, TableRules) {
  constexpr std::int64_t kMB = 1024 * 1024;
  const std::vector<TableCase> cases = {
      {"large, scanned sequentially, many rows a scan", {"public.orders", 50 * kMB, 10, 2000000, 2}, true},
      {"too small to be worth an index", {"public.tiny", 10 * kMB - 1, 10, 2000000, 0}, false},
      {"index scans are the majority", {"public.orders", 50 * kMB, 10, 2000000, 11}, false},
      {"few rows a scan (a LIMIT)", {"public.orders", 50 * kMB, 10, 99990, 0}, false},
      {"no sequential scan in the interval", {"public.orders", 50 * kMB, 0, 0, 0}, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto out = recommend(interval({}), {c.table});
    ASSERT_EQ(out.size(), c.recommended ? 1u : 0u);
    if (!c.recommended) continue;
    EXPECT_EQ(out[0].kind, "seq_scan");
    EXPECT_EQ(out[0].table, c.table.name);
    EXPECT_FALSE(out[0].queryid);
    EXPECT_NE(out[0].message.find(c.table.name), std::string::npos);
    EXPECT_EQ(evidence(out[0], "seq_tup_read"), static_cast<double>(c.table.seq_tup_read));
    EXPECT_EQ(evidence(out[0], "seq_scans"), static_cast<double>(c.table.seq_scans));
  }
}

TEST(Recommendations, AtMostFivePerKindHeaviestFirst) {
  std::vector<StatementDelta> statements;
  for (std::int64_t id = 1; id <= 8; ++id) {
    statements.push_back(
        delta({.queryid = id, .calls = 1, .total_ms = static_cast<double>(id), .rows = 400, .temp_written = 1000}));
  }
  const auto out = recommend(interval(statements), {});
  ASSERT_EQ(out.size(), kMaxRecommendationsPerKind);
  EXPECT_EQ(out.front().queryid, 8);
  EXPECT_EQ(out.back().queryid, 4);
}

TEST(Recommendations, UtilityStatementsAreRecognisedByTheirText) {
  for (const char* text : {"VACUUM ANALYZE big", "  /* nightly */ vacuum big", "-- load\nCOPY t FROM STDIN",
                           "CREATE INDEX i ON t (a)", "analyze", "REFRESH MATERIALIZED VIEW m"}) {
    EXPECT_TRUE(is_utility_statement(text)) << text;
  }
  for (const char* text : {"SELECT * FROM big WHERE v = $1", "WITH x AS (SELECT 1) SELECT * FROM x",
                           "copy_of_orders", "UPDATE t SET a = $1", "", "VACUUMED"}) {
    EXPECT_FALSE(is_utility_statement(text)) << text;
  }
}

TEST(Recommendations, TheReportDropsAdviceOnUtilityStatements) {
  const auto in = interval({delta({.queryid = 1, .calls = 1, .total_ms = 100, .rows = 0, .hit = 5000}),
                            delta({.queryid = 2, .calls = 1, .total_ms = 90, .rows = 0, .hit = 5000})});
  const Selection selection = select_statements(in, {.slow_threshold_ms = 1000, .top_n = 2});
  StatementLabels labels(2048);
  labels.add_text(1, "VACUUM big");
  labels.add_text(2, "SELECT * FROM big WHERE v = $1");
  auto recommendations = recommend(in, {});
  ASSERT_EQ(recommendations.size(), 2u);
  const IntervalReport report = build_report(
      {.interval = &in, .selection = &selection, .recommendations = std::move(recommendations)}, labels);
  ASSERT_EQ(report.recommendations.size(), 1u);
  EXPECT_EQ(report.recommendations[0].queryid, 2);
  EXPECT_EQ(report.recommendations[0].query, "SELECT * FROM big WHERE v = $1") << "the text is filled in";
}

}  // namespace
}  // namespace pgvigil::queries
