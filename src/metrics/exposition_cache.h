// The part of a /metrics exposition that depends only on the health snapshot, rendered once per
// published snapshot and shared by every scrape until the next publish. A snapshot is immutable,
// so the text rendered from it never goes stale; only the snapshot's age and the endpoint's own
// scrape metrics vary between scrapes, and the endpoint adds those per request.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "health/snapshot.h"

namespace pgvigil::metrics {

using SnapshotSource = std::function<health::SnapshotPtr()>;

// Immutable once built, so scrapes on any thread may read it at once.
struct SnapshotExposition {
  health::SnapshotPtr snapshot{};  // what `text` was rendered from; may be null
  std::string text{};              // every snapshot family, as prometheus::TextSerializer writes them
  std::size_t age_at = 0;          // where pgvigil_snapshot_age_seconds belongs in `text`

  std::string_view before_age() const { return std::string_view(text).substr(0, age_at); }
  std::string_view after_age() const { return std::string_view(text).substr(age_at); }
};

std::shared_ptr<const SnapshotExposition> render_snapshot_exposition(health::SnapshotPtr snapshot);

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
  std::mutex mutex_;
  std::shared_ptr<const SnapshotExposition> cached_;
};

}  // namespace pgvigil::metrics
