// Decides when a member that keeps refusing connections may be tried again, so that a dead
// member costs one connect attempt per backoff step instead of one per check. Pure state
// machine over an injected `now` and random draw; not thread-safe (the pool guards it).
//
//   closed ──(circuit_after consecutive failures)──► open ──(next_attempt reached)──► half-open
//     ▲                                                ▲                                 │
//     └───────────────────── success ──────────────────┴──────────── failure ────────────┘
//
// Every failure, open or not, schedules the next attempt after a backoff delay with full jitter;
// a failure that is not retryable waits the backoff's maximum.
#pragma once

#include <functional>

#include "util/backoff.h"
#include "util/clock.h"

namespace pgvigil::pool {

enum class CircuitState { closed, open, half_open };

class CircuitBreaker {
 public:
  CircuitBreaker(Backoff backoff, int open_after, std::function<double()> random = unit_random);

  // Whether a connect may start now. In the open state the first call at or after the scheduled
  // time moves to half-open and returns true; further calls return false until it resolves.
  bool allow_attempt(SteadyTime now);
  void record_success();
  // A failure that retrying cannot fix by itself (a wrong password, a missing role) waits the
  // longest step at once, so it does not fill the server's log while a person fixes it.
  void record_failure(SteadyTime now, bool retryable = true);

  CircuitState state() const { return state_; }
  int consecutive_failures() const { return failures_; }
  SteadyTime next_attempt() const { return next_attempt_; }

 private:
  Backoff backoff_;
  int open_after_;
  std::function<double()> random_;
  CircuitState state_ = CircuitState::closed;
  int failures_ = 0;
  SteadyTime next_attempt_{};
  bool probing_ = false;
};

}  // namespace pgvigil::pool
