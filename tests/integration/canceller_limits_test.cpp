// The canceller's bounds and context: the per-cluster rate limit under a crowd of runaways, and
// the lock-wait tree recorded with a terminated lock holder.
#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "canceller_fixture.h"

namespace pgvigil::acceptance {
namespace {

class CancellerLimits : public CancellerFixture {};

TEST_F(CancellerLimits, TwentyRunawaysGetNoMoreAttemptsThanTheRateLimit) {
  constexpr int kRunaways = 20;
  constexpr int kLimit = 5;
  TempDir dir;
  DaemonUnderTest daemon(dir, canceller_config("enforce", kLimit));
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();

  std::vector<PgSession*> runaways;
  for (int i = 0; i < kRunaways; ++i) runaways.push_back(&open(PgCluster::kPrimary, "app", "canceller-test"));
  for (auto* session : runaways) session->send("SELECT pg_sleep(600)");
  const auto started = std::chrono::steady_clock::now();

  // Every runaway gets its one record: an attempt, or a skip because the limit was reached.
  Json document;
  testing::poll_until(
      [&] {
        document = actions(daemon);
        return std::ranges::all_of(runaways, [&](auto* s) { return records_for(document, "primary", s->backend_pid()) > 0; });
      },
      kLongWait, 100ms);
  // A few more polls (well inside the minute) must not add attempts.
  std::this_thread::sleep_for(1s);
  document = actions(daemon);
  ASSERT_LT(seconds_since(started), 50.0) << "the check must happen inside the first minute";

  const auto tried = attempts(document);
  int rate_limited = 0;
  for (auto* session : runaways) {
    if (skip_reason(document, "primary", session->backend_pid()) == "rate_limited") ++rate_limited;
  }
  EXPECT_EQ(tried.size(), static_cast<std::size_t>(kLimit)) << dump(document);
  EXPECT_EQ(rate_limited, kRunaways - kLimit) << dump(document);
  for (auto* session : runaways) {
    EXPECT_EQ(records_for(document, "primary", session->backend_pid()), 1u) << "pid " << session->backend_pid() << " recorded again";
  }

  int cancelled = 0;
  int running = 0;
  for (auto* session : runaways) {
    const auto end = session->wait_end(0ms);
    if (end && end->cancelled()) ++cancelled;
    if (!end) ++running;
  }
  EXPECT_EQ(cancelled, kLimit);
  EXPECT_EQ(running, kRunaways - kLimit);
  const std::string metrics = daemon.get("/metrics").body;
  EXPECT_NE(metrics.find("pgvigil_session_actions_total{cluster=\"c\",action=\"skip\",mode=\"enforce\","
                         "reason=\"rate_limited\"} 15"),
            std::string::npos)
      << metrics;
}


// Incident context: the lock holder terminated for idling in its transaction is recorded with
// the queue it held up, two levels deep (the second waiter queues behind the first).
TEST_F(CancellerLimits, ATerminatedLockHolderIsRecordedWithTheSessionsItBlocked) {
  TempDir dir;
  DaemonUnderTest daemon(dir, canceller_config("enforce"));
  ASSERT_TRUE(daemon.wait_ready()) << daemon.log();

  auto& holder = open(PgCluster::kPrimary, "app", "canceller-test");
  auto& first = open(PgCluster::kPrimary, "app", "canceller-test");
  auto& second = open(PgCluster::kPrimary, "app", "canceller-test");
  const int holder_pid = holder.backend_pid();
  const int first_pid = first.backend_pid();
  const int second_pid = second.backend_pid();
  holder.exec("BEGIN; UPDATE lock_target SET v = v + 1 WHERE id = 1");
  first.send("UPDATE lock_target SET v = v + 1 WHERE id = 1");
  ASSERT_TRUE(testing::poll_until(
      [&] { return scalar(PgCluster::kPrimary, "SELECT wait_event_type FROM pg_stat_activity WHERE pid = " +
                                                   std::to_string(first_pid)) == "Lock"; },
      5s));
  second.send("UPDATE lock_target SET v = v + 1 WHERE id = 1");

  Json record;
  testing::poll_until(
      [&] {
        const Json document = actions(daemon);
        if (!document.is_object()) return false;
        for (const auto& a : document["actions"]) {
          if (a["pid"] == holder_pid && a["action"] == "terminate") record = a;
        }
        return record.is_object();
      },
      kLongWait, 100ms);
  ASSERT_TRUE(record.is_object()) << "the idle lock holder was never terminated\n" << daemon.log();
  EXPECT_EQ(record["reason"], "max_idle_in_transaction");
  EXPECT_EQ(record["signal"]["result"], true);
  EXPECT_NE(std::ranges::find(record["blocks"], Json(first_pid)), record["blocks"].end()) << record.dump(2);

  std::map<int, Json> tree;
  for (const auto& node : record["blocking_tree"]["sessions"]) tree[node["pid"].get<int>()] = node;
  ASSERT_EQ(tree.size(), 3u) << record.dump(2);
  EXPECT_EQ(tree[holder_pid]["depth"], 0);
  EXPECT_EQ(tree[holder_pid]["state"], "idle in transaction");
  EXPECT_EQ(tree[first_pid]["depth"], 1);
  EXPECT_EQ(tree[first_pid]["wait_event_type"], "Lock");
  EXPECT_EQ(tree[first_pid]["query"], "UPDATE lock_target SET v = v + 1 WHERE id = 1");
  EXPECT_NE(std::ranges::find(tree[first_pid]["blocked_by"], Json(holder_pid)), tree[first_pid]["blocked_by"].end())
      << record.dump(2);
  EXPECT_EQ(tree[second_pid]["depth"], 2) << "queued behind the first waiter, not the holder\n" << record.dump(2);
  EXPECT_EQ(record["blocking_tree"]["truncated"], false);

  // With the holder gone the first waiter gets the row, and the second the row after it.
  const auto first_end = first.wait_end(5s);
  ASSERT_TRUE(first_end.has_value());
  EXPECT_EQ(first_end->sqlstate, "") << first_end->message;
}


}  // namespace
}  // namespace pgvigil::acceptance
