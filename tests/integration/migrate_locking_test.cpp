// Two `pgvigil migrate up` runs at once: the advisory lock lets one work while the other waits,
// so a migration is applied exactly once; a run that cannot get the lock in --lock-wait gives up
// with a message instead of hanging.
#include "migrate_fixture.h"

#include "db/connection.h"
#include "db/conninfo.h"
#include "migrate/advisory_lock.h"

namespace pgvigil::acceptance {
namespace {

TEST_F(MigrateDb, TwoConcurrentRunsApplyAMigrationExactlyOnce) {
  sql("CREATE TABLE counter (n int NOT NULL); INSERT INTO counter VALUES (0);");
  write("0001_slow.up.sql", "UPDATE counter SET n = n + 1;\nSELECT pg_sleep(2);\n");

  auto run = [&](const std::string& label) {
    return testing::Subprocess::spawn({PGVIGIL_BINARY, "migrate", "up", "--dsn", dsn(), "--dir", migrations()}, {},
                                      dir_ / label);
  };
  auto first = run("first.log");
  auto second = run("second.log");
  const auto first_code = first.wait_for_exit(kCommandLimit);
  const auto second_code = second.wait_for_exit(kCommandLimit);
  const std::string first_log = testing::read_file(dir_ / "first.log");
  const std::string second_log = testing::read_file(dir_ / "second.log");
  EXPECT_EQ(first_code, 0) << first_log;
  EXPECT_EQ(second_code, 0) << second_log;

  EXPECT_EQ(value("SELECT n FROM counter"), "1");
  EXPECT_EQ(history(), (Lines{"1:applied"}));
  const std::string both = first_log + second_log;
  EXPECT_EQ(occurrences(both, "applied 0001_slow.up.sql"), 1u) << both;
  EXPECT_EQ(occurrences(both, "nothing to apply"), 1u) << both;
  EXPECT_TRUE(contains(both, "waiting up to 1m for another migrate run")) << both;
}

TEST_F(MigrateDb, ARunThatCannotGetTheLockGivesUpAfterLockWait) {
  write("0001_a.up.sql", "CREATE TABLE a (id int);\n");
  // Another runner, as far as the lock is concerned: a session holding the same key.
  db::ConnectSpec spec;
  spec.params = *db::parse_conninfo(dsn());
  auto holder = db::Connection::open(spec, db::SteadyClock::now() + 10s);
  ASSERT_TRUE(holder) << holder.error().to_string();
  const auto key = migrate::advisory_lock_key("public.pgvigil_schema_migrations");
  ASSERT_TRUE(holder->query("SELECT pg_advisory_lock(" + std::to_string(key) + ")", 10s));

  const auto started = std::chrono::steady_clock::now();
  const auto up = migrate({"up", "--lock-wait", "1s"});
  EXPECT_EQ(up.exit_code, 4) << up.out << up.err;
  EXPECT_TRUE(contains(up.err, "another migrate run holds the lock")) << up.err;
  EXPECT_TRUE(contains(up.err, "held by backend PID " + std::to_string(holder->backend_pid()))) << up.err;
  EXPECT_LT(seconds_since(started), 10.0);
  EXPECT_FALSE(exists("a"));

  // A history table elsewhere has a lock of its own.
  const auto other = migrate({"up", "--table", "other_history", "--lock-wait", "0s"});
  EXPECT_EQ(other.exit_code, 0) << other.out << other.err;
  EXPECT_EQ(history("other_history"), (Lines{"1:applied"}));

  holder->close();
  const auto freed = migrate({"status", "--table", "public.other_history"});
  EXPECT_EQ(freed.exit_code, 0) << freed.err;
  EXPECT_TRUE(contains(freed.out, "applied")) << freed.out;
}

// A DDL statement queued behind a long transaction would block every later query on its table:
// with --lock-timeout it gives up instead, the migration is recorded as failed with the server's
// reason, and once the transaction is gone the next up applies it.
TEST_F(MigrateDb, AMigrationWaitingForATableLockGivesUpAfterLockTimeout) {
  sql("CREATE TABLE busy (id int)");
  write("0001_alter_busy.up.sql", "ALTER TABLE busy ADD COLUMN note text;\n");
  db::ConnectSpec spec;
  spec.params = *db::parse_conninfo(dsn());
  auto reader = db::Connection::open(spec, db::SteadyClock::now() + 10s);
  ASSERT_TRUE(reader) << reader.error().to_string();
  ASSERT_TRUE(reader->run_script("BEGIN; SELECT count(*) FROM busy;", 10s));  // holds ACCESS SHARE

  const auto started = std::chrono::steady_clock::now();
  const auto up = migrate({"up", "--lock-timeout", "1s"});
  EXPECT_EQ(up.exit_code, 2) << up.out << up.err;
  EXPECT_TRUE(contains(up.err, "0001_alter_busy.up.sql")) << up.err;
  EXPECT_TRUE(contains(up.err, "lock timeout")) << up.err;
  EXPECT_LT(seconds_since(started), 10.0);
  EXPECT_EQ(history(), (Lines{"1:failed"}));

  reader->close();
  const auto retried = migrate({"up", "--lock-timeout", "1s"});
  EXPECT_EQ(retried.exit_code, 0) << retried.out << retried.err;
  EXPECT_EQ(history(), (Lines{"1:applied"}));
  EXPECT_EQ(value("SELECT count(*) FROM information_schema.columns WHERE table_name = 'busy' AND column_name = 'note'"),
            "1");
}

}  // namespace
}  // namespace pgvigil::acceptance
