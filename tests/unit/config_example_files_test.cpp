// The config files shipped in config/: pgvigil.yaml must list every key with the value the code
// uses as its default (so the documentation cannot drift from the code), and demo.yaml must load
// with the environment scripts/demo provides.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include "config_test_support.h"

namespace pgvigil::config {
namespace {

using namespace std::chrono_literals;
using namespace test;

const std::string kSourceDir = PGVIGIL_SOURCE_DIR;

// Every leaf key path in a YAML document, with list positions written as [] so that the keys of
// all members (or sinks) fold together: clusters[].pool.min, alerts.sinks[].url, ...
void collect_key_paths(const YAML::Node& node, const std::string& path, std::set<std::string>& out) {
  if (node.IsMap() && node.size() > 0) {
    for (const auto& entry : node) {
      const std::string key = entry.first.as<std::string>();
      collect_key_paths(entry.second, path.empty() ? key : path + "." + key, out);
    }
  } else if (node.IsSequence() && node.size() > 0 && node[0].IsMap()) {
    for (const auto& item : node) collect_key_paths(item, path + "[]", out);
  } else {
    out.insert(path);
  }
}

// What pgvigil.yaml has to spell out: every key of the schema, the member keys its two
// examples use, and for each check every setting that has a default in the check table.
std::set<std::string> expected_key_paths() {
  std::set<std::string> keys = {
      "daemon.state_dir", "daemon.statement_history_max_bytes", "daemon.log.level", "daemon.log.format",
      "http.listen", "http.tls.cert_file", "http.tls.key_file", "http.admin_token_file", "http.external_url",
      "clusters[].name",
      "clusters[].members[].name", "clusters[].members[].conninfo", "clusters[].members[].password_file",
      "clusters[].pool.min", "clusters[].pool.max", "clusters[].pool.acquire_timeout",
      "clusters[].pool.connect_timeout", "clusters[].pool.idle_timeout", "clusters[].pool.max_lifetime",
      "clusters[].pool.validation_interval",
      "clusters[].retry.base", "clusters[].retry.max", "clusters[].retry.multiplier", "clusters[].retry.circuit_after",
      "clusters[].health.interval", "clusters[].health.query_timeout", "clusters[].health.fail_after",
      "clusters[].health.recover_after", "clusters[].health.slow_checks_interval",
      "clusters[].queries.statements_interval", "clusters[].queries.slow_threshold", "clusters[].queries.top_n",
      "clusters[].queries.activity_interval", "clusters[].queries.max_query_length", "clusters[].queries.history",
      "clusters[].queries.statements", "clusters[].queries.metrics_top_n",
      "clusters[].queries.cancel.mode", "clusters[].queries.cancel.max_query_duration",
      "clusters[].queries.cancel.terminate_after", "clusters[].queries.cancel.max_idle_in_transaction",
      "clusters[].queries.cancel.allow_superuser", "clusters[].queries.cancel.only_if_blocking",
      "clusters[].queries.cancel.max_actions_per_minute", "clusters[].queries.cancel.exclude.users",
      "clusters[].queries.cancel.exclude.databases", "clusters[].queries.cancel.exclude.applications",
      "clusters[].queries.cancel.exclude.queries",
      "alerts.resend_interval", "alerts.runbook_base_url", "alerts.spool_max_bytes",
      "alerts.for.critical", "alerts.for.warning", "alerts.for.info", "alerts.rules",
      "alerts.retry.base", "alerts.retry.max", "alerts.retry.multiplier",
      "alerts.sinks[].name", "alerts.sinks[].type", "alerts.sinks[].urls", "alerts.sinks[].url",
      "alerts.sinks[].secret_file", "alerts.sinks[].headers", "alerts.sinks[].timeout", "alerts.sinks[].severities",
      "alerts.sinks[].clusters",
  };
  for (const auto& spec : check_specs()) {
    const std::string prefix = "clusters[].health.checks." + std::string(spec.name) + ".";
    keys.insert(prefix + "enabled");
    if (spec.warning) keys.insert(prefix + "warning");
    if (spec.critical) keys.insert(prefix + "critical");
    if (spec.has_byte_thresholds && spec.warning_bytes) keys.insert(prefix + "warning_bytes");
    if (spec.has_byte_thresholds && spec.critical_bytes) keys.insert(prefix + "critical_bytes");
    if (spec.has_table) keys.insert(prefix + "table");
  }
  return keys;
}

TEST(ExampleConfig, ListsEveryKey) {
  const YAML::Node root = YAML::LoadFile(kSourceDir + "/config/pgvigil.yaml");
  std::set<std::string> found;
  collect_key_paths(root, "", found);
  const std::set<std::string> expected = expected_key_paths();
  for (const auto& key : expected) EXPECT_TRUE(found.contains(key)) << "config/pgvigil.yaml lacks " << key;
  for (const auto& key : found) EXPECT_TRUE(expected.contains(key)) << "config/pgvigil.yaml has unexpected " << key;
}

TEST(ExampleConfig, EveryValueIsTheDefaultInTheCode) {
  auto loaded = load_config_file(kSourceDir + "/config/pgvigil.yaml");
  ASSERT_TRUE(loaded) << dump(loaded.error());
  EXPECT_TRUE(loaded->warnings.empty()) << loaded->warnings.front();
  const Config& config = loaded->config;
  EXPECT_TRUE(config.daemon == DaemonConfig{}) << "daemon: differs from DaemonConfig{}";
  EXPECT_TRUE(config.http == HttpConfig{}) << "http: differs from HttpConfig{}";
  ASSERT_EQ(config.clusters.size(), 1u);
  const ClusterConfig& cluster = config.clusters[0];
  EXPECT_EQ(cluster.name, "main");
  EXPECT_TRUE(cluster.pool == PoolConfig{}) << "pool: differs from PoolConfig{}";
  EXPECT_TRUE(cluster.retry == RetryConfig{}) << "retry: differs from RetryConfig{}";
  EXPECT_TRUE(cluster.queries == QueriesConfig{}) << "queries: differs from QueriesConfig{}";

  HealthConfig health_defaults;
  health_defaults.checks = cluster.health.checks;  // compared one by one against the table below
  EXPECT_TRUE(cluster.health == health_defaults) << "health: differs from HealthConfig{}";
  expect_check_defaults(cluster.health.checks);

  const AlertsConfig alert_defaults;
  EXPECT_EQ(config.alerts.resend_interval, alert_defaults.resend_interval);
  EXPECT_EQ(config.alerts.runbook_base_url, alert_defaults.runbook_base_url);
  EXPECT_EQ(config.alerts.spool_max_bytes, alert_defaults.spool_max_bytes);
  EXPECT_TRUE(config.alerts.for_cycles == alert_defaults.for_cycles) << "alerts.for: differs from AlertForConfig{}";
  EXPECT_EQ(config.alerts.rules, alert_defaults.rules);
  EXPECT_TRUE(config.alerts.retry == alert_defaults.retry) << "alerts.retry: differs from DeliveryRetryConfig{}";
  const SinkConfig sink_defaults;
  for (const auto& sink : config.alerts.sinks) {
    SCOPED_TRACE(sink.name);
    EXPECT_EQ(sink.headers, sink_defaults.headers);
    EXPECT_EQ(sink.timeout, sink_defaults.timeout);
    EXPECT_EQ(sink.severities, sink_defaults.severities);
    EXPECT_EQ(sink.clusters, sink_defaults.clusters);
    EXPECT_EQ(sink.secret_file, sink_defaults.secret_file);
  }
}

TEST(ExampleConfig, ExampleMembersAndSinksAreTheDocumentedOnes) {
  auto loaded = load_config_file(kSourceDir + "/config/pgvigil.yaml");
  ASSERT_TRUE(loaded) << dump(loaded.error());
  const auto& members = loaded->config.clusters.at(0).members;
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].name, "db1");
  EXPECT_EQ(members[0].params, (Params{{"user", "pgvigil"}, {"dbname", "postgres"}, {"host", "127.0.0.1"},
                                       {"port", "5432"}, {"sslmode", "prefer"}}));
  EXPECT_EQ(members[1].name, "db2");
  EXPECT_EQ(members[1].params, (Params{{"user", "pgvigil"}, {"dbname", "postgres"}, {"host", "127.0.0.1"},
                                       {"port", "5433"}}));
  const auto& sinks = loaded->config.alerts.sinks;
  ASSERT_EQ(sinks.size(), 2u);
  EXPECT_EQ(sinks[0].type, SinkType::alertmanager);
  EXPECT_EQ(sinks[0].urls, std::vector<std::string>{"http://127.0.0.1:9093"});
  EXPECT_EQ(sinks[1].type, SinkType::webhook);
  EXPECT_EQ(sinks[1].url, "http://127.0.0.1:8080/hook");
}

class DemoConfig : public ScratchDir {
 protected:
  void SetUp() override {
    ScratchDir::SetUp();
    password_file_ = write("password", "demo\n");
    ::setenv("PGVIGIL_DEMO_PRIMARY_PORT", "54321", 1);
    ::setenv("PGVIGIL_DEMO_REPLICA_PORT", "54322", 1);
    ::setenv("PGVIGIL_DEMO_PASSWORD_FILE", password_file_.c_str(), 1);
    ::setenv("PGVIGIL_DEMO_STATE_DIR", (dir_ / "state").c_str(), 1);
    ::setenv("PGVIGIL_DEMO_ALERTMANAGER_URL", "http://127.0.0.1:9093", 1);
  }
  void TearDown() override {
    for (const char* name : {"PGVIGIL_DEMO_PRIMARY_PORT", "PGVIGIL_DEMO_REPLICA_PORT", "PGVIGIL_DEMO_PASSWORD_FILE",
                             "PGVIGIL_DEMO_STATE_DIR", "PGVIGIL_DEMO_ALERTMANAGER_URL"}) {
      ::unsetenv(name);
    }
    ScratchDir::TearDown();
  }

  std::string password_file_;
};

TEST_F(DemoConfig, LoadsWithTheDemoEnvironment) {
  auto loaded = load_config_file(kSourceDir + "/config/demo.yaml");
  ASSERT_TRUE(loaded) << dump(loaded.error());
  EXPECT_TRUE(loaded->warnings.empty()) << loaded->warnings.front();
  const Config& config = loaded->config;
  EXPECT_EQ(config.daemon.state_dir, (dir_ / "state").string());
  EXPECT_EQ(config.http.listen, "127.0.0.1:9188");
  ASSERT_EQ(config.clusters.size(), 1u);
  const ClusterConfig& cluster = config.clusters[0];
  EXPECT_EQ(cluster.name, "demo");
  ASSERT_EQ(cluster.members.size(), 2u);
  EXPECT_EQ(cluster.members[0].name, "primary");
  EXPECT_EQ(cluster.members[0].params,
            (Params{{"host", "127.0.0.1"}, {"port", "54321"}, {"dbname", "postgres"}, {"user", "pgvigil"}}));
  EXPECT_EQ(cluster.members[1].name, "replica");
  EXPECT_EQ(cluster.members[1].params,
            (Params{{"host", "127.0.0.1"}, {"port", "54322"}, {"dbname", "postgres"}, {"user", "pgvigil"}}));
  for (const auto& member : cluster.members) {
    EXPECT_EQ(member.password_file, password_file_);
    EXPECT_TRUE(member.inline_password.empty());
  }
  EXPECT_EQ(cluster.health.interval, 2s);
  EXPECT_EQ(cluster.queries.statements_interval, 10s);
  EXPECT_EQ(cluster.queries.metrics_top_n, 5);
  EXPECT_EQ(cluster.queries.cancel.mode, CancelMode::dry_run);
  // Low enough for the demo's runaway session to be judged within a minute.
  EXPECT_EQ(cluster.queries.cancel.max_query_duration, 20s);
  ASSERT_EQ(config.alerts.sinks.size(), 1u);
  EXPECT_EQ(config.alerts.sinks[0].type, SinkType::alertmanager);
  EXPECT_EQ(config.alerts.sinks[0].urls, std::vector<std::string>{"http://127.0.0.1:9093"});
}

// Without prometheus-alertmanager scripts/demo runs the file cut before its alerts section (which
// must stay last) with no sinks; that has to load too.
TEST_F(DemoConfig, LoadsWithoutItsAlertsSection) {
  std::ifstream in(kSourceDir + "/config/demo.yaml");
  std::string cut;
  for (std::string line; std::getline(in, line) && line != "alerts:";) cut += line + "\n";
  ASSERT_NE(cut.find("clusters:"), std::string::npos);
  ::unsetenv("PGVIGIL_DEMO_ALERTMANAGER_URL");
  auto loaded = load_config_file(write("demo.yaml", cut + "alerts:\n  sinks: []\n"));
  ASSERT_TRUE(loaded) << dump(loaded.error());
  EXPECT_TRUE(loaded->config.alerts.sinks.empty());
  EXPECT_EQ(loaded->config.clusters.at(0).queries.cancel.max_query_duration, 20s);
}

TEST_F(DemoConfig, NamesTheVariableThatIsMissing) {
  ::unsetenv("PGVIGIL_DEMO_REPLICA_PORT");
  auto loaded = load_config_file(kSourceDir + "/config/demo.yaml");
  ASSERT_FALSE(loaded);
  ASSERT_EQ(loaded.error().size(), 1u) << dump(loaded.error());
  EXPECT_EQ(loaded.error()[0].key, "clusters[0].members[1].port");
  EXPECT_NE(loaded.error()[0].message.find("PGVIGIL_DEMO_REPLICA_PORT"), std::string::npos);
}

}  // namespace
}  // namespace pgvigil::config
