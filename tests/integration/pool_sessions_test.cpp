// Pool sessions over time and by purpose: rotation past their lifetime, closing when idle, and
// the session kept for the health cycle.
#include <gtest/gtest.h>

#include "pool_fixture.h"

namespace pgvigil::pool_testing {
namespace {

TEST(Pool, SessionsAreRotatedPastTheirLifetimeAndClosedWhenIdle) {
  auto pg = PgCluster::start({.with_replica = false});
  auto config = cluster_config(pg, 1);
  config.pool.min = 1;
  config.pool.max = 2;
  config.pool.max_lifetime = 1500ms;
  config.pool.idle_timeout = 1s;
  MemberPool member_pool(config, "db1");
  auto& pool = member_pool.pool;
  auto backend_starts = [&] {
    return pg.exec(0, "SELECT pid, backend_start FROM pg_stat_activity WHERE application_name = 'pgvigil'");
  };
  {
    auto a = pool.acquire(pool::Purpose::health);
    auto b = pool.acquire();
    ASSERT_TRUE(a && b);
  }
  EXPECT_EQ(backend_starts().size(), 2u);
  // The upkeep a member's runtime runs every few seconds.
  auto upkeep_then = [&](auto check) {
    return [&, check] {
      pool.maintain();
      return check();
    };
  };
  // Idle past idle_timeout: the pool shrinks back to min.
  ASSERT_TRUE(eventually(upkeep_then([&] { return backend_starts().size() == 1; }), 4s));
  const auto first = backend_starts().at(0);
  // Past max_lifetime: replaced by a younger session (refill to min).
  ASSERT_TRUE(eventually(upkeep_then([&] {
                           auto now = backend_starts();
                           return now.size() == 1 && now.at(0).at(0) != first.at(0);
                         }),
                         5s));
  EXPECT_GE(pool.stats().rotations, 1u);
  EXPECT_GE(pool.stats().idle_closed, 1u);
}

TEST(Pool, OtherWorkNeverTakesTheHealthCyclesSessionAndItsWaitIsNoEvidence) {
  auto pg = PgCluster::start({.with_replica = false});
  auto config = cluster_config(pg, 1);
  config.pool.max = 2;
  config.pool.acquire_timeout = 200ms;
  MemberPool member_pool(config, "db1");
  auto& pool = member_pool.pool;
  auto held = pool.acquire();  // a statement sample, say
  ASSERT_TRUE(held);
  auto second = pool.acquire();  // an activity poll meanwhile
  ASSERT_FALSE(second) << "other work holds at most max - 1 sessions";
  EXPECT_TRUE(second.error().monitor_side) << "a wait behind our own work says nothing of the server";
  auto health = pool.acquire(pool::Purpose::health);
  EXPECT_TRUE(health) << "the health cycle's session is there for it";
  EXPECT_EQ(pool.stats().total, 2);
}

// A session in use is usually back within milliseconds: other work waits for it (up to 100 ms)
// rather than open a second one, and so does a health statement behind another health
// statement; a health statement behind other work never waits.
TEST(Pool, GrowsOnlyWhenWaitingWouldCostTheHealthCycle) {
  auto pg = PgCluster::start({.with_replica = false});
  auto config = cluster_config(pg, 1);
  config.pool.min = 1;
  config.pool.max = 2;
  config.pool.acquire_timeout = 2s;
  MemberPool member_pool(config, "db1");
  auto& pool = member_pool.pool;
  auto cycle = pool.acquire(pool::Purpose::health);
  ASSERT_TRUE(cycle);
  std::jthread ends_soon([&] {
    // The cycle gives its session back as soon as the poll below is waiting for one.
    while (pool.stats().waiting == 0) std::this_thread::sleep_for(1ms);
    cycle = std::unexpected(db::Error{});
  });
  const auto asked = Clock::now();
  auto poll = pool.acquire();  // an activity poll while the cycle runs
  ASSERT_TRUE(poll);
  EXPECT_LT(Clock::now() - asked, 900ms) << "it took the session the cycle gave back";
  EXPECT_EQ(pool.stats().connects, 1u) << "no second session for a wait of milliseconds";

  // The poll now holds the one session: the next cycle opens another at once.
  const auto cycle_asked = Clock::now();
  auto next_cycle = pool.acquire(pool::Purpose::health);
  ASSERT_TRUE(next_cycle);
  // Less than the 100 ms a health statement waits behind another: only its connect.
  EXPECT_LT(Clock::now() - cycle_asked, 100ms) << "the health cycle never waits behind other work";
  EXPECT_EQ(pool.stats().connects, 2u);
  poll = std::unexpected(db::Error{});

  // A health statement behind another (a replica reading its primary's position while the
  // primary's own cycle runs) waits briefly, then opens its own if the first is still busy.
  config.pool.max = 3;
  MemberPool bigger_pool(config, "db1");
  auto first = bigger_pool.pool.acquire(pool::Purpose::health);
  ASSERT_TRUE(first);
  const auto behind_asked = Clock::now();
  auto behind = bigger_pool.pool.acquire(pool::Purpose::health);
  ASSERT_TRUE(behind);
  const auto waited = Clock::now() - behind_asked;
  EXPECT_GE(waited, 90ms) << "it waited for the first before growing";
  EXPECT_LT(waited, 1s);
  EXPECT_EQ(bigger_pool.pool.stats().connects, 2u);
}


}  // namespace
}  // namespace pgvigil::pool_testing
