// GET /actions through route(): newest first, the limit and its errors, HEAD, and the answer
// before any canceller ran. Also the counter family the same history feeds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "action_builders.h"
#include "exposition_lines.h"
#include "http/router.h"
#include "metrics/metrics_endpoint.h"
#include "queries/action_journal.h"
#include "router_replies.h"

namespace pgvigil::http {
namespace {

using queries::ActionJournal;
using queries::CancelAction;
using queries::CancelReason;
using testing::Contains;

class ActionsEndpointTest : public ::testing::Test {
 protected:
  // A snapshot whose history holds `count` records, pids 1..count, recorded in that order.
  health::SnapshotPtr snapshot_with(int count, std::size_t capacity = ActionJournal::kDefaultCapacity) {
    ActionJournal journal("", clock_, {}, capacity);
    for (int pid = 1; pid <= count; ++pid) journal.record({queries::record_for(pid)});
    auto snapshot = std::make_shared<health::Snapshot>();
    snapshot->taken_at = clock_.wall_now();
    snapshot->actions = journal.history();
    return snapshot;
  }

  Response get(const health::SnapshotPtr& snapshot, std::map<std::string, std::string> query = {},
               std::string method = "GET") {
    Hooks hooks;
    hooks.snapshot = [snapshot] { return snapshot; };
    return route(Request{std::move(method), "/actions", std::move(query), {}}, hooks);
  }

  ManualClock clock_;
};

std::vector<int> pids_in(const Response& r) {
  std::vector<int> pids;
  const nlohmann::json document = body(r);
  for (const auto& a : document["actions"]) pids.push_back(a["pid"].get<int>());
  return pids;
}

TEST_F(ActionsEndpointTest, NewestFirstWithTheTotals) {
  const Response r = get(snapshot_with(3));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, kJsonContentType);
  EXPECT_EQ(pids_in(r), (std::vector<int>{3, 2, 1}));
  EXPECT_EQ(body(r)["count"], 3);
  EXPECT_EQ(body(r)["recorded"], 3);
  EXPECT_EQ(body(r)["capacity"], 1000);
  EXPECT_EQ(body(r)["actions"][0]["action"], "cancel");
}

TEST_F(ActionsEndpointTest, DefaultLimitIsAHundred) {
  const Response r = get(snapshot_with(120));
  EXPECT_EQ(body(r)["count"], 100);
  const auto pids = pids_in(r);
  ASSERT_EQ(pids.size(), 100u);
  EXPECT_EQ(pids.front(), 120);
  EXPECT_EQ(pids.back(), 21);
}

TEST_F(ActionsEndpointTest, LimitPicksTheNewestAndIsCappedAtWhatIsKept) {
  EXPECT_EQ(pids_in(get(snapshot_with(5), {{"limit", "2"}})), (std::vector<int>{5, 4}));
  const Response capped = get(snapshot_with(12, 10), {{"limit", "50"}});
  ASSERT_EQ(capped.status, 200);
  EXPECT_EQ(body(capped)["count"], 10);
  EXPECT_EQ(body(capped)["recorded"], 12);
  const Response huge = get(snapshot_with(3), {{"limit", "99999999999999999999999"}});
  ASSERT_EQ(huge.status, 200) << huge.body;
  EXPECT_EQ(body(huge)["count"], 3);
}

TEST_F(ActionsEndpointTest, ABadLimitIsA400) {
  const auto snapshot = snapshot_with(1);
  for (const char* bad : {"", "0", "-1", "ten", "5x", " 5", "1.5"}) {
    SCOPED_TRACE(bad);
    expect_error(get(snapshot, {{"limit", bad}}), 400);
  }
}

TEST_F(ActionsEndpointTest, HeadAnswersLikeGetWithoutABody) {
  const Response r = get(snapshot_with(2), {}, "HEAD");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  expect_error(get(snapshot_with(2), {}, "POST"), 405);
}

TEST_F(ActionsEndpointTest, WithoutACancellerTheListIsEmpty) {
  const Response none = get(std::make_shared<health::Snapshot>());
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(body(none)["actions"], nlohmann::json::array());
  EXPECT_EQ(body(none)["count"], 0);
  Hooks no_snapshot;
  EXPECT_EQ(route(Request{"GET", "/actions", {}, {}}, no_snapshot).status, 200);
}

TEST_F(ActionsEndpointTest, TheCounterFamilyComesFromTheSameHistory) {
  ActionJournal journal("", clock_);
  journal.record({queries::record_for(1), queries::record_for(2)});
  journal.record({queries::record_for(3, CancelAction::skip, CancelReason::rate_limited, config::CancelMode::dry_run)});
  auto snapshot = std::make_shared<health::Snapshot>();
  snapshot->taken_at = clock_.wall_now();
  snapshot->actions = journal.history();
  metrics::MetricsEndpoint endpoint([snapshot] { return snapshot; }, clock_);
  const auto lines = metrics::lines_of(endpoint.render());
  EXPECT_THAT(lines, Contains("# TYPE pgvigil_session_actions_total counter"));
  EXPECT_THAT(lines, Contains("pgvigil_session_actions_total{cluster=\"main\",action=\"cancel\",mode=\"enforce\","
                              "reason=\"max_query_duration\"} 2"));
  EXPECT_THAT(lines, Contains("pgvigil_session_actions_total{cluster=\"main\",action=\"skip\",mode=\"dry_run\","
                              "reason=\"rate_limited\"} 1"));
}

}  // namespace
}  // namespace pgvigil::http
