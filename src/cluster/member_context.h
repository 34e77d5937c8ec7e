// What a member's workers (health cycle, activity poll, statement sampler) share: who they are,
// the cluster's plan in force, the member's own pool, the cluster's pools and topology for work
// that must go to the primary, and the cluster's board of session readings (the activity poll
// posts, the health cycle adopts). Plain references; the ClusterRuntime that builds the context
// outlives the workers.
#pragma once

#include <string>

#include "cluster/cluster_plan.h"
#include "pool/connection_pool.h"
#include "pool/pool_manager.h"
#include "queries/session_board.h"
#include "util/clock.h"

namespace pgvigil::cluster {

struct MemberContext {
  std::string cluster;
  std::string member;
  const PlanBoard& plan;
  pool::ConnectionPool& pool;        // this member's own
  pool::PoolManager& cluster_pools;  // the members in service, and the topology
  const Clock& clock;
  queries::SessionBoard& sessions;   // the cluster's
};

}  // namespace pgvigil::cluster
