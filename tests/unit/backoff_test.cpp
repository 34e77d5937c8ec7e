#include "util/backoff.h"

#include <gtest/gtest.h>

namespace pgvigil {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, CeilingGrowsByTheMultiplierUntilTheCap) {
  const Backoff backoff(milliseconds(500), milliseconds(30'000), 2.0);
  const long long expected[] = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
  for (int attempt = 0; attempt < 8; ++attempt) {
    EXPECT_EQ(backoff.ceiling(attempt).count(), expected[attempt]) << "attempt " << attempt;
  }
}

TEST(Backoff, FullJitterSpansZeroToTheCeiling) {
  const Backoff backoff(milliseconds(100), milliseconds(10'000), 3.0);
  EXPECT_EQ(backoff.delay(2, 0.0).count(), 0);
  EXPECT_EQ(backoff.delay(2, 0.5).count(), 450);
  EXPECT_EQ(backoff.delay(2, 0.999999).count(), 899);
  EXPECT_EQ(backoff.delay(2, 7.0).count(), 900) << "draws are clamped into [0, 1]";
}

TEST(Backoff, NonsenseParametersAreMadeSafe) {
  const Backoff backoff(milliseconds(200), milliseconds(50), 0.5);
  EXPECT_EQ(backoff.ceiling(0).count(), 200) << "max below base is raised to base";
  EXPECT_EQ(backoff.ceiling(5).count(), 200) << "a multiplier below 1 never shrinks the wait";
  EXPECT_EQ(backoff.ceiling(-3).count(), 200);
}

TEST(Backoff, RandomDrawsStayInTheUnitInterval) {
  double low = 1.0;
  double high = 0.0;
  for (int i = 0; i < 10'000; ++i) {
    const double u = unit_random();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    low = std::min(low, u);
    high = std::max(high, u);
  }
  EXPECT_LT(low, 0.01);
  EXPECT_GT(high, 0.99);
}

}  // namespace
}  // namespace pgvigil
