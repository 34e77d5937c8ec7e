#include "http/probe_rules.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "config/duration.h"

namespace pgvigil::http {
namespace {

ProbeResult pass() { return {200, {}}; }
ProbeResult fail(std::string why) { return {503, std::move(why)}; }

// "unhealthy (split_brain, no_primary)": the critical reasons are what made it unhealthy.
std::string unhealthy_because(const std::vector<health::Reason>& reasons) {
  std::string checks;
  for (const auto& reason : reasons) {
    if (reason.severity != health::Severity::critical) continue;
    if (!checks.empty()) checks += ", ";
    checks += reason.check;
  }
  return checks.empty() ? "unhealthy" : "unhealthy (" + checks + ")";
}

// Up to three decimals, trailing zeros dropped: "14.2", "10", "0.125".
std::string format_seconds(double seconds) {
  std::string text = fmt::format("{:.3f}", seconds);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text + "s";
}

std::string format_bytes(double bytes) {
  // A replica can briefly report itself ahead of a stale primary position: show that as no lag.
  const double clamped = std::max(bytes, 0.0);
  return config::format_size(static_cast<std::uint64_t>(std::llround(clamped)));
}

bool known(const std::optional<double>& value) { return value && std::isfinite(*value); }

// Why a member that is supposed to be the primary cannot take writes, if it cannot.
std::optional<std::string> primary_fault(const health::MemberSnapshot& member) {
  if (!member.reachable) return "unreachable";
  if (member.fenced) return "fenced in a split brain";
  if (member.role != health::MemberRole::primary) {
    return "not in the primary role (" + std::string(to_string(member.role)) + ")";
  }
  if (member.status == health::Status::unhealthy) return unhealthy_because(member.reasons);
  return std::nullopt;
}

}  // namespace

ProbeResult overall_health(const health::Snapshot& snapshot) {
  if (snapshot.clusters.empty()) return fail("no cluster has been checked yet");
  std::string unhealthy;
  for (const auto& cluster : snapshot.clusters) {
    if (cluster->status != health::Status::unhealthy) continue;
    if (!unhealthy.empty()) unhealthy += ", ";
    unhealthy += cluster->name;
  }
  return unhealthy.empty() ? pass() : fail("unhealthy clusters: " + unhealthy);
}

ProbeResult cluster_health(const health::ClusterSnapshot& cluster) {
  if (cluster.status != health::Status::unhealthy) return pass();
  return fail(unhealthy_because(cluster.reasons));
}

ProbeResult cluster_primary(const health::ClusterSnapshot& cluster) {
  if (!cluster.primary) {
    return fail(cluster.split_brain ? "split brain with no clear primary (timeline tie)" : "no primary");
  }
  const health::MemberSnapshot* member = cluster.member(*cluster.primary);
  if (member == nullptr) return fail("primary " + *cluster.primary + " is not a configured member");
  if (auto fault = primary_fault(*member)) return fail("primary " + member->name + " is " + *fault);
  return pass();
}

ProbeResult member_primary(const health::ClusterSnapshot& cluster, const health::MemberSnapshot& member) {
  // Reachability and fencing first: they say more than "not the primary" about a member that
  // is down or caught in a split brain.
  if (!member.reachable) return fail("unreachable");
  if (member.fenced) return fail("fenced in a split brain");
  if (!cluster.primary) {
    return fail(cluster.split_brain ? "split brain with no clear primary (timeline tie)" : "cluster has no primary");
  }
  if (*cluster.primary != member.name) return fail("not the primary (" + *cluster.primary + " is)");
  if (auto fault = primary_fault(member)) return fail(*fault);
  return pass();
}

ProbeResult member_replica(const health::MemberSnapshot& member, const LagLimits& limits) {
  if (!member.reachable) return fail("unreachable");
  if (member.role != health::MemberRole::replica) {
    return fail("not a replica (role " + std::string(to_string(member.role)) + ")");
  }
  const auto& replication = member.replication;
  if (!replication.streaming) return fail("not streaming");
  if (member.status == health::Status::unhealthy) return fail(unhealthy_because(member.reasons));
  if (!known(replication.lag_seconds)) return fail("lag in seconds unknown");
  if (*replication.lag_seconds > limits.max_seconds) {
    return fail("lag " + format_seconds(*replication.lag_seconds) + " exceeds " + format_seconds(limits.max_seconds));
  }
  if (!known(replication.lag_bytes)) return fail("lag in bytes unknown");
  if (*replication.lag_bytes > limits.max_bytes) {
    return fail("lag " + format_bytes(*replication.lag_bytes) + " exceeds " + format_bytes(limits.max_bytes));
  }
  return pass();
}

LagLimits default_lag_limits(const health::Snapshot& snapshot, std::string_view cluster) {
  health::ProbeDefaults defaults;
  if (snapshot.probe_defaults) {
    if (auto it = snapshot.probe_defaults->find(cluster); it != snapshot.probe_defaults->end()) defaults = it->second;
  }
  return {defaults.max_lag_bytes, defaults.max_lag_seconds};
}

}  // namespace pgvigil::http
