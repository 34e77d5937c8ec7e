// The load-balancer probe endpoints, through route(), over a snapshot with members in every
// state the probes tell apart.
#include "http/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "member_builders.h"
#include "router_replies.h"

namespace pgvigil::http {
namespace {

using namespace pgvigil::builders;

using health::MemberRole;
using health::Severity;
using health::Status;
using nlohmann::json;

constexpr double kMiB = 1024.0 * 1024.0;


// main: a healthy primary and replicas in every state a replica probe distinguishes.
health::ClusterSnapshot main_cluster() {
  health::ClusterSnapshot c;
  c.name = "main";
  c.status = Status::degraded;
  c.primary = "db1";
  auto degraded = healthy_member("db2", MemberRole::replica);
  degraded.status = Status::degraded;
  degraded.reasons = {described_reason("connections", Severity::warning)};
  auto lagging = healthy_member("db3", MemberRole::replica);
  lagging.status = Status::degraded;
  lagging.replication.lag_seconds = 30;
  lagging.reasons = {described_reason("replication_lag", Severity::warning)};
  auto not_streaming = healthy_member("db4", MemberRole::replica);
  not_streaming.replication.streaming = false;
  auto down = healthy_member("db5", MemberRole::replica);
  down.reachable = false;
  down.status = Status::unhealthy;
  down.error = "connection refused";
  down.reasons = {described_reason("unreachable", Severity::critical)};
  c.members = {healthy_member("db1", MemberRole::primary), degraded, lagging, not_streaming, down};
  return c;
}

// split: db2 was promoted (timeline 2) while db1 still runs as a primary on timeline 1.
health::ClusterSnapshot split_cluster() {
  health::ClusterSnapshot c;
  c.name = "split";
  c.status = Status::unhealthy;
  c.split_brain = true;
  c.primary = "db2";
  c.reasons = {described_reason("split_brain", Severity::critical)};
  auto old_primary = healthy_member("db1", MemberRole::primary, 1);
  old_primary.fenced = true;
  c.members = {old_primary, healthy_member("db2", MemberRole::primary, 2)};
  return c;
}

// tie: two primaries on the same timeline; neither is taken as the primary.
health::ClusterSnapshot tie_cluster() {
  health::ClusterSnapshot c = split_cluster();
  c.name = "tie";
  c.primary.reset();
  c.members[1].timeline = 1;
  c.members[1].fenced = true;
  return c;
}

health::SnapshotPtr healthy_snapshot() {
  auto s = std::make_shared<health::Snapshot>();
  s->version = "0.1.0";
  s->ready = true;
  s->clusters = {shared(main_cluster())};
  return s;
}

health::SnapshotPtr troubled_snapshot() {
  auto s = std::make_shared<health::Snapshot>(*healthy_snapshot());
  s->clusters.push_back(shared(split_cluster()));
  s->clusters.push_back(shared(tie_cluster()));
  return s;
}

class HttpRouterProbes : public ::testing::Test {
 protected:
  HttpRouterProbes() { hooks_.snapshot = [this] { return snapshot_; }; }

  Response get(std::string path, std::map<std::string, std::string> query = {}) {
    return route({"GET", std::move(path), std::move(query), {}}, hooks_);
  }

  health::SnapshotPtr snapshot_ = troubled_snapshot();
  Hooks hooks_;
};

TEST_F(HttpRouterProbes, ClusterPrimaryAnswersWithThePrimarysJson) {
  const Response r = get("/clusters/main/primary");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(body(r)["name"], "db1");
  EXPECT_EQ(body(r)["role"], "primary");
}

TEST_F(HttpRouterProbes, ClusterWithNoPrimaryAnswers503WithTheClusterAndWhy) {
  auto s = std::make_shared<health::Snapshot>(*healthy_snapshot());
  health::ClusterSnapshot main = main_cluster();
  main.primary.reset();
  main.status = Status::unhealthy;
  main.reasons = {described_reason("no_primary", Severity::critical)};
  s->clusters = {shared(std::move(main))};
  snapshot_ = s;
  const Response r = get("/clusters/main/primary");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(body(r)["why"], "no primary");
  EXPECT_EQ(body(r)["reasons"][0]["check"], "no_primary");
  expect_error(get("/clusters/nope/primary"), 404);
}

TEST_F(HttpRouterProbes, MemberPrimary) {
  EXPECT_EQ(get("/clusters/main/members/db1/primary").status, 200);
  const Response replica = get("/clusters/main/members/db2/primary");
  EXPECT_EQ(replica.status, 503);
  EXPECT_EQ(body(replica)["name"], "db2");
  EXPECT_EQ(body(replica)["why"], "not the primary (db1 is)");
  expect_error(get("/clusters/main/members/db9/primary"), 404);
  expect_error(get("/clusters/nope/members/db1/primary"), 404);
}

TEST_F(HttpRouterProbes, SplitBrainOnlyTheHighestTimelineIsPrimary) {
  EXPECT_EQ(get("/clusters/split/members/db2/primary").status, 200);
  const Response fenced = get("/clusters/split/members/db1/primary");
  EXPECT_EQ(fenced.status, 503);
  EXPECT_EQ(body(fenced)["why"], "fenced in a split brain");
  EXPECT_EQ(body(fenced)["fenced"], true);
  EXPECT_EQ(body(get("/clusters/split/primary"))["name"], "db2");
}

TEST_F(HttpRouterProbes, SplitBrainOnATimelineTieHasNoPrimary) {
  EXPECT_EQ(get("/clusters/tie/members/db1/primary").status, 503);
  EXPECT_EQ(get("/clusters/tie/members/db2/primary").status, 503);
  const Response cluster = get("/clusters/tie/primary");
  EXPECT_EQ(cluster.status, 503);
  EXPECT_EQ(body(cluster)["why"], "split brain with no clear primary (timeline tie)");
}

TEST_F(HttpRouterProbes, DegradedReplicaWithinLagIs200AndShowsItsReasons) {
  const Response r = get("/clusters/main/members/db2/replica");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(body(r)["status"], "degraded");
  EXPECT_EQ(body(r)["reasons"][0]["check"], "connections");
  EXPECT_FALSE(body(r).contains("why"));
}

TEST_F(HttpRouterProbes, ReplicaProbeFailures) {
  const Response lagging = get("/clusters/main/members/db3/replica");
  EXPECT_EQ(lagging.status, 503);
  EXPECT_EQ(body(lagging)["why"], "lag 30s exceeds 10s");
  EXPECT_EQ(body(lagging)["reasons"][0]["check"], "replication_lag");
  EXPECT_EQ(body(get("/clusters/main/members/db4/replica"))["why"], "not streaming");
  const Response down = get("/clusters/main/members/db5/replica");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(body(down)["why"], "unreachable");
  EXPECT_EQ(body(down)["error"], "connection refused");
  EXPECT_EQ(body(get("/clusters/main/members/db1/replica"))["why"], "not a replica (role primary)");
  expect_error(get("/clusters/main/members/db9/replica"), 404);
}

TEST_F(HttpRouterProbes, ReplicaLagLimitsFromTheQuery) {
  EXPECT_EQ(get("/clusters/main/members/db3/replica", {{"max_lag_s", "60"}}).status, 200);
  EXPECT_EQ(get("/clusters/main/members/db3/replica", {{"max_lag_s", "1m"}}).status, 200);
  EXPECT_EQ(get("/clusters/main/members/db3/replica", {{"max_lag_s", "29.5"}}).status, 503);
  const Response bytes = get("/clusters/main/members/db2/replica", {{"max_lag", "1kB"}});
  EXPECT_EQ(bytes.status, 503);
  EXPECT_EQ(body(bytes)["why"], "lag 4kB exceeds 1kB");
  EXPECT_EQ(get("/clusters/main/members/db2/replica", {{"max_lag", "4096"}}).status, 200);
  EXPECT_EQ(get("/clusters/main/members/db2/replica", {{"max_lag", "4095"}}).status, 503);
}

TEST_F(HttpRouterProbes, ReplicaLagLimitsDefaultToTheClusters) {
  auto s = std::make_shared<health::Snapshot>(*healthy_snapshot());
  s->probe_defaults = std::make_shared<const health::ProbeDefaultsByCluster>(
      health::ProbeDefaultsByCluster{{"main", {60, 16 * kMiB}}});
  snapshot_ = s;
  EXPECT_EQ(get("/clusters/main/members/db3/replica").status, 200);
  EXPECT_EQ(get("/clusters/main/members/db3/replica", {{"max_lag_s", "10"}}).status, 503) << "the query wins";
}

TEST_F(HttpRouterProbes, BadLagLimitsAre400) {
  for (const auto& [name, value] : std::map<std::string, std::string>{{"max_lag", "lots"}, {"max_lag_s", "-1"}}) {
    const Response r = get("/clusters/main/members/db2/replica", {{name, value}});
    expect_error(r, 400);
    EXPECT_NE(body(r)["error"].get<std::string>().find(name), std::string::npos);
  }
}

}  // namespace
}  // namespace pgvigil::http
