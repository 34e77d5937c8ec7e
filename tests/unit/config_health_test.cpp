// health: the schedule, and each check's settings typed by the check table.
#include <gtest/gtest.h>

#include "config/check_defaults.h"
#include "config/check_table.h"
#include "config/loader.h"

namespace pgvigil::config {
namespace {

using namespace std::chrono_literals;

// A config whose only cluster has `health_yaml` under health: (starting at line 6).
std::string with_health(const std::string& health_yaml) {
  return "clusters:\n"
         "  - name: main\n"
         "    members:\n"
         "      - { name: db1, conninfo: \"host=127.0.0.1\" }\n"
         "    health:\n" +
         health_yaml;
}

std::string dump(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const auto& e : errors) out += "\n  " + e.to_string();
  return out.empty() ? "\n  (no errors)" : out;
}

std::vector<ConfigError> errors_of(const std::string& yaml) {
  auto outcome = load_config_string(yaml, "test.yaml");
  if (outcome) return {};
  return outcome.error();
}

::testing::AssertionResult has_error(const std::vector<ConfigError>& errors, int line, const std::string& key,
                                     const std::string& fragment) {
  for (const auto& e : errors) {
    if (e.file == "test.yaml" && e.line == line && e.key == key && e.message.find(fragment) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "no error at line " << line << " key '" << key << "' saying '" << fragment
                                       << "'; got:" << dump(errors);
}

HealthConfig health_of(const std::string& health_yaml) {
  auto loaded = load_config_string(with_health(health_yaml), "test.yaml");
  if (!loaded) {
    ADD_FAILURE() << dump(loaded.error());
    return {};
  }
  return loaded->config.clusters.at(0).health;
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
  ASSERT_EQ(health.checks.size(), check_specs().size());
  for (const auto& spec : check_specs()) {
    SCOPED_TRACE(std::string(spec.name));
    ASSERT_EQ(health.checks.count(std::string(spec.name)), 1u);
    const CheckConfig& check = health.checks.at(std::string(spec.name));
    EXPECT_EQ(check.enabled, spec.enabled_by_default);
    EXPECT_EQ(check.warning, spec.warning);
    EXPECT_EQ(check.critical, spec.critical);
    EXPECT_EQ(check.warning_bytes, spec.has_byte_thresholds ? spec.warning_bytes : std::nullopt);
    EXPECT_EQ(check.critical_bytes, spec.has_byte_thresholds ? spec.critical_bytes : std::nullopt);
    EXPECT_EQ(check.table, spec.has_table ? "pgvigil_heartbeat" : "");
  }
  EXPECT_FALSE(health.checks.at("write_probe").enabled) << "write_probe needs a table: off by default";
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
  auto errors = errors_of(with_health(
      "      checks:\n"
      "        long_running: { warning: 300 }\n"      // a duration check given a bare number
      "        connections: { warning: 75% }\n"       // a ratio given a percentage
      "        replication_slots: { warning: 1000 }\n"  // a size without a unit
      "        wraparound: { critical: 1.5 }\n"       // a ratio above 1
      "        cache_hit: { critical: -0.1 }\n"
      "        blocking: { warning: 10MB }\n"
      "        archiver: { enabled: yes }\n"));
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].health.checks.long_running.warning", "invalid duration '300'"));
  EXPECT_TRUE(has_error(errors, 8, "clusters[0].health.checks.connections.warning", "expected a number, found '75%'"));
  EXPECT_TRUE(has_error(errors, 9, "clusters[0].health.checks.replication_slots.warning", "invalid size '1000'"));
  EXPECT_TRUE(has_error(errors, 10, "clusters[0].health.checks.wraparound.critical", "1.5 is out of range: must be 0..1"));
  EXPECT_TRUE(has_error(errors, 11, "clusters[0].health.checks.cache_hit.critical", "out of range"));
  EXPECT_TRUE(has_error(errors, 12, "clusters[0].health.checks.blocking.warning", "invalid duration '10MB'"));
  EXPECT_TRUE(has_error(errors, 13, "clusters[0].health.checks.archiver.enabled", "expected true or false"));
  EXPECT_EQ(errors.size(), 7u) << dump(errors);
}

TEST(ConfigHealth, KeysACheckDoesNotHaveAreUnknown) {
  auto errors = errors_of(with_health(
      "      checks:\n"
      "        role: { warning: 1s }\n"
      "        connections: { warning_bytes: 1MB }\n"
      "        long_running: { table: t }\n"
      "        replication_lag: { critical_seconds: 60s }\n"
      "        replication_lags: { warning: 1s }\n"));
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].health.checks.role.warning", "unknown key 'warning'; expected one of enabled"));
  EXPECT_TRUE(has_error(errors, 8, "clusters[0].health.checks.connections.warning_bytes", "unknown key"));
  EXPECT_TRUE(has_error(errors, 9, "clusters[0].health.checks.long_running.table", "unknown key"));
  EXPECT_TRUE(has_error(errors, 10, "clusters[0].health.checks.replication_lag.critical_seconds", "unknown key"));
  EXPECT_TRUE(has_error(errors, 11, "clusters[0].health.checks.replication_lags", "unknown key 'replication_lags'"));
  EXPECT_EQ(errors.size(), 5u) << dump(errors);
}

TEST(ConfigHealth, WarningWorseThanCriticalIsRejectedInTheCheckDirection) {
  auto errors = errors_of(with_health(
      "      checks:\n"
      "        long_running: { warning: 1h, critical: 30m }\n"
      "        connections: { warning: 0.95 }\n"  // worse than the default critical 0.90
      "        cache_hit: { warning: 0.80, critical: 0.90 }\n"  // lower is worse here
      "        replication_lag: { warning_bytes: 1GB }\n"
      "        blocking: { critical: 10s }\n"));  // better than the default warning 30s
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].health.checks.long_running.warning",
                        "warning 1h is worse than critical 30m"));
  EXPECT_TRUE(has_error(errors, 8, "clusters[0].health.checks.connections.warning",
                        "warning 0.95 is worse than critical 0.9 (default)"));
  EXPECT_TRUE(has_error(errors, 9, "clusters[0].health.checks.cache_hit.warning", "lower values are worse"));
  EXPECT_TRUE(has_error(errors, 10, "clusters[0].health.checks.replication_lag.warning_bytes",
                        "warning_bytes 1GB is worse than critical_bytes 256MB (default)"));
  EXPECT_TRUE(has_error(errors, 11, "clusters[0].health.checks.blocking.critical",
                        "warning 30s (default) is worse than critical 10s"));
  EXPECT_EQ(errors.size(), 5u) << dump(errors);
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
  auto errors = errors_of(with_health(
      "      checks:\n"
      "        write_probe: { table: \"x; DROP TABLE y\" }\n"));
  EXPECT_TRUE(has_error(errors, 7, "clusters[0].health.checks.write_probe.table", "invalid table name"));
  EXPECT_EQ(errors.size(), 1u) << dump(errors);
}

}  // namespace
}  // namespace pgvigil::config
