// The scheduler under a manual clock: tasks run in due order on a fixed set of threads, keep
// their schedule without drift, and a slow task delays only itself.
#include "util/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pgvigil {
namespace {

using namespace std::chrono_literals;

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 3000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return pred();
}

// What ran, in order, with the manual clock's reading at the start of each run.
class RunLog {
 public:
  void add(const std::string& name, SteadyTime at) {
    std::lock_guard lock(mutex_);
    runs_.emplace_back(name, at);
  }
  std::vector<std::pair<std::string, SteadyTime>> runs() const {
    std::lock_guard lock(mutex_);
    return runs_;
  }
  std::size_t count(const std::string& name) const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::ranges::count_if(runs_, [&](const auto& r) { return r.first == name; }));
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, SteadyTime>> runs_;
};

TEST(Scheduler, RunsTasksInDueOrderOnOneThread) {
  ManualClock clock;
  Scheduler scheduler("test", clock, 1);
  RunLog log;
  const auto start = clock.now();
  auto record = [&](std::string name) { return [&, name](std::stop_token) { log.add(name, clock.now()); }; };
  auto c = scheduler.every("c", 10s, record("c"), start + 3s);
  c->start();
  auto a = scheduler.every("a", 10s, record("a"), start + 1s);
  a->start();
  auto b = scheduler.every("b", 10s, record("b"), start + 2s);
  b->start();
  std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(log.runs().empty()) << "nothing is due before the clock moves";
  clock.advance(5s);
  ASSERT_TRUE(eventually([&] { return log.runs().size() == 3; }));
  const auto runs = log.runs();
  EXPECT_EQ(runs[0].first, "a");
  EXPECT_EQ(runs[1].first, "b");
  EXPECT_EQ(runs[2].first, "c");
  EXPECT_EQ(a->last_delay(), 4s) << "due at 1 s, started when the clock reached 5 s";
}

TEST(Scheduler, KeepsAFixedScheduleWithoutDrift) {
  ManualClock clock;
  Scheduler scheduler("test", clock, 2);
  RunLog log;
  const auto start = clock.now();
  // Each run takes 300 ms of the clock; the schedule must still be 0, 1, 2, ... seconds.
  auto task = scheduler.every("t", 1s, [&](std::stop_token) {
    log.add("t", clock.now());
    clock.advance(300ms);
  });
  task->start();
  ASSERT_TRUE(eventually([&] { return log.count("t") == 1; }));
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(eventually([&] { return task->runs() == static_cast<std::uint64_t>(i); }));
    clock.advance(700ms);
    ASSERT_TRUE(eventually([&] { return log.count("t") == static_cast<std::size_t>(i + 1); }));
  }
  const auto runs = log.runs();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i].second - start, std::chrono::seconds(i)) << "run " << i;
  }
  EXPECT_EQ(task->overruns(), 0u);
}

TEST(Scheduler, ASlowTaskDelaysOnlyItself) {
  ManualClock clock;
  Scheduler scheduler("test", clock, 2);
  std::latch release(1);
  std::atomic<int> slow_runs{0};
  std::atomic<int> fast_runs{0};
  auto slow = scheduler.every("slow", 1s, [&](std::stop_token) {
    if (++slow_runs == 1) release.wait();  // its first run hangs until the end of the test
  });
  slow->start();
  auto fast1 = scheduler.every("fast1", 1s, [&](std::stop_token) { ++fast_runs; });
  auto fast2 = scheduler.every("fast2", 1s, [&](std::stop_token) { ++fast_runs; });
  fast1->start();
  fast2->start();
  // Runs are counted once ended (task->runs()), so none is still ending when the clock moves.
  ASSERT_TRUE(eventually([&] { return slow_runs == 1 && fast1->runs() == 1 && fast2->runs() == 1; }));
  for (int second = 1; second <= 5; ++second) {
    clock.advance(1s);
    const auto want = static_cast<std::uint64_t>(second + 1);
    ASSERT_TRUE(eventually([&] { return fast1->runs() == want && fast2->runs() == want; })) << "second " << second;
  }
  EXPECT_EQ(fast_runs, 12);
  EXPECT_EQ(fast1->overruns(), 0u);
  EXPECT_EQ(fast2->overruns(), 0u);
  EXPECT_EQ(fast1->last_delay(), 0ns) << "the other tasks start on time while one hangs";
  EXPECT_EQ(slow_runs, 1) << "a task never runs beside itself";
  release.count_down();
  ASSERT_TRUE(eventually([&] { return slow->runs() == 1; }));
  EXPECT_EQ(slow->overruns(), 1u) << "its missed slots are counted once and skipped";
  clock.advance(1s);
  ASSERT_TRUE(eventually([&] { return slow_runs == 2; }));
}

TEST(Scheduler, WakeRunsNowWithoutMovingTheSchedule) {
  ManualClock clock;
  Scheduler scheduler("test", clock, 1);
  RunLog log;
  const auto start = clock.now();
  auto task = scheduler.every("t", 10s, [&](std::stop_token) { log.add("t", clock.now()); });
  task->start();
  ASSERT_TRUE(eventually([&] { return task->runs() == 1; }));
  clock.advance(3s);
  task->wake();
  ASSERT_TRUE(eventually([&] { return task->runs() == 2; }));
  clock.advance(6s);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(log.count("t"), 2u);
  clock.advance(1s);  // the original 10 s due time
  ASSERT_TRUE(eventually([&] { return log.count("t") == 3; }));
  EXPECT_EQ(log.runs()[2].second - start, 10s);
}

TEST(Scheduler, ANewIntervalAppliesFromTheNextDueTime) {
  ManualClock clock;
  Scheduler scheduler("test", clock, 1);
  std::atomic<int> runs{0};
  auto task = scheduler.every("t", 10s, [&](std::stop_token) { ++runs; });
  task->start();
  ASSERT_TRUE(eventually([&] { return task->runs() == 1; }));
  task->set_interval(2s);
  clock.advance(2s);
  ASSERT_TRUE(eventually([&] { return task->runs() == 2; }));
  clock.advance(2s);
  ASSERT_TRUE(eventually([&] { return task->runs() == 3; }));
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(task->interval(), 2s);
}

TEST(Scheduler, TasksMadeInABurstHaveTheirFirstRunsSpread) {
  ManualClock clock;
  Scheduler scheduler("test", clock, 2, 10ms);
  std::atomic<int> runs{0};
  std::vector<std::unique_ptr<ScheduledTask>> tasks;
  for (int i = 0; i < 5; ++i) {
    tasks.push_back(scheduler.every("t" + std::to_string(i), 1s, [&](std::stop_token) { ++runs; }));
    tasks.back()->start();
  }
  const auto ended = [&] {
    std::uint64_t total = 0;
    for (const auto& task : tasks) total += task->runs();
    return total;
  };
  ASSERT_TRUE(eventually([&] { return ended() == 1; })) << "the first at once";
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(runs, 1);
  clock.advance(25ms);
  ASSERT_TRUE(eventually([&] { return ended() == 3; })) << "then one every 10 ms";
  clock.advance(20ms);
  ASSERT_TRUE(eventually([&] { return ended() == 5; }));
  clock.advance(1s);
  ASSERT_TRUE(eventually([&] { return ended() == 10; })) << "each keeps its own phase";
  EXPECT_EQ(runs, 10);
  for (const auto& task : tasks) EXPECT_EQ(task->overruns(), 0u);
}

TEST(Scheduler, CancelWaitsForARunInProgressAndStopsItsToken) {
  Scheduler scheduler("test", real_clock(), 2);
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  auto task = scheduler.every("t", 1h, [&](std::stop_token stop) {
    started = true;
    while (!stop.stop_requested()) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(20ms);
    finished = true;
  });
  task->start();
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  task->cancel();
  EXPECT_TRUE(finished) << "cancel() returned before the run ended";
  EXPECT_EQ(task->runs(), 1u);
}

TEST(Scheduler, ThreadsDoNotDependOnTheNumberOfTasks) {
  ManualClock clock;
  Scheduler scheduler("test", clock, 3);
  std::atomic<int> runs{0};
  std::vector<std::unique_ptr<ScheduledTask>> tasks;
  for (int i = 0; i < 500; ++i) {
    tasks.push_back(scheduler.every("t" + std::to_string(i), 5s, [&](std::stop_token) { ++runs; }));
    tasks.back()->start();
  }
  // Counted as the scheduler counts them, once each run has ended and its next is scheduled: a
  // run still ending when the clock moves would rightly count as an overrun and skip its slot.
  const auto finished = [&] {
    std::uint64_t total = 0;
    for (const auto& task : tasks) total += task->runs();
    return total;
  };
  // Generous limits: under ThreadSanitizer and a loaded machine, 500 runs take a while.
  ASSERT_TRUE(eventually([&] { return finished() == 500; }, 30s));
  EXPECT_EQ(scheduler.threads(), 3u);
  clock.advance(5s);
  ASSERT_TRUE(eventually([&] { return finished() == 1000; }, 30s));
  EXPECT_EQ(runs, 1000);
  tasks.clear();
  clock.advance(5s);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(runs, 1000) << "a destroyed task never runs again";
}

}  // namespace
}  // namespace pgvigil
