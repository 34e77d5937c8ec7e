// The schema check end to end: the daemon watching a database of its own per test on a real
// primary (and its replica), with required objects, pgvigil migrate's history table beside a
// migrations directory, and other tools' history tables created here with their real columns.
// What it finds must show in /health as reasons of check `schema` with the kind as `value`, and
// go away once fixed.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "daemon_under_test.h"
#include "pg_cluster.h"
#include "util/sha256.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;

constexpr auto kLimit = 20s;  // a few 1s cycles and 1s schema runs, with room for a loaded machine

class SchemaCheck : public SharedClusterTest {
 protected:
  // A fresh database for the test, created as the superuser; the daemon's members connect to it.
  static std::string create_database(const std::string& name) {
    cluster_->exec(PgCluster::kPrimary, "CREATE DATABASE " + name);
    return name;
  }

  static void sql(const std::string& db, const std::string& statements) {
    testing::run_sql(cluster_->conninfo(PgCluster::kPrimary, "postgres", db), statements);
  }

  static DaemonConfig config_for(const std::string& db, const std::string& schema, bool with_replica = false) {
    DaemonConfig config;
    config.members = {{"primary", cluster_->port(PgCluster::kPrimary), cluster_->password_file(), db}};
    if (with_replica) config.members.push_back({"replica", cluster_->port(PgCluster::kReplica), cluster_->password_file(), db});
    config.interval = "1s";
    config.recover_after = "1";
    config.checks["cache_hit"] = "{ enabled: false }";  // swings with what the test just created
    config.queries = "{ statements: false, cancel: { mode: off } }";
    config.schema = schema;
    return config;
  }
};

// The member's schema reasons of `kind` (their `value`).
std::vector<Json> schema_reasons(const Json& member, const std::string& kind = "") {
  std::vector<Json> found;
  if (!member.is_object() || !member.contains("reasons")) return found;
  for (const auto& r : member["reasons"]) {
    if (r.value("check", "") == "schema" && (kind.empty() || r.value("value", "") == kind)) found.push_back(r);
  }
  return found;
}

bool has_kind(const Json& member, const std::string& kind) { return !schema_reasons(member, kind).empty(); }

double schema_value(const Json& member) {
  return member.is_object() && member.contains("checks") ? member["checks"].value("schema", -1.0) : -1.0;
}

TEST_F(SchemaCheck, RequiredObjectsMissingDegradeThePrimaryUntilCreated) {
  const std::string db = create_database("schema_required");
  TempDir dir;
  DaemonUnderTest daemon(
      dir, config_for(db,
                      "{ interval: 1s, required_extensions: [pg_stat_statements], required_tables: [users], "
                      "required_indexes: [public.users_email_key] }",
                      true));
  ASSERT_TRUE(daemon.wait_ready(20s)) << daemon.log();

  Json primary = poll_member(
      daemon, "primary",
      [](const Json& m) {
        return has_kind(m, "missing_extension") && has_kind(m, "missing_table") && has_kind(m, "missing_index");
      },
      kLimit);
  ASSERT_EQ(schema_reasons(primary).size(), 3u) << primary.dump(2);
  EXPECT_EQ(status_of(primary), "degraded") << primary.dump(2);
  EXPECT_EQ(schema_value(primary), 3.0) << primary.dump(2);
  const Json table = schema_reasons(primary, "missing_table").at(0);
  EXPECT_EQ(table.value("severity", ""), "warning");
  EXPECT_NE(table.value("message", "").find("public.users"), std::string::npos) << table.dump();
  EXPECT_NE(schema_reasons(primary, "missing_extension").at(0).value("message", "").find("CREATE EXTENSION pg_stat_statements"),
            std::string::npos);
  EXPECT_EQ(status_of(daemon.health()["clusters"][0]), "degraded");

  // The replica is a physical copy: it is not checked, and so reports nothing of the schema.
  const Json replica = member_of(daemon.health(), "replica");
  EXPECT_TRUE(schema_reasons(replica).empty()) << replica.dump(2);
  EXPECT_EQ(schema_value(replica), -1.0) << replica.dump(2);

  sql(db, "CREATE EXTENSION pg_stat_statements; CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE)");
  primary = poll_member(
      daemon, "primary", [](const Json& m) { return schema_value(m) == 0.0 && status_of(m) == "healthy"; }, kLimit);
  EXPECT_TRUE(schema_reasons(primary).empty()) << primary.dump(2);
  EXPECT_EQ(status_of(primary), "healthy") << primary.dump(2);
}

TEST_F(SchemaCheck, MigrationsDirectoryAgainstTheHistoryTable) {
  const std::string db = create_database("schema_migrations_dir");
  TempDir dir;
  const std::string migrations = dir / "migrations";
  std::filesystem::create_directories(migrations);
  const std::string first = "CREATE TABLE users (id int PRIMARY KEY, email text);\n";
  const std::string second = "CREATE UNIQUE INDEX users_email_key ON users (email);\n";
  dir.write("migrations/0001_create_users.up.sql", first);
  dir.write("migrations/0001_create_users.down.sql", "DROP TABLE users;\n");
  dir.write("migrations/0002_add_email_index.up.sql", second);
  // The history table as pgvigil migrate writes it, filled as if both had been applied.
  sql(db, first + second +
              "CREATE TABLE pgvigil_schema_migrations (version bigint PRIMARY KEY, name text NOT NULL, "
              "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), execution_ms bigint, "
              "status text NOT NULL, error text);"
              "INSERT INTO pgvigil_schema_migrations (version, name, checksum, execution_ms, status) VALUES "
              "(1, 'create_users', '" + sha256_hex(first) + "', 3, 'applied'), "
              "(2, 'add_email_index', '" + sha256_hex(second) + "', 2, 'applied');"
              "GRANT SELECT ON pgvigil_schema_migrations TO pgvigil");
  DaemonUnderTest daemon(dir, config_for(db, "{ interval: 1s, migrations_dir: " + migrations + " }"));
  ASSERT_TRUE(daemon.wait_ready(20s)) << daemon.log();

  Json primary = poll_member(
      daemon, "primary", [](const Json& m) { return schema_value(m) == 0.0 && status_of(m) == "healthy"; }, kLimit);
  EXPECT_EQ(schema_value(primary), 0.0) << primary.dump(2);
  EXPECT_EQ(status_of(primary), "healthy") << primary.dump(2);

  // Someone edits an applied migration.
  dir.write("migrations/0001_create_users.up.sql", first + "-- an afterthought\n");
  primary = poll_member(daemon, "primary", [](const Json& m) { return has_kind(m, "checksum_mismatch"); }, kLimit);
  ASSERT_TRUE(has_kind(primary, "checksum_mismatch")) << primary.dump(2);
  const Json mismatch = schema_reasons(primary, "checksum_mismatch").at(0);
  EXPECT_NE(mismatch.value("message", "").find("migration 1 (create_users)"), std::string::npos) << mismatch.dump();
  EXPECT_EQ(status_of(primary), "degraded") << primary.dump(2);
  EXPECT_EQ(schema_reasons(primary).size(), 1u) << primary.dump(2);
  EXPECT_EQ(daemon.get("/health").status, 200) << "degraded still answers 200";
  const std::string metrics = daemon.get("/metrics").body;
  EXPECT_NE(metrics.find(R"(pgvigil_schema_problems{cluster="c",member="primary",kind="checksum_mismatch"} 1)"),
            std::string::npos)
      << metrics;

  // Put back; then a migration that failed.
  dir.write("migrations/0001_create_users.up.sql", first);
  sql(db, "UPDATE pgvigil_schema_migrations SET status = 'failed', error = 'lock timeout' WHERE version = 2");
  primary = poll_member(
      daemon, "primary",
      [](const Json& m) { return has_kind(m, "migration_failed") && !has_kind(m, "checksum_mismatch"); }, kLimit);
  ASSERT_TRUE(has_kind(primary, "migration_failed")) << primary.dump(2);
  EXPECT_FALSE(has_kind(primary, "checksum_mismatch")) << primary.dump(2);
  EXPECT_NE(schema_reasons(primary, "migration_failed").at(0).value("message", "").find("lock timeout"),
            std::string::npos);

  // A new file nobody applied yet.
  sql(db, "UPDATE pgvigil_schema_migrations SET status = 'applied', error = NULL WHERE version = 2");
  dir.write("migrations/0003_add_orders.up.sql", "CREATE TABLE orders (id int);\n");
  primary = poll_member(
      daemon, "primary",
      [](const Json& m) { return has_kind(m, "migrations_pending") && !has_kind(m, "migration_failed"); }, kLimit);
  ASSERT_EQ(schema_reasons(primary).size(), 1u) << primary.dump(2);
  EXPECT_NE(schema_reasons(primary, "migrations_pending").at(0).value("message", "").find("3 (add_orders)"),
            std::string::npos);
}

TEST_F(SchemaCheck, OtherToolsFailedMigrationsAreReported) {
  const std::string db = create_database("schema_other_tools");
  sql(db,
      "CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, "
      "finished_at timestamptz, migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz, "
      "started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count integer NOT NULL DEFAULT 0);"
      "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES "
      "('a1', 'c1', now(), '20240101000000_init', 1), ('a2', 'c2', NULL, '20240201000000_add_orders', 0);"
      "CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), "
      "description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, "
      "installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(), "
      "execution_time int NOT NULL, success boolean NOT NULL);"
      "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, "
      "installed_by, execution_time, success) VALUES "
      "(1, '1', 'init', 'SQL', 'V1__init.sql', 123, 'app', 10, true), "
      "(2, '2', 'add users', 'SQL', 'V2__add_users.sql', 456, 'app', 5, false);"
      // Rails' table of the same name as golang-migrate's, without `dirty`: nothing to report.
      "CREATE TABLE schema_migrations (version varchar PRIMARY KEY); INSERT INTO schema_migrations VALUES ('1');"
      "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); "
      "INSERT INTO alembic_version VALUES ('ae1027a6acf');"
      "GRANT SELECT ON _prisma_migrations, flyway_schema_history, schema_migrations, alembic_version TO pgvigil");
  TempDir dir;
  DaemonUnderTest daemon(dir, config_for(db, "{ interval: 1s }"));
  ASSERT_TRUE(daemon.wait_ready(20s)) << daemon.log();

  Json primary = poll_member(
      daemon, "primary",
      [](const Json& m) { return has_kind(m, "prisma_migration_unfinished") && has_kind(m, "flyway_migration_failed"); },
      kLimit);
  ASSERT_TRUE(has_kind(primary, "prisma_migration_unfinished")) << primary.dump(2);
  ASSERT_TRUE(has_kind(primary, "flyway_migration_failed")) << primary.dump(2);
  EXPECT_EQ(schema_reasons(primary).size(), 2u) << "nothing from Rails' table or Alembic's\n" << primary.dump(2);
  EXPECT_NE(schema_reasons(primary, "prisma_migration_unfinished").at(0).value("message", "").find(
                "20240201000000_add_orders"),
            std::string::npos);
  EXPECT_NE(schema_reasons(primary, "flyway_migration_failed").at(0).value("message", "").find("V2__add_users.sql"),
            std::string::npos);
  EXPECT_EQ(status_of(primary), "degraded") << primary.dump(2);
  EXPECT_NE(daemon.log().find("alembic version ae1027a6acf"), std::string::npos) << daemon.log();

  // Golang-migrate's table instead of Rails': a dirty version is reported.
  sql(db,
      "DROP TABLE schema_migrations; CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT "
      "NULL); INSERT INTO schema_migrations VALUES (7, true); GRANT SELECT ON schema_migrations TO pgvigil");
  primary = poll_member(daemon, "primary", [](const Json& m) { return has_kind(m, "golang_migrate_dirty"); }, kLimit);
  ASSERT_TRUE(has_kind(primary, "golang_migrate_dirty")) << primary.dump(2);
  EXPECT_NE(schema_reasons(primary, "golang_migrate_dirty").at(0).value("message", "").find("version 7"),
            std::string::npos);
}

TEST_F(SchemaCheck, CriticalSeverityMakesThePrimaryAndTheClusterUnhealthy) {
  const std::string db = create_database("schema_critical");
  TempDir dir;
  DaemonUnderTest daemon(dir, config_for(db, "{ interval: 1s, severity: critical, required_tables: [accounts] }"));
  ASSERT_TRUE(daemon.wait_ready(20s)) << daemon.log();

  Json primary = poll_member(
      daemon, "primary", [](const Json& m) { return has_kind(m, "missing_table") && status_of(m) == "unhealthy"; },
      kLimit);
  ASSERT_TRUE(has_kind(primary, "missing_table")) << primary.dump(2);
  EXPECT_EQ(schema_reasons(primary, "missing_table").at(0).value("severity", ""), "critical");
  EXPECT_EQ(status_of(primary), "unhealthy") << primary.dump(2);
  const HttpReply health = daemon.get("/health");
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_EQ(status_of(health.json()["clusters"][0]), "unhealthy") << health.body;
}

// The statements of the check run only when due: over a few seconds of 1s health cycles with a
// 1h schema interval, the check's two statements ran once each.
TEST_F(SchemaCheck, StatementsRunOnlyWhenDue) {
  const std::string db = create_database("schema_budget");
  sql(db,
      "CREATE EXTENSION pg_stat_statements;"
      "CREATE TABLE pgvigil_schema_migrations (version bigint PRIMARY KEY, name text, checksum text, "
      "applied_at timestamptz, execution_ms bigint, status text);"
      "GRANT SELECT ON pgvigil_schema_migrations TO pgvigil");
  TempDir dir;
  DaemonUnderTest daemon(dir, config_for(db, "{ interval: 1h }"));
  ASSERT_TRUE(daemon.wait_ready(20s)) << daemon.log();
  poll_member(daemon, "primary", [](const Json& m) { return schema_value(m) == 0.0; }, kLimit);
  std::this_thread::sleep_for(4s);  // a few more health cycles
  const auto calls = [&](const std::string& like) {
    const auto rows = testing::run_sql(
        cluster_->conninfo(PgCluster::kPrimary, "postgres", db),
        "SELECT coalesce(sum(s.calls), 0)::bigint FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
        "WHERE d.datname = current_database() AND s.userid = 'pgvigil'::regrole AND s.query LIKE '" + like + "'");
    return std::stoll(rows.at(0).at(0).value());
  };
  EXPECT_EQ(calls("%AS catalog"), 1);
  EXPECT_EQ(calls("%AS history"), 1);
  EXPECT_GE(calls("%AS connections%"), 4) << "the health cycles ran meanwhile";
}

}  // namespace
}  // namespace pgvigil::acceptance
