// The checks' SQL against real servers: both statements of a cycle (regular, and regular with the
// costly checks) run on a primary and on a replica as the monitoring role, and a quiet healthy
// cluster yields no reasons.
#include <gtest/gtest.h>

#include "db/connection.h"
#include "db/conninfo.h"
#include "health/checks/check.h"
#include "health/checks/replication_checks.h"
#include "health/cycle_reader.h"
#include "pg_cluster.h"
#include "polling.h"
#include "subprocess.h"

namespace pgvigil {
namespace {

using namespace std::chrono_literals;
using testing::PgCluster;

config::HealthConfig defaults() {
  config::HealthConfig h;
  for (const auto& spec : config::check_specs()) {
    config::CheckConfig c;
    c.enabled = spec.enabled_by_default;
    c.warning = spec.warning;
    c.critical = spec.critical;
    c.warning_bytes = spec.warning_bytes;
    c.critical_bytes = spec.critical_bytes;
    h.checks[std::string(spec.name)] = c;
  }
  return h;
}

health::Observations observe(const PgCluster& pg, int member, const config::HealthConfig& health) {
  db::ConnectSpec spec;
  spec.params = *db::parse_conninfo(pg.conninfo(member, "pgvigil"));
  spec.password = pg.password();
  auto conn = db::Connection::open(spec, db::SteadyClock::now() + 3s);
  if (!conn) throw std::runtime_error(conn.error().to_string());
  health::Observations obs;
  for (bool with_costly : {false, true}) {
    auto result = conn->query_prepared(health::build_cycle_query(health, with_costly), 2s);
    if (!result) throw std::runtime_error(result.error().to_string());
    health::read_cycle_row(*result, obs);
  }
  return obs;
}

TEST(HealthSql, RunsOnAPrimaryAndAReplicaAndAQuietClusterIsHealthy) {
  auto pg = PgCluster::start({});
  const auto health = defaults();
  const auto primary = observe(pg, 0, health);
  EXPECT_FALSE(primary.role.in_recovery);
  EXPECT_EQ(primary.role.timeline, 1);
  EXPECT_TRUE(primary.role.has_monitor);
  EXPECT_TRUE(primary.role.current_lsn.has_value());
  ASSERT_TRUE(primary.connections);
  EXPECT_EQ(primary.connections->max, 50);
  EXPECT_EQ(primary.connections->reserved, 3);
  ASSERT_TRUE(primary.wraparound);
  EXPECT_GT(primary.wraparound->xid_age, 0);
  ASSERT_TRUE(primary.wal_dir_bytes);
  EXPECT_GE(*primary.wal_dir_bytes, 16.0 * 1024 * 1024);
  ASSERT_TRUE(primary.slots);
  ASSERT_TRUE(primary.blocking);
  EXPECT_EQ(primary.blocking->waiting, 0);
  ASSERT_TRUE(primary.database_size_bytes);

  health::Observations replica;
  health::ReplicationView view;
  // As in a cycle, the primary's position is read just before the replica's. A fresh cluster
  // still writes a little WAL in its first moments, which the replica replays a moment later;
  // then an idle primary must read as zero lag, not as the age of the last replayed commit.
  const bool caught_up = testing::poll_until(
      [&] {
        const auto primary_lsn = observe(pg, 0, health).role.current_lsn;
        replica = observe(pg, 1, health);
        replica.primary_lsn = primary_lsn;
        view = health::replication_view(replica);
        return view.lag_seconds == 0.0;
      },
      5s);
  EXPECT_TRUE(caught_up) << "an idle primary is not lag; last seen: " << view.lag_seconds.value_or(-1) << "s";
  EXPECT_TRUE(replica.role.in_recovery);
  EXPECT_EQ(replica.role.timeline, 1);
  EXPECT_EQ(replica.role.system_identifier, primary.role.system_identifier);
  EXPECT_EQ(replica.role.wal_receiver_status, "streaming");

  for (const health::Observations* obs : {&primary, static_cast<const health::Observations*>(&replica)}) {
    const auto evaluation = health::evaluate_checks(*obs, health);
    EXPECT_EQ(evaluation.status, health::Status::healthy);
    for (const auto& r : evaluation.reasons) ADD_FAILURE() << r.check << ": " << r.message;
  }
}

TEST(HealthSql, SessionChecksSeeOtherClientsButNotTheMonitor) {
  auto pg = PgCluster::start({.with_replica = false});
  auto holder = testing::Subprocess::spawn(
      {"/usr/lib/postgresql/15/bin/psql", "-X", "-q", "-h", "127.0.0.1", "-p", std::to_string(pg.port(0)), "-U",
       "app", "-d", "postgres", "-c", "BEGIN; SELECT 1; SELECT pg_sleep(30);"});
  auto health = defaults();
  health.checks["long_running"].warning = 0.5;
  ASSERT_TRUE(testing::poll_until(
      [&] {
        auto obs = observe(pg, 0, health);
        return obs.longest_query && obs.longest_query->seconds > 0.6;
      },
      10s));
  auto obs = observe(pg, 0, health);
  EXPECT_EQ(obs.longest_query->user, "app");
  EXPECT_EQ(obs.connections->used, 1) << "only psql: the monitor's own session is left out";
  const auto evaluation = health::evaluate_checks(obs, health);
  ASSERT_EQ(evaluation.reasons.size(), 1u);
  EXPECT_EQ(evaluation.reasons[0].check, "long_running");
  EXPECT_NE(evaluation.reasons[0].message.find("pid " + std::to_string(obs.longest_query->pid)), std::string::npos);
}

}  // namespace
}  // namespace pgvigil
