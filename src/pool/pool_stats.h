// A copy of one member pool's counters, taken under the pool's lock. Plain value.
#pragma once

#include <cstdint>

#include "pool/circuit_breaker.h"

namespace pgvigil::pool {

struct PoolStats {
  int total = 0;    // open or opening; never above max
  int idle = 0;
  int in_use = 0;
  int waiting = 0;  // callers blocked in acquire()
  int max = 0;
  std::uint64_t acquires = 0;
  std::uint64_t acquire_timeouts = 0;
  double acquire_wait_seconds_total = 0;
  std::uint64_t connects = 0;
  std::uint64_t connect_failures = 0;
  std::uint64_t validations_failed = 0;
  std::uint64_t rotations = 0;      // closed for max_lifetime
  std::uint64_t idle_closed = 0;    // closed for idle_timeout
  std::uint64_t lost_detected = 0;  // idle sessions the server closed
  CircuitState circuit = CircuitState::closed;
};

}  // namespace pgvigil::pool
