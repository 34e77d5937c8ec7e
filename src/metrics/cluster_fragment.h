// The /metrics families of one cluster (the cluster's own and those of each of its members),
// rendered from one ClusterSnapshot. A ClusterSnapshot is immutable and shared by every daemon
// snapshot until one of the cluster's members publishes again, so a fragment rendered from it
// serves every exposition until then; the other clusters' changes never touch it. Immutable once
// built; any thread may read it.
#pragma once

#include <memory>

#include "health/snapshot.h"
#include "metrics/family_text_writer.h"

namespace pgvigil::metrics {

struct ClusterFragment {
  // What `families` was rendered from. Held, so that while the fragment lives no other
  // ClusterSnapshot can take the address: an equal pointer is this very snapshot.
  health::ClusterSnapshotPtr cluster;
  FamilyTexts families;  // samples only; family_merge.h puts them under headers with the other clusters'
};

// `cluster` must not be null.
std::shared_ptr<const ClusterFragment> render_cluster_fragment(health::ClusterSnapshotPtr cluster);

}  // namespace pgvigil::metrics
