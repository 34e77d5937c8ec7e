#include "http/cluster_json_cache.h"

#include <cstddef>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "http/health_json.h"

namespace pgvigil::http {
namespace {

ClusterJsonPtr render(const health::ClusterSnapshotPtr& cluster) {
  return std::make_shared<const ClusterJson>(ClusterJson{cluster, cluster_json(*cluster)});
}

}  // namespace

ClusterJsonPtr ClusterJsonCache::cached(const health::ClusterSnapshot& cluster) const {
  const auto found = by_name_.find(cluster.name);
  if (found == by_name_.end() || found->second->cluster.get() != &cluster) return nullptr;
  return found->second;
}

ClusterJsonPtr ClusterJsonCache::document(const health::ClusterSnapshotPtr& cluster) {
  {
    std::lock_guard lock(mutex_);
    if (ClusterJsonPtr hit = cached(*cluster)) return hit;
  }
  ClusterJsonPtr rendered = render(cluster);
  std::lock_guard lock(mutex_);
  by_name_.insert_or_assign(cluster->name, rendered);
  return rendered;
}

std::vector<ClusterJsonPtr> ClusterJsonCache::documents(const health::Snapshot& snapshot) {
  std::vector<ClusterJsonPtr> out(snapshot.clusters.size());
  std::vector<std::size_t> missing;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i] = cached(*snapshot.clusters[i]);
      if (out[i] == nullptr) missing.push_back(i);
    }
    // Every cluster hit, so each has its entry: any more entries are of removed clusters.
    if (missing.empty() && by_name_.size() == out.size()) return out;
  }
  for (const std::size_t i : missing) out[i] = render(snapshot.clusters[i]);
  std::lock_guard lock(mutex_);
  for (const std::size_t i : missing) by_name_.insert_or_assign(snapshot.clusters[i]->name, out[i]);
  if (by_name_.size() > out.size()) {
    std::unordered_set<std::string_view> current;
    for (const auto& cluster : snapshot.clusters) current.insert(cluster->name);
    std::erase_if(by_name_, [&current](const auto& entry) { return !current.contains(entry.first); });
  }
  return out;
}

}  // namespace pgvigil::http
