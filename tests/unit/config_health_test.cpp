// health: the schedule, and each check's settings typed by the check table.
#include <gtest/gtest.h>

#include <cstddef>

#include "config_test_support.h"

namespace pgvigil::config {
namespace {

using namespace std::chrono_literals;
using namespace test;

// A config whose only cluster has `health_yaml` under health: (starting at line 6).
std::string with_health(const std::string& health_yaml) { return kCluster + "    health:\n" + health_yaml; }

HealthConfig health_of(const std::string& health_yaml) {
  const Config config = load_ok(with_health(health_yaml));
  return config.clusters.empty() ? HealthConfig{} : config.clusters[0].health;
}

// One line under health.checks: and the error it has to give at that line, for `key` below
// clusters[0].health.checks.
struct CheckLine {
  std::string yaml;
  std::string key;
  std::string fragment;
};

// Loads `lines` one after another under checks: (the first at line 7) and expects each line's
// error and no other.
void expect_check_errors(const std::vector<CheckLine>& lines) {
  std::string yaml = "      checks:\n";
  for (const auto& line : lines) yaml += "        " + line.yaml + "\n";
  const auto errors = errors_of(with_health(yaml));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_TRUE(has_error(errors, 7 + static_cast<int>(i), "clusters[0].health.checks." + lines[i].key,
                          lines[i].fragment));
  }
  EXPECT_EQ(errors.size(), lines.size()) << dump(errors);
}

TEST(ConfigHealth, ScheduleAndDampingAreRead) {
  auto health = health_of("      interval: 2s\n      query_timeout: 1500ms\n      fail_after: 3\n"
                          "      recover_after: 4\n      slow_checks_interval: 1m\n");
  EXPECT_EQ(health.interval, 2s);
  EXPECT_EQ(health.query_timeout, 1500ms);
  EXPECT_EQ(health.fail_after, 3);
  EXPECT_EQ(health.recover_after, 4);
  EXPECT_EQ(health.slow_checks_interval, 1min);
}

TEST(ConfigHealth, NonsenseScheduleIsRejected) {
  auto errors = errors_of(with_health(
      "      interval: 0s\n"
      "      query_timeout: -1s\n"
      "      fail_after: 0\n"
      "      recover_after: 1.5\n"
      "      slow_checks_interval: 30\n"));
  EXPECT_TRUE(has_error(errors, 6, "clusters[0].health.interval", "must be greater than 0s"));
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].health.query_timeout", "invalid duration '-1s'"));
  EXPECT_TRUE(has_error(errors, 8, "clusters[0].health.fail_after", "0 is out of range"));
  EXPECT_TRUE(has_error(errors, 9, "clusters[0].health.recover_after", "expected an integer"));
  EXPECT_TRUE(has_error(errors, 10, "clusters[0].health.slow_checks_interval", "invalid duration '30'"));
  EXPECT_EQ(errors.size(), 5u) << dump(errors);
}

TEST(ConfigHealth, EveryCheckHasItsTableDefaultsWhenNotConfigured) {
  auto health = health_of("      interval: 5s\n");
  expect_check_defaults(health.checks);
  EXPECT_FALSE(health.checks.at("write_probe").enabled) << "write_probe needs a table: off by default";
  EXPECT_EQ(health.checks.at("write_probe").table, "pgvigil_heartbeat");
}

TEST(ConfigHealth, ThresholdsAreTypedByTheCheckAndStoredInBaseUnits) {
  auto health = health_of(
      "      checks:\n"
      "        long_running: { warning: 2m, critical: 1h }\n"
      "        connections: { warning: 0.5, critical: 1 }\n"
      "        replication_slots: { warning: 512MB, critical: 2GB }\n"
      "        replication_lag: { warning: 1.5s, critical: 2m, warning_bytes: 1MB, critical_bytes: 1GB }\n"
      "        write_probe: { enabled: true, table: monitoring.heartbeat }\n"
      "        role: { enabled: false }\n"
      "        wal: { warning: 4GB }\n");
  EXPECT_EQ(health.checks.at("long_running").warning, 120.0);
  EXPECT_EQ(health.checks.at("long_running").critical, 3600.0);
  EXPECT_EQ(health.checks.at("connections").warning, 0.5);
  EXPECT_EQ(health.checks.at("connections").critical, 1.0);
  EXPECT_EQ(health.checks.at("replication_slots").warning, 512.0 * 1024 * 1024);
  EXPECT_EQ(health.checks.at("replication_slots").critical, 2.0 * 1024 * 1024 * 1024);
  const CheckConfig& lag = health.checks.at("replication_lag");
  EXPECT_EQ(lag.warning, 1.5);
  EXPECT_EQ(lag.critical, 120.0);
  EXPECT_EQ(lag.warning_bytes, 1024.0 * 1024);
  EXPECT_EQ(lag.critical_bytes, 1024.0 * 1024 * 1024);
  EXPECT_TRUE(health.checks.at("write_probe").enabled);
  EXPECT_EQ(health.checks.at("write_probe").table, "monitoring.heartbeat");
  EXPECT_FALSE(health.checks.at("role").enabled);
  EXPECT_EQ(health.checks.at("wal").warning, 4.0 * 1024 * 1024 * 1024);
  EXPECT_EQ(health.checks.at("wal").critical, std::nullopt) << "no default, not set";
  EXPECT_TRUE(health.checks.at("blocking") == default_check_config(*find_check_spec("blocking"))) << "untouched";
}

TEST(ConfigHealth, ThresholdOfTheWrongKindIsRejected) {
  expect_check_errors({
      // a duration check given a bare number
      {"long_running: { warning: 300 }", "long_running.warning", "invalid duration '300'"},
      // a ratio given a percentage
      {"connections: { warning: 75% }", "connections.warning", "expected a number, found '75%'"},
      // a size without a unit
      {"replication_slots: { warning: 1000 }", "replication_slots.warning", "invalid size '1000'"},
      // a ratio above 1
      {"wraparound: { critical: 1.5 }", "wraparound.critical", "1.5 is out of range: must be 0..1"},
      {"cache_hit: { critical: -0.1 }", "cache_hit.critical", "out of range"},
      {"blocking: { warning: 10MB }", "blocking.warning", "invalid duration '10MB'"},
      {"archiver: { enabled: yes }", "archiver.enabled", "expected true or false"},
  });
}

TEST(ConfigHealth, KeysACheckDoesNotHaveAreUnknown) {
  expect_check_errors({
      {"role: { warning: 1s }", "role.warning", "unknown key 'warning'; expected one of enabled"},
      {"connections: { warning_bytes: 1MB }", "connections.warning_bytes", "unknown key"},
      {"long_running: { table: t }", "long_running.table", "unknown key"},
      {"replication_lag: { critical_seconds: 60s }", "replication_lag.critical_seconds", "unknown key"},
      {"replication_lags: { warning: 1s }", "replication_lags", "unknown key 'replication_lags'"},
  });
}

TEST(ConfigHealth, WarningWorseThanCriticalIsRejectedInTheCheckDirection) {
  expect_check_errors({
      {"long_running: { warning: 1h, critical: 30m }", "long_running.warning",
       "warning 1h is worse than critical 30m"},
      // worse than the default critical 0.90
      {"connections: { warning: 0.95 }", "connections.warning", "warning 0.95 is worse than critical 0.9 (default)"},
      // lower is worse here
      {"cache_hit: { warning: 0.80, critical: 0.90 }", "cache_hit.warning", "lower values are worse"},
      {"replication_lag: { warning_bytes: 1GB }", "replication_lag.warning_bytes",
       "warning_bytes 1GB is worse than critical_bytes 256MB (default)"},
      // better than the default warning 30s
      {"blocking: { critical: 10s }", "blocking.critical", "warning 30s (default) is worse than critical 10s"},
  });
}

TEST(ConfigHealth, EqualThresholdsAndTheRightOrderAreFine) {
  auto health = health_of(
      "      checks:\n"
      "        long_running: { warning: 30m, critical: 30m }\n"
      "        cache_hit: { warning: 0.99, critical: 0.5 }\n");
  EXPECT_EQ(health.checks.at("long_running").warning, 1800.0);
  EXPECT_EQ(health.checks.at("cache_hit").critical, 0.5);
}

TEST(ConfigHealth, WriteProbeTableMustBeAPlainName) {
  expect_check_errors({{"write_probe: { table: \"x; DROP TABLE y\" }", "write_probe.table", "invalid table name"}});
}

}  // namespace
}  // namespace pgvigil::config
