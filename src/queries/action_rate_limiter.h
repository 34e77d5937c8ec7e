// At most N actions in any 60 seconds: a sliding window over the times of the actions admitted.
// One per cluster, shared by its members' polls. Not thread-safe: the caller serialises use.
// Time is passed in (local steady time: the window is about this daemon's own pace, not any
// server's clock).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>

#include "util/clock.h"

namespace pgvigil::queries {

class ActionRateLimiter {
 public:
  static constexpr std::chrono::seconds kWindow{60};

  // A limit of 0 or less admits nothing.
  explicit ActionRateLimiter(int max_per_window);

  // Admits one action at `now` and counts it, or refuses it (and counts nothing) when the
  // window ending at `now` already holds the limit. An action admitted at t stops counting at
  // t + kWindow exactly. `now` going backwards is treated as no time passing.
  bool try_admit(SteadyTime now);

  // Actions still admissible at `now` without changing anything.
  std::size_t remaining(SteadyTime now) const;

  // A reloaded limit applies at once to the actions already in the window.
  void set_limit(int max_per_window);

 private:
  void forget_before(SteadyTime now);
  std::size_t counted_at(SteadyTime now) const;

  std::size_t limit_ = 0;
  std::deque<SteadyTime> admitted_;  // ascending
};

}  // namespace pgvigil::queries
