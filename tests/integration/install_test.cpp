// The install rules: `cmake --install` of this build directory into a temporary prefix lays out
// the daemon (and no test program), the unit, the example configuration, the docs and the
// dashboards; /usr puts the configuration under /etc where the unit reads it; an edited
// configuration survives a second install.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "daemon_under_test.h"
#include "packaging_files.h"

namespace pgvigil::packaging {
namespace {

using namespace std::chrono_literals;
using acceptance::TempDir;

testing::CommandResult install(const std::string& prefix, const std::string& destdir = "") {
  testing::SpawnOptions options;
  if (!destdir.empty()) options.extra_env.emplace_back("DESTDIR", destdir);
  return testing::run_command({PGVIGIL_CMAKE_COMMAND, "--install", PGVIGIL_BUILD_DIR, "--prefix", prefix}, 120s,
                              options);
}

bool is_executable(const fs::path& path) {
  return fs::is_regular_file(path) && (fs::status(path).permissions() & fs::perms::owner_exec) != fs::perms::none;
}

TEST(Install, LaysOutDaemonUnitConfigAndDocs) {
  const TempDir dir;
  const fs::path prefix = dir / "x";
  const auto result = install(prefix.string());
  ASSERT_EQ(result.exit_code, 0) << result.output;

  EXPECT_TRUE(is_executable(prefix / "bin/pgvigil"));
  EXPECT_EQ(testing::read_file(prefix / "lib/systemd/system/pgvigil.service"), read_source("systemd/pgvigil.service"));
  EXPECT_EQ(testing::read_file(prefix / "etc/pgvigil/pgvigil.yaml"), read_source("config/pgvigil.yaml"));
  EXPECT_EQ(testing::read_file(prefix / "share/doc/pgvigil/README.md"), read_source("README.md"));
  EXPECT_EQ(testing::read_file(prefix / "share/doc/pgvigil/pgvigil.yaml"), read_source("config/pgvigil.yaml"));
}

TEST(Install, InstallsNoTestProgram) {
  const TempDir dir;
  const fs::path prefix = dir / "x";
  ASSERT_EQ(install(prefix.string()).exit_code, 0);
  std::vector<std::string> programs;
  for (const auto& entry : fs::recursive_directory_iterator(prefix)) {
    if (is_executable(entry.path())) programs.push_back(fs::relative(entry.path(), prefix).string());
  }
  EXPECT_EQ(programs, std::vector<std::string>{"bin/pgvigil"});
}

TEST(Install, InstalledExampleConfigPassesTheCheck) {
  const TempDir dir;
  const fs::path prefix = dir / "x";
  ASSERT_EQ(install(prefix.string()).exit_code, 0);
  const auto check = testing::run_command(
      {(prefix / "bin/pgvigil").string(), "--check-config", (prefix / "etc/pgvigil/pgvigil.yaml").string()}, 30s);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_EQ(check.output, "OK\n");
}

TEST(Install, DashboardsAndRulesButNotRuleTests) {
  const fs::path source = source_path("dashboards");
  ASSERT_TRUE(fs::is_directory(source)) << source;
  const TempDir dir;
  const fs::path prefix = dir / "x";
  ASSERT_EQ(install(prefix.string()).exit_code, 0);
  const fs::path installed = prefix / "share/pgvigil/dashboards";
  size_t expected = 0;
  for (const auto& entry : fs::directory_iterator(source)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".json") || name == "pgvigil-rules.yml") {
      ++expected;
      EXPECT_EQ(testing::read_file(installed / name), testing::read_file(entry.path())) << name;
    }
  }
  EXPECT_EQ(expected, 5u) << "four dashboards and the rules";
  for (const auto& entry : fs::recursive_directory_iterator(prefix)) {
    EXPECT_FALSE(entry.path().filename().string().ends_with(".test.yml")) << entry.path();
  }
}

// Under /usr (staged with DESTDIR) the configuration lands in /etc, and every path the unit
// names exists: the binary it starts and the configuration it passes.
TEST(Install, SystemPrefixMatchesTheUnitsPaths) {
  const TempDir dir;
  const fs::path root = dir / "root";
  const auto result = install("/usr", root.string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(is_executable(root / "usr/bin/pgvigil"));
  EXPECT_TRUE(fs::is_regular_file(root / "etc/pgvigil/pgvigil.yaml"));
  EXPECT_FALSE(fs::exists(root / "usr/etc"));

  const auto service = unit_section(testing::read_file(root / "usr/lib/systemd/system/pgvigil.service"), "Service");
  const auto exec_start = values_of(service, "ExecStart");
  ASSERT_EQ(exec_start.size(), 1u);
  std::istringstream words(exec_start[0]);
  std::string binary, flag, config;
  words >> binary >> flag >> config;
  EXPECT_TRUE(is_executable(root / fs::path(binary).relative_path())) << binary;
  EXPECT_EQ(flag, "--config");
  EXPECT_TRUE(fs::is_regular_file(root / fs::path(config).relative_path())) << config;
}

TEST(Install, KeepsAnEditedConfig) {
  const TempDir dir;
  const fs::path prefix = dir / "x";
  ASSERT_EQ(install(prefix.string()).exit_code, 0);
  const fs::path config = prefix / "etc/pgvigil/pgvigil.yaml";
  std::ofstream(config, std::ios::trunc) << "# edited\n";
  const auto again = install(prefix.string());
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(testing::read_file(config), "# edited\n");
  EXPECT_EQ(testing::read_file(prefix / "share/doc/pgvigil/pgvigil.yaml"), read_source("config/pgvigil.yaml"));
}

}  // namespace
}  // namespace pgvigil::packaging
