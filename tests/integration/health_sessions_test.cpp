// Session checks seen end to end: real client sessions on a real primary (a lock holder left idle
// in its transaction, a statement queued behind it, a crowd of connections) must show up in the
// daemon's /health answer as reasons that name the sessions involved, and must go away once the
// sessions do.
#include <cmath>
#include <string>
#include <vector>

#include "daemon_under_test.h"
#include "pg_cluster.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;

constexpr auto kReasonLimit = 15s;  // a few 500ms cycles and 1s costly checks, with room for a loaded machine

// A config for the single-member cluster. The buffer hit ratio of a throwaway server swings with
// whatever the test just created, so that check is off: the status must owe nothing to it.
DaemonConfig primary_only(const PgCluster& pg) {
  DaemonConfig config;
  config.members = {{"primary", pg.port(PgCluster::kPrimary), pg.password_file()}};
  config.checks["cache_hit"] = "{ enabled: false }";
  return config;
}

std::string message_of(const Json* reason) { return reason ? reason->value("message", "") : std::string(); }

int setting(const PgCluster& pg, const std::string& name) {
  const auto rows = pg.exec(PgCluster::kPrimary, "SELECT current_setting('" + name + "')::int");
  return std::stoi(rows.at(0).at(0).value());
}

TEST(HealthSessions, IdleLockHolderAndItsWaiterAreReportedWithTheirPids) {
  auto pg = PgCluster::start({.with_replica = false});
  pg.exec(PgCluster::kPrimary,
          "CREATE TABLE lock_target (id int PRIMARY KEY, v int NOT NULL);"
          "INSERT INTO lock_target VALUES (1, 0);"
          "GRANT SELECT, UPDATE ON lock_target TO app");
  TempDir dir;
  DaemonConfig config = primary_only(pg);
  config.checks["idle_in_transaction"] = "{ warning: 1s }";
  config.checks["blocking"] = "{ warning: 1s }";
  DaemonUnderTest daemon(dir, config);
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();

  PgSession holder(pg.port(PgCluster::kPrimary), "app");
  PgSession waiter(pg.port(PgCluster::kPrimary), "app");
  holder.exec("BEGIN");
  holder.exec("UPDATE lock_target SET v = v + 1 WHERE id = 1");
  waiter.send("UPDATE lock_target SET v = v + 1 WHERE id = 1");
  ASSERT_TRUE(testing::poll_until(
      [&] {
        return pg.exec(PgCluster::kPrimary, "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid = " +
                                                std::to_string(waiter.backend_pid()))
                   .at(0)
                   .at(0) == "1";
      },
      5s))
      << "the second UPDATE never queued behind the first";

  const std::string holder_pid = std::to_string(holder.backend_pid());
  const std::string waiter_pid = std::to_string(waiter.backend_pid());
  const std::string blocked_by = "pid " + waiter_pid + " blocked by pid(s) " + holder_pid;
  Json primary = poll_member(
      daemon, "primary",
      [&](const Json& m) {
        return message_of(reason_of(m, "blocking")).find(blocked_by) != std::string::npos &&
               message_of(reason_of(m, "idle_in_transaction")).find("pid " + holder_pid) != std::string::npos &&
               status_of(m) != "healthy";
      },
      kReasonLimit);

  const Json* blocking = reason_of(primary, "blocking");
  const Json* idle = reason_of(primary, "idle_in_transaction");
  ASSERT_NE(blocking, nullptr) << primary.dump(2);
  ASSERT_NE(idle, nullptr) << primary.dump(2);
  EXPECT_NE(message_of(blocking).find(blocked_by), std::string::npos) << primary.dump(2);
  EXPECT_NE(message_of(idle).find("pid " + holder_pid + ", user app"), std::string::npos) << primary.dump(2);
  EXPECT_EQ(blocking->value("severity", ""), "warning");
  EXPECT_EQ(idle->value("severity", ""), "warning");
  EXPECT_EQ(idle->value("threshold", ""), "1.0s");
  EXPECT_EQ(status_of(primary), "degraded") << primary.dump(2);
  // The values behind the reasons: both sessions have been stuck for at least the 1s threshold.
  EXPECT_GE(primary["checks"].value("blocking", 0.0), 1.0) << primary.dump(2);
  EXPECT_GE(primary["checks"].value("idle_in_transaction", 0.0), 1.0) << primary.dump(2);

  // Ending the transaction lets the waiter through; neither session is a problem any more.
  holder.exec("ROLLBACK");
  primary = poll_member(
      daemon, "primary",
      [](const Json& m) { return m.is_object() && !reason_of(m, "blocking") && !reason_of(m, "idle_in_transaction"); },
      kReasonLimit);
  EXPECT_EQ(reason_of(primary, "blocking"), nullptr) << primary.dump(2);
  EXPECT_EQ(reason_of(primary, "idle_in_transaction"), nullptr) << primary.dump(2);
}

TEST(HealthSessions, ConnectionsPastTheWarningRatioDegradeThePrimaryUntilTheyClose) {
  constexpr double kWarning = 0.5;
  constexpr double kCritical = 0.95;
  auto pg = PgCluster::start({.with_replica = false, .max_connections = 20});
  TempDir dir;
  DaemonConfig config = primary_only(pg);
  config.checks["connections"] = "{ warning: 0.5, critical: 0.95 }";
  DaemonUnderTest daemon(dir, config);
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();

  Json primary = poll_member(daemon, "primary", [](const Json& m) { return status_of(m) == "healthy"; }, kReasonLimit);
  ASSERT_EQ(status_of(primary), "healthy") << "the idle primary should start healthy:\n" << primary.dump(2);

  // Non-superusers may use max_connections - superuser_reserved_connections slots; open one
  // more than the warning ratio needs, well short of the critical ratio, so a stray session of
  // the harness cannot tip the count either way.
  const int usable = setting(pg, "max_connections") - setting(pg, "superuser_reserved_connections");
  const int sessions = static_cast<int>(std::ceil(kWarning * usable)) + 1;
  ASSERT_LT(sessions + 2, kCritical * usable) << "max_connections leaves no room between the thresholds";
  std::vector<PgSession> crowd;
  for (int i = 0; i < sessions; ++i) crowd.emplace_back(pg.port(PgCluster::kPrimary), "app");

  primary = poll_member(
      daemon, "primary", [](const Json& m) { return reason_of(m, "connections") && status_of(m) == "degraded"; }, kReasonLimit);
  const Json* connections = reason_of(primary, "connections");
  ASSERT_NE(connections, nullptr) << primary.dump(2);
  EXPECT_EQ(status_of(primary), "degraded") << primary.dump(2);
  EXPECT_EQ(connections->value("severity", ""), "warning");
  EXPECT_EQ(connections->value("threshold", ""), "50%");
  EXPECT_NE(message_of(connections).find(" of " + std::to_string(usable) + " usable"), std::string::npos)
      << primary.dump(2);
  // The daemon's own monitoring sessions are left out of the count: it sees the crowd, give or
  // take a harness session.
  const int used = primary["connections"].value("used", -1);
  EXPECT_GE(used, sessions) << primary.dump(2);
  EXPECT_LE(used, sessions + 2) << primary.dump(2);

  crowd.clear();
  primary = poll_member(
      daemon, "primary", [](const Json& m) { return m.is_object() && !reason_of(m, "connections") && status_of(m) == "healthy"; },
      kReasonLimit);
  EXPECT_EQ(reason_of(primary, "connections"), nullptr) << primary.dump(2);
  EXPECT_EQ(status_of(primary), "healthy") << primary.dump(2);
}

}  // namespace
}  // namespace pgvigil::acceptance
