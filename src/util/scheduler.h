// Periodic work for any number of tasks on a fixed set of threads: a timer queue over a Clock and
// `threads` workers that take whatever task is due first. A task never runs concurrently with
// itself; a slow run holds one worker and delays only its own next run (others go on on the
// remaining workers). Each task keeps a fixed schedule (due += interval, so it does not drift),
// counts the runs that ended past their next due time (overruns, missed slots skipped rather than
// replayed) and how late each run started (the scheduling delay: the daemon's own lateness, never
// the server's).
//
// The daemon runs two: one for health cycles and one for the other database work (activity
// polls, statement sampling, pool upkeep), so the latter never delays the former.
// All public members are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "util/clock.h"

namespace pgvigil {

class Scheduler;

// One periodic task; its owner holds it. Destroying it cancels it: no run starts afterwards and a
// run in progress is waited for, so everything the task uses may be destroyed after it.
class ScheduledTask {
 public:
  using Fn = std::function<void(std::stop_token)>;

  ~ScheduledTask();
  ScheduledTask(const ScheduledTask&) = delete;
  ScheduledTask& operator=(const ScheduledTask&) = delete;

  // Queues the first run. Separate from Scheduler::every() so that the owner can store the
  // task before its first run begins (a run may read its own task's counters).
  void start();
  void wake();                                         // run as soon as a worker is free; the schedule stays
  void set_interval(std::chrono::nanoseconds interval);  // from the next due time on
  void request_stop();  // asks a run in progress to end early (its stop token); no further runs
  void cancel();        // request_stop(), then waits for a run in progress (not when called from it)

  const std::string& name() const { return name_; }
  std::uint64_t runs() const { return runs_.load(); }
  std::uint64_t overruns() const { return overruns_.load(); }
  SteadyTime last_run_end() const { return SteadyTime{} + std::chrono::nanoseconds(last_run_end_ns_.load()); }
  std::chrono::nanoseconds interval() const { return std::chrono::nanoseconds(interval_ns_.load()); }
  // How late the last run started after it was due (a run asked for by wake() counts from the wake).
  std::chrono::nanoseconds last_delay() const { return std::chrono::nanoseconds(last_delay_ns_.load()); }

 private:
  friend class Scheduler;
  ScheduledTask(Scheduler& scheduler, std::string name, std::chrono::nanoseconds interval, Fn fn);

  Scheduler& scheduler_;
  const std::string name_;
  const Fn fn_;
  std::stop_source stop_;

  // Guarded by the scheduler's mutex.
  SteadyTime next_due_{};      // the regular schedule
  SteadyTime queued_due_{};    // the key it is queued under, when queued_
  std::uint64_t queued_seq_ = 0;
  bool queued_ = false;
  bool running_ = false;
  bool woken_ = false;         // a wake() came: the next run is out of schedule
  bool cancelled_ = false;
  std::thread::id runner_{};

  std::atomic<std::int64_t> interval_ns_;
  std::atomic<std::uint64_t> runs_{0};
  std::atomic<std::uint64_t> overruns_{0};
  std::atomic<std::int64_t> last_run_end_ns_{0};
  std::atomic<std::int64_t> last_delay_ns_{0};
};

class Scheduler {
 public:
  // Tasks made in a burst (a start with hundreds of members) have their first runs spread
  // `start_spacing` apart rather than all due at once: the burst's work, connects included, is
  // spread over the interval instead of queuing behind itself.
  Scheduler(std::string name, const Clock& clock, int threads,
            std::chrono::nanoseconds start_spacing = std::chrono::nanoseconds::zero());
  ~Scheduler();  // every task must have been destroyed; stops and joins the workers
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // A task whose first run is due at `first` (default: now, or after the first run of the task
  // made just before, start_spacing later), then every `interval`; nothing runs before its start().
  std::unique_ptr<ScheduledTask> every(std::string name, std::chrono::nanoseconds interval, ScheduledTask::Fn fn,
                                       std::optional<SteadyTime> first = std::nullopt);

  const Clock& clock() const { return clock_; }
  std::size_t threads() const { return workers_.size(); }

 private:
  friend class ScheduledTask;
  using Key = std::tuple<SteadyTime, std::uint64_t, ScheduledTask*>;

  void work(std::stop_token stop, std::size_t index);
  void enqueue(ScheduledTask& task, SteadyTime due);  // with mutex_ held
  void dequeue(ScheduledTask& task);                  // with mutex_ held
  void hand_off_timer();                              // with mutex_ held
  void finish(ScheduledTask& task, bool out_of_schedule);  // with mutex_ held

  const std::string name_;
  const Clock& clock_;
  const std::chrono::nanoseconds start_spacing_;
  std::mutex mutex_;
  std::optional<SteadyTime> last_first_due_;  // guarded by mutex_
  // One idle worker at a time holds the timer: it sleeps until the earliest due time and is woken
  // only when that changes. The others sleep until the timer is handed to them, so a run wakes
  // one thread rather than every idle one.
  std::condition_variable_any timer_;    // the timer holder: the earliest due time changed
  std::condition_variable_any idle_;     // the others: the timer is free to take
  std::condition_variable_any finished_; // cancel(): a run ended
  bool timer_held_ = false;
  std::uint64_t head_changes_ = 0;
  std::uint64_t handoffs_ = 0;
  std::set<Key> queue_;          // earliest first
  std::uint64_t next_seq_ = 0;
  std::vector<std::jthread> workers_;  // last: they use everything above
};

}  // namespace pgvigil
