#include "metrics/exposition_cache.h"

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <utility>

#include "metrics/snapshot_families.h"

namespace pgvigil::metrics {

std::shared_ptr<const SnapshotExposition> render_snapshot_exposition(health::SnapshotPtr snapshot) {
  const SnapshotFamilies families = snapshot_families(snapshot.get());
  const prometheus::TextSerializer serializer;
  auto exposition = std::make_shared<SnapshotExposition>();
  exposition->text = serializer.Serialize(families.daemon);
  exposition->age_at = exposition->text.size();
  exposition->text += serializer.Serialize(families.clusters);
  exposition->snapshot = std::move(snapshot);
  return exposition;
}

ExpositionCache::ExpositionCache(SnapshotSource source) : source_(std::move(source)) {}

std::shared_ptr<const SnapshotExposition> ExpositionCache::current() {
  std::lock_guard lock(mutex_);
  // Asking for the snapshot under the lock means the cache only ever moves forward with the
  // store: a scrape that fetched an older snapshot cannot put it back after a newer one.
  health::SnapshotPtr snapshot = source_();
  // The cached entry holds its snapshot, so an equal pointer is the same snapshot, never a new
  // one that happens to reuse a freed one's address.
  if (cached_ == nullptr || cached_->snapshot != snapshot) cached_ = render_snapshot_exposition(std::move(snapshot));
  return cached_;
}

}  // namespace pgvigil::metrics
