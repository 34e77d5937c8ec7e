// The body of GET /metrics: every family built from the current health snapshot plus the
// endpoint's own scrape metrics, as Prometheus text exposition format 0.0.4. The snapshot's
// families are rendered once per published snapshot (see exposition_cache.h); a scrape only
// copies that text and writes the few values that change with every request: the snapshot's age
// and the scrape metrics. The scrape metrics in one answer describe the renders finished before
// it (a render cannot know its own size). Thread-safe: render() may run on several HTTP threads
// at once, provided the snapshot source may be called concurrently.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "health/snapshot.h"
#include "util/clock.h"

namespace pgvigil::metrics {

class MetricsEndpoint {
 public:
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  // `snapshot_source` returns the snapshot to serve, or null before the first one exists.
  // `clock` (ages and scrape durations) must outlive the endpoint.
  explicit MetricsEndpoint(std::function<health::SnapshotPtr()> snapshot_source, const Clock& clock = real_clock());
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  std::string render();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pgvigil::metrics
