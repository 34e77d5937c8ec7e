#include "util/periodic_worker.h"

#include <pthread.h>

namespace pgvigil {

PeriodicWorker::PeriodicWorker(std::string name, const Clock& clock, std::chrono::nanoseconds interval, Task task)
    : name_(std::move(name)), clock_(clock), interval_(interval), task_(std::move(task)),
      thread_([this](std::stop_token stop) { loop(stop); }) {}

PeriodicWorker::~PeriodicWorker() {
  thread_.request_stop();
  cv_.notify_all();
}

void PeriodicWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

void PeriodicWorker::request_stop() {
  thread_.request_stop();
  cv_.notify_all();
}

void PeriodicWorker::loop(std::stop_token stop) {
  // Thread names show up in top -H and gdb; Linux allows 15 characters.
  pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
  SteadyTime deadline = clock_.now();
  bool woken = false;
  while (!stop.stop_requested()) {
    task_(stop);
    const SteadyTime end = clock_.now();
    runs_.fetch_add(1);
    last_run_end_ns_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(end.time_since_epoch()).count());
    if (!woken) deadline += interval_;  // a run on request keeps the regular schedule
    if (end >= deadline) {
      overruns_.fetch_add(1);
      while (deadline <= end) deadline += interval_;  // skip missed slots instead of bursting
    }
    std::unique_lock lock(mutex_);
    woken = clock_.wait_until(lock, cv_, stop, deadline, [this] { return woken_; });
    woken_ = false;
  }
}

}  // namespace pgvigil
