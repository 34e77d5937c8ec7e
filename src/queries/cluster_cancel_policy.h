// The cancel policy of one cluster, shared by its members' activity monitors: the rules (built
// once per config) and the rate limiter, whose window spans every member, so
// max_actions_per_minute is a limit for the cluster, not for each server. Thread-safe: rounds of
// different members are serialised (they are quick and purely in memory).
#pragma once

#include <mutex>
#include <vector>

#include "config/config.h"
#include "queries/action_rate_limiter.h"
#include "queries/cancel_policy.h"

namespace pgvigil::queries {

class ClusterCancelPolicy {
 public:
  explicit ClusterCancelPolicy(const config::QueriesConfig& queries);

  // run_cancel_round() for one member's poll; `tracker` is that member's.
  std::vector<CancelDecision> round(const ActivityPoll& poll, CancelTracker& tracker, SteadyTime now);

  const CancelRules& rules() const { return rules_; }

 private:
  const CancelRules rules_;
  std::mutex mutex_;
  ActionRateLimiter limiter_;
};

}  // namespace pgvigil::queries
