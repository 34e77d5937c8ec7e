// The one source of time. Production code takes a `const Clock&`; tests pass a ManualClock and
// move time by hand. Both are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>

namespace pgvigil {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime now() const = 0;      // for intervals and deadlines
  virtual WallTime wall_now() const = 0;   // for timestamps people read

  // Waits on `cv` (with `lock` held on entry and exit) until `ready()` is true, a stop is
  // requested, or this clock reaches `deadline`. Returns ready().
  virtual bool wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv, std::stop_token stop,
                          SteadyTime deadline, const std::function<bool()>& ready) const = 0;
};

class RealClock final : public Clock {
 public:
  SteadyTime now() const override { return std::chrono::steady_clock::now(); }
  WallTime wall_now() const override { return std::chrono::system_clock::now(); }
  bool wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv, std::stop_token stop,
                  SteadyTime deadline, const std::function<bool()>& ready) const override;
};

const Clock& real_clock();

// Time stands still until advance() moves it. Waiters notice an advance within a millisecond.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(WallTime wall_start = WallTime{} + std::chrono::hours(24 * 365 * 56));
  SteadyTime now() const override;
  WallTime wall_now() const override;
  bool wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv, std::stop_token stop,
                  SteadyTime deadline, const std::function<bool()>& ready) const override;
  void advance(std::chrono::nanoseconds by);

 private:
  std::atomic<std::int64_t> offset_ns_{0};
  WallTime wall_start_;
};

}  // namespace pgvigil
