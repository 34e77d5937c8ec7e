// alerts: resend interval, runbook links, the spool, how long conditions wait before they fire, and
// the sinks.
#include <gtest/gtest.h>

#include <map>

#include "config_test_support.h"

namespace pgvigil::config {
namespace {

using namespace std::chrono_literals;
using namespace test;

using ConfigSinks = ScratchDir;

TEST_F(ConfigSinks, SinksAreReadWithEveryKey) {
  const auto secret = write("hook.secret");
  auto config = load_ok(kCluster +
                        "alerts:\n"
                        "  resend_interval: 2m\n"
                        "  runbook_base_url: \"https://wiki.example/runbooks/\"\n"
                        "  spool_max_bytes: 1.5MB\n"
                        "  sinks:\n"
                        "    - name: am\n"
                        "      type: alertmanager\n"
                        "      urls: [\"http://am1:9093\", \"http://am2:9093\"]\n"
                        "      severities: [critical]\n"
                        "    - name: ops\n"
                        "      type: webhook\n"
                        "      url: \"https://hooks.example/x?team=db\"\n"
                        "      secret_file: " + secret + "\n"
                        "      headers: { X-Team: dba, Authorization: \"Bearer abc\" }\n"
                        "      timeout: 2s\n"
                        "      clusters: [main]\n");
  const AlertsConfig& alerts = config.alerts;
  EXPECT_EQ(alerts.resend_interval, 2min);
  EXPECT_EQ(alerts.runbook_base_url, "https://wiki.example/runbooks/");
  EXPECT_EQ(alerts.spool_max_bytes, 1536u * 1024);
  ASSERT_EQ(alerts.sinks.size(), 2u);
  EXPECT_EQ(alerts.sinks[0].type, SinkType::alertmanager);
  EXPECT_EQ(alerts.sinks[0].urls, (std::vector<std::string>{"http://am1:9093", "http://am2:9093"}));
  EXPECT_EQ(alerts.sinks[0].severities, std::vector<std::string>{"critical"});
  EXPECT_EQ(alerts.sinks[0].timeout, SinkConfig{}.timeout);
  EXPECT_EQ(alerts.sinks[1].type, SinkType::webhook);
  EXPECT_EQ(alerts.sinks[1].url, "https://hooks.example/x?team=db");
  EXPECT_EQ(alerts.sinks[1].secret_file, secret);
  EXPECT_EQ(alerts.sinks[1].headers, (std::map<std::string, std::string>{{"Authorization", "Bearer abc"},
                                                                         {"X-Team", "dba"}}));
  EXPECT_EQ(alerts.sinks[1].timeout, 2s);
  EXPECT_EQ(alerts.sinks[1].clusters, std::vector<std::string>{"main"});
}

TEST_F(ConfigSinks, SinkMistakesAreRejected) {
  const auto secret = write("hook.secret");
  auto errors = errors_of(kCluster +
                          "alerts:\n"
                          "  spool_max_bytes: 16\n"
                          "  sinks:\n"
                          "    - { name: a, type: pager, url: \"http://x\" }\n"
                          "    - { name: b, type: webhook }\n"
                          "    - { name: c, type: alertmanager }\n"
                          "    - { name: d, type: alertmanager, urls: [] }\n"
                          "    - { name: e, type: alertmanager, url: \"http://x\", urls: [\"http://y\"] }\n"
                          "    - { name: f, type: webhook, url: \"http://x\", urls: [\"http://y\"] }\n"
                          "    - { name: g, type: webhook, url: \"hooks.example\" }\n"
                          "    - { name: a, type: webhook, url: \"http://x\" }\n"
                          "    - { name: h, url: \"http://x\" }\n"
                          "    - { name: i, type: webhook, url: \"http://x\", severities: [urgent], clusters: [nope] }\n"
                          "    - { name: j, type: alertmanager, urls: [\"http://x\"], secret_file: " + secret + " }\n"
                          "    - { name: k, type: webhook, url: \"http://x\", headers: { \"Bad Header\": x } }\n"
                          "    - { name: l, type: webhook, url: \"http://x\", timeout: 0s, retries: 3 }\n");
  EXPECT_TRUE(has_error(errors, 6, "alerts.spool_max_bytes", "invalid size '16'"));
  EXPECT_TRUE(has_error(errors, 8, "alerts.sinks[0].type", "unknown value 'pager': expected one of alertmanager, webhook"));
  EXPECT_TRUE(has_error(errors, 9, "alerts.sinks[1].url", "a webhook sink needs url"));
  EXPECT_TRUE(has_error(errors, 10, "alerts.sinks[2].urls", "an alertmanager sink needs urls"));
  EXPECT_TRUE(has_error(errors, 11, "alerts.sinks[3].urls", "needs at least one URL"));
  EXPECT_TRUE(has_error(errors, 12, "alerts.sinks[4].url", "url is for webhook sinks"));
  EXPECT_TRUE(has_error(errors, 13, "alerts.sinks[5].urls", "urls is for alertmanager sinks"));
  EXPECT_TRUE(has_error(errors, 14, "alerts.sinks[6].url", "expected an http:// or https:// URL"));
  EXPECT_TRUE(has_error(errors, 15, "alerts.sinks[7].name", "duplicate sink name 'a' (first defined at line 8)"));
  EXPECT_TRUE(has_error(errors, 16, "alerts.sinks[8].type", "required key 'type' is missing"));
  EXPECT_TRUE(has_error(errors, 17, "alerts.sinks[9].severities[0]", "no severity named 'urgent'"));
  EXPECT_TRUE(has_error(errors, 17, "alerts.sinks[9].clusters[0]", "no cluster named 'nope'"));
  EXPECT_TRUE(has_error(errors, 18, "alerts.sinks[10].secret_file", "applies to webhook sinks only"));
  EXPECT_TRUE(has_error(errors, 19, "alerts.sinks[11].headers.Bad Header", "invalid HTTP header name"));
  EXPECT_TRUE(has_error(errors, 20, "alerts.sinks[12].timeout", "greater than 0s"));
  EXPECT_TRUE(has_error(errors, 20, "alerts.sinks[12].retries", "unknown key"));
  EXPECT_EQ(errors.size(), 16u) << dump(errors);
}

TEST(ConfigAlerts, SpoolSizeHasAFloor) {
  EXPECT_TRUE(has_error(errors_of(kCluster + "alerts: { spool_max_bytes: 0B }\n"), 5, "alerts.spool_max_bytes",
                        "must be at least 1kB"));
  EXPECT_EQ(load_ok(kCluster + "alerts: { spool_max_bytes: 1GB }\n").alerts.spool_max_bytes, 1ull << 30);
}

TEST(ConfigAlertsFor, DefaultsAreOneCycleForCriticalAndThreeOtherwise) {
  const AlertsConfig alerts = load_ok(kCluster).alerts;
  EXPECT_EQ(alerts.for_cycles.critical, 1);
  EXPECT_EQ(alerts.for_cycles.warning, 3);
  EXPECT_EQ(alerts.for_cycles.info, 3);
  EXPECT_TRUE(alerts.rules.empty());
}

TEST(ConfigAlertsFor, ForAndRulesAreRead) {
  const AlertsConfig alerts = load_ok(kCluster +
                                      "alerts:\n"
                                      "  for: { critical: 2, warning: 5 }\n"
                                      "  rules:\n"
                                      "    PgvigilReplicationLag: { for: 6 }\n"
                                      "    PgvigilNoPrimary:\n"
                                      "      for: 1\n")
                                  .alerts;
  EXPECT_EQ(alerts.for_cycles.critical, 2);
  EXPECT_EQ(alerts.for_cycles.warning, 5);
  EXPECT_EQ(alerts.for_cycles.info, AlertForConfig{}.info);
  ASSERT_EQ(alerts.rules.size(), 2u);
  EXPECT_EQ(alerts.rules.at("PgvigilReplicationLag").for_cycles, 6);
  EXPECT_EQ(alerts.rules.at("PgvigilNoPrimary").for_cycles, 1);
}

TEST(ConfigAlertsFor, BadValuesNameTheKeyAndLine) {
  auto errors = errors_of(kCluster +
                          "alerts:\n"
                          "  for: { critical: 0, warning: 2.5, info: 3, page: 1 }\n"
                          "  rules:\n"
                          "    PgvigilReplicationLag: { for: 0 }\n"
                          "    PgvigilNoSuchThing: { for: 2 }\n"
                          "    PgvigilNoPrimary: { wait: 2 }\n"
                          "    PgvigilSplitBrain: 3\n");
  EXPECT_TRUE(has_error(errors, 6, "alerts.for.critical", "0 is out of range: must be 1..1000"));
  EXPECT_TRUE(has_error(errors, 6, "alerts.for.warning", "expected an integer, found '2.5'"));
  EXPECT_TRUE(has_error(errors, 6, "alerts.for.page", "unknown key 'page'"));
  EXPECT_TRUE(has_error(errors, 8, "alerts.rules.PgvigilReplicationLag.for", "0 is out of range"));
  EXPECT_TRUE(has_error(errors, 9, "alerts.rules.PgvigilNoSuchThing", "no alert named 'PgvigilNoSuchThing'"));
  EXPECT_TRUE(has_error(errors, 10, "alerts.rules.PgvigilNoPrimary.for", "required key 'for' is missing"));
  EXPECT_TRUE(has_error(errors, 10, "alerts.rules.PgvigilNoPrimary.wait", "unknown key 'wait'"));
  EXPECT_TRUE(has_error(errors, 11, "alerts.rules.PgvigilSplitBrain", "expected a map"));
  EXPECT_EQ(errors.size(), 8u) << dump(errors);
}

TEST(ConfigAlertsRetry, DefaultsAndValuesAreRead) {
  EXPECT_TRUE(load_ok(kCluster).alerts.retry == DeliveryRetryConfig{});
  const auto retry = load_ok(kCluster + "alerts: { retry: { base: 100ms, max: 2s, multiplier: 3 } }\n").alerts.retry;
  EXPECT_EQ(retry.base, 100ms);
  EXPECT_EQ(retry.max, 2s);
  EXPECT_EQ(retry.multiplier, 3.0);
}

TEST(ConfigAlertsRetry, BadValuesNameTheKeyAndLine) {
  auto errors = errors_of(kCluster +
                          "alerts:\n"
                          "  retry: { base: 2s, max: 1s, multiplier: 0.5, jitter: 1 }\n");
  EXPECT_TRUE(has_error(errors, 6, "alerts.retry.max", "is less than alerts.retry.base"));
  EXPECT_TRUE(has_error(errors, 6, "alerts.retry.multiplier", "out of range"));
  EXPECT_TRUE(has_error(errors, 6, "alerts.retry.jitter", "unknown key 'jitter'"));
  EXPECT_EQ(errors.size(), 3u) << dump(errors);
}

TEST(ConfigAlertsFor, ForMustBeAMap) {
  EXPECT_TRUE(has_error(errors_of(kCluster + "alerts: { for: 3 }\n"), 5, "alerts.for", "expected a map"));
  EXPECT_TRUE(has_error(errors_of(kCluster + "alerts: { rules: [] }\n"), 5, "alerts.rules", "expected a map"));
}

}  // namespace
}  // namespace pgvigil::config
