// The liveness verdict watches every periodic loop of a cluster: the health monitors, and, when
// they run, the canceller's activity polls and the pg_stat_statements samplers. The members here
// point at a closed loopback port: the loops run (and fail to connect) without any server.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include <spdlog/spdlog.h>

#include "cluster/cluster_runtime.h"
#include "queries/action_journal.h"
#include "queries/interval_journal.h"
#include "util/clock.h"
#include "util/ctype_cache.h"

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
  for (const PeriodicWorker* worker : runtime.workers()) intervals.insert(worker->interval());
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

  ~ClusterWorkers() override { std::filesystem::remove_all(state_dir_); }
};

TEST_F(ClusterWorkers, EveryLoopOfTheClusterIsWatched) {
  auto config = unreachable_cluster(config::CancelMode::dry_run, true);
  config.health.interval = 5s;
  config.queries.activity_interval = 1s;
  config.queries.statements_interval = 60s;
  ClusterRuntime runtime(config, real_clock(), {}, &actions_, &statements_);
  EXPECT_EQ(intervals_of(runtime), (std::multiset<std::chrono::nanoseconds>{5s, 5s, 1s, 1s, 60s, 60s}));
}

TEST_F(ClusterWorkers, LoopsThatAreTurnedOffAreNotWatched) {
  auto config = unreachable_cluster(config::CancelMode::off, false);
  config.health.interval = 5s;
  ClusterRuntime runtime(config, real_clock(), {}, &actions_, &statements_);
  EXPECT_EQ(intervals_of(runtime), (std::multiset<std::chrono::nanoseconds>{5s, 5s}));
}

}  // namespace
}  // namespace pgvigil::cluster
