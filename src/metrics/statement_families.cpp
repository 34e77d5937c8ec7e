#include "metrics/statement_families.h"

#include <algorithm>
#include <array>
#include <string>

#include "metrics/snapshot_families.h"
#include "queries/interval_history.h"

namespace pgvigil::metrics {
namespace {

using queries::StatementCounterTotals;

struct TotalsFamily {
  FamilySpec family;
  double (*read)(const StatementCounterTotals&);
};

double count(std::uint64_t value) { return static_cast<double>(value); }

constexpr std::array kTotalsFamilies{
    TotalsFamily{counter("pgvigil_statements_intervals_total",
                         "pg_stat_statements sampling intervals recorded (the first sample only primes)."),
                 [](const StatementCounterTotals& t) { return count(t.intervals); }},
    TotalsFamily{counter("pgvigil_statements_calls_total", "Statement executions, from pg_stat_statements deltas."),
                 [](const StatementCounterTotals& t) { return count(t.calls); }},
    TotalsFamily{counter("pgvigil_statements_exec_seconds_total", "Time spent executing statements."),
                 [](const StatementCounterTotals& t) { return t.exec_seconds; }},
    TotalsFamily{counter("pgvigil_statements_rows_total", "Rows statements returned or affected."),
                 [](const StatementCounterTotals& t) { return count(t.rows); }},
    TotalsFamily{counter("pgvigil_statements_temp_blocks_written_total",
                         "Temporary file blocks statements wrote (sorts and hashes beyond work_mem)."),
                 [](const StatementCounterTotals& t) { return count(t.temp_blks_written); }},
    TotalsFamily{counter("pgvigil_statements_wal_bytes_total", "WAL bytes statements generated."),
                 [](const StatementCounterTotals& t) { return count(t.wal_bytes); }},
    TotalsFamily{counter("pgvigil_slow_queries_total",
                         "Statements found slow in an interval (mean or a new maximum above slow_threshold)."),
                 [](const StatementCounterTotals& t) { return count(t.slow); }},
    TotalsFamily{counter("pgvigil_statements_resets_total", "Intervals in which pg_stat_statements was reset."),
                 [](const StatementCounterTotals& t) { return count(t.resets); }},
    TotalsFamily{counter("pgvigil_statements_evicted_total",
                         "Entries pg_stat_statements evicted for lack of room (pg_stat_statements.max)."),
                 [](const StatementCounterTotals& t) { return count(t.evicted); }},
};

constexpr FamilySpec kSharedBlocks = counter(
    "pgvigil_statements_shared_blocks_total", "Shared buffer blocks statements used: kind=hit found in cache, read not.");

constexpr FamilySpec kTop{"pgvigil_statement_top_exec_seconds",
                          "Execution time in the member's last interval of its heaviest statements, by queryid."};

constexpr FamilySpec kHistoryBytes{
    "pgvigil_statement_history_bytes",
    "Heap the in-memory statement interval history takes, shared query texts included (GET /queries)."};
constexpr FamilySpec kHistoryMaxBytes{"pgvigil_statement_history_max_bytes", "daemon.statement_history_max_bytes."};
constexpr FamilySpec kHistoryEvicted = counter(
    "pgvigil_statement_history_evicted_total",
    "Statement intervals dropped from the in-memory history, oldest first, to stay within "
    "daemon.statement_history_max_bytes (the slow-query log keeps them).");

void write_totals(FamilyWriter& out, const health::ClusterSnapshot& cluster, const health::MemberSnapshot& member,
                  const StatementCounterTotals& totals) {
  for (const TotalsFamily& row : kTotalsFamilies) out.add(row.family, member_labels(cluster, member), row.read(totals));
  out.add(kSharedBlocks, member_labels(cluster, member, "kind", "hit"), count(totals.shared_blks_hit));
  out.add(kSharedBlocks, member_labels(cluster, member, "kind", "read"), count(totals.shared_blks_read));
}

// The interval kept its heaviest statements, heaviest first, as many as metrics_top_n asked for
// when it was recorded; the setting now may ask for fewer.
void write_top(FamilyWriter& out, const health::ClusterSnapshot& cluster, const health::MemberSnapshot& member,
               const queries::ClusterStatementHistory& history) {
  const queries::RecordedInterval* latest = history.latest(member.name);
  if (latest == nullptr) return;
  const auto n = static_cast<std::size_t>(std::clamp(history.metrics_top_n, 0, queries::kMaxMetricsTopN));
  for (std::size_t rank = 0; rank < n && rank < latest->top.size(); ++rank) {
    const queries::TopStatement& s = latest->top[rank];
    Labels labels = member_labels(cluster, member, "queryid", std::to_string(s.queryid));
    labels.push_back({"rank", std::to_string(rank + 1)});
    out.add(kTop, std::move(labels), s.exec_seconds);
  }
}

void write_usage(FamilyWriter& out, const queries::HistoryUsage& usage) {
  out.add(kHistoryBytes, {}, static_cast<double>(usage.bytes));
  out.add(kHistoryMaxBytes, {}, static_cast<double>(usage.max_bytes));
  out.add(kHistoryEvicted, {}, static_cast<double>(usage.evicted));
}

}  // namespace

void write_statement_families(FamilyWriter& out, const health::Snapshot& snapshot) {
  if (!snapshot.statements) return;
  write_usage(out, snapshot.statements->usage);
  for (const auto& shared : snapshot.clusters) {
    const health::ClusterSnapshot& cluster = *shared;
    const queries::ClusterStatementHistory* history = snapshot.statements->cluster(cluster.name);
    if (history == nullptr) continue;
    for (const auto& member : cluster.members) {
      const auto totals = history->totals.find(member.name);
      if (totals != history->totals.end()) write_totals(out, cluster, member, totals->second);
    }
    if (history->metrics_top_n <= 0) continue;
    for (const auto& member : cluster.members) write_top(out, cluster, member, *history);
  }
}

}  // namespace pgvigil::metrics
