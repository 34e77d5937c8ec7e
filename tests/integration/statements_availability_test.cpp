// Without pg_stat_statements a member says so, with the fix, and is otherwise monitored as
// before: a database where the extension was never created, a server that does not preload it,
// and an operator who turned sampling off (no reason then).
#include <string>

#include "pg_cluster.h"
#include "statements_fixture.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;

constexpr auto kReasonLimit = 15s;

bool has_recommendation(const Json& member, const std::string& fragment) {
  if (!member.is_object() || !member.contains("recommendations")) return false;
  for (const auto& r : member["recommendations"]) {
    if (r.get<std::string>().find(fragment) != std::string::npos) return true;
  }
  return false;
}

// Reachable, checked again and again, and degraded by nothing but pg_stat_statements.
void expect_monitored_otherwise(const DaemonUnderTest& daemon, const std::string& name) {
  const Json first = member_of(daemon.health(), name);
  Json later;
  ASSERT_TRUE(testing::poll_until(
      [&] {
        later = member_of(daemon.health(), name);
        return later.is_object() && later.value("checked_at", "") != first.value("checked_at", "");
      },
      5s, 100ms))
      << "the health cycles go on";
  EXPECT_TRUE(later.value("reachable", false)) << later.dump(2);
  EXPECT_EQ(status_of(later), "degraded") << later.dump(2);
  ASSERT_EQ(later["reasons"].size(), 1u) << later.dump(2);
  for (const char* check : {"connectivity", "wraparound", "wal"}) {
    EXPECT_TRUE(later["checks"].contains(check)) << check << " in " << later.dump(2);
  }
  EXPECT_TRUE(later.contains("connections")) << later.dump(2);
  EXPECT_TRUE(intervals_of(daemon, name).empty()) << "nothing to sample";
}

class StatementsAvailability : public SharedClusterTest {
 protected:
  static void SetUpTestSuite() {
    SharedClusterTest::SetUpTestSuite();
    cluster_->exec(PgCluster::kPrimary, "CREATE DATABASE stm_without_extension");  // from template1: no extension
  }

  static DaemonConfig without_extension() {
    DaemonConfig config;
    config.members = {{"bare", cluster_->port(PgCluster::kPrimary), cluster_->password_file(), "stm_without_extension"}};
    return sampling_every_second(config);
  }
};

TEST_F(StatementsAvailability, ADatabaseWithoutTheExtensionGetsAReasonNamingTheFix) {
  TempDir dir;
  DaemonUnderTest daemon(dir, without_extension());
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();

  const Json bare = poll_member(
      daemon, "bare", [](const Json& m) { return reason_of(m, "pg_stat_statements") != nullptr; }, kReasonLimit);
  const Json* reason = reason_of(bare, "pg_stat_statements");
  ASSERT_NE(reason, nullptr) << bare.dump(2);
  EXPECT_EQ(reason->value("severity", ""), "warning");
  EXPECT_EQ(reason->value("value", ""), "not installed");
  EXPECT_NE(reason->value("message", "").find("\"stm_without_extension\""), std::string::npos) << reason->dump();
  EXPECT_TRUE(has_recommendation(bare, "CREATE EXTENSION pg_stat_statements; in database \"stm_without_extension\""))
      << bare.dump(2);
  expect_monitored_otherwise(daemon, "bare");
}

TEST_F(StatementsAvailability, TurnedOffThereIsNoReasonAndNoSampling) {
  TempDir dir;
  DaemonConfig config = without_extension();
  config.queries = "{ statements: false, statements_interval: 1s, cancel: { mode: off } }";
  DaemonUnderTest daemon(dir, config);
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  // Long enough for a sampler, were there one, to have run and its reason to have been published.
  std::this_thread::sleep_for(2500ms);
  const Json bare = member_of(daemon.health(), "bare");
  EXPECT_EQ(reason_of(bare, "pg_stat_statements"), nullptr) << bare.dump(2);
  EXPECT_EQ(status_of(bare), "healthy") << bare.dump(2);
}

TEST(StatementsNotPreloaded, AServerWithoutTheLibraryGetsAReasonNamingTheFix) {
  // The harness creates the extension in `postgres`; without the preload it cannot be read.
  auto pg = PgCluster::start({.with_replica = false, .settings = {{"shared_preload_libraries", ""}}});
  TempDir dir;
  DaemonConfig config;
  config.members = {{"primary", pg.port(PgCluster::kPrimary), pg.password_file()}};
  DaemonUnderTest daemon(dir, sampling_every_second(config));
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();

  const Json primary = poll_member(
      daemon, "primary", [](const Json& m) { return reason_of(m, "pg_stat_statements") != nullptr; }, kReasonLimit);
  const Json* reason = reason_of(primary, "pg_stat_statements");
  ASSERT_NE(reason, nullptr) << primary.dump(2) << daemon.log();
  EXPECT_EQ(reason->value("value", ""), "not preloaded");
  EXPECT_TRUE(has_recommendation(primary, "shared_preload_libraries = 'pg_stat_statements'")) << primary.dump(2);
  EXPECT_TRUE(has_recommendation(primary, "restart")) << primary.dump(2);
  expect_monitored_otherwise(daemon, "primary");
}

}  // namespace
}  // namespace pgvigil::acceptance
