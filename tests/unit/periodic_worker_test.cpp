#include "util/periodic_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace pgvigil {
namespace {

using namespace std::chrono_literals;

// Waits (in real time, bounded) for a condition another thread makes true.
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 2000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return pred();
}

TEST(PeriodicWorker, RunsAtOnceThenOncePerIntervalOfTheClock) {
  ManualClock clock;
  std::atomic<int> runs{0};
  PeriodicWorker worker("test", clock, 5s, [&](std::stop_token) { ++runs; });
  ASSERT_TRUE(eventually([&] { return runs == 1; }));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(runs, 1) << "no second run before the clock moves";
  clock.advance(4s);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(runs, 1);
  clock.advance(1s);
  ASSERT_TRUE(eventually([&] { return runs == 2; }));
  clock.advance(5s);
  ASSERT_TRUE(eventually([&] { return runs == 3; }));
  EXPECT_EQ(worker.overruns(), 0u);
}

TEST(PeriodicWorker, WakeRunsNowWithoutMovingTheSchedule) {
  ManualClock clock;
  std::atomic<int> runs{0};
  PeriodicWorker worker("test", clock, 10s, [&](std::stop_token) { ++runs; });
  ASSERT_TRUE(eventually([&] { return runs == 1; }));
  clock.advance(3s);
  worker.wake();
  ASSERT_TRUE(eventually([&] { return runs == 2; }));
  clock.advance(7s);  // the original 10 s deadline
  ASSERT_TRUE(eventually([&] { return runs == 3; }));
}

TEST(PeriodicWorker, ASlowRunCountsAnOverrunAndSkipsMissedSlots) {
  ManualClock clock;
  std::atomic<int> runs{0};
  PeriodicWorker worker("test", clock, 1s, [&](std::stop_token) {
    if (++runs == 1) clock.advance(3500ms);  // the first run takes three and a half intervals
  });
  ASSERT_TRUE(eventually([&] { return worker.overruns() == 1; }));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(runs, 1) << "missed slots are skipped, not replayed in a burst";
  clock.advance(500ms);
  ASSERT_TRUE(eventually([&] { return runs == 2; }));
}

TEST(PeriodicWorker, StopEndsALongWaitAtOnce) {
  std::atomic<int> runs{0};
  const auto started = std::chrono::steady_clock::now();
  {
    PeriodicWorker worker("test", real_clock(), 1h, [&](std::stop_token) { ++runs; });
    ASSERT_TRUE(eventually([&] { return runs == 1; }));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

TEST(PeriodicWorker, ReportsWhenItLastFinished) {
  ManualClock clock;
  clock.advance(100s);
  PeriodicWorker worker("test", clock, 1s, [](std::stop_token) {});
  ASSERT_TRUE(eventually([&] { return worker.runs() >= 1; }));
  EXPECT_EQ(worker.last_run_end(), clock.now());
}

}  // namespace
}  // namespace pgvigil
