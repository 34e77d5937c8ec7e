// Exponential backoff with full jitter: the n-th retry waits a uniformly random time in
// [0, min(max, base * multiplier^n)]. Pure; the caller supplies the random draw so tests can
// pin it.
#pragma once

#include <chrono>

namespace pgvigil {

class Backoff {
 public:
  using Duration = std::chrono::milliseconds;

  Backoff(Duration base, Duration max, double multiplier);

  Duration ceiling(int attempt) const;                // attempt 0 = the first retry
  Duration delay(int attempt, double unit_random) const;  // unit_random in [0, 1)
  Duration max() const { return max_; }

 private:
  Duration base_;
  Duration max_;
  double multiplier_;
};

// A uniform draw in [0, 1) from a per-thread generator.
double unit_random();

}  // namespace pgvigil
