// Reading a migrations directory: the file-name pattern, the no-transaction header, checksums,
// and the layouts that must be refused rather than guessed at.
#include "migrate/migration_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "util/sha256.h"

namespace pgvigil::migrate {
namespace {

namespace fs = std::filesystem;

TEST(MigrationFileName, ParsesVersionNameAndDirection) {
  EXPECT_EQ(parse_migration_file_name("0001_create_users.up.sql"), (MigrationFileName{1, "create_users", Direction::up}));
  EXPECT_EQ(parse_migration_file_name("0042_drop-old.down.sql"), (MigrationFileName{42, "drop-old", Direction::down}));
  EXPECT_EQ(parse_migration_file_name("20261201120000_add_index.up.sql"),
            (MigrationFileName{20261201120000, "add_index", Direction::up}));
  EXPECT_EQ(parse_migration_file_name("7_x_y.up.sql"), (MigrationFileName{7, "x_y", Direction::up}));
}

TEST(MigrationFileName, RefusesEverythingElse) {
  for (const char* name : {"0001_create_users.sql", "create_users.up.sql", "_x.up.sql", "0001_.up.sql", "0001.up.sql",
                           "00a1_x.up.sql", "0001_x.UP.sql", "0001_x y.up.sql", "99999999999999999999_x.up.sql",
                           "0001_x.up.sql.bak", "-1_x.up.sql"}) {
    EXPECT_EQ(parse_migration_file_name(name), std::nullopt) << name;
  }
}

TEST(MigrationFileName, IsZeroPaddedToFourDigits) {
  EXPECT_EQ(migration_file_name(3, "add_users", Direction::up), "0003_add_users.up.sql");
  EXPECT_EQ(migration_file_name(12345, "x", Direction::down), "12345_x.down.sql");
}

TEST(NoTransactionHeader, IsFoundAmongTheLeadingComments) {
  EXPECT_TRUE(declares_no_transaction("-- pgvigil:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n"));
  EXPECT_TRUE(declares_no_transaction("\n  -- build the index online\r\n-- pgvigil:no-transaction\n\nCREATE INDEX ...;"));
  EXPECT_TRUE(declares_no_transaction("--pgvigil:no-transaction"));
}

TEST(NoTransactionHeader, IsNotFoundAfterTheFirstStatementOrOutsideAComment) {
  EXPECT_FALSE(declares_no_transaction("CREATE TABLE t (a int);\n-- pgvigil:no-transaction\n"));
  EXPECT_FALSE(declares_no_transaction("SELECT 'pgvigil:no-transaction';"));
  EXPECT_FALSE(declares_no_transaction("/* pgvigil:no-transaction */ CREATE INDEX CONCURRENTLY i ON t (a);"));
  EXPECT_FALSE(declares_no_transaction("-- pgvigil:transaction\nSELECT 1;"));
  EXPECT_FALSE(declares_no_transaction(""));
}

class MigrationDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/pgvigil-migrations.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& contents) const {
    std::ofstream(dir_ / name, std::ios::binary) << contents;
  }

  fs::path dir_;
};

TEST_F(MigrationDir, ReadsEveryVersionInOrderWithItsChecksum) {
  write("0002_add_index.up.sql", "-- pgvigil:no-transaction\nCREATE INDEX CONCURRENTLY i ON users (email);\n");
  write("0002_add_index.down.sql", "DROP INDEX i;\n");
  write("0001_create_users.up.sql", "CREATE TABLE users (id int, email text);\n");
  write("0001_create_users.down.sql", "DROP TABLE users;\n");
  write("0010_seed.up.sql", "INSERT INTO users VALUES (1, 'a');\n");
  write("README.md", "how to write migrations\n");

  const auto read = read_migration_dir(dir_);
  ASSERT_TRUE(read.has_value()) << read.error();
  ASSERT_EQ(read->size(), 3U);
  const MigrationFile& first = (*read)[0];
  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(first.name, "create_users");
  EXPECT_EQ(first.up_path, dir_ / "0001_create_users.up.sql");
  EXPECT_EQ(first.down_path, dir_ / "0001_create_users.down.sql");
  EXPECT_EQ(first.up_sql, "CREATE TABLE users (id int, email text);\n");
  EXPECT_EQ(first.checksum, sha256_hex("CREATE TABLE users (id int, email text);\n"));
  EXPECT_TRUE(first.in_transaction);
  EXPECT_EQ((*read)[1].version, 2);
  EXPECT_FALSE((*read)[1].in_transaction);
  EXPECT_EQ((*read)[2].version, 10);
  EXPECT_EQ((*read)[2].down_path, std::nullopt);
}

TEST_F(MigrationDir, AnEmptyDirectoryHasNoMigrations) {
  const auto read = read_migration_dir(dir_);
  ASSERT_TRUE(read.has_value()) << read.error();
  EXPECT_TRUE(read->empty());
}

TEST_F(MigrationDir, RefusesLayoutsItWouldHaveToGuessAbout) {
  struct Case {
    const char* first;
    const char* second;
    const char* error_names;
  };
  for (const Case& c : {Case{"0001_a.up.sql", "0001_b.up.sql", "0001_b.up.sql: version 1 is already used by 'a'"},
                        Case{"0001_a.up.sql", "001_a.up.sql", "001_a.up.sql: version 1 already has 0001_a.up.sql"},
                        Case{"0001_a.up.sql", "0002_b.down.sql", "0002_b.down.sql: has no up file"},
                        Case{"0001_a.up.sql", "notes.sql", "notes.sql: not a migration file name"}}) {
    fs::remove_all(dir_);
    fs::create_directory(dir_);
    write(c.first, "SELECT 1;\n");
    write(c.second, "SELECT 2;\n");
    const auto read = read_migration_dir(dir_);
    ASSERT_FALSE(read.has_value()) << c.second;
    EXPECT_NE(read.error().find(c.error_names), std::string::npos) << read.error();
  }
}

TEST_F(MigrationDir, AMissingDirectoryIsAnErrorNamingIt) {
  const auto read = read_migration_dir(dir_ / "nope");
  ASSERT_FALSE(read.has_value());
  EXPECT_NE(read.error().find((dir_ / "nope").string()), std::string::npos) << read.error();
}

}  // namespace
}  // namespace pgvigil::migrate
