// Everything that runs for one configured cluster: its pools, one monitor per member, one
// pg_stat_statements sampler per member unless queries.statements is off and, unless
// queries.cancel.mode is off, the runaway-session canceller.
// Built from a config and replaced whole on reload. Destruction cuts database I/O first so that
// threads blocked on a hung server end at once, then joins them.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/cluster_canceller.h"
#include "cluster/member_monitor.h"
#include "cluster/statements_monitor.h"
#include "health/snapshot.h"
#include "config/config.h"
#include "pool/pool_manager.h"

namespace pgvigil::cluster {

class ClusterRuntime {
 public:
  // `on_change` runs (on a worker thread) after any member published a new snapshot or
  // interval. Without `actions` (--once) no canceller runs, whatever the mode; without
  // `statements`, or with queries.statements off, pg_stat_statements is not sampled.
  ClusterRuntime(const config::ClusterConfig& config, const Clock& clock, std::function<void()> on_change = {},
                 queries::ActionJournal* actions = nullptr, queries::IntervalJournal* statements = nullptr);
  ~ClusterRuntime();
  ClusterRuntime(const ClusterRuntime&) = delete;
  ClusterRuntime& operator=(const ClusterRuntime&) = delete;

  const std::string& name() const { return name_; }
  const std::vector<std::unique_ptr<MemberMonitor>>& monitors() const { return monitors_; }
  // Every periodic loop of the cluster (health monitors, activity polls, statement samplers), for
  // the liveness verdict.
  std::vector<const PeriodicWorker*> workers() const;
  pool::PoolManager& pools() { return *pools_; }
  const pool::PoolManager& pools() const { return *pools_; }

  void request_stop();  // cuts I/O and asks every thread to stop; returns at once

  // The cluster as of now: members' last snapshots, topology, derived status. Thread-safe.
  health::ClusterSnapshot snapshot(SteadyTime now) const;

 private:
  void on_member_lost(const std::string& member);

  const std::string name_;
  const std::chrono::nanoseconds interval_;
  const std::function<void()> on_change_;
  mutable std::mutex monitors_mutex_;  // the pools' thread may call on_member_lost while monitors are built
  std::unique_ptr<pool::PoolManager> pools_;
  std::vector<std::unique_ptr<MemberMonitor>> monitors_;
  std::unique_ptr<ClusterCanceller> canceller_;  // null when off
  queries::StatementsAvailability statements_availability_;  // written by the samplers, read by the monitors
  std::vector<std::unique_ptr<StatementsMonitor>> statement_samplers_;  // empty when not sampled
};

}  // namespace pgvigil::cluster
