#include "metrics/exposition_cache.h"

#include <utility>

namespace pgvigil::metrics {

ExpositionCache::ExpositionCache(SnapshotSource source) : source_(std::move(source)) {}

std::shared_ptr<const SnapshotExposition> ExpositionCache::current() {
  std::lock_guard lock(mutex_);
  // Asking for the snapshot under the lock means the cache only ever moves forward with the
  // store: a scrape that fetched an older snapshot cannot put it back after a newer one.
  health::SnapshotPtr snapshot = source_();
  // The cached entry holds its snapshot, so an equal pointer is the same snapshot, never a new
  // one that happens to reuse a freed one's address.
  if (cached_ == nullptr || cached_->snapshot != snapshot) cached_ = renderer_.render(std::move(snapshot));
  return cached_;
}

}  // namespace pgvigil::metrics
