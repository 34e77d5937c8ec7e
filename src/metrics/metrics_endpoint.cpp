#include "metrics/metrics_endpoint.h"

#include <chrono>
#include <utility>

#include "metrics/exposition_cache.h"
#include "metrics/scrape_metrics.h"
#include "metrics/snapshot_families.h"

namespace pgvigil::metrics {

struct MetricsEndpoint::Impl {
  Impl(std::function<health::SnapshotPtr()> source, const Clock& time) : cache(std::move(source)), clock(time) {}

  ExpositionCache cache;
  const Clock& clock;
  ScrapeMetrics scrapes;
};

MetricsEndpoint::MetricsEndpoint(std::function<health::SnapshotPtr()> snapshot_source, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(snapshot_source), clock)) {}

MetricsEndpoint::~MetricsEndpoint() = default;

std::string MetricsEndpoint::render() {
  const SteadyTime started = impl_->clock.now();
  const std::shared_ptr<const SnapshotExposition> exposition = impl_->cache.current();
  std::string text;
  text.reserve(exposition->text.size() + ScrapeMetrics::kTextBytes);
  text += exposition->before_age();
  append_snapshot_age(text, exposition->snapshot.get(), impl_->clock.wall_now());
  text += exposition->after_age();
  impl_->scrapes.append_families(text);

  impl_->scrapes.record(std::chrono::duration<double>(impl_->clock.now() - started).count(), text.size());
  return text;
}

}  // namespace pgvigil::metrics
