// One activity poll of one member through the whole cancel policy, in the only safe order:
//  1. decide_cancellations() judges each session (pure);
//  2. the cluster's rate limiter admits attempts; the rest become skips with reason
//     rate_limited, still reported;
//  3. the tracker remembers the final decisions, so a rate-limited cancel is not mistaken for a
//     sent one (which would bring a terminate terminate_after later), and forgets sessions gone.
// Attempts are offered to the limiter worst first: those blocking the most sessions, then the
// oldest, so a full window spends its actions where they free the most.
// Dry-run attempts are admitted and counted like enforced ones, so dry_run shows what enforce
// would do, limit included. The caller executes should_execute() decisions and audits the rest.
#pragma once

#include <vector>

#include "queries/action_rate_limiter.h"
#include "queries/cancel_policy.h"

namespace pgvigil::queries {

// Decisions in the order of poll.sessions.
std::vector<CancelDecision> run_cancel_round(const ActivityPoll& poll, const CancelRules& rules,
                                             CancelTracker& tracker, ActionRateLimiter& limiter, SteadyTime now);

}  // namespace pgvigil::queries
