#include "cluster/cluster_canceller.h"

namespace pgvigil::cluster {

ClusterCanceller::ClusterCanceller(const config::ClusterConfig& cluster, pool::PoolManager& pools,
                                   queries::ActionJournal& journal, const Clock& clock)
    : policy_(cluster.queries, queries::recent_attempts(*journal.history(), cluster.name, clock.wall_now(), clock.now())) {
  for (const auto& member : cluster.members) {
    monitors_.push_back(std::make_unique<ActivityMonitor>(cluster, member, pools, policy_, journal, clock));
  }
}

ClusterCanceller::~ClusterCanceller() {
  request_stop();
  monitors_.clear();
}

void ClusterCanceller::request_stop() {
  for (auto& monitor : monitors_) monitor->request_stop();
}

}  // namespace pgvigil::cluster
