// `pgvigil migrate` and the daemon's schema check agree about one database: what migrate applied
// reads as healthy, and an applied file edited afterwards is caught by both, `verify` exiting 1 and
// the check degrading the primary with reason checksum_mismatch; fixing the file clears both.
#include <string>

#include "migrate_fixture.h"

namespace pgvigil::acceptance {
namespace {

constexpr auto kLimit = 20s;  // a few 1s cycles and 1s schema runs on a loaded machine

bool has_schema_reason(const Json& member, const std::string& kind) {
  if (!member.is_object() || !member.contains("reasons")) return false;
  for (const auto& reason : member["reasons"]) {
    if (reason.value("check", "") == "schema" && reason.value("value", "") == kind) return true;
  }
  return false;
}

double schema_problems(const Json& member) {
  return member.is_object() && member.contains("checks") ? member["checks"].value("schema", -1.0) : -1.0;
}

TEST_F(MigrateDb, TheSchemaCheckSeesWhatMigrateAppliedAndAnEditVerifyAlsoCatches) {
  const std::string users = "CREATE TABLE users (id int PRIMARY KEY, email text);\n";
  write("0001_create_users.up.sql", users);
  write("0001_create_users.down.sql", "DROP TABLE users;\n");
  write("0002_add_email_index.up.sql", "-- pgvigil:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n");
  const auto up = migrate({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  // migrate ran as the superuser; the monitoring role only reads the history.
  sql("GRANT SELECT ON pgvigil_schema_migrations TO pgvigil");

  DaemonConfig config;
  config.members = {{"primary", cluster_->port(testing::PgCluster::kPrimary), cluster_->password_file(), db_}};
  config.interval = "1s";
  config.recover_after = "1";
  config.checks["cache_hit"] = "{ enabled: false }";
  config.queries = "{ statements: false, cancel: { mode: off } }";
  config.schema = "{ interval: 1s, migrations_dir: " + migrations() +
                  ", required_tables: [users], required_indexes: [users_email_key] }";
  DaemonUnderTest daemon(dir_, config);
  ASSERT_TRUE(daemon.wait_ready(20s)) << daemon.log();

  Json primary = poll_member(
      daemon, "primary", [](const Json& m) { return schema_problems(m) == 0.0 && status_of(m) == "healthy"; }, kLimit);
  ASSERT_EQ(schema_problems(primary), 0.0) << primary.dump(2);
  EXPECT_EQ(status_of(primary), "healthy") << primary.dump(2);

  write("0001_create_users.up.sql", users + "-- edited after it was applied\n");
  const auto verify = migrate({"verify"});
  EXPECT_EQ(verify.exit_code, 1) << verify.out << verify.err;
  EXPECT_TRUE(contains(verify.out, "checksum mismatch: 0001_create_users.up.sql")) << verify.out;
  primary = poll_member(daemon, "primary", [](const Json& m) { return has_schema_reason(m, "checksum_mismatch"); }, kLimit);
  EXPECT_TRUE(has_schema_reason(primary, "checksum_mismatch")) << primary.dump(2);
  EXPECT_EQ(status_of(primary), "degraded") << primary.dump(2);

  write("0001_create_users.up.sql", users);
  EXPECT_EQ(migrate({"verify"}).exit_code, 0);
  primary = poll_member(
      daemon, "primary", [](const Json& m) { return schema_problems(m) == 0.0 && status_of(m) == "healthy"; }, kLimit);
  EXPECT_FALSE(has_schema_reason(primary, "checksum_mismatch")) << primary.dump(2);
  EXPECT_EQ(status_of(primary), "healthy") << primary.dump(2);
}

}  // namespace
}  // namespace pgvigil::acceptance
