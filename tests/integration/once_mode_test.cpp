// `pgvigil --once`, the Nagios-style check: one cycle of every member, the health JSON on stdout,
// and the exit code 0 healthy, 1 degraded, 2 unhealthy, 3 when it cannot tell (a bad config).
#include <filesystem>
#include <optional>
#include <string>

#include "daemon_under_test.h"
#include "pg_cluster.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;

// A cycle is bounded by the pool's acquire and connect timeouts plus query timeouts (about 12 s
// with the defaults); beyond that the command is hung.
constexpr auto kOnceLimit = 30s;

class OnceMode : public SharedClusterTest {
 protected:
  static DaemonConfig idle_members() {
    DaemonConfig config = both_members();
    // Over a fresh, idle cluster's handful of block reads the cache hit ratio can dip under 95%
    // in a cycle: a healthy verdict must not hang on that.
    config.checks["cache_hit"] = "{ enabled: false }";
    return config;
  }

  std::string write_config(const DaemonConfig& config, const std::string& extra = "") const {
    std::filesystem::create_directories(dir_ / "state");
    // --once serves no HTTP; the listen address only has to be valid.
    return dir_.write("pgvigil.yaml", render_config(config, testing::free_port(), dir_ / "state") + extra);
  }

  SplitOutput run_once(const std::string& config_path) const {
    return run_split(dir_, "once", {PGVIGIL_BINARY, "--once", "--config", config_path}, kOnceLimit);
  }

  TempDir dir_;
};

TEST_F(OnceMode, AHealthyClusterPrintsItsHealthJsonAndExitsZero) {
  const auto run = run_once(write_config(idle_members()));
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  const Json health = Json::parse(run.out, nullptr, false);
  ASSERT_TRUE(health.is_object()) << "stdout is not one JSON document: " << run.out;
  EXPECT_EQ(status_of(health), "healthy") << run.out;
  const Json clusters = health.value("clusters", Json::array());
  ASSERT_EQ(clusters.size(), 1u) << run.out;
  EXPECT_EQ(clusters[0].value("name", ""), "c");
  EXPECT_EQ(clusters[0].value("primary", ""), "primary") << run.out;
  const Json primary = member_of(health, "primary");
  const Json replica = member_of(health, "replica");
  ASSERT_TRUE(primary.is_object() && replica.is_object()) << run.out;
  EXPECT_EQ(primary.value("role", ""), "primary") << run.out;
  EXPECT_EQ(replica.value("role", ""), "replica") << run.out;
  EXPECT_TRUE(primary.value("reachable", false) && replica.value("reachable", false)) << run.out;
}

TEST_F(OnceMode, AWarningMakesItDegradedAndExitOne) {
  PgSession client(cluster_->port(PgCluster::kPrimary), "app");  // a session for the check to count
  DaemonConfig config = idle_members();
  config.checks["connections"] = "{ warning: 0.001 }";
  const auto run = run_once(write_config(config));
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const Json health = Json::parse(run.out, nullptr, false);
  ASSERT_TRUE(health.is_object()) << run.out;
  EXPECT_EQ(status_of(health), "degraded") << run.out;
  const Json primary = member_of(health, "primary");
  const Json* reason = reason_of(primary, "connections");
  ASSERT_NE(reason, nullptr) << run.out;
  EXPECT_EQ(reason->value("severity", ""), "warning") << run.out;
}

TEST_F(OnceMode, AnUnreachablePrimaryMakesItUnhealthyAndExitTwo) {
  DaemonConfig config;
  config.members = {{"primary", testing::free_port(), cluster_->password_file()}};  // nothing listens there
  const auto started = std::chrono::steady_clock::now();
  const auto run = run_once(write_config(config));
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  // A refused connection is definitive: no need to wait out the cycle's deadline.
  EXPECT_LT(seconds_since(started), 10.0);
  const Json health = Json::parse(run.out, nullptr, false);
  ASSERT_TRUE(health.is_object()) << run.out;
  EXPECT_EQ(status_of(health), "unhealthy") << run.out;
  const Json primary = member_of(health, "primary");
  ASSERT_TRUE(primary.is_object()) << run.out;
  EXPECT_EQ(status_of(primary), "unhealthy") << run.out;
  EXPECT_FALSE(primary.value("reachable", true)) << run.out;
}

TEST_F(OnceMode, ABadConfigExitsThreeWithTheErrorAndNoJson) {
  const std::string path = write_config(idle_members(), "bogus_key: 1\n");
  const auto run = run_once(path);
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_EQ(run.out, "") << "a check runner must not mistake anything on stdout for a health document";
  EXPECT_NE(run.err.find(path + ":"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("bogus_key"), std::string::npos) << run.err;

  const auto missing = run_once((dir_ / "absent.yaml"));
  EXPECT_EQ(missing.exit_code, 3) << missing.out << missing.err;
  EXPECT_EQ(missing.out, "");
  EXPECT_NE(missing.err.find("absent.yaml"), std::string::npos) << missing.err;

  // Unlike --check-config, whose config error is sysexits' EX_CONFIG.
  const auto checked = run_split(dir_, "check", {PGVIGIL_BINARY, "--check-config", path}, kOnceLimit);
  EXPECT_EQ(checked.exit_code, 78) << checked.out << checked.err;
}

}  // namespace
}  // namespace pgvigil::acceptance
