// The families exported from a health snapshot, one function per area. Each reads only the
// immutable snapshot, so the result reflects exactly the current clusters and members (a member
// gone from the snapshot leaves no series behind), and one rendering serves every scrape of the
// same snapshot. The one family that depends on the time of the scrape, the snapshot's age, is
// appended per request instead. snapshot_families() renders them all at once, the reference;
// /metrics renders them in parts cached apart (exposition_renderer.h). Pure functions; any thread.
//
// Label rules: every member series carries `cluster` and `member`; only member_up and
// member_status add `role`, because a failover changes the role and must not break the
// continuity of counters and measurements.
#pragma once

#include <prometheus/metric_family.h>

#include <string>
#include <vector>

#include "health/snapshot.h"
#include "metrics/metric_family_writer.h"
#include "util/clock.h"

namespace pgvigil::metrics {

// An exposition's snapshot families come in two runs because pgvigil_snapshot_age_seconds sits
// between them: first the daemon's own, then those of every cluster and member.
struct SnapshotFamilies {
  std::vector<prometheus::MetricFamily> daemon{};
  std::vector<prometheus::MetricFamily> clusters{};
};

// `snapshot` is null before the first snapshot is published; the daemon's own families are
// still produced then.
SnapshotFamilies snapshot_families(const health::Snapshot* snapshot);

// Appends pgvigil_snapshot_age_seconds as of `now` to an exposition, unless there is no real
// snapshot to have an age.
void append_snapshot_age(std::string& text, const health::Snapshot* snapshot, WallTime now);

void write_daemon_families(FamilyWriter& out, const health::Snapshot* snapshot);
// A cluster's own families, then each member's: all that one ClusterSnapshot gives.
void write_whole_cluster(FamilyWriter& out, const health::ClusterSnapshot& cluster);
void write_cluster_families(FamilyWriter& out, const health::ClusterSnapshot& cluster);
void write_member_families(FamilyWriter& out, const health::ClusterSnapshot& cluster,
                           const health::MemberSnapshot& member);
void write_workload_families(FamilyWriter& out, const health::ClusterSnapshot& cluster,
                             const health::MemberSnapshot& member);
void write_pool_families(FamilyWriter& out, const health::ClusterSnapshot& cluster,
                         const health::MemberSnapshot& member);
void write_action_families(FamilyWriter& out, const health::Snapshot& snapshot);
void write_alert_families(FamilyWriter& out, const health::Snapshot& snapshot);

Labels cluster_labels(const health::ClusterSnapshot& cluster);
Labels member_labels(const health::ClusterSnapshot& cluster, const health::MemberSnapshot& member);
// member_labels plus one more label, for families broken down by state or check.
Labels member_labels(const health::ClusterSnapshot& cluster, const health::MemberSnapshot& member,
                     std::string_view extra_name, std::string extra_value);

}  // namespace pgvigil::metrics
