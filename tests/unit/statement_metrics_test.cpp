// The pg_stat_statements families, rendered from hand-built snapshots: counters per member with
// bounded labels, and the opt-in per-queryid family only when asked for and never past its cap.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "exposition_lines.h"
#include "member_builders.h"
#include "metrics/metrics_endpoint.h"
#include "statement_history_builders.h"

namespace pgvigil::metrics {
namespace {

using queries::test::recorded;
using queries::test::reported;
using testing::Contains;
using testing::HasSubstr;
using testing::Not;

class StatementMetricsTest : public testing::Test {
 protected:
  StatementMetricsTest() {
    queries::StatementCounterTotals totals;
    totals.intervals = 3;
    totals.calls = 120;
    totals.exec_seconds = 4.5;
    totals.rows = 300;
    totals.shared_blks_hit = 1000;
    totals.shared_blks_read = 20;
    totals.temp_blks_written = 8;
    totals.wal_bytes = 4096;
    totals.slow = 2;
    totals.resets = 1;
    totals.evicted = 5;
    main_.totals["db1"] = totals;
    main_.totals["gone"] = totals;  // a member a reload removed
    std::vector<queries::ReportedStatement> statements;
    for (int id = 30; id > 0; --id) statements.push_back(reported(id, id * 100.0, id > 5));
    statements.push_back(reported(99, 1.0, false, true));  // slow, not among the heaviest
    main_.intervals = {recorded("main", "db1", 10, statements)};
  }

  std::vector<std::string> render() {
    auto snapshot = std::make_shared<health::Snapshot>();
    health::ClusterSnapshot main;
    main.name = "main";
    main.members = {builders::healthy_member("db1", health::MemberRole::primary)};
    snapshot->clusters = {builders::shared(main)};
    snapshot->taken_at = clock_.wall_now();
    auto history = std::make_shared<queries::IntervalHistory>(history_);
    history->clusters["main"] = std::make_shared<const queries::ClusterStatementHistory>(main_);
    snapshot->statements = std::move(history);
    current_ = std::move(snapshot);
    return lines_of(endpoint_.render());
  }

  std::vector<std::string> top_series(const std::vector<std::string>& lines) {
    std::vector<std::string> out;
    for (const auto& line : lines) {
      if (line.starts_with("pgvigil_statement_top_exec_seconds{")) out.push_back(line);
    }
    return out;
  }

  queries::IntervalHistory history_;       // usage; its clusters are filled in by render()
  queries::ClusterStatementHistory main_;  // cluster "main"'s part
  ManualClock clock_;
  health::SnapshotPtr current_;
  MetricsEndpoint endpoint_{[this] { return current_; }, clock_};
};

TEST_F(StatementMetricsTest, CountersPerMemberWithBoundedLabels) {
  const auto lines = render();
  EXPECT_THAT(lines, Contains("# TYPE pgvigil_statements_calls_total counter"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_statements_intervals_total{cluster="main",member="db1"} 3)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_statements_calls_total{cluster="main",member="db1"} 120)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_statements_exec_seconds_total{cluster="main",member="db1"} 4.5)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_statements_rows_total{cluster="main",member="db1"} 300)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_statements_shared_blocks_total{cluster="main",member="db1",kind="hit"} 1000)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_statements_shared_blocks_total{cluster="main",member="db1",kind="read"} 20)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_statements_temp_blocks_written_total{cluster="main",member="db1"} 8)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_statements_wal_bytes_total{cluster="main",member="db1"} 4096)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_slow_queries_total{cluster="main",member="db1"} 2)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_statements_resets_total{cluster="main",member="db1"} 1)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_statements_evicted_total{cluster="main",member="db1"} 5)"));
  EXPECT_THAT(lines, Not(Contains(HasSubstr(R"(member="gone")"))));
  EXPECT_THAT(lines, Not(Contains(HasSubstr("queryid"))));
  EXPECT_TRUE(top_series(lines).empty()) << "off by default";
}

TEST_F(StatementMetricsTest, TheHistorysMemoryDaemonWide) {
  history_.usage = {.bytes = 123456, .max_bytes = 16777216, .evicted = 42};
  const auto lines = render();
  EXPECT_THAT(lines, Contains("# TYPE pgvigil_statement_history_bytes gauge"));
  EXPECT_THAT(lines, Contains("pgvigil_statement_history_bytes 123456"));
  EXPECT_THAT(lines, Contains("pgvigil_statement_history_max_bytes 16777216"));
  EXPECT_THAT(lines, Contains("# TYPE pgvigil_statement_history_evicted_total counter"));
  EXPECT_THAT(lines, Contains("pgvigil_statement_history_evicted_total 42"));
}

TEST_F(StatementMetricsTest, TopFamilyOnlyWhenAskedAndOnlyTheHeaviest) {
  main_.metrics_top_n = 3;
  EXPECT_EQ(top_series(render()), (std::vector<std::string>{
                                      R"(pgvigil_statement_top_exec_seconds{cluster="main",member="db1",queryid="30",rank="1"} 3)",
                                      R"(pgvigil_statement_top_exec_seconds{cluster="main",member="db1",queryid="29",rank="2"} 2.9)",
                                      R"(pgvigil_statement_top_exec_seconds{cluster="main",member="db1",queryid="28",rank="3"} 2.8)",
                                  }));
}

TEST_F(StatementMetricsTest, TopFamilyNeverPastTheTopOnesNorTheCap) {
  main_.metrics_top_n = 1000;  // the loader caps at 20; so does the writer
  EXPECT_EQ(top_series(render()).size(), 20u);
  std::vector<queries::ReportedStatement> few = {reported(1, 50), reported(2, 40), reported(99, 1, false, true)};
  main_.intervals = {recorded("main", "db1", 10, few)};
  EXPECT_EQ(top_series(render()).size(), 2u) << "a slow statement after the top ones is not among the heaviest";
}

}  // namespace
}  // namespace pgvigil::metrics
