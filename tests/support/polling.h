// Bounded polling: every wait in the test harness goes through poll_until so none can hang a
// test run. Stateless; safe from any thread.
#pragma once

#include <chrono>
#include <thread>

namespace pgvigil::testing {

// Calls `done` until it returns true or `limit` passes; returns whether it succeeded. The
// interval starts at 1 ms and grows to `max_interval`, so fast events are seen quickly without
// spinning on slow ones.
template <class Predicate>
bool poll_until(Predicate&& done, std::chrono::milliseconds limit,
                std::chrono::milliseconds max_interval = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::chrono::milliseconds interval(1);
  while (true) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
    if (interval < max_interval) interval *= 2;
    if (interval > max_interval) interval = max_interval;
  }
}

}  // namespace pgvigil::testing
