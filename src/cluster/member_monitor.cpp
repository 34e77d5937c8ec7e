#include "cluster/member_monitor.h"

#include <spdlog/spdlog.h>

namespace pgvigil::cluster {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::primary: return "primary";
    case Role::replica: return "replica";
    case Role::unknown: return "unknown";
  }
  return "unknown";
}

MemberMonitor::MemberMonitor(const config::ClusterConfig& cluster, const config::MemberConfig& member,
                             pool::PoolManager& pools, const Clock& clock)
    : cluster_(cluster.name), member_(member.name), query_timeout_(cluster.health.query_timeout), pools_(pools),
      clock_(clock) {
  state_.cluster = cluster_;
  state_.member = member_;
  worker_ = std::make_unique<PeriodicWorker>("mon-" + member_, clock_, cluster.health.interval,
                                             [this](std::stop_token stop) { check(stop); });
}

MemberState MemberMonitor::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

void MemberMonitor::publish(MemberState next) {
  next.checked = true;
  next.checked_at = clock_.wall_now();
  // Keyed on what a person would call a change: up/down, role, kind of error and its message.
  std::string summary = next.up ? fmt::format("up as {}", to_string(next.role))
                                : fmt::format("down: {}", next.error ? next.error->to_string() : "unknown");
  if (summary != last_logged_) {
    if (next.up) {
      spdlog::info("cluster={} member={} {} (server {}, {:.1f} ms)", cluster_, member_, summary, next.server_version,
                   next.latency_ms);
    } else {
      spdlog::warn("cluster={} member={} {}{}", cluster_, member_, summary,
                   next.error && !next.error->suggestion.empty() ? "; " + next.error->suggestion : "");
    }
    last_logged_ = std::move(summary);
  }
  std::lock_guard lock(mutex_);
  state_ = std::move(next);
}

void MemberMonitor::mark_down(const db::Error& error) {
  pools_.report_unreachable(member_);
  MemberState next = state();
  next.up = false;
  next.error = error;
  publish(std::move(next));
}

void MemberMonitor::check(std::stop_token stop) {
  if (stop.stop_requested()) return;
  auto* pool = pools_.pool(member_);
  auto lease = pool->acquire();
  if (!lease) {
    mark_down(lease.error());
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  auto result = (*lease)->query(kRoleQuery, query_timeout_);
  if (!result) {
    mark_down(result.error());
    return;
  }
  const bool in_recovery = result->get_bool(0, "in_recovery").value_or(false);
  pools_.report_role(pool::RoleReport{member_, true, in_recovery, result->get_int(0, "timeline").value_or(0),
                                      result->get(0, "system_identifier").value_or("")});
  MemberState next = state();
  next.up = true;
  next.error.reset();
  next.role = in_recovery ? Role::replica : Role::primary;
  next.server_version = (*lease)->server_version();
  next.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  publish(std::move(next));
}

}  // namespace pgvigil::cluster
