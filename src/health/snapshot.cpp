#include "health/snapshot.h"

#include <algorithm>

namespace pgvigil::health {

std::string_view to_string(MemberRole role) {
  switch (role) {
    case MemberRole::primary: return "primary";
    case MemberRole::replica: return "replica";
    case MemberRole::unknown: return "unknown";
  }
  return "unknown";
}

const MemberSnapshot* ClusterSnapshot::member(std::string_view wanted) const {
  auto it = std::ranges::find(members, wanted, &MemberSnapshot::name);
  return it == members.end() ? nullptr : &*it;
}

const ClusterSnapshot* Snapshot::cluster(std::string_view wanted) const {
  auto it = std::ranges::find(clusters, wanted, &ClusterSnapshot::name);
  return it == clusters.end() ? nullptr : &*it;
}

Status Snapshot::status() const {
  if (clusters.empty()) return Status::unhealthy;
  Status worst = Status::healthy;
  for (const auto& c : clusters) worst = std::max(worst, c.status);
  return worst;
}

}  // namespace pgvigil::health
