#include "queries/statement_selection.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "statement_builders.h"

namespace pgvigil::queries {
namespace {

using test::delta;
using test::interval;

struct SlowCase {
  std::string name;
  test::DeltaSpec spec;
  bool slow = false;
};

TEST(StatementSelection, SlowByMeanOrByANewMaximum) {
  const double threshold_ms = 100;
  const std::vector<SlowCase> cases = {
      {"mean above the threshold", {.calls = 10, .total_ms = 1010}, true},
      {"mean exactly at the threshold is not above it", {.calls = 10, .total_ms = 1000}, false},
      {"fast on average, but the maximum rose above the threshold in the interval",
       {.calls = 1000, .total_ms = 1000, .interval_max_ms = 250}, true},
      {"a new maximum below the threshold", {.calls = 10, .total_ms = 10, .interval_max_ms = 99}, false},
      {"fast, maximum unknown (the cumulative maximum did not rise)", {.calls = 10, .total_ms = 10}, false},
      {"no calls is never slow", {.calls = 0, .total_ms = 0, .interval_max_ms = 500}, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(is_slow(delta(c.spec), threshold_ms), c.slow);
  }
}

std::vector<std::int64_t> ids(const Selection& selection) {
  std::vector<std::int64_t> out;
  for (const auto& s : selection.statements) out.push_back(s.delta.key.queryid);
  return out;
}

TEST(StatementSelection, TopNByTotalTimePlusTheSlowOnesHeaviestFirst) {
  const auto in = interval({
      delta({.queryid = 1, .calls = 1000, .total_ms = 5000}),  // heaviest, fast on average
      delta({.queryid = 2, .calls = 2, .total_ms = 400}),      // slow: 200 ms mean
      delta({.queryid = 3, .calls = 100, .total_ms = 3000}),   // second heaviest
      delta({.queryid = 4, .calls = 50, .total_ms = 50}),      // neither
      delta({.queryid = 5, .calls = 10, .total_ms = 20, .interval_max_ms = 150}),  // slow by its maximum
  });
  const Selection selection = select_statements(in, {.slow_threshold_ms = 100, .top_n = 2});
  EXPECT_EQ(ids(selection), (std::vector<std::int64_t>{1, 3, 2, 5}));
  EXPECT_TRUE(selection.statements[0].top);
  EXPECT_FALSE(selection.statements[0].slow);
  EXPECT_TRUE(selection.statements[2].slow);
  EXPECT_FALSE(selection.statements[2].top);
  EXPECT_EQ(selection.slow, 2u);
  EXPECT_EQ(selection.omitted, 0u);
}

TEST(StatementSelection, AStatementBothSlowAndTopIsListedOnce) {
  const auto in = interval({delta({.queryid = 7, .calls = 3, .total_ms = 900}), delta({.queryid = 8})});
  const Selection selection = select_statements(in, {.slow_threshold_ms = 100, .top_n = 1});
  ASSERT_EQ(ids(selection), std::vector<std::int64_t>{7});
  EXPECT_TRUE(selection.statements[0].slow);
  EXPECT_TRUE(selection.statements[0].top);
}

TEST(StatementSelection, TheCapKeepsTheTopOnesAndCountsTheSlowOnesLeftOut) {
  std::vector<StatementDelta> statements;
  for (std::int64_t id = 1; id <= 10; ++id) {
    statements.push_back(delta({.queryid = id, .calls = 1, .total_ms = 1000.0 + static_cast<double>(id)}));
  }
  const Selection selection =
      select_statements(interval(statements), {.slow_threshold_ms = 0, .top_n = 2, .max_statements = 4});
  EXPECT_EQ(ids(selection), (std::vector<std::int64_t>{10, 9, 8, 7}));
  EXPECT_EQ(selection.slow, 10u) << "every slow statement is counted, kept or not";
  EXPECT_EQ(selection.omitted, 6u);
}

TEST(StatementSelection, EqualFiguresComeOutInTheSameOrder) {
  const auto in = interval({delta({.queryid = 9, .calls = 5, .total_ms = 50}),
                            delta({.queryid = 3, .calls = 5, .total_ms = 50})});
  EXPECT_EQ(ids(select_statements(in, {.slow_threshold_ms = 1, .top_n = 5})), (std::vector<std::int64_t>{3, 9}));
}

}  // namespace
}  // namespace pgvigil::queries
