// A real Alertmanager receives the daemon's alerts: a stopped replica's alert appears in its API
// within interval × for + 5 s, and leaves it once the replica is back.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "alertmanager_under_test.h"
#include "alerts_fixture.h"

namespace pgvigil::acceptance {
namespace {

Json replica_alerts(const AlertmanagerUnderTest& am) {
  Json matching = Json::array();
  for (const auto& alert : am.alerts_named(kReplicaDown)) {
    if (alert["labels"].value("member", "") == kReplicaName) matching.push_back(alert);
  }
  return matching;
}

TEST_F(AlertsTest, AlertmanagerShowsTheStoppedReplicaAndForgetsItOnceItIsBack) {
  AlertmanagerUnderTest am;
  DaemonUnderTest daemon(dir_, config("  resend_interval: 2s\n  retry: { base: 100ms, max: 1s }\n  sinks:\n"
                                      "    - { name: am, type: alertmanager, urls: [\"" + am.url() + "\"] }\n"));
  ASSERT_TRUE(daemon.wait_ready());
  EXPECT_TRUE(replica_alerts(am).empty());

  pg_->stop(testing::PgCluster::kReplica);
  const auto stopped = std::chrono::steady_clock::now();
  Json seen;
  // The alert is critical: `for` is one cycle.
  ASSERT_TRUE(testing::poll_until([&] { return !(seen = replica_alerts(am)).empty(); }, kCycle * 1 + 5s))
      << daemon.get("/alerts").body << "\n" << am.log();
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, kCycle + 5s);
  const Json& alert = seen[0];
  EXPECT_EQ(alert["labels"].value("severity", ""), "critical");
  EXPECT_EQ(alert["labels"].value("cluster", ""), "c");
  EXPECT_NE(alert["annotations"].value("summary", ""), "");
  EXPECT_NE(alert.value("generatorURL", "").find("/clusters/c"), std::string::npos) << alert.dump();
  EXPECT_EQ(alert["status"].value("state", ""), "active") << alert.dump();

  // Re-sent while it fires, so Alertmanager keeps it past its first endsAt (3 × resend_interval).
  std::this_thread::sleep_for(7s);
  EXPECT_FALSE(replica_alerts(am).empty()) << "expired although the replica is still down";

  pg_->restart(testing::PgCluster::kReplica);
  // recover_after is 2 cycles; then the resolved alert (endsAt = now) leaves the active list.
  EXPECT_TRUE(testing::poll_until([&] { return replica_alerts(am).empty(); }, 2 * kCycle + 10s))
      << replica_alerts(am).dump() << "\n" << daemon.get("/alerts").body;
  const Json sinks = daemon.get("/alerts").json().value("sinks", Json::array());
  ASSERT_EQ(sinks.size(), 1u);
  EXPECT_GE(sinks[0].value("delivered", 0), 2);
  EXPECT_EQ(sinks[0].value("rejected", 0), 0);
}

}  // namespace
}  // namespace pgvigil::acceptance
