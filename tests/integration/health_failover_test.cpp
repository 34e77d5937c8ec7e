// The probes when things break: a killed primary is reported within a fraction of the health
// interval, and in a split brain only the member on the higher timeline answers as the primary.
#include <string>

#include "probe_fixture.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;
using testing::poll_until;

TEST(HealthProbes, KilledPrimaryIsUnhealthyWithinASecondDespiteATenSecondInterval) {
  const std::string interval = "10s";
  auto pg = PgCluster::start({});
  TempDir dir;
  DaemonUnderTest daemon(dir, primary_and_replica(pg, interval));
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  const Json before = wait_all_healthy(daemon, 15s);
  ASSERT_EQ(status_of(member_of(before, kPrimaryName)), "healthy") << before.dump(2);
  ASSERT_EQ(daemon.get(kClusterPrimary).status, 200);

  // pg.kill() returns only once the port is free again, which can take longer than what is
  // measured here: watch from another thread, starting before the SIGKILL.
  std::atomic<bool> seen{false};
  std::atomic<double> detected_after{0};
  Json last;
  const auto killed = std::chrono::steady_clock::now();
  std::jthread watcher([&](std::stop_token stop) {
    poll_until(
        [&] {
          if (stop.stop_requested()) return true;
          const HttpReply reply = daemon.get("/health");
          const Json health = reply.json();
          const Json primary = member_of(health, kPrimaryName);
          if (reply.status != 503 || status_of(primary) != "unhealthy" || !reason_of(primary, "unreachable")) {
            return false;
          }
          detected_after = seconds_since(killed);
          last = health;
          seen = true;
          return true;
        },
        15s, 5ms);
  });
  pg.kill(PgCluster::kPrimary);
  watcher.join();
  ASSERT_TRUE(seen) << daemon.get("/health").body << "\n" << daemon.log();
  std::printf("killed primary reported unhealthy after %.3f s (health interval %s)\n", detected_after.load(),
              interval.c_str());
  EXPECT_LT(detected_after.load(), 1.0);

  const Json primary = member_of(last, kPrimaryName);
  EXPECT_FALSE(flag_of(primary, "reachable")) << primary.dump(2);
  EXPECT_EQ(status_of(last["clusters"][0]), "unhealthy") << last.dump(2);
  EXPECT_EQ(text_of(last, "why"), "unhealthy clusters: c") << last.dump(2);

  const HttpReply cluster_primary = daemon.get(kClusterPrimary);
  EXPECT_EQ(cluster_primary.status, 503) << cluster_primary.body;
  const HttpReply member_primary = daemon.get(kPrimaryProbe);
  EXPECT_EQ(member_primary.status, 503) << member_primary.body;
  EXPECT_EQ(why_of(member_primary), "unreachable") << member_primary.body;
  // Nothing was promoted: the replica does not take over the primary probe either.
  EXPECT_EQ(daemon.get(kReplicaAsPrimaryProbe).status, 503);
}

TEST(HealthProbes, SplitBrainLeavesOnlyThePromotedMemberAnsweringAsPrimary) {
  auto pg = PgCluster::start({});
  TempDir dir;
  DaemonUnderTest daemon(dir, primary_and_replica(pg, "500ms"));
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  ASSERT_EQ(status_of(member_of(wait_all_healthy(daemon, 10s), kPrimaryName)), "healthy");

  // A failover, then the old primary comes back on its old timeline still believing it leads.
  const auto failover = std::chrono::steady_clock::now();
  pg.kill(PgCluster::kPrimary);
  pg.promote(PgCluster::kReplica);
  pg.restart(PgCluster::kPrimary);
  const auto both_up = std::chrono::steady_clock::now();
  pg.exec(PgCluster::kPrimary,
          "CREATE TABLE written_after_failover (id int); INSERT INTO written_after_failover VALUES (1)");
  pg.exec(PgCluster::kReplica, "CREATE TABLE written_on_promoted (id int); INSERT INTO written_on_promoted VALUES (1)");

  Json health;
  ASSERT_TRUE(poll_until(
      [&] {
        health = daemon.health();
        const Json old_primary = member_of(health, kPrimaryName);
        const Json promoted = member_of(health, kReplicaName);
        return health.is_object() && flag_of(health["clusters"][0], "split_brain") &&
               flag_of(old_primary, "reachable") && text_of(old_primary, "role") == "primary" &&
               text_of(promoted, "role") == "primary" && daemon.get(kReplicaAsPrimaryProbe).status == 200;
      },
      20s, 50ms))
      << health.dump(2) << "\n" << daemon.log();
  std::printf("split brain: servers ready %.3f s after the kill, seen by the daemon %.3f s later\n",
              std::chrono::duration<double>(both_up - failover).count(), seconds_since(both_up));

  const Json old_primary = member_of(health, kPrimaryName);
  const Json promoted = member_of(health, kReplicaName);
  ASSERT_TRUE(promoted["timeline"].is_number() && old_primary["timeline"].is_number()) << health.dump(2);
  EXPECT_GT(promoted["timeline"].get<int>(), old_primary["timeline"].get<int>()) << health.dump(2);
  EXPECT_TRUE(flag_of(old_primary, "fenced")) << old_primary.dump(2);
  EXPECT_FALSE(flag_of(promoted, "fenced")) << promoted.dump(2);
  EXPECT_NE(reason_of(old_primary, "split_brain"), nullptr) << old_primary.dump(2);

  const HttpReply promoted_probe = daemon.get(kReplicaAsPrimaryProbe);
  EXPECT_EQ(promoted_probe.status, 200) << promoted_probe.body;
  const HttpReply old_probe = daemon.get(kPrimaryProbe);
  EXPECT_EQ(old_probe.status, 503) << old_probe.body;
  EXPECT_EQ(why_of(old_probe), "fenced in a split brain") << old_probe.body;

  const HttpReply overall = daemon.get("/health");
  EXPECT_EQ(overall.status, 503) << overall.body;
  const Json cluster = overall.json()["clusters"][0];
  EXPECT_EQ(status_of(cluster), "unhealthy") << cluster.dump(2);
  EXPECT_NE(reason_of(cluster, "split_brain"), nullptr) << cluster.dump(2);
  EXPECT_EQ(text_of(cluster, "primary"), kReplicaName) << cluster.dump(2);

  // The cluster's primary probe answers for the promoted member, the one writes must go to.
  const HttpReply cluster_primary = daemon.get(kClusterPrimary);
  EXPECT_EQ(cluster_primary.status, 200) << cluster_primary.body;
  EXPECT_EQ(text_of(cluster_primary.json(), "name"), kReplicaName) << cluster_primary.body;
  EXPECT_EQ(daemon.get("/clusters/c").status, 503);
}

}  // namespace
}  // namespace pgvigil::acceptance
