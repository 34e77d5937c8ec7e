// route() as a whole: which path reaches which endpoint, status codes of the daemon-wide
// endpoints, HEAD, 404/405 and the admin token rules. The probe endpoints' own rules are in
// http_router_probes_test.cpp.
#include "http/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "member_builders.h"
#include "router_replies.h"

namespace pgvigil::http {
namespace {

using namespace pgvigil::builders;

using health::MemberRole;
using health::Status;
using nlohmann::json;

health::ClusterSnapshot cluster(std::string name, Status status, std::optional<std::string> primary) {
  health::ClusterSnapshot c;
  c.name = std::move(name);
  c.status = status;
  c.primary = std::move(primary);
  c.members = {healthy_member("db1", MemberRole::primary), healthy_member("db2", MemberRole::replica)};
  return c;
}

// main is degraded but serving; with troubled_snapshot(), broken has lost its primary.
health::SnapshotPtr healthy_snapshot() {
  auto s = std::make_shared<health::Snapshot>();
  s->version = "0.1.0";
  s->ready = true;
  s->clusters = {shared(cluster("main", Status::degraded, "db1"))};
  return s;
}

health::SnapshotPtr troubled_snapshot() {
  auto s = std::make_shared<health::Snapshot>(*healthy_snapshot());
  health::ClusterSnapshot broken = cluster("broken", Status::unhealthy, std::nullopt);
  broken.members[0].reachable = false;
  broken.reasons = {{"no_primary", health::Severity::critical, "", "", "No reachable primary.", 1}};
  s->clusters.push_back(shared(std::move(broken)));
  return s;
}

class HttpRouter : public ::testing::Test {
 protected:
  HttpRouter() {
    hooks_.snapshot = [this] { return snapshot_; };
    hooks_.metrics_text = [] { return std::string("pgvigil_up 1\n"); };
    hooks_.reload = [this] {
      ++reloads_;
      return reload_result_;
    };
  }

  Response call(std::string method, std::string path, std::map<std::string, std::string> headers = {}) {
    return route({std::move(method), std::move(path), {}, std::move(headers)}, hooks_);
  }
  Response get(std::string path) { return call("GET", std::move(path)); }
  Response reload_with(std::map<std::string, std::string> headers) {
    return call("POST", "/-/reload", std::move(headers));
  }

  health::SnapshotPtr snapshot_ = troubled_snapshot();
  Hooks hooks_;
  int reloads_ = 0;
  std::pair<bool, std::string> reload_result_{true, ""};
};

TEST_F(HttpRouter, HealthIs200WhenNoClusterIsUnhealthy) {
  snapshot_ = healthy_snapshot();
  const Response r = get("/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, kJsonContentType);
  EXPECT_EQ(body(r)["status"], "degraded");
  EXPECT_EQ(body(r)["clusters"][0]["name"], "main");
  EXPECT_FALSE(body(r).contains("why"));
}

TEST_F(HttpRouter, HealthIs503WhenAnyClusterIsUnhealthyAndSaysWhy) {
  const Response r = get("/health");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(body(r)["why"], "unhealthy clusters: broken");
  EXPECT_EQ(body(r)["clusters"][1]["reasons"][0]["check"], "no_primary");
}

TEST_F(HttpRouter, BeforeTheFirstSnapshotNothingIsHealthyOrReady) {
  snapshot_ = nullptr;
  EXPECT_EQ(get("/health").status, 503);
  EXPECT_EQ(get("/readyz").status, 503);
  EXPECT_EQ(get("/livez").status, 200) << "the process is alive";
  expect_error(get("/clusters/main"), 404);
  hooks_.snapshot = nullptr;
  EXPECT_EQ(get("/health").status, 503);
}

TEST_F(HttpRouter, Cluster) {
  EXPECT_EQ(get("/clusters/main").status, 200);
  EXPECT_EQ(body(get("/clusters/main"))["members"].size(), 2u);
  const Response broken = get("/clusters/broken");
  EXPECT_EQ(broken.status, 503);
  EXPECT_EQ(body(broken)["why"], "unhealthy (no_primary)");
  EXPECT_EQ(body(broken)["reasons"][0]["check"], "no_primary");
  expect_error(get("/clusters/nope"), 404);
  EXPECT_NE(get("/clusters/nope").body.find("nope"), std::string::npos);
}

TEST_F(HttpRouter, LivezAndReadyz) {
  EXPECT_EQ(get("/livez").status, 200);
  EXPECT_EQ(get("/readyz").status, 200);
  auto s = std::make_shared<health::Snapshot>(*healthy_snapshot());
  s->live = false;
  s->ready = false;
  snapshot_ = s;
  const Response livez = get("/livez");
  EXPECT_EQ(livez.status, 503);
  EXPECT_FALSE(body(livez)["why"].get<std::string>().empty());
  EXPECT_EQ(get("/readyz").status, 503);
}

TEST_F(HttpRouter, Metrics) {
  const Response r = get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body, "pgvigil_up 1\n");
  hooks_.metrics_text = nullptr;
  expect_error(get("/metrics"), 404);
}

TEST_F(HttpRouter, Stats) {
  const Response r = get("/stats");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(body(r)["clusters"][0]["members"][0]["name"], "db1");
  EXPECT_TRUE(body(r)["clusters"][0]["members"][0].contains("pool"));
}

TEST_F(HttpRouter, HeadAnswersWithTheStatusAndNoBody) {
  for (const char* path : {"/health", "/clusters/main", "/clusters/broken", "/clusters/main/primary",
                           "/clusters/broken/primary", "/clusters/main/members/db1/primary",
                           "/clusters/main/members/db2/primary", "/clusters/main/members/db2/replica",
                           "/clusters/main/members/db1/replica", "/livez", "/readyz", "/metrics", "/stats",
                           "/clusters/nope"}) {
    const Response with_body = call("GET", path);
    const Response head = call("HEAD", path);
    EXPECT_EQ(head.status, with_body.status) << path;
    EXPECT_EQ(head.content_type, with_body.content_type) << path;
    EXPECT_TRUE(head.body.empty()) << path;
    EXPECT_FALSE(with_body.body.empty()) << path;
  }
}

TEST_F(HttpRouter, UnknownPathsAre404) {
  for (const char* path : {"/", "", "/nope", "/health/", "//health", "/clusters", "/clusters/", "/clusters/main/",
                           "/clusters/main/replica", "/clusters/main/members", "/clusters/main/members/db1",
                           "/clusters/main/members//primary", "/clusters/main/members/db1/primary/x", "/-/",
                           "/-/reload/x"}) {
    expect_error(get(path), 404);
  }
}

TEST_F(HttpRouter, WrongMethodsAre405WithAllow) {
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    const Response r = call(method, "/health");
    expect_error(r, 405);
    EXPECT_EQ(r.headers.at("Allow"), "GET, HEAD");
  }
  for (const char* method : {"GET", "HEAD", "PUT"}) {
    const Response r = call(method, "/-/reload");
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(r.headers.at("Allow"), "POST");
  }
  EXPECT_EQ(reloads_, 0);
}

TEST_F(HttpRouter, ReloadIsForbiddenWhenNoTokenIsConfigured) {
  const Response r = reload_with({{"Authorization", "Bearer "}});
  expect_error(r, 403);
  EXPECT_NE(body(r)["error"].get<std::string>().find("admin_token_file"), std::string::npos);
  EXPECT_EQ(reloads_, 0);
}

TEST_F(HttpRouter, ReloadTokenRules) {
  hooks_.admin_token = "s3cret";
  const Response missing = reload_with({});
  expect_error(missing, 401);
  EXPECT_EQ(missing.headers.at("WWW-Authenticate"), "Bearer");
  expect_error(reload_with({{"Authorization", "Basic czNjcmV0"}}), 401);
  expect_error(reload_with({{"Authorization", "Bearer wrong"}}), 403);
  expect_error(reload_with({{"Authorization", "Bearer s3cret\n"}}), 403);
  EXPECT_EQ(reloads_, 0);

  const Response ok = reload_with({{"authorization", "Bearer s3cret"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(body(ok), (json{{"status", "ok"}}));
  EXPECT_EQ(reloads_, 1);
}

TEST_F(HttpRouter, FailedReloadIs500WithTheError) {
  hooks_.admin_token = "s3cret";
  reload_result_ = {false, "pgvigil.yaml:4: unknown key \"intervall\""};
  const Response r = reload_with({{"Authorization", "Bearer s3cret"}});
  expect_error(r, 500);
  EXPECT_EQ(body(r)["error"], "pgvigil.yaml:4: unknown key \"intervall\"");
  hooks_.reload = nullptr;
  expect_error(reload_with({{"Authorization", "Bearer s3cret"}}), 503);
}

}  // namespace
}  // namespace pgvigil::http
