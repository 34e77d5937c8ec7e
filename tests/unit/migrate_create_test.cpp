// `pgvigil migrate create NAME`: the next version's pair of files, never overwriting anything.
#include "migrate/create_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace pgvigil::migrate {
namespace {

namespace fs = std::filesystem;

class MigrateCreate : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pgvigil-create-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  void touch(const std::string& name, const std::string& text = "SELECT 1;\n") const {
    std::ofstream(dir_ / name) << text;
  }

  fs::path dir_;
};

TEST_F(MigrateCreate, TheFirstMigrationIsVersionOneInANewDirectory) {
  const auto created = create_migration(dir_ / "migrations", "create_users");
  ASSERT_TRUE(created) << created.error();
  EXPECT_EQ(created->up, dir_ / "migrations" / "0001_create_users.up.sql");
  EXPECT_EQ(created->down, dir_ / "migrations" / "0001_create_users.down.sql");
  const auto files = read_migration_dir(dir_ / "migrations");
  ASSERT_TRUE(files) << files.error();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_TRUE(files->front().in_transaction) << "the template must not declare the no-transaction header";
  EXPECT_TRUE(files->front().down_path.has_value());
  EXPECT_NE(files->front().up_sql.find("-- Migration 1 (create_users): up."), std::string::npos);
}

TEST_F(MigrateCreate, NumbersOnePastTheHighestVersion) {
  touch("0001_a.up.sql");
  touch("0007_b.up.sql");
  touch("0007_b.down.sql");
  const auto created = create_migration(dir_, "add-index");
  ASSERT_TRUE(created) << created.error();
  EXPECT_EQ(created->up.filename(), "0008_add-index.up.sql");
  EXPECT_EQ(next_version({}), 1);
}

TEST_F(MigrateCreate, RefusesADirectoryItCannotRead) {
  touch("notes.sql");
  const auto created = create_migration(dir_, "x");
  ASSERT_FALSE(created);
  EXPECT_NE(created.error().find("notes.sql"), std::string::npos) << created.error();
}

TEST_F(MigrateCreate, TemplatesSayWhatTheFileIsFor) {
  EXPECT_EQ(new_file_template(3, "x", Direction::down),
            "-- Migration 3 (x): down. Undoes what the up file did, for `pgvigil migrate down`.\n\n");
  EXPECT_FALSE(declares_no_transaction(new_file_template(3, "x", Direction::up)));
}

}  // namespace
}  // namespace pgvigil::migrate
