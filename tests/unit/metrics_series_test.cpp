// Exact series for members and clusters, rendered from small hand-built snapshots.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "health/snapshot.h"
#include "metrics/metrics_endpoint.h"
#include "util/clock.h"
#include "exposition_lines.h"
#include "member_builders.h"

namespace pgvigil::metrics {
namespace {

using health::MemberRole;
using health::MemberSnapshot;
using testing::AllOf;
using testing::Contains;
using testing::HasSubstr;
using testing::Not;

MemberSnapshot member(std::string name, MemberRole role) {
  MemberSnapshot m;
  m.name = std::move(name);
  m.role = role;
  m.reachable = true;
  m.checked = true;
  m.status = health::Status::healthy;
  m.timeline = 1;
  return m;
}

health::ClusterSnapshot cluster(std::string name, std::vector<MemberSnapshot> members) {
  health::ClusterSnapshot c;
  c.name = std::move(name);
  c.status = health::Status::healthy;
  c.primary = members.empty() ? std::nullopt : std::optional(members.front().name);
  c.members = std::move(members);
  return c;
}

class MetricsSeriesTest : public testing::Test {
 protected:
  std::vector<std::string> render(std::vector<health::ClusterSnapshot> clusters) {
    auto snapshot = std::make_shared<health::Snapshot>();
    snapshot->clusters = builders::shared(std::move(clusters));
    snapshot->taken_at = clock_.wall_now();
    current_ = std::move(snapshot);
    return lines_of(endpoint_.render());
  }

  ManualClock clock_;
  health::SnapshotPtr current_;
  MetricsEndpoint endpoint_{[this] { return current_; }, clock_};
};

TEST_F(MetricsSeriesTest, MemberUpCarriesClusterMemberAndRole) {
  auto down = member("db3", MemberRole::unknown);
  down.reachable = false;
  const auto lines =
      render({cluster("main", {member("db1", MemberRole::primary), member("db2", MemberRole::replica), down})});
  EXPECT_THAT(lines, Contains(R"(pgvigil_member_up{cluster="main",member="db1",role="primary"} 1)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_member_up{cluster="main",member="db2",role="replica"} 1)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_member_up{cluster="main",member="db3",role="unknown"} 0)"));
}

TEST_F(MetricsSeriesTest, MemberStatusIdentityAndLatency) {
  auto db1 = member("db1", MemberRole::primary);
  db1.status = health::Status::degraded;
  db1.latency_ms = 250;
  db1.timeline = 4;
  db1.fenced = true;
  const auto lines = render({cluster("main", {db1})});
  EXPECT_THAT(lines, Contains(R"(pgvigil_member_status{cluster="main",member="db1",role="primary"} 1)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_member_latency_seconds{cluster="main",member="db1"} 0.25)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_member_timeline{cluster="main",member="db1"} 4)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_member_fenced{cluster="main",member="db1"} 1)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_member_foreign{cluster="main",member="db1"} 0)"));
}

TEST_F(MetricsSeriesTest, UnreachableMemberHasNoLiveReadings) {
  auto down = member("db1", MemberRole::primary);
  down.reachable = false;
  down.latency_ms = 3;
  const auto lines = render({cluster("main", {down})});
  EXPECT_THAT(lines, Contains(R"(pgvigil_member_up{cluster="main",member="db1",role="primary"} 0)"));
  EXPECT_THAT(lines, Not(Contains(HasSubstr("pgvigil_member_latency_seconds"))));
  EXPECT_THAT(lines, Not(Contains(HasSubstr("pgvigil_member_timeline"))));
}

TEST_F(MetricsSeriesTest, ClusterStatusAndTopology) {
  auto c = cluster("main", {member("db1", MemberRole::primary)});
  c.status = health::Status::unhealthy;
  c.primary.reset();
  c.split_brain = true;
  const auto lines = render({c});
  EXPECT_THAT(lines, Contains(R"(pgvigil_cluster_status{cluster="main"} 2)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_cluster_has_primary{cluster="main"} 0)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_cluster_split_brain{cluster="main"} 1)"));
}

TEST_F(MetricsSeriesTest, ReplicationSeriesForAReplica) {
  auto db2 = member("db2", MemberRole::replica);
  db2.replication = {.lag_seconds = 2.5, .lag_bytes = 4096, .streaming = true, .replay_paused = false};
  const auto lines = render({cluster("main", {member("db1", MemberRole::primary), db2})});
  EXPECT_THAT(lines, Contains(R"(pgvigil_replication_lag_seconds{cluster="main",member="db2"} 2.5)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_replication_lag_bytes{cluster="main",member="db2"} 4096)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_replication_streaming{cluster="main",member="db2"} 1)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_replication_replay_paused{cluster="main",member="db2"} 0)"));
  EXPECT_THAT(lines, Not(Contains(AllOf(HasSubstr("pgvigil_replication_"), HasSubstr(R"(member="db1")")))));
}

TEST_F(MetricsSeriesTest, ReplicaOnlyFamiliesAbsentForAPrimary) {
  auto db1 = member("db1", MemberRole::primary);
  db1.replication = {.lag_seconds = 1, .lag_bytes = 1, .streaming = true, .replay_paused = true};
  const auto lines = render({cluster("main", {db1})});
  EXPECT_THAT(lines, Not(Contains(HasSubstr("pgvigil_replication_"))));
}

TEST_F(MetricsSeriesTest, AbsentReplicaReadingsAreSkippedNotZero) {
  auto db2 = member("db2", MemberRole::replica);
  db2.replication.lag_bytes = 0;
  const auto lines = render({cluster("main", {db2})});
  EXPECT_THAT(lines, Not(Contains(HasSubstr("pgvigil_replication_lag_seconds"))));
  EXPECT_THAT(lines, Contains(R"(pgvigil_replication_lag_bytes{cluster="main",member="db2"} 0)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_replication_streaming{cluster="main",member="db2"} 0)"));
}

TEST_F(MetricsSeriesTest, ConnectionsByStateAndUsableMax) {
  auto db1 = member("db1", MemberRole::primary);
  db1.connections = health::ConnectionsView{
      .used = 12, .max = 100, .reserved = 3, .by_state = {{"active", 10}, {"idle in transaction", 2}}};
  const auto lines = render({cluster("main", {db1})});
  EXPECT_THAT(lines, Contains(R"(pgvigil_connections{cluster="main",member="db1",state="active"} 10)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_connections{cluster="main",member="db1",state="idle in transaction"} 2)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_connections_used{cluster="main",member="db1"} 12)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_connections_max{cluster="main",member="db1"} 97)"));
}

TEST_F(MetricsSeriesTest, ConnectionsAbsentWhenNotObserved) {
  const auto lines = render({cluster("main", {member("db1", MemberRole::primary)})});
  EXPECT_THAT(lines, Not(Contains(HasSubstr("pgvigil_connections"))));
}

TEST_F(MetricsSeriesTest, CheckValuesDurationsAndDatabaseSize) {
  auto db1 = member("db1", MemberRole::primary);
  db1.values = {{"wraparound", 0.25}, {"long_running", 42}};
  db1.check_seconds = {{"connections", 0.003}};
  db1.database_size_bytes = 7340032;
  const auto lines = render({cluster("main", {db1})});
  EXPECT_THAT(lines, Contains(R"(pgvigil_check_value{cluster="main",member="db1",check="wraparound"} 0.25)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_check_value{cluster="main",member="db1",check="long_running"} 42)"));
  EXPECT_THAT(lines,
              Contains(R"(pgvigil_check_duration_seconds{cluster="main",member="db1",check="connections"} 0.003)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_database_size_bytes{cluster="main",member="db1"} 7340032)"));
}

TEST_F(MetricsSeriesTest, OneReasonSeriesPerCheckAndSeverity) {
  auto db2 = member("db2", MemberRole::replica);
  db2.reasons = {builders::bare_reason("replication_lag", health::Severity::warning),
                 builders::bare_reason("replication_lag", health::Severity::warning),
                 builders::bare_reason("connections", health::Severity::critical)};
  const auto lines = render({cluster("main", {db2})});
  const auto lag = R"(pgvigil_member_reasons{cluster="main",member="db2",check="replication_lag",severity="warning"} 1)";
  EXPECT_EQ(std::ranges::count(lines, std::string(lag)), 1);
  EXPECT_THAT(lines,
              Contains(R"(pgvigil_member_reasons{cluster="main",member="db2",check="connections",severity="critical"} 1)"));
}

TEST_F(MetricsSeriesTest, NoReasonSeriesForAHealthyMember) {
  const auto lines = render({cluster("main", {member("db1", MemberRole::primary)})});
  EXPECT_THAT(lines, Not(Contains(HasSubstr("pgvigil_member_reasons"))));
}

TEST_F(MetricsSeriesTest, LabelValuesAreEscaped) {
  const auto lines = render({cluster("main", {member("we\"ird\\db\nx", MemberRole::primary)})});
  EXPECT_THAT(lines, Contains(R"(pgvigil_member_up{cluster="main",member="we\"ird\\db\nx",role="primary"} 1)"));
}

TEST_F(MetricsSeriesTest, WorkerCycleSeries) {
  auto db1 = member("db1", MemberRole::primary);
  db1.cycles = 120;
  db1.cycle_overruns = 2;
  db1.last_cycle_seconds = 0.125;
  db1.cycle_delay_seconds = 0.25;
  const auto lines = render({cluster("main", {db1})});
  EXPECT_THAT(lines, Contains(R"(pgvigil_cycles_total{cluster="main",member="db1"} 120)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_cycle_overruns_total{cluster="main",member="db1"} 2)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_cycle_duration_seconds{cluster="main",member="db1"} 0.125)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_cycle_delay_seconds{cluster="main",member="db1"} 0.25)"));
}

// pgvigil_schema_problems: one series per kind the primary's schema check reports, valued with the
// count of that kind (not the capped number of reasons); nothing for members without the check.
health::Reason schema_reason(const std::string& kind, double count) {
  return health::Reason{"schema", health::Severity::warning, kind, "", "message", count};
}

TEST_F(MetricsSeriesTest, SchemaProblemsHaveOneSeriesPerKindWithItsCount) {
  auto db1 = member("db1", MemberRole::primary);
  db1.values["schema"] = 9;
  for (int i = 0; i < 5; ++i) db1.reasons.push_back(schema_reason("missing_table", 7));
  db1.reasons.push_back(schema_reason("checksum_mismatch", 1));
  db1.reasons.push_back(schema_reason("migrations_pending", 1));
  const auto lines = render({cluster("main", {db1})});
  const std::string missing = R"(pgvigil_schema_problems{cluster="main",member="db1",kind="missing_table"} 7)";
  EXPECT_EQ(std::ranges::count(lines, missing), 1);
  EXPECT_THAT(lines, Contains(R"(pgvigil_schema_problems{cluster="main",member="db1",kind="checksum_mismatch"} 1)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_check_value{cluster="main",member="db1",check="schema"} 9)"));
}

TEST_F(MetricsSeriesTest, SchemaProblemsHaveNoSeriesWithoutTheCheck) {
  auto db1 = member("db1", MemberRole::primary);
  db1.reasons.push_back(schema_reason("missing_table", 1));  // no checks.schema: not the schema check's run
  EXPECT_THAT(render({cluster("main", {db1})}), Not(Contains(HasSubstr("pgvigil_schema_problems"))));

  auto healthy = member("db1", MemberRole::primary);
  healthy.values["schema"] = 0;
  EXPECT_THAT(render({cluster("main", {healthy})}), Not(Contains(HasSubstr("pgvigil_schema_problems{"))));
}

}  // namespace
}  // namespace pgvigil::metrics
