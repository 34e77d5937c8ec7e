// A thread that runs a task every `interval` on a Clock: the first run at once, then on a fixed
// schedule (deadline += interval, so it does not drift). wake() runs the task at once without
// moving the schedule; a stop request ends the wait at once and the thread is joined on
// destruction. Counters let a supervisor tell whether the loop is advancing.
// All public members are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "util/clock.h"

namespace pgvigil {

class PeriodicWorker {
 public:
  using Task = std::function<void(std::stop_token)>;

  PeriodicWorker(std::string name, const Clock& clock, std::chrono::nanoseconds interval, Task task);
  ~PeriodicWorker();
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  void wake();
  void request_stop();  // returns at once; the destructor joins

  const std::string& name() const { return name_; }
  std::uint64_t runs() const { return runs_.load(); }
  std::uint64_t overruns() const { return overruns_.load(); }  // runs that ended past the next deadline
  SteadyTime last_run_end() const { return SteadyTime{} + std::chrono::nanoseconds(last_run_end_ns_.load()); }
  std::chrono::nanoseconds interval() const { return interval_; }

 private:
  void loop(std::stop_token stop);

  const std::string name_;
  const Clock& clock_;
  const std::chrono::nanoseconds interval_;
  Task task_;
  std::mutex mutex_;
  std::condition_variable_any cv_;
  bool woken_ = false;
  std::atomic<std::uint64_t> runs_{0};
  std::atomic<std::uint64_t> overruns_{0};
  std::atomic<std::int64_t> last_run_end_ns_{0};
  std::jthread thread_;  // last: started after everything it uses exists
};

}  // namespace pgvigil
