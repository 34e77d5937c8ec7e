// The runaway-session canceller on one member, a task of the background scheduler
// ("act-<member>") every queries.activity_interval: one statement reads pg_stat_activity (queries/activity_sql.h), the
// cluster's policy decides (queries/cluster_cancel_policy.h), and for each attempt the monitor
// captures the blocking tree and then, in enforce mode, sends the signal. Every decision worth
// recording goes to the daemon's ActionJournal. Runs on primaries and replicas alike: a runaway
// report on a replica holds back replay or vacuum just the same.
//
// The same statement summarises the session checks' readings (connections, the longest query,
// transaction and idle transaction), which the monitor posts to the cluster's SessionBoard for
// the member's health cycle: one scan of pg_stat_activity per interval serves both.
//
// The poll goes through the member's pool, so it is one of the daemon's own sessions
// (application_name "pgvigil", and the statement leaves out its own backend): the policy never
// acts on the daemon itself. A poll that fails is logged when its error changes, at warn, and
// retried at the next interval; its post is withdrawn, so the health cycle scans for itself and
// reports the member.
#pragma once

#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "cluster/member_context.h"
#include "queries/action_journal.h"
#include "queries/cluster_cancel_policy.h"
#include "util/scheduler.h"

namespace pgvigil::cluster {

class ActivityMonitor {
 public:
  ActivityMonitor(const MemberContext& context, Scheduler& scheduler, queries::ClusterCancelPolicy& policy,
                  queries::ActionJournal& journal);
  ~ActivityMonitor();  // waits for a poll in progress, then withdraws the last post
  ActivityMonitor(const ActivityMonitor&) = delete;
  ActivityMonitor& operator=(const ActivityMonitor&) = delete;

  const std::string& name() const { return member_; }
  const ScheduledTask& worker() const { return *task_; }
  void request_stop() { task_->request_stop(); }
  void set_interval(std::chrono::nanoseconds interval) { task_->set_interval(interval); }

 private:
  void poll(std::stop_token stop);
  std::vector<queries::ActionRecord> act(db::Connection& session, std::vector<queries::CancelDecision> decisions);
  void log_record(const queries::ActionRecord& record) const;
  void failed(const std::string& problem);

  const std::string cluster_;
  const std::string member_;
  const PlanBoard& plan_;
  db::Millis timeout_;  // health.query_timeout of the plan of the poll in progress
  pool::ConnectionPool& pool_;
  queries::ClusterCancelPolicy& policy_;
  queries::ActionJournal& journal_;
  const Clock& clock_;
  queries::SessionBoard& sessions_;

  // Worker thread only.
  queries::CancelTracker tracker_;
  std::string last_problem_;

  std::unique_ptr<ScheduledTask> task_;  // last: its runs use everything above
};

}  // namespace pgvigil::cluster
