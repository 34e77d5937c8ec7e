#include "metrics/metric_family_writer.h"

#include <prometheus/metric_family.h>

#include <utility>

namespace pgvigil::metrics {

namespace {

prometheus::ClientMetric make_sample(MetricKind kind, Labels labels, double value) {
  prometheus::ClientMetric sample;
  sample.label.reserve(labels.size());
  for (auto& label : labels) sample.label.push_back({std::string(label.name), std::move(label.value)});
  if (kind == MetricKind::counter) {
    sample.counter.value = value;
  } else {
    sample.gauge.value = value;
  }
  return sample;
}

prometheus::MetricType to_prometheus(MetricKind kind) {
  return kind == MetricKind::counter ? prometheus::MetricType::Counter : prometheus::MetricType::Gauge;
}

}  // namespace

FamilyWriter::FamilyWriter(std::vector<prometheus::MetricFamily>& out) : out_(out) {}

void FamilyWriter::add(const FamilySpec& family, Labels labels, double value) {
  auto [it, created] = index_.try_emplace(family.name, out_.size());
  if (created) {
    out_.push_back({std::string(family.name), std::string(family.help), to_prometheus(family.kind), {}});
  }
  out_[it->second].metric.push_back(make_sample(family.kind, std::move(labels), value));
}

double flag(bool on) { return on ? 1.0 : 0.0; }

}  // namespace pgvigil::metrics
