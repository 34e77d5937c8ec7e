// Checks one member on its own thread every health.interval, through the member's pool: runs the
// role query, reports the answer to the cluster's topology and publishes the member's state.
// Logs each change of state once (not every retry). wake() asks for a check now (the pool's
// idle-socket watch calls it when the server closed our sessions). state() is thread-safe.
#pragma once

#include <memory>
#include <mutex>

#include "cluster/member_state.h"
#include "config/config.h"
#include "pool/pool_manager.h"
#include "util/periodic_worker.h"

namespace pgvigil::cluster {

// The role query, one round trip: recovery state, timeline and the cluster's system identifier.
// On a primary the timeline comes from the current WAL file name (pg_control_checkpoint() lags
// behind a promotion until the next checkpoint); on a replica from the WAL receiver.
inline constexpr const char* kRoleQuery = R"SQL(
SELECT pg_catalog.pg_is_in_recovery() AS in_recovery,
       CASE WHEN pg_catalog.pg_is_in_recovery()
            THEN COALESCE((SELECT received_tli FROM pg_catalog.pg_stat_wal_receiver),
                          (pg_catalog.pg_control_checkpoint()).timeline_id)
            ELSE ('x' || substr(pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()), 1, 8))::bit(32)::int
       END AS timeline,
       (pg_catalog.pg_control_system()).system_identifier::text AS system_identifier
)SQL";

class MemberMonitor {
 public:
  MemberMonitor(const config::ClusterConfig& cluster, const config::MemberConfig& member, pool::PoolManager& pools,
                const Clock& clock);

  MemberState state() const;
  const PeriodicWorker& worker() const { return *worker_; }
  void wake() { worker_->wake(); }
  void request_stop() { worker_->request_stop(); }

 private:
  void check(std::stop_token stop);
  void publish(MemberState next);
  void mark_down(const db::Error& error);

  const std::string cluster_;
  const std::string member_;
  const std::chrono::milliseconds query_timeout_;
  pool::PoolManager& pools_;
  const Clock& clock_;
  std::string last_logged_;  // worker thread only
  mutable std::mutex mutex_;
  MemberState state_;
  std::unique_ptr<PeriodicWorker> worker_;  // last: its thread uses everything above
};

}  // namespace pgvigil::cluster
