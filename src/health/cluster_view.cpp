#include "health/cluster_view.h"

#include <algorithm>

#include "health/checks/judge.h"

namespace pgvigil::health {
namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::ranges::find(names, name) != names.end();
}

void condemn(MemberSnapshot& m, std::string check, std::string value, std::string message) {
  m.status = Status::unhealthy;
  m.reasons.push_back(Reason{std::move(check), Severity::critical, std::move(value), "", std::move(message), 0});
}

}  // namespace

bool is_stale(const MemberSnapshot& member, SteadyTime now, std::chrono::nanoseconds interval) {
  return member.checked && now - member.checked_steady > 3 * interval;
}

ClusterSnapshot build_cluster_view(std::string name, std::vector<MemberSnapshot> members,
                                   const pool::Topology& topology, SteadyTime now,
                                   std::chrono::nanoseconds interval) {
  ClusterSnapshot cluster;
  cluster.name = std::move(name);
  cluster.primary = topology.primary;
  cluster.split_brain = topology.split_brain;
  for (auto& m : members) {
    if (!m.checked) {
      condemn(m, "stale", "never checked", "no health cycle has completed yet");
      continue;
    }
    const auto age = now - m.checked_steady;
    if (is_stale(m, now, interval)) {
      const double seconds = std::chrono::duration<double>(age).count();
      condemn(m, "stale", format_seconds(seconds),
              "the last completed health cycle is " + format_seconds(seconds) + " old");
    }
    if (contains(topology.fenced, m.name)) {
      m.fenced = true;
      condemn(m, "split_brain", "fenced",
              "claims to be primary but another member on a higher timeline is (or the timelines tie)");
    }
    if (contains(topology.foreign, m.name)) {
      m.foreign = true;
      condemn(m, "foreign_member", m.system_identifier,
              "its system identifier differs from the cluster's (" + topology.system_identifier + ")");
    }
  }
  cluster.members = std::move(members);

  auto add = [&](std::string check, std::string message) {
    cluster.reasons.push_back(Reason{std::move(check), Severity::critical, "", "", std::move(message), 0});
  };
  if (topology.split_brain) add("split_brain", "more than one member claims to be primary");
  const MemberSnapshot* primary = topology.primary ? cluster.member(*topology.primary) : nullptr;
  if (!primary) {
    if (!topology.split_brain) add("no_primary", "no reachable member is a primary");
  } else if (primary->status == Status::unhealthy || !primary->reachable) {
    add("primary_unhealthy", "the primary " + primary->name + " is unhealthy");
  }
  for (const auto& f : topology.foreign) {
    cluster.reasons.push_back(
        Reason{"foreign_member", Severity::warning, f, "", "member " + f + " belongs to another cluster", 0});
  }

  cluster.status = Status::healthy;
  for (const auto& r : cluster.reasons) cluster.status = std::max(cluster.status, status_for(r.severity));
  const bool any_member_unwell =
      std::ranges::any_of(cluster.members, [](const auto& m) { return m.status != Status::healthy; });
  if (any_member_unwell) cluster.status = std::max(cluster.status, Status::degraded);
  return cluster;
}

}  // namespace pgvigil::health
