#include "http/probe_rules.h"

#include <gtest/gtest.h>

#include <functional>

#include "member_builders.h"

namespace pgvigil::http {
namespace {

using namespace pgvigil::builders;

using health::ClusterSnapshot;
using health::MemberRole;
using health::MemberSnapshot;
using health::Severity;
using health::Status;



ClusterSnapshot cluster(std::optional<std::string> primary, std::vector<MemberSnapshot> members) {
  ClusterSnapshot c;
  c.name = "main";
  c.status = Status::healthy;
  c.primary = std::move(primary);
  c.members = std::move(members);
  return c;
}

ClusterSnapshot healthy_cluster() {
  return cluster("db1", {healthy_member("db1", MemberRole::primary), healthy_member("db2", MemberRole::replica)});
}

// ---- member primary probe -------------------------------------------------------------------

TEST(HttpProbeRules, MemberPrimaryOnlyOnTheHealthyPrimary) {
  const ClusterSnapshot c = healthy_cluster();
  EXPECT_EQ(member_primary(c, c.members[0]).status, 200);
  const ProbeResult replica = member_primary(c, c.members[1]);
  EXPECT_EQ(replica.status, 503);
  EXPECT_EQ(replica.why, "not the primary (db1 is)");
}

TEST(HttpProbeRules, MemberPrimaryReasons) {
  const auto why = [](const std::function<void(ClusterSnapshot&)>& change) {
    ClusterSnapshot c = healthy_cluster();
    change(c);
    const ProbeResult result = member_primary(c, c.members[0]);
    EXPECT_EQ(result.status, 503);
    return result.why;
  };
  EXPECT_EQ(why([](ClusterSnapshot& c) { c.members[0].reachable = false; }), "unreachable");
  EXPECT_EQ(why([](ClusterSnapshot& c) { c.members[0].fenced = true; }), "fenced in a split brain");
  EXPECT_EQ(why([](ClusterSnapshot& c) { c.primary.reset(); }), "cluster has no primary");
  EXPECT_EQ(why([](ClusterSnapshot& c) { c.members[0].role = MemberRole::replica; }),
            "not in the primary role (replica)");
  EXPECT_EQ(why([](ClusterSnapshot& c) {
              c.members[0].status = Status::unhealthy;
              c.members[0].reasons = {bare_reason("write_probe", Severity::critical)};
            }),
            "unhealthy (write_probe)");
}

TEST(HttpProbeRules, MemberPrimaryStillAnswers200WhenDegraded) {
  ClusterSnapshot c = healthy_cluster();
  c.members[0].status = Status::degraded;
  c.members[0].reasons = {bare_reason("connections", Severity::warning)};
  EXPECT_EQ(member_primary(c, c.members[0]).status, 200);
}

TEST(HttpProbeRules, SplitBrainOnlyTheHighestTimelineAnswers200) {
  MemberSnapshot old_primary = healthy_member("db1", MemberRole::primary);
  old_primary.fenced = true;
  MemberSnapshot promoted = healthy_member("db2", MemberRole::primary);
  promoted.timeline = 2;
  ClusterSnapshot c = cluster("db2", {old_primary, promoted});
  c.split_brain = true;
  c.status = Status::unhealthy;
  c.reasons = {bare_reason("split_brain", Severity::critical)};
  EXPECT_EQ(member_primary(c, c.members[0]).why, "fenced in a split brain");
  EXPECT_EQ(member_primary(c, c.members[1]).status, 200);
  EXPECT_EQ(cluster_primary(c).status, 200);
}

TEST(HttpProbeRules, SplitBrainOnATimelineTieAnswers503Everywhere) {
  MemberSnapshot a = healthy_member("db1", MemberRole::primary);
  MemberSnapshot b = healthy_member("db2", MemberRole::primary);
  a.fenced = b.fenced = true;
  ClusterSnapshot c = cluster(std::nullopt, {a, b});
  c.split_brain = true;
  EXPECT_EQ(member_primary(c, c.members[0]).status, 503);
  EXPECT_EQ(member_primary(c, c.members[1]).status, 503);
  EXPECT_EQ(cluster_primary(c).why, "split brain with no clear primary (timeline tie)");
  // Even a member the topology forgot to fence gets no 200 without being the primary.
  c.members[1].fenced = false;
  EXPECT_EQ(member_primary(c, c.members[1]).why, "split brain with no clear primary (timeline tie)");
}

TEST(HttpProbeRules, MemberPrimaryOverEveryCombination) {
  int combinations = 0;
  for (int taken_as : {0, 1, 2}) {  // 0: this member is the primary, 1: another one is, 2: none
    for (bool reachable : {false, true}) {
      for (bool fenced : {false, true}) {
        for (MemberRole role : {MemberRole::unknown, MemberRole::primary, MemberRole::replica}) {
          for (Status status : {Status::healthy, Status::degraded, Status::unhealthy}) {
            ClusterSnapshot c = healthy_cluster();
            c.primary = taken_as == 0 ? std::optional<std::string>("db1")
                                      : taken_as == 1 ? std::optional<std::string>("db2") : std::nullopt;
            MemberSnapshot& m = c.members[0];
            m.reachable = reachable;
            m.fenced = fenced;
            m.role = role;
            m.status = status;
            const bool expected =
                taken_as == 0 && reachable && !fenced && role == MemberRole::primary && status != Status::unhealthy;
            const ProbeResult result = member_primary(c, m);
            EXPECT_EQ(result.ok(), expected) << "combination " << combinations;
            EXPECT_EQ(result.why.empty(), expected) << "combination " << combinations;
            ++combinations;
          }
        }
      }
    }
  }
  EXPECT_EQ(combinations, 108);
}

// ---- cluster probes -------------------------------------------------------------------------

TEST(HttpProbeRules, ClusterPrimary) {
  EXPECT_EQ(cluster_primary(healthy_cluster()).status, 200);

  const auto why = [](const std::function<void(ClusterSnapshot&)>& change) {
    ClusterSnapshot c = healthy_cluster();
    change(c);
    const ProbeResult result = cluster_primary(c);
    EXPECT_EQ(result.status, 503);
    return result.why;
  };
  EXPECT_EQ(why([](ClusterSnapshot& c) { c.primary.reset(); }), "no primary");
  EXPECT_EQ(why([](ClusterSnapshot& c) { c.primary = "gone"; }), "primary gone is not a configured member");
  EXPECT_EQ(why([](ClusterSnapshot& c) { c.members[0].reachable = false; }), "primary db1 is unreachable");
  EXPECT_EQ(why([](ClusterSnapshot& c) { c.members[0].fenced = true; }), "primary db1 is fenced in a split brain");
  EXPECT_EQ(why([](ClusterSnapshot& c) { c.members[0].role = MemberRole::unknown; }),
            "primary db1 is not in the primary role (unknown)");
  EXPECT_EQ(why([](ClusterSnapshot& c) { c.members[0].status = Status::unhealthy; }), "primary db1 is unhealthy");
}

TEST(HttpProbeRules, ClusterPrimaryIgnoresTheReplicas) {
  ClusterSnapshot c = healthy_cluster();
  c.members[1].reachable = false;
  c.members[1].status = Status::unhealthy;
  c.members[0].status = Status::degraded;
  EXPECT_EQ(cluster_primary(c).status, 200);
}

TEST(HttpProbeRules, ClusterHealth) {
  ClusterSnapshot c = healthy_cluster();
  EXPECT_EQ(cluster_health(c).status, 200);
  c.status = Status::degraded;
  EXPECT_EQ(cluster_health(c).status, 200);
  c.status = Status::unhealthy;
  c.reasons = {bare_reason("no_primary", Severity::critical), bare_reason("foreign_member", Severity::warning)};
  EXPECT_EQ(cluster_health(c).status, 503);
  EXPECT_EQ(cluster_health(c).why, "unhealthy (no_primary)");
}

TEST(HttpProbeRules, OverallHealth) {
  health::Snapshot s;
  EXPECT_EQ(overall_health(s).status, 503) << "nothing checked yet";
  EXPECT_EQ(overall_health(s).why, "no cluster has been checked yet");
  health::ClusterSnapshot main = healthy_cluster();
  health::ClusterSnapshot other = healthy_cluster();
  other.name = "other";
  s.clusters = shared({main, other});
  EXPECT_EQ(overall_health(s).status, 200);
  main.status = Status::degraded;
  s.clusters = shared({main, other});
  EXPECT_EQ(overall_health(s).status, 200);
  other.status = Status::unhealthy;
  s.clusters = shared({main, other});
  EXPECT_EQ(overall_health(s).status, 503);
  EXPECT_EQ(overall_health(s).why, "unhealthy clusters: other");
}

TEST(HttpProbeRules, DefaultLagLimitsComeFromTheCluster) {
  health::Snapshot s;
  s.probe_defaults = std::make_shared<const health::ProbeDefaultsByCluster>(
      health::ProbeDefaultsByCluster{{"main", {30, 1024}}});
  const LagLimits configured = default_lag_limits(s, "main");
  EXPECT_EQ(configured.max_seconds, 30);
  EXPECT_EQ(configured.max_bytes, 1024);
  const LagLimits fallback = default_lag_limits(s, "other");
  EXPECT_EQ(fallback.max_seconds, health::ProbeDefaults{}.max_lag_seconds);
  EXPECT_EQ(fallback.max_bytes, health::ProbeDefaults{}.max_lag_bytes);
}

}  // namespace
}  // namespace pgvigil::http
