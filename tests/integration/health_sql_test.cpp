// The checks' SQL against real servers: both statements of a cycle (regular, and regular with the
// costly checks) run on a primary and on a replica as the monitoring role, and a quiet healthy
// cluster yields no reasons.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "db/connection.h"
#include "db/conninfo.h"
#include "health/checks/check.h"
#include "health/checks/replication_checks.h"
#include "health/cycle_reader.h"
#include "queries/activity_reader.h"
#include "queries/activity_sql.h"
#include "pg_cluster.h"
#include "pg_session.h"
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

db::Connection monitor_session(const PgCluster& pg, int member) {
  db::ConnectSpec spec;
  spec.params = *db::parse_conninfo(pg.conninfo(member, "pgvigil"));
  spec.password = pg.password();
  auto conn = db::Connection::open(spec, db::SteadyClock::now() + 3s);
  if (!conn) throw std::runtime_error(conn.error().to_string());
  return std::move(*conn);
}

health::Observations observe(const PgCluster& pg, int member, const config::HealthConfig& health,
                             health::SessionSource sessions = health::SessionSource::scan) {
  auto conn = monitor_session(pg, member);
  health::Observations obs;
  for (bool with_costly : {false, true}) {
    auto result = conn.query_prepared(health::build_cycle_query(health, with_costly, sessions), 2s);
    if (!result) throw std::runtime_error(result.error().to_string());
    health::read_cycle_row(*result, obs);
  }
  return obs;
}

// The activity poll's statement once, read as the canceller's monitor reads it.
queries::ReadPoll poll_activity(db::Connection& conn) {
  auto result = conn.query_prepared(queries::activity_sql(), 2s);
  if (!result) throw std::runtime_error(result.error().to_string());
  auto read = queries::read_activity_poll(*result);
  if (!read) throw std::runtime_error(read.error());
  return std::move(*read);
}

// The plan nodes of `sql` as the monitoring role would run it.
std::string explain(const PgCluster& pg, const std::string& sql) {
  std::string plan;
  for (const auto& row : pg.exec(0, "EXPLAIN (COSTS OFF) " + sql, "pgvigil")) plan += row.at(0).value_or("") + "\n";
  return plan;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
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

TEST(HealthSql, WithoutTheSessionChecksBothStatementsRunAndReadTheRest) {
  auto pg = PgCluster::start({.with_replica = false});
  const auto health = defaults();
  const auto obs = observe(pg, 0, health, health::SessionSource::activity_poll);
  EXPECT_FALSE(obs.role.in_recovery);
  EXPECT_EQ(obs.role.timeline, 1);
  EXPECT_TRUE(obs.role.current_lsn.has_value());
  EXPECT_EQ(obs.prepared_count, 0);
  ASSERT_TRUE(obs.wraparound) << "the costly checks ride along as before";
  ASSERT_TRUE(obs.database_size_bytes);
  EXPECT_FALSE(obs.connections) << "left to the activity poll";
  EXPECT_FALSE(obs.longest_query);
  EXPECT_FALSE(obs.longest_idle_in_transaction);
}

// pg_stat_activity is a function scan (pg_stat_get_activity) under the view: the poll runs it
// once for its rows and its summary, the cycle that adopts the summary not at all.
TEST(HealthSql, ThePollScansPgStatActivityOnceAndTheCycleThatAdoptsItNever) {
  auto pg = PgCluster::start({.with_replica = false});
  const auto health = defaults();
  const auto poll_plan = explain(pg, std::string(queries::activity_sql()));
  EXPECT_EQ(occurrences(poll_plan, "Function Scan on pg_stat_get_activity"), 1u) << poll_plan;
  EXPECT_EQ(occurrences(poll_plan, "CTE activity"), 1u) << poll_plan;
  for (bool with_costly : {false, true}) {
    const auto scanning = explain(pg, health::build_cycle_query(health, with_costly));
    EXPECT_EQ(occurrences(scanning, "Function Scan on pg_stat_get_activity"), 1u) << scanning;
    const auto adopting =
        explain(pg, health::build_cycle_query(health, with_costly, health::SessionSource::activity_poll));
    EXPECT_EQ(occurrences(adopting, "pg_stat_get_activity"), 0u) << adopting;
  }
}

// The poll's summary and the cycle's own scan, a moment apart, over the same sessions: a query
// running, a transaction left idle, a few idle connections, and the monitor's own sessions.
TEST(HealthSql, ThePollsSummaryReadsWhatTheCyclesScanReads) {
  auto pg = PgCluster::start({.with_replica = false});
  acceptance::PgSession runner(pg.port(0), "app", "runner");
  acceptance::PgSession idler(pg.port(0), "app", "idler");
  runner.send("BEGIN; SELECT 1; SELECT pg_sleep(30)");
  idler.exec("BEGIN");
  idler.exec("SELECT 1");
  const auto health = defaults();
  auto poller = monitor_session(pg, 0);  // application_name pgvigil, as the daemon's sessions
  auto other_monitor = monitor_session(pg, 0);  // another of them, left out by both readings
  ASSERT_TRUE(testing::poll_until(
      [&] {
        const auto read = poll_activity(poller);
        return read.sessions && read.sessions->longest_query && read.sessions->longest_idle_in_transaction &&
               read.sessions->longest_query->seconds > 0.5;
      },
      10s))
      << "the running query and the idle transaction never showed";

  const auto read = poll_activity(poller);
  ASSERT_TRUE(read.sessions);
  health::Observations adopted;
  health::adopt_sessions(*read.sessions, health, adopted);
  health::Observations scanned = observe(pg, 0, health);

  ASSERT_TRUE(adopted.connections && scanned.connections);
  EXPECT_EQ(adopted.connections->used, 2) << "the two app sessions, not the monitor's";
  EXPECT_EQ(adopted.connections->used, scanned.connections->used);
  EXPECT_EQ(adopted.connections->max, scanned.connections->max);
  EXPECT_EQ(adopted.connections->reserved, scanned.connections->reserved);
  EXPECT_EQ(adopted.connections->by_state, scanned.connections->by_state);
  for (const auto member : {&health::Observations::longest_query, &health::Observations::longest_transaction,
                            &health::Observations::longest_idle_in_transaction}) {
    const auto& a = adopted.*member;
    const auto& b = scanned.*member;
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->pid, b->pid);
    EXPECT_EQ(a->pid, member == &health::Observations::longest_idle_in_transaction ? idler.backend_pid()
                                                                                    : runner.backend_pid());
    EXPECT_EQ(a->user, "app");
    EXPECT_EQ(a->user, b->user);
    EXPECT_EQ(a->application, b->application);
    EXPECT_NEAR(a->seconds, b->seconds, 2.0) << "read a moment apart";
  }
  EXPECT_NEAR(read.sessions->server_now, scanned.role.server_now, 2.0);
  // The canceller's rows are what they were: the running query and the idle transaction, not the
  // idle monitor session nor the poller itself.
  std::set<std::string> states;
  for (const auto& session : read.poll.sessions) {
    if (session.backend_type == "client backend") states.insert(session.state);
    EXPECT_NE(session.pid, poller.backend_pid());
    EXPECT_NE(session.pid, other_monitor.backend_pid());
  }
  EXPECT_EQ(states, (std::set<std::string>{"active", "idle in transaction"}));
}

}  // namespace
}  // namespace pgvigil
