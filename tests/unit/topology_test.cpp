#include "pool/topology.h"

#include <gtest/gtest.h>

namespace pgvigil::pool {
namespace {

RoleReport primary(std::string name, std::int64_t tli = 1, std::string sysid = "100") {
  return {std::move(name), true, false, tli, std::move(sysid)};
}
RoleReport replica(std::string name, std::int64_t tli = 1, std::string sysid = "100") {
  return {std::move(name), true, true, tli, std::move(sysid)};
}
RoleReport down(std::string name) { return {std::move(name), false, false, 0, ""}; }

using Names = std::vector<std::string>;

TEST(Topology, OnePrimaryAndReplicas) {
  const std::vector r = {primary("db1"), replica("db2"), replica("db3")};
  auto t = resolve_topology(r, "");
  EXPECT_EQ(t.primary, "db1");
  EXPECT_FALSE(t.split_brain);
  EXPECT_TRUE(t.fenced.empty());
  EXPECT_EQ(t.system_identifier, "100");
}

TEST(Topology, NoReachablePrimary) {
  const std::vector r = {down("db1"), replica("db2")};
  auto t = resolve_topology(r, "100");
  EXPECT_FALSE(t.primary);
  EXPECT_FALSE(t.split_brain);
}

TEST(Topology, PromotedReplicaBecomesThePrimary) {
  const std::vector r = {down("db1"), primary("db2", 2)};
  EXPECT_EQ(resolve_topology(r, "100").primary, "db2");
}

TEST(Topology, SplitBrainHighestTimelineWins) {
  const std::vector r = {primary("db1", 1), primary("db2", 2)};
  auto t = resolve_topology(r, "100");
  EXPECT_TRUE(t.split_brain);
  EXPECT_EQ(t.primary, "db2");
  EXPECT_EQ(t.fenced, Names{"db1"});
}

TEST(Topology, SplitBrainOnATimelineTieFencesEveryone) {
  const std::vector r = {primary("db1", 3), primary("db2", 3), replica("db3", 3)};
  auto t = resolve_topology(r, "100");
  EXPECT_TRUE(t.split_brain);
  EXPECT_FALSE(t.primary);
  EXPECT_EQ(t.fenced, (Names{"db1", "db2"}));
}

TEST(Topology, ForeignMemberTakesNoPartInTheElection) {
  const std::vector r = {primary("db1", 1), primary("db2", 9, "999"), replica("db3")};
  auto t = resolve_topology(r, "");
  EXPECT_EQ(t.system_identifier, "100") << "the majority identifier";
  EXPECT_EQ(t.foreign, Names{"db2"});
  EXPECT_FALSE(t.split_brain);
  EXPECT_EQ(t.primary, "db1");
}

TEST(Topology, RememberedIdentifierBeatsAMajorityOfStrangers) {
  const std::vector r = {primary("db1", 1, "999"), replica("db2", 1, "999"), replica("db3", 1, "100")};
  auto t = resolve_topology(r, "100");
  EXPECT_EQ(t.foreign, (Names{"db1", "db2"}));
  EXPECT_FALSE(t.primary);
}

TEST(Topology, FirstElectionTieGoesToThePrimarysIdentifier) {
  const std::vector r = {replica("db1", 1, "100"), primary("db2", 1, "200")};
  auto t = resolve_topology(r, "");
  EXPECT_EQ(t.system_identifier, "200");
  EXPECT_EQ(t.primary, "db2");
  EXPECT_EQ(t.foreign, Names{"db1"});
}

}  // namespace
}  // namespace pgvigil::pool
