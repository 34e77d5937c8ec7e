// A cluster's status from its members' snapshots and its topology. Pure and table-tested.
//
// Rules (written in the README too):
// - A member whose last cycle is older than 3 intervals is unhealthy with reason `stale`.
// - A member the topology fences (split brain loser) or calls foreign is unhealthy with reason
//   `split_brain` / `foreign_member`.
// - The cluster is unhealthy when it has no primary (`no_primary`), when that primary is
//   unhealthy, or in a split brain (`split_brain`); degraded when any member is not healthy;
//   else healthy. A replica being down degrades the cluster: writes still work.
#pragma once

#include <chrono>
#include <vector>

#include "health/snapshot.h"
#include "pool/topology.h"

namespace pgvigil::health {

// Whether a member's last cycle is too old to trust (older than 3 intervals).
bool is_stale(const MemberSnapshot& member, SteadyTime now, std::chrono::nanoseconds interval);

ClusterSnapshot build_cluster_view(std::string name, std::vector<MemberSnapshot> members,
                                   const pool::Topology& topology, SteadyTime now,
                                   std::chrono::nanoseconds interval);

}  // namespace pgvigil::health
