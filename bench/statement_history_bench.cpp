// The statement history at the scale: 500 members (250 clusters of a primary and a
// replica) recording intervals of 20 statements into the default 8 MiB budget. Measures the
// cost of recording one interval once the budget is full (rendering, sharing the texts, evicting
// the oldest), of writing a 1,000-interval GET /queries answer, and reports as counters what an
// interval takes: kept now, and as a report with its JSON (how intervals were kept before), and
// what every member's newest interval takes, which the budget never drops.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "queries/interval_store.h"
#include "queries/recorded_interval.h"
#include "queries/report_json.h"
#include "util/heap_bytes.h"

namespace pgvigil::queries {
namespace {

constexpr int kClusters = 250;
constexpr int kStatementsPerInterval = 20;  // queries.top_n's default
constexpr int kTextsPerCluster = 60;        // the statements that take turns among the heaviest
constexpr std::size_t kBudget = 8ull * 1024 * 1024;

// Texts as applications have them: most short, some ORM-sized, a few at max_query_length.
std::string text_of(int cluster, int id) {
  std::string text = "SELECT o.id, o.total FROM orders o WHERE o.customer_id = $1 /* c" + std::to_string(cluster) +
                     " q" + std::to_string(id) + " */";
  const std::size_t size = id % 10 == 0 ? 2000 : id % 10 < 4 ? 600 : 150;
  while (text.size() < size) text += " AND o.state <> $2";
  return text.substr(0, size);
}

class Fleet {
 public:
  Fleet() : random_(42) {}

  IntervalReport next() {
    const int member = member_++ % (2 * kClusters);
    const int cluster = member / 2;
    IntervalReport r;
    r.cluster = "cluster-" + std::to_string(cluster);
    r.member = "db-" + std::to_string(member);
    r.end = WallTime{} + std::chrono::hours(24 * 365 * 56) + std::chrono::seconds(member_);
    r.start = r.end - std::chrono::seconds(60);
    r.recorded_at = r.end;
    r.active = 180;
    r.totals = {.calls = 91234, .exec_time_ms = 51234.5, .rows = 100234, .shared_blks_hit = 9012345};
    // Fifteen statements stay the heaviest; five come and go.
    for (int i = 0; i < kStatementsPerInterval; ++i) {
      const int id = i < 15 ? i : 15 + static_cast<int>(random_() % (kTextsPerCluster - 15));
      ReportedStatement s;
      s.queryid = static_cast<std::int64_t>(random_());
      s.user = "app";
      s.database = "shop";
      s.top = true;
      s.delta = {.calls = 1200 + i, .total_exec_time_ms = 2500.125 / (i + 1), .rows = 1200, .shared_blks_hit = 48000};
      s.mean_exec_time_ms = s.delta.total_exec_time_ms / static_cast<double>(s.delta.calls);
      s.max_exec_time_ms = 12.5;
      s.query = text_of(cluster, id);
      r.statements.push_back(std::move(s));
    }
    return r;
  }

 private:
  std::mt19937_64 random_;
  int member_ = 0;
};

// What the history used to keep for an interval: the report itself and its JSON beside it.
std::size_t report_and_json_bytes(const IntervalReport& r) {
  std::size_t bytes = make_shared_bytes<IntervalReport>() + heap_bytes(r.cluster) + heap_bytes(r.member) +
                      heap_bytes(r.statements) + heap_bytes(r.recommendations);
  for (const ReportedStatement& s : r.statements) {
    bytes += heap_bytes(s.user) + heap_bytes(s.database) + heap_bytes(s.query);
  }
  return bytes + heap_bytes(interval_json_text(r)) + sizeof(std::string);
}

// What every member's newest interval takes with its texts: the least the history can hold.
std::size_t floor_bytes() {
  Fleet fleet;
  IntervalStore store(1);
  for (int i = 0; i < 3 * 2 * kClusters; ++i) {
    const IntervalReport r = fleet.next();
    store.add(r.cluster, compact_interval(r, 0));
    store.enforce_budget();
  }
  return store.bytes();
}

std::size_t kept_intervals(const IntervalStore& store) {
  std::size_t count = 0;
  for (int c = 0; c < kClusters; ++c) count += store.newest_first("cluster-" + std::to_string(c)).size();
  return count;
}

void BM_RecordIntervalIntoAFullBudget(benchmark::State& state) {
  Fleet fleet;
  IntervalStore store(kBudget);
  // Fill to the budget, then a round more, so that every add below evicts.
  while (store.usage().evicted < 2 * kClusters * 2) {
    const IntervalReport r = fleet.next();
    store.add(r.cluster, compact_interval(r, 0));
    store.enforce_budget();
  }
  const IntervalReport sample = fleet.next();
  for (auto _ : state) {
    state.PauseTiming();
    const IntervalReport r = fleet.next();
    state.ResumeTiming();
    store.add(r.cluster, compact_interval(r, 0));
    store.enforce_budget();
  }
  const std::size_t kept = kept_intervals(store);
  const RecordedInterval one = compact_interval(sample, 0);
  state.counters["kept_intervals"] = static_cast<double>(kept);
  state.counters["kept_per_member"] = static_cast<double>(kept) / (2.0 * kClusters);
  state.counters["history_bytes"] = static_cast<double>(store.bytes());
  state.counters["texts_held"] = static_cast<double>(store.texts().size());
  state.counters["interval_bytes"] = static_cast<double>(interval_bytes(one));
  state.counters["interval_and_texts_bytes"] = static_cast<double>(store.bytes()) / static_cast<double>(kept);
  state.counters["before_bytes"] = static_cast<double>(report_and_json_bytes(sample));
  state.counters["floor_bytes"] = static_cast<double>(floor_bytes());
}
BENCHMARK(BM_RecordIntervalIntoAFullBudget)->Unit(benchmark::kMicrosecond);

void BM_WriteAThousandIntervals(benchmark::State& state) {
  Fleet fleet;
  IntervalStore store(kBudget);
  std::vector<std::shared_ptr<const RecordedInterval>> answer;
  for (int i = 0; i < 1000; ++i) {
    const IntervalReport r = fleet.next();
    store.add(r.cluster, compact_interval(r, 0));
  }
  for (int c = 0; c < kClusters; ++c) {
    for (auto& interval : store.newest_first("cluster-" + std::to_string(c))) answer.push_back(std::move(interval));
  }
  std::size_t size = 0;
  for (const auto& interval : answer) size += interval->packed.json_size() + 1;
  for (auto _ : state) {
    std::string body;
    body.reserve(size);
    for (const auto& interval : answer) {
      interval->packed.append_json_to(body);
      body += ',';
    }
    benchmark::DoNotOptimize(body);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}
BENCHMARK(BM_WriteAThousandIntervals)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace pgvigil::queries
