// Everything that runs for one configured cluster: one MemberRuntime per member (pool, health
// cycle, and the activity poll and statement sampler when the plan asks for them), the cluster's
// cancel policy, its topology, the boards its members' workers share, and its snapshot.
//
// The snapshot is published per cluster, copy-on-write: a member's cycle rebuilds only its own
// cluster's ClusterSnapshot (O(the cluster)), and the daemon's view is a list of these pointers.
//
// A reload goes through reconfigure(): members whose connection settings are unchanged keep their
// sessions, damping state, counters and canceller state, and take the new thresholds, intervals,
// checks and policy in place; a member whose connection settings changed (and an added member) is
// built beside the one in service and swapped in by tick() once its first full cycle is done, so
// its old snapshot stays published until then; removed members stop.
// reconfigure(), tick() and the destructor are for the daemon's main thread; the rest is
// thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/cluster_plan.h"
#include "cluster/member_runtime.h"
#include "config/config.h"
#include "health/snapshot.h"
#include "pool/pool_manager.h"
#include "queries/cluster_cancel_policy.h"
#include "queries/session_board.h"
#include "queries/statements_availability.h"

namespace pgvigil::cluster {

class ClusterRuntime {
 public:
  // `on_change` runs (on a worker thread) after the cluster's snapshot changed, or a member
  // recorded a statements interval.
  ClusterRuntime(const config::ClusterConfig& config, RuntimeServices services, std::function<void()> on_change = {});
  ~ClusterRuntime();
  ClusterRuntime(const ClusterRuntime&) = delete;
  ClusterRuntime& operator=(const ClusterRuntime&) = delete;

  const std::string& name() const { return name_; }

  void reconfigure(const config::ClusterConfig& next);
  // Swaps in the members built beside those in service whose first full cycle is done.
  void tick();
  void request_stop();  // cuts every member's I/O and asks every task to stop; returns at once

  // Every member in service has finished a cycle, and no member is waiting to be swapped in.
  bool ready() const;
  std::pair<int, int> members_up() const;  // (reachable, in service)
  // Every periodic task of the cluster, for the liveness verdict.
  std::vector<const ScheduledTask*> workers() const;

  // The cluster as last published. Never null.
  std::shared_ptr<const health::ClusterSnapshot> snapshot() const;
  // Rebuilds the snapshot if time alone changed it (a member became stale, or fresh again).
  void refresh(SteadyTime now);

  pool::PoolManager& pools() { return pools_; }

 private:
  using MemberList = std::vector<std::shared_ptr<MemberRuntime>>;

  std::shared_ptr<MemberRuntime> build_member(const std::string& member, MemberMonitor::Service service);
  void on_member_published();
  void rebuild_snapshot();
  void sync_policy(const ClusterPlan& plan);

  const std::string name_;
  const RuntimeServices services_;
  const std::function<void()> on_change_;
  PlanBoard plan_;
  pool::PoolManager pools_;
  queries::StatementsAvailability statements_availability_;  // written by the samplers, read by the monitors
  queries::SessionBoard session_board_;  // written by the activity polls, read by the monitors
  std::unique_ptr<queries::ClusterCancelPolicy> policy_;     // null when the canceller is off

  // Changed by the main thread only, under members_mutex_; other threads read them under it.
  mutable std::mutex members_mutex_;
  MemberList members_;                                       // in service, config order
  std::map<std::string, std::shared_ptr<MemberRuntime>> candidates_;  // built beside, by name

  std::mutex snapshot_mutex_;  // serialises rebuilds (taken before members_mutex_)
  // Read without the mutex: the daemon reads every cluster's at each member's publish, and must
  // not wait behind another cluster's rebuild.
  std::atomic<std::shared_ptr<const health::ClusterSnapshot>> snapshot_;
};

}  // namespace pgvigil::cluster
