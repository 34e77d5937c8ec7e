// A prometheus Collectable that rebuilds every snapshot-backed family from the current health
// snapshot on each collection, so the label sets are exactly those of the snapshot and a removed
// member or cluster leaves no stale series. Collect() is thread-safe when `source` is.
#pragma once

#include <functional>
#include <memory>

#include "health/snapshot.h"
#include "util/clock.h"

namespace prometheus {
class Collectable;
}

namespace pgvigil::metrics {

using SnapshotSource = std::function<health::SnapshotPtr()>;

// `source` may return null (no snapshot published yet). `clock` must outlive the collectable.
std::shared_ptr<prometheus::Collectable> make_snapshot_collectable(SnapshotSource source, const Clock& clock);

}  // namespace pgvigil::metrics
