// Request bodies for Alertmanager and webhooks, parsed back; and the alert vocabulary they are
// built from (fingerprints, common labels, notifications).
#include "alerts/notification_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace pgvigil::alerts {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const WallTime kT0 = WallTime{} + std::chrono::milliseconds(1714564800123);  // 2024-05-01T12:00:00.123Z

Notice firing(std::string member) {
  Notice n;
  n.labels = {{"alertname", "PgvigilReplicationLag"}, {"severity", "warning"}, {"cluster", "main"},
              {"member", std::move(member)}};
  n.annotations = {{"summary", "lag"}, {"description", "behind"}};
  n.fingerprint = fingerprint(n.labels);
  n.status = NoticeStatus::firing;
  n.starts_at = kT0;
  n.ends_at = kT0 + 3min;
  n.generator_url = "http://127.0.0.1:9188/clusters/main";
  return n;
}

Notice resolved(std::string member) {
  Notice n = firing(std::move(member));
  n.status = NoticeStatus::resolved;
  n.ends_at = kT0 + 10s;
  n.annotations["description"] = "caught up";
  return n;
}

TEST(AlertJson, AlertmanagerBodyIsTheV2PostableAlertsArray) {
  Notice no_end = firing("db3");
  no_end.ends_at.reset();
  const json body = json::parse(alertmanager_body({firing("db2"), resolved("db2"), no_end}));
  ASSERT_TRUE(body.is_array());
  ASSERT_EQ(body.size(), 3u);
  const json& a = body[0];
  EXPECT_EQ(a["labels"], (json{{"alertname", "PgvigilReplicationLag"}, {"severity", "warning"}, {"cluster", "main"},
                               {"member", "db2"}}));
  EXPECT_EQ(a["annotations"], (json{{"summary", "lag"}, {"description", "behind"}}));
  EXPECT_EQ(a["startsAt"], "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(a["endsAt"], "2024-05-01T12:03:00.123Z");
  EXPECT_EQ(a["generatorURL"], "http://127.0.0.1:9188/clusters/main");
  const auto in_order = nlohmann::ordered_json::parse(alertmanager_body({firing("db2")}));
  std::vector<std::string> keys;
  for (const auto& item : in_order[0].items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"labels", "annotations", "startsAt", "endsAt", "generatorURL"}));
  EXPECT_EQ(body[1]["endsAt"], "2024-05-01T12:00:10.123Z");
  EXPECT_FALSE(body[2].contains("endsAt"));
  EXPECT_EQ(json::parse(alertmanager_body({})), json::array());
}

TEST(AlertJson, WebhookBodyLooksLikeAlertmanagersWebhook) {
  const Notification notification = make_notification({firing("db2"), resolved("db3")}, "https://mon.example");
  const json body = json::parse(webhook_body(notification, "ops"));
  EXPECT_EQ(body["version"], "1");
  EXPECT_EQ(body["status"], "firing");
  EXPECT_EQ(body["receiver"], "ops");
  EXPECT_EQ(body["groupLabels"], (json{{"cluster", "main"}}));
  EXPECT_EQ(body["commonLabels"],
            (json{{"alertname", "PgvigilReplicationLag"}, {"severity", "warning"}, {"cluster", "main"}}));
  EXPECT_EQ(body["commonAnnotations"], (json{{"summary", "lag"}}));
  EXPECT_EQ(body["externalURL"], "https://mon.example");
  ASSERT_EQ(body["alerts"].size(), 2u);
  const json& first = body["alerts"][0];
  EXPECT_EQ(first["status"], "firing");
  EXPECT_EQ(first["labels"]["member"], "db2");
  EXPECT_EQ(first["annotations"]["description"], "behind");
  EXPECT_EQ(first["startsAt"], "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(first["endsAt"], "0001-01-01T00:00:00Z") << "a firing alert has not ended";
  EXPECT_EQ(first["generatorURL"], "http://127.0.0.1:9188/clusters/main");
  EXPECT_EQ(first["fingerprint"], firing("db2").fingerprint);
  const json& second = body["alerts"][1];
  EXPECT_EQ(second["status"], "resolved");
  EXPECT_EQ(second["endsAt"], "2024-05-01T12:00:10.123Z");
}

TEST(AlertJson, AllResolvedIsAResolvedNotification) {
  const json body = json::parse(webhook_body(make_notification({resolved("db2")}), "ops"));
  EXPECT_EQ(body["status"], "resolved");
  EXPECT_EQ(body["externalURL"], "");
}

TEST(AlertJson, InvalidUtf8IsReplacedNotThrown) {
  Notice n = firing("db2");
  n.annotations["query"] = "SELECT '\xe9t\xe9'";
  EXPECT_NO_THROW(json::parse(alertmanager_body({n})));
  EXPECT_NO_THROW(json::parse(webhook_body(make_notification({n}), "ops")));
}

TEST(AlertVocabulary, FingerprintsAreStableSixteenHexDigitsOfTheLabels) {
  const Labels labels = {{"alertname", "PgvigilNoPrimary"}, {"cluster", "main"}};
  const std::string print = fingerprint(labels);
  EXPECT_EQ(print.size(), 16u);
  EXPECT_EQ(print.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(fingerprint({}), "cbf29ce484222325") << "FNV-1a 64 offset basis";
  // Pinned: a change would make every alert in a spool or in Alertmanager a different one.
  EXPECT_EQ(fingerprint({{"a", "b"}}), fingerprint({{"a", "b"}}));
  EXPECT_NE(fingerprint({{"ab", ""}}), fingerprint({{"a", "b"}})) << "separators keep keys and values apart";
  EXPECT_NE(fingerprint({{"a", "b"}, {"c", "d"}}), fingerprint({{"a", "bc"}, {"", "d"}}));
  Labels reordered;
  reordered.emplace("cluster", "main");
  reordered.emplace("alertname", "PgvigilNoPrimary");
  EXPECT_EQ(fingerprint(reordered), print);
}

TEST(AlertVocabulary, SeveritiesReadAndPrintAsInTheConfig) {
  for (auto severity : {AlertSeverity::info, AlertSeverity::warning, AlertSeverity::critical}) {
    EXPECT_EQ(parse_severity(to_string(severity)), severity);
  }
  EXPECT_FALSE(parse_severity("page"));
  EXPECT_LT(AlertSeverity::warning, AlertSeverity::critical);
}

TEST(AlertVocabulary, NotificationsOfSeveralClustersHaveNoGroupLabels) {
  Notice other = firing("r1");
  other.labels["cluster"] = "reports";
  const Notification n = make_notification({firing("db2"), other});
  EXPECT_TRUE(n.group_labels.empty());
  EXPECT_EQ(n.status, NoticeStatus::firing);
  EXPECT_EQ(common_labels({}), Labels{});
}

}  // namespace
}  // namespace pgvigil::alerts
