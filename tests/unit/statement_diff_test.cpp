#include "queries/statement_diff.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pgvigil::queries {
namespace {

using namespace std::chrono_literals;

const ServerTime t0 = ServerTime{} + std::chrono::hours(24 * 365 * 55);

StatementKey key(std::int64_t queryid, bool toplevel = true) {
  return {.userid = 10, .dbid = 5, .queryid = queryid, .toplevel = toplevel};
}

StatementCounters counters(std::int64_t calls, double total_ms, std::int64_t rows = 0, std::int64_t hit = 0,
                           std::int64_t read = 0, std::int64_t temp_read = 0, std::int64_t temp_written = 0,
                           std::int64_t wal = 0) {
  return {.calls = calls,
          .total_exec_time_ms = total_ms,
          .rows = rows,
          .shared_blks_hit = hit,
          .shared_blks_read = read,
          .temp_blks_read = temp_read,
          .temp_blks_written = temp_written,
          .wal_bytes = wal};
}

StatementRow row(StatementKey k, StatementCounters c, double max_ms = 0) {
  return {.key = k, .counters = c, .max_exec_time_ms = max_ms, .mean_exec_time_ms = std::nullopt,
          .stats_since = std::nullopt};
}

StatementSample sample(ServerTime at, std::vector<StatementRow> rows, std::int64_t dealloc = 0,
                       std::optional<ServerTime> stats_reset = t0 - 24h) {
  return {.taken_at = at, .stats_reset = stats_reset, .dealloc = dealloc, .rows = std::move(rows)};
}

// One entry seen in two consecutive samples of an unremarkable interval (no reset, no eviction).
struct EntryCase {
  std::string name;
  std::optional<StatementRow> before;  // empty: not in the previous sample
  StatementRow now;
  std::optional<StatementCounters> expected;  // empty: dropped
  EntryOrigin origin = EntryOrigin::continued;
};

TEST(StatementDiff, EntryRules) {
  const std::vector<EntryCase> cases = {
      {"plain growth counts the difference of every counter",
       row(key(1), counters(10, 100, 50, 400, 30, 2, 3, 1000)),
       row(key(1), counters(15, 180, 70, 450, 31, 4, 7, 1600)),
       counters(5, 80, 20, 50, 1, 2, 4, 600), EntryOrigin::continued},
      {"new entry counts in full", std::nullopt, row(key(2), counters(3, 30, 3, 9, 1, 0, 0, 10)),
       counters(3, 30, 3, 9, 1, 0, 0, 10), EntryOrigin::created},
      {"calls backwards means the entry began again", row(key(3), counters(100, 1000, 100)),
       row(key(3), counters(4, 20, 4)), counters(4, 20, 4), EntryOrigin::restarted},
      {"any one counter backwards means the entry began again",
       row(key(4), counters(10, 100, 10, 0, 0, 0, 0, 5000)),
       row(key(4), counters(12, 120, 12, 0, 0, 0, 0, 800)),
       counters(12, 120, 12, 0, 0, 0, 0, 800), EntryOrigin::restarted},
      {"no new calls is dropped", row(key(5), counters(7, 70, 7)), row(key(5), counters(7, 70, 7)),
       std::nullopt},
      {"a new entry without calls is dropped", std::nullopt, row(key(6), counters(0, 0)), std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<StatementRow> before_rows;
    if (c.before) before_rows.push_back(*c.before);
    const auto interval = diff_samples(sample(t0, before_rows), sample(t0 + 60s, {c.now}));
    EXPECT_FALSE(interval.reset_detected);
    EXPECT_EQ(interval.evicted, 0);
    if (!c.expected) {
      EXPECT_TRUE(interval.statements.empty());
      continue;
    }
    ASSERT_EQ(interval.statements.size(), 1u);
    EXPECT_EQ(interval.statements[0].key, c.now.key);
    EXPECT_EQ(interval.statements[0].delta, *c.expected);
    EXPECT_EQ(interval.statements[0].origin, c.origin);
  }
}

TEST(StatementDiff, EntryGoneIsCountedButGetsNoDelta) {
  const auto interval = diff_samples(sample(t0, {row(key(1), counters(5, 50)), row(key(2), counters(5, 50))}),
                                     sample(t0 + 60s, {row(key(1), counters(6, 60))}));
  EXPECT_EQ(interval.gone, 1u);
  ASSERT_EQ(interval.statements.size(), 1u);
  EXPECT_EQ(interval.statements[0].key, key(1));
}

TEST(StatementDiff, IntervalBoundsComeFromTheSamples) {
  const auto interval = diff_samples(sample(t0, {}), sample(t0 + 60s, {}));
  EXPECT_EQ(interval.start, t0);
  EXPECT_EQ(interval.end, t0 + 60s);
  EXPECT_TRUE(interval.statements.empty());
}

TEST(StatementDiff, StatsResetAfterPreviousReadCountsEveryEntryInFull) {
  // After a reset, an entry can outgrow its old counters within one interval: a difference
  // would under-count, and the reset stamp proves every counter began inside the interval.
  const auto interval =
      diff_samples(sample(t0, {row(key(1), counters(10, 100)), row(key(2), counters(50, 500))}, 7),
                   sample(t0 + 60s, {row(key(1), counters(25, 250)), row(key(2), counters(3, 30))}, 2, t0 + 20s));
  EXPECT_TRUE(interval.reset_detected);
  EXPECT_EQ(interval.evicted, 2);  // dealloc restarts from zero at a reset
  ASSERT_EQ(interval.statements.size(), 2u);
  EXPECT_EQ(interval.statements[0].delta, counters(25, 250));
  EXPECT_EQ(interval.statements[1].delta, counters(3, 30));
  EXPECT_EQ(interval.statements[0].origin, EntryOrigin::restarted);
  EXPECT_EQ(interval.restarted, 2u);
}

TEST(StatementDiff, StatsResetStampedBeforePreviousReadFallsBackToEntryRules) {
  // The stamp does not prove the previous rows predate the reset: take differences where
  // counters grew (maybe under-counting) rather than counting activity twice.
  const auto interval = diff_samples(
      sample(t0, {row(key(1), counters(10, 100)), row(key(2), counters(50, 500))}, 4),
      sample(t0 + 60s, {row(key(1), counters(25, 250)), row(key(2), counters(3, 30))}, 6, t0 - 1s));
  EXPECT_TRUE(interval.reset_detected);
  EXPECT_EQ(interval.evicted, 2);
  ASSERT_EQ(interval.statements.size(), 2u);
  EXPECT_EQ(interval.statements[0].delta, counters(15, 150));
  EXPECT_EQ(interval.statements[0].origin, EntryOrigin::continued);
  EXPECT_EQ(interval.statements[1].delta, counters(3, 30));
  EXPECT_EQ(interval.statements[1].origin, EntryOrigin::restarted);
}

TEST(StatementDiff, UnknownStatsResetOnOneSideIsNotAReset) {
  const auto interval = diff_samples(sample(t0, {row(key(1), counters(10, 100))}, 0, std::nullopt),
                                     sample(t0 + 60s, {row(key(1), counters(12, 120))}, 0, t0 + 30s));
  EXPECT_FALSE(interval.reset_detected);
  ASSERT_EQ(interval.statements.size(), 1u);
  EXPECT_EQ(interval.statements[0].delta, counters(2, 20));
}

TEST(StatementDiff, DeallocIncreaseIsReportedAsEvictions) {
  const auto interval = diff_samples(sample(t0, {row(key(1), counters(10, 100))}, 40),
                                     sample(t0 + 60s, {row(key(1), counters(11, 110))}, 43));
  EXPECT_FALSE(interval.reset_detected);
  EXPECT_EQ(interval.evicted, 3);
  ASSERT_EQ(interval.statements.size(), 1u);
  EXPECT_EQ(interval.statements[0].delta, counters(1, 10));
}

TEST(StatementDiff, DeallocBackwardsIsAResetWithoutInflatingDeltas) {
  const auto interval = diff_samples(sample(t0, {row(key(1), counters(10, 100))}, 40, std::nullopt),
                                     sample(t0 + 60s, {row(key(1), counters(12, 120))}, 1, std::nullopt));
  EXPECT_TRUE(interval.reset_detected);
  EXPECT_EQ(interval.evicted, 1);
  ASSERT_EQ(interval.statements.size(), 1u);
  EXPECT_EQ(interval.statements[0].delta, counters(2, 20));
}

TEST(StatementDiff, ChangedStatsSinceMeansTheEntryBeganAgain) {
  auto before = row(key(1), counters(10, 100));
  before.stats_since = t0 - 1h;
  auto now = row(key(1), counters(30, 300));
  now.stats_since = t0 + 10s;
  const auto interval = diff_samples(sample(t0, {before}), sample(t0 + 60s, {now}));
  ASSERT_EQ(interval.statements.size(), 1u);
  EXPECT_EQ(interval.statements[0].delta, counters(30, 300));
  EXPECT_EQ(interval.statements[0].origin, EntryOrigin::restarted);
}

TEST(StatementDiff, MeanIsOverTheIntervalNotCumulative) {
  // Cumulative mean 1000 ms / 10 calls = 100 ms; this interval ran 10 calls in 100 ms.
  const auto interval = diff_samples(sample(t0, {row(key(1), counters(10, 1000))}),
                                     sample(t0 + 60s, {row(key(1), counters(20, 1100))}));
  ASSERT_EQ(interval.statements.size(), 1u);
  EXPECT_DOUBLE_EQ(interval.statements[0].mean_exec_time_ms, 10.0);
}

TEST(StatementDiff, IntervalMaxIsKnownOnlyWhenTheCumulativeMaxRose) {
  const auto interval = diff_samples(
      sample(t0, {row(key(1), counters(10, 100), 40), row(key(2), counters(10, 100), 40)}),
      sample(t0 + 60s, {row(key(1), counters(11, 190), 90), row(key(2), counters(11, 110), 40),
                        row(key(3), counters(1, 5), 5)}));
  ASSERT_EQ(interval.statements.size(), 3u);
  EXPECT_EQ(interval.statements[0].interval_max_exec_time_ms, 90.0);
  EXPECT_EQ(interval.statements[1].interval_max_exec_time_ms, std::nullopt);
  EXPECT_EQ(interval.statements[1].cumulative_max_exec_time_ms, 40.0);
  EXPECT_EQ(interval.statements[2].interval_max_exec_time_ms, 5.0);  // began inside the interval
}

TEST(StatementDiff, ToplevelDistinguishesKeys) {
  const auto interval =
      diff_samples(sample(t0, {row(key(1, true), counters(10, 100)), row(key(1, false), counters(50, 500))}),
                   sample(t0 + 60s, {row(key(1, false), counters(52, 520)), row(key(1, true), counters(13, 130))}));
  ASSERT_EQ(interval.statements.size(), 2u);
  EXPECT_EQ(interval.statements[0].key, key(1, false));
  EXPECT_EQ(interval.statements[0].delta, counters(2, 20));
  EXPECT_EQ(interval.statements[1].key, key(1, true));
  EXPECT_EQ(interval.statements[1].delta, counters(3, 30));
  EXPECT_EQ(interval.created, 0u);
}

TEST(StatementDiff, TopByTotalTimeIsHeaviestFirstWithStableTies) {
  const auto interval = diff_samples(
      sample(t0, {}), sample(t0 + 60s, {row(key(1), counters(1, 10)), row(key(2), counters(5, 50)),
                                        row(key(3), counters(9, 50)), row(key(4), counters(5, 50)),
                                        row(key(5), counters(1, 99))}));
  std::vector<std::int64_t> ids;
  for (const auto& d : top_by_total_time(interval, 4)) ids.push_back(d.key.queryid);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{5, 3, 2, 4}));  // time, then calls, then key
  EXPECT_EQ(top_by_total_time(interval, 100).size(), 5u);
  EXPECT_TRUE(top_by_total_time(interval, 0).empty());
}

TEST(StatementDiff, EveryEntryOfALargeSampleFindsItsPredecessor) {
  std::vector<StatementRow> before;
  std::vector<StatementRow> now;
  for (std::int64_t id = 0; id < 3000; ++id) {
    before.push_back(row(key(id * 7919, id % 2 == 0), counters(id + 1, 1)));
    now.insert(now.begin(), row(key(id * 7919, id % 2 == 0), counters(id + 2, 2)));
  }
  const auto interval = diff_samples(sample(t0, before), sample(t0 + 60s, now));
  ASSERT_EQ(interval.statements.size(), 3000u);
  EXPECT_EQ(interval.created + interval.restarted + interval.gone, 0u);
  for (const auto& d : interval.statements) EXPECT_EQ(d.delta, counters(1, 1));
}

TEST(StatementDiff, KeyHashSpreadsKeysOfOneQuery) {
  const StatementKeyHash hash;
  EXPECT_NE(hash(key(1, true)), hash(key(1, false)));
  EXPECT_NE(hash({.userid = 10, .dbid = 5, .queryid = 1, .toplevel = true}),
            hash({.userid = 5, .dbid = 10, .queryid = 1, .toplevel = true}));
}

}  // namespace
}  // namespace pgvigil::queries
