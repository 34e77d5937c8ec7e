#include "queries/cancel_round.h"

#include <algorithm>
#include <cstddef>

namespace pgvigil::queries {
namespace {

bool worse(const CancelDecision& a, const CancelDecision& b) {
  if (a.session.blocks.size() != b.session.blocks.size()) return a.session.blocks.size() > b.session.blocks.size();
  return a.session.duration_seconds > b.session.duration_seconds;
}

void rate_limit(std::vector<CancelDecision>& decisions, const CancelTracker& tracker, ActionRateLimiter& limiter,
                SteadyTime now) {
  std::vector<std::size_t> attempts;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    if (is_attempt(decisions[i])) attempts.push_back(i);
  }
  std::ranges::stable_sort(attempts, [&](std::size_t a, std::size_t b) { return worse(decisions[a], decisions[b]); });
  for (std::size_t i : attempts) {
    if (limiter.try_admit(now)) continue;
    CancelDecision& d = decisions[i];
    d.action = CancelAction::skip;
    d.reason = CancelReason::rate_limited;
    d.repeated = tracker.skip_reported(d.key, CancelReason::rate_limited);
  }
}

}  // namespace

std::vector<CancelDecision> run_cancel_round(const ActivityPoll& poll, const CancelRules& rules,
                                             CancelTracker& tracker, ActionRateLimiter& limiter, SteadyTime now) {
  auto decisions = decide_cancellations(poll, rules, tracker);
  rate_limit(decisions, tracker, limiter, now);
  tracker.remember(decisions, poll.server_now);
  tracker.forget_absent(poll);
  return decisions;
}

}  // namespace pgvigil::queries
