#include "http/worker_pool.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <set>
#include <string>

namespace pgvigil::http {
namespace {

int own_nice() { return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid))); }

std::string own_name() {
  char name[16] = {};
  ::pthread_getname_np(::pthread_self(), name, sizeof name);
  return name;
}

TEST(HttpWorkerPool, WorkersAreNamedAndRunBelowTheCallersPriority) {
  const int caller_nice = own_nice();
  WorkerPool pool(2);
  std::promise<std::pair<std::string, int>> seen;
  pool.enqueue([&] { seen.set_value({own_name(), own_nice()}); });
  const auto [name, nice] = seen.get_future().get();
  EXPECT_TRUE(name == "http-0" || name == "http-1") << name;
  EXPECT_EQ(nice, std::min(caller_nice + WorkerPool::kNiceIncrement, 19));
  EXPECT_EQ(own_nice(), caller_nice);  // the caller keeps its own priority
}

TEST(HttpWorkerPool, ShutdownServesWhatIsQueuedThenJoins) {
  std::atomic<int> done{0};
  std::promise<void> release;
  auto gate = release.get_future().share();
  WorkerPool pool(1);
  pool.enqueue([gate, &done] {
    gate.wait();  // holds the only worker while more jobs queue up behind it
    ++done;
  });
  for (int i = 0; i < 10; ++i) pool.enqueue([&done] { ++done; });
  release.set_value();
  pool.shutdown();
  EXPECT_EQ(done.load(), 11);
  pool.shutdown();  // a second call is harmless
}

TEST(HttpWorkerPool, JobsSpreadOverTheThreads) {
  WorkerPool pool(3);
  std::mutex mutex;
  std::set<std::string> names;
  std::promise<void> all_in;
  std::atomic<int> arrived{0};
  auto gate = all_in.get_future().share();
  for (int i = 0; i < 3; ++i) {
    pool.enqueue([&, gate] {
      {
        std::lock_guard lock(mutex);
        names.insert(own_name());
      }
      if (++arrived == 3) all_in.set_value();
      gate.wait();  // each job holds its thread until all three run at once
    });
  }
  pool.shutdown();
  EXPECT_EQ(names, (std::set<std::string>{"http-0", "http-1", "http-2"}));
}

}  // namespace
}  // namespace pgvigil::http
