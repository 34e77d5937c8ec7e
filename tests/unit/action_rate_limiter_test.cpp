#include "queries/action_rate_limiter.h"

#include <gtest/gtest.h>

#include <chrono>

namespace pgvigil::queries {
namespace {

using namespace std::chrono_literals;

const SteadyTime t0 = SteadyTime{} + 1000h;

TEST(CancelPolicyRateLimiter, AdmitsUpToTheLimitThenRefuses) {
  ActionRateLimiter limiter(3);
  EXPECT_EQ(limiter.remaining(t0), 3U);
  EXPECT_TRUE(limiter.try_admit(t0));
  EXPECT_TRUE(limiter.try_admit(t0));
  EXPECT_TRUE(limiter.try_admit(t0 + 1s));
  EXPECT_EQ(limiter.remaining(t0 + 1s), 0U);
  EXPECT_FALSE(limiter.try_admit(t0 + 2s));
  EXPECT_FALSE(limiter.try_admit(t0 + 59s));
}

TEST(CancelPolicyRateLimiter, WindowSlidesSixtySecondsAfterEachAction) {
  ActionRateLimiter limiter(2);
  ASSERT_TRUE(limiter.try_admit(t0));
  ASSERT_TRUE(limiter.try_admit(t0 + 10s));
  EXPECT_FALSE(limiter.try_admit(t0 + 59999ms)) << "the first is still inside the window";
  EXPECT_TRUE(limiter.try_admit(t0 + 60s)) << "the first stops counting exactly 60 s later";
  EXPECT_FALSE(limiter.try_admit(t0 + 69s));
  EXPECT_TRUE(limiter.try_admit(t0 + 70s));
  EXPECT_EQ(limiter.remaining(t0 + 130s), 2U);
}

TEST(CancelPolicyRateLimiter, RefusalsSpendNothing) {
  ActionRateLimiter limiter(1);
  ASSERT_TRUE(limiter.try_admit(t0));
  for (auto at = 1s; at < 60s; at += 1s) EXPECT_FALSE(limiter.try_admit(t0 + at));
  EXPECT_TRUE(limiter.try_admit(t0 + 60s)) << "refused attempts did not extend the window";
}

TEST(CancelPolicyRateLimiter, ALimitOfZeroOrLessAdmitsNothing) {
  ActionRateLimiter zero(0);
  EXPECT_FALSE(zero.try_admit(t0));
  EXPECT_EQ(zero.remaining(t0), 0U);
  ActionRateLimiter negative(-5);
  EXPECT_FALSE(negative.try_admit(t0));
}

TEST(CancelPolicyRateLimiter, ReloadedLimitAppliesToTheCurrentWindow) {
  ActionRateLimiter limiter(3);
  ASSERT_TRUE(limiter.try_admit(t0));
  ASSERT_TRUE(limiter.try_admit(t0));
  limiter.set_limit(2);
  EXPECT_FALSE(limiter.try_admit(t0 + 1s));
  limiter.set_limit(4);
  EXPECT_EQ(limiter.remaining(t0 + 1s), 2U);
  EXPECT_TRUE(limiter.try_admit(t0 + 1s));
}

TEST(CancelPolicyRateLimiter, TimeGoingBackwardsIsNoTimePassing) {
  ActionRateLimiter limiter(1);
  ASSERT_TRUE(limiter.try_admit(t0 + 60s));
  EXPECT_FALSE(limiter.try_admit(t0)) << "an earlier time does not reopen the window";
  EXPECT_FALSE(limiter.try_admit(t0 + 119s));
  EXPECT_TRUE(limiter.try_admit(t0 + 120s));
}

}  // namespace
}  // namespace pgvigil::queries
