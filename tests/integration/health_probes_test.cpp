// The load-balancer probes seen end to end: a real primary and streaming replica watched by the
// real daemon. Healthy members answer 200; a replica whose replay stops falls out of reads once
// its lag passes the probe's limit and comes back after it catches up; an idle primary does not
// read as lag; a killed primary is reported within a fraction of the health interval; and in a
// split brain only the member on the higher timeline answers as the primary.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "daemon_under_test.h"
#include "pg_cluster.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;
using testing::poll_until;

const std::string kPrimaryName = "db1";
const std::string kReplicaName = "db2";

const std::string kClusterPrimary = "/clusters/c/primary";
const std::string kPrimaryProbe = "/clusters/c/members/" + kPrimaryName + "/primary";
const std::string kReplicaAsPrimaryProbe = "/clusters/c/members/" + kReplicaName + "/primary";
const std::string kReplicaProbe = "/clusters/c/members/" + kReplicaName + "/replica";
const std::string kStrictReplicaProbe = kReplicaProbe + "?max_lag_s=1";

// db1 is the primary, db2 its replica. The buffer hit ratio of a throwaway server swings with
// whatever the test just did, so that check is off: no status here may owe anything to it.
DaemonConfig primary_and_replica(const PgCluster& pg, const std::string& interval) {
  DaemonConfig config;
  config.members = {{kPrimaryName, pg.port(PgCluster::kPrimary), pg.password_file()},
                    {kReplicaName, pg.port(PgCluster::kReplica), pg.password_file()}};
  config.interval = interval;
  config.checks["cache_hit"] = "{ enabled: false }";
  return config;
}

std::chrono::milliseconds parse_ms(const std::string& duration) {
  // Only the forms this file writes: "500ms" and "10s".
  if (duration.ends_with("ms")) return std::chrono::milliseconds(std::stoi(duration));
  return std::chrono::seconds(std::stoi(duration));
}

// A string field of a JSON document, empty when the document or the field is missing.
std::string text_of(const Json& object, const std::string& key) {
  return object.is_object() && object.contains(key) && object[key].is_string() ? object[key].get<std::string>()
                                                                              : std::string();
}

bool flag_of(const Json& object, const std::string& key) {
  return object.is_object() && object.contains(key) && object[key].is_boolean() && object[key].get<bool>();
}

// The phrase a probe gives for its 503.
std::string why_of(const HttpReply& reply) { return text_of(reply.json(), "why"); }

std::optional<double> lag_seconds_of(const Json& replica) {
  if (!replica.is_object() || !replica.contains("replication")) return std::nullopt;
  const Json& lag = replica["replication"]["lag_seconds"];
  return lag.is_number() ? std::optional<double>(lag.get<double>()) : std::nullopt;
}

std::optional<double> lag_bytes_of(const Json& replica) {
  if (!replica.is_object() || !replica.contains("replication")) return std::nullopt;
  const Json& lag = replica["replication"]["lag_bytes"];
  return lag.is_number() ? std::optional<double>(lag.get<double>()) : std::nullopt;
}

// Waits until /health is 200 with both members healthy and the replica's lag known; the last
// document seen otherwise. (A replica seen for the first time while WAL is still being replayed,
// with no commit replayed to date, has no lag in seconds yet.)
Json wait_all_healthy(const DaemonUnderTest& daemon, std::chrono::milliseconds limit) {
  Json health;
  poll_until(
      [&] {
        const HttpReply reply = daemon.get("/health");
        health = reply.json();
        return reply.status == 200 && status_of(member_of(health, kPrimaryName)) == "healthy" &&
               status_of(member_of(health, kReplicaName)) == "healthy" &&
               lag_seconds_of(member_of(health, kReplicaName)).has_value();
      },
      limit, 50ms);
  return health;
}

// Inserts a row on the primary every 100 ms until destroyed: a steady stream of commits whose
// replay a paused replica falls behind on.
class SteadyWriter {
 public:
  explicit SteadyWriter(const PgCluster& pg) : session_(pg.port(PgCluster::kPrimary), "app") {
    thread_ = std::jthread([this](std::stop_token stop) {
      while (!stop.stop_requested()) {
        try {
          session_.exec("INSERT INTO probe_writes DEFAULT VALUES");
          ++rows_;
        } catch (const std::exception&) {
          ++failures_;
        }
        std::this_thread::sleep_for(100ms);  // the workload's pace, not a wait for anything
      }
    });
  }
  int rows() const { return rows_; }
  int failures() const { return failures_; }

 private:
  PgSession session_;
  std::atomic<int> rows_{0};
  std::atomic<int> failures_{0};
  std::jthread thread_;  // last: stops before the session it uses goes away
};

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
