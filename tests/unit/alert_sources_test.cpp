// Health reasons and the daemon's own problems as alert conditions: names, labels, words, links
// and how long each waits before it fires.
#include "alerts/alert_sources.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "config/alert_names.h"
#include "config/check_table.h"
#include "config/loader.h"
#include "member_builders.h"

namespace pgvigil::alerts {
namespace {

using namespace std::chrono_literals;
using builders::described_reason;
using builders::healthy_member;
using health::MemberRole;
using health::Severity;

AlertRuleSettings settings() {
  AlertRuleSettings s;
  s.cycle_by_cluster = {{"main", 5s}, {"reports", 30s}};
  return s;
}

health::Reason lag_reason() {
  health::Reason r;
  r.check = "replication_lag";
  r.severity = Severity::warning;
  r.value = "14.2s";
  r.threshold = "10s";
  r.message = "replay is 14.2s behind the primary";
  r.number = 14.2;
  return r;
}

health::Snapshot snapshot_with(std::vector<health::MemberSnapshot> members,
                               std::vector<health::Reason> cluster_reasons = {}, std::string cluster = "main") {
  health::ClusterSnapshot c;
  c.name = std::move(cluster);
  c.members = std::move(members);
  c.reasons = std::move(cluster_reasons);
  health::Snapshot s;
  s.clusters.push_back(builders::shared(std::move(c)));
  return s;
}

health::MemberSnapshot replica_with(std::vector<health::Reason> reasons, std::string name = "db2") {
  auto m = healthy_member(std::move(name), MemberRole::replica);
  m.reasons = std::move(reasons);
  return m;
}

const AlertCondition* find(const std::vector<AlertCondition>& conditions, std::string_view alertname) {
  auto it = std::ranges::find_if(conditions, [&](const auto& c) { return c.labels.at("alertname") == alertname; });
  return it == conditions.end() ? nullptr : &*it;
}

TEST(AlertSources, AMemberReasonBecomesAnAlertWithItsLabelsAndWords) {
  const auto conditions = conditions_from(snapshot_with({replica_with({lag_reason()})}), settings());
  ASSERT_EQ(conditions.size(), 1u);
  const AlertCondition& c = conditions[0];
  EXPECT_EQ(c.kind, ConditionKind::state);
  EXPECT_EQ(c.labels, (Labels{{"alertname", "PgvigilReplicationLag"},
                              {"severity", "warning"},
                              {"cluster", "main"},
                              {"member", "db2"},
                              {"check", "replication_lag"}}));
  EXPECT_EQ(c.annotations.at("summary"), "replication_lag on main/db2: 14.2s");
  EXPECT_EQ(c.annotations.at("description"), "replay is 14.2s behind the primary (value 14.2s, threshold 10s)");
  EXPECT_FALSE(c.annotations.contains("runbook_url")) << "no runbook_base_url configured";
  EXPECT_EQ(c.generator_url, "http://127.0.0.1:9188/clusters/main");
  EXPECT_EQ(c.for_cycles, 3);
  EXPECT_EQ(c.cycle, 5s);
}

TEST(AlertSources, MembersWithoutAFirstCycleRaiseNothing) {
  auto m = replica_with({described_reason("stale", Severity::critical)});
  m.checked = false;
  EXPECT_TRUE(conditions_from(snapshot_with({m}), settings()).empty());
}

TEST(AlertSources, AHealthySnapshotRaisesNothing) {
  EXPECT_TRUE(conditions_from(snapshot_with({healthy_member("db1", MemberRole::primary), replica_with({})}), settings())
                  .empty());
  EXPECT_TRUE(conditions_from(health::Snapshot{}, settings()).empty());
}

TEST(AlertSources, NamesComeFromTheTableOrCamelCaseOfTheCheck) {
  struct Case {
    const char* check = "";
    const char* alertname = "";
  };
  for (const Case c : {Case{"unreachable", "PgvigilMemberUnreachable"}, Case{"stale", "PgvigilMemberStale"},
                       Case{"split_brain", "PgvigilMemberFenced"}, Case{"long_running", "PgvigilLongRunning"},
                       Case{"idle_in_transaction", "PgvigilIdleInTransaction"},
                       Case{"some_future_check", "PgvigilSomeFutureCheck"}}) {
    SCOPED_TRACE(c.check);
    const auto conditions =
        conditions_from(snapshot_with({replica_with({described_reason(c.check, Severity::critical)})}), settings());
    ASSERT_EQ(conditions.size(), 1u);
    EXPECT_EQ(conditions[0].labels.at("alertname"), c.alertname);
    EXPECT_EQ(conditions[0].labels.at("severity"), "critical");
    EXPECT_EQ(conditions[0].for_cycles, 1);
  }
}

TEST(AlertSources, ClusterReasonsAreClusterAlertsWithoutAMember) {
  health::Reason no_primary;
  no_primary.check = "no_primary";
  no_primary.severity = Severity::critical;
  no_primary.message = "no reachable member is a primary";
  const auto conditions = conditions_from(snapshot_with({replica_with({})}, {no_primary}, "reports"), settings());
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].labels, (Labels{{"alertname", "PgvigilNoPrimary"},
                                          {"severity", "critical"},
                                          {"cluster", "reports"},
                                          {"check", "no_primary"}}));
  EXPECT_EQ(conditions[0].annotations.at("summary"), "no_primary in cluster reports");
  EXPECT_EQ(conditions[0].annotations.at("description"), "no reachable member is a primary");
  EXPECT_EQ(conditions[0].generator_url, "http://127.0.0.1:9188/clusters/reports");
  EXPECT_EQ(conditions[0].cycle, 30s) << "the cluster's own health interval";
}

TEST(AlertSources, AForeignMemberIsOneAlertWhenTheMemberSaysItItself) {
  health::Reason cluster_reason;
  cluster_reason.check = "foreign_member";
  cluster_reason.severity = Severity::warning;
  cluster_reason.value = "db3";
  auto db3 = replica_with({described_reason("foreign_member", Severity::critical)}, "db3");
  auto conditions = conditions_from(snapshot_with({db3}, {cluster_reason}), settings());
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].labels.at("member"), "db3");
  EXPECT_EQ(conditions[0].labels.at("severity"), "critical");

  db3.checked = false;
  conditions = conditions_from(snapshot_with({db3}, {cluster_reason}), settings());
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].labels.at("alertname"), "PgvigilForeignMember");
  EXPECT_EQ(conditions[0].labels.at("member"), "db3") << "several foreign members are several alerts";
  EXPECT_EQ(conditions[0].labels.at("severity"), "warning");
}

TEST(AlertSources, ReasonsMakingTheSameAlertAreMergedKeepingBothDescriptions) {
  auto not_streaming = lag_reason();
  not_streaming.message = "not streaming";
  not_streaming.value = "";
  not_streaming.threshold = "";
  const auto conditions = conditions_from(snapshot_with({replica_with({lag_reason(), not_streaming})}), settings());
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].annotations.at("description"),
            "replay is 14.2s behind the primary (value 14.2s, threshold 10s); not streaming");
}

TEST(AlertSources, ForComesFromTheRuleThenTheSeverity) {
  AlertRuleSettings s = settings();
  s.for_by_severity = config::AlertForConfig{.critical = 2, .warning = 4, .info = 5};
  s.for_by_alertname = {{"PgvigilReplicationLag", 7}};
  auto lag = lag_reason();
  auto conn = described_reason("connections", Severity::warning);
  auto unreachable = described_reason("unreachable", Severity::critical);
  const auto conditions = conditions_from(snapshot_with({replica_with({lag, conn, unreachable})}), s);
  ASSERT_EQ(conditions.size(), 3u);
  EXPECT_EQ(find(conditions, "PgvigilReplicationLag")->for_cycles, 7);
  EXPECT_EQ(find(conditions, "PgvigilConnections")->for_cycles, 4);
  EXPECT_EQ(find(conditions, "PgvigilMemberUnreachable")->for_cycles, 2);
  EXPECT_EQ(for_cycles(s, "PgvigilAnything", AlertSeverity::info), 5);
}

TEST(AlertSources, LinksUseTheExternalUrlAndTheRunbookBase) {
  AlertRuleSettings s = settings();
  s.external_url = "https://pgvigil.example/";
  s.runbook_base_url = "https://wiki.example/runbooks/";
  const auto conditions = conditions_from(snapshot_with({replica_with({lag_reason()})}), s);
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].generator_url, "https://pgvigil.example/clusters/main");
  EXPECT_EQ(conditions[0].annotations.at("runbook_url"), "https://wiki.example/runbooks/PgvigilReplicationLag");

  s.external_url = "";
  s.listen = "[::1]:9200";
  s.https = true;
  EXPECT_EQ(generator_url(s, "main"), "https://[::1]:9200/clusters/main");
  EXPECT_EQ(generator_url(s, ""), "https://[::1]:9200/health");
}

TEST(AlertSources, DaemonProblemsAreAlertsToo) {
  DaemonProblems problems;
  problems.reload_failed = true;
  problems.reload_error = "test.yaml:3: unknown key 'x'";
  problems.cycle_overruns = {{"main", "db1"}, {"reports", "r1"}};
  problems.spool_pressure = true;
  problems.spool_fill_ratio = 0.874;
  const auto conditions = conditions_from(problems, settings());
  ASSERT_EQ(conditions.size(), 4u);

  const auto* reload = find(conditions, "PgvigilReloadFailed");
  ASSERT_NE(reload, nullptr);
  EXPECT_EQ(reload->labels, (Labels{{"alertname", "PgvigilReloadFailed"}, {"severity", "warning"}}));
  EXPECT_NE(reload->annotations.at("description").find("unknown key 'x'"), std::string::npos);
  EXPECT_EQ(reload->generator_url, "http://127.0.0.1:9188/health");
  EXPECT_EQ(reload->cycle, settings().default_cycle);

  std::vector<const AlertCondition*> overruns;
  for (const auto& c : conditions) {
    if (c.labels.at("alertname") == "PgvigilCycleOverrun") overruns.push_back(&c);
  }
  ASSERT_EQ(overruns.size(), 2u);
  EXPECT_EQ(overruns[1]->labels, (Labels{{"alertname", "PgvigilCycleOverrun"},
                                         {"severity", "warning"},
                                         {"cluster", "reports"},
                                         {"member", "r1"}}));
  EXPECT_EQ(overruns[1]->cycle, 30s);

  const auto* spool = find(conditions, "PgvigilSpoolPressure");
  ASSERT_NE(spool, nullptr);
  EXPECT_EQ(spool->annotations.at("summary"), "alert spool 87% full");
  EXPECT_TRUE(conditions_from(DaemonProblems{}, settings()).empty());
}

TEST(AlertSources, SettingsComeFromTheConfig) {
  auto loaded = config::load_config_string(
      "http: { listen: \"0.0.0.0:9300\", external_url: \"https://mon.example\" }\n"
      "clusters:\n"
      "  - name: main\n"
      "    members: [{ name: db1, conninfo: \"host=127.0.0.1\" }]\n"
      "    health: { interval: 2s }\n"
      "alerts:\n"
      "  resend_interval: 2m\n"
      "  runbook_base_url: \"https://wiki.example/\"\n"
      "  for: { warning: 4 }\n"
      "  rules: { PgvigilNoPrimary: { for: 2 } }\n",
      "test.yaml");
  ASSERT_TRUE(loaded);
  const AlertRuleSettings s = rule_settings(loaded->config);
  EXPECT_EQ(s.listen, "0.0.0.0:9300");
  EXPECT_EQ(s.external_url, "https://mon.example");
  EXPECT_FALSE(s.https);
  EXPECT_EQ(s.runbook_base_url, "https://wiki.example/");
  EXPECT_EQ(s.for_by_severity.warning, 4);
  EXPECT_EQ(s.for_by_severity.critical, 1);
  EXPECT_EQ(s.for_by_alertname, (std::map<std::string, int>{{"PgvigilNoPrimary", 2}}));
  EXPECT_EQ(cycle_of(s, "main"), 2s);
  EXPECT_EQ(cycle_of(s, "elsewhere"), s.default_cycle);
  EXPECT_EQ(s.resend_interval, 2min);
}

TEST(AlertNames, EveryCheckHasAMemberAlertAndNamesAreWellFormed) {
  for (const auto& spec : config::check_specs()) {
    EXPECT_NE(config::find_alert_name(config::AlertScope::member, spec.name), nullptr) << spec.name;
  }
  for (const auto& spec : config::alert_name_specs()) {
    SCOPED_TRACE(std::string(spec.name));
    EXPECT_TRUE(spec.name.starts_with("Pgvigil"));
    EXPECT_TRUE(config::is_known_alert_name(spec.name));
    EXPECT_EQ(config::find_alert_name(spec.scope, spec.check), &spec) << "one row per scope and check";
  }
  EXPECT_EQ(config::default_alert_name("replication_lag"), "PgvigilReplicationLag");
  EXPECT_FALSE(config::is_known_alert_name("PgvigilNoSuchThing"));
}

}  // namespace
}  // namespace pgvigil::alerts
