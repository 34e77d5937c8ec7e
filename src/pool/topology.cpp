#include "pool/topology.h"

#include <algorithm>
#include <map>

namespace pgvigil::pool {
namespace {

std::string elect_system_identifier(std::span<const RoleReport> reports) {
  std::map<std::string, std::pair<int, bool>> votes;  // id -> (members, has a primary)
  for (const auto& r : reports) {
    if (!r.reachable || r.system_identifier.empty()) continue;
    auto& [count, has_primary] = votes[r.system_identifier];
    ++count;
    has_primary = has_primary || !r.in_recovery;
  }
  std::string best;
  std::pair<int, bool> best_vote{0, false};
  for (const auto& [id, vote] : votes) {
    if (vote > best_vote) {
      best = id;
      best_vote = vote;
    }
  }
  return best;
}

}  // namespace

Topology resolve_topology(std::span<const RoleReport> reports, const std::string& known_system_identifier) {
  Topology topology;
  topology.system_identifier =
      known_system_identifier.empty() ? elect_system_identifier(reports) : known_system_identifier;

  std::vector<const RoleReport*> primaries;
  for (const auto& r : reports) {
    if (!r.reachable) continue;
    if (!r.system_identifier.empty() && !topology.system_identifier.empty() &&
        r.system_identifier != topology.system_identifier) {
      topology.foreign.push_back(r.member);
      continue;
    }
    if (!r.in_recovery) primaries.push_back(&r);
  }
  if (primaries.size() == 1) {
    topology.primary = primaries.front()->member;
    return topology;
  }
  if (primaries.empty()) return topology;

  topology.split_brain = true;
  std::ranges::sort(primaries, std::greater{}, &RoleReport::timeline);
  const bool tie = primaries[0]->timeline == primaries[1]->timeline;
  if (!tie) topology.primary = primaries[0]->member;
  for (const auto* p : primaries) {
    if (!topology.primary || p->member != *topology.primary) topology.fenced.push_back(p->member);
  }
  return topology;
}

}  // namespace pgvigil::pool
