#include "metrics/cluster_fragment.h"

#include <utility>

#include "metrics/snapshot_families.h"

namespace pgvigil::metrics {

std::shared_ptr<const ClusterFragment> render_cluster_fragment(health::ClusterSnapshotPtr cluster) {
  auto fragment = std::make_shared<ClusterFragment>();
  FamilyTextWriter out(fragment->families);
  write_whole_cluster(out, *cluster);
  fragment->cluster = std::move(cluster);
  return fragment;
}

}  // namespace pgvigil::metrics
