#include "health/cluster_view.h"

#include <gtest/gtest.h>

namespace pgvigil::health {
namespace {

using namespace std::chrono_literals;
const SteadyTime kNow = SteadyTime{} + 1h;

MemberSnapshot member(std::string name, MemberRole role, Status status = Status::healthy, bool reachable = true) {
  MemberSnapshot m;
  m.name = std::move(name);
  m.role = role;
  m.status = status;
  m.reachable = reachable;
  m.checked = true;
  m.checked_steady = kNow - 1s;
  return m;
}

pool::Topology topology(std::optional<std::string> primary, bool split = false, std::vector<std::string> fenced = {},
                        std::vector<std::string> foreign = {}) {
  return pool::Topology{std::move(primary), split, std::move(fenced), std::move(foreign), "100"};
}

std::vector<std::string> reasons(const ClusterSnapshot& c) {
  std::vector<std::string> out;
  for (const auto& r : c.reasons) out.push_back(r.check);
  return out;
}

TEST(ClusterView, HealthyPrimaryAndReplica) {
  auto c = build_cluster_view("main", {member("db1", MemberRole::primary), member("db2", MemberRole::replica)},
                              topology("db1"), kNow, 5s);
  EXPECT_EQ(c.status, Status::healthy);
  EXPECT_EQ(c.primary, "db1");
  EXPECT_TRUE(c.reasons.empty());
}

TEST(ClusterView, ADownReplicaDegradesADownPrimaryFails) {
  auto degraded = build_cluster_view(
      "main", {member("db1", MemberRole::primary), member("db2", MemberRole::replica, Status::unhealthy, false)},
      topology("db1"), kNow, 5s);
  EXPECT_EQ(degraded.status, Status::degraded);
  auto failed = build_cluster_view(
      "main", {member("db1", MemberRole::primary, Status::unhealthy, false), member("db2", MemberRole::replica)},
      topology(std::nullopt), kNow, 5s);
  EXPECT_EQ(failed.status, Status::unhealthy);
  EXPECT_EQ(reasons(failed), std::vector<std::string>{"no_primary"});
}

TEST(ClusterView, AnUnhealthyPrimaryFailsTheCluster) {
  auto c = build_cluster_view("main", {member("db1", MemberRole::primary, Status::unhealthy)}, topology("db1"), kNow, 5s);
  EXPECT_EQ(c.status, Status::unhealthy);
  EXPECT_EQ(reasons(c), std::vector<std::string>{"primary_unhealthy"});
}

TEST(ClusterView, SplitBrainFencesTheLoser) {
  auto c = build_cluster_view("main", {member("db1", MemberRole::primary), member("db2", MemberRole::primary)},
                              topology("db2", true, {"db1"}), kNow, 5s);
  EXPECT_EQ(c.status, Status::unhealthy);
  EXPECT_EQ(reasons(c), std::vector<std::string>{"split_brain"});
  EXPECT_TRUE(c.member("db1")->fenced);
  EXPECT_EQ(c.member("db1")->status, Status::unhealthy);
  EXPECT_FALSE(c.member("db2")->fenced);
}

TEST(ClusterView, StaleMembersAreUnhealthy) {
  auto old = member("db2", MemberRole::replica);
  old.checked_steady = kNow - 16s;
  auto c = build_cluster_view("main", {member("db1", MemberRole::primary), old}, topology("db1"), kNow, 5s);
  ASSERT_EQ(c.member("db2")->reasons.size(), 1u);
  EXPECT_EQ(c.member("db2")->reasons[0].check, "stale");
  EXPECT_EQ(c.member("db2")->status, Status::unhealthy);
  EXPECT_EQ(c.status, Status::degraded);
  auto fresh = member("db2", MemberRole::replica);
  fresh.checked_steady = kNow - 14s;
  EXPECT_EQ(build_cluster_view("main", {member("db1", MemberRole::primary), fresh}, topology("db1"), kNow, 5s).status,
            Status::healthy);
}

TEST(ClusterView, ForeignMembersAreFlagged) {
  auto c = build_cluster_view("main", {member("db1", MemberRole::primary), member("db9", MemberRole::primary)},
                              topology("db1", false, {}, {"db9"}), kNow, 5s);
  EXPECT_TRUE(c.member("db9")->foreign);
  EXPECT_EQ(c.status, Status::degraded);
  EXPECT_EQ(reasons(c), std::vector<std::string>{"foreign_member"});
}

}  // namespace
}  // namespace pgvigil::health
