// pg_stat_statements intervals seen end to end on a real primary: a deliberately slow statement
// run a known number of times shows up in /queries and in the slow-query log with its calls and
// mean; a reset by someone else between two samples gives neither negative nor inflated figures
// and is noted in both places.
#include <string>

#include "pg_cluster.h"
#include "statements_fixture.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;

constexpr auto kIntervalLimit = 15s;  // 1s intervals, with room for a loaded machine

class StatementIntervals : public SharedClusterTest {
 protected:
  static void SetUpTestSuite() {
    SharedClusterTest::SetUpTestSuite();
    // Functions give each workload a statement of its own: its text is the same every run.
    cluster_->exec(PgCluster::kPrimary,
                   "CREATE FUNCTION stm_slow_step() RETURNS void LANGUAGE plpgsql AS "
                   "$$BEGIN PERFORM pg_sleep(0.05); END$$;"
                   "CREATE FUNCTION stm_counted_step() RETURNS int LANGUAGE sql AS 'SELECT 1';");
  }

  static DaemonConfig primary_sampled() {
    DaemonConfig config;
    config.members = {{"primary", cluster_->port(PgCluster::kPrimary), cluster_->password_file()}};
    return sampling_every_second(config);
  }

  static void run(const std::string& sql, int times) {
    PgSession app(cluster_->port(PgCluster::kPrimary), "app");
    for (int i = 0; i < times; ++i) app.exec(sql);
  }
};

TEST_F(StatementIntervals, ASlowStatementIsLoggedAndServedWithItsCallsAndMean) {
  constexpr int kCalls = 12;
  const std::string query = "SELECT stm_slow_step()";
  TempDir dir;
  DaemonUnderTest daemon(dir, primary_sampled());
  ASSERT_TRUE(wait_primed(daemon, "primary")) << daemon.log();

  run(query, kCalls);
  StatementSum served;
  ASSERT_TRUE(testing::poll_until(
      [&] {
        served = sum_in_intervals(intervals_of(daemon, "primary"), query);
        return served.calls >= kCalls;
      },
      kIntervalLimit, 100ms))
      << "seen: " << served.calls << " calls\n" << daemon.get("/queries").body;
  EXPECT_EQ(served.calls, kCalls);
  const double mean_ms = served.total_ms / static_cast<double>(served.calls);
  EXPECT_NEAR(mean_ms, 50.0, 5.0) << "pg_sleep(0.05) takes 50 ms a call";
  EXPECT_TRUE(served.all_slow) << "a 50 ms mean is above the 30 ms slow_threshold";
  for (const auto& statement : served.seen) {
    EXPECT_EQ(statement["user"], "app");
    EXPECT_EQ(statement["database"], "postgres");
    EXPECT_GE(statement["max_ms"].get<double>(), 50.0) << "its maximum rose in the interval, so it is known";
  }

  const StatementSum logged = sum_in_log(log_lines(dir), "primary", query);
  EXPECT_EQ(logged.calls, kCalls) << "the log holds the same intervals as /queries";
  EXPECT_NEAR(logged.total_ms / static_cast<double>(std::max(logged.calls, 1LL)), 50.0, 5.0);
  EXPECT_TRUE(logged.all_slow);
  ASSERT_FALSE(logged.seen.empty());
  const Json& line = logged.seen.front();
  EXPECT_EQ(line["cluster"], "c");
  EXPECT_TRUE(line["queryid"].is_string());
  EXPECT_TRUE(line["interval_start"].is_string());
  EXPECT_LT(line["interval_start"].get<std::string>(), line["interval_end"].get<std::string>());

  const std::string metrics = daemon.get("/metrics").body;
  EXPECT_NE(metrics.find(R"(pgvigil_slow_queries_total{cluster="c",member="primary"})"), std::string::npos);
  EXPECT_NE(metrics.find(R"(pgvigil_statements_calls_total{cluster="c",member="primary"})"), std::string::npos);
  EXPECT_EQ(metrics.find("queryid="), std::string::npos) << "no per-queryid series unless metrics_top_n is set";
}

// Never below zero, whatever the figure: a delta taken across a reset would be.
void expect_no_negative_figure(const Json& intervals) {
  for (const auto& interval : intervals) {
    for (const char* key : {"calls", "exec_ms", "rows", "shared_blks_hit", "shared_blks_read", "wal_bytes"}) {
      EXPECT_GE(interval["totals"][key].get<double>(), 0) << key << " in " << interval.dump();
    }
    for (const auto& s : interval["statements"]) {
      for (const char* key : {"calls", "total_ms", "rows", "shared_blks_hit", "shared_blks_read", "temp_blks_written",
                              "wal_bytes"}) {
        EXPECT_GE(s[key].get<double>(), 0) << key << " in " << s.dump();
      }
    }
  }
}

TEST_F(StatementIntervals, AResetBetweenSamplesIsNotedAndCountsNothingTwice) {
  const std::string query = "SELECT stm_counted_step()";
  TempDir dir;
  DaemonUnderTest daemon(dir, primary_sampled());
  ASSERT_TRUE(wait_primed(daemon, "primary")) << daemon.log();

  run(query, 30);  // counters well above what follows, so a naive difference would go negative
  ASSERT_TRUE(testing::poll_until(
      [&] { return sum_in_intervals(intervals_of(daemon, "primary"), query).calls >= 30; }, kIntervalLimit, 100ms))
      << daemon.get("/queries").body;

  cluster_->exec(PgCluster::kPrimary, "SELECT pg_stat_statements_reset()");  // someone else's reset
  run(query, 3);

  Json intervals;
  std::size_t reset_at = 0;  // position of the interval that noted the reset (newest first)
  ASSERT_TRUE(testing::poll_until(
      [&] {
        intervals = intervals_of(daemon, "primary");
        for (reset_at = 0; reset_at < intervals.size(); ++reset_at) {
          if (intervals[reset_at].value("reset_detected", false)) break;
        }
        if (reset_at == intervals.size()) return false;
        Json since_reset = Json::array();
        for (std::size_t i = 0; i <= reset_at; ++i) since_reset.push_back(intervals[i]);
        return sum_in_intervals(since_reset, query).calls >= 3;
      },
      kIntervalLimit, 100ms))
      << intervals.dump(1);

  Json since_reset = Json::array();
  Json before_reset = Json::array();
  for (std::size_t i = 0; i < intervals.size(); ++i) (i <= reset_at ? since_reset : before_reset).push_back(intervals[i]);
  EXPECT_EQ(sum_in_intervals(since_reset, query).calls, 3) << "only what ran after the reset";
  EXPECT_EQ(sum_in_intervals(before_reset, query).calls, 30);
  expect_no_negative_figure(intervals);

  bool logged_reset = false;
  for (const auto& line : log_lines(dir)) {
    logged_reset = logged_reset || (line.value("type", "") == "interval" && line.value("reset_detected", false));
  }
  EXPECT_TRUE(logged_reset) << "the log notes the reset too";
  const std::string metrics = daemon.get("/metrics").body;
  EXPECT_NE(metrics.find(R"(pgvigil_statements_resets_total{cluster="c",member="primary"} 1)"), std::string::npos)
      << metrics;
}

TEST_F(StatementIntervals, PromtoolFindsNothingToReportInTheStatementFamilies) {
  TempDir dir;
  DaemonConfig config = primary_sampled();
  config.queries = "{ statements_interval: 1s, metrics_top_n: 3, cancel: { mode: off } }";
  DaemonUnderTest daemon(dir, config);
  ASSERT_TRUE(wait_primed(daemon, "primary")) << daemon.log();
  run("SELECT stm_counted_step()", 5);

  HttpReply scrape;
  ASSERT_TRUE(testing::poll_until(
      [&] {
        scrape = daemon.get("/metrics");
        return scrape.status == 200 && scrape.body.find("pgvigil_statements_calls_total{") != std::string::npos &&
               occurrences(scrape.body, "pgvigil_statement_top_exec_seconds{") == 3;
      },
      kIntervalLimit, 100ms))
      << scrape.body;
  const auto lint = run_split(dir, "promtool", {"/usr/bin/promtool", "check", "metrics"}, 20s,
                              dir.write("scrape.txt", scrape.body));
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_EQ(lint.out, "");
  EXPECT_EQ(lint.err, "");
}

}  // namespace
}  // namespace pgvigil::acceptance
