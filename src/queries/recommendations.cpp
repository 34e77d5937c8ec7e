#include "queries/recommendations.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "queries/query_text.h"

namespace pgvigil::queries {
namespace {

// PostgreSQL's default block size; the messages speak in megabytes, the evidence in blocks.
constexpr double kBlockBytes = 8192;
constexpr double kMiB = 1024.0 * 1024.0;

// An index lookup touches a handful of pages per row returned; a statement touching 1,000
// pages (8 MB) per call for at most 10 rows per call is scanning, not looking up.
constexpr double kHeavyReadBlocksPerCall = 1000;
constexpr double kFewRowsPerCall = 10;

// Any spill costs disk I/O, but a few blocks in an interval is noise; 1 MB is a real sort or
// hash that did not fit in work_mem.
constexpr std::int64_t kTempBlocksWrittenFloor = 128;

// The same floor and limit the cache_hit check uses: below 10,000 blocks a ratio says little,
// and under 90% most of the work waits for reads from outside shared_buffers.
constexpr std::int64_t kCacheBlocksFloor = 10000;
constexpr double kLowHitRatio = 0.90;

// Small tables are cheaper to scan than to index: only tables of 10 MB or more count, and only
// when sequential scans are the majority and each reads many rows.
constexpr std::int64_t kLargeTableBytes = 10 * 1024 * 1024;
constexpr double kSeqScanShare = 0.5;
constexpr double kRowsPerSeqScan = 10000;

double per_call(double value, std::int64_t calls) { return calls > 0 ? value / static_cast<double>(calls) : 0; }

double as_double(std::int64_t value) { return static_cast<double>(value); }

std::vector<const StatementDelta*> heaviest_first(const IntervalDelta& interval) {
  std::vector<const StatementDelta*> order;
  for (const StatementDelta& statement : interval.statements) order.push_back(&statement);
  std::ranges::sort(order, [](const StatementDelta* a, const StatementDelta* b) { return heavier_first(*a, *b); });
  return order;
}

Recommendation about_statement(const StatementDelta& s, std::string kind, std::string message,
                               std::vector<std::pair<std::string, double>> evidence) {
  Recommendation r;
  r.kind = std::move(kind);
  r.queryid = s.key.queryid;
  r.message = std::move(message);
  r.evidence = std::move(evidence);
  return r;
}

std::optional<Recommendation> missing_index(const StatementDelta& s) {
  const auto& d = s.delta;
  const double blocks_per_call = per_call(as_double(d.shared_blks_hit + d.shared_blks_read), d.calls);
  const double rows_per_call = per_call(as_double(d.rows), d.calls);
  if (blocks_per_call < kHeavyReadBlocksPerCall || rows_per_call > kFewRowsPerCall) return std::nullopt;
  return about_statement(
      s, "missing_index",
      fmt::format("query {} reads {:.0f} blocks ({:.1f} MB) per call to return {:.1f} rows: a filter without a "
                  "usable index, or an aggregate over much of a table; look at its plan with EXPLAIN (ANALYZE, "
                  "BUFFERS)",
                  s.key.queryid, blocks_per_call, blocks_per_call * kBlockBytes / kMiB, rows_per_call),
      {{"calls", as_double(d.calls)},
       {"blocks_per_call", blocks_per_call},
       {"rows_per_call", rows_per_call},
       {"mean_ms", s.mean_exec_time_ms}});
}

std::optional<Recommendation> spills(const StatementDelta& s) {
  const auto& d = s.delta;
  if (d.temp_blks_written < kTempBlocksWrittenFloor) return std::nullopt;
  const double megabytes = as_double(d.temp_blks_written) * kBlockBytes / kMiB;
  return about_statement(
      s, "work_mem",
      fmt::format("query {} wrote {:.1f} MB of temporary files in {} calls: its sorts or hashes do not fit in "
                  "work_mem; raise work_mem for it (SET work_mem in its session, or per role) or sort less",
                  s.key.queryid, megabytes, d.calls),
      {{"calls", as_double(d.calls)},
       {"temp_blks_written", as_double(d.temp_blks_written)},
       {"temp_mb_per_call", per_call(megabytes, d.calls)}});
}

std::optional<Recommendation> cache_misses(const StatementDelta& s) {
  const auto& d = s.delta;
  const std::int64_t blocks = d.shared_blks_hit + d.shared_blks_read;
  if (blocks < kCacheBlocksFloor) return std::nullopt;
  const double ratio = as_double(d.shared_blks_hit) / as_double(blocks);
  if (ratio >= kLowHitRatio) return std::nullopt;
  return about_statement(
      s, "cache_hit",
      fmt::format("query {} found {:.1f}% of its {} blocks in shared_buffers: most of its reads wait for disk or "
                  "the OS cache; a narrower access path (an index) or a larger shared_buffers would help",
                  s.key.queryid, ratio * 100, blocks),
      {{"shared_blks_hit", as_double(d.shared_blks_hit)},
       {"shared_blks_read", as_double(d.shared_blks_read)},
       {"hit_ratio", ratio}});
}

std::optional<Recommendation> sequentially_read(const TableDelta& t) {
  if (t.size_bytes < kLargeTableBytes || t.seq_scans <= 0) return std::nullopt;
  const double share = as_double(t.seq_scans) / as_double(t.seq_scans + t.idx_scans);
  const double rows_per_scan = per_call(as_double(t.seq_tup_read), t.seq_scans);
  if (share < kSeqScanShare || rows_per_scan < kRowsPerSeqScan) return std::nullopt;
  Recommendation r;
  r.kind = "seq_scan";
  r.table = t.name;
  r.message = fmt::format(
      "table {} ({:.0f} MB) had {} sequential scans reading {} rows against {} index scans: an index on the "
      "columns its queries filter on would spare reading the whole table",
      t.name, as_double(t.size_bytes) / kMiB, t.seq_scans, t.seq_tup_read, t.idx_scans);
  r.evidence = {{"size_bytes", as_double(t.size_bytes)},
                {"seq_scans", as_double(t.seq_scans)},
                {"seq_tup_read", as_double(t.seq_tup_read)},
                {"idx_scans", as_double(t.idx_scans)},
                {"seq_scan_share", share}};
  return r;
}

template <class Rule>
void add_statements(const std::vector<const StatementDelta*>& order, Rule rule, std::vector<Recommendation>& out) {
  std::size_t added = 0;
  for (const StatementDelta* s : order) {
    if (added == kMaxRecommendationsPerKind) return;
    if (auto r = rule(*s)) {
      out.push_back(std::move(*r));
      ++added;
    }
  }
}

bool starts_with_word(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != word[i]) return false;
  }
  if (text.size() == word.size()) return true;
  const auto next = static_cast<unsigned char>(text[word.size()]);
  return !std::isalnum(next) && next != '_';
}

}  // namespace

bool is_utility_statement(std::string_view query) {
  static constexpr std::array<std::string_view, 11> kUtility = {
      "VACUUM", "ANALYZE", "ANALYSE", "CREATE", "ALTER", "DROP", "REINDEX", "CLUSTER", "REFRESH", "COPY", "TRUNCATE"};
  const std::string_view text = strip_leading_comments(query);
  return std::ranges::any_of(kUtility, [&](std::string_view word) { return starts_with_word(text, word); });
}

std::vector<Recommendation> recommend(const IntervalDelta& interval, const std::vector<TableDelta>& tables) {
  std::vector<Recommendation> out;
  const auto order = heaviest_first(interval);
  add_statements(order, missing_index, out);
  add_statements(order, spills, out);
  add_statements(order, cache_misses, out);

  std::vector<const TableDelta*> by_rows_read;
  for (const TableDelta& t : tables) by_rows_read.push_back(&t);
  std::ranges::sort(by_rows_read, [](const TableDelta* a, const TableDelta* b) {
    return a->seq_tup_read != b->seq_tup_read ? a->seq_tup_read > b->seq_tup_read : a->name < b->name;
  });
  std::size_t added = 0;
  for (const TableDelta* t : by_rows_read) {
    if (added == kMaxRecommendationsPerKind) break;
    if (auto r = sequentially_read(*t)) {
      out.push_back(std::move(*r));
      ++added;
    }
  }
  return out;
}

}  // namespace pgvigil::queries
