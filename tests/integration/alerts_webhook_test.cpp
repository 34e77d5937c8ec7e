// Webhook delivery against a real receiver on loopback: an outage loses nothing and duplicates
// nothing, a killed daemon delivers its spool after a restart, a tiny spool drops its oldest and
// the daemon stays up, and a canceller action makes exactly one notification.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "alerts_fixture.h"
#include "pg_session.h"

namespace pgvigil::acceptance {
namespace {

constexpr const char* kSecret = "hook-s3cret";

std::map<std::pair<std::string, std::string>, int> counted(const std::vector<ReceivedHook>& hooks) {
  std::map<std::pair<std::string, std::string>, int> counts;
  for (const auto& key : alert_statuses(hooks)) ++counts[key];
  return counts;
}

bool delivered_both(const WebhookReceiver& receiver, const std::string& fingerprint) {
  const auto counts = counted(receiver.accepted());
  return counts.contains({fingerprint, "firing"}) && counts.contains({fingerprint, "resolved"});
}

// The fingerprint the daemon gave the replica's alert, from GET /alerts while it fired.
std::string replica_fingerprint(const DaemonUnderTest& daemon) {
  return active_alert(daemon, kReplicaDown, kReplicaName).value("fingerprint", "");
}

TEST_F(AlertsTest, AReceiverOutageLosesNoNotificationAndRepeatsNone) {
  WebhookReceiver receiver(kSecret);
  receiver.set_failing(true);
  const auto outage_start = std::chrono::steady_clock::now();
  DaemonUnderTest daemon(dir_, config(webhook_alerts(receiver.url(), dir_.write("hook.secret", std::string(kSecret) + "\n"))));
  ASSERT_TRUE(daemon.wait_ready());

  pg_->stop(testing::PgCluster::kReplica);
  ASSERT_TRUE(testing::poll_until([&] { return firing(daemon, kReplicaDown, kReplicaName); }, 10s));
  const std::string fingerprint = replica_fingerprint(daemon);
  ASSERT_FALSE(fingerprint.empty());
  pg_->restart(testing::PgCluster::kReplica);
  ASSERT_TRUE(testing::poll_until([&] { return active_alert(daemon, kReplicaDown, kReplicaName).is_null(); }, 15s));

  // The receiver answers 500 for 20 s in all.
  std::this_thread::sleep_until(outage_start + 20s);
  EXPECT_GT(receiver.attempts(), 2) << "deliveries were retried during the outage";
  EXPECT_TRUE(receiver.accepted().empty());
  receiver.set_failing(false);

  ASSERT_TRUE(testing::poll_until([&] { return delivered_both(receiver, fingerprint); }, 15s))
      << daemon.get("/alerts").body;
  std::this_thread::sleep_for(2s);  // anything sent twice would have arrived by now
  const auto hooks = receiver.accepted();
  // Other alerts may come and go meanwhile on a loaded machine (a cycle overrun); the replica's
  // went down once and came back once, and no document is delivered twice.
  const auto counts = counted(hooks);
  EXPECT_EQ(counts.at({fingerprint, "firing"}), 1);
  EXPECT_EQ(counts.at({fingerprint, "resolved"}), 1);
  std::set<std::string> bodies;
  for (const auto& hook : hooks) EXPECT_TRUE(bodies.insert(hook.body).second) << "delivered twice: " << hook.body;
  for (const auto& hook : hooks) {
    EXPECT_TRUE(hook.signature_valid) << "timestamp " << hook.timestamp << ", signature " << hook.signature;
  }
  // The firing notification was made first, so it arrives first.
  const auto statuses = alert_statuses(hooks);
  const auto first = std::ranges::find(statuses, std::pair<std::string, std::string>{fingerprint, "firing"});
  const auto last = std::ranges::find(statuses, std::pair<std::string, std::string>{fingerprint, "resolved"});
  EXPECT_LT(first, last);
}

TEST_F(AlertsTest, AKilledDaemonDeliversItsSpoolAfterARestart) {
  WebhookReceiver receiver(kSecret);
  receiver.set_failing(true);
  const auto alerts = webhook_alerts(receiver.url(), dir_.write("hook.secret", kSecret));
  std::string fingerprint;
  {
    DaemonUnderTest daemon(dir_, config(alerts));
    ASSERT_TRUE(daemon.wait_ready());
    pg_->stop(testing::PgCluster::kReplica);
    ASSERT_TRUE(testing::poll_until([&] { return firing(daemon, kReplicaDown, kReplicaName); }, 10s));
    fingerprint = replica_fingerprint(daemon);
    pg_->restart(testing::PgCluster::kReplica);
    ASSERT_TRUE(testing::poll_until([&] { return active_alert(daemon, kReplicaDown, kReplicaName).is_null(); }, 15s));
    ASSERT_TRUE(testing::poll_until(
        [&] { return daemon.get("/alerts").json().value("queue_depth", 0) >= 2; }, 5s))
        << daemon.get("/alerts").body;
    daemon.kill();
  }
  EXPECT_TRUE(receiver.accepted().empty());

  DaemonUnderTest restarted(dir_, config(alerts));
  ASSERT_TRUE(restarted.wait_ready());
  receiver.set_failing(false);
  ASSERT_TRUE(testing::poll_until([&] { return delivered_both(receiver, fingerprint); }, 15s))
      << restarted.get("/alerts").body << "\n" << restarted.log();
  for (const auto& hook : receiver.accepted()) EXPECT_TRUE(hook.signature_valid);
}

TEST_F(AlertsTest, ATinySpoolDropsTheOldestCountsThemAndTheDaemonStaysUp) {
  WebhookReceiver receiver(kSecret);
  receiver.set_failing(true);
  DaemonUnderTest daemon(dir_,
                         config(webhook_alerts(receiver.url(), dir_.write("hook.secret", kSecret), "2kB")));
  ASSERT_TRUE(daemon.wait_ready());
  replica_down_and_back(daemon);
  replica_down_and_back(daemon);

  const Json state = daemon.get("/alerts").json();
  EXPECT_GT(state.value("dropped_total", 0), 0) << state.dump();
  EXPECT_LE(state.value("spool_live_bytes", 0), 2048) << state.dump();
  const auto metrics = daemon.get("/metrics").body;
  const auto dropped = metric_sample(metrics, "pgvigil_alert_dropped_total");
  ASSERT_TRUE(dropped.has_value());
  EXPECT_GT(*dropped, 0);
  EXPECT_NE(daemon.log().find("dropped"), std::string::npos);
  EXPECT_EQ(daemon.get("/livez").status, 200);

  // What was kept still goes out: the newest, the replica's second resolution, was not dropped.
  const std::string fingerprint = replica_fingerprint_;
  ASSERT_FALSE(fingerprint.empty());
  receiver.set_failing(false);
  const auto last_about_replica = [&] {
    std::string last;
    for (const auto& [fp, status] : alert_statuses(receiver.accepted())) {
      if (fp == fingerprint) last = status;
    }
    return last;
  };
  EXPECT_TRUE(testing::poll_until([&] { return last_about_replica() == "resolved"; }, 10s))
      << "last seen: '" << last_about_replica() << "'";
  EXPECT_TRUE(daemon.running());
}

TEST_F(AlertsTest, ACancelInEnforceModeMakesExactlyOneNotification) {
  WebhookReceiver receiver(kSecret);
  DaemonConfig c = config(webhook_alerts(receiver.url(), dir_.write("hook.secret", kSecret)));
  c.queries = "{ activity_interval: 200ms, cancel: { mode: enforce, max_query_duration: 1s, terminate_after: 30s } }";
  DaemonUnderTest daemon(dir_, c);
  ASSERT_TRUE(daemon.wait_ready());

  PgSession runaway(pg_->port(testing::PgCluster::kPrimary), "app", "runaway-report", "0");
  const std::string pid = std::to_string(runaway.backend_pid());
  runaway.send("SELECT pg_sleep(600)");
  const auto end = runaway.wait_end(10s);
  ASSERT_TRUE(end.has_value()) << "not cancelled";
  EXPECT_TRUE(end->cancelled()) << end->message;

  const auto about_runaway = [&] {
    int count = 0;
    for (const auto& hook : receiver.accepted()) {
      const Json doc = hook.json();
      for (const auto& alert : doc.value("alerts", Json::array())) {
        if (alert.value("labels", Json::object()).value("pid", "") == pid) ++count;
      }
    }
    return count;
  };
  ASSERT_TRUE(testing::poll_until([&] { return about_runaway() > 0; }, 10s)) << daemon.get("/alerts").body;
  std::this_thread::sleep_for(3s);  // a second notification would have come by now
  EXPECT_EQ(about_runaway(), 1);
  const auto hooks = receiver.accepted();
  const auto name = fingerprint_of(hooks, "PgvigilSessionCancelled", kPrimaryName);
  EXPECT_TRUE(name.has_value()) << "the cancel is named PgvigilSessionCancelled";
}

}  // namespace
}  // namespace pgvigil::acceptance
