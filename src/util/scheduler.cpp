#include "util/scheduler.h"

#include <pthread.h>

#include <spdlog/spdlog.h>

namespace pgvigil {
namespace {

using std::chrono::nanoseconds;

std::int64_t ns_since_epoch(SteadyTime t) {
  return std::chrono::duration_cast<nanoseconds>(t.time_since_epoch()).count();
}

// How long an idle worker sleeps before it looks again; any change wakes it sooner.
constexpr std::chrono::minutes kIdleWait{1};

}  // namespace

ScheduledTask::ScheduledTask(Scheduler& scheduler, std::string name, nanoseconds interval, Fn fn)
    : scheduler_(scheduler), name_(std::move(name)), fn_(std::move(fn)), interval_ns_(interval.count()) {}

ScheduledTask::~ScheduledTask() { cancel(); }

void ScheduledTask::start() {
  std::lock_guard lock(scheduler_.mutex_);
  if (cancelled_ || queued_ || running_) return;
  scheduler_.enqueue(*this, next_due_);
}

void ScheduledTask::wake() {
  std::lock_guard lock(scheduler_.mutex_);
  if (cancelled_) return;
  woken_ = true;
  if (queued_) {
    scheduler_.dequeue(*this);
    scheduler_.enqueue(*this, scheduler_.clock_.now());
  }
  // A run in progress sees woken_ when it ends and is queued again at once.
}

void ScheduledTask::set_interval(nanoseconds interval) {
  std::lock_guard lock(scheduler_.mutex_);
  const auto old = nanoseconds(interval_ns_.exchange(interval.count()));
  if (old == interval) return;
  // The next due time moves with the interval, counted from the last regular run.
  next_due_ += interval - old;
  if (queued_ && !woken_) {
    scheduler_.dequeue(*this);
    scheduler_.enqueue(*this, next_due_);
  }
}

void ScheduledTask::request_stop() {
  {
    std::lock_guard lock(scheduler_.mutex_);
    cancelled_ = true;
    if (queued_) scheduler_.dequeue(*this);
  }
  stop_.request_stop();
}

void ScheduledTask::cancel() {
  request_stop();
  std::unique_lock lock(scheduler_.mutex_);
  if (runner_ == std::this_thread::get_id()) return;  // from inside its own run
  scheduler_.finished_.wait(lock, [this] { return !running_; });
}

Scheduler::Scheduler(std::string name, const Clock& clock, int threads, nanoseconds start_spacing)
    : name_(std::move(name)), clock_(clock), start_spacing_(start_spacing) {
  const auto count = static_cast<std::size_t>(std::max(threads, 1));
  workers_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    workers_.emplace_back([this, i](std::stop_token stop) { work(stop, i); });
  }
}

Scheduler::~Scheduler() {
  for (auto& worker : workers_) worker.request_stop();
  workers_.clear();  // joins: their waits end on the stop request
}

std::unique_ptr<ScheduledTask> Scheduler::every(std::string name, nanoseconds interval, ScheduledTask::Fn fn,
                                                std::optional<SteadyTime> first) {
  std::unique_ptr<ScheduledTask> task(new ScheduledTask(*this, std::move(name), interval, std::move(fn)));
  std::lock_guard lock(mutex_);
  if (first) {
    task->next_due_ = *first;
  } else {
    const SteadyTime now = clock_.now();
    task->next_due_ = last_first_due_ ? std::max(now, *last_first_due_ + start_spacing_) : now;
    last_first_due_ = task->next_due_;
  }
  return task;
}

void Scheduler::enqueue(ScheduledTask& task, SteadyTime due) {
  task.queued_due_ = due;
  task.queued_seq_ = next_seq_++;
  task.queued_ = true;
  const Key key{due, task.queued_seq_, &task};
  queue_.insert(key);
  if (!timer_held_) {
    hand_off_timer();
  } else if (*queue_.begin() == key) {
    ++head_changes_;
    timer_.notify_one();
  }
}

void Scheduler::dequeue(ScheduledTask& task) {
  const Key key{task.queued_due_, task.queued_seq_, &task};
  const bool was_head = !queue_.empty() && *queue_.begin() == key;
  queue_.erase(key);
  task.queued_ = false;
  if (was_head && timer_held_) {
    ++head_changes_;
    timer_.notify_one();
  }
}

void Scheduler::hand_off_timer() {
  ++handoffs_;
  idle_.notify_one();
}

void Scheduler::finish(ScheduledTask& task, bool out_of_schedule) {
  const SteadyTime end = clock_.now();
  const auto interval = task.interval();
  task.runs_.fetch_add(1);
  task.last_run_end_ns_.store(ns_since_epoch(end));
  if (!out_of_schedule) task.next_due_ += interval;  // a run on request keeps the regular schedule
  if (end >= task.next_due_) {
    task.overruns_.fetch_add(1);
    while (task.next_due_ <= end) task.next_due_ += interval;  // skip missed slots instead of bursting
  }
  task.running_ = false;
  task.runner_ = {};
  if (!task.cancelled_) enqueue(task, task.woken_ ? end : task.next_due_);
  finished_.notify_all();  // cancel() may be waiting for this run
}

void Scheduler::work(std::stop_token stop, std::size_t index) {
  // Thread names show up in top -H and gdb; Linux allows 15 characters.
  pthread_setname_np(pthread_self(), (name_ + "-" + std::to_string(index)).substr(0, 15).c_str());
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    if (queue_.empty() || timer_held_) {
      const std::uint64_t seen = handoffs_;
      clock_.wait_until(lock, idle_, stop, clock_.now() + kIdleWait, [&] { return handoffs_ != seen; });
      continue;
    }
    timer_held_ = true;
    ScheduledTask* task = nullptr;
    SteadyTime due{};
    SteadyTime now{};
    while (!stop.stop_requested() && !queue_.empty()) {
      due = std::get<0>(*queue_.begin());
      now = clock_.now();
      if (due <= now) {
        task = std::get<2>(*queue_.begin());
        break;
      }
      const std::uint64_t seen = head_changes_;
      clock_.wait_until(lock, timer_, stop, due, [&] { return head_changes_ != seen; });
    }
    timer_held_ = false;
    if (task == nullptr) continue;
    dequeue(*task);
    if (!queue_.empty()) hand_off_timer();  // the next due task is another worker's to wait for
    const bool out_of_schedule = task->woken_;
    task->woken_ = false;
    task->running_ = true;
    task->runner_ = std::this_thread::get_id();
    task->last_delay_ns_.store((now - due).count());
    const auto token = task->stop_.get_token();
    lock.unlock();
    try {
      task->fn_(token);
    } catch (const std::exception& e) {
      // A task's failure is its own: the worker, and every other task, carry on.
      spdlog::error("{}: task {} failed: {}", name_, task->name(), e.what());
    }
    lock.lock();
    finish(*task, out_of_schedule);
  }
}

}  // namespace pgvigil
