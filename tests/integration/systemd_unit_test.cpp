// systemd/pgvigil.service: systemd-analyze finds nothing to warn about and rates its sandbox at
// most 2.5 exposure, and the unit drives the daemon the way the daemon expects (notify,
// watchdog, reload by SIGHUP, restart on failure, a state directory).
#include <gtest/gtest.h>

#include <chrono>
#include <regex>

#include "daemon_under_test.h"
#include "packaging_files.h"

namespace pgvigil::packaging {
namespace {

using namespace std::chrono_literals;

const fs::path kSystemdAnalyze = "/usr/bin/systemd-analyze";
const std::string kUnitFile = "systemd/pgvigil.service";

// A copy of the unit whose commands run the built binary: verify checks that they exist.
std::string unit_copy(const acceptance::TempDir& dir) {
  return dir.write("pgvigil.service",
                   std::regex_replace(read_source(kUnitFile), std::regex("/usr/bin/pgvigil"), PGVIGIL_BINARY));
}

testing::CommandResult analyze(const std::vector<std::string>& args) {
  std::vector<std::string> argv{kSystemdAnalyze.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::run_command(argv, 60s);
}

TEST(SystemdUnit, VerifyPrintsNothing) {
  if (!fs::exists(kSystemdAnalyze)) GTEST_SKIP() << kSystemdAnalyze << " is not installed (Debian package systemd)";
  const acceptance::TempDir dir;
  const auto result = analyze({"verify", unit_copy(dir)});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  // verify exits 0 on warnings too; only silence means none.
  EXPECT_EQ(result.output, "");
}

TEST(SystemdUnit, SecurityExposureAtMost2point5) {
  if (!fs::exists(kSystemdAnalyze)) GTEST_SKIP() << kSystemdAnalyze << " is not installed (Debian package systemd)";
  const acceptance::TempDir dir;
  const auto result = analyze({"security", "--offline=yes", "--no-pager", unit_copy(dir)});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(result.output, match, std::regex(R"(Overall exposure level for \S+: ([0-9.]+))")))
      << result.output;
  const double exposure = std::stod(match[1].str());
  EXPECT_LE(exposure, 2.5) << result.output;
}

TEST(SystemdUnit, RunsTheDaemonAsItExpects) {
  const auto service = unit_section(read_source(kUnitFile), "Service");
  auto only = [&](const std::string& key) {
    const auto values = values_of(service, key);
    return values.size() == 1 ? values[0] : "<" + std::to_string(values.size()) + " values>";
  };
  EXPECT_EQ(only("Type"), "notify");
  EXPECT_EQ(only("NotifyAccess"), "main");
  EXPECT_EQ(only("WatchdogSec"), "30s");
  EXPECT_EQ(only("ExecStart"), "/usr/bin/pgvigil --config /etc/pgvigil/pgvigil.yaml");
  EXPECT_EQ(only("Restart"), "on-failure");
  EXPECT_NE(only("RestartSec"), "<0 values>");
  EXPECT_NE(only("TimeoutStopSec"), "<0 values>");
  const auto reload = values_of(service, "ExecReload");
  ASSERT_FALSE(reload.empty());
  EXPECT_EQ(reload.back(), "/bin/kill -HUP $MAINPID");
  // The state directory is where the daemon's default daemon.state_dir points.
  EXPECT_EQ(only("StateDirectory"), "pgvigil");
  EXPECT_EQ(only("ConfigurationDirectory"), "pgvigil");
  EXPECT_EQ(only("DynamicUser"), "yes");
  EXPECT_EQ(only("CapabilityBoundingSet"), "");
  EXPECT_EQ(only("RestrictAddressFamilies"), "AF_UNIX AF_INET AF_INET6");
}

TEST(SystemdUnit, LeavesEveryAddressReachable) {
  // Monitored servers, Alertmanager and webhooks may be anywhere.
  const auto service = unit_section(read_source(kUnitFile), "Service");
  EXPECT_TRUE(values_of(service, "IPAddressDeny").empty());
  EXPECT_TRUE(values_of(service, "PrivateNetwork").empty());
}

TEST(SystemdUnit, StateDirectoryMatchesTheDaemonDefault) {
  const std::string config = read_source("config/pgvigil.yaml");
  EXPECT_NE(config.find("state_dir: /var/lib/pgvigil\n"), std::string::npos);
}

}  // namespace
}  // namespace pgvigil::packaging
