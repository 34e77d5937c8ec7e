// The optional write probe against real servers: a missing heartbeat table is a clear reason
// with the DDL to run; once it exists the primary writes a heartbeat each cycle and the replica
// reports its age; a primary that refuses writes is unhealthy and fenced from primary probes.
#include <gtest/gtest.h>

#include "daemon_under_test.h"
#include "pg_cluster.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;
using testing::poll_until;

bool recommends(const Json& member, const std::string& words) {
  if (!member.is_object() || !member.contains("recommendations")) return false;
  for (const auto& r : member["recommendations"]) {
    if (r.is_string() && r.get<std::string>().find(words) != std::string::npos) return true;
  }
  return false;
}

TEST(WriteProbe, FromMissingTableToHeartbeatsToAReadOnlyPrimary) {
  auto pg = PgCluster::start({});
  TempDir dir;
  DaemonConfig config;
  config.members = {{"db1", pg.port(0), pg.password_file()}, {"db2", pg.port(1), pg.password_file()}};
  config.checks["write_probe"] = "{ enabled: true }";
  DaemonUnderTest daemon(dir, config);

  // The monitoring role may not create tables in public (PostgreSQL 15): the reason says so.
  Json db1;
  ASSERT_TRUE(poll_until([&] {
    db1 = member_of(daemon.health(), "db1");
    return reason_of(db1, "write_probe") != nullptr;
  }, 10s)) << daemon.log();
  EXPECT_EQ(status_of(db1), "unhealthy");
  EXPECT_TRUE(recommends(db1, "CREATE TABLE IF NOT EXISTS pgvigil_heartbeat")) << db1.dump();

  pg.exec(0,
          "CREATE TABLE pgvigil_heartbeat (member text PRIMARY KEY, written_at timestamptz NOT NULL);"
          "GRANT SELECT, INSERT, UPDATE ON pgvigil_heartbeat TO pgvigil");
  Json db2;
  ASSERT_TRUE(poll_until([&] {
    const Json health = daemon.health();
    db1 = member_of(health, "db1");
    db2 = member_of(health, "db2");
    return reason_of(db1, "write_probe") == nullptr && status_of(db1) == "healthy" && db2.is_object() &&
           db2["replication"]["heartbeat_age_seconds"].is_number();
  }, 15s)) << db1.dump() << "\n" << db2.dump();
  EXPECT_LT(db2["replication"]["heartbeat_age_seconds"].get<double>(), 5.0);
  EXPECT_GE(db2["replication"]["heartbeat_age_seconds"].get<double>(), 0.0);
  const auto rows = pg.exec(0, "SELECT count(*) FROM pgvigil_heartbeat WHERE member = 'db1'");
  EXPECT_EQ(rows.at(0).at(0).value_or(""), "1");

  // ALTER SYSTEM refuses to run inside the implicit transaction of a multi-statement string.
  pg.exec(0, "ALTER SYSTEM SET default_transaction_read_only = on");
  pg.exec(0, "SELECT pg_reload_conf()");
  ASSERT_TRUE(poll_until([&] {
    db1 = member_of(daemon.health(), "db1");
    return reason_of(db1, "write_probe") != nullptr && status_of(db1) == "unhealthy";
  }, 15s)) << db1.dump();
  EXPECT_TRUE(recommends(db1, "default_transaction_read_only")) << db1.dump();
  EXPECT_EQ(daemon.get("/clusters/c/members/db1/primary").status, 503);
  pg.exec(0, "ALTER SYSTEM RESET default_transaction_read_only");
  pg.exec(0, "SELECT pg_reload_conf()");
}

}  // namespace
}  // namespace pgvigil::acceptance
