// Shared by the alert acceptance tests: a primary and replica per test (the tests stop and
// restart the replica), a daemon config with a 500ms cycle and short delivery retries, and
// readers of GET /alerts and of the notifications a webhook receiver accepted.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon_under_test.h"
#include "pg_cluster.h"
#include "probe_fixture.h"
#include "webhook_receiver.h"

namespace pgvigil::acceptance {

inline constexpr const char* kReplicaDown = "PgvigilMemberUnreachable";
inline constexpr auto kCycle = 500ms;

// The retry bound is short so that a receiver coming back is reached within about a second.
inline std::string webhook_alerts(const std::string& url, const std::string& secret_file,
                                  const std::string& spool_max_bytes = "16MB") {
  return "  resend_interval: 1m\n  spool_max_bytes: " + spool_max_bytes +
         "\n  retry: { base: 100ms, max: 1s }\n  sinks:\n"
         "    - { name: ops, type: webhook, url: \"" + url + "\", secret_file: \"" + secret_file +
         "\", timeout: 2s }\n";
}

// (fingerprint, status) of every alert in every notification, in the order received.
inline std::vector<std::pair<std::string, std::string>> alert_statuses(const std::vector<ReceivedHook>& hooks) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& hook : hooks) {
    const Json doc = hook.json();
    if (!doc.is_object() || !doc.contains("alerts")) continue;
    for (const auto& alert : doc["alerts"]) out.emplace_back(alert.value("fingerprint", ""), alert.value("status", ""));
  }
  return out;
}

// The fingerprint of the alert named `alertname` about `member` in any accepted notification.
inline std::optional<std::string> fingerprint_of(const std::vector<ReceivedHook>& hooks, const std::string& alertname,
                                                 const std::string& member) {
  for (const auto& hook : hooks) {
    const Json doc = hook.json();
    if (!doc.is_object() || !doc.contains("alerts")) continue;
    for (const auto& alert : doc["alerts"]) {
      const Json labels = alert.value("labels", Json::object());
      if (labels.value("alertname", "") == alertname && labels.value("member", "") == member) {
        return alert.value("fingerprint", "");
      }
    }
  }
  return std::nullopt;
}

// The active alert of GET /alerts named `alertname` about `member`, null when there is none.
inline Json active_alert(const DaemonUnderTest& daemon, const std::string& alertname, const std::string& member) {
  const Json doc = daemon.get("/alerts").json();
  if (!doc.is_object()) return nullptr;
  for (const auto& alert : doc.value("alerts", Json::array())) {
    const Json labels = alert.value("labels", Json::object());
    if (labels.value("alertname", "") == alertname && labels.value("member", "") == member) return alert;
  }
  return nullptr;
}

inline bool firing(const DaemonUnderTest& daemon, const std::string& alertname, const std::string& member) {
  const Json alert = active_alert(daemon, alertname, member);
  return alert.is_object() && alert.value("state", "") == "firing";
}

class AlertsTest : public ::testing::Test {
 protected:
  void SetUp() override { pg_.emplace(testing::PgCluster::start({})); }

  DaemonConfig config(const std::string& alerts) const {
    DaemonConfig c = primary_and_replica(*pg_, "500ms");
    c.alerts = alerts;
    return c;
  }

  // Stops the replica, waits until its alert fires, starts it again and waits until the alert is
  // gone (resolved): one firing and one resolved notification. Sets replica_fingerprint_.
  void replica_down_and_back(const DaemonUnderTest& daemon) {
    pg_->stop(testing::PgCluster::kReplica);
    ASSERT_TRUE(testing::poll_until([&] { return firing(daemon, kReplicaDown, kReplicaName); }, 10s))
        << daemon.get("/alerts").body;
    replica_fingerprint_ = active_alert(daemon, kReplicaDown, kReplicaName).value("fingerprint", "");
    pg_->restart(testing::PgCluster::kReplica);
    ASSERT_TRUE(testing::poll_until([&] { return active_alert(daemon, kReplicaDown, kReplicaName).is_null(); }, 15s))
        << daemon.get("/alerts").body;
  }

  std::string replica_fingerprint_;

  std::optional<testing::PgCluster> pg_;
  TempDir dir_;
};

}  // namespace pgvigil::acceptance
