// From the alerts config to delivery targets: one per URL, stable names, secrets read.
#include "alerts/delivery_target.h"

#include <gtest/gtest.h>

#include <fstream>

#include "alert_test_support.h"

namespace pgvigil::alerts {
namespace {

using namespace std::chrono_literals;

config::SinkConfig alertmanager(std::string name, std::vector<std::string> urls) {
  config::SinkConfig sink;
  sink.name = std::move(name);
  sink.type = config::SinkType::alertmanager;
  sink.urls = std::move(urls);
  return sink;
}

config::SinkConfig webhook(std::string name, std::string url) {
  config::SinkConfig sink;
  sink.name = std::move(name);
  sink.type = config::SinkType::webhook;
  sink.url = std::move(url);
  return sink;
}

TEST(AlertDeliveryTarget, OneTargetPerAlertmanagerUrlAndOnePerWebhook) {
  config::AlertsConfig alerts;
  alerts.sinks.push_back(alertmanager("am", {"http://a:9093", "http://b:9093/"}));
  auto hook = webhook("ops", "http://h/hook");
  hook.headers = {{"Authorization", "Bearer t"}};
  hook.timeout = 2s;
  alerts.sinks.push_back(hook);
  const auto targets = targets_from_config(alerts);
  ASSERT_TRUE(targets) << targets.error();
  ASSERT_EQ(targets->size(), 3u);
  EXPECT_EQ((*targets)[0].sink, "am");
  EXPECT_EQ(post_url((*targets)[0]), "http://a:9093/api/v2/alerts");
  EXPECT_EQ(post_url((*targets)[1]), "http://b:9093/api/v2/alerts");
  EXPECT_EQ((*targets)[2].sink, "ops");
  EXPECT_EQ(post_url((*targets)[2]), "http://h/hook");
  EXPECT_EQ((*targets)[2].timeout, 2s);
  EXPECT_EQ((*targets)[2].headers, (Headers{{"Authorization", "Bearer t"}}));
  EXPECT_TRUE((*targets)[2].secret.empty());
}

TEST(AlertDeliveryTarget, ReadsTheSigningSecret) {
  testing::ScratchDir dir;
  const std::string path = (dir.path() / "secret").string();
  std::ofstream(path) << "shh\n";
  config::AlertsConfig alerts;
  alerts.sinks.push_back(webhook("ops", "http://h/hook"));
  alerts.sinks.back().secret_file = path;
  const auto targets = targets_from_config(alerts);
  ASSERT_TRUE(targets) << targets.error();
  EXPECT_EQ(targets->at(0).secret, "shh");
}

TEST(AlertDeliveryTarget, AnUnreadableSecretNamesTheSinkAndFile) {
  config::AlertsConfig alerts;
  alerts.sinks.push_back(webhook("ops", "http://h/hook"));
  alerts.sinks.back().secret_file = "/nonexistent/pgvigil/secret";
  const auto targets = targets_from_config(alerts);
  ASSERT_FALSE(targets);
  EXPECT_NE(targets.error().find("ops"), std::string::npos);
  EXPECT_NE(targets.error().find("/nonexistent/pgvigil/secret"), std::string::npos);
}

TEST(AlertDeliveryTarget, KeysNameTheSinkAndTheUrlIndex) {
  EXPECT_EQ(target_key("am", 0), "am#0");
  EXPECT_EQ(target_key("am", 2), "am#2");
}

}  // namespace
}  // namespace pgvigil::alerts
