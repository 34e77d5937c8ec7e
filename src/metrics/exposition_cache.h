// The part of a /metrics exposition that depends only on the health snapshot, rendered once per
// published snapshot and shared by every scrape until the next publish. A snapshot is immutable,
// so the text rendered from it never goes stale; only the snapshot's age and the endpoint's own
// scrape metrics vary between scrapes, and the endpoint adds those per request. Rendering a new
// snapshot reuses the parts of the previous one whose inputs it still shares (see
// exposition_renderer.h): in a fleet, a publish changes one cluster.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "health/snapshot.h"
#include "metrics/exposition_renderer.h"

namespace pgvigil::metrics {

using SnapshotSource = std::function<health::SnapshotPtr()>;

class ExpositionCache {
 public:
  // `source` returns the snapshot to serve (null before the first one exists); it is called with
  // the cache's lock held, so it must be quick and must not call back into the cache.
  explicit ExpositionCache(SnapshotSource source);

  // The exposition of the snapshot `source` returns now. The first call after a publish renders
  // it; concurrent calls wait for that one rendering rather than each doing their own, and every
  // later call for the same snapshot gets the same object. Thread-safe.
  std::shared_ptr<const SnapshotExposition> current();

 private:
  SnapshotSource source_;
  std::mutex mutex_;  // guards the two below; held while rendering, which does no I/O
  ExpositionRenderer renderer_;
  std::shared_ptr<const SnapshotExposition> cached_;
};

}  // namespace pgvigil::metrics
