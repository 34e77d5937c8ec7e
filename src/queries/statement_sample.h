// One reading of pg_stat_statements, as plain values: every row of pg_stat_statements(false)
// (stats without query texts) plus pg_stat_statements_info, read in the same statement so the
// rows and the info agree. Plain values; built by the reader, then handed to diff_samples().
// Readers take `now()` first, the rows next and the info last: a reset that races the read then
// shows either in the rows or in the info of the next sample, never as a delta that reaches back
// before the previous read.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace pgvigil::queries {

using ServerTime = std::chrono::system_clock::time_point;

// pg_stat_statements keeps one entry per (userid, dbid, queryid, toplevel): the same query run
// by another role, in another database, or nested inside a function is a separate entry.
struct StatementKey {
  std::uint32_t userid = 0;  // Oid
  std::uint32_t dbid = 0;    // Oid
  std::int64_t queryid = 0;
  bool toplevel = true;

  friend bool operator==(const StatementKey&, const StatementKey&) = default;
  friend auto operator<=>(const StatementKey&, const StatementKey&) = default;
};

// queryid is already a 64-bit hash, but entries of one query differ only in userid, dbid and
// toplevel: mix everything through a full avalanche so those keys do not share buckets.
struct StatementKeyHash {
  std::size_t operator()(const StatementKey& key) const noexcept {
    std::uint64_t h = static_cast<std::uint64_t>(key.queryid);
    h ^= ((std::uint64_t{key.userid} << 32) | key.dbid) * 0x9E3779B97F4A7C15ULL;
    if (key.toplevel) h ^= 0x632BE59BD9B4E019ULL;
    h ^= h >> 30;  // splitmix64 finaliser
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBULL;
    h ^= h >> 31;
    return static_cast<std::size_t>(h);
  }
};

// The cumulative counters of one entry, since the entry was created or last reset. Only their
// differences between two samples mean anything for an interval.
struct StatementCounters {
  std::int64_t calls = 0;
  double total_exec_time_ms = 0;
  std::int64_t rows = 0;
  std::int64_t shared_blks_hit = 0;
  std::int64_t shared_blks_read = 0;
  std::int64_t temp_blks_read = 0;
  std::int64_t temp_blks_written = 0;
  std::int64_t wal_bytes = 0;  // numeric in SQL; int64 holds 9 EB

  friend bool operator==(const StatementCounters&, const StatementCounters&) = default;
};

// One row of pg_stat_statements(false). The reader leaves out rows whose queryid is NULL (other
// roles' entries, seen without pg_read_all_stats): they have no usable key.
struct StatementRow {
  StatementKey key;
  StatementCounters counters;
  // Highest single execution since the entry began. Not a counter: it cannot be subtracted,
  // only compared (a rise means the new maximum happened during the interval).
  double max_exec_time_ms = 0;
  std::optional<double> mean_exec_time_ms;  // cumulative mean, as the view reports it
  // When this entry's counters began (PostgreSQL 17+ `stats_since`; absent before). A change
  // proves the entry was evicted or reset and re-created.
  std::optional<ServerTime> stats_since;
};

struct StatementSample {
  // The server's clock at the read (`now()` in the same statement), so that it compares with
  // stats_reset, which the server also stamps.
  ServerTime taken_at{};
  // pg_stat_statements_info.stats_reset: moves on every full reset. Absent when the view is
  // not available (pg_stat_statements older than 1.9).
  std::optional<ServerTime> stats_reset;
  // pg_stat_statements_info.dealloc: entries evicted because pg_stat_statements.max was
  // reached, since the last full reset.
  std::int64_t dealloc = 0;
  // Every entry, each key once (as pg_stat_statements guarantees). A partial read (LIMIT, a
  // filter) would make present entries look new, so readers take all of them.
  std::vector<StatementRow> rows;
};

}  // namespace pgvigil::queries
