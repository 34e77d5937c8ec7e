// Diffing a full pg_stat_statements sample: the budget is 20 ms of CPU for 50,000
// entries (pg_stat_statements.max is 5,000 by default; large fleets raise it to 50,000).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

#include "queries/statement_diff.h"

namespace pgvigil::queries {
namespace {

struct SamplePair {
  StatementSample previous;
  StatementSample current;
};

// Most entries grow, 1% are new, 1% are gone, one in 500 went backwards; rows come in a
// different order in each sample, as hash-table order in the server does not promise one.
SamplePair make_samples(std::size_t entries) {
  std::mt19937_64 random(42);
  SamplePair pair;
  pair.previous.taken_at = ServerTime{} + std::chrono::hours(24 * 365 * 55);
  pair.current.taken_at = pair.previous.taken_at + std::chrono::seconds(60);
  pair.previous.rows.reserve(entries);
  pair.current.rows.reserve(entries);
  for (std::size_t i = 0; i < entries; ++i) {
    StatementRow row;
    row.key = {.userid = static_cast<std::uint32_t>(10 + i % 7),
               .dbid = static_cast<std::uint32_t>(16384 + i % 3),
               .queryid = static_cast<std::int64_t>(random()),
               .toplevel = i % 5 != 0};
    row.counters = {.calls = static_cast<std::int64_t>(random() % 100'000),
                    .total_exec_time_ms = static_cast<double>(random() % 10'000'000) / 7.0,
                    .rows = static_cast<std::int64_t>(random() % 1'000'000),
                    .shared_blks_hit = static_cast<std::int64_t>(random() % 10'000'000),
                    .shared_blks_read = static_cast<std::int64_t>(random() % 100'000),
                    .temp_blks_read = 0,
                    .temp_blks_written = 0,
                    .wal_bytes = static_cast<std::int64_t>(random() % 100'000'000)};
    row.max_exec_time_ms = 50;
    if (i % 100 != 0) pair.previous.rows.push_back(row);  // 1% new
    if (i % 100 == 1) continue;                          // 1% gone
    if (i % 500 == 2) {
      row.counters.calls /= 2;  // began again
    } else {
      row.counters.calls += static_cast<std::int64_t>(random() % 50);
      row.counters.total_exec_time_ms += 3.5;
      row.counters.shared_blks_hit += 10;
    }
    pair.current.rows.push_back(row);
  }
  std::shuffle(pair.current.rows.begin(), pair.current.rows.end(), random);
  return pair;
}

void BM_DiffSamples(benchmark::State& state) {
  const SamplePair pair = make_samples(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    IntervalDelta interval = diff_samples(pair.previous, pair.current);
    benchmark::DoNotOptimize(interval);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DiffSamples)->Arg(5'000)->Arg(50'000)->Unit(benchmark::kMillisecond);

void BM_TopByTotalTime(benchmark::State& state) {
  const SamplePair pair = make_samples(static_cast<std::size_t>(state.range(0)));
  const IntervalDelta interval = diff_samples(pair.previous, pair.current);
  for (auto _ : state) {
    auto top = top_by_total_time(interval, 20);
    benchmark::DoNotOptimize(top);
  }
}
BENCHMARK(BM_TopByTotalTime)->Arg(50'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pgvigil::queries
