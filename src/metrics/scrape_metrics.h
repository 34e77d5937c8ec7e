// The metrics endpoint's own families: expositions rendered, how long each took and how big the
// last one was. They change with every scrape, so they are written afresh into each exposition
// rather than kept with the snapshot's families. Thread-safe.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <cstddef>
#include <string>

namespace pgvigil::metrics {

class ScrapeMetrics {
 public:
  // Roughly what append_families() adds, so a caller can reserve once.
  static constexpr std::size_t kTextBytes = 1536;

  ScrapeMetrics();

  // pgvigil_scrapes_total, pgvigil_scrape_bytes and pgvigil_scrape_duration_seconds, in that
  // order, describing the renders recorded so far.
  void append_families(std::string& text) const;
  void record(double render_seconds, std::size_t exposition_bytes);

 private:
  prometheus::Counter scrapes_;
  prometheus::Gauge bytes_;
  prometheus::Histogram duration_;
};

}  // namespace pgvigil::metrics
