#include "pool/circuit_breaker.h"

#include <algorithm>

namespace pgvigil::pool {

CircuitBreaker::CircuitBreaker(Backoff backoff, int open_after, std::function<double()> random)
    : backoff_(backoff), open_after_(std::max(1, open_after)), random_(std::move(random)) {}

bool CircuitBreaker::allow_attempt(SteadyTime now) {
  if (probing_) return false;  // one attempt at a time after a failure
  if (failures_ > 0 && now < next_attempt_) return false;
  if (state_ == CircuitState::open) state_ = CircuitState::half_open;
  probing_ = failures_ > 0;
  return true;
}

void CircuitBreaker::record_success() {
  state_ = CircuitState::closed;
  failures_ = 0;
  probing_ = false;
  next_attempt_ = {};
}

void CircuitBreaker::record_failure(SteadyTime now, bool retryable) {
  probing_ = false;
  next_attempt_ = now + (retryable ? backoff_.delay(failures_, random_()) : backoff_.max());
  ++failures_;
  if (failures_ >= open_after_) state_ = CircuitState::open;
}

}  // namespace pgvigil::pool
