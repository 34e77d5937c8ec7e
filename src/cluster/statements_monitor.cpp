#include "cluster/statements_monitor.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "queries/recommendations.h"
#include "queries/report_builder.h"
#include "queries/statement_diff.h"

namespace pgvigil::cluster {
namespace {

using queries::StatementsProblem;
using queries::StatementsProblemKind;

constexpr std::string_view kNotLoaded = "55000";  // object_not_in_prerequisite_state

bool names_missing(const queries::Selection& selection, const queries::StatementLabels& labels) {
  return std::ranges::any_of(selection.statements, [&](const queries::SelectedStatement& s) {
    return !labels.knows_user(s.delta.key.userid) || !labels.knows_database(s.delta.key.dbid);
  });
}

}  // namespace

StatementsMonitor::StatementsMonitor(const MemberContext& context, Scheduler& scheduler,
                                     queries::IntervalJournal& journal, queries::StatementsAvailability& availability,
                                     std::function<void()> on_record)
    : cluster_(context.cluster), member_(context.member), plan_(context.plan),
      timeout_(context.plan.current()->config.health.query_timeout), pool_(context.pool), clock_(context.clock),
      journal_(journal), availability_(availability), on_record_(std::move(on_record)),
      labels_(static_cast<std::size_t>(context.plan.current()->config.queries.max_query_length)) {
  task_ = scheduler.every("stm-" + member_, plan_.current()->config.queries.statements_interval,
                          [this](std::stop_token stop) { run(stop); });
  task_->start();
}

void StatementsMonitor::run(std::stop_token stop) {
  if (stop.stop_requested()) return;
  const PlanPtr plan = plan_.current();
  const config::QueriesConfig& queries_ = plan->config.queries;
  timeout_ = plan->config.health.query_timeout;
  auto lease = pool_.acquire();
  if (!lease) return;  // the health cycle reports an unreachable member; the next sample diffs from the last
  if (!read(**lease)) return;
  const WallTime recorded_at = clock_.wall_now();

  if (!previous_) {  // the first sample only primes
    previous_ = std::move(current_);
    previous_tables_ = std::move(current_tables_);
    return;
  }
  const queries::IntervalDelta delta = queries::diff_samples(*previous_, *current_);
  const queries::Selection selection = queries::select_statements(
      delta, {.slow_threshold_ms = std::chrono::duration<double, std::milli>(queries_.slow_threshold).count(),
              .top_n = static_cast<std::size_t>(queries_.top_n)});
  auto recommendations = queries::recommend(delta, queries::diff_tables(previous_tables_, current_tables_));
  label(**lease, selection, recommendations);
  lease = std::unexpected(db::Error{});  // the rest needs no session
  previous_ = std::move(current_);
  previous_tables_ = std::move(current_tables_);

  journal_.record(queries::build_report({.cluster = cluster_,
                                         .member = member_,
                                         .interval = &delta,
                                         .selection = &selection,
                                         .recommendations = std::move(recommendations),
                                         .hidden = hidden_,
                                         .recorded_at = recorded_at},
                                        labels_),
                  {.history = queries_.history, .metrics_top_n = queries_.metrics_top_n});
  if (delta.reset_detected) {
    spdlog::info("cluster={} member={} pg_stat_statements was reset since the last sample; the interval counts "
                 "only what began after it",
                 cluster_, member_);
  }
  if (on_record_) on_record_();
}

bool StatementsMonitor::read(db::Connection& session) {
  auto probe = queries::probe_extension(session, timeout_);
  if (!probe) {
    note("cannot check pg_stat_statements: " + probe.error().to_string(), true);
    return false;
  }
  probe_ = std::move(*probe);
  if (!probe_.version) {
    return unavailable(StatementsProblem{.kind = StatementsProblemKind::not_installed,
                                         .database = probe_.database,
                                         .preloaded = probe_.preloaded.value_or(true)},
                       "pg_stat_statements is not installed in database " + probe_.database);
  }
  const auto version = queries::parse_extension_version(*probe_.version);
  const auto sql = version ? queries::sample_sql(*version, probe_.schema) : std::nullopt;
  if (!sql) {
    return unavailable(StatementsProblem{.kind = StatementsProblemKind::too_old,
                                         .database = probe_.database,
                                         .version = *probe_.version},
                       "pg_stat_statements " + *probe_.version + " is too old");
  }
  auto sample = queries::read_sample(session, *sql, timeout_);
  if (!sample && sample.error().sqlstate == kNotLoaded) {
    return unavailable(StatementsProblem{.kind = StatementsProblemKind::not_preloaded, .database = probe_.database},
                       "pg_stat_statements is not in shared_preload_libraries");
  }
  if (!sample) {
    note("cannot read pg_stat_statements: " + sample.error().to_string(), true);
    return false;
  }
  hidden_ = sample->hidden;
  availability_.set(member_, hidden_ > 0 ? std::optional(StatementsProblem{
                                               .kind = StatementsProblemKind::hidden_entries,
                                               .database = probe_.database,
                                               .role = probe_.role,
                                               .hidden = hidden_})
                                         : std::nullopt);
  note("reading pg_stat_statements " + *probe_.version, false);
  current_ = std::move(sample->sample);
  current_tables_.clear();
  if (!probe_.in_recovery) {
    // Without them only the table recommendations are missing: not worth failing the interval.
    if (auto tables = queries::read_table_stats(session, timeout_)) {
      current_tables_ = std::move(*tables);
    } else {
      spdlog::debug("cluster={} member={} table statistics not read: {}", cluster_, member_,
                    tables.error().to_string());
    }
  }
  return true;
}

void StatementsMonitor::label(db::Connection& session, const queries::Selection& selection,
                              const std::vector<queries::Recommendation>& recommendations) {
  std::vector<std::int64_t> unknown;
  for (const std::int64_t id : queries::queryids_to_label(selection, recommendations)) {
    if (!labels_.has_text(id)) unknown.push_back(id);
  }
  // Without texts or names the report still holds every figure; they are asked for again next time.
  if (auto texts = queries::read_texts(session, probe_.schema, unknown, labels_, timeout_); !texts) {
    spdlog::debug("cluster={} member={} query texts not read: {}", cluster_, member_, texts.error().to_string());
  }
  if (names_missing(selection, labels_) && session.is_open()) {
    if (auto names = queries::read_names(session, labels_, timeout_); !names) {
      spdlog::debug("cluster={} member={} role and database names not read: {}", cluster_, member_,
                    names.error().to_string());
    }
  }
}

bool StatementsMonitor::unavailable(std::optional<StatementsProblem> problem, std::string why) {
  availability_.set(member_, std::move(problem));
  // Whatever comes back (an extension created again, a restart with it preloaded) starts anew.
  previous_.reset();
  previous_tables_.clear();
  note(std::move(why), true);
  return false;
}

void StatementsMonitor::note(std::string state, bool trouble) {
  if (state == last_state_) return;
  if (trouble) {
    spdlog::warn("cluster={} member={} {}; statement statistics are paused", cluster_, member_, state);
  } else {
    spdlog::info("cluster={} member={} {} every {}s", cluster_, member_, state,
                 std::chrono::duration<double>(plan_.current()->config.queries.statements_interval).count());
  }
  last_state_ = std::move(state);
}

}  // namespace pgvigil::cluster
