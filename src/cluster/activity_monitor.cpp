#include "cluster/activity_monitor.h"

#include <spdlog/spdlog.h>

#include "queries/activity_reader.h"
#include "queries/activity_sql.h"
#include "queries/blocking_tree.h"
#include "queries/session_signal.h"

namespace pgvigil::cluster {
namespace {

using queries::ActionRecord;
using queries::CancelAction;
using queries::CancelDecision;

std::string_view verb(CancelAction action) { return action == CancelAction::terminate ? "terminate" : "cancel"; }

}  // namespace

ActivityMonitor::ActivityMonitor(const MemberContext& context, Scheduler& scheduler,
                                 queries::ClusterCancelPolicy& policy, queries::ActionJournal& journal)
    : cluster_(context.cluster), member_(context.member), plan_(context.plan),
      timeout_(context.plan.current()->config.health.query_timeout), pool_(context.pool), policy_(policy),
      journal_(journal), clock_(context.clock), sessions_(context.sessions) {
  task_ = scheduler.every("act-" + member_, plan_.current()->config.queries.activity_interval,
                          [this](std::stop_token stop) { poll(stop); });
  task_->start();
}

ActivityMonitor::~ActivityMonitor() {
  task_.reset();  // no poll posts after this
  sessions_.withdraw(member_, &pool_);
}

void ActivityMonitor::poll(std::stop_token stop) {
  if (stop.stop_requested()) return;
  timeout_ = plan_.current()->config.health.query_timeout;
  auto lease = pool_.acquire();
  if (!lease) return failed("no session: " + lease.error().to_string());
  const auto sent = clock_.now();
  auto result = (*lease)->query_prepared(queries::activity_sql(), timeout_);
  if (!result) return failed(result.error().to_string());
  auto read = queries::read_activity_poll(*result);
  if (!read) return failed(read.error());
  if (read->sessions) {
    sessions_.post(member_, &pool_, queries::SessionPost{std::move(*read->sessions), sent});
  } else {
    sessions_.withdraw(member_, &pool_);
  }
  if (read->unreadable_rows > 0) {
    spdlog::debug("cluster={} member={} activity poll: {} row(s) could not be read and were left alone", cluster_,
                  member_, read->unreadable_rows);
  }
  if (!last_problem_.empty()) {
    spdlog::info("cluster={} member={} activity poll works again", cluster_, member_);
    last_problem_.clear();
  }
  auto decisions = policy_.round(read->poll, tracker_, clock_.now());
  std::erase_if(decisions, [](const CancelDecision& d) { return d.repeated; });
  if (decisions.empty() || stop.stop_requested()) return;
  auto records = act(**lease, std::move(decisions));
  lease = std::unexpected(db::Error{});  // give the session back before the journal's file I/O
  for (const auto& record : records) log_record(record);
  journal_.record(std::move(records));
}

std::vector<ActionRecord> ActivityMonitor::act(db::Connection& session, std::vector<CancelDecision> decisions) {
  std::vector<ActionRecord> records;
  records.reserve(decisions.size());
  for (auto& decision : decisions) {
    records.push_back(ActionRecord{.cluster = cluster_, .member = member_, .decision = std::move(decision)});
  }
  const auto max_query_length = policy_.max_query_length();
  // Every tree before any signal: a cancel earlier in the round would change the trees after it.
  for (auto& record : records) {
    if (!queries::is_attempt(record.decision)) continue;
    auto tree = queries::capture_blocking_tree(session, record.decision.session.pid, max_query_length, timeout_);
    if (tree) {
      record.blocking_tree = std::move(*tree);
    } else {
      record.blocking_tree_error = tree.error().to_string();
    }
  }
  for (auto& record : records) {
    if (!queries::should_execute(record.decision)) continue;
    record.signal = queries::send_signal(session, record.decision.action, record.decision.session.pid, timeout_);
  }
  return records;
}

// Never the query text: it may hold data, and it is in the audit file for those allowed to read it.
void ActivityMonitor::log_record(const ActionRecord& record) const {
  const CancelDecision& d = record.decision;
  const auto& s = d.session;
  const auto reason = queries::to_string(d.reason);
  if (!queries::is_attempt(d)) {
    const auto level = d.reason == queries::CancelReason::rate_limited ? spdlog::level::info : spdlog::level::debug;
    spdlog::log(level, "cluster={} member={} left pid={} user={} alone: {} ({} {} after {:.1f}s)", cluster_, member_,
                s.pid, s.user, reason, verb(d.intended), queries::to_string(d.limit), s.duration_seconds);
    return;
  }
  if (!queries::should_execute(d)) {
    spdlog::info("cluster={} member={} dry_run: would {} pid={} user={} reason={} after {:.1f}s", cluster_, member_,
                 verb(d.action), s.pid, s.user, reason, s.duration_seconds);
    return;
  }
  if (queries::signal_succeeded(record)) {
    spdlog::info("cluster={} member={} sent {} to pid={} user={} reason={} after {:.1f}s", cluster_, member_,
                 verb(d.action), s.pid, s.user, reason, s.duration_seconds);
    return;
  }
  const std::string why = record.signal.error.empty() ? "the server did not signal it (the session had ended?)"
                                                      : record.signal.error;
  spdlog::warn("cluster={} member={} could not {} pid={} user={} reason={}: {}", cluster_, member_, verb(d.action),
               s.pid, s.user, reason, why);
}

void ActivityMonitor::failed(const std::string& problem) {
  sessions_.withdraw(member_, &pool_);  // the health cycle scans for itself until a poll works again
  if (problem == last_problem_) return;
  spdlog::warn("cluster={} member={} activity poll failed, nothing is cancelled here until it works: {}", cluster_,
               member_, problem);
  last_problem_ = problem;
}

}  // namespace pgvigil::cluster
