// The statement statistics of one member, a task of the background scheduler every
// queries.statements_interval (the cluster's plan in force, read at each run):
// through the member's pool (one lease per run), checks that pg_stat_statements can be read,
// samples every entry, and diffs the sample against the previous one. The first sample only
// primes; each later one becomes an interval report (the slow and the heaviest statements with
// their texts and names, recommendations) recorded in the daemon's IntervalJournal. Whether the
// extension is usable, and why not, goes to the cluster's StatementsAvailability board, which
// the member's health cycle turns into a reason. pg_stat_statements is per server, so replicas
// are sampled too (their own read workload); table scan counters are read on a primary only.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "cluster/member_context.h"
#include "queries/interval_journal.h"
#include "queries/statement_labels.h"
#include "queries/statement_reader.h"
#include "queries/statement_sample.h"
#include "queries/statement_selection.h"
#include "queries/statements_availability.h"
#include "queries/table_stats.h"
#include "util/clock.h"
#include "util/scheduler.h"

namespace pgvigil::cluster {

class StatementsMonitor {
 public:
  // `on_record` runs on the monitor's thread after each interval is recorded.
  StatementsMonitor(const MemberContext& context, Scheduler& scheduler, queries::IntervalJournal& journal,
                    queries::StatementsAvailability& availability, std::function<void()> on_record);

  const std::string& name() const { return member_; }
  const ScheduledTask& worker() const { return *task_; }
  void request_stop() { task_->request_stop(); }
  void set_interval(std::chrono::nanoseconds interval) { task_->set_interval(interval); }

 private:
  void run(std::stop_token stop);
  // Reads what the run needs from the server; false when there is nothing to report this time.
  bool read(db::Connection& session);
  void label(db::Connection& session, const queries::Selection& selection,
             const std::vector<queries::Recommendation>& recommendations);
  bool unavailable(std::optional<queries::StatementsProblem> problem, std::string why);  // false
  void note(std::string state, bool trouble);

  const std::string cluster_;
  const std::string member_;
  const PlanBoard& plan_;
  std::chrono::milliseconds timeout_;  // health.query_timeout of the plan of the run in progress
  pool::ConnectionPool& pool_;
  const Clock& clock_;
  queries::IntervalJournal& journal_;
  queries::StatementsAvailability& availability_;
  const std::function<void()> on_record_;

  // Worker thread only.
  queries::ExtensionProbe probe_;
  std::optional<queries::StatementSample> previous_;
  std::optional<queries::StatementSample> current_;
  std::int64_t hidden_ = 0;
  std::vector<queries::TableStats> previous_tables_;
  std::vector<queries::TableStats> current_tables_;
  queries::StatementLabels labels_;
  std::string last_state_;

  std::unique_ptr<ScheduledTask> task_;  // last: its runs use everything above
};

}  // namespace pgvigil::cluster
