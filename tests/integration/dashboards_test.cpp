// The shipped Grafana dashboards and Prometheus rules against the real thing: a primary and
// replica, pgvigil watching them with its canceller in dry_run and a webhook sink, and Prometheus
// scraping it as job "pgvigil" with dashboards/pgvigil-rules.yml loaded. After a slow statement,
// a runaway session and an alert, every query of every panel of every dashboard, its template
// variables replaced as Grafana would, must succeed with data; and every rule must evaluate
// without error. promtool must accept the rules and pass their unit tests.
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "alerts_fixture.h"
#include "daemon_under_test.h"
#include "dashboard_panels.h"
#include "pg_cluster.h"
#include "prometheus_under_test.h"
#include "statements_fixture.h"
#include "webhook_receiver.h"

namespace pgvigil::acceptance {
namespace {

using testing::PgCluster;

const fs::path kSourceDir = PGVIGIL_SOURCE_DIR;
const std::string kRulesFile = (kSourceDir / "dashboards/pgvigil-rules.yml").string();

constexpr auto kPanelsLimit = 45s;  // rate() over fresh counters needs two scrapes; a loaded machine
constexpr auto kPromtoolLimit = 30s;

// What Grafana puts in place of the variables: every member of cluster "c", a rate window of a
// few scrapes, and the dashboards' default time range.
const std::map<std::string, std::string> kVariables = {
    {"cluster", "c"},        {"member", ".*"},       {"__rate_interval", "30s"}, {"__interval", "15s"},
    {"__range", "5m"},       {"__range_s", "300"},   {"datasource", "prometheus"},
};

// A session as role app (the canceller leaves superusers alone) that sleeps well past
// max_query_duration; statement_timeout still ends it if the test fails.
constexpr const char* kRunaway = "SELECT pg_sleep(80)";
constexpr const char* kSlowStatement = "SELECT pg_sleep(0.3)";  // over the 200ms slow_threshold
constexpr const char* kSlowStatementText = "SELECT pg_sleep($1)";

DaemonConfig watched_with_everything_on(const PgCluster& pg, const std::string& webhook_url,
                                        const std::string& secret_file) {
  DaemonConfig config;
  config.members = {{"primary", pg.port(PgCluster::kPrimary), pg.password_file()},
                    {"replica", pg.port(PgCluster::kReplica), pg.password_file()}};
  config.interval = "1s";
  config.slow_checks_interval = "2s";
  config.checks["cache_hit"] = "{ enabled: false }";
  // Heartbeats for the replication dashboard's end-to-end lag (the table is made beforehand).
  config.checks["write_probe"] = "{ enabled: true }";
  // The runaway makes the primary degraded: a reason for the reason panels, an alert for the sinks.
  config.checks["long_running"] = "{ warning: 3s }";
  config.queries =
      "{ statements_interval: 2s, slow_threshold: 200ms, metrics_top_n: 5, activity_interval: 500ms,"
      " cancel: { mode: dry_run, max_query_duration: 2s } }";
  config.alerts = webhook_alerts(webhook_url, secret_file);
  return config;
}

// Per panel query, whether Prometheus has answered it with data, and its last answer.
struct PanelCheck {
  std::string dashboard;
  PanelQuery query;
  std::string promql;
  bool answered = false;
  std::string last_reply{};
};

std::vector<PanelCheck> every_panel_query() {
  std::vector<PanelCheck> checks;
  for (const auto& file : dashboard_files(kSourceDir)) {
    const Json dashboard = Json::parse(testing::read_file(file.string()), nullptr, false);
    for (auto& query : panel_queries(dashboard)) {
      const Substituted promql = substitute_variables(query.expr, kVariables);
      EXPECT_TRUE(promql.unknown.empty()) << file.filename() << " panel " << query.panel_title << ": "
                                          << promql.unknown.front();
      checks.push_back(PanelCheck{file.filename().string(), query, promql.text});
    }
  }
  return checks;
}

bool has_data(const HttpReply& reply) {
  const Json answer = reply.json();
  if (!answer.is_object() || answer.value("status", "") != "success") return false;
  return !answer["data"]["result"].empty();  // an instant vector's samples, or a scalar's [time, value]
}

// The rules Prometheus loaded (GET /api/v1/rules), flattened.
Json loaded_rules(const PrometheusUnderTest& prometheus) {
  Json rules = Json::array();
  const Json answer = prometheus.get("/api/v1/rules").json();
  if (!answer.is_object()) return rules;
  for (const auto& group : answer["data"].value("groups", Json::array())) {
    for (const auto& rule : group.value("rules", Json::array())) rules.push_back(rule);
  }
  return rules;
}

// Rules that have not evaluated cleanly, as "name: health error".
std::vector<std::string> unhealthy(const Json& rules) {
  std::vector<std::string> out;
  for (const auto& rule : rules) {
    if (rule.value("health", "") != "ok") {
      out.push_back(rule.value("name", "") + ": " + rule.value("health", "") + " " + rule.value("lastError", ""));
    }
  }
  return out;
}

// Every pgvigil_* name a rule's expression mentions. A misspelt one would make the rule evaluate
// cleanly and never fire.
std::set<std::string> metric_names_in(const Json& rules) {
  std::set<std::string> names;
  static const std::regex kName("pgvigil_[a-z_]+");
  for (const auto& rule : rules) {
    const std::string query = rule.value("query", "");
    for (std::sregex_iterator it(query.begin(), query.end(), kName), end; it != end; ++it) names.insert(it->str());
  }
  return names;
}

// Whether a Prometheus alert of rule `alertname` about `member` is pending or firing.
bool rule_alert_active(const PrometheusUnderTest& prometheus, const std::string& alertname, const std::string& member) {
  const Json answer = prometheus.get("/api/v1/alerts").json();
  if (!answer.is_object()) return false;
  for (const auto& alert : answer["data"].value("alerts", Json::array())) {
    const Json labels = alert.value("labels", Json::object());
    if (labels.value("alertname", "") == alertname && labels.value("member", "") == member &&
        labels.value("source", "") == "prometheus") {
      return true;
    }
  }
  return false;
}

// The cancel the dry-run canceller recorded for `pid`, null while there is none.
Json dry_run_cancel(const DaemonUnderTest& daemon, int pid) {
  const Json document = daemon.get("/actions?limit=1000").json();
  if (!document.is_object()) return nullptr;
  for (const auto& action : document["actions"]) {
    if (action["pid"] == pid && action["action"] == "cancel") return action;
  }
  return nullptr;
}

TEST(Dashboards, EveryPanelQueryReturnsDataFromALiveDaemon) {
  const auto began = std::chrono::steady_clock::now();
  auto pg = PgCluster::start({});
  pg.exec(PgCluster::kPrimary,
          "CREATE TABLE pgvigil_heartbeat (member text PRIMARY KEY, written_at timestamptz NOT NULL);"
          "GRANT SELECT, INSERT, UPDATE ON pgvigil_heartbeat TO pgvigil");
  TempDir dir;
  WebhookReceiver receiver("s3cret");
  const DaemonUnderTest daemon(dir, watched_with_everything_on(pg, receiver.url(), dir.write("secret", "s3cret")));
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();
  const PrometheusUnderTest prometheus(daemon.port(), {.rule_files = {kRulesFile}});

  // A slow statement, counted once the primary's first sample (which only primes) is behind it.
  ASSERT_TRUE(wait_primed(daemon, "primary")) << daemon.log();
  PgSession app(pg.port(PgCluster::kPrimary), "app", "dashboards-test");
  for (int i = 0; i < 2; ++i) app.exec(kSlowStatement);
  PgSession runaway(pg.port(PgCluster::kPrimary), "app", "dashboards-test", "90s");
  runaway.send(kRunaway);

  Json cancel;
  ASSERT_TRUE(testing::poll_until([&] { return (cancel = dry_run_cancel(daemon, runaway.backend_pid())).is_object(); },
                                  15s, 100ms))
      << daemon.get("/actions").body;
  EXPECT_EQ(cancel["mode"], "dry_run") << cancel.dump();
  EXPECT_EQ(cancel["signal"]["executed"], false) << cancel.dump();
  ASSERT_TRUE(testing::poll_until([&] { return !receiver.accepted().empty(); }, 15s, 100ms))
      << daemon.get("/alerts").body;
  // pg_stat_statements normalises the constant away: both sleeps are one statement, and the
  // runaway is not in it before it ends.
  StatementSum slow;
  EXPECT_TRUE(testing::poll_until(
      [&] { return (slow = sum_in_intervals(intervals_of(daemon, "primary"), kSlowStatementText)).calls >= 2; },
      10s, 200ms))
      << intervals_of(daemon, "primary").dump();
  EXPECT_TRUE(slow.all_slow) << intervals_of(daemon, "primary").dump();

  std::vector<PanelCheck> checks = every_panel_query();
  ASSERT_FALSE(checks.empty());
  std::set<std::string> dashboards_seen;
  for (const auto& check : checks) dashboards_seen.insert(check.dashboard);
  EXPECT_EQ(dashboards_seen.size(), dashboard_files(kSourceDir).size()) << "a dashboard without queries";

  testing::poll_until(
      [&] {
        bool all = true;
        for (auto& check : checks) {
          if (check.answered) continue;
          const HttpReply reply = prometheus.query(check.promql);
          check.answered = has_data(reply);
          check.last_reply = reply.status == 0 ? reply.error : reply.body;
          all = all && check.answered;
        }
        return all;
      },
      kPanelsLimit, 1s);
  for (const auto& check : checks) {
    EXPECT_TRUE(check.answered) << check.dashboard << " panel " << check.query.panel_id << " \""
                                << check.query.panel_title << "\" target " << check.query.ref_id << ":\n  "
                                << check.promql << "\n  last answer: " << check.last_reply;
  }

  Json rules;
  EXPECT_TRUE(testing::poll_until(
      [&] {
        rules = loaded_rules(prometheus);
        return !rules.empty() && unhealthy(rules).empty();
      },
      10s, 250ms))
      << ::testing::PrintToString(unhealthy(rules)) << "\n" << prometheus.log();
  const std::set<std::string> stored = [&] {
    const Json names = prometheus.get("/api/v1/label/__name__/values").json();
    return names.is_object() ? names["data"].get<std::set<std::string>>() : std::set<std::string>{};
  }();
  for (const auto& name : metric_names_in(rules)) EXPECT_TRUE(stored.contains(name)) << "a rule uses " << name;
  // The runaway keeps the primary degraded: the rule for a member degraded for long is waiting.
  EXPECT_TRUE(testing::poll_until([&] { return rule_alert_active(prometheus, "PostgresMemberDegraded", "primary"); },
                                  10s, 250ms))
      << prometheus.get("/api/v1/alerts").body;

  RecordProperty("seconds", std::to_string(seconds_since(began)));
}

TEST(DashboardsRules, PromtoolAcceptsTheRules) {
  TempDir dir;
  const auto check = run_split(dir, "check", {"/usr/bin/promtool", "check", "rules", kRulesFile}, kPromtoolLimit);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("SUCCESS"), std::string::npos) << check.out << check.err;
}

TEST(DashboardsRules, PromtoolUnitTestsOfTheRulesPass) {
  TempDir dir;
  const std::string tests = (kSourceDir / "dashboards/pgvigil-rules.test.yml").string();
  const auto result = run_split(dir, "test", {"/usr/bin/promtool", "test", "rules", tests}, kPromtoolLimit);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("SUCCESS"), std::string::npos) << result.out << result.err;
}

// The same pipe must be able to fail: a rule unit test expecting what does not happen.
TEST(DashboardsRules, PromtoolReportsAFailingRuleTest) {
  TempDir dir;
  dir.write("rules.yml",
            "groups:\n  - name: g\n    rules:\n      - alert: Never\n        expr: vector(1) == 0\n");
  const std::string tests = dir.write("rules.test.yml",
                                      "rule_files: [rules.yml]\ntests:\n  - interval: 1m\n    alert_rule_test:\n"
                                      "      - eval_time: 1m\n        alertname: Never\n"
                                      "        exp_alerts: [{exp_labels: {}}]\n");
  const auto result = run_split(dir, "control", {"/usr/bin/promtool", "test", "rules", tests}, kPromtoolLimit);
  EXPECT_NE(result.exit_code, 0) << result.out << result.err;
}

}  // namespace
}  // namespace pgvigil::acceptance
