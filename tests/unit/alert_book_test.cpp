// The alert state machine with explicit times: pending → firing after `for`, resolving,
// flapping, dedup by labels, the resend schedule and one-shot events.
#include "alerts/alert_book.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pgvigil::alerts {
namespace {

using namespace std::chrono_literals;

// 2024-05-01T12:00:00Z
const WallTime kT0 = WallTime{} + std::chrono::seconds(1714564800);

AlertCondition condition(std::string alertname = "PgvigilReplicationLag", std::string severity = "warning",
                         int for_cycles = 1, Duration cycle = 5s) {
  AlertCondition c;
  c.labels = {{"alertname", std::move(alertname)}, {"severity", std::move(severity)}, {"cluster", "main"},
              {"member", "db2"}};
  c.annotations = {{"summary", "replication_lag on main/db2"}, {"description", "behind"}};
  c.for_cycles = for_cycles;
  c.cycle = cycle;
  c.generator_url = "http://127.0.0.1:9188/clusters/main";
  return c;
}

AlertCondition event_condition(WallTime at) {
  AlertCondition c = condition("PgvigilSessionCancelled", "warning");
  c.kind = ConditionKind::event;
  c.at = at;
  return c;
}

struct FiringCase {
  const char* name = "";
  int for_cycles = 1;
  Duration cycle{};
  std::vector<Duration> sightings{};  // evaluate() times, after kT0, with the condition present
  std::optional<Duration> fires_at{};
};

class AlertBookFiring : public ::testing::TestWithParam<FiringCase> {};

TEST_P(AlertBookFiring, FiresAfterForCyclesOfContinuousPresence) {
  const FiringCase& c = GetParam();
  AlertBook book(1min);
  std::optional<Duration> fired;
  for (const auto offset : c.sightings) {
    const auto notices = book.evaluate({condition("PgvigilX", "warning", c.for_cycles, c.cycle)}, kT0 + offset);
    if (notices.empty()) continue;
    ASSERT_FALSE(fired) << "a firing alert must not be notified again";
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_EQ(notices[0].status, NoticeStatus::firing);
    EXPECT_EQ(notices[0].starts_at, kT0 + offset);
    EXPECT_EQ(notices[0].ends_at, kT0 + offset + 3min);
    fired = offset;
  }
  EXPECT_EQ(fired, c.fires_at);
  const auto active = book.active();
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].state, c.fires_at ? AlertState::firing : AlertState::pending);
  EXPECT_EQ(active[0].since, kT0 + c.sightings.front());
}

INSTANTIATE_TEST_SUITE_P(
    Table, AlertBookFiring,
    ::testing::Values(
        FiringCase{"for1_on_first_sight", 1, 5s, {0s}, 0s},
        FiringCase{"for1_stays_firing", 1, 5s, {0s, 5s, 10s}, 0s},
        FiringCase{"for3_at_the_third_cycle", 3, 5s, {0s, 5s, 10s, 15s}, 10s},
        FiringCase{"for3_pending_after_two", 3, 5s, {0s, 5s}, std::nullopt},
        FiringCase{"for3_a_little_early_counts", 3, 5s, {0s, 5s, 9500ms}, 9500ms},
        FiringCase{"for3_too_early_waits_a_cycle", 3, 5s, {0s, 4s, 9400ms, 14400ms}, 14400ms},
        FiringCase{"for2_with_30s_cycles", 2, 30s, {0s, 30s}, 30s},
        FiringCase{"for2_evaluated_more_often_than_cycles", 2, 30s, {0s, 10s, 20s, 26999ms, 27s}, 27s}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(AlertBook, AFlappingConditionStartsOverAndNeverFiresEarly) {
  AlertBook book(1min);
  const auto flapping = condition("PgvigilX", "warning", 3, 5s);
  EXPECT_TRUE(book.evaluate({flapping}, kT0).empty());
  EXPECT_TRUE(book.evaluate({flapping}, kT0 + 5s).empty());
  EXPECT_TRUE(book.evaluate({}, kT0 + 10s).empty()) << "a pending alert leaves silently";
  EXPECT_EQ(book.size(), 0u);
  EXPECT_TRUE(book.evaluate({flapping}, kT0 + 15s).empty());
  EXPECT_TRUE(book.evaluate({flapping}, kT0 + 20s).empty()) << "pending since 15s, not since 0s";
  const auto notices = book.evaluate({flapping}, kT0 + 25s);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].starts_at, kT0 + 25s);
}

TEST(AlertBook, AFiringAlertWhoseConditionIsGoneResolvesAndLeaves) {
  AlertBook book(1min);
  ASSERT_EQ(book.evaluate({condition()}, kT0).size(), 1u);
  const auto notices = book.evaluate({}, kT0 + 5s);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].status, NoticeStatus::resolved);
  EXPECT_EQ(notices[0].starts_at, kT0);
  EXPECT_EQ(notices[0].ends_at, kT0 + 5s);
  EXPECT_EQ(notices[0].fingerprint, fingerprint(condition().labels));
  EXPECT_EQ(notices[0].labels, condition().labels);
  EXPECT_EQ(book.size(), 0u);
  EXPECT_TRUE(book.evaluate({}, kT0 + 10s).empty()) << "resolved once only";
  EXPECT_TRUE(book.due_resends(kT0 + 10min, 1min).empty());
}

TEST(AlertBook, IdenticalLabelSetsAreOneAlert) {
  AlertBook book(1min);
  auto other_words = condition();
  other_words.annotations["description"] = "said differently";
  const auto notices = book.evaluate({condition(), other_words}, kT0);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].annotations.at("description"), "behind") << "the first of identical label sets wins";
  EXPECT_EQ(book.size(), 1u);
  EXPECT_TRUE(book.evaluate({condition()}, kT0 + 5s).empty()) << "still the same alert, already firing";
}

TEST(AlertBook, ChangedAnnotationsRefreshTheAlertWithoutMakingANewOne) {
  AlertBook book(1min);
  ASSERT_EQ(book.evaluate({condition()}, kT0).size(), 1u);
  auto worse = condition();
  worse.annotations["description"] = "further behind";
  EXPECT_TRUE(book.evaluate({worse}, kT0 + 5s).empty());
  const auto active = book.active();
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].annotations.at("description"), "further behind");
  EXPECT_EQ(active[0].firing_since, kT0);
  const auto resends = book.due_resends(kT0 + 5s, 1min);
  ASSERT_EQ(resends.size(), 1u) << "never marked sent";
  EXPECT_EQ(resends[0].annotations.at("description"), "further behind");
  EXPECT_EQ(resends[0].starts_at, kT0);
}

TEST(AlertBook, ASeverityChangeIsANewAlertAndTheOldOneResolves) {
  AlertBook book(1min);
  ASSERT_EQ(book.evaluate({condition("PgvigilX", "warning")}, kT0).size(), 1u);
  const auto notices = book.evaluate({condition("PgvigilX", "critical")}, kT0 + 5s);
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(notices[0].status, NoticeStatus::firing);
  EXPECT_EQ(notices[0].labels.at("severity"), "critical");
  EXPECT_EQ(notices[1].status, NoticeStatus::resolved);
  EXPECT_EQ(notices[1].labels.at("severity"), "warning");
}

TEST(AlertBook, FiringAlertsAreResentEveryResendInterval) {
  AlertBook book(1min);
  auto fired = book.evaluate({condition()}, kT0);
  ASSERT_EQ(fired.size(), 1u);
  book.mark_sent(fired[0].fingerprint, kT0);
  struct Step {
    Duration at{};
    bool due = false;
  };
  for (const Step step : {Step{5s, false}, Step{59999ms, false}, Step{60s, true}, Step{61s, false},
                          Step{119s, false}, Step{120s, true}, Step{150s, false}}) {
    SCOPED_TRACE(step.at.count());
    book.evaluate({condition()}, kT0 + step.at);
    const auto due = book.due_resends(kT0 + step.at, 1min);
    ASSERT_EQ(due.size(), step.due ? 1u : 0u);
    if (!step.due) continue;
    EXPECT_EQ(due[0].status, NoticeStatus::firing);
    EXPECT_EQ(due[0].starts_at, kT0);
    EXPECT_EQ(due[0].ends_at, kT0 + step.at + 3min);
    book.mark_sent(due[0].fingerprint, kT0 + step.at);
    EXPECT_EQ(book.active()[0].last_sent, kT0 + step.at);
  }
}

TEST(AlertBook, PendingAlertsAreNeverResent) {
  AlertBook book(1min);
  book.evaluate({condition("PgvigilX", "warning", 3, 5s)}, kT0);
  EXPECT_TRUE(book.due_resends(kT0 + 1h, 1min).empty());
  book.mark_sent(fingerprint(condition("PgvigilX").labels), kT0);
  EXPECT_FALSE(book.active()[0].last_sent) << "only firing alerts are sent";
}

TEST(AlertBook, AFiringAlertNeverMarkedSentIsDue) {
  AlertBook book(1min);
  book.evaluate({condition()}, kT0);
  EXPECT_EQ(book.due_resends(kT0, 1min).size(), 1u);
}

TEST(AlertBook, ANewResendIntervalAppliesToExpiries) {
  AlertBook book(1min);
  book.set_resend_interval(2min);
  const auto fired = book.evaluate({condition()}, kT0);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].ends_at, kT0 + 6min);
  book.mark_sent(fired[0].fingerprint, kT0);
  EXPECT_TRUE(book.due_resends(kT0 + 90s).empty());
  EXPECT_EQ(book.due_resends(kT0 + 2min).size(), 1u);
}

TEST(AlertBook, EventsFireOnceAndAreNeitherKeptResentNorResolved) {
  AlertBook book(1min);
  const WallTime at = kT0 - 2s;
  const auto notices = book.evaluate({event_condition(at)}, kT0);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].status, NoticeStatus::firing);
  EXPECT_EQ(notices[0].starts_at, at);
  EXPECT_EQ(notices[0].ends_at, at + 3min);
  EXPECT_EQ(book.size(), 0u);
  EXPECT_TRUE(book.evaluate({}, kT0 + 5s).empty());
  EXPECT_TRUE(book.due_resends(kT0 + 10min, 1min).empty());
}

TEST(AlertBook, NoticesComeFiringFirstThenEventsThenResolved) {
  AlertBook book(1min);
  book.evaluate({condition("PgvigilOld")}, kT0);
  const auto notices = book.evaluate({event_condition(kT0), condition("PgvigilNew")}, kT0 + 5s);
  ASSERT_EQ(notices.size(), 3u);
  EXPECT_EQ(notices[0].labels.at("alertname"), "PgvigilNew");
  EXPECT_EQ(notices[1].labels.at("alertname"), "PgvigilSessionCancelled");
  EXPECT_EQ(notices[2].labels.at("alertname"), "PgvigilOld");
  EXPECT_EQ(notices[2].status, NoticeStatus::resolved);
}

TEST(AlertBook, FiringCountIsBySeverityAndLeavesPendingOut) {
  AlertBook book(1min);
  book.evaluate({condition("PgvigilA", "critical"), condition("PgvigilB", "critical"), condition("PgvigilC", "warning"),
                 condition("PgvigilD", "warning", 3, 5s), condition("PgvigilE", "info")},
                kT0);
  EXPECT_EQ(book.firing_count(AlertSeverity::critical), 2u);
  EXPECT_EQ(book.firing_count(AlertSeverity::warning), 1u);
  EXPECT_EQ(book.firing_count(AlertSeverity::info), 1u);
  EXPECT_EQ(book.size(), 5u);
}

TEST(AlertBook, ActiveListsPendingAndFiringWithTheirTimes) {
  AlertBook book(1min);
  book.evaluate({condition("PgvigilA"), condition("PgvigilB", "warning", 3, 5s)}, kT0);
  const auto active = book.active();
  ASSERT_EQ(active.size(), 2u);
  for (const auto& alert : active) {
    SCOPED_TRACE(alert.labels.at("alertname"));
    EXPECT_EQ(alert.fingerprint, fingerprint(alert.labels));
    EXPECT_EQ(alert.since, kT0);
    EXPECT_EQ(alert.generator_url, "http://127.0.0.1:9188/clusters/main");
    const bool firing = alert.labels.at("alertname") == "PgvigilA";
    EXPECT_EQ(alert.state, firing ? AlertState::firing : AlertState::pending);
    EXPECT_EQ(alert.firing_since.has_value(), firing);
    EXPECT_EQ(to_string(alert.state), firing ? "firing" : "pending");
  }
}

}  // namespace
}  // namespace pgvigil::alerts
