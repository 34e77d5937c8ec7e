// An interval packed for the statement history: written out it reads byte for byte as
// interval_json_text, whatever the report holds, and it takes a fraction of that JSON.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "queries/packed_interval.h"
#include "queries/report_json.h"
#include "statement_history_builders.h"

namespace pgvigil::queries {
namespace {

ReportedStatement statement(std::int64_t queryid, std::string query) {
  ReportedStatement s = test::reported(queryid, 2001.25, /*top=*/false, /*slow=*/true);
  s.delta.calls = 4;
  s.mean_exec_time_ms = 500.3125;
  s.max_exec_time_ms = 900.0;
  s.query = std::move(query);
  return s;
}

IntervalReport report() {
  IntervalReport r;
  r.cluster = "main";
  r.member = "db1";
  r.end = r.start + std::chrono::seconds(60);
  r.active = 3;
  r.slow = 2;
  r.totals.calls = 7;
  r.statements = {statement(-42, "SELECT \"quoted\"\n\tFROM t WHERE v = 'é' -- \\ back"),
                  statement(7, std::string("SELECT '\xff\xfe' /* not UTF-8 */")), statement(8, "")};
  r.statements[1].max_exec_time_ms.reset();
  r.statements[1].user = "other \"role\"";
  r.statements[2].origin = EntryOrigin::restarted;
  Recommendation index{.kind = "missing_index", .queryid = -42, .query = r.statements[0].query,
                       .message = "reads a lot", .evidence = {{"calls", 4}, {"blocks_per_call", 2500}}};
  Recommendation scan{.kind = "seq_scan", .table = "public.big", .message = "scanned", .evidence = {{"seq_scans", 9}}};
  r.recommendations = {index, scan};
  return r;
}

TEST(PackedInterval, ReadsAsTheWholeInterval) {
  const IntervalReport r = report();
  const PackedInterval packed = pack_interval(r);
  EXPECT_EQ(packed.json(), interval_json_text(r));
  EXPECT_EQ(packed.json_size(), interval_json_text(r).size());
  ASSERT_EQ(packed.texts.size(), 4u) << "three statements and the recommendation about one";
  EXPECT_EQ(packed.values.find("SELECT"), std::string::npos) << "no text left in the values";
  EXPECT_EQ(*packed.texts[0], json_literal(r.statements[0].query));
  EXPECT_EQ(*packed.texts[3], *packed.texts[0]);
}

TEST(PackedInterval, AppendsAfterWhatIsThere) {
  const PackedInterval packed = pack_interval(report());
  std::string out = "[";
  packed.append_json_to(out);
  EXPECT_EQ(out, "[" + interval_json_text(report()));
}

TEST(PackedInterval, AnIntervalWithoutStatementsHasNoTexts) {
  IntervalReport r = report();
  r.statements.clear();
  r.recommendations.resize(1);
  r.recommendations[0].queryid.reset();
  r.recommendations[0].table = "public.t";
  const PackedInterval packed = pack_interval(r);
  EXPECT_TRUE(packed.texts.empty());
  EXPECT_EQ(packed.json(), interval_json_text(r));
}

TEST(PackedInterval, KeepsTheExtremesOfEveryField) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  IntervalReport r = report();
  r.start = WallTime{} - std::chrono::hours(24 * 365 * 30);  // before 1970
  r.end = WallTime{} + std::chrono::hours(24 * 365 * 250);  // near the end of a nanosecond clock (2262)
  r.reset_detected = true;
  r.evicted = kMax;
  r.hidden = kMin;
  r.created = std::numeric_limits<std::size_t>::max();
  r.totals = {.calls = kMin, .exec_time_ms = 1e300, .rows = -1, .shared_blks_hit = kMax, .wal_bytes = kMin};
  r.statements[0].queryid = kMin;
  r.statements[1].queryid = kMax;
  r.statements[0].delta = {.calls = kMax, .total_exec_time_ms = -0.0, .rows = kMin, .temp_blks_read = 128};
  r.statements[1].mean_exec_time_ms = std::nan("");
  r.statements[2].max_exec_time_ms = std::numeric_limits<double>::infinity();
  r.statements[2].toplevel = false;
  r.statements[2].top = true;
  r.statements[2].origin = EntryOrigin::created;
  EXPECT_EQ(pack_interval(r).json(), interval_json_text(r));
}

TEST(PackedInterval, ManyStatementsAndNamesNeedLongerIndexes) {
  IntervalReport r = report();
  r.statements.clear();
  for (int i = 0; i < 300; ++i) {
    ReportedStatement s = statement(i * 1000003, "SELECT " + std::to_string(i));
    s.user = "role" + std::to_string(i);
    s.database = "db" + std::to_string(i % 7);
    r.statements.push_back(std::move(s));
  }
  const PackedInterval packed = pack_interval(r);
  EXPECT_EQ(packed.json(), interval_json_text(r));
  EXPECT_EQ(packed.texts.size(), 301u) << "300 statements and one recommendation";
}

// Random reports, from numbers near zero to the ends of each type.
TEST(PackedInterval, RandomReportsReadAsTheirJson) {
  std::mt19937_64 random(20261207);
  const auto any_int = [&] {
    switch (random() % 4) {
      case 0: return static_cast<std::int64_t>(random() % 100);
      case 1: return -static_cast<std::int64_t>(random() % 100000);
      default: return static_cast<std::int64_t>(random());
    }
  };
  const auto any_double = [&] {
    const double magnitude = std::pow(10.0, static_cast<double>(random() % 30) - 8);
    return magnitude * static_cast<double>(random() % 1000000) / 1000.0;
  };
  for (int trial = 0; trial < 200; ++trial) {
    IntervalReport r;
    r.cluster = "cluster-" + std::to_string(trial);
    r.member = "m\t" + std::to_string(random() % 5);
    r.start = WallTime{} + std::chrono::nanoseconds(any_int() / 2);  // room to add the interval's length
    r.end = r.start + std::chrono::milliseconds(random() % 120000);
    r.evicted = any_int();
    r.active = random() % 500;
    r.hidden = any_int();
    r.totals = {.calls = any_int(), .exec_time_ms = any_double(), .rows = any_int(), .temp_blks_written = any_int()};
    const int statements = static_cast<int>(random() % 25);
    for (int i = 0; i < statements; ++i) {
      ReportedStatement s = statement(any_int(), std::string(random() % 300, static_cast<char>('a' + i % 26)));
      s.user = random() % 2 == 0 ? "app" : "batch";
      s.toplevel = random() % 2 == 0;
      s.top = random() % 2 == 0;
      s.origin = static_cast<EntryOrigin>(random() % 3);
      s.delta = {.calls = any_int(), .total_exec_time_ms = any_double(), .rows = any_int(),
                 .shared_blks_hit = any_int(), .shared_blks_read = any_int(), .temp_blks_read = any_int(),
                 .temp_blks_written = any_int(), .wal_bytes = any_int()};
      s.mean_exec_time_ms = any_double();
      if (random() % 3 == 0) s.max_exec_time_ms.reset();
      r.statements.push_back(std::move(s));
    }
    if (statements > 0 && random() % 2 == 0) {
      r.recommendations.push_back({.kind = "work_mem", .queryid = r.statements[0].queryid,
                                   .query = r.statements[0].query, .message = "spills",
                                   .evidence = {{"temp_blks_written", any_double()}}});
    }
    const PackedInterval packed = pack_interval(r);
    ASSERT_EQ(packed.json(), interval_json_text(r)) << "trial " << trial;
    ASSERT_EQ(packed.json_size(), interval_json_text(r).size()) << "trial " << trial;
  }
}

// Twenty statements as queries.top_n keeps them: what the history holds besides the shared texts
// is the values and a slot per text, a fraction of the JSON it answers with.
TEST(PackedInterval, TakesAFifthOfItsJsonBesidesTheTexts) {
  IntervalReport r = report();
  r.statements.clear();
  r.recommendations.clear();
  std::mt19937_64 random(7);
  std::size_t texts = 0;
  for (int i = 0; i < 20; ++i) {
    ReportedStatement s = statement(static_cast<std::int64_t>(random()), "SELECT * FROM t" + std::to_string(i));
    s.delta = {.calls = 1200 + i, .total_exec_time_ms = 345.678 + i, .rows = 1200, .shared_blks_hit = 48000,
               .shared_blks_read = 12, .wal_bytes = 9000};
    s.mean_exec_time_ms = 0.288;
    texts += json_literal(s.query).size();
    r.statements.push_back(std::move(s));
  }
  const PackedInterval packed = pack_interval(r);
  const std::size_t json_without_texts = interval_json_text(r).size() - texts;
  const std::size_t kept = packed.values.size() + packed.texts.size() * sizeof(SharedLiteral);
  EXPECT_LT(kept * 5, json_without_texts) << kept << " bytes kept for " << json_without_texts << " of JSON";
}

}  // namespace
}  // namespace pgvigil::queries
