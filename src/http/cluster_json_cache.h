// Each cluster's JSON document (cluster_json(cluster) without "why"), rendered once per
// ClusterSnapshot object and shared by every /health and /clusters/{c} answer until one of the
// cluster's members publishes again: in a fleet, a daemon snapshot differs from the one before in
// a single cluster, and /health then renders that one and joins the others' cached text.
//
// Thread-safe: HTTP workers call it at once. The lock guards only the lookups and the stores;
// rendering happens outside it, so two requests may now and then render the same cluster, and
// the cache keeps whichever stored last (an entry is used only for the very snapshot it was
// rendered from, so that costs a render, never a wrong answer).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "health/snapshot.h"

namespace pgvigil::http {

// Immutable once built; any thread may read it.
struct ClusterJson {
  // What `text` was rendered from. Held, so that while the entry lives no other ClusterSnapshot
  // can take the address: an equal pointer is this very snapshot.
  health::ClusterSnapshotPtr cluster;
  std::string text;
};
using ClusterJsonPtr = std::shared_ptr<const ClusterJson>;

class ClusterJsonCache {
 public:
  // The document of `cluster` (not null), rendered now unless the cache holds it already.
  ClusterJsonPtr document(const health::ClusterSnapshotPtr& cluster);

  // Those of every cluster of `snapshot`, in its order. Entries of clusters `snapshot` no longer
  // has are dropped, so a removed cluster leaves nothing behind.
  std::vector<ClusterJsonPtr> documents(const health::Snapshot& snapshot);

 private:
  // The cached document of `cluster` if it was rendered from that very object; null otherwise.
  // Call with the lock held.
  ClusterJsonPtr cached(const health::ClusterSnapshot& cluster) const;

  std::mutex mutex_;
  std::unordered_map<std::string, ClusterJsonPtr> by_name_;  // one entry per cluster, the latest rendered
};

}  // namespace pgvigil::http
