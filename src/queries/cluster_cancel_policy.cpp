#include "queries/cluster_cancel_policy.h"

#include "queries/cancel_round.h"

namespace pgvigil::queries {

ClusterCancelPolicy::ClusterCancelPolicy(const config::QueriesConfig& queries)
    : rules_(queries.cancel, static_cast<std::size_t>(queries.max_query_length)),
      limiter_(queries.cancel.max_actions_per_minute) {}

std::vector<CancelDecision> ClusterCancelPolicy::round(const ActivityPoll& poll, CancelTracker& tracker,
                                                       SteadyTime now) {
  std::lock_guard lock(mutex_);
  return run_cancel_round(poll, rules_, tracker, limiter_, now);
}

}  // namespace pgvigil::queries
