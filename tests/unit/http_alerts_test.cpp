// GET /alerts through route(): the active alerts with their times, the cluster filter, each
// sink's delivery state, and the answer without an alert engine. Also the alert families of
// /metrics, fed by the same view.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "alerts/alerts_view.h"
#include "exposition_lines.h"
#include "http/router.h"
#include "metrics/metrics_endpoint.h"
#include "router_replies.h"

namespace pgvigil::http {
namespace {

using namespace std::chrono_literals;
using testing::Contains;

class AlertsEndpointTest : public ::testing::Test {
 protected:
  health::SnapshotPtr snapshot_with_alerts() {
    auto view = std::make_shared<alerts::AlertsView>();
    view->evaluated_at = clock_.wall_now();
    alerts::ActiveAlert down;
    down.fingerprint = "00000000000000aa";
    down.labels = {{"alertname", "PgvigilMemberUnreachable"}, {"severity", "critical"}, {"cluster", "main"},
                   {"member", "db2"}};
    down.annotations = {{"summary", "db2 unreachable"}};
    down.state = alerts::AlertState::firing;
    down.since = clock_.wall_now() - 10s;
    down.firing_since = clock_.wall_now() - 10s;
    down.last_sent = clock_.wall_now() - 1s;
    alerts::ActiveAlert spool;
    spool.fingerprint = "00000000000000bb";
    spool.labels = {{"alertname", "PgvigilSpoolPressure"}, {"severity", "warning"}};
    spool.state = alerts::AlertState::pending;
    spool.since = clock_.wall_now() - 2s;
    view->active = {down, spool};
    view->firing = {0, 0, 1};
    view->delivery.sinks = {{.sink = "ops", .delivered = 4, .rejected = 1, .retried = 7, .dropped = 2, .queue_depth = 3}};
    view->delivery.targets = {{.target = "ops#0",
                               .sink = "ops",
                               .queue_depth = 3,
                               .last_attempt = clock_.wall_now(),
                               .last_success = std::nullopt,
                               .last_error = "HTTP 500",
                               .consecutive_failures = 7}};
    view->delivery.queue_depth = 3;
    view->delivery.dropped_total = 2;
    view->delivery.spool_bytes = 900;
    view->delivery.spool_live_bytes = 700;
    view->spool_max_bytes = 4096;
    auto snapshot = std::make_shared<health::Snapshot>();
    snapshot->taken_at = clock_.wall_now();
    snapshot->alerts = view;
    return snapshot;
  }

  Response get(const health::SnapshotPtr& snapshot, std::map<std::string, std::string> query = {}) {
    Hooks hooks;
    hooks.snapshot = [snapshot] { return snapshot; };
    return route(Request{"GET", "/alerts", std::move(query), {}}, hooks);
  }

  ManualClock clock_;
};

TEST_F(AlertsEndpointTest, ActiveAlertsWithTheirStateAndTimes) {
  const Response r = get(snapshot_with_alerts());
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = body(r);
  EXPECT_EQ(doc["firing"], 1);
  EXPECT_EQ(doc["pending"], 1);
  ASSERT_EQ(doc["alerts"].size(), 2u);
  const auto& down = doc["alerts"][0];
  EXPECT_EQ(down["fingerprint"], "00000000000000aa");
  EXPECT_EQ(down["state"], "firing");
  EXPECT_EQ(down["labels"]["member"], "db2");
  EXPECT_EQ(down["annotations"]["summary"], "db2 unreachable");
  EXPECT_TRUE(down["last_sent"].is_string());
  EXPECT_TRUE(down["since"].get<std::string>().ends_with("Z"));
  const auto& spool = doc["alerts"][1];
  EXPECT_EQ(spool["state"], "pending");
  EXPECT_TRUE(spool["firing_since"].is_null());
  EXPECT_TRUE(spool["last_sent"].is_null());
}

TEST_F(AlertsEndpointTest, SinksShowTheirCountersAndTargets) {
  const auto doc = body(get(snapshot_with_alerts()));
  ASSERT_EQ(doc["sinks"].size(), 1u);
  const auto& sink = doc["sinks"][0];
  EXPECT_EQ(sink["name"], "ops");
  EXPECT_EQ(sink["delivered"], 4);
  EXPECT_EQ(sink["rejected"], 1);
  EXPECT_EQ(sink["retried"], 7);
  EXPECT_EQ(sink["dropped"], 2);
  ASSERT_EQ(sink["targets"].size(), 1u);
  EXPECT_EQ(sink["targets"][0]["last_error"], "HTTP 500");
  EXPECT_TRUE(sink["targets"][0]["last_success"].is_null());
  EXPECT_EQ(sink["targets"][0]["consecutive_failures"], 7);
  EXPECT_EQ(doc["queue_depth"], 3);
  EXPECT_EQ(doc["dropped_total"], 2);
  EXPECT_EQ(doc["spool_max_bytes"], 4096);
  EXPECT_EQ(doc["spool_live_bytes"], 700);
}

TEST_F(AlertsEndpointTest, TheClusterFilterLeavesOtherClustersAndDaemonAlertsOut) {
  auto doc = body(get(snapshot_with_alerts(), {{"cluster", "main"}}));
  ASSERT_EQ(doc["alerts"].size(), 1u);
  EXPECT_EQ(doc["alerts"][0]["labels"]["alertname"], "PgvigilMemberUnreachable");
  EXPECT_EQ(doc["pending"], 0);
  doc = body(get(snapshot_with_alerts(), {{"cluster", "other"}}));
  EXPECT_TRUE(doc["alerts"].empty());
  EXPECT_EQ(doc["sinks"].size(), 1u) << "sinks are listed whatever the filter";
}

TEST_F(AlertsEndpointTest, WithoutAnEngineTheListsAreEmpty) {
  const Response r = get(std::make_shared<health::Snapshot>());
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = body(r);
  EXPECT_TRUE(doc["alerts"].empty());
  EXPECT_TRUE(doc["sinks"].empty());
  EXPECT_TRUE(doc["evaluated_at"].is_null());
}

TEST_F(AlertsEndpointTest, MetricsCountFiringPendingAndDeliveries) {
  const auto snapshot = snapshot_with_alerts();
  metrics::MetricsEndpoint endpoint([snapshot] { return snapshot; }, clock_);
  const auto lines = metrics::lines_of(endpoint.render());
  EXPECT_THAT(lines, Contains(R"(pgvigil_alerts_firing{severity="critical"} 1)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_alerts_firing{severity="warning"} 0)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_alerts_pending{severity="warning"} 1)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_alert_notifications_total{sink="ops",outcome="delivered"} 4)"));
  EXPECT_THAT(lines, Contains(R"(pgvigil_alert_notifications_total{sink="ops",outcome="retried"} 7)"));
  EXPECT_THAT(lines, Contains("pgvigil_alert_queue_depth 3"));
  EXPECT_THAT(lines, Contains("pgvigil_alert_dropped_total 2"));
  EXPECT_THAT(lines, Contains("pgvigil_alert_spool_bytes 700")) << "what is pending, not the file";
  EXPECT_THAT(lines, Contains("# TYPE pgvigil_alert_dropped_total counter"));
}

}  // namespace
}  // namespace pgvigil::http
