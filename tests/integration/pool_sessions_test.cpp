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
  // The upkeep a member's runtime runs every second.
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


}  // namespace
}  // namespace pgvigil::pool_testing
