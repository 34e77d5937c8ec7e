#include "metrics/scrape_metrics.h"

#include <prometheus/client_metric.h>

#include "metrics/exposition_text.h"

namespace pgvigil::metrics {
namespace {

constexpr FamilySpec kScrapes = counter("pgvigil_scrapes_total", "Metrics expositions rendered.");
constexpr FamilySpec kBytes{"pgvigil_scrape_bytes", "Size of the last metrics exposition rendered."};
constexpr std::string_view kDurationName = "pgvigil_scrape_duration_seconds";
constexpr std::string_view kDurationHelp = "Time taken to render a metrics exposition.";

// A render is a copy of in-memory values: expect well under a millisecond, and see the tail.
const prometheus::Histogram::BucketBoundaries kDurationBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                               0.05,   0.1,   0.25,   0.5,   1.0};

}  // namespace

ScrapeMetrics::ScrapeMetrics() : duration_(kDurationBuckets) {}

// The order is the one prometheus::Registry collected them in (counters, gauges, histograms),
// which expositions have always had.
void ScrapeMetrics::append_families(std::string& text) const {
  append_family(text, kScrapes, scrapes_.Value());
  append_family(text, kBytes, bytes_.Value());
  append_histogram_family(text, kDurationName, kDurationHelp, duration_.Collect());
}

void ScrapeMetrics::record(double render_seconds, std::size_t exposition_bytes) {
  scrapes_.Increment();
  duration_.Observe(render_seconds);
  bytes_.Set(static_cast<double>(exposition_bytes));
}

}  // namespace pgvigil::metrics
