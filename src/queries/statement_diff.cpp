#include "queries/statement_diff.h"

#include <algorithm>
#include <limits>

namespace pgvigil::queries {
namespace {

bool went_backwards(const StatementCounters& before, const StatementCounters& now) {
  return now.calls < before.calls || now.total_exec_time_ms < before.total_exec_time_ms ||
         now.rows < before.rows || now.shared_blks_hit < before.shared_blks_hit ||
         now.shared_blks_read < before.shared_blks_read || now.temp_blks_read < before.temp_blks_read ||
         now.temp_blks_written < before.temp_blks_written || now.wal_bytes < before.wal_bytes;
}

// Caller has checked that nothing went backwards, so every field is >= 0.
StatementCounters difference(const StatementCounters& before, const StatementCounters& now) {
  return {
      .calls = now.calls - before.calls,
      .total_exec_time_ms = now.total_exec_time_ms - before.total_exec_time_ms,
      .rows = now.rows - before.rows,
      .shared_blks_hit = now.shared_blks_hit - before.shared_blks_hit,
      .shared_blks_read = now.shared_blks_read - before.shared_blks_read,
      .temp_blks_read = now.temp_blks_read - before.temp_blks_read,
      .temp_blks_written = now.temp_blks_written - before.temp_blks_written,
      .wal_bytes = now.wal_bytes - before.wal_bytes,
  };
}

// Counters taken in full. Clamped so that a malformed row cannot break "never negative".
StatementCounters in_full(const StatementCounters& now) {
  return {
      .calls = std::max<std::int64_t>(now.calls, 0),
      .total_exec_time_ms = std::max(now.total_exec_time_ms, 0.0),
      .rows = std::max<std::int64_t>(now.rows, 0),
      .shared_blks_hit = std::max<std::int64_t>(now.shared_blks_hit, 0),
      .shared_blks_read = std::max<std::int64_t>(now.shared_blks_read, 0),
      .temp_blks_read = std::max<std::int64_t>(now.temp_blks_read, 0),
      .temp_blks_written = std::max<std::int64_t>(now.temp_blks_written, 0),
      .wal_bytes = std::max<std::int64_t>(now.wal_bytes, 0),
  };
}

bool stats_reset_moved(const StatementSample& previous, const StatementSample& current) {
  return previous.stats_reset && current.stats_reset && *previous.stats_reset != *current.stats_reset;
}

bool entry_recreated(const StatementRow& before, const StatementRow& now) {
  return before.stats_since && now.stats_since && *before.stats_since != *now.stats_since;
}

// Rules 1-4 for one entry; `before` is null when the entry is absent from previous.
StatementDelta entry_delta(const StatementRow* before, const StatementRow& now, bool all_began_inside) {
  StatementDelta out;
  out.key = now.key;
  out.cumulative_max_exec_time_ms = now.max_exec_time_ms;
  if (before == nullptr) {
    out.origin = EntryOrigin::created;
  } else if (all_began_inside || entry_recreated(*before, now) || went_backwards(before->counters, now.counters)) {
    out.origin = EntryOrigin::restarted;
  } else {
    out.origin = EntryOrigin::continued;
  }

  if (out.origin == EntryOrigin::continued) {
    out.delta = difference(before->counters, now.counters);
    if (now.max_exec_time_ms > before->max_exec_time_ms) out.interval_max_exec_time_ms = now.max_exec_time_ms;
  } else {
    out.delta = in_full(now.counters);
    out.interval_max_exec_time_ms = now.max_exec_time_ms;
  }
  if (out.delta.calls > 0) {
    out.mean_exec_time_ms = out.delta.total_exec_time_ms / static_cast<double>(out.delta.calls);
  }
  return out;
}

// The previous sample's rows by key: open addressing with linear probing over row positions.
// One allocation instead of one node per entry, which is most of the cost of a node-based map
// at 50,000 entries. Duplicate keys (which pg_stat_statements never returns): the first wins.
class RowIndex {
 public:
  explicit RowIndex(const std::vector<StatementRow>& rows) : rows_(rows) {
    std::size_t capacity = 16;
    while (capacity < rows.size() * 2) capacity *= 2;  // at most half full: short probes
    slots_.assign(capacity, k_empty);
    mask_ = capacity - 1;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      std::size_t slot = StatementKeyHash{}(rows[i].key) & mask_;
      while (slots_[slot] != k_empty && rows_[slots_[slot]].key != rows[i].key) slot = (slot + 1) & mask_;
      if (slots_[slot] != k_empty) continue;
      slots_[slot] = static_cast<std::uint32_t>(i);
      ++unique_;
    }
  }

  const StatementRow* find(const StatementKey& key) const {
    for (std::size_t slot = StatementKeyHash{}(key) & mask_; slots_[slot] != k_empty; slot = (slot + 1) & mask_) {
      if (rows_[slots_[slot]].key == key) return &rows_[slots_[slot]];
    }
    return nullptr;
  }

  std::size_t unique_keys() const { return unique_; }

 private:
  static constexpr std::uint32_t k_empty = std::numeric_limits<std::uint32_t>::max();
  const std::vector<StatementRow>& rows_;
  std::vector<std::uint32_t> slots_;
  std::size_t mask_ = 0;
  std::size_t unique_ = 0;
};

}  // namespace

IntervalDelta diff_samples(const StatementSample& previous, const StatementSample& current) {
  IntervalDelta out;
  out.start = previous.taken_at;
  out.end = current.taken_at;

  const bool dealloc_backwards = current.dealloc < previous.dealloc;
  out.reset_detected = stats_reset_moved(previous, current) || dealloc_backwards;
  // Rule 4: only a reset stamped after the previous read proves every entry began inside.
  const bool all_began_inside = stats_reset_moved(previous, current) && *current.stats_reset > previous.taken_at;
  out.evicted = (all_began_inside || dealloc_backwards) ? std::max<std::int64_t>(current.dealloc, 0)
                                                        : current.dealloc - previous.dealloc;

  const RowIndex previous_index(previous.rows);

  out.statements.reserve(current.rows.size());
  std::size_t matched = 0;
  for (const StatementRow& now : current.rows) {
    const StatementRow* before = previous_index.find(now.key);
    if (before != nullptr) ++matched;
    const StatementDelta delta = entry_delta(before, now, all_began_inside);
    if (delta.delta.calls == 0) continue;  // rule 6
    if (delta.origin == EntryOrigin::created) ++out.created;
    if (delta.origin == EntryOrigin::restarted) ++out.restarted;
    out.statements.push_back(delta);
  }
  out.gone = previous_index.unique_keys() - matched;
  return out;
}

bool heavier_first(const StatementDelta& a, const StatementDelta& b) {
  if (a.delta.total_exec_time_ms != b.delta.total_exec_time_ms) {
    return a.delta.total_exec_time_ms > b.delta.total_exec_time_ms;
  }
  if (a.delta.calls != b.delta.calls) return a.delta.calls > b.delta.calls;
  return a.key < b.key;
}

std::vector<StatementDelta> top_by_total_time(const IntervalDelta& interval, std::size_t n) {
  // Sort pointers, not the deltas: only n of them are copied out.
  std::vector<const StatementDelta*> order;
  order.reserve(interval.statements.size());
  for (const StatementDelta& delta : interval.statements) order.push_back(&delta);
  const std::size_t count = std::min(n, order.size());
  const auto middle = order.begin() + static_cast<std::ptrdiff_t>(count);
  std::partial_sort(order.begin(), middle, order.end(),
                    [](const StatementDelta* a, const StatementDelta* b) { return heavier_first(*a, *b); });
  std::vector<StatementDelta> top;
  top.reserve(count);
  for (auto it = order.begin(); it != middle; ++it) top.push_back(**it);
  return top;
}

}  // namespace pgvigil::queries
