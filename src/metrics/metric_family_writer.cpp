#include "metrics/metric_family_writer.h"

#include <prometheus/metric_family.h>

#include <limits>
#include <utility>

namespace pgvigil::metrics {

namespace {

prometheus::ClientMetric::Label to_label(Label& label) { return {std::string(label.name), std::move(label.value)}; }

prometheus::ClientMetric make_sample(MetricKind kind, Labels labels, double value) {
  prometheus::ClientMetric sample;
  sample.label.reserve(labels.size());
  for (auto& label : labels) sample.label.push_back(to_label(label));
  if (kind == MetricKind::counter) {
    sample.counter.value = value;
  } else {
    sample.gauge.value = value;
  }
  return sample;
}

prometheus::MetricType to_prometheus(MetricKind kind) {
  switch (kind) {
    case MetricKind::counter: return prometheus::MetricType::Counter;
    case MetricKind::histogram: return prometheus::MetricType::Histogram;
    case MetricKind::gauge: break;
  }
  return prometheus::MetricType::Gauge;
}

}  // namespace

FamilyCollector::FamilyCollector(std::vector<prometheus::MetricFamily>& out) : out_(out) {}

prometheus::MetricFamily& FamilyCollector::family_of(const FamilySpec& family) {
  auto [it, created] = index_.try_emplace(family.name, out_.size());
  if (created) {
    out_.push_back({std::string(family.name), std::string(family.help), to_prometheus(family.kind), {}});
  }
  return out_[it->second];
}

void FamilyCollector::add(const FamilySpec& family, Labels labels, double value) {
  family_of(family).metric.push_back(make_sample(family.kind, std::move(labels), value));
}

void FamilyCollector::add_histogram(const FamilySpec& family, Labels labels, std::span<const double> bounds,
                                 std::span<const std::uint64_t> counts, double sum) {
  prometheus::ClientMetric sample;
  for (auto& label : labels) sample.label.push_back(to_label(label));
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += i < counts.size() ? counts[i] : 0;
    const double bound = i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity();
    sample.histogram.bucket.push_back({cumulative, bound});
  }
  sample.histogram.sample_count = cumulative;
  sample.histogram.sample_sum = sum;
  family_of(family).metric.push_back(std::move(sample));
}

double flag(bool on) { return on ? 1.0 : 0.0; }

}  // namespace pgvigil::metrics
