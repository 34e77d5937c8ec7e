// /metrics and /health of a fleet, rendered as the HTTP workers render them: the issue asks for
// /metrics p50 ≤ 15 ms and /health p50 ≤ 5 ms at 500 members (250 clusters of 2) on 2 cores,
// HTTP included. Three situations per endpoint: one cluster changed since the last render (the
// steady state: every member cycle publishes), a new daemon snapshot with no cluster changed
// (the once-a-second refresh), and the same snapshot again (/metrics only: its exposition is
// cached whole). The "Whole" benchmarks render everything from scratch, as every new snapshot
// did before the per-cluster caches; the argument is the number of clusters.
#include <benchmark/benchmark.h>

#include <prometheus/text_serializer.h>

#include <cstddef>
#include <string>

#include "health/snapshot.h"
#include "http/health_json.h"
#include "http/probe_rules.h"
#include "http/router.h"
#include "metrics/exposition_renderer.h"
#include "metrics/metrics_endpoint.h"
#include "metrics/snapshot_families.h"
#include "synthetic_fleet.h"

namespace pgvigil::bench {
namespace {

// Publishes what the daemon would after a cycle of the next cluster's member, or after a refresh.
class Publisher {
 public:
  explicit Publisher(std::size_t clusters) : clusters_(clusters), current_(synthetic_snapshot(clusters)) {}

  void cycle() {
    current_ = replace_cluster(current_, next_, ++version_);
    next_ = (next_ + 1) % clusters_;
  }
  void refresh() { current_ = refreshed(current_); }
  health::SnapshotPtr current() const { return current_; }

 private:
  std::size_t clusters_;
  health::SnapshotPtr current_;
  std::size_t next_ = 0;
  double version_ = 0;
};

enum class Change { one_cluster, no_cluster, none };

void render_metrics(benchmark::State& state, Change change) {
  Publisher publisher(static_cast<std::size_t>(state.range(0)));
  metrics::MetricsEndpoint endpoint([&publisher] { return publisher.current(); });
  std::size_t bytes = endpoint.render().size();  // every fragment rendered once, as after start-up
  for (auto _ : state) {
    state.PauseTiming();
    if (change == Change::one_cluster) publisher.cycle();
    if (change == Change::no_cluster) publisher.refresh();
    state.ResumeTiming();
    const std::string text = endpoint.render();
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}

void BM_MetricsOneClusterChanged(benchmark::State& state) { render_metrics(state, Change::one_cluster); }
void BM_MetricsNoClusterChanged(benchmark::State& state) { render_metrics(state, Change::no_cluster); }
void BM_MetricsSameSnapshot(benchmark::State& state) { render_metrics(state, Change::none); }

// What every new snapshot cost before: all families collected, then one serializer pass.
void BM_MetricsWholeSerialized(benchmark::State& state) {
  const health::SnapshotPtr snapshot = synthetic_snapshot(static_cast<std::size_t>(state.range(0)));
  const prometheus::TextSerializer serializer;
  for (auto _ : state) {
    const metrics::SnapshotFamilies families = metrics::snapshot_families(snapshot.get());
    std::string text = serializer.Serialize(families.daemon) + serializer.Serialize(families.clusters);
    benchmark::DoNotOptimize(text.data());
  }
}

// Every fragment rendered afresh with the text writer: a first render after start-up or a reload.
void BM_MetricsWholeFragments(benchmark::State& state) {
  const health::SnapshotPtr snapshot = synthetic_snapshot(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto exposition = metrics::render_snapshot_exposition(snapshot);
    benchmark::DoNotOptimize(exposition.get());
  }
}

void render_health(benchmark::State& state, Change change) {
  Publisher publisher(static_cast<std::size_t>(state.range(0)));
  http::Hooks hooks;
  hooks.snapshot = [&publisher] { return publisher.current(); };
  const http::Request request{"GET", "/health", {}, {}};
  std::size_t bytes = http::route(request, hooks).body.size();  // every document rendered once
  for (auto _ : state) {
    state.PauseTiming();
    if (change == Change::one_cluster) publisher.cycle();
    if (change == Change::no_cluster) publisher.refresh();
    state.ResumeTiming();
    const http::Response response = http::route(request, hooks);
    bytes = response.body.size();
    benchmark::DoNotOptimize(response.body.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}

void BM_HealthOneClusterChanged(benchmark::State& state) { render_health(state, Change::one_cluster); }
void BM_HealthNoClusterChanged(benchmark::State& state) { render_health(state, Change::no_cluster); }

// What every /health request cost before: the whole document rendered.
void BM_HealthWhole(benchmark::State& state) {
  const health::SnapshotPtr snapshot = synthetic_snapshot(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    const http::ProbeResult result = http::overall_health(*snapshot);
    std::string text = http::health_json(*snapshot, result.why);
    benchmark::DoNotOptimize(text.data());
  }
}

BENCHMARK(BM_MetricsOneClusterChanged)->Arg(1)->Arg(250)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MetricsNoClusterChanged)->Arg(1)->Arg(250)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MetricsSameSnapshot)->Arg(1)->Arg(250)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MetricsWholeSerialized)->Arg(1)->Arg(250)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MetricsWholeFragments)->Arg(1)->Arg(250)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_HealthOneClusterChanged)->Arg(1)->Arg(250)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_HealthNoClusterChanged)->Arg(1)->Arg(250)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_HealthWhole)->Arg(1)->Arg(250)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace pgvigil::bench
