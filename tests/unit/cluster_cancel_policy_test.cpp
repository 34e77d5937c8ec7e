// A reload rebuilds the canceller; the rate limit must still count the attempts the old one made
// in the last minute, which the daemon-wide journal remembers.
#include "queries/cluster_cancel_policy.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <vector>

#include "action_builders.h"
#include "session_builders.h"

namespace pgvigil::queries {
namespace {

using namespace std::chrono_literals;

const SteadyTime kSteadyNow = SteadyTime{} + 1000h;

std::shared_ptr<const RecordedAction> recorded(ActionRecord record, std::chrono::seconds ago) {
  record.at = kNow - ago;
  return std::make_shared<const RecordedAction>(RecordedAction{std::move(record), ""});
}

ActionHistory history_of(std::vector<std::shared_ptr<const RecordedAction>> newest_first) {
  ActionHistory history;
  history.recent = std::move(newest_first);
  return history;
}

TEST(RecentAttempts, OnlyThisClustersAttemptsOfTheLastMinuteOldestFirst) {
  const auto history = history_of({
      recorded(record_for(9, CancelAction::cancel, CancelReason::max_query_duration, config::CancelMode::enforce, "other"), 1s),
      recorded(record_for(8, CancelAction::skip), 5s),
      recorded(record_for(7, CancelAction::terminate, CancelReason::terminate_after), 10s),
      recorded(record_for(6, CancelAction::cancel, CancelReason::max_query_duration, config::CancelMode::dry_run), 30s),
      recorded(record_for(5), 60s),  // the window is over for this one
      recorded(record_for(4), 70s),
  });
  EXPECT_EQ(recent_attempts(history, "main", kNow, kSteadyNow),
            (std::vector<SteadyTime>{kSteadyNow - 30s, kSteadyNow - 10s}));
  EXPECT_TRUE(recent_attempts(history, "nowhere", kNow, kSteadyNow).empty());
}

TEST(RecentAttempts, ARecordStampedAheadOfNowCountsAsNow) {
  const auto history = history_of({recorded(record_for(4), -5s)});
  EXPECT_EQ(recent_attempts(history, "main", kNow, kSteadyNow), std::vector<SteadyTime>{kSteadyNow});
}

TEST(ClusterCancelPolicy, AttemptsOfAnEarlierCancellerStillCountAgainstTheLimit) {
  config::QueriesConfig queries;
  queries.cancel = enforce_config();
  queries.cancel.max_actions_per_minute = 2;
  const std::vector<SteadyTime> admitted{kSteadyNow - 50s, kSteadyNow - 20s};
  const auto poll = poll_of({active_for(7, 6min)});

  ClusterCancelPolicy seeded(queries, admitted);
  CancelTracker tracker;
  auto decisions = seeded.round(poll, tracker, kSteadyNow);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].action, CancelAction::skip);
  EXPECT_EQ(decisions[0].reason, CancelReason::rate_limited);

  // Ten seconds on, the older of the two has left the window.
  CancelTracker later;
  decisions = seeded.round(poll, later, kSteadyNow + 10s);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].action, CancelAction::cancel);

  ClusterCancelPolicy fresh(queries);
  CancelTracker other;
  decisions = fresh.round(poll, other, kSteadyNow);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].action, CancelAction::cancel);
}

}  // namespace
}  // namespace pgvigil::queries
