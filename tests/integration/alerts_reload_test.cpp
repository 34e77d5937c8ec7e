// A reload rebuilds every pool and monitor, whose first snapshots know nothing yet (members not
// checked, no primary found). The alerts must come through it as they were: nothing resolved,
// nothing raised, the firing alert still firing since the same time.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "alerts_fixture.h"

namespace pgvigil::acceptance {
namespace {

TEST_F(AlertsTest, AReloadNeitherResolvesNorRaisesAnything) {
  WebhookReceiver receiver("reload-s3cret");
  DaemonUnderTest daemon(dir_, config(webhook_alerts(receiver.url(), dir_.write("hook.secret", "reload-s3cret"))));
  ASSERT_TRUE(daemon.wait_ready());
  pg_->stop(testing::PgCluster::kReplica);
  ASSERT_TRUE(testing::poll_until([&] { return firing(daemon, kReplicaDown, kReplicaName); }, 10s));
  const Json before = active_alert(daemon, kReplicaDown, kReplicaName);
  const std::string fingerprint = before.value("fingerprint", "");
  ASSERT_TRUE(testing::poll_until(
      [&] { return !alert_statuses(receiver.accepted()).empty(); }, 10s));

  daemon.signal(SIGHUP);
  ASSERT_TRUE(testing::poll_until([&] { return daemon.log().find("configuration reloaded") != std::string::npos; }, 10s))
      << daemon.log();
  ASSERT_TRUE(daemon.wait_ready());
  std::this_thread::sleep_for(6 * kCycle);  // passes over the new runtime's first snapshots and after

  const Json after = active_alert(daemon, kReplicaDown, kReplicaName);
  EXPECT_EQ(after.value("state", ""), "firing") << daemon.get("/alerts").body;
  EXPECT_EQ(after.value("since", ""), before.value("since", "")) << "the alert began again";
  for (const auto& hook : receiver.accepted()) {
    for (const auto& alert : hook.json().value("alerts", Json::array())) {
      const Json labels = alert.value("labels", Json::object());
      EXPECT_NE(labels.value("alertname", ""), "PgvigilNoPrimary") << hook.body;
      if (alert.value("fingerprint", "") == fingerprint) {
        EXPECT_EQ(alert.value("status", ""), "firing") << "resolved by the reload: " << hook.body;
      }
    }
  }

  pg_->restart(testing::PgCluster::kReplica);
  EXPECT_TRUE(testing::poll_until(
      [&] {
        for (const auto& [fp, status] : alert_statuses(receiver.accepted())) {
          if (fp == fingerprint && status == "resolved") return true;
        }
        return false;
      },
      15s));
}

}  // namespace
}  // namespace pgvigil::acceptance
