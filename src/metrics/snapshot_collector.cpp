#include "metrics/snapshot_collector.h"

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <utility>

#include "metrics/snapshot_families.h"

namespace pgvigil::metrics {
namespace {

class SnapshotCollectable final : public prometheus::Collectable {
 public:
  SnapshotCollectable(SnapshotSource source, const Clock& clock) : source_(std::move(source)), clock_(clock) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    // Holding the pointer keeps this snapshot alive even if a newer one is published meanwhile.
    const health::SnapshotPtr snapshot = source_();
    return snapshot_families(snapshot.get(), clock_.wall_now());
  }

 private:
  SnapshotSource source_;
  const Clock& clock_;
};

}  // namespace

std::shared_ptr<prometheus::Collectable> make_snapshot_collectable(SnapshotSource source, const Clock& clock) {
  return std::make_shared<SnapshotCollectable>(std::move(source), clock);
}

}  // namespace pgvigil::metrics
