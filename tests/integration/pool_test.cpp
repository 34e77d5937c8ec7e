// Connection pools against real servers: the hard budget, loss detection, hung servers,
// failover and split brain, backoff, rotation and idle close.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <cmath>
#include <fstream>
#include <set>
#include <thread>

#include "cluster/cluster_runtime.h"
#include "cluster/connect_spec.h"
#include "db/conninfo.h"
#include "pg_cluster.h"
#include "ports.h"
#include "pool/pool_manager.h"
#include "pool_fixture.h"

namespace pgvigil::pool_testing {
namespace {

TEST(Pool, NeverOpensMoreThanMaxUnderAHammeringAndWaitersTimeOutCleanly) {
  auto pg = PgCluster::start({.with_replica = false});
  auto config = cluster_config(pg, 1);
  config.pool.max = 2;
  config.pool.acquire_timeout = 200ms;
  MemberPool member_pool(config, "db1");
  auto& pool = member_pool.pool;

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, timed_out{0}, other{0}, peak_seen{0};
  std::vector<std::jthread> threads;
  for (int t = 0; t < 50; ++t) {
    // Health cycles and other work together: the reserve for the first never lifts the bound.
    const auto purpose = t % 5 == 0 ? pool::Purpose::health : pool::Purpose::other;
    threads.emplace_back([&, purpose] {
      while (!stop) {
        auto lease = pool.acquire(purpose);
        if (lease) {
          ++ok;
          (void)(*lease)->query("SELECT pg_sleep(0.02)", 1s);
        } else if (lease.error().kind == db::ErrorKind::timeout) {
          ++timed_out;
        } else {
          ++other;
        }
      }
    });
  }
  const auto end = Clock::now() + 3s;
  while (Clock::now() < end) {
    peak_seen = std::max(peak_seen.load(), pgvigil_sessions(pg, 0));
    EXPECT_LE(pool.stats().total, 2);
    std::this_thread::sleep_for(20ms);
  }
  stop = true;
  threads.clear();
  EXPECT_LE(peak_seen, 2);
  EXPECT_GE(peak_seen, 1);
  EXPECT_GT(ok, 50);
  EXPECT_GT(timed_out, 0) << "48 waiters on 2 sessions for 3 s must see acquire timeouts";
  EXPECT_EQ(other, 0);
  const auto stats = pool.stats();
  EXPECT_EQ(stats.in_use, 0);
  EXPECT_EQ(stats.waiting, 0);
  EXPECT_EQ(stats.acquire_timeouts, static_cast<std::uint64_t>(timed_out.load()));
}

TEST(Pool, AKilledPrimaryIsReportedDownWithinASecondAndRecoversAfterRestart) {
  auto pg = PgCluster::start({});
  auto config = cluster_config(pg);
  config.health.interval = 10s;
  Services services;
  cluster::ClusterRuntime runtime(config, services.services);
  std::shared_ptr<const health::ClusterSnapshot> hold;
  auto reachable = [&] { return member_of(runtime, "db1", hold).reachable; };
  ASSERT_TRUE(eventually([&] { return reachable(); }, 5s));
  std::this_thread::sleep_for(200ms);  // the cycle's lease is back in the pool, its socket watched

  const auto killed_at = Clock::now();
  pg.kill(0);
  ASSERT_TRUE(eventually([&] { return !reachable(); }, 3s));
  const auto detection = Clock::now() - killed_at;
  EXPECT_LT(detection, 1s) << std::chrono::duration<double>(detection).count();
  EXPECT_FALSE(runtime.pools().topology().primary);

  pg.restart(0);
  // The next cycle (at most one interval away) finds it again without anyone stepping in.
  ASSERT_TRUE(eventually([&] { return reachable(); }, 12s));
  EXPECT_EQ(runtime.pools().topology().primary, "db1");
  EXPECT_LE(pgvigil_sessions(pg, 0), config.pool.max) << "no leaked sessions";
}

TEST(Pool, AStoppedServerFailsAcquireAndQueriesWithinTheirDeadlinesThenRecovers) {
  auto pg = PgCluster::start({.with_replica = false});
  auto config = cluster_config(pg, 1);
  config.pool.validation_interval = 0ms;  // validate every reuse, as after a long idle
  MemberPool member_pool(config, "db1");
  auto& pool = member_pool.pool;
  { ASSERT_TRUE(pool.acquire()); }
  pg.sigstop(0);
  auto start = Clock::now();
  {
    auto lease = pool.acquire();  // validation of the idle session times out; a new connect too
    EXPECT_FALSE(lease);
  }
  EXPECT_LT(Clock::now() - start, 3s);
  pg.sigcont(0);
  ASSERT_TRUE(eventually([&] { return pool.acquire().has_value(); }, 10s));
}

TEST(Pool, PromotedReplicaBecomesThePrimaryAndTheOldOneComingBackIsASplitBrain) {
  auto pg = PgCluster::start({});
  auto config = cluster_config(pg);
  config.health.interval = 500ms;
  Services services;
  cluster::ClusterRuntime runtime(config, services.services);
  ASSERT_TRUE(eventually([&] { return runtime.pools().topology().primary == "db1"; }, 5s));

  pg.stop(0);
  pg.promote(1);
  const auto promoted = Clock::now();
  ASSERT_TRUE(eventually([&] { return runtime.pools().topology().primary == "db2"; }, 5s));
  EXPECT_LT(Clock::now() - promoted, 2 * config.health.interval + 1s) << "within two cycles";

  pg.restart(0);  // the old primary comes back on its old timeline
  ASSERT_TRUE(eventually([&] { return runtime.pools().topology().split_brain; }, 5s));
  const auto topology = runtime.pools().topology();
  EXPECT_EQ(topology.primary, "db2") << "the higher timeline wins";
  EXPECT_EQ(topology.fenced, std::vector<std::string>{"db1"});
}

TEST(Pool, ReadsGoToAReachableReplicaAndFallBackToThePrimary) {
  auto pg = PgCluster::start({});
  auto config = cluster_config(pg);
  config.health.interval = 500ms;
  Services services;
  cluster::ClusterRuntime runtime(config, services.services);
  auto& pools = runtime.pools();
  ASSERT_TRUE(eventually([&] { return pools.topology().primary == "db1"; }, 5s));
  auto in_recovery = [](pool::Lease& lease) {
    auto rows = lease->query("SELECT pg_is_in_recovery()::text AS r", 2s);
    return rows && rows->get(0, "r") == "true";
  };
  ASSERT_TRUE(eventually([&] {
    auto read = pools.acquire_for_read();
    return read && read->first == "db2" && in_recovery(read->second);
  }, 5s));
  {
    auto primary = pools.acquire_primary();
    ASSERT_TRUE(primary);
    EXPECT_FALSE(in_recovery(*primary));
  }

  pg.stop(1);
  ASSERT_TRUE(eventually([&] {
    auto read = pools.acquire_for_read();
    return read && read->first == "db1" && !in_recovery(read->second);
  }, 5s)) << "with the replica down, reads fall back to the primary";
  auto primary = pools.acquire_primary();
  ASSERT_TRUE(primary) << "the primary is still served";
}

TEST(Pool, ARotatedPasswordFileIsUsedByTheNextConnectWithoutARestart) {
  auto pg = PgCluster::start({.with_replica = false});
  auto config = cluster_config(pg, 1);
  const std::string password_file = pg.base_dir() + "/rotating.password";
  std::ofstream(password_file) << pg.password() << "\n";
  config.members[0].password_file = password_file;
  MemberPool member_pool(config, "db1");
  auto& pool = member_pool.pool;
  { ASSERT_TRUE(pool.acquire()); }

  pg.exec(0, "ALTER ROLE pgvigil PASSWORD 'rotated-s3cret'");
  std::ofstream(password_file, std::ios::trunc) << "rotated-s3cret\n";
  pg.exec(0, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgvigil'");
  ASSERT_TRUE(eventually([&] { return pgvigil_sessions(pg, 0) == 0; }, 5s));

  ASSERT_TRUE(eventually([&] { return pool.acquire().has_value(); }, 5s)) << "the new password was read";
  EXPECT_EQ(pgvigil_sessions(pg, 0), 1);
  EXPECT_GE(pool.stats().connects, 2u);
}

TEST(Pool, ConnectAttemptsToAClosedPortFollowTheBackoffSchedule) {
  config::ClusterConfig config;
  config.name = "dead";
  config::MemberConfig member;
  member.name = "gone";
  const int port = testing::free_port();
  member.params = *db::parse_conninfo("host=127.0.0.1 dbname=postgres user=x port=" + std::to_string(port));
  config.members.push_back(member);
  config.retry = {.base = 200ms, .max = 2s, .multiplier = 2.0, .circuit_after = 3};
  const db::Interrupter interrupter;
  std::mutex mutex;
  std::vector<Clock::time_point> attempts;
  auto spec_source = [&]() -> std::expected<db::ConnectSpec, std::string> {
    std::lock_guard lock(mutex);
    attempts.push_back(Clock::now());
    db::ConnectSpec spec;
    spec.params = member.params;
    return spec;
  };
  // The draw pinned at 1 makes each wait exactly its ceiling: 0.2, 0.4, 0.8, 1.6, 2, 2, ... s.
  pool::ConnectionPool pool("gone", config.pool, config.retry, spec_source, real_clock(), interrupter, nullptr, {},
                            [] { return 1.0; });
  const auto start = Clock::now();
  while (Clock::now() - start < 10s) {
    auto lease = pool.acquire();  // a health check every 20 ms: far more often than the schedule allows
    EXPECT_FALSE(lease);
    std::this_thread::sleep_for(20ms);
  }
  std::lock_guard lock(mutex);
  // 0 + 0.2 + 0.4 + 0.8 + 1.6 = 3.0 s for five attempts, then one every 2 s: 3, 5, 7, 9.
  ASSERT_GE(attempts.size(), 8u);
  ASSERT_LE(attempts.size(), 9u);
  const double ceilings[] = {0.2, 0.4, 0.8, 1.6, 2.0, 2.0, 2.0, 2.0};
  for (size_t i = 1; i < attempts.size(); ++i) {
    const double gap = std::chrono::duration<double>(attempts[i] - attempts[i - 1]).count();
    EXPECT_GE(gap, ceilings[i - 1] - 0.001) << "gap " << i;
    EXPECT_LE(gap, ceilings[i - 1] + 0.1) << "gap " << i;
  }
  EXPECT_EQ(pool.stats().circuit, pool::CircuitState::open);
}

TEST(Pool, AWrongPasswordIsAnAuthenticationErrorRetriedOnlyAtTheSlowestPace) {
  auto pg = PgCluster::start({.with_replica = false});
  auto config = cluster_config(pg, 1);
  config.retry = {.base = 100ms, .max = 3s, .multiplier = 2.0, .circuit_after = 3};
  const db::Interrupter interrupter;
  std::atomic<int> attempts{0};
  auto spec_source = [&]() -> std::expected<db::ConnectSpec, std::string> {
    ++attempts;
    db::ConnectSpec spec;
    spec.params = config.members[0].params;
    spec.password = "not-the-password";
    return spec;
  };
  // The draw pinned at 0 would let a retryable failure be retried at once.
  pool::ConnectionPool pool("db1", config.pool, config.retry, spec_source, real_clock(), interrupter, {},
                            [] { return 0.0; });
  auto first = pool.acquire();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().kind, db::ErrorKind::authentication);
  EXPECT_EQ(first.error().to_string().find("not-the-password"), std::string::npos);
  const auto start = Clock::now();
  while (Clock::now() - start < 2500ms) {
    auto lease = pool.acquire();  // a check every 20 ms
    ASSERT_FALSE(lease);
    EXPECT_EQ(lease.error().kind, db::ErrorKind::authentication);
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(attempts.load(), 1) << "a wrong password waits retry.max (3 s) before the next attempt";
  EXPECT_TRUE(eventually([&] {
    (void)pool.acquire();
    return attempts.load() == 2;
  }, 2s));
}

TEST(Pool, JitteredWaitsStayWithinTheirCeilings) {
  config::RetryConfig retry{.base = 100ms, .max = 800ms, .multiplier = 2.0, .circuit_after = 1};
  const db::Interrupter interrupter;
  std::vector<Clock::time_point> attempts;
  const int port = testing::free_port();
  auto spec_source = [&]() -> std::expected<db::ConnectSpec, std::string> {
    attempts.push_back(Clock::now());
    db::ConnectSpec spec;
    spec.params = *db::parse_conninfo("host=127.0.0.1 dbname=postgres user=x port=" + std::to_string(port));
    return spec;
  };
  pool::ConnectionPool pool("gone", {}, retry, spec_source, real_clock(), interrupter);
  const auto start = Clock::now();
  while (Clock::now() - start < 4s) {
    (void)pool.acquire();
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_GE(attempts.size(), 6u);
  std::set<long> distinct;
  for (size_t i = 1; i < attempts.size(); ++i) {
    const double gap = std::chrono::duration<double>(attempts[i] - attempts[i - 1]).count();
    const double ceiling = std::min(0.8, 0.1 * std::pow(2.0, static_cast<double>(i - 1)));
    EXPECT_LE(gap, ceiling + 0.05) << "gap " << i;
    distinct.insert(std::lround(gap * 100));
  }
  EXPECT_GT(distinct.size(), 2u) << "waits are jittered, not fixed";
}

}  // namespace
}  // namespace pgvigil::pool_testing

