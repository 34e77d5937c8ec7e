// The runaway-session canceller of one cluster: its cancel policy (rules and the rate limiter
// shared by every member) and one ActivityMonitor per member. Built by the ClusterRuntime when
// queries.cancel.mode is not off; stopped before the pools it uses.
#pragma once

#include <memory>
#include <vector>

#include "cluster/activity_monitor.h"
#include "config/config.h"
#include "pool/pool_manager.h"
#include "queries/action_journal.h"
#include "queries/cluster_cancel_policy.h"

namespace pgvigil::cluster {

class ClusterCanceller {
 public:
  ClusterCanceller(const config::ClusterConfig& cluster, pool::PoolManager& pools, queries::ActionJournal& journal,
                   const Clock& clock);
  ~ClusterCanceller();  // joins the monitors
  ClusterCanceller(const ClusterCanceller&) = delete;
  ClusterCanceller& operator=(const ClusterCanceller&) = delete;

  void request_stop();  // returns at once
  const std::vector<std::unique_ptr<ActivityMonitor>>& monitors() const { return monitors_; }

 private:
  queries::ClusterCancelPolicy policy_;
  std::vector<std::unique_ptr<ActivityMonitor>> monitors_;  // after the policy they use
};

}  // namespace pgvigil::cluster
