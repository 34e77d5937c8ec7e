#include "metrics/metrics_endpoint.h"

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <iterator>
#include <utility>
#include <vector>

#include "metrics/snapshot_collector.h"

namespace pgvigil::metrics {
namespace {

// A render is a copy of in-memory values: expect well under a millisecond, and see the tail.
const prometheus::Histogram::BucketBoundaries kScrapeBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                             0.05,   0.1,   0.25,   0.5,   1.0};

}  // namespace

struct MetricsEndpoint::Impl {
  Impl(std::function<health::SnapshotPtr()> source, const Clock& time)
      : snapshot(make_snapshot_collectable(std::move(source), time)), clock(time) {}

  std::shared_ptr<prometheus::Collectable> snapshot;
  const Clock& clock;
  prometheus::Registry self;  // the endpoint's own families; thread-safe
  prometheus::Counter& scrapes = prometheus::BuildCounter()
                                     .Name("pgvigil_scrapes_total")
                                     .Help("Metrics expositions rendered.")
                                     .Register(self)
                                     .Add({});
  prometheus::Histogram& duration = prometheus::BuildHistogram()
                                        .Name("pgvigil_scrape_duration_seconds")
                                        .Help("Time taken to render a metrics exposition.")
                                        .Register(self)
                                        .Add({}, kScrapeBuckets);
  prometheus::Gauge& bytes = prometheus::BuildGauge()
                                 .Name("pgvigil_scrape_bytes")
                                 .Help("Size of the last metrics exposition rendered.")
                                 .Register(self)
                                 .Add({});
};

MetricsEndpoint::MetricsEndpoint(std::function<health::SnapshotPtr()> snapshot_source, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(snapshot_source), clock)) {}

MetricsEndpoint::~MetricsEndpoint() = default;

std::string MetricsEndpoint::render() {
  const SteadyTime started = impl_->clock.now();
  std::vector<prometheus::MetricFamily> families = impl_->snapshot->Collect();
  std::vector<prometheus::MetricFamily> self = impl_->self.Collect();
  families.insert(families.end(), std::make_move_iterator(self.begin()), std::make_move_iterator(self.end()));
  std::string text = prometheus::TextSerializer().Serialize(families);

  impl_->scrapes.Increment();
  impl_->duration.Observe(std::chrono::duration<double>(impl_->clock.now() - started).count());
  impl_->bytes.Set(static_cast<double>(text.size()));
  return text;
}

}  // namespace pgvigil::metrics
