// Everything that runs for one member of a cluster: its pool (with its own interrupter, so that
// stopping this member cuts only its own I/O), its pool's upkeep, its health cycle, and, once in
// service and when the plan asks for them, its activity poll (the canceller) and its statement
// sampler. A member built beside the one in service after a reload (new connection settings)
// runs its health cycle out of service until its ClusterRuntime swaps it in.
// Built, reconfigured and destroyed by its ClusterRuntime on the daemon's main thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/activity_monitor.h"
#include "cluster/member_context.h"
#include "cluster/member_monitor.h"
#include "cluster/statements_monitor.h"
#include "db/interrupter.h"
#include "pool/socket_watch.h"
#include "queries/action_journal.h"
#include "queries/cluster_cancel_policy.h"
#include "queries/interval_journal.h"
#include "queries/session_board.h"
#include "queries/statements_availability.h"
#include "util/scheduler.h"

namespace pgvigil::cluster {

// What the daemon lends every cluster and member: the two schedulers, the idle-socket watch, the
// clock and, when the daemon runs (not --once), the journals.
struct RuntimeServices {
  Scheduler& health;
  Scheduler& background;
  pool::SocketWatch* watch = nullptr;
  const Clock& clock;
  queries::ActionJournal* actions = nullptr;      // null: no canceller runs
  queries::IntervalJournal* statements = nullptr; // null: pg_stat_statements is not sampled
};

class MemberRuntime {
 public:
  MemberRuntime(const std::string& cluster, const std::string& member, const PlanBoard& plan,
                pool::PoolManager& cluster_pools, const RuntimeServices& services, std::function<void()> on_publish,
                queries::StatementsAvailability& availability, queries::SessionBoard& sessions,
                MemberMonitor::Service service);
  ~MemberRuntime();
  MemberRuntime(const MemberRuntime&) = delete;
  MemberRuntime& operator=(const MemberRuntime&) = delete;

  const std::string& name() const { return context_.member; }
  MemberMonitor& monitor() { return *monitor_; }
  const MemberMonitor& monitor() const { return *monitor_; }

  // Puts the member in service: its pool serves the cluster, its role counts, it publishes.
  void enter_service();
  // Applies the plan in force: intervals, and the canceller and sampler started or stopped as it
  // asks (only in service). `policy` is the cluster's, null when the canceller is off.
  void apply_plan(queries::ClusterCancelPolicy* policy);
  void request_stop();  // cuts the member's I/O and asks every task to stop; returns at once

  std::vector<const ScheduledTask*> workers() const;

 private:
  struct PoolParts;  // the interrupter and the pool, kept together while a lease lives

  const PlanBoard& plan_;
  const RuntimeServices& services_;
  const std::function<void()> on_publish_;
  queries::StatementsAvailability& availability_;
  // Tells the pool's lost-session callback whom to wake; cleared before the monitor goes.
  struct LostLink {
    std::mutex mutex;
    MemberMonitor* monitor = nullptr;
    pool::PoolManager* cluster_pools = nullptr;
    bool in_service = false;
  };
  std::shared_ptr<LostLink> lost_link_;
  std::shared_ptr<PoolParts> pool_parts_;
  MemberContext context_;
  bool in_service_;
  std::unique_ptr<ScheduledTask> upkeep_;
  std::unique_ptr<MemberMonitor> monitor_;
  std::unique_ptr<ActivityMonitor> activity_;      // null unless the canceller runs here
  std::unique_ptr<StatementsMonitor> statements_;  // null unless sampled
};

}  // namespace pgvigil::cluster
