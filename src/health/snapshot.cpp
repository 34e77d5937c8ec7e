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

namespace {

// Null when there is none; a pointer to the vector's element, so no reference count is touched.
const ClusterSnapshotPtr* find_cluster(const std::vector<ClusterSnapshotPtr>& clusters, std::string_view wanted) {
  auto it = std::ranges::find_if(clusters, [wanted](const ClusterSnapshotPtr& c) { return c->name == wanted; });
  return it == clusters.end() ? nullptr : &*it;
}

}  // namespace

const ClusterSnapshot* Snapshot::cluster(std::string_view wanted) const {
  const ClusterSnapshotPtr* found = find_cluster(clusters, wanted);
  return found == nullptr ? nullptr : found->get();
}

ClusterSnapshotPtr Snapshot::shared_cluster(std::string_view wanted) const {
  const ClusterSnapshotPtr* found = find_cluster(clusters, wanted);
  return found == nullptr ? nullptr : *found;
}

Status Snapshot::status() const {
  if (clusters.empty()) return Status::unhealthy;
  Status worst = Status::healthy;
  for (const auto& c : clusters) worst = std::max(worst, c->status);
  return worst;
}

}  // namespace pgvigil::health
