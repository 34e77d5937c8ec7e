// The canceller's attempts as one-shot alerts; skips raise none.
#include <gtest/gtest.h>

#include "action_builders.h"
#include "alerts/alert_sources.h"

namespace pgvigil::alerts {
namespace {

using queries::CancelAction;
using queries::CancelReason;
using queries::record_for;
using config::CancelMode;

AlertRuleSettings settings() {
  AlertRuleSettings s;
  s.runbook_base_url = "https://wiki.example/";
  return s;
}

TEST(AlertEvents, AnEnforcedCancelIsAWarningEventWithTheSession) {
  auto record = record_for(4242);
  record.at = queries::kNow;
  record.signal = queries::SignalOutcome{.executed = true, .result = true, .error = {}};
  const auto event = event_from(record, settings());
  ASSERT_TRUE(event);
  EXPECT_EQ(event->kind, ConditionKind::event);
  EXPECT_EQ(event->at, queries::kNow);
  EXPECT_EQ(event->labels, (Labels{{"alertname", "PgvigilSessionCancelled"},
                                   {"severity", "warning"},
                                   {"cluster", "main"},
                                   {"member", "db1"},
                                   {"action", "cancel"},
                                   {"mode", "enforce"},
                                   {"reason", "max_query_duration"},
                                   {"pid", "4242"}}));
  const auto& a = event->annotations;
  EXPECT_EQ(a.at("summary"), "cancelled pid 4242 on main/db1 (max_query_duration)");
  EXPECT_EQ(a.at("user"), "app");
  EXPECT_EQ(a.at("database"), "shop");
  EXPECT_EQ(a.at("application"), "web");
  EXPECT_EQ(a.at("duration"), "6.0m");
  EXPECT_EQ(a.at("query"), "SELECT pg_sleep(600)");
  EXPECT_EQ(a.at("signal"), "sent");
  EXPECT_EQ(a.at("runbook_url"), "https://wiki.example/PgvigilSessionCancelled");
  EXPECT_NE(a.at("description").find("user app on database shop"), std::string::npos) << a.at("description");
  EXPECT_EQ(event->generator_url, "http://127.0.0.1:9188/actions");
}

TEST(AlertEvents, ADryRunIsInformationalAndSaysWhatWouldHaveBeenDone) {
  const auto event = event_from(record_for(7, CancelAction::terminate, CancelReason::max_idle_in_transaction,
                                           CancelMode::dry_run),
                                settings());
  ASSERT_TRUE(event);
  EXPECT_EQ(event->labels.at("alertname"), "PgvigilSessionTerminated");
  EXPECT_EQ(event->labels.at("severity"), "info");
  EXPECT_EQ(event->labels.at("mode"), "dry_run");
  EXPECT_EQ(event->annotations.at("summary"), "dry run: would terminate pid 7 on main/db1 (max_idle_in_transaction)");
  EXPECT_EQ(event->annotations.at("signal"), "not sent (dry run)");
}

TEST(AlertEvents, TheSignalOutcomeIsSpelledOut) {
  struct Case {
    queries::SignalOutcome signal{};
    const char* text = "";
  };
  for (const Case& c : {Case{{.executed = true, .result = false, .error = {}}, "not delivered (the backend was gone)"},
                        Case{{.executed = true, .result = std::nullopt, .error = "permission denied"},
                             "failed: permission denied"},
                        Case{{.executed = false, .result = std::nullopt, .error = {}}, "not sent"}}) {
    auto record = record_for(1);
    record.signal = c.signal;
    EXPECT_EQ(event_from(record, settings())->annotations.at("signal"), c.text);
  }
}

TEST(AlertEvents, ProtectedSessionsLeftAloneRaiseNothing) {
  EXPECT_FALSE(event_from(record_for(1, CancelAction::skip, CancelReason::superuser), settings()));
  EXPECT_FALSE(event_from(record_for(1, CancelAction::skip, CancelReason::rate_limited), settings()));
}

TEST(AlertEvents, ATruncatedQuerySaysSo) {
  auto record = record_for(1);
  record.decision.session.query_truncated = true;
  EXPECT_EQ(event_from(record, settings())->annotations.at("query"), "SELECT pg_sleep(600)…");
}

}  // namespace
}  // namespace pgvigil::alerts
