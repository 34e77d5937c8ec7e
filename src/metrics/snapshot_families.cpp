#include "metrics/snapshot_families.h"

#include <prometheus/metric_family.h>

#include <utility>

#include "metrics/statement_families.h"

namespace pgvigil::metrics {

SnapshotFamilies snapshot_families(const health::Snapshot* snapshot) {
  SnapshotFamilies families;
  FamilyCollector daemon(families.daemon);
  write_daemon_families(daemon, snapshot);
  if (snapshot == nullptr) return families;
  FamilyCollector out(families.clusters);
  for (const auto& cluster : snapshot->clusters) write_whole_cluster(out, *cluster);
  write_action_families(out, *snapshot);
  write_alert_families(out, *snapshot);
  write_statement_families(out, *snapshot);
  return families;
}

void write_whole_cluster(FamilyWriter& out, const health::ClusterSnapshot& cluster) {
  write_cluster_families(out, cluster);
  for (const auto& member : cluster.members) {
    write_member_families(out, cluster, member);
    write_workload_families(out, cluster, member);
    write_pool_families(out, cluster, member);
  }
}

Labels cluster_labels(const health::ClusterSnapshot& cluster) { return {{"cluster", cluster.name}}; }

Labels member_labels(const health::ClusterSnapshot& cluster, const health::MemberSnapshot& member) {
  return {{"cluster", cluster.name}, {"member", member.name}};
}

Labels member_labels(const health::ClusterSnapshot& cluster, const health::MemberSnapshot& member,
                     std::string_view extra_name, std::string extra_value) {
  Labels labels = member_labels(cluster, member);
  labels.push_back({extra_name, std::move(extra_value)});
  return labels;
}

}  // namespace pgvigil::metrics
