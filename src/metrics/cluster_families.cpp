// Families about each cluster as a whole, from its derived status and topology.
#include <array>

#include "metrics/snapshot_families.h"

namespace pgvigil::metrics {
namespace {

struct ClusterFamily {
  FamilySpec family;
  double (*read)(const health::ClusterSnapshot&);
};

constexpr std::array kClusterFamilies{
    ClusterFamily{{"pgvigil_cluster_status", "Cluster status: 0 healthy, 1 degraded, 2 unhealthy."},
                  [](const health::ClusterSnapshot& c) { return static_cast<double>(c.status); }},
    ClusterFamily{{"pgvigil_cluster_has_primary", "1 when a member is taken as the cluster's primary."},
                  [](const health::ClusterSnapshot& c) { return flag(c.primary.has_value()); }},
    ClusterFamily{{"pgvigil_cluster_split_brain", "1 when more than one member claims to be primary."},
                  [](const health::ClusterSnapshot& c) { return flag(c.split_brain); }},
};

}  // namespace

void write_cluster_families(FamilyWriter& out, const health::ClusterSnapshot& cluster) {
  for (const auto& row : kClusterFamilies) out.add(row.family, cluster_labels(cluster), row.read(cluster));
}

}  // namespace pgvigil::metrics
