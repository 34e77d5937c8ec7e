// The families exported from a health snapshot, one function per area. Each reads only the
// immutable snapshot (and `now`), so the result reflects exactly the current clusters and
// members: a member gone from the snapshot leaves no series behind. Pure functions; any thread.
//
// Label rules: every member series carries `cluster` and `member`; only member_up and
// member_status add `role`, because a failover changes the role and must not break the
// continuity of counters and measurements.
#pragma once

#include <vector>

#include "health/snapshot.h"
#include "metrics/metric_family_writer.h"
#include "util/clock.h"

namespace prometheus {
struct MetricFamily;
}

namespace pgvigil::metrics {

// `snapshot` is null before the first snapshot is published; the daemon's own families are
// still produced then.
std::vector<prometheus::MetricFamily> snapshot_families(const health::Snapshot* snapshot, WallTime now);

void write_daemon_families(FamilyWriter& out, const health::Snapshot* snapshot, WallTime now);
void write_cluster_families(FamilyWriter& out, const health::ClusterSnapshot& cluster);
void write_member_families(FamilyWriter& out, const health::ClusterSnapshot& cluster,
                           const health::MemberSnapshot& member);
void write_workload_families(FamilyWriter& out, const health::ClusterSnapshot& cluster,
                             const health::MemberSnapshot& member);
void write_pool_families(FamilyWriter& out, const health::ClusterSnapshot& cluster,
                         const health::MemberSnapshot& member);

Labels cluster_labels(const health::ClusterSnapshot& cluster);
Labels member_labels(const health::ClusterSnapshot& cluster, const health::MemberSnapshot& member);
// member_labels plus one more label, for families broken down by state or check.
Labels member_labels(const health::ClusterSnapshot& cluster, const health::MemberSnapshot& member,
                     std::string_view extra_name, std::string extra_value);

}  // namespace pgvigil::metrics
