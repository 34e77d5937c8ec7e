#include "http/queries_endpoint.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "member_builders.h"
#include "router_replies.h"
#include "statement_history_builders.h"

namespace pgvigil::http {
namespace {

using queries::test::recorded;
using queries::test::reported;

health::ClusterSnapshot cluster(std::string name, std::vector<std::string> members) {
  health::ClusterSnapshot c;
  c.name = std::move(name);
  for (auto& m : members) c.members.push_back(builders::healthy_member(std::move(m), health::MemberRole::primary));
  return c;
}

class QueriesEndpointTest : public ::testing::Test {
 protected:
  QueriesEndpointTest() {
    auto snapshot = std::make_shared<health::Snapshot>();
    snapshot->clusters = builders::shared({cluster("main", {"db1", "db2"}), cluster("edge", {"e1"})});
    auto history = std::make_shared<queries::IntervalHistory>();
    // Newest first in each cluster, as the journal keeps them; "gone" was removed by a reload.
    auto with = [](std::vector<std::shared_ptr<const queries::RecordedInterval>> intervals) {
      auto cluster = std::make_shared<queries::ClusterStatementHistory>();
      cluster->intervals = std::move(intervals);
      return cluster;
    };
    history->clusters["main"] = with({recorded("main", "db2", 40, {reported(7, 900, true, true)}),
                                      recorded("main", "gone", 35), recorded("main", "db1", 20)});
    history->clusters["edge"] = with({recorded("edge", "e1", 30)});
    history->clusters["removed"] = with({recorded("removed", "x", 50)});
    snapshot->statements = std::move(history);
    snapshot_ = std::move(snapshot);
    hooks_.snapshot = [this] { return snapshot_; };
  }

  Response get(std::map<std::string, std::string> query, std::string method = "GET") const {
    return route(Request{std::move(method), "/queries", std::move(query), {}}, hooks_);
  }

  static std::vector<std::string> members(const Response& r) {
    std::vector<std::string> out;
    const auto doc = body(r);
    for (const auto& interval : doc["intervals"]) out.push_back(interval["member"]);
    return out;
  }

  health::SnapshotPtr snapshot_;
  Hooks hooks_;
};

TEST_F(QueriesEndpointTest, EveryConfiguredClusterNewestFirst) {
  const Response r = get({});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, kJsonContentType);
  EXPECT_EQ(members(r), (std::vector<std::string>{"db2", "e1", "db1"}));
  const auto doc = body(r);
  EXPECT_TRUE(doc["cluster"].is_null());
  EXPECT_EQ(doc["count"], 3);
  const auto& statement = doc["intervals"][0]["statements"][0];
  EXPECT_EQ(statement["queryid"], "7");
  EXPECT_EQ(statement["slow"], true);
  EXPECT_EQ(statement["query"], "SELECT 7");
  EXPECT_EQ(doc["intervals"][0]["end"], "2024-12-18T00:00:40.000Z");
}

TEST_F(QueriesEndpointTest, OneClusterOneMemberAndALimit) {
  EXPECT_EQ(members(get({{"cluster", "main"}})), (std::vector<std::string>{"db2", "db1"}));
  EXPECT_EQ(members(get({{"cluster", "main"}, {"limit", "1"}})), std::vector<std::string>{"db2"});
  EXPECT_EQ(members(get({{"cluster", "main"}, {"member", "db1"}})), std::vector<std::string>{"db1"});
  EXPECT_EQ(body(get({{"cluster", "main"}}))["cluster"], "main");
  EXPECT_EQ(members(get({{"limit", "99999999999999999999999"}})).size(), 3u) << "a huge limit is every interval";
}

TEST_F(QueriesEndpointTest, BadParametersAreRefused) {
  expect_error(get({{"cluster", "nope"}}), 404);
  expect_error(get({{"cluster", "removed"}}), 404);
  expect_error(get({{"cluster", "main"}, {"member", "e1"}}), 404);
  expect_error(get({{"member", "db1"}}), 400);
  for (const char* limit : {"0", "-1", "", "ten", "1.5", " 2"}) {
    SCOPED_TRACE(limit);
    expect_error(get({{"limit", limit}}), 400);
  }
}

TEST_F(QueriesEndpointTest, HeadAnswersLikeGetWithoutABody) {
  const Response r = get({{"cluster", "main"}}, "HEAD");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(get({{"cluster", "nope"}}, "HEAD").status, 404);
  EXPECT_EQ(get({}, "POST").status, 405);
}

TEST_F(QueriesEndpointTest, WithoutAHistoryTheListIsEmpty) {
  auto bare = std::make_shared<health::Snapshot>();
  bare->clusters = {builders::shared(cluster("main", {"db1"}))};
  snapshot_ = std::move(bare);
  const Response r = get({{"cluster", "main"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body(r)["count"], 0);
  EXPECT_TRUE(body(r)["intervals"].empty());
}

}  // namespace
}  // namespace pgvigil::http
