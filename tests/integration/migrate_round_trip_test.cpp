// `pgvigil migrate` against a real server: up, status, verify and down on a fresh database;
// a second up changes nothing; an edited applied file is caught by verify and stops down.
#include "migrate_fixture.h"

#include "util/sha256.h"

namespace pgvigil::acceptance {
namespace {

constexpr const char* kCreateUsers = "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n";

TEST_F(MigrateDb, UpStatusVerifyDownRoundTrip) {
  write("0001_create_users.up.sql", kCreateUsers);
  write("0001_create_users.down.sql", "DROP TABLE users;\n");
  write("0002_add_email.up.sql", "ALTER TABLE users ADD COLUMN email text;\nCREATE INDEX users_email ON users (email);\n");
  write("0002_add_email.down.sql", "ALTER TABLE users DROP COLUMN email;\n");

  const auto before = migrate({"status"});
  EXPECT_EQ(before.exit_code, 0) << before.out << before.err;
  EXPECT_TRUE(contains(before.out, "pending")) << before.out;
  const auto verify_pending = migrate({"verify"});
  EXPECT_EQ(verify_pending.exit_code, 1) << verify_pending.out << verify_pending.err;
  EXPECT_TRUE(contains(verify_pending.out, "pending: 0001_create_users.up.sql")) << verify_pending.out;
  EXPECT_FALSE(exists("pgvigil_schema_migrations")) << "status and verify only read";

  const auto up = migrate({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_TRUE(contains(up.out, "applied 0001_create_users.up.sql")) << up.out;
  EXPECT_TRUE(contains(up.out, "applied 0002_add_email.up.sql")) << up.out;
  EXPECT_EQ(history(), (Lines{"1:applied", "2:applied"}));
  EXPECT_EQ(value("SELECT checksum FROM pgvigil_schema_migrations WHERE version = 1"), sha256_hex(kCreateUsers));
  EXPECT_EQ(value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email'"), "1");
  EXPECT_EQ(value("SELECT bool_and(execution_ms >= 0 AND name <> '' AND error IS NULL) FROM pgvigil_schema_migrations"),
            "t");

  const std::string rows_before = value("SELECT string_agg(version || ' ' || applied_at, ',') FROM pgvigil_schema_migrations");
  const auto again = migrate({"up"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(contains(again.out, "nothing to apply")) << again.out;
  EXPECT_EQ(value("SELECT string_agg(version || ' ' || applied_at, ',') FROM pgvigil_schema_migrations"), rows_before);

  const auto status = migrate({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_TRUE(contains(status.out, "VERSION")) << status.out;
  EXPECT_TRUE(contains(status.out, "create_users  applied")) << status.out;
  EXPECT_FALSE(contains(status.out, "pending")) << status.out;
  const auto verify = migrate({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_TRUE(contains(verify.out, "OK: 2 migrations applied")) << verify.out;

  const auto down = migrate({"down"});
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_TRUE(contains(down.out, "reverted 0002_add_email.down.sql")) << down.out;
  EXPECT_EQ(history(), (Lines{"1:applied"}));
  EXPECT_EQ(value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email'"), "0");

  const auto rest = migrate({"down", "--steps", "5"});
  ASSERT_EQ(rest.exit_code, 0) << rest.out << rest.err;
  EXPECT_FALSE(exists("users"));
  EXPECT_EQ(history(), Lines{});
  EXPECT_EQ(migrate({"verify"}).exit_code, 1);

  const auto to_one = migrate({"up", "--to", "1"});
  ASSERT_EQ(to_one.exit_code, 0) << to_one.out << to_one.err;
  EXPECT_EQ(history(), (Lines{"1:applied"}));
}

TEST_F(MigrateDb, AnEditedAppliedFileFailsVerifyAndStopsDownUnlessForced) {
  write("0001_create_users.up.sql", kCreateUsers);
  write("0001_create_users.down.sql", "DROP TABLE users;\n");
  write("0002_add_email.up.sql", "ALTER TABLE users ADD COLUMN email text;\n");
  write("0002_add_email.down.sql", "ALTER TABLE users DROP COLUMN email;\n");
  ASSERT_EQ(migrate({"up"}).exit_code, 0);

  write("0001_create_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n");
  const auto verify = migrate({"verify"});
  EXPECT_EQ(verify.exit_code, 1) << verify.out << verify.err;
  EXPECT_TRUE(contains(verify.out, "checksum mismatch: 0001_create_users.up.sql")) << verify.out;
  const auto status = migrate({"status"});
  EXPECT_TRUE(contains(status.out, "checksum mismatch")) << status.out;

  const auto down = migrate({"down"});
  EXPECT_EQ(down.exit_code, 3) << down.out << down.err;
  EXPECT_TRUE(contains(down.err, "refused")) << down.err;
  EXPECT_TRUE(contains(down.err, "0001_create_users.up.sql")) << down.err;
  EXPECT_EQ(history(), (Lines{"1:applied", "2:applied"}));
  EXPECT_EQ(value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email'"), "1");

  write("0003_more.up.sql", "CREATE TABLE more (id int);\n");
  const auto up = migrate({"up"});
  EXPECT_EQ(up.exit_code, 3) << up.out << up.err;
  EXPECT_FALSE(exists("more"));

  const auto forced = migrate({"down", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.out << forced.err;
  EXPECT_EQ(history(), (Lines{"1:applied"}));
}

TEST_F(MigrateDb, CreateWritesTheNextPairWithoutADatabase) {
  write("0004_x.up.sql", "SELECT 1;\n");
  const auto created = run_split(dir_, "create", {PGVIGIL_BINARY, "migrate", "create", "add_orders", "--dir",
                                                  migrations()},
                                 kCommandLimit);
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
  EXPECT_TRUE(fs::exists(migrations() + "/0005_add_orders.up.sql"));
  EXPECT_TRUE(fs::exists(migrations() + "/0005_add_orders.down.sql"));
  const auto up = migrate({"up"});
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_EQ(history(), (Lines{"4:applied", "5:applied"})) << "an empty template is a valid migration";
}

TEST_F(MigrateDb, BadCommandLinesAndConnectionsExitWithTheirOwnCodes) {
  const auto usage = run_split(dir_, "usage", {PGVIGIL_BINARY, "migrate", "up", "--dir", migrations()}, kCommandLimit);
  EXPECT_EQ(usage.exit_code, 64) << usage.err;
  EXPECT_TRUE(contains(usage.err, "--dsn CONNINFO or --config FILE is required")) << usage.err;
  const auto help = run_split(dir_, "help", {PGVIGIL_BINARY, "migrate", "--help"}, kCommandLimit);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(contains(help.out, "usage: pgvigil migrate")) << help.out;
  const auto top_help = run_split(dir_, "tophelp", {PGVIGIL_BINARY, "--help"}, kCommandLimit);
  EXPECT_TRUE(contains(top_help.out, "pgvigil migrate")) << top_help.out;

  const std::string secret = "Not-The-Password-93c1";
  const auto refused = run_split(dir_, "auth",
                                 {PGVIGIL_BINARY, "migrate", "status", "--dir", migrations(), "--dsn",
                                  "host=127.0.0.1 port=" + std::to_string(cluster_->port(testing::PgCluster::kPrimary)) +
                                      " dbname=" + db_ + " user=pgvigil password=" + secret},
                                 kCommandLimit);
  EXPECT_EQ(refused.exit_code, 69) << refused.out << refused.err;
  EXPECT_TRUE(contains(refused.err, "authentication")) << refused.err;
  EXPECT_FALSE(contains(refused.out + refused.err, secret)) << refused.err;

  write("notes.sql", "SELECT 1;\n");
  const auto bad_dir = migrate({"status"});
  EXPECT_EQ(bad_dir.exit_code, 65) << bad_dir.err;
  EXPECT_TRUE(contains(bad_dir.err, "notes.sql")) << bad_dir.err;
}

}  // namespace
}  // namespace pgvigil::acceptance
