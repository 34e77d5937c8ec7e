#include "pool/circuit_breaker.h"

#include <gtest/gtest.h>

namespace pgvigil::pool {
namespace {

using namespace std::chrono_literals;

CircuitBreaker make(double draw = 1.0, int open_after = 3) {
  return CircuitBreaker(Backoff(500ms, 30s, 2.0), open_after, [draw] { return draw; });
}

TEST(CircuitBreaker, ClosedAllowsAttemptsFreely) {
  auto breaker = make();
  const SteadyTime t0{};
  EXPECT_TRUE(breaker.allow_attempt(t0));
  EXPECT_TRUE(breaker.allow_attempt(t0));
  EXPECT_EQ(breaker.state(), CircuitState::closed);
}

TEST(CircuitBreaker, EachFailureWaitsOneBackoffStepAndTheCircuitOpensAfterN) {
  auto breaker = make(1.0);  // the draw pins jitter at its ceiling
  SteadyTime now{};
  const std::chrono::milliseconds steps[] = {500ms, 1000ms, 2000ms, 4000ms, 8000ms};
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(breaker.allow_attempt(now)) << "attempt " << i;
    breaker.record_failure(now);
    EXPECT_EQ(breaker.next_attempt(), now + steps[i]);
    EXPECT_FALSE(breaker.allow_attempt(now + steps[i] - 1ms)) << "too early after failure " << i;
    EXPECT_EQ(breaker.state(), i + 1 >= 3 ? CircuitState::open : CircuitState::closed) << i;
    now += steps[i];
  }
}

TEST(CircuitBreaker, AFailureRetryingCannotFixWaitsTheLongestStepAtOnce) {
  auto breaker = make(0.0);  // jitter would allow an immediate retry of a retryable failure
  const SteadyTime t0{};
  breaker.record_failure(t0, /*retryable=*/false);
  EXPECT_EQ(breaker.next_attempt(), t0 + 30s);
  EXPECT_FALSE(breaker.allow_attempt(t0 + 29s));
  breaker.record_failure(t0 + 30s, /*retryable=*/true);
  EXPECT_EQ(breaker.next_attempt(), t0 + 30s) << "a retryable failure follows the jittered schedule";
}

TEST(CircuitBreaker, HalfOpenLetsExactlyOneProbeThrough) {
  auto breaker = make(1.0, 1);
  const SteadyTime t0{};
  breaker.record_failure(t0);
  ASSERT_EQ(breaker.state(), CircuitState::open);
  EXPECT_TRUE(breaker.allow_attempt(t0 + 500ms));
  EXPECT_EQ(breaker.state(), CircuitState::half_open);
  EXPECT_FALSE(breaker.allow_attempt(t0 + 600ms)) << "a second caller must not pile on";
  breaker.record_success();
  EXPECT_EQ(breaker.state(), CircuitState::closed);
  EXPECT_EQ(breaker.consecutive_failures(), 0);
  EXPECT_TRUE(breaker.allow_attempt(t0 + 600ms));
  EXPECT_TRUE(breaker.allow_attempt(t0 + 600ms));
}

TEST(CircuitBreaker, AFailedProbeReopensWithALongerWait) {
  auto breaker = make(1.0, 1);
  SteadyTime now{};
  breaker.record_failure(now);
  now += 500ms;
  ASSERT_TRUE(breaker.allow_attempt(now));
  breaker.record_failure(now);
  EXPECT_EQ(breaker.state(), CircuitState::open);
  EXPECT_EQ(breaker.next_attempt(), now + 1000ms);
}

TEST(CircuitBreaker, JitterDrawsScaleTheWait) {
  auto breaker = make(0.25);
  const SteadyTime t0{};
  breaker.record_failure(t0);
  breaker.record_failure(t0);
  breaker.record_failure(t0);  // third failure: ceiling 2000 ms, a quarter of it
  EXPECT_EQ(breaker.next_attempt(), t0 + 500ms);
}

}  // namespace
}  // namespace pgvigil::pool
