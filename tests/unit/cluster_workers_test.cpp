// The liveness verdict watches every periodic task of a cluster: the health monitors, and, when
// they run, the canceller's activity polls and the pg_stat_statements samplers; a reload turns
// them on and off in place. The members here point at a closed loopback port: the tasks run (and
// fail to connect) without any server, on the same few scheduler threads whatever their number.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>
#include <string>

#include <spdlog/spdlog.h>

#include "cluster/cluster_runtime.h"
#include "queries/action_journal.h"
#include "queries/interval_journal.h"
#include "util/clock.h"
#include "util/ctype_cache.h"
#include "util/scheduler.h"

namespace pgvigil::cluster {
namespace {

using namespace std::chrono_literals;

config::ClusterConfig unreachable_cluster(config::CancelMode mode, bool statements) {
  config::ClusterConfig c;
  c.name = "main";
  for (const char* name : {"db1", "db2"}) {
    config::MemberConfig m;
    m.name = name;
    m.params = {{"host", "127.0.0.1"}, {"port", "1"}, {"dbname", "postgres"}, {"user", "pgvigil"}};
    c.members.push_back(std::move(m));
  }
  c.pool.connect_timeout = 1s;
  c.queries.cancel.mode = mode;
  c.queries.statements = statements;
  return c;
}

std::multiset<std::chrono::nanoseconds> intervals_of(const ClusterRuntime& runtime) {
  std::multiset<std::chrono::nanoseconds> intervals;
  for (const ScheduledTask* task : runtime.workers()) intervals.insert(task->interval());
  return intervals;
}

class ClusterWorkers : public ::testing::Test {
 protected:
  // As the daemon does before any thread starts: its logger set up, and the regex scanner's
  // character cache filled (the runtime compiles regular expressions on several threads).
  ClusterWorkers() {
    spdlog::default_logger();
    fill_ctype_narrow_cache();
  }

  const std::string state_dir_ =
      (std::filesystem::temp_directory_path() / ("pgvigil-workers-" + std::to_string(::getpid()))).string();
  queries::ActionJournal actions_{state_dir_, real_clock()};
  queries::IntervalJournal statements_{state_dir_, real_clock(), config::DaemonConfig{}.statement_history_max_bytes};
  Scheduler health_{"health", real_clock(), 2};
  Scheduler background_{"work", real_clock(), 2};
  RuntimeServices services_{health_, background_, nullptr, real_clock(), &actions_, &statements_};

  ~ClusterWorkers() override { std::filesystem::remove_all(state_dir_); }
};

TEST_F(ClusterWorkers, EveryLoopOfTheClusterIsWatched) {
  auto config = unreachable_cluster(config::CancelMode::dry_run, true);
  config.health.interval = 5s;
  config.queries.activity_interval = 1s;
  config.queries.statements_interval = 60s;
  ClusterRuntime runtime(config, services_);
  EXPECT_EQ(intervals_of(runtime), (std::multiset<std::chrono::nanoseconds>{5s, 5s, 1s, 1s, 60s, 60s}));
}

TEST_F(ClusterWorkers, LoopsThatAreTurnedOffAreNotWatched) {
  auto config = unreachable_cluster(config::CancelMode::off, false);
  config.health.interval = 5s;
  ClusterRuntime runtime(config, services_);
  EXPECT_EQ(intervals_of(runtime), (std::multiset<std::chrono::nanoseconds>{5s, 5s}));
}

TEST_F(ClusterWorkers, AReloadTurnsLoopsOnAndOffAndChangesIntervalsInPlace) {
  auto config = unreachable_cluster(config::CancelMode::off, false);
  config.health.interval = 5s;
  ClusterRuntime runtime(config, services_);
  const auto before = runtime.workers();
  config.queries.cancel.mode = config::CancelMode::dry_run;
  config.queries.activity_interval = 2s;
  config.queries.statements = true;
  config.queries.statements_interval = 30s;
  config.health.interval = 10s;
  runtime.reconfigure(config);
  EXPECT_EQ(intervals_of(runtime), (std::multiset<std::chrono::nanoseconds>{10s, 10s, 2s, 2s, 30s, 30s}));
  const auto after = runtime.workers();
  for (const auto* task : before) {
    EXPECT_NE(std::ranges::find(after, task), after.end()) << "the health cycles were not rebuilt: " << task->name();
  }
  config.queries.cancel.mode = config::CancelMode::off;
  config.queries.statements = false;
  runtime.reconfigure(config);
  EXPECT_EQ(intervals_of(runtime), (std::multiset<std::chrono::nanoseconds>{10s, 10s}));
}

TEST_F(ClusterWorkers, NewConnectionSettingsBuildAMemberBesideTheOneInService) {
  auto config = unreachable_cluster(config::CancelMode::off, false);
  config.pool.connect_timeout = 100ms;
  ClusterRuntime runtime(config, services_);
  const auto before = runtime.workers();
  config.members[1].params.emplace_back("connect_timeout", "1");
  runtime.reconfigure(config);
  const auto during = runtime.workers();
  EXPECT_EQ(during.size(), 3u) << "db2's rebuild runs beside the one in service";
  EXPECT_NE(std::ranges::find(during, before[0]), during.end()) << "db1 is untouched";
  EXPECT_NE(std::ranges::find(during, before[1]), during.end()) << "the old db2 serves until the swap";
  const auto end = std::chrono::steady_clock::now() + 5s;
  while (runtime.workers().size() != 2 && std::chrono::steady_clock::now() < end) {
    runtime.tick();
    std::this_thread::sleep_for(5ms);
  }
  const auto after = runtime.workers();
  ASSERT_EQ(after.size(), 2u) << "the rebuilt db2 is swapped in once its first cycle is done";
  EXPECT_EQ(after[0], before[0]);
  EXPECT_NE(after[1], before[1]);
  EXPECT_TRUE(runtime.ready());
}

}  // namespace
}  // namespace pgvigil::cluster
