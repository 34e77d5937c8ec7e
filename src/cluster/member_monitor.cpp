#include "cluster/member_monitor.h"

#include <spdlog/spdlog.h>

#include "cluster/schema_runner.h"
#include "cluster/write_probe_runner.h"
#include "health/checks/check.h"
#include "health/checks/database_checks.h"
#include "health/checks/replication_checks.h"
#include "health/cycle_reader.h"
#include "health/schema/schema_evaluation.h"
#include "health/schema/schema_sql.h"
#include "util/run_delay.h"

namespace pgvigil::cluster {
namespace {

double seconds_between(SteadyTime a, SteadyTime b) { return std::chrono::duration<double>(b - a).count(); }

// Round trips are timed on the real clock whatever clock_ is: they measure the server.
double seconds_since(SteadyTime sent) { return seconds_between(sent, std::chrono::steady_clock::now()); }

// A round trip to the server, from sending the statement to its answer, less the time this thread
// spent waiting for a CPU of our own host meanwhile (an HTTP flood, a busy machine): that wait is
// the daemon's, not the server's or the network's.
class RoundTrip {
 public:
  RoundTrip() : sent_(std::chrono::steady_clock::now()), waited_before_(thread_run_delay()) {}
  double seconds() const {
    const double elapsed = seconds_since(sent_);
    const auto waited_after = thread_run_delay();
    if (!waited_before_ || !waited_after) return elapsed;
    const double queued = std::chrono::duration<double>(*waited_after - *waited_before_).count();
    return std::max(0.0, elapsed - queued);
  }

 private:
  SteadyTime sent_;
  std::optional<std::chrono::nanoseconds> waited_before_;
};

constexpr std::string_view kPing = "SELECT 1";

std::optional<double> connectivity_warning(const ClusterPlan& plan) {
  const auto it = plan.config.health.checks.find("connectivity");
  if (it == plan.config.health.checks.end() || !it->second.enabled) return std::nullopt;
  return it->second.warning;
}

// A refused connection or a session the server closed is certain; a timeout may be a blip.
bool definitive(const db::Error& error) {
  return error.kind == db::ErrorKind::connection || error.kind == db::ErrorKind::authentication;
}

}  // namespace

MemberMonitor::MemberMonitor(MemberContext context, Scheduler& scheduler, std::function<void()> on_publish,
                             const queries::StatementsAvailability* statements, Service service)
    : ctx_(std::move(context)), on_publish_(std::move(on_publish)), statements_(statements),
      damper_(1, 1), in_service_(service == Service::in_service) {
  const auto plan = ctx_.plan.current();
  damper_.set_thresholds(plan->config.health.fail_after, plan->config.health.recover_after);
  snapshot_.name = ctx_.member;
  task_ = scheduler.every("mon-" + ctx_.member, plan->config.health.interval,
                          [this](std::stop_token stop) { cycle(stop); });
  task_->start();
}

health::MemberSnapshot MemberMonitor::snapshot() const {
  health::MemberSnapshot copy;
  {
    std::lock_guard lock(mutex_);
    copy = snapshot_;
  }
  copy.cycle_overruns = task_->overruns();
  return copy;
}

bool MemberMonitor::in_service() const {
  std::lock_guard lock(mutex_);
  return in_service_;
}

void MemberMonitor::enter_service() {
  health::MemberSnapshot last;
  {
    std::lock_guard lock(mutex_);
    in_service_ = true;
    last = snapshot_;
  }
  if (!last.checked) return;
  if (last.reachable) {
    ctx_.cluster_pools.report_role(pool::RoleReport{ctx_.member, true, last.role == health::MemberRole::replica,
                                                    last.timeline, last.system_identifier});
  } else {
    ctx_.cluster_pools.report_unreachable(ctx_.member);
  }
}

std::optional<health::Lsn> MemberMonitor::read_primary_lsn(const ClusterPlan& plan) {
  auto lease = ctx_.cluster_pools.acquire_primary(pool::Purpose::health);
  if (!lease) return std::nullopt;
  auto result = (*lease)->query_prepared("SELECT pg_catalog.pg_current_wal_lsn()::text AS lsn",
                                         plan.config.health.query_timeout);
  if (!result) return std::nullopt;
  return health::parse_lsn(result->get(0, "lsn").value_or(""));
}

std::expected<void, db::Error> MemberMonitor::read_member(const ClusterPlan& plan, db::Connection& session,
                                                         bool costly_due, health::SessionSource sessions,
                                                         health::Observations& obs) {
  const auto timeout = plan.config.health.query_timeout;
  if (costly_due) {
    const RoundTrip timing;
    auto both = session.query_prepared(plan.cycle_query(true, sessions), timeout);
    if (both) {
      const double round_trip = timing.seconds();
      health::read_cycle_row(*both, obs);
      keep_costly(obs);
      costly_.check_seconds["costly"] = round_trip;
      // This round trip includes the costly checks' work (pg_database_size() walks the data
      // directory): connectivity keeps the last regular one, an interval old, rather than
      // report that work as a slow server.
      obs.latency_seconds = last_regular_seconds_.value_or(round_trip);
      return {};
    }
    if (!session.is_open()) return std::unexpected(both.error());
    spdlog::warn("cluster={} member={} costly checks failed: {}", ctx_.cluster, ctx_.member,
                 both.error().to_string());
  }
  const RoundTrip timing;
  auto regular = session.query_prepared(plan.cycle_query(false, sessions), timeout);
  if (!regular) return std::unexpected(regular.error());
  obs.latency_seconds = timing.seconds();
  // A round trip past the connectivity warning is confirmed by a bare one before it is believed:
  // a hiccup of a busy host, which the next round trip does not see, is no slow server.
  if (const auto warning = connectivity_warning(plan); warning && obs.latency_seconds > *warning) {
    const RoundTrip confirm;
    if (session.query_prepared(kPing, timeout)) obs.latency_seconds = std::min(obs.latency_seconds, confirm.seconds());
  }
  last_regular_seconds_ = obs.latency_seconds;
  health::read_cycle_row(*regular, obs);
  return {};
}

void MemberMonitor::keep_costly(const health::Observations& fresh) {
  costly_.blocking = fresh.blocking;
  costly_.wraparound = fresh.wraparound;
  costly_.slots = fresh.slots;
  costly_.wal_dir_bytes = fresh.wal_dir_bytes;
  costly_.archiver = fresh.archiver;
  costly_.database_size_bytes = fresh.database_size_bytes;
}

bool MemberMonitor::run_schema(const ClusterPlan& plan, db::Connection& connection, SteadyTime started) {
  const auto& schema = *plan.config.schema;
  const auto sent = std::chrono::steady_clock::now();
  auto read = read_schema(connection, plan.schema_catalog_sql, plan.config.health.query_timeout);
  if (!read) {
    // A migration holding a lock on a history table, or a blip: try again next cycle, a few
    // times, before reporting it.
    constexpr int kRetries = 3;
    if (read.error().retryable && ++schema_failures_ < kRetries) return false;
    spdlog::warn("cluster={} member={} schema check failed: {}", ctx_.cluster, ctx_.member,
                 read.error().to_string());
    health::SchemaObservation failed;
    failed.query_error = read.error().to_string();
    schema_obs_ = std::move(failed);
    schema_failures_ = 0;
    next_schema_ = started + schema.interval;
    return false;
  }
  schema_seconds_ = seconds_since(sent);
  schema_failures_ = 0;
  next_schema_ = started + schema.interval;
  if (read->history.alembic_versions != alembic_versions_) {
    alembic_versions_ = read->history.alembic_versions;
    const std::string versions =
        alembic_versions_.empty() ? std::string("none") : fmt::format("{}", fmt::join(alembic_versions_, ","));
    spdlog::info("cluster={} member={} alembic version {}", ctx_.cluster, ctx_.member, versions);
  }
  schema_obs_ = std::move(*read);
  return true;
}

void MemberMonitor::cycle(std::stop_token stop) {
  if (stop.stop_requested()) return;
  const auto started = ctx_.clock.now();
  const PlanPtr plan = ctx_.plan.current();
  const auto& health_config = plan->config.health;
  const auto& schema = plan->config.schema;
  damper_.set_thresholds(health_config.fail_after, health_config.recover_after);
  health::Observations obs;
  // Read the primary's position before the replica's, so a replica that has caught up reads as
  // zero lag rather than as the primary's writes since.
  if (last_role_ == health::MemberRole::replica) obs.primary_lsn = read_primary_lsn(*plan);

  auto lease = ctx_.pool.acquire(pool::Purpose::health);
  if (!lease) {
    if (lease.error().monitor_side) return delayed_by_monitor(lease.error(), started);
    return mark_down(lease.error(), started);
  }
  const bool costly_due = started >= next_costly_;
  if (costly_due) next_costly_ = started + health_config.slow_checks_interval;
  // The canceller's poll read pg_stat_activity moments ago: its reading stands for a scan.
  const auto polled = ctx_.sessions.fresh(
      ctx_.member, &ctx_.pool, ctx_.clock.now(),
      queries::session_post_limit(plan->config.queries.activity_interval, health_config.query_timeout));
  const auto sessions = polled ? health::SessionSource::activity_poll : health::SessionSource::scan;
  if (auto read = read_member(*plan, **lease, costly_due, sessions, obs); !read) {
    return mark_down(read.error(), started);
  }
  if (polled) health::adopt_sessions(polled->readings, health_config, obs);
  if (plan->heartbeat_table && (*lease)->is_open()) {
    run_write_probe(**lease, *plan->heartbeat_table, ctx_.member, obs.role.in_recovery, health_config.query_timeout,
                    obs);
  }
  // Replicas are physical copies of the primary's schema: the check runs on the primary only.
  if (!schema) forget_schema();
  const bool schema_ran = schema && !obs.role.in_recovery && started >= next_schema_ && (*lease)->is_open() &&
                          run_schema(*plan, **lease, started);
  lease = std::unexpected(db::Error{});  // give the session back before judging
  if (schema_ran) read_migration_files(*schema, *schema_obs_);
  if (obs.role.in_recovery) forget_schema();  // and a promotion runs it at once
  obs.blocking = costly_.blocking;
  obs.wraparound = costly_.wraparound;
  obs.slots = costly_.slots;
  obs.wal_dir_bytes = costly_.wal_dir_bytes;
  obs.archiver = costly_.archiver;
  obs.database_size_bytes = costly_.database_size_bytes;
  if (last_regular_seconds_) obs.check_seconds["regular"] = *last_regular_seconds_;
  if (schema_obs_ && schema_seconds_) obs.check_seconds["schema"] = *schema_seconds_;
  if (auto it = costly_.check_seconds.find("costly"); it != costly_.check_seconds.end()) {
    obs.check_seconds["costly"] = it->second;
  }
  if (obs.cache_blocks) {
    if (last_cache_blocks_) obs.cache_hit_ratio = health::cache_hit_between(*last_cache_blocks_, *obs.cache_blocks);
    last_cache_blocks_ = obs.cache_blocks;
  }

  const auto& role = obs.role;
  if (in_service()) {
    ctx_.cluster_pools.report_role(
        pool::RoleReport{ctx_.member, true, role.in_recovery, role.timeline, role.system_identifier});
  }
  last_role_ = role.in_recovery ? health::MemberRole::replica : health::MemberRole::primary;
  if (role.in_recovery) {
    obs.caught_up_at = caught_up_at_;
    if (health::caught_up(obs)) caught_up_at_ = role.server_now;
  } else {
    caught_up_at_.reset();
  }

  auto evaluation = health::evaluate_checks(obs, health_config);
  const bool sampled = statements_ != nullptr && plan->config.queries.statements;
  if (const auto problem = sampled ? statements_->problem(ctx_.member) : std::nullopt) {
    evaluation.add(queries::statements_reason(*problem), queries::statements_fix(*problem));
  }
  std::optional<int> schema_problems;
  if (schema && schema_obs_) schema_problems = health::evaluate_schema(*schema_obs_, *schema, evaluation);
  health::MemberSnapshot next;
  next.name = ctx_.member;
  next.reachable = true;
  next.role = last_role_;
  next.status = damper_.update(evaluation.status);
  next.reasons = std::move(evaluation.reasons);
  next.recommendations = std::move(evaluation.recommendations);
  next.latency_ms = obs.latency_seconds * 1000;
  next.server_version = role.server_version;
  next.timeline = role.timeline;
  next.system_identifier = role.system_identifier;
  if (role.in_recovery) {
    next.replication = health::replication_view(obs);
    next.replication.heartbeat_age_seconds = obs.heartbeat_age_seconds;
  }
  next.connections = obs.connections;
  next.database_size_bytes = obs.database_size_bytes;
  next.check_seconds = obs.check_seconds;
  if (next.replication.lag_seconds) next.values["replication_lag"] = *next.replication.lag_seconds;
  if (obs.longest_query) next.values["long_running"] = obs.longest_query->seconds;
  if (obs.longest_idle_in_transaction) next.values["idle_in_transaction"] = obs.longest_idle_in_transaction->seconds;
  if (obs.blocking) next.values["blocking"] = obs.blocking->longest_wait_seconds;
  if (obs.oldest_prepared_seconds) next.values["prepared_xacts"] = *obs.oldest_prepared_seconds;
  if (obs.write_probe && obs.write_probe->ok) next.values["write_probe"] = obs.write_probe->seconds;
  if (obs.cache_hit_ratio) next.values["cache_hit"] = *obs.cache_hit_ratio;
  if (obs.slots) next.values["replication_slots"] = obs.slots->max_retained_bytes;
  if (obs.wal_dir_bytes) next.values["wal"] = *obs.wal_dir_bytes;
  if (obs.wraparound) {
    next.values["wraparound"] = std::max(obs.wraparound->xid_age, obs.wraparound->mxid_age) / 2147483648.0;
  }
  next.values["connectivity"] = obs.latency_seconds;
  if (schema_problems) next.values["schema"] = *schema_problems;
  publish(std::move(next), started);
}

void MemberMonitor::forget_schema() {
  schema_obs_.reset();
  schema_seconds_.reset();
  schema_failures_ = 0;
  next_schema_ = {};
}

void MemberMonitor::mark_down(const db::Error& error, SteadyTime started) {
  if (in_service()) ctx_.cluster_pools.report_unreachable(ctx_.member);
  caught_up_at_.reset();  // what comes back may be another server's data (a restore, a rebuild)
  last_regular_seconds_.reset();  // says nothing of the server that comes back
  forget_schema();                // and the server that comes back is checked at once
  health::MemberSnapshot next;
  next.name = ctx_.member;
  next.reachable = false;
  next.role = last_role_;  // the last role known, for people; probes look at reachable
  next.error = error.to_string();
  next.status = damper_.update(health::Status::unhealthy, definitive(error));
  next.reasons.push_back(health::Reason{"unreachable", health::Severity::critical, std::string(db::to_string(error.kind)),
                                        "reachable", error.to_string(), 0});
  if (!error.suggestion.empty()) next.recommendations.push_back(error.suggestion);
  publish(std::move(next), started);
}

void MemberMonitor::delayed_by_monitor(const db::Error& error, SteadyTime started) {
  // Nothing was learnt of the server: the last verdict stands, with the reason it was not renewed.
  health::MemberSnapshot next;
  {
    std::lock_guard lock(mutex_);
    next = snapshot_;
  }
  if (!next.checked) return;  // no verdict yet to stand on: the next cycle tries again
  last_delay_ = DelayNote{ctx_.clock.now(), "pool_exhausted", "check delayed by the monitor: " + error.message};
  spdlog::debug("cluster={} member={} health cycle delayed: {}", ctx_.cluster, ctx_.member, error.message);
  publish(std::move(next), started, Renewal::kept);
}

void MemberMonitor::publish(health::MemberSnapshot next, SteadyTime started, Renewal renewal) {
  const auto now = ctx_.clock.now();
  const auto delay = task_->last_delay();
  const auto plan = ctx_.plan.current();
  const auto late = std::max<std::chrono::nanoseconds>(plan->config.health.interval / 5, std::chrono::milliseconds(500));
  if (renewal == Renewal::fresh && delay > late) {
    last_delay_ = DelayNote{now, "cycle_delayed",
                            fmt::format("check started {:.3f}s late: the monitor is saturated",
                                        std::chrono::duration<double>(delay).count())};
  }
  // Said for three intervals after the last delay, so that an intermittent saturation reads as
  // one steady condition rather than a flicker.
  std::erase_if(next.reasons, [](const health::Reason& r) { return r.check == kMonitorCheck; });
  if (last_delay_ && now - last_delay_->at < 3 * plan->config.health.interval) {
    next.reasons.push_back(health::Reason{std::string(kMonitorCheck), health::Severity::info, last_delay_->kind,
                                          "on time", last_delay_->message, 0});
  }
  next.checked = true;
  next.checked_at = ctx_.clock.wall_now();
  next.checked_steady = now;
  next.pool = ctx_.pool.stats();
  next.cycles = ++cycles_;
  next.last_cycle_seconds = seconds_between(started, now);
  next.cycle_delay_seconds = std::chrono::duration<double>(delay).count();
  // Keyed on what a person would call a change: reachability, role, status and error.
  std::string summary = next.reachable ? fmt::format("up as {}, {}", health::to_string(next.role),
                                                     health::to_string(next.status))
                                       : "down: " + next.error;
  if (summary != last_logged_) {
    if (next.reachable) {
      std::string why;
      for (const auto& r : next.reasons) why += fmt::format("; {}: {}", r.check, r.message);
      spdlog::info("cluster={} member={} {} ({:.1f} ms){}", ctx_.cluster, ctx_.member, summary, next.latency_ms, why);
    } else {
      spdlog::warn("cluster={} member={} {}{}", ctx_.cluster, ctx_.member, summary,
                   next.recommendations.empty() ? "" : "; " + next.recommendations.front());
    }
    last_logged_ = std::move(summary);
  }
  bool publishing = false;
  {
    std::lock_guard lock(mutex_);
    snapshot_ = std::move(next);
    publishing = in_service_;
  }
  if (publishing && on_publish_) on_publish_();
}

}  // namespace pgvigil::cluster
