#include "queries/cancel_round.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "session_builders.h"

namespace pgvigil::queries {
namespace {

using namespace std::chrono_literals;
using config::CancelMode;

const SteadyTime kSteady = SteadyTime{} + 1000h;

struct Expected {
  CancelAction action = CancelAction::skip;
  CancelReason reason = CancelReason::max_query_duration;
};

// One poll of a series: the session as seen `at` after kNow (server time), and what it gets.
struct Step {
  std::chrono::milliseconds at{};
  std::optional<SessionActivity> session{};  // empty: gone from the poll
  std::optional<Expected> expected{};        // empty: no decision
};

struct EscalationCase {
  std::string name;
  std::vector<Step> steps{};
  CancelMode mode = CancelMode::enforce;
};

constexpr Expected cancel{CancelAction::cancel, CancelReason::max_query_duration};
constexpr Expected escalate{CancelAction::terminate, CancelReason::terminate_after};
constexpr Expected terminate_idle{CancelAction::terminate, CancelReason::max_idle_in_transaction};

std::vector<EscalationCase> escalation_cases() {
  const auto runaway = active_for(7, 6min);
  const auto recycled = with(runaway, [](auto& s) { s.backend_start = kNow + 20s; });
  const auto next_query = with(runaway, [](auto& s) { s.query_start = kNow + 30s - 6min; });
  const auto idle = idle_in_transaction_for(7, 11min);
  return {
      {"cancel, leave it terminate_after, then terminate; retry after terminate_after again",
       {{0s, runaway, cancel},
        {1s, runaway, std::nullopt},
        {29999ms, runaway, std::nullopt},
        {30s, runaway, escalate},
        {31s, runaway, std::nullopt},
        {59999ms, runaway, std::nullopt},
        {60s, runaway, escalate}}},
      {"a recycled pid is a new session: cancelled first",
       {{0s, runaway, cancel}, {30s, recycled, cancel}, {60s, recycled, escalate}}},
      {"a new query of the same backend starts again from a cancel",
       {{0s, runaway, cancel}, {30s, next_query, cancel}, {45s, next_query, std::nullopt}}},
      {"a session missing from a poll is forgotten: seen again, it starts from a cancel",
       {{0s, runaway, cancel}, {10s, std::nullopt, std::nullopt}, {30s, runaway, cancel}}},
      {"dry_run escalates as enforce would if the cancel did not take",
       {{0s, runaway, cancel}, {10s, runaway, std::nullopt}, {30s, runaway, escalate}},
       CancelMode::dry_run},
      {"idle in transaction: terminated, then retried after terminate_after",
       {{0s, idle, terminate_idle}, {29s, idle, std::nullopt}, {30s, idle, terminate_idle}}},
      {"a cancelled query left idle in an aborted transaction is judged by the idle limit",
       {{0s, runaway, cancel},
        {1s, with(runaway, [](auto& s) {
           s.state = "idle in transaction (aborted)";
           s.state_change = kNow + 1s;
         }), std::nullopt},
        {10min + 1s, with(runaway, [](auto& s) {
           s.state = "idle in transaction (aborted)";
           s.state_change = kNow + 1s;
         }), std::nullopt},
        {10min + 2s, with(runaway, [](auto& s) {
           s.state = "idle in transaction (aborted)";
           s.state_change = kNow + 1s;
         }), terminate_idle}}},
  };
}

TEST(CancelPolicyEscalation, AcrossPolls) {
  for (const auto& c : escalation_cases()) {
    SCOPED_TRACE(c.name);
    auto config = enforce_config();
    config.mode = c.mode;
    const CancelRules rules(config, 2048);
    CancelTracker tracker;
    ActionRateLimiter limiter(10000);
    for (const auto& step : c.steps) {
      SCOPED_TRACE(std::to_string(step.at.count()) + "ms");
      std::vector<SessionActivity> sessions;
      if (step.session) sessions.push_back(*step.session);
      const auto decisions = run_cancel_round(poll_of(sessions, kNow + step.at), rules, tracker, limiter,
                                              kSteady + step.at);
      if (!step.expected) {
        EXPECT_TRUE(decisions.empty());
        continue;
      }
      ASSERT_EQ(decisions.size(), 1U);
      EXPECT_EQ(to_string(decisions[0].action), to_string(step.expected->action));
      EXPECT_EQ(to_string(decisions[0].reason), to_string(step.expected->reason));
    }
  }
}

TEST(CancelPolicyRound, TrackerForgetsSessionsNoLongerPresent) {
  const CancelRules rules(enforce_config(), 2048);
  CancelTracker tracker;
  ActionRateLimiter limiter(10);
  run_cancel_round(poll_of({active_for(7, 6min), active_for(8, 6min)}), rules, tracker, limiter, kSteady);
  EXPECT_EQ(tracker.size(), 2U);
  run_cancel_round(poll_of({active_for(8, 6min)}, kNow + 1s), rules, tracker, limiter, kSteady + 1s);
  EXPECT_EQ(tracker.size(), 1U);
  EXPECT_TRUE(tracker.last_signal(key_of(active_for(8, 6min))).has_value());
  run_cancel_round(poll_of({}, kNow + 2s), rules, tracker, limiter, kSteady + 2s);
  EXPECT_EQ(tracker.size(), 0U);
}

TEST(CancelPolicyRound, BeyondTheLimitIsReportedRateLimitedWorstFirst) {
  const CancelRules rules(enforce_config(), 2048);
  CancelTracker tracker;
  ActionRateLimiter limiter(2);
  const auto young = active_for(7, 6min);
  const auto old = active_for(8, 50min);
  const auto blocker = active_for(9, 5min + 1s);
  const auto waiter = with(active_for(10, 1s), [](auto& s) {
    s.wait_event_type = "Lock";
    s.blocked_by = {9};
  });
  auto decisions = run_cancel_round(poll_of({young, old, blocker, waiter}), rules, tracker, limiter, kSteady);
  ASSERT_EQ(decisions.size(), 3U) << "the waiter is within its limit";
  EXPECT_EQ(decisions[0].action, CancelAction::skip);
  EXPECT_EQ(decisions[0].reason, CancelReason::rate_limited);
  EXPECT_EQ(decisions[0].intended, CancelAction::cancel);
  EXPECT_EQ(decisions[0].limit, CancelReason::max_query_duration);
  EXPECT_FALSE(decisions[0].repeated);
  EXPECT_EQ(decisions[1].action, CancelAction::cancel) << "older than the young one";
  EXPECT_EQ(decisions[2].action, CancelAction::cancel) << "blocks a session: first in line";

  decisions = run_cancel_round(poll_of({young, old, blocker, waiter}, kNow + 1s), rules, tracker, limiter,
                               kSteady + 1s);
  ASSERT_EQ(decisions.size(), 1U) << "the two cancelled are given terminate_after";
  EXPECT_EQ(decisions[0].reason, CancelReason::rate_limited);
  EXPECT_TRUE(decisions[0].repeated);

  // The window has room again: the rate-limited session was never signalled, so it is
  // cancelled, not terminated.
  decisions = run_cancel_round(poll_of({young}, kNow + 60s), rules, tracker, limiter, kSteady + 60s);
  ASSERT_EQ(decisions.size(), 1U);
  EXPECT_EQ(decisions[0].action, CancelAction::cancel);
  EXPECT_EQ(decisions[0].reason, CancelReason::max_query_duration);
}

TEST(CancelPolicyRound, DryRunDecisionsCountTowardTheLimit) {
  auto config = enforce_config();
  config.mode = CancelMode::dry_run;
  const CancelRules rules(config, 2048);
  CancelTracker tracker;
  ActionRateLimiter limiter(1);
  const auto decisions =
      run_cancel_round(poll_of({active_for(7, 6min), active_for(8, 6min)}), rules, tracker, limiter, kSteady);
  ASSERT_EQ(decisions.size(), 2U);
  EXPECT_EQ(decisions[0].action, CancelAction::cancel);
  EXPECT_EQ(decisions[0].mode, CancelMode::dry_run);
  EXPECT_FALSE(should_execute(decisions[0]));
  EXPECT_EQ(decisions[1].reason, CancelReason::rate_limited);
}

TEST(CancelPolicyRound, SkipsAreMarkedRepeatedUntilTheReasonChanges) {
  const CancelRules rules(enforce_config(), 2048);
  CancelTracker tracker;
  ActionRateLimiter limiter(10);
  const auto superuser = with(active_for(7, 6min), [](auto& s) { s.rolsuper = true; });
  auto decisions = run_cancel_round(poll_of({superuser}), rules, tracker, limiter, kSteady);
  ASSERT_EQ(decisions.size(), 1U);
  EXPECT_FALSE(decisions[0].repeated);
  decisions = run_cancel_round(poll_of({superuser}, kNow + 1s), rules, tracker, limiter, kSteady + 1s);
  ASSERT_EQ(decisions.size(), 1U);
  EXPECT_TRUE(decisions[0].repeated);
  const auto as_walsender = with(superuser, [](auto& s) { s.backend_type = "walsender"; });
  decisions = run_cancel_round(poll_of({as_walsender}, kNow + 2s), rules, tracker, limiter, kSteady + 2s);
  ASSERT_EQ(decisions.size(), 1U);
  EXPECT_EQ(decisions[0].reason, CancelReason::not_client_backend);
  EXPECT_FALSE(decisions[0].repeated);
}

// Hours of polls in enforce mode over sessions that must be left alone: not one attempt.
TEST(CancelPolicyRound, ProtectedLongSessionsAreNeverAttempted) {
  auto long_running = [](BackendPid pid, auto change) { return with(active_for(pid, 3h), change); };
  const std::vector<SessionActivity> protected_sessions = {
      long_running(11, [](auto& s) { s.rolsuper = true; }),
      long_running(12, [](auto& s) { s.application_name = "pg_dump"; }),
      long_running(13, [](auto& s) { s.query = "VACUUM FULL orders"; }),
      long_running(14, [](auto& s) { s.query = "CREATE INDEX CONCURRENTLY i ON orders (paid)"; }),
      long_running(15, [](auto& s) { s.backend_type = "walsender"; }),
      long_running(16, [](auto& s) {
        s.backend_type = "autovacuum worker";
        s.query = "autovacuum: VACUUM public.orders (to prevent wraparound)";
      }),
      long_running(17, [](auto& s) { s.query = "SELECT my_maintenance_function()"; }),
      long_running(18, [](auto& s) { s.application_name = "pgvigil"; }),
      with(idle_in_transaction_for(19, 3h), [](auto& s) { s.application_name = "pg_basebackup"; }),
  };
  const CancelRules rules(enforce_config(), 2048);
  CancelTracker tracker;
  ActionRateLimiter limiter(10000);
  for (auto at = 0s; at < 2h; at += 10s) {
    auto poll = poll_of(protected_sessions, kNow + at);
    poll.maintenance_pids = {17};
    for (const auto& d : run_cancel_round(poll, rules, tracker, limiter, kSteady + at)) {
      ASSERT_FALSE(is_attempt(d)) << "pid " << d.session.pid << " at " << at.count() << "s";
      ASSERT_FALSE(should_execute(d));
    }
  }
  EXPECT_EQ(limiter.remaining(kSteady + 2h), 10000U) << "skips spend nothing";
}

}  // namespace
}  // namespace pgvigil::queries
