#include "queries/interval_journal.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "queries/recorded_interval.h"

namespace pgvigil::queries {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr std::size_t kNoBudget = std::size_t{1} << 40;

// The interval as GET /queries serves it.
nlohmann::json served(const RecordedInterval& interval) { return nlohmann::json::parse(interval.packed.json()); }
std::int64_t calls_of(const RecordedInterval& interval) { return served(interval)["totals"]["calls"]; }

class IntervalJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pgvigil-journal-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  IntervalReport report(std::string cluster, std::string member, std::int64_t calls) const {
    IntervalReport r;
    r.cluster = std::move(cluster);
    r.member = std::move(member);
    r.start = clock_.wall_now() - 60s;
    r.end = clock_.wall_now();
    r.recorded_at = clock_.wall_now();
    r.totals.calls = calls;
    r.totals.exec_time_ms = 1500;
    r.totals.rows = calls * 2;
    return r;
  }

  static std::vector<std::string> lines_of(const fs::path& file) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  fs::path dir_;
  ManualClock clock_;
};

TEST_F(IntervalJournalTest, NewestFirstWithCountersThatOnlyGrow) {
  IntervalJournal journal((dir_ / "state").string(), clock_, kNoBudget);
  EXPECT_TRUE(journal.view()->clusters.empty());
  journal.record(report("main", "db1", 10), {});
  clock_.advance(60s);
  IntervalReport with_reset = report("main", "db1", 4);
  with_reset.reset_detected = true;
  with_reset.evicted = 3;
  with_reset.slow = 2;
  journal.record(with_reset, {});
  journal.record(report("main", "db2", 1), {.history = 1h, .metrics_top_n = 5});

  const auto view = journal.view();
  const ClusterStatementHistory* main = view->cluster("main");
  ASSERT_NE(main, nullptr);
  ASSERT_EQ(main->intervals.size(), 3u);
  EXPECT_EQ(main->intervals[0]->member, "db2");
  EXPECT_EQ(served(*main->intervals[0])["member"], "db2");
  EXPECT_EQ(calls_of(*main->intervals[1]), 4);
  EXPECT_EQ(calls_of(*main->intervals[2]), 10);
  EXPECT_EQ(calls_of(*main->latest("db1")), 4);
  EXPECT_EQ(main->latest("db3"), nullptr);
  EXPECT_EQ(main->metrics_top_n, 5);

  const StatementCounterTotals& db1 = main->totals.at("db1");
  EXPECT_EQ(db1.intervals, 2u);
  EXPECT_EQ(db1.calls, 14u);
  EXPECT_DOUBLE_EQ(db1.exec_seconds, 3.0);
  EXPECT_EQ(db1.rows, 28u);
  EXPECT_EQ(db1.slow, 2u);
  EXPECT_EQ(db1.resets, 1u);
  EXPECT_EQ(db1.evicted, 3u);
  EXPECT_EQ(main->totals.at("db2").calls, 1u);
  EXPECT_EQ(view->cluster("other"), nullptr);
}

TEST_F(IntervalJournalTest, AViewOnceTakenNeverChanges) {
  IntervalJournal journal((dir_ / "state").string(), clock_, kNoBudget);
  journal.record(report("main", "db1", 10), {});
  const auto before = journal.view();
  journal.record(report("main", "db1", 20), {});
  EXPECT_EQ(before->cluster("main")->intervals.size(), 1u);
  EXPECT_EQ(journal.view()->cluster("main")->intervals.size(), 2u);
}

TEST_F(IntervalJournalTest, IntervalsOlderThanTheHistoryGo) {
  IntervalJournal journal((dir_ / "state").string(), clock_, kNoBudget);
  journal.record(report("main", "db1", 1), {.history = 1h});
  clock_.advance(30min);
  journal.record(report("main", "db1", 2), {.history = 1h});
  journal.record(report("short", "db9", 3), {.history = 10min});
  clock_.advance(31min);  // the first is now 61 minutes old, the others 31
  journal.record(report("main", "db1", 4), {.history = 1h});

  const auto view = journal.view();
  const auto& main = view->cluster("main")->intervals;
  ASSERT_EQ(main.size(), 2u);
  EXPECT_EQ(calls_of(*main[0]), 4);
  EXPECT_EQ(calls_of(*main[1]), 2);
  EXPECT_TRUE(view->cluster("short")->intervals.empty()) << "each cluster is pruned by its own history";
  EXPECT_EQ(view->cluster("short")->totals.at("db9").calls, 3u) << "counters outlive the ring";
  EXPECT_EQ(view->cluster("main")->totals.at("db1").calls, 7u);
}

TEST_F(IntervalJournalTest, AClusterKeepsAtMostTheCapNewestLast) {
  IntervalStore store(kNoBudget);
  for (int i = 0; i < 5; ++i) {
    store.add("main", compact_interval(report("main", "db1", i), 0));
    clock_.advance(1s);
  }
  store.prune("main", clock_.wall_now() - 1h, 3);
  const auto kept = store.newest_first("main");
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(calls_of(*kept.front()), 4);
  EXPECT_EQ(calls_of(*kept.back()), 2);
}

TEST_F(IntervalJournalTest, KeepsOnlyTheTopStatementsMetricsAskFor) {
  IntervalReport r = report("main", "db1", 10);
  for (std::int64_t id = 1; id <= 4; ++id) {
    ReportedStatement s;
    s.queryid = id;
    s.top = id <= 3;
    s.delta.total_exec_time_ms = 1000.0 * static_cast<double>(5 - id);
    r.statements.push_back(s);
  }
  IntervalJournal journal((dir_ / "state").string(), clock_, kNoBudget);
  journal.record(r, {.metrics_top_n = 0});
  EXPECT_TRUE(journal.view()->cluster("main")->latest("db1")->top.empty()) << "nothing kept for a family that is off";
  journal.record(r, {.metrics_top_n = 2});
  const auto& two = journal.view()->cluster("main")->latest("db1")->top;
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].queryid, 1);
  EXPECT_DOUBLE_EQ(two[0].exec_seconds, 4.0);
  EXPECT_EQ(two[1].queryid, 2);
  journal.record(r, {.metrics_top_n = 20});
  EXPECT_EQ(journal.view()->cluster("main")->latest("db1")->top.size(), 3u) << "only statements marked top";
  EXPECT_EQ(served(*journal.view()->cluster("main")->latest("db1"))["statements"].size(), 4u) << "all in the JSON";
}

TEST_F(IntervalJournalTest, WritesTheSlowQueryLogInAPrivateStateDir) {
  const fs::path state = dir_ / "state";
  IntervalJournal journal(state.string(), clock_, kNoBudget);
  EXPECT_FALSE(fs::exists(state)) << "nothing is created before the first interval";
  journal.record(report("main", "db1", 10), {});
  journal.record(report("main", "db2", 20), {});
  EXPECT_EQ(journal.log_path(), (state / "slow-queries.jsonl").string());
  struct stat info {};
  ASSERT_EQ(::stat(state.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  const auto lines = lines_of(state / "slow-queries.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(R"("member":"db1")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(R"("member":"db2")"), std::string::npos) << lines[1];
}

TEST_F(IntervalJournalTest, AStateDirThatCannotBeCreatedLeavesTheHistoryInMemory) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "a-file") << "not a directory\n";
  IntervalJournal journal((dir_ / "a-file" / "state").string(), clock_, kNoBudget);
  journal.record(report("main", "db1", 10), {});
  journal.record(report("main", "db1", 20), {});
  const auto view = journal.view();
  ASSERT_EQ(view->cluster("main")->intervals.size(), 2u);
  EXPECT_EQ(view->cluster("main")->totals.at("db1").calls, 30u);
}

}  // namespace
}  // namespace pgvigil::queries
