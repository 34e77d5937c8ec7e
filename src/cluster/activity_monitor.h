// The runaway-session canceller on one member, on its own thread ("act-<member>") every
// queries.activity_interval: one statement reads pg_stat_activity (queries/activity_sql.h), the
// cluster's policy decides (queries/cluster_cancel_policy.h), and for each attempt the monitor
// captures the blocking tree and then, in enforce mode, sends the signal. Every decision worth
// recording goes to the daemon's ActionJournal. Runs on primaries and replicas alike: a runaway
// report on a replica holds back replay or vacuum just the same.
//
// The poll goes through the member's pool, so it is one of the daemon's own sessions
// (application_name "pgvigil", and the statement leaves out its own backend): the policy never
// acts on the daemon itself. A poll that fails is logged when its error changes, at warn, and
// retried at the next interval; the health monitor reports the member itself.
#pragma once

#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "config/config.h"
#include "pool/pool_manager.h"
#include "queries/action_journal.h"
#include "queries/cluster_cancel_policy.h"
#include "util/periodic_worker.h"

namespace pgvigil::cluster {

class ActivityMonitor {
 public:
  ActivityMonitor(const config::ClusterConfig& cluster, const config::MemberConfig& member, pool::PoolManager& pools,
                  queries::ClusterCancelPolicy& policy, queries::ActionJournal& journal, const Clock& clock);

  const std::string& name() const { return member_; }
  const PeriodicWorker& worker() const { return *worker_; }
  void request_stop() { worker_->request_stop(); }

 private:
  void poll(std::stop_token stop);
  std::vector<queries::ActionRecord> act(db::Connection& session, std::vector<queries::CancelDecision> decisions);
  void log_record(const queries::ActionRecord& record) const;
  void report_problem(const std::string& problem);

  const std::string cluster_;
  const std::string member_;
  const db::Millis timeout_;
  pool::PoolManager& pools_;
  queries::ClusterCancelPolicy& policy_;
  queries::ActionJournal& journal_;
  const Clock& clock_;

  // Worker thread only.
  queries::CancelTracker tracker_;
  std::string last_problem_;

  std::unique_ptr<PeriodicWorker> worker_;  // last: its thread uses everything above
};

}  // namespace pgvigil::cluster
