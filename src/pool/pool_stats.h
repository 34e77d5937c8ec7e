// A copy of one member pool's counters, taken under the pool's lock. Plain value.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "pool/circuit_breaker.h"

namespace pgvigil::pool {

// Upper bounds, in seconds, of the acquire-wait histogram. An idle session is handed out in
// microseconds, a new connection takes milliseconds, and a pool at its max waits up to
// acquire_timeout (default 2s): the buckets separate those three.
inline constexpr std::array<double, 8> kAcquireWaitBounds{0.0005, 0.002, 0.01, 0.05, 0.25, 1, 2.5, 10};

// The slot a wait falls in: the first bound it does not exceed (Prometheus' `le`), or the last
// slot past every bound.
constexpr std::size_t acquire_wait_bucket(double seconds) {
  std::size_t i = 0;
  while (i < kAcquireWaitBounds.size() && seconds > kAcquireWaitBounds[i]) ++i;
  return i;
}

struct PoolStats {
  int total = 0;    // open or opening; never above max
  int idle = 0;
  int in_use = 0;
  int waiting = 0;  // callers blocked in acquire()
  int max = 0;
  std::uint64_t acquires = 0;
  std::uint64_t acquire_timeouts = 0;
  double acquire_wait_seconds_total = 0;
  // How many acquires waited up to each bound (not cumulative); the last slot counts the
  // longer ones. Timeouts and failures are counted too: they are waits as well.
  std::array<std::uint64_t, kAcquireWaitBounds.size() + 1> acquire_wait_counts{};
  std::uint64_t connects = 0;
  std::uint64_t connect_failures = 0;
  std::uint64_t validations_failed = 0;
  std::uint64_t rotations = 0;      // closed for max_lifetime
  std::uint64_t idle_closed = 0;    // closed for idle_timeout
  std::uint64_t lost_detected = 0;  // idle sessions the server closed
  CircuitState circuit = CircuitState::closed;
};

}  // namespace pgvigil::pool
