// The load-balancer probes seen end to end: a real primary and streaming replica watched by the
// real daemon. Healthy members answer 200; a replica whose replay stops falls out of reads once
// its lag passes the probe's limit and comes back after it catches up; an idle primary does not
// read as lag. (Failures, a killed primary and a split brain, are in health_failover_test.cpp.)
#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "probe_fixture.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;
using testing::poll_until;

TEST(HealthProbes, HealthyPrimaryAndReplicaAnswer200OnEveryProbeAndHeadMatchesGet) {
  auto pg = PgCluster::start({});
  TempDir dir;
  DaemonUnderTest daemon(dir, primary_and_replica(pg, "500ms"));
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();

  const Json health = wait_all_healthy(daemon, 10s);
  ASSERT_EQ(status_of(member_of(health, kPrimaryName)), "healthy") << health.dump(2);
  ASSERT_EQ(status_of(member_of(health, kReplicaName)), "healthy") << health.dump(2);
  EXPECT_EQ(status_of(health), "healthy") << health.dump(2);
  EXPECT_EQ(text_of(health["clusters"][0], "primary"), kPrimaryName) << health.dump(2);
  EXPECT_EQ(text_of(member_of(health, kPrimaryName), "role"), "primary");
  EXPECT_EQ(text_of(member_of(health, kReplicaName), "role"), "replica");

  const HttpReply cluster_primary = daemon.get(kClusterPrimary);
  EXPECT_EQ(cluster_primary.status, 200) << cluster_primary.body;
  EXPECT_EQ(text_of(cluster_primary.json(), "name"), kPrimaryName) << cluster_primary.body;
  const HttpReply primary = daemon.get(kPrimaryProbe);
  EXPECT_EQ(primary.status, 200) << primary.body;
  EXPECT_EQ(text_of(primary.json(), "name"), kPrimaryName) << primary.body;
  const HttpReply replica = daemon.get(kReplicaProbe);
  EXPECT_EQ(replica.status, 200) << replica.body;
  EXPECT_EQ(text_of(replica.json(), "name"), kReplicaName) << replica.body;
  EXPECT_TRUE(flag_of(replica.json()["replication"], "streaming")) << replica.body;

  // The other way round each member says no: the probes tell members apart.
  const HttpReply replica_as_primary = daemon.get(kReplicaAsPrimaryProbe);
  EXPECT_EQ(replica_as_primary.status, 503) << replica_as_primary.body;
  EXPECT_NE(why_of(replica_as_primary).find("not the primary"), std::string::npos) << replica_as_primary.body;
  const HttpReply primary_as_replica = daemon.get("/clusters/c/members/" + kPrimaryName + "/replica");
  EXPECT_EQ(primary_as_replica.status, 503) << primary_as_replica.body;

  // A load balancer's HEAD gets the status line of the GET and no body.
  const std::vector<std::string> paths{"/health", kClusterPrimary, kPrimaryProbe, kReplicaProbe,
                                       kReplicaAsPrimaryProbe};
  for (const auto& path : paths) {
    const HttpReply get = daemon.get(path);
    const HttpReply head = http_call(daemon.port(), "HEAD", path);
    EXPECT_EQ(head.status, get.status) << path << ": " << head.error;
    EXPECT_TRUE(head.body.empty()) << path << ": " << head.body;
    EXPECT_FALSE(get.body.empty()) << path;
  }
}

TEST(HealthProbes, PausedReplayFailsTheLagLimitedReplicaProbeUntilReplayResumes) {
  const std::string interval = "500ms";
  const auto cycle = parse_ms(interval);
  constexpr int kRecoverAfter = 2;
  auto pg = PgCluster::start({});
  pg.exec(PgCluster::kPrimary,
          "CREATE TABLE probe_writes (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());"
          "GRANT INSERT ON probe_writes TO app; GRANT USAGE ON SEQUENCE probe_writes_id_seq TO app");
  TempDir dir;
  DaemonConfig config = primary_and_replica(pg, interval);
  config.recover_after = std::to_string(kRecoverAfter);
  DaemonUnderTest daemon(dir, config);
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();

  SteadyWriter writer(pg);
  ASSERT_TRUE(poll_until([&] { return daemon.get(kStrictReplicaProbe).status == 200; }, 10s, 50ms))
      << daemon.get(kStrictReplicaProbe).body;

  pg.pause_replay();
  const auto paused = std::chrono::steady_clock::now();
  // Every commit replayed was made before the pause, so the lag is at least the time since:
  // it is past 1 s one second after `paused` at the latest.
  HttpReply lagging;
  ASSERT_TRUE(poll_until(
      [&] {
        lagging = daemon.get(kStrictReplicaProbe);
        return lagging.status == 503;
      },
      10s, 20ms))
      << lagging.body;
  const double to_503 = seconds_since(paused);
  const double allowed = 1.0 + 3 * std::chrono::duration<double>(cycle).count();
  std::printf("replica probe failed %.3f s after replay paused (lag past 1 s by 1 s, allowed %.1f s)\n", to_503,
              allowed);
  EXPECT_LE(to_503, allowed);

  const Json member = lagging.json();
  EXPECT_NE(reason_of(member, "replication_lag"), nullptr) << lagging.body;
  EXPECT_NE(why_of(lagging).find("exceeds 1s"), std::string::npos) << lagging.body;
  EXPECT_TRUE(member.contains("replication") && flag_of(member["replication"], "replay_paused")) << lagging.body;
  ASSERT_TRUE(lag_seconds_of(member).has_value()) << lagging.body;
  EXPECT_GT(*lag_seconds_of(member), 1.0) << lagging.body;
  // Without the strict limit the same replica is still fine for reads: the 503 is the limit's.
  EXPECT_EQ(daemon.get(kReplicaProbe).status, 200);

  // The lag keeps growing while replay stays paused.
  const double first_lag = *lag_seconds_of(member);
  Json later;
  EXPECT_TRUE(poll_until(
      [&] {
        later = member_of(daemon.health(), kReplicaName);
        return lag_seconds_of(later).value_or(0) > first_lag + 0.5;
      },
      5s, 50ms))
      << later.dump(2);

  // Once replay resumes: the probe passes at the next cycle; the status is healthy again only
  // after `recover_after` good cycles in a row.
  pg.resume_replay();
  const auto resumed = std::chrono::steady_clock::now();
  std::set<std::string> cycles_since_resume;
  bool probe_passed = false;
  double to_200 = 0;
  Json replica;
  ASSERT_TRUE(poll_until(
      [&] {
        replica = member_of(daemon.health(), kReplicaName);
        if (!replica.is_object()) return false;
        cycles_since_resume.insert(text_of(replica, "checked_at"));
        if (!probe_passed && daemon.get(kStrictReplicaProbe).status == 200) {
          probe_passed = true;
          to_200 = seconds_since(resumed);
        }
        return probe_passed && status_of(replica) == "healthy";
      },
      10s, 20ms))
      << replica.dump(2) << "\nprobe passed: " << probe_passed;
  const double to_healthy = seconds_since(resumed);
  std::printf("after resume: probe 200 in %.3f s, healthy in %.3f s over %zu cycles seen\n", to_200, to_healthy,
              cycles_since_resume.size());
  // Polled every 20 ms, every cycle published since the resume was seen: the healthy status took
  // at least recover_after of them.
  EXPECT_GE(cycles_since_resume.size(), static_cast<std::size_t>(kRecoverAfter));
  EXPECT_LE(to_healthy, std::chrono::duration<double>((kRecoverAfter + 2) * cycle).count() + 0.5);
  EXPECT_EQ(daemon.get(kStrictReplicaProbe).status, 200);
  EXPECT_GT(writer.rows(), 0);
  EXPECT_EQ(writer.failures(), 0);
}

TEST(HealthProbes, IdlePrimaryIsNotReplicationLagForThirtySeconds) {
  auto pg = PgCluster::start({});
  // One commit, replayed before the idle stretch: the replica's last replayed transaction then
  // ages with the clock while nothing is behind.
  pg.exec(PgCluster::kPrimary, "CREATE TABLE idle_marker (id int); INSERT INTO idle_marker VALUES (1)");
  TempDir dir;
  DaemonUnderTest daemon(dir, primary_and_replica(pg, "500ms"));
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  // The idle stretch starts once the replica has replayed everything, as seen in three cycles in
  // a row: WAL written while the servers and the daemon start up is real, brief lag.
  std::set<std::string> caught_up_cycles;
  Json settling;
  ASSERT_TRUE(poll_until(
      [&] {
        settling = member_of(daemon.health(), kReplicaName);
        if (lag_bytes_of(settling) != 0.0 || lag_seconds_of(settling) != 0.0) caught_up_cycles.clear();
        else caught_up_cycles.insert(text_of(settling, "checked_at"));
        return caught_up_cycles.size() >= 3 && daemon.get(kStrictReplicaProbe).status == 200;
      },
      15s, 50ms))
      << settling.dump(2);

  const auto wal_at = [&] {
    return pg.exec(PgCluster::kPrimary, "SELECT pg_current_wal_lsn()::text").at(0).at(0).value_or("?");
  };
  const std::string wal_before = wal_at();
  const auto idle_from = std::chrono::steady_clock::now();
  std::set<std::string> cycles;
  int samples = 0;
  double most_bytes = 0;
  while (seconds_since(idle_from) < 30.0) {
    const Json replica = member_of(daemon.health(), kReplicaName);
    ASSERT_TRUE(replica.is_object()) << "no replica in /health";
    const auto lag = lag_seconds_of(replica);
    ASSERT_TRUE(lag.has_value()) << "after " << seconds_since(idle_from) << " s: " << replica.dump(2);
    // WAL an idle primary still writes (standby snapshots, checkpoints) may be in flight: bytes, not time.
    most_bytes = std::max(most_bytes, lag_bytes_of(replica).value_or(0));
    ASSERT_EQ(*lag, 0.0) << "after " << seconds_since(idle_from) << " s: " << replica.dump(2);
    const HttpReply probe = daemon.get(kStrictReplicaProbe);
    ASSERT_EQ(probe.status, 200) << "after " << seconds_since(idle_from) << " s: " << probe.body;
    cycles.insert(text_of(replica, "checked_at"));
    ++samples;
    std::this_thread::sleep_for(500ms);  // the sampling period over a fixed 30 s stretch
  }
  const auto replayed_at = pg.exec(PgCluster::kReplica,
                                   "SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::int");
  std::printf("idle primary: %d samples over %zu cycles, most lag seen %.0f bytes; last replayed commit %s s old;"
              " primary WAL %s -> %s\n",
              samples, cycles.size(), most_bytes, replayed_at.at(0).at(0).value_or("?").c_str(), wal_before.c_str(),
              wal_at().c_str());
  // The daemon kept checking throughout (a frozen snapshot would prove nothing), and the
  // replica's last replayed commit really is older than the probe's limit.
  EXPECT_GE(cycles.size(), 20u);
  EXPECT_GE(std::stoi(replayed_at.at(0).at(0).value_or("0")), 30);
}

}  // namespace
}  // namespace pgvigil::acceptance
