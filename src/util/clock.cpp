#include "util/clock.h"

namespace pgvigil {

bool RealClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv, std::stop_token stop,
                           SteadyTime deadline, const std::function<bool()>& ready) const {
  return cv.wait_until(lock, stop, deadline, ready);
}

const Clock& real_clock() {
  static const RealClock clock;
  return clock;
}

ManualClock::ManualClock(WallTime wall_start) : wall_start_(wall_start) {}

SteadyTime ManualClock::now() const { return SteadyTime{} + std::chrono::nanoseconds(offset_ns_.load()); }

WallTime ManualClock::wall_now() const {
  return wall_start_ + std::chrono::duration_cast<WallTime::duration>(std::chrono::nanoseconds(offset_ns_.load()));
}

void ManualClock::advance(std::chrono::nanoseconds by) { offset_ns_.fetch_add(by.count()); }

bool ManualClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv,
                             std::stop_token stop, SteadyTime deadline, const std::function<bool()>& ready) const {
  // Manual time moves without notifying anyone, so look again every millisecond of real time.
  while (!ready() && !stop.stop_requested() && now() < deadline) {
    cv.wait_for(lock, stop, std::chrono::milliseconds(1), ready);
  }
  return ready();
}

}  // namespace pgvigil
