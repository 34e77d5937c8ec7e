// The Prometheus rules shipped in dashboards/pgvigil-rules.yml keep their conventions: each alert
// waits a `for`, has a severity, says source="prometheus", explains itself, is about job
// "pgvigil", never takes the name of an alert the daemon raises itself, and has unit tests in
// pgvigil-rules.test.yml where it fires and where it does not. (That promtool passes those tests
// is an integration test's job.)
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/alert_names.h"
#include "config/check_table.h"

namespace pgvigil::config {
namespace {

const std::string kDashboards = std::string(PGVIGIL_SOURCE_DIR) + "/dashboards/";

std::vector<YAML::Node> alerting_rules() {
  std::vector<YAML::Node> rules;
  for (const auto& group : YAML::LoadFile(kDashboards + "pgvigil-rules.yml")["groups"]) {
    for (const auto& rule : group["rules"]) {
      if (rule["alert"]) rules.push_back(rule);
    }
  }
  return rules;
}

TEST(ShippedRules, EveryAlertFollowsTheConventions) {
  const auto rules = alerting_rules();
  ASSERT_FALSE(rules.empty());
  for (const auto& rule : rules) {
    const auto name = rule["alert"].as<std::string>();
    SCOPED_TRACE(name);
    EXPECT_TRUE(rule["for"].IsDefined());
    const auto severity = rule["labels"]["severity"].as<std::string>("");
    EXPECT_TRUE(severity == "warning" || severity == "critical") << severity;
    EXPECT_EQ(rule["labels"]["source"].as<std::string>(""), "prometheus");
    EXPECT_FALSE(rule["annotations"]["summary"].as<std::string>("").empty());
    EXPECT_FALSE(rule["annotations"]["description"].as<std::string>("").empty());
    EXPECT_NE(rule["expr"].as<std::string>("").find("job=\"pgvigil\""), std::string::npos);
  }
}

TEST(ShippedRules, NoAlertTakesTheNameOfOneTheDaemonRaises) {
  std::set<std::string> daemon_names;
  for (const auto& spec : alert_name_specs()) daemon_names.insert(std::string(spec.name));
  // A check missing from the name table is raised under its default name.
  for (const auto& spec : check_specs()) daemon_names.insert(default_alert_name(spec.name));
  ASSERT_TRUE(daemon_names.contains("PgvigilMemberUnreachable"));
  for (const auto& rule : alerting_rules()) {
    EXPECT_FALSE(daemon_names.contains(rule["alert"].as<std::string>())) << rule["alert"].as<std::string>();
  }
}

TEST(ShippedRules, EveryAlertHasTestsWhereItFiresAndWhereItDoesNot) {
  std::map<std::string, int> firing;
  std::map<std::string, int> silent;
  for (const auto& test : YAML::LoadFile(kDashboards + "pgvigil-rules.test.yml")["tests"]) {
    for (const auto& expectation : test["alert_rule_test"]) {
      const auto name = expectation["alertname"].as<std::string>();
      ++(expectation["exp_alerts"].size() > 0 ? firing : silent)[name];
    }
  }
  for (const auto& rule : alerting_rules()) {
    const auto name = rule["alert"].as<std::string>();
    EXPECT_GT(firing[name], 0) << name << " is never tested firing";
    EXPECT_GT(silent[name], 0) << name << " is never tested staying silent";
  }
}

}  // namespace
}  // namespace pgvigil::config
