#include "queries/action_rate_limiter.h"

#include <algorithm>

namespace pgvigil::queries {
namespace {

std::size_t as_limit(int max_per_window) { return max_per_window > 0 ? static_cast<std::size_t>(max_per_window) : 0; }

}  // namespace

ActionRateLimiter::ActionRateLimiter(int max_per_window) : limit_(as_limit(max_per_window)) {}

void ActionRateLimiter::set_limit(int max_per_window) { limit_ = as_limit(max_per_window); }

void ActionRateLimiter::forget_before(SteadyTime now) {
  while (!admitted_.empty() && admitted_.front() + kWindow <= now) admitted_.pop_front();
}

std::size_t ActionRateLimiter::counted_at(SteadyTime now) const {
  return static_cast<std::size_t>(
      std::ranges::count_if(admitted_, [&](SteadyTime at) { return at + kWindow > now; }));
}

bool ActionRateLimiter::try_admit(SteadyTime now) {
  // Keeps the deque ascending, so forgetting from the front stays right.
  if (!admitted_.empty()) now = std::max(now, admitted_.back());
  forget_before(now);
  if (admitted_.size() >= limit_) return false;
  admitted_.push_back(now);
  return true;
}

std::size_t ActionRateLimiter::remaining(SteadyTime now) const {
  const std::size_t counted = counted_at(now);
  return counted >= limit_ ? 0 : limit_ - counted;
}

}  // namespace pgvigil::queries
