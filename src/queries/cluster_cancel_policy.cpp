#include "queries/cluster_cancel_policy.h"

#include <algorithm>

#include "queries/cancel_round.h"

namespace pgvigil::queries {

std::vector<SteadyTime> recent_attempts(const ActionHistory& history, std::string_view cluster, WallTime wall_now,
                                        SteadyTime steady_now) {
  std::vector<SteadyTime> times;
  for (const auto& recorded : history.recent) {  // newest first
    const ActionRecord& record = recorded->record;
    if (record.cluster != cluster || !is_attempt(record.decision)) continue;
    const auto age = wall_now - record.at;
    if (age >= ActionRateLimiter::kWindow) break;
    times.push_back(steady_now - std::chrono::duration_cast<SteadyTime::duration>(std::max(age, WallTime::duration{})));
  }
  std::ranges::reverse(times);
  return times;
}

ClusterCancelPolicy::ClusterCancelPolicy(const config::QueriesConfig& queries, std::span<const SteadyTime> admitted)
    : rules_(std::make_unique<const CancelRules>(queries.cancel, static_cast<std::size_t>(queries.max_query_length))),
      limiter_(queries.cancel.max_actions_per_minute) {
  for (const SteadyTime at : admitted) limiter_.try_admit(at);
}

std::vector<CancelDecision> ClusterCancelPolicy::round(const ActivityPoll& poll, CancelTracker& tracker,
                                                       SteadyTime now) {
  std::lock_guard lock(mutex_);
  return run_cancel_round(poll, *rules_, tracker, limiter_, now);
}

std::size_t ClusterCancelPolicy::max_query_length() const {
  std::lock_guard lock(mutex_);
  return rules_->max_query_length();
}

void ClusterCancelPolicy::reconfigure(const config::QueriesConfig& queries) {
  auto rules = std::make_unique<const CancelRules>(queries.cancel, static_cast<std::size_t>(queries.max_query_length));
  std::lock_guard lock(mutex_);
  rules_.swap(rules);
  limiter_.set_limit(queries.cancel.max_actions_per_minute);
}

}  // namespace pgvigil::queries
