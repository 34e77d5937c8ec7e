// The cancel policy of one cluster, shared by its members' activity monitors: the rules (built
// once per config) and the rate limiter, whose window spans every member, so
// max_actions_per_minute is a limit for the cluster, not for each server. Thread-safe: rounds of
// different members are serialised (they are quick and purely in memory).
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "queries/action_history.h"
#include "queries/action_rate_limiter.h"
#include "queries/cancel_policy.h"

namespace pgvigil::queries {

// When, on the local steady clock, the attempts `history` holds for `cluster` were recorded, if
// within the rate limiter's window before now; oldest first. A reload rebuilds the canceller, and
// its new limiter must still count what the old one admitted in the last minute.
std::vector<SteadyTime> recent_attempts(const ActionHistory& history, std::string_view cluster, WallTime wall_now,
                                        SteadyTime steady_now);

class ClusterCancelPolicy {
 public:
  // `admitted` (oldest first): attempts of an earlier canceller of this cluster that still count.
  explicit ClusterCancelPolicy(const config::QueriesConfig& queries, std::span<const SteadyTime> admitted = {});

  // run_cancel_round() for one member's poll; `tracker` is that member's.
  std::vector<CancelDecision> round(const ActivityPoll& poll, CancelTracker& tracker, SteadyTime now);

  std::size_t max_query_length() const;

  // A reload's new rules and limit, keeping the limiter's window: what was admitted in the last
  // minute still counts.
  void reconfigure(const config::QueriesConfig& queries);

 private:
  mutable std::mutex mutex_;
  std::unique_ptr<const CancelRules> rules_;
  ActionRateLimiter limiter_;
};

}  // namespace pgvigil::queries
