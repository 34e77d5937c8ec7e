// A migration that fails: the run stops there, the version is recorded as failed with the
// server's error placed in the file, nothing of the failed file remains, and once the file is
// fixed the next up applies it.
#include "migrate_fixture.h"

namespace pgvigil::acceptance {
namespace {

TEST_F(MigrateDb, ASyntaxErrorStopsTheRunAndNamesTheFileAndLine) {
  write("0001_base.up.sql", "CREATE TABLE base (id int);\n");
  write("0002_bad.up.sql",
        "-- the second migration\nCREATE TABLE half (id int);\nINSERT INTO half VALUES (1);\nCREATE TABL oops (id int);\n");
  write("0003_after.up.sql", "CREATE TABLE after_bad (id int);\n");

  const auto up = migrate({"up"});
  EXPECT_EQ(up.exit_code, 2) << up.out << up.err;
  EXPECT_TRUE(contains(up.err, "0002_bad.up.sql:4: ERROR: syntax error at or near \"TABL\"")) << up.err;
  EXPECT_TRUE(contains(up.out, "applied 0001_base.up.sql")) << up.out;
  EXPECT_EQ(history(), (Lines{"1:applied", "2:failed"}));
  EXPECT_TRUE(contains(value("SELECT error FROM pgvigil_schema_migrations WHERE version = 2"), "0002_bad.up.sql:4"));
  EXPECT_FALSE(exists("half"));
  EXPECT_FALSE(exists("after_bad")) << "nothing after the failed migration runs";

  const auto status = migrate({"status"});
  EXPECT_TRUE(contains(status.out, "failed")) << status.out;
  const auto verify = migrate({"verify"});
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_TRUE(contains(verify.out, "failed: 0002_bad.up.sql")) << verify.out;
}

TEST_F(MigrateDb, AFailureLaterInTheFileLeavesNoPartialChangeAndAFixedFileIsApplied) {
  write("0001_bad.up.sql",
        "CREATE TABLE half (id int);\nINSERT INTO half VALUES (1);\n\nINSERT INTO nope VALUES (1);\n");
  write("0002_after.up.sql", "CREATE TABLE after_bad (id int);\n");

  const auto up = migrate({"up"});
  EXPECT_EQ(up.exit_code, 2) << up.out << up.err;
  // The table the file created before its failing statement is gone with the transaction.
  EXPECT_TRUE(contains(up.err, "0001_bad.up.sql:4: ERROR: relation \"nope\" does not exist")) << up.err;
  EXPECT_FALSE(exists("half"));
  EXPECT_EQ(history(), (Lines{"1:failed"}));

  write("0001_bad.up.sql", "CREATE TABLE half (id int);\nINSERT INTO half VALUES (1);\n");
  const auto fixed = migrate({"up"});
  ASSERT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  EXPECT_EQ(history(), (Lines{"1:applied", "2:applied"}));
  EXPECT_EQ(value("SELECT error IS NULL FROM pgvigil_schema_migrations WHERE version = 1"), "t");
  EXPECT_EQ(value("SELECT count(*) FROM half"), "1");
  EXPECT_EQ(migrate({"verify"}).exit_code, 0);
}

TEST_F(MigrateDb, AFileThatEndsItsOwnTransactionIsAFailure) {
  write("0001_commits.up.sql", "CREATE TABLE early (id int);\nCOMMIT;\n");
  const auto up = migrate({"up"});
  EXPECT_EQ(up.exit_code, 2) << up.out << up.err;
  EXPECT_TRUE(contains(up.err, "0001_commits.up.sql: the file ended the migration's transaction itself")) << up.err;
  EXPECT_EQ(history(), (Lines{"1:failed"})) << "never recorded as applied outside its transaction";
}

TEST_F(MigrateDb, ANoTransactionFileRunsStatementByStatement) {
  write("0001_users.up.sql", "CREATE TABLE users (id int, name text);\n");
  write("0002_index.up.sql",
        "-- pgvigil:no-transaction\n-- CREATE INDEX CONCURRENTLY refuses to run in a transaction block.\n"
        "CREATE INDEX CONCURRENTLY users_name ON users (name);\nCREATE INDEX CONCURRENTLY users_id ON users (id);\n");
  write("0002_index.down.sql",
        "-- pgvigil:no-transaction\nDROP INDEX CONCURRENTLY users_id;\nDROP INDEX CONCURRENTLY users_name;\n");

  const auto up = migrate({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_EQ(history(), (Lines{"1:applied", "2:applied"}));
  EXPECT_EQ(value("SELECT count(*) FROM pg_index WHERE indrelid = 'users'::regclass AND indisvalid"), "2");

  const auto down = migrate({"down"});
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_EQ(value("SELECT count(*) FROM pg_index WHERE indrelid = 'users'::regclass"), "0");
  EXPECT_EQ(history(), (Lines{"1:applied"}));

  // Without the header the same statement fails, in a transaction: the header is what makes it work.
  write("0003_plain.up.sql", "CREATE INDEX CONCURRENTLY users_plain ON users (name);\n");
  const auto plain = migrate({"up"});
  EXPECT_EQ(plain.exit_code, 2) << plain.out << plain.err;
  EXPECT_TRUE(contains(plain.err, "cannot run inside a transaction block")) << plain.err;
  EXPECT_EQ(history(), (Lines{"1:applied", "2:applied", "3:failed"}));
}

TEST_F(MigrateDb, AFailingNoTransactionStatementIsPlacedByItsLine) {
  write("0001_index.up.sql",
        "-- pgvigil:no-transaction\nCREATE TABLE IF NOT EXISTS t (id int);\n\nSELECT id,\n  missing_column FROM t;\n");
  const auto up = migrate({"up"});
  EXPECT_EQ(up.exit_code, 2) << up.out << up.err;
  EXPECT_TRUE(contains(up.err, "0001_index.up.sql:5: ERROR: column \"missing_column\" does not exist")) << up.err;
  EXPECT_EQ(history(), (Lines{"1:failed"}));
  EXPECT_TRUE(exists("t")) << "outside a transaction, statements before the failure stay done";

  // A statement whose error carries no position is named by the line it starts on.
  write("0001_index.up.sql", "-- pgvigil:no-transaction\nCREATE TABLE IF NOT EXISTS t (id int);\nSELECT 1 / 0;\n");
  const auto again = migrate({"up"});
  EXPECT_EQ(again.exit_code, 2) << again.out << again.err;
  EXPECT_TRUE(contains(again.err, "0001_index.up.sql:3: ERROR: division by zero")) << again.err;
}

}  // namespace
}  // namespace pgvigil::acceptance
